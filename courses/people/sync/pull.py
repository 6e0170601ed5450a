"""Sync back: a laptop asks the server for what changed about its OWN learners.

The laptop signs a small request (its device, a random nonce, the time); the server
checks it as it checks a push, then answers gzipped JSON signed with the same device
key: for each learner that came from this device and is still there, its public id,
display name and personal-code hash; and the tombstones of this device's learners
and memberships deleted on the server. Nothing of another device or organisation,
nothing else: a lost laptop exposes no one but its own learners. The answer echoes
the nonce, so the laptop applies only the answer to the request it just sent.
"""

from __future__ import annotations

import gzip
import json
import secrets
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.people.models import Device, Role, Tombstone, User
from courses.people.sync import devices, signing
from courses.people.sync.enrolment import Enrolment
from courses.people.sync.errors import SyncRefused

REQUEST_FORMAT = "jaring-sync-pull-1"
ANSWER_FORMAT = "jaring-sync-pull-answer-1"
MAX_AGE = timedelta(minutes=10)  # a request older (or newer) than this is refused
MAX_ANSWER_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    """A signed pull request's bytes, signature and nonce (kept to check the answer)."""

    body: bytes
    signature: str
    nonce: str


def make_request(enrolled: Enrolment) -> Request:
    """Return a new signed pull request for this laptop."""
    nonce = secrets.token_hex(16)
    document = {
        "format": REQUEST_FORMAT,
        "device": enrolled.device,
        "organisation": enrolled.organisation,
        "nonce": nonce,
        "sent_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    body = json.dumps(document, separators=(",", ":")).encode()
    return Request(body, signing.sign(enrolled.key, body), nonce)


# -- the server ---------------------------------------------------------------


def answer(
    db: Session, sync_master: bytes, device_id: str, body: bytes, signature: str
) -> tuple[bytes, str]:
    """Return (body, signature) of the answer to a device's signed pull request.

    A refusal is written to the device's last error (when it is known) and raised.
    """
    try:
        device, key = devices.signed_device(db, sync_master, device_id, body, signature)
        nonce = _checked_request(device, body)
    except SyncRefused as refusal:
        db.rollback()
        devices.record_error(db, device_id, refusal)
        raise
    document = {
        "format": ANSWER_FORMAT,
        "device": device.public_id,
        "organisation": device.organisation.public_id,
        "nonce": nonce,
        "learners": own_learners(db, device),
        "tombstones": own_tombstones(db, device),
    }
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    data = gzip.compress(text.encode(), mtime=0)
    db.rollback()  # nothing was changed: end the read
    return data, signing.sign(key, data)


def _checked_request(device: Device, body: bytes) -> str:
    """Return the request's nonce, or refuse a request that is not this device's
    or not from the last few minutes (a replay)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep
        raise SyncRefused("invalid", "request") from None
    if not isinstance(document, dict) or document.get("format") != REQUEST_FORMAT:
        raise SyncRefused("invalid", "request")
    if document.get("device") != device.public_id:
        raise SyncRefused("invalid", "request.device")
    if document.get("organisation") != device.organisation.public_id:
        raise SyncRefused("wrong-organisation")
    nonce = document.get("nonce")
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 64:
        raise SyncRefused("invalid", "request.nonce")
    if not _recent(document.get("sent_at")):
        raise SyncRefused("expired")
    return nonce


def _recent(value: Any) -> bool:
    """Return True if an ISO time (with its zone) is within MAX_AGE of now."""
    try:
        sent = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    if sent.tzinfo is None:
        return False
    return abs(datetime.now(UTC) - sent) <= MAX_AGE


def own_learners(db: Session, device: Device) -> list[dict[str, Any]]:
    """Return id, display name and code hash of each learner from this device."""
    query = (
        select(User.public_id, User.display_name, User.resume_code_hash)
        .where(
            User.device_id == device.id,
            User.organisation_id == device.organisation_id,
            User.role == Role.LEARNER.value,
        )
        .order_by(User.id)
    )
    return [
        {"id": public_id, "display_name": name, "code_hash": code_hash}
        for public_id, name, code_hash in db.execute(query)
    ]


def own_tombstones(db: Session, device: Device) -> list[dict[str, str]]:
    """Return the tombstones of this device's learners and memberships."""
    query = (
        select(Tombstone.kind, Tombstone.public_id)
        .where(Tombstone.device_id == device.id)
        .order_by(Tombstone.deleted_at, Tombstone.public_id)
    )
    return [{"kind": kind, "id": public_id} for kind, public_id in db.execute(query)]


# -- the laptop ---------------------------------------------------------------


def read_answer(
    enrolled: Enrolment, request: Request, body: bytes, signature: str
) -> dict[str, Any]:
    """Return the server's answer, verified; or raise SyncRefused("bad-answer")."""
    if not signing.verify(enrolled.key, body, signature):
        raise SyncRefused("bad-answer")
    try:
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(body, MAX_ANSWER_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise SyncRefused("bad-answer")
        document = json.loads(raw)
    except (zlib.error, ValueError, RecursionError):
        raise SyncRefused("bad-answer") from None
    expected = {
        "format": ANSWER_FORMAT,
        "device": enrolled.device,
        "organisation": enrolled.organisation,
        "nonce": request.nonce,
    }
    if not isinstance(document, dict) or any(
        document.get(k) != v for k, v in expected.items()
    ):
        raise SyncRefused("bad-answer")
    return document
