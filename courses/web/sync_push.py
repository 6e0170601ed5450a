"""The organisation's server talking to laptops: POST /sync/push and /sync/pull.

Not pages: a device sends a signed bundle and gets counts back as JSON, never data;
or a signed pull request and gets back, signed with its own key, only what concerns
the learners that came from it (see courses/people/sync/pull.py). Both are exempt
from CSRF only because no browser session is involved: the device's signature over
the body is the authentication, checked before anything is parsed. Refusals answer
4xx with their code; nothing of a refused bundle is stored.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from courses.people.sync import devices
from courses.people.sync import pull as sync_back
from courses.people.sync.errors import SyncRefused
from courses.people.sync.transport import DEVICE_HEADER, SIGNATURE_HEADER
from courses.platform.db import get_session
from courses.platform.extensions import csrf, limiter
from courses.platform.keys import sync_key
from courses.web.access import device_signed

bp = Blueprint("sync_push", __name__)
STATUS = {"unknown-device": 403, "revoked": 403, "bad-signature": 403, "old": 409}


@bp.post("/sync/push")
@device_signed
@limiter.limit("120 per minute")
def push() -> tuple[Response, int]:
    """Apply one signed bundle from a device; answer its counts."""
    device = request.headers.get(DEVICE_HEADER, "")[:40]
    signature = request.headers.get(SIGNATURE_HEADER, "")[:128]
    if not device or not signature:
        return _refused(SyncRefused("not-a-bundle"))
    body = request.get_data(cache=False)
    try:
        received = devices.receive(get_session(), sync_key(), device, body, signature)
    except SyncRefused as refusal:
        current_app.logger.info("sync push refused: %s", refusal.sentence())
        return _refused(refusal)
    return jsonify(received.as_dict()), 200


@bp.post("/sync/pull")
@device_signed
@limiter.limit("120 per minute")
def pull() -> tuple[Response, int]:
    """Answer a device's signed pull: its own learners' names, codes and deletions."""
    device = request.headers.get(DEVICE_HEADER, "")[:40]
    signature = request.headers.get(SIGNATURE_HEADER, "")[:128]
    if not device or not signature:
        return _refused(SyncRefused("invalid", "request"))
    body = request.get_data(cache=False)
    try:
        data, signed = sync_back.answer(
            get_session(), sync_key(), device, body, signature
        )
    except SyncRefused as refusal:
        current_app.logger.info("sync pull refused: %s", refusal.sentence())
        return _refused(refusal)
    answer = Response(data, mimetype="application/octet-stream")
    answer.headers[SIGNATURE_HEADER] = signed
    return answer, 200


def _refused(refusal: SyncRefused) -> tuple[Response, int]:
    answer = {
        "error": refusal.code,
        "where": refusal.where,
        "message": refusal.sentence(),
    }
    return jsonify(answer), STATUS.get(refusal.code, 400)


# The one exemption from CSRF, for these two views: see the module's docstring.
for view in (push, pull):
    csrf.exempt(view)
