"""Carrying a laptop's records to the organisation's server: devices, deletions,
and, on the laptop, what the server has acknowledged.

    Device        (server) a laptop the admin enrolled; its key is derived from the
                  server's SYNC_KEY and never stored
    Tombstone     (both) a record deleted here: it must not come back from a bundle
    SentRecord    (laptop) the digest of each record the server acknowledged
    OutgoingBundle (laptop) each bundle made; its id is the bundle's sequence number
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.people.models.identity import (
    Organisation,
    created_at_column,
    public_id_column,
)
from courses.platform.db import Base


class Device(Base):
    """A laptop allowed to send its organisation's records to this server."""

    __tablename__ = "sync_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    # Bumped when the key is issued again: the old key stops working.
    key_generation: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = created_at_column()
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The newest bundle applied: an older one is refused (a replay).
    last_sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_digest: Mapped[str | None] = mapped_column(String(64))
    records_received: Mapped[int] = mapped_column(Integer, default=0)
    bundles_received: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organisation: Mapped[Organisation] = relationship()

    @property
    def is_active(self) -> bool:
        """Return True unless the device's key was revoked."""
        return self.revoked_at is None


class Tombstone(Base):
    """A learner or membership deleted on this machine: its public id, nothing else."""

    __tablename__ = "sync_tombstone"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    public_id: Mapped[str] = mapped_column(String(22), primary_key=True)
    deleted_at: Mapped[datetime] = created_at_column()
    # (server) The device the deleted learner came from: its pull carries this back.
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_device.id", ondelete="SET NULL"), index=True
    )


class SentRecord(Base):
    """(laptop) A record the server acknowledged, with the digest of what was sent."""

    __tablename__ = "sync_sent_record"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))


class OutgoingBundle(Base):
    """(laptop) A bundle made for a push or a file; the id is its sequence number."""

    __tablename__ = "sync_outgoing_bundle"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(10))  # push | file
    records: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = created_at_column()
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
