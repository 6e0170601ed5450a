"""The laptop's side: what the server has not acknowledged, bundles, and pushes.

Each bundle gets the next number of this laptop's sequence (the id of its row), so
the server can refuse an old one. A push sends what is unacknowledged in chunks, in
dependency order; after each chunk the server's answer is recorded as the digests
of what it received, so a push cut off halfway resends only the rest, and a record
changed since (a corrected head count) counts as not sent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from courses.people.models import OutgoingBundle, SentRecord, utcnow
from courses.people.sync import bundle, signing
from courses.people.sync.enrolment import Enrolment
from courses.people.sync.records import Outgoing, collect

Send = Callable[[bytes, str], dict[str, Any]]


def unsent(db: Session, everything: bool = False) -> list[Outgoing]:
    """Return the records the server has not acknowledged as they are now."""
    records = collect(db)
    if everything:
        return records
    sent = {(r.kind, r.key): r.digest for r in db.scalars(select(SentRecord))}
    return [r for r in records if sent.get((r.kind, r.key)) != r.digest]


def sent_any(db: Session) -> bool:
    """Return True once the server has acknowledged any record of this laptop."""
    return db.scalars(select(SentRecord.kind).limit(1)).first() is not None


def unsent_counts(db: Session) -> dict[str, int]:
    """Return how many records of each kind are not sent yet."""
    return dict(Counter(r.kind for r in unsent(db)))


def make_bundle(
    db: Session, enrolment: Enrolment, items: list[Outgoing], purpose: str
) -> tuple[bytes, str, int]:
    """Return (body, signature, sequence) of a new bundle of `items`."""
    row = OutgoingBundle(purpose=purpose, records=len(items))
    db.add(row)
    db.commit()
    header = bundle.header_now(enrolment.device, enrolment.organisation, row.id)
    body = bundle.encode(header, items)
    return body, signing.sign(enrolment.key, body), row.id


def export_file(db: Session, enrolment: Enrolment) -> tuple[bytes, int]:
    """Return a bundle file of every record (a file has no answer to go by)."""
    items = unsent(db, everything=True)
    body, signature, _sequence = make_bundle(db, enrolment, items, "file")
    return bundle.wrap(enrolment.device, signature, body), len(items)


def acknowledge(db: Session, sequence: int, items: list[Outgoing]) -> None:
    """Record that the server received these records as they are now."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item.key)
    for kind, keys in by_kind.items():
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            db.execute(
                delete(SentRecord).where(
                    SentRecord.kind == kind, SentRecord.key.in_(part)
                )
            )
    db.add_all(SentRecord(kind=i.kind, key=i.key, digest=i.digest) for i in items)
    found = db.get(OutgoingBundle, sequence)
    if found is not None:
        found.acknowledged_at = utcnow()
    db.commit()


@dataclass
class Pushed:
    """What a push sent and what the server said it changed."""

    sent: int = 0
    chunks: int = 0
    server: Counter[str] = field(default_factory=Counter)


def push(
    db: Session, enrolment: Enrolment, send: Send, chunk: int, everything: bool = False
) -> Pushed:
    """Send unacknowledged records in chunks; each chunk is acknowledged on its own.

    `send(body, signature)` returns the server's counts or raises SyncRefused; a
    refusal or a cut connection leaves the chunks before it acknowledged.
    """
    items = unsent(db, everything)
    pushed = Pushed()
    for start in range(0, len(items), max(chunk, 1)):
        part = items[start : start + chunk]
        body, signature, sequence = make_bundle(db, enrolment, part, "push")
        answer = send(body, signature)
        acknowledge(db, sequence, part)
        pushed.sent += len(part)
        pushed.chunks += 1
        pushed.server.update(
            {k: v for k, v in answer.items() if type(v) is int and k != "already"}
        )
    return pushed


@dataclass(frozen=True)
class Status:
    """What the laptop shows: unsent records and the last push and file."""

    unsent: dict[str, int]
    last_push: Any
    last_file: Any


def status(db: Session) -> Status:
    """Return the unsent counts and when the last push and file were made."""
    last_push = db.scalars(
        select(OutgoingBundle.acknowledged_at)
        .where(OutgoingBundle.acknowledged_at.is_not(None))
        .order_by(OutgoingBundle.id.desc())
    ).first()
    last_file = db.scalars(
        select(OutgoingBundle.created_at)
        .where(OutgoingBundle.purpose == "file")
        .order_by(OutgoingBundle.id.desc())
    ).first()
    return Status(unsent_counts(db), last_push, last_file)
