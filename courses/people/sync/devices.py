"""The organisation's server side of sync: enrolling, revoking and receiving.

A device belongs to one organisation. Its key is derived from SYNC_KEY and never
stored; revoking refuses it at once, issuing it again replaces it. Receiving checks
the device, the signature and the bundle's place in the device's sequence before it
parses a single record, then applies the bundle in one transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from courses.people.models import Device, utcnow
from courses.people.sync import bundle, signing
from courses.people.sync.errors import SyncRefused
from courses.people.sync.merge import Merge, Received
from courses.platform.db import forget_deleted

MAX_NAME = 80


def devices_of(db: Session, organisation_id: int) -> list[Device]:
    """Return an organisation's devices, newest first."""
    query = (
        select(Device)
        .where(Device.organisation_id == organisation_id)
        .order_by(Device.created_at.desc(), Device.id.desc())
    )
    return list(db.scalars(query))


def device_of(db: Session, organisation_id: int, public_id: str) -> Device | None:
    """Return the organisation's device with this public id, or None."""
    query = select(Device).where(
        Device.public_id == public_id, Device.organisation_id == organisation_id
    )
    return db.scalars(query).first()


def create_device(db: Session, organisation_id: int, name: str) -> Device:
    """Add a device to the organisation (its key is shown once, by the caller)."""
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise ValueError("name")
    device = Device(organisation_id=organisation_id, name=cleaned)
    db.add(device)
    db.commit()
    return device


def last_refusal(device: Device) -> SyncRefused | None:
    """Return the device's last refusal (code and place), if any."""
    if not device.last_error:
        return None
    code, _sep, where = device.last_error.partition(" ")
    return SyncRefused(code, where)


def revoke(db: Session, device: Device) -> None:
    """Refuse the device's key from now on (its records stay)."""
    device.revoked_at = device.revoked_at or utcnow()
    db.commit()


def reissue(db: Session, device: Device) -> None:
    """Replace the device's key: the old key stops working, a new enrolment is due."""
    device.key_generation += 1
    device.revoked_at = None
    db.commit()


def receive(
    db: Session, sync_master: bytes, device_id: str, body: bytes, signature: str
) -> Received:
    """Apply a signed bundle from a device, all or nothing, and count it.

    A refusal rolls everything back, is written to the device's last error (when
    the device is known) and raised again.
    """
    try:
        try:
            received = _receive(db, sync_master, device_id, body, signature)
        except (IntegrityError, DataError):  # a name used here; a value it refuses
            raise SyncRefused("invalid", "a record clashes with one here") from None
    except SyncRefused as refusal:
        db.rollback()
        record_error(db, device_id, refusal)
        raise
    return received


def _receive(
    db: Session, sync_master: bytes, device_id: str, body: bytes, signature: str
) -> Received:
    device, _key = signed_device(db, sync_master, device_id, body, signature, True)
    decoded = bundle.decode(body)
    header = decoded.header
    if header.device != device.public_id:
        raise SyncRefused("invalid", "header.device")
    if header.organisation != device.organisation.public_id:
        raise SyncRefused("wrong-organisation")
    digest = signing.body_digest(body)
    if header.sequence == device.last_sequence and digest == device.last_digest:
        db.rollback()
        return Received(already=True, unchanged=decoded.size)
    if header.sequence <= device.last_sequence:
        raise SyncRefused("old")
    received = Merge(db, device, decoded.records).run()
    _count(device, header.sequence, digest, received)
    db.commit()
    if received.deleted:
        forget_deleted(db)  # nothing of a deleted learner stays in SQLite's log
    return received


def signed_device(
    db: Session,
    sync_master: bytes,
    device_id: str,
    body: bytes,
    signature: str,
    lock: bool = False,
) -> tuple[Device, str]:
    """Return the known, unrevoked device whose key signed `body`, and that key;
    raise SyncRefused otherwise (`lock` holds the device's row until commit)."""
    query = select(Device).where(Device.public_id == device_id)
    device = db.scalars(query.with_for_update() if lock else query).first()
    if device is None:
        raise SyncRefused("unknown-device")
    if device.revoked_at is not None:
        raise SyncRefused("revoked")
    key = signing.device_key(sync_master, device.public_id, device.key_generation)
    if not signing.verify(key, body, signature):
        raise SyncRefused("bad-signature")
    return device, key


def _count(device: Device, sequence: int, digest: str, received: Received) -> None:
    device.last_sequence = sequence
    device.last_digest = digest
    device.last_sync_at = utcnow()
    device.records_received += received.records
    device.bundles_received += 1
    device.last_error = None
    device.last_error_at = None


def record_error(db: Session, device_id: str, refusal: SyncRefused) -> None:
    """Write a refusal's code and place on the device's row (pages say it in the
    reader's language); a device unknown here is left alone."""
    device = db.scalars(select(Device).where(Device.public_id == device_id)).first()
    if device is not None:
        device.last_error = f"{refusal.code} {refusal.where}".strip()[:500]
        device.last_error_at = utcnow()
        db.commit()
