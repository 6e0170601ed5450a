"""The bundle: gzipped JSON with a header and records, signed over its exact bytes.

A push sends the bytes with the device id and signature in headers; a file wraps
them in an envelope, one text line before the bytes:

    JARING-SYNC 1 <device public id> <signature>\\n<gzipped JSON>

The signature is checked before anything is parsed; a file that was changed or cut
short fails it (or the gzip check) and is refused whole.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from courses.people.sync.errors import SyncRefused
from courses.people.sync.records import KINDS, Outgoing

FORMAT = 1
MAGIC = b"JARING-SYNC 1 "
ENVELOPE = re.compile(rb"^JARING-SYNC 1 ([A-Za-z0-9_-]{8,22}) ([0-9a-f]{64})\n")
MAX_JSON_BYTES = 64 * 1024 * 1024  # a gzip bomb stops here


@dataclass(frozen=True)
class Header:
    """Who made a bundle, for which organisation, and its place in the sequence."""

    device: str
    organisation: str
    sequence: int
    created_at: str


@dataclass(frozen=True)
class Bundle:
    """A decoded bundle: its header and its records by kind."""

    header: Header
    records: dict[str, list[dict[str, Any]]]

    @property
    def size(self) -> int:
        """Return how many records it holds."""
        return sum(len(items) for items in self.records.values())


def encode(header: Header, items: list[Outgoing]) -> bytes:
    """Return a bundle's bytes: gzipped JSON (mtime 0: equal input, equal bytes)."""
    records: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    for item in items:
        records[item.kind].append(item.data)
    document = {"format": FORMAT, **header.__dict__, "records": records}
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode(), mtime=0)


def decode(body: bytes) -> Bundle:
    """Read a bundle's bytes (already verified), or raise SyncRefused."""
    try:
        inflater = zlib.decompressobj(wbits=31)
        raw = inflater.decompress(body, MAX_JSON_BYTES)
        if inflater.unconsumed_tail:
            raise SyncRefused("too-large")
        if not inflater.eof:
            raise SyncRefused("unreadable")
        document = json.loads(raw)
        # Lone surrogates (from \ud800 escapes) cannot be stored: refuse them here.
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except (zlib.error, ValueError):
        raise SyncRefused("unreadable") from None
    if not isinstance(document, dict):
        raise SyncRefused("unreadable")
    if document.get("format") != FORMAT:
        raise SyncRefused("format")
    return Bundle(_header(document), _records(document))


def _header(document: dict[str, Any]) -> Header:
    values = [document.get(k) for k in ("device", "organisation", "created_at")]
    sequence = document.get("sequence")
    if not all(isinstance(v, str) for v in values) or type(sequence) is not int:
        raise SyncRefused("invalid", "header")
    device, organisation, created_at = values
    return Header(device, organisation, sequence, created_at)


def _records(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    records = document.get("records")
    if not isinstance(records, dict) or not set(records) <= set(KINDS):
        raise SyncRefused("invalid", "records")
    found = {}
    for kind in KINDS:
        items = records.get(kind, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SyncRefused("invalid", kind)
        found[kind] = items
    return found


def header_now(device: str, organisation: str, sequence: int) -> Header:
    """Return the header of a bundle made now."""
    created = datetime.now(UTC).isoformat(timespec="seconds")
    return Header(device, organisation, sequence, created)


def wrap(device: str, signature: str, body: bytes) -> bytes:
    """Return a bundle file's bytes: the envelope line, then the bundle."""
    return MAGIC + f"{device} {signature}\n".encode() + body


def unwrap(data: bytes) -> tuple[str, str, bytes]:
    """Return (device, signature, body) of a bundle file, or raise SyncRefused."""
    match = ENVELOPE.match(data[:200])
    if match is None:
        raise SyncRefused("not-a-bundle")
    return match.group(1).decode(), match.group(2).decode(), data[match.end() :]
