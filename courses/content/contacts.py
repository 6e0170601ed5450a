"""Help contacts: one structured file (content/contacts.yaml) for every help line.

Lessons refer to a contact by id (`[[contact:id-kp2mi]]`) and never type a number, so a
correction is made once. This module has no Flask imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from courses.content.yaml_reader import YamlProblem, compose_yaml

CONTACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
COUNTRY = re.compile(r"^([A-Z]{2}|INT)$")
CHANNEL_TYPES = ("phone", "sms", "whatsapp", "web", "email")
FALLBACK_LANGUAGE = "en"


@dataclass(frozen=True)
class Channel:
    """One way to reach a contact."""

    type: str
    value: str
    note: dict[str, str]

    @property
    def href(self) -> str:
        """Return the link that calls, messages or opens this channel."""
        digits = re.sub(r"[^\d+]", "", self.value)
        if self.type == "phone":
            return f"tel:{digits}"
        if self.type == "sms":
            return f"sms:{digits}"
        if self.type == "whatsapp":
            return f"https://wa.me/{digits.lstrip('+')}"
        if self.type == "email":
            return f"mailto:{self.value}"
        return self.value

    def note_in(self, lang: str) -> str:
        """Return the note in `lang`, else English, else empty."""
        return _pick(self.note, lang)


@dataclass(frozen=True)
class Contact:
    """A help line or service."""

    id: str
    country: str
    organisation: str
    service: dict[str, str]
    helps_with: dict[str, str]
    hours: dict[str, str]
    channels: tuple[Channel, ...]
    languages: tuple[str, ...]
    source: str
    checked: date | None

    def text(self, field: str, lang: str) -> str:
        """Return a translated field (service, helps_with, hours) in `lang`."""
        return _pick(getattr(self, field), lang)


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get(FALLBACK_LANGUAGE) or ""


@dataclass(frozen=True)
class ContactProblem:
    """A problem in contacts.yaml; `fatal` problems leave the contact out."""

    line: int
    message: str
    fatal: bool = True


def load_contacts(
    path: Path, today: date, max_age_days: int
) -> tuple[dict[str, Contact], list[ContactProblem]]:
    """Load contacts.yaml; return the valid contacts by id and every problem found."""
    if not path.exists():
        return {}, []
    try:
        data, document = compose_yaml(path.read_text(encoding="utf-8"))
    except (YamlProblem, UnicodeDecodeError) as exc:
        line, message = getattr(exc, "line", 1), getattr(exc, "message", "not UTF-8")
        return {}, [ContactProblem(line, f"bad YAML: {message}")]
    entries = (data or {}).get("contacts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return {}, [ContactProblem(1, "expected a top-level 'contacts:' list")]
    lines = _entry_lines(document)
    contacts: dict[str, Contact] = {}
    problems: list[ContactProblem] = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else 1
        contact, found = _read_contact(entry, line, today, max_age_days)
        problems.extend(found)
        if contact and contact.id in contacts:
            problems.append(
                ContactProblem(line, f"contact id '{contact.id}' is used twice")
            )
        elif contact:
            contacts[contact.id] = contact
    return contacts, problems


def _entry_lines(document: Any) -> list[int]:
    """Return the 1-based line of each entry of the contacts list."""
    try:
        for key, value in document.value:
            if key.value == "contacts":
                return [item.start_mark.line + 1 for item in value.value]
    except (AttributeError, TypeError):
        pass
    return []


def _read_contact(
    entry: Any, line: int, today: date, max_age_days: int
) -> tuple[Contact | None, list[ContactProblem]]:
    """Validate one entry; return the contact (or None if unusable) and its problems."""
    if not isinstance(entry, dict):
        return None, [ContactProblem(line, "each contact must be a mapping")]
    cid = str(entry.get("id", ""))
    where = f"contact '{cid}'"
    fatal = _fatal_problems(entry, cid, where)
    if fatal:
        return None, [ContactProblem(line, message) for message in fatal]
    channels = tuple(
        Channel(str(c["type"]), str(c["value"]), _texts(c.get("note")))
        for c in entry["channels"]
    )
    checked = entry.get("checked")
    problems = []
    if not str(entry.get("source") or "").strip():
        problems.append(ContactProblem(line, f"{where} has no source", fatal=False))
    if not isinstance(checked, date):
        problems.append(
            ContactProblem(line, f"{where} needs 'checked: YYYY-MM-DD'", fatal=False)
        )
        checked = None
    elif (today - checked).days > max_age_days:
        problems.append(
            ContactProblem(
                line,
                f"{where} was last checked on {checked.isoformat()}, more than "
                f"{max_age_days} days ago: check it again and update 'checked'",
                fatal=False,
            )
        )
    contact = Contact(
        id=cid,
        country=str(entry["country"]),
        organisation=str(entry["organisation"]),
        service=_texts(entry.get("service")),
        helps_with=_texts(entry.get("helps_with")),
        hours=_texts(entry.get("hours")),
        channels=channels,
        languages=tuple(str(x) for x in entry.get("languages") or ()),
        source=str(entry.get("source") or ""),
        checked=checked,
    )
    return contact, problems


def _fatal_problems(entry: dict[str, Any], cid: str, where: str) -> list[str]:
    """Return the problems that make a contact unusable."""
    problems = []
    if not CONTACT_ID.match(cid):
        problems.append(f"contact id '{cid}' may use only a-z, 0-9 and '-'")
    if not COUNTRY.match(str(entry.get("country", ""))):
        problems.append(f"{where}: country must be a two-letter code such as ID or PH")
    if not str(entry.get("organisation") or "").strip():
        problems.append(f"{where} has no organisation")
    if not _texts(entry.get("service")).get(FALLBACK_LANGUAGE):
        problems.append(f"{where} needs 'service' in English (en)")
    channels = entry.get("channels")
    if not isinstance(channels, list) or not channels:
        return [*problems, f"{where} has no channels"]
    for channel in channels:
        problems.extend(_channel_problems(channel, where))
    return problems


def _channel_problems(channel: Any, where: str) -> list[str]:
    if not isinstance(channel, dict) or not str(channel.get("value") or "").strip():
        return [f"{where}: every channel needs a type and a value"]
    kind, value = channel.get("type"), str(channel["value"])
    if kind not in CHANNEL_TYPES:
        return [f"{where}: unknown channel type '{kind}'"]
    if kind == "web" and not value.startswith("https://"):
        return [f"{where}: web address must start with https://"]
    if kind in ("phone", "sms", "whatsapp") and not re.fullmatch(
        r"[+\d(][\d ()-]*", value
    ):
        return [f"{where}: '{value}' is not a phone number"]
    return []


def _texts(value: Any) -> dict[str, str]:
    """Return a language -> text mapping from a YAML value (a string means English)."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v}
    if value:
        return {FALLBACK_LANGUAGE: str(value)}
    return {}
