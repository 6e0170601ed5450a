"""Rate-limit keys: per account or code, never per network address alone.

A class of sixty behind one school router shares one address, so a limit keyed on the
address alone would lock the whole class out. Limits here key on what is being guessed
(a username, a join code, a personal code) together with the address.
"""

from flask import request


def client_address() -> str:
    """Return the caller's address (the proxy's view when ProxyFix is configured)."""
    return request.remote_addr or "unknown"


def form_value_key(field: str) -> str:
    """Return a key of the normalised form value `field` plus the client address."""
    value = (request.form.get(field) or "").strip().upper()[:64]
    return f"{field}:{value}:{client_address()}"
