"""Device keys and signatures: HMAC-SHA256, keys derived, never stored in a database.

The server derives each device's key from its SYNC_KEY, the device's public id and
the key's generation; issuing the key again bumps the generation, so the old key
stops working. A signature covers the exact bytes of a bundle.
"""

from __future__ import annotations

import hashlib
import hmac


def device_key(master: bytes, device_public_id: str, generation: int) -> str:
    """Return a device's signing key (hex) for its key generation."""
    label = f"jaring sync device {device_public_id} generation {generation}"
    return hmac.new(master, label.encode(), hashlib.sha256).hexdigest()


def sign(key: str, body: bytes) -> str:
    """Return the signature of `body` under a device key (hex)."""
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def verify(key: str, body: bytes, signature: str) -> bool:
    """Return True if `signature` is the signature of `body` (constant time)."""
    return hmac.compare_digest(sign(key, body), signature or "")


def body_digest(body: bytes) -> str:
    """Return the SHA-256 of a bundle's bytes (to know the same bundle again)."""
    return hashlib.sha256(body).hexdigest()
