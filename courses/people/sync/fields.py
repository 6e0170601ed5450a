"""Checking each field of a received record: type, length and form, with its place.

A bundle is signed by a device the server trusts, yet its content is still input:
every value is checked before it is stored, and a bad one refuses the whole bundle
naming the record and field (`learners[3].display_name`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from courses.people.sync.errors import SyncRefused

PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{8,22}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class Record:
    """One received record and where it is in the bundle, for error messages."""

    def __init__(self, kind: str, index: int, data: dict[str, Any]) -> None:
        self.kind = kind
        self.index = index
        self.data = data

    def refuse(self, name: str, code: str = "invalid") -> SyncRefused:
        """Return the refusal naming this record's field."""
        return SyncRefused(code, f"{self.kind}[{self.index}].{name}")

    def text(self, name: str, limit: int, optional: bool = False) -> str | None:
        """Return a string field of at most `limit` characters."""
        value = self.data.get(name)
        if value is None and optional:
            return None
        if not isinstance(value, str) or len(value) > limit or "\x00" in value:
            raise self.refuse(name)
        return value

    def required(self, name: str, limit: int) -> str:
        """Return a string field that must be there."""
        value = self.text(name, limit)
        assert value is not None  # noqa: S101 - text() raises for None
        return value

    def public_id(self, name: str = "id", optional: bool = False) -> str | None:
        """Return a public id field."""
        value = self.text(name, 22, optional)
        if value is not None and not PUBLIC_ID.match(value):
            raise self.refuse(name)
        return value

    def pid(self, name: str = "id") -> str:
        """Return a public id field that must be there."""
        value = self.public_id(name)
        assert value is not None  # noqa: S101 - public_id() raises for None
        return value

    def slug(self, name: str) -> str:
        """Return a course or module slug."""
        value = self.required(name, 80)
        if not SLUG.match(value):
            raise self.refuse(name)
        return value

    def number(self, name: str, high: int = 10_000_000) -> int:
        """Return a whole number from 0 to `high`."""
        value = self.data.get(name)
        if type(value) is not int or not 0 <= value <= high:
            raise self.refuse(name)
        return value

    def flag(self, name: str) -> bool:
        """Return a true/false field."""
        value = self.data.get(name)
        if not isinstance(value, bool):
            raise self.refuse(name)
        return value

    def moment(self, name: str, optional: bool = False) -> datetime | None:
        """Return a time with its zone (ISO 8601)."""
        raw = self.text(name, 40, optional)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise self.refuse(name) from None
        return value if value.tzinfo else value.replace(tzinfo=UTC)

    def at(self, name: str) -> datetime:
        """Return a time that must be there."""
        value = self.moment(name)
        assert value is not None  # noqa: S101 - moment() raises for None
        return value

    def day(self, name: str) -> date | None:
        """Return a date (or None)."""
        raw = self.text(name, 10, optional=True)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise self.refuse(name) from None

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        """Return a value from a fixed list."""
        value = self.data.get(name)
        if value not in allowed:
            raise self.refuse(name)
        return str(value)

    def mapping(self, name: str, values: type, limit: int = 200) -> dict[str, Any]:
        """Return a small JSON object with short string keys and typed values."""
        value = self.data.get(name)
        if not isinstance(value, dict) or len(value) > limit:
            raise self.refuse(name)
        for key, item in value.items():
            if len(key) > 40 or "\x00" in key or not _typed(item, values):
                raise self.refuse(name)
        return value

    def strings(self, name: str, limit: int = 200) -> list[str]:
        """Return a short list of short strings."""
        value = self.data.get(name)
        if not isinstance(value, list) or len(value) > limit:
            raise self.refuse(name)
        if not all(_short(v) for v in value):
            raise self.refuse(name)
        return value


def _typed(item: Any, values: type) -> bool:
    if values is int:
        return type(item) is int and 0 <= item <= 10_000_000
    if values is bool:
        return isinstance(item, bool)
    if values is list:
        return isinstance(item, list) and len(item) <= 50 and all(map(_short, item))
    return False


def _short(value: Any) -> bool:
    """Return True for a short string a database stores as it is (no NUL)."""
    return isinstance(value, str) and len(value) <= 40 and "\x00" not in value
