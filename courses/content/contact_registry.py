"""Read content/contacts.yaml into Contacts, with every problem at its line.

Refused (the contact is left out): a missing id, country, organisation or English
service name; a channel whose number is not a number; a WhatsApp number that is not
in international form (WhatsApp cannot open "0811..."); an UNVERIFIED status. Reported
but kept: a contact not compared with its sources for CONTACT_MAX_AGE_DAYS, or one
that needs confirming without a sound contact to show beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from courses.content.contacts import (
    FALLBACK_LANGUAGE,
    TOPICS,
    Channel,
    Contact,
    SourceRef,
    caution_for,
)
from courses.content.yaml_reader import YamlProblem, compose_yaml

CONTACT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
COUNTRY = re.compile(r"^([A-Z]{2}|INT)$")
CHANNEL_TYPES = ("phone", "sms", "whatsapp", "web", "email")
STATUSES = ("verified", "partly-verified")
NUMBER = re.compile(r"[+\d(][\d ()-]*")
INTERNATIONAL = re.compile(r"\+[1-9]\d{0,2}[ ()-]*\d[\d ()-]{5,}")


@dataclass(frozen=True)
class Limits:
    """The dates the registry is judged against."""

    today: date
    max_age_days: int  # since the contact was last compared with its sources
    source_max_age_days: int  # past this, a source is too old to rely on unconfirmed


@dataclass(frozen=True)
class ContactProblem:
    """A problem in contacts.yaml; `fatal` problems leave the contact out."""

    line: int
    message: str
    fatal: bool = True


def load_contacts(
    path: Path, limits: Limits
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
    nodes = _entry_nodes(document)
    contacts: dict[str, Contact] = {}
    problems: list[ContactProblem] = []
    for index, entry in enumerate(entries):
        node = nodes[index] if index < len(nodes) else None
        contact, found = _read_contact(entry, node, limits)
        problems.extend(found)
        line = _line(node)
        if contact and contact.id in contacts:
            problems.append(
                ContactProblem(line, f"contact id '{contact.id}' is used twice")
            )
        elif contact:
            contacts[contact.id] = contact
    problems.extend(_see_also_problems(contacts, nodes, entries))
    return contacts, problems


def _entry_nodes(document: Any) -> list[Any]:
    """Return the YAML node of each entry of the contacts list (for line numbers)."""
    try:
        for key, value in document.value:
            if key.value == "contacts":
                return list(value.value)
    except (AttributeError, TypeError):
        pass
    return []


def _line(node: Any) -> int:
    return node.start_mark.line + 1 if node is not None else 1


def _channel_lines(node: Any) -> list[int]:
    """Return the line of each channel of an entry's node."""
    try:
        for key, value in node.value:
            if key.value == "channels":
                return [item.start_mark.line + 1 for item in value.value]
    except (AttributeError, TypeError):
        pass
    return []


def _read_contact(
    entry: Any, node: Any, limits: Limits
) -> tuple[Contact | None, list[ContactProblem]]:
    """Validate one entry; return the contact (or None if unusable) and its problems."""
    line = _line(node)
    if not isinstance(entry, dict):
        return None, [ContactProblem(line, "each contact must be a mapping")]
    cid = str(entry.get("id", ""))
    where = f"contact '{cid}'"
    fatal = [ContactProblem(line, m) for m in _fatal_problems(entry, cid, where)]
    fatal += _channel_problems(entry.get("channels"), where, line, _channel_lines(node))
    if fatal:
        return None, fatal
    sources = _sources(entry.get("sources"))
    status = entry["status"]
    compared = entry.get("compared")
    contact = Contact(
        id=cid,
        country=str(entry["country"]),
        organisation=_texts(entry["organisation"]),
        service=_texts(entry.get("service")),
        helps_with=_texts(entry.get("helps_with")),
        hours=_texts(entry.get("hours")),
        channels=tuple(
            Channel(str(c["type"]), str(c["value"]), _texts(c.get("note")))
            for c in entry["channels"]
        ),
        languages=tuple(str(x) for x in entry.get("languages") or ()),
        sources=sources,
        status=status,
        compared=compared if isinstance(compared, date) else None,
        see_also=tuple(str(x) for x in entry.get("see_also") or ()),
        topics=tuple(str(x) for x in entry.get("topics") or ()),
        caution=caution_for(status, sources, limits.today, limits.source_max_age_days),
    )
    return contact, _freshness_problems(contact, where, line, limits)


def _fatal_problems(entry: dict[str, Any], cid: str, where: str) -> list[str]:
    """Return the problems that make a contact unusable."""
    problems = []
    if not CONTACT_ID.match(cid):
        problems.append(f"contact id '{cid}' may use only a-z, 0-9 and '-'")
    if not COUNTRY.match(str(entry.get("country", ""))):
        problems.append(f"{where}: country must be a two-letter code such as ID or PH")
    if not _texts(entry.get("organisation")).get(FALLBACK_LANGUAGE):
        problems.append(f"{where} needs 'organisation' (in English at least)")
    topics = entry.get("topics") or []
    unknown = [t for t in topics if t not in TOPICS] if isinstance(topics, list) else []
    if not isinstance(topics, list) or unknown:
        problems.append(
            f"{where}: topics must be a list of {', '.join(sorted(TOPICS))}"
            + (f" (not {', '.join(map(str, unknown))})" if unknown else "")
        )
    if not _texts(entry.get("service")).get(FALLBACK_LANGUAGE):
        problems.append(f"{where} needs 'service' in English (en)")
    if entry.get("status") not in STATUSES:
        problems.append(
            f"{where}: status must be verified or partly-verified "
            "(an UNVERIFIED number is never published)"
        )
    if not _sources(entry.get("sources")):
        problems.append(
            f"{where} needs 'sources:', each '- {{name: ..., date: YYYY-MM-DD}}' "
            "(a year, or 'undated', when the source gives no day)"
        )
    return problems


def _channel_problems(
    channels: Any, where: str, line: int, lines: list[int]
) -> list[ContactProblem]:
    if not isinstance(channels, list) or not channels:
        return [ContactProblem(line, f"{where} has no channels")]
    problems = []
    for index, channel in enumerate(channels):
        message = _channel_problem(channel, where)
        if message:
            at = lines[index] if index < len(lines) else line
            problems.append(ContactProblem(at, message))
    return problems


def _channel_problem(channel: Any, where: str) -> str | None:
    if not isinstance(channel, dict) or not str(channel.get("value") or "").strip():
        return f"{where}: every channel needs a type and a value"
    kind, value = channel.get("type"), str(channel["value"])
    if kind not in CHANNEL_TYPES:
        return f"{where}: unknown channel type '{kind}'"
    if kind == "web" and not value.startswith("https://"):
        return f"{where}: web address must start with https://"
    if kind in ("phone", "sms", "whatsapp") and not NUMBER.fullmatch(value):
        return f"{where}: '{value}' is not a phone number"
    if kind == "whatsapp" and not INTERNATIONAL.fullmatch(value):
        return (
            f"{where}: WhatsApp number '{value}' must be in international form, "
            "with + and the country code (e.g. +62 811-8080-141): WhatsApp cannot "
            "open a number written as it is dialled at home"
        )
    return None


def _freshness_problems(
    contact: Contact, where: str, line: int, limits: Limits
) -> list[ContactProblem]:
    if contact.compared is None:
        message = f"{where} needs 'compared: YYYY-MM-DD' (last compared with sources)"
        return [ContactProblem(line, message, fatal=False)]
    if (limits.today - contact.compared).days <= limits.max_age_days:
        return []
    message = (
        f"{where} was last compared with its sources on {contact.compared}, "
        f"more than {limits.max_age_days} days ago: compare it again and update "
        "'compared'"
    )
    return [ContactProblem(line, message, fatal=False)]


def _see_also_problems(
    contacts: dict[str, Contact], nodes: list[Any], entries: list[Any]
) -> list[ContactProblem]:
    """A contact that needs confirming is never shown alone: check its see_also."""
    lines = {
        str(entry.get("id")): _line(nodes[i] if i < len(nodes) else None)
        for i, entry in enumerate(entries)
        if isinstance(entry, dict)
    }
    problems = []
    for contact in contacts.values():
        sound = [
            other
            for other in contact.see_also
            if other in contacts and contacts[other].caution is None
        ]
        unknown = [other for other in contact.see_also if other not in contacts]
        where, line = f"contact '{contact.id}'", lines.get(contact.id, 1)
        if unknown:
            message = f"{where}: see_also names unknown contact(s) {', '.join(unknown)}"
            problems.append(ContactProblem(line, message, fatal=False))
        if contact.caution and not sound:
            message = (
                f"{where} needs confirming ({contact.caution}): give 'see_also' with "
                "a contact whose sources are sound, to show beside it"
            )
            problems.append(ContactProblem(line, message, fatal=False))
    return problems


def _sources(value: Any) -> tuple[SourceRef, ...]:
    """Return the sources listed, each with its date (a date, a year or undated)."""
    if not isinstance(value, list):
        return ()
    sources = []
    for item in value:
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            return ()
        when = item.get("date")
        if not (isinstance(when, date | int) or when == "undated"):
            return ()
        sources.append(
            SourceRef(str(item["name"]), None if when == "undated" else when)
        )
    return tuple(sources)


def _texts(value: Any) -> dict[str, str]:
    """Return a language -> text mapping from a YAML value (a string means English)."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v}
    if value:
        return {FALLBACK_LANGUAGE: str(value)}
    return {}
