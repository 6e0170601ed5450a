"""Server keys in use: the personal-code key, and keyed digests for counter keys."""

import hashlib
import hmac

from flask import current_app


def code_key() -> bytes:
    """Return the key under which personal codes are hashed (CODE_KEY)."""
    return str(current_app.config["CODE_KEY"]).encode()


def digest(value: str) -> str:
    """Return a keyed digest of a secret value, for counter keys (never the value)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
