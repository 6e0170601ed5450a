"""Server keys in use: personal codes, sync, and keyed digests for counter keys.

Every key lives outside the database (environment or instance folder), so a copy of
the database alone reveals no code and can forge no bundle.
"""

import hashlib
import hmac
import json
from pathlib import Path

from flask import current_app

ENROLMENT_FILE = "sync_enrolment.json"


def code_key() -> bytes:
    """Return the key under which personal codes are hashed (CODE_KEY)."""
    return str(current_app.config["CODE_KEY"]).encode()


def sync_key() -> bytes:
    """Return the key from which each device's signing key is derived (SYNC_KEY)."""
    return str(current_app.config["SYNC_KEY"]).encode()


def enrolment_path() -> Path:
    """Return where an enrolled laptop keeps its enrolment (instance folder)."""
    configured = current_app.config.get("SYNC_ENROLMENT_FILE")
    return Path(configured or Path(current_app.instance_path) / ENROLMENT_FILE)


def enrolled_code_key() -> bytes | None:
    """Return the organisation code key this laptop was given at enrolment, if any."""
    try:
        path = enrolment_path()
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    key = data.get("code_key") if isinstance(data, dict) else None
    return key.encode() if isinstance(key, str) and key else None


def digest(value: str) -> str:
    """Return a keyed digest of a secret value, for counter keys (never the value)."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
