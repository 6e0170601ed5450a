"""The laptop's push and pull requests: HTTPS POSTs, standard library only.

The body is the bundle's bytes; the device id and the signature go in headers. The
server answers counts (JSON), or a refusal with its code, which is raised here as
SyncRefused so the laptop says it in its own words.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import Any

from courses.people.sync.errors import SENTENCES, SyncRefused

DEVICE_HEADER = "X-Jaring-Device"
SIGNATURE_HEADER = "X-Jaring-Signature"
PUSH_PATH = "/sync/push"
PULL_PATH = "/sync/pull"


def post_bundle(
    server: str, device: str, body: bytes, signature: str, timeout: float = 60
) -> dict[str, Any]:
    """POST one bundle to the server; return its counts or raise SyncRefused."""
    raw, _signature = _post(server, PUSH_PATH, device, body, signature, timeout)
    try:
        return _counts(raw)
    except ValueError:
        raise SyncRefused("unreachable") from None


def post_pull(
    server: str, device: str, body: bytes, signature: str, timeout: float = 60
) -> tuple[bytes, str]:
    """POST a signed pull request; return the answer's bytes and its signature."""
    return _post(server, PULL_PATH, device, body, signature, timeout)


def _post(
    server: str, path: str, device: str, body: bytes, signature: str, timeout: float
) -> tuple[bytes, str]:
    """POST signed bytes; return the answer's bytes and signature header."""
    if not server.startswith(("https://", "http://")):
        raise SyncRefused("enrolment-invalid")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        server.rstrip("/") + path,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/octet-stream",
            DEVICE_HEADER: device,
            SIGNATURE_HEADER: signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310
            return answer.read(), answer.headers.get(SIGNATURE_HEADER, "")
    except urllib.error.HTTPError as error:
        raise _refusal(error) from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        raise SyncRefused("unreachable") from None


def _counts(raw: bytes) -> dict[str, Any]:
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("not counts")
    return data


def _refusal(error: urllib.error.HTTPError) -> SyncRefused:
    """Return the server's refusal (its code), or a general one."""
    try:
        data = json.loads(error.read())
    except (ValueError, OSError):
        data = {}
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(code, str) and code in SENTENCES:
        where = data.get("where")
        return SyncRefused(code, where if isinstance(where, str) else "")
    return SyncRefused("server-error")
