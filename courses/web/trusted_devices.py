"""Devices a staff member has signed in from before (OWASP's "device cookies").

After a successful sign-in the browser gets a signed cookie with a keyed digest of the
account's username (not the name itself) and a random device id. Wrong passwords are
then counted per account *and device*: guessing from elsewhere can hold back sign-ins
from new devices for a while, but never the owner on a device they have used before.
"""

from __future__ import annotations

import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from courses.platform.keys import digest

COOKIE = "device"
SALT = "trusted-device"
ONE_YEAR = 365 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def device_of(username: str) -> str | None:
    """Return this browser's device id for `username`, if it has signed in before."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=ONE_YEAR)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != digest(username):
        return None
    device = data.get("d")
    return device if isinstance(device, str) else None


def remember_device(response: Response, username: str) -> None:
    """Mark this browser as one `username` has signed in from."""
    device = device_of(username) or secrets.token_urlsafe(12)
    value = _serializer().dumps({"u": digest(username), "d": device})
    response.set_cookie(
        COOKIE,
        value,
        max_age=ONE_YEAR,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
