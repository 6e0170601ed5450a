"""Help contacts: the places that help, and what we can honestly say about each.

One registry (content/contacts.yaml, read by `contact_registry`) holds every help
line; lessons refer to a contact by id (`[[contact:id-kp2mi]]`) and never type a
number, so a correction is made once. A contact carries its sources with their own
dates and the day it was last compared with them; when those sources are old,
undated or only partly confirm it, the card says "confirm before relying on it" and
shows other contacts beside it. No Flask imports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FALLBACK_LANGUAGE = "en"
# What a contact helps with, for `[[contacts:TOPIC]]` in a lesson: the contacts of
# that topic for the reader's country are shown there.
TOPICS = {
    "emergency": "danger now: police and emergency numbers",
    "trafficking": "reporting trafficking, forced work or exploitation",
    "migrant-work": "recruitment, contracts, fees and wages of migrant workers",
    "abroad": "help for citizens in trouble in another country",
    "violence": "violence against women and children",
}
# Why a contact needs confirming before someone relies on it.
PARTLY_VERIFIED = "partly-verified"
OLD_SOURCE = "old-source"
UNDATED_SOURCE = "undated-source"


@dataclass(frozen=True)
class Channel:
    """One way to reach a contact."""

    type: str  # phone | sms | whatsapp | web | email
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

    @property
    def domestic(self) -> bool:
        """Return True for a number that works only from inside its country.

        A number without a country code (a toll-free 0800 line, a short code such
        as 110) cannot be dialled from abroad.
        """
        return self.type in ("phone", "sms") and not self.value.startswith("+")

    def note_in(self, lang: str) -> str:
        """Return the note in `lang`, else English, else empty."""
        return _pick(self.note, lang)

    def note_language(self, lang: str) -> str:
        """Return the language `note_in(lang)` is in."""
        return lang if self.note.get(lang) else FALLBACK_LANGUAGE


@dataclass(frozen=True)
class SourceRef:
    """One published source of a contact, with its own date as the sheet gives it."""

    name: str
    date: date | int | None  # a full date, a year, or None when undated

    @property
    def year(self) -> int | None:
        """Return the source's year, if known."""
        return self.date.year if isinstance(self.date, date) else self.date


@dataclass(frozen=True)
class Contact:
    """A help line or service."""

    id: str
    country: str
    organisation: dict[str, str]  # its name, per language where it has one
    service: dict[str, str]
    helps_with: dict[str, str]
    hours: dict[str, str]
    channels: tuple[Channel, ...]
    languages: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    status: str  # verified | partly-verified, as the fact sheet says
    compared: date | None  # when the details were last compared with the sources
    see_also: tuple[str, ...]  # shown beside it when it needs confirming
    caution: str | None  # why to confirm it first (PARTLY_VERIFIED, ...), or None
    topics: tuple[str, ...] = ()  # keys of TOPICS

    def text(self, field: str, lang: str) -> str:
        """Return a translated field (organisation, service, helps_with, hours)."""
        return _pick(getattr(self, field), lang)

    def language_of(self, field: str, lang: str) -> str:
        """Return the language `text(field, lang)` is in (English when untranslated)."""
        return lang if getattr(self, field).get(lang) else FALLBACK_LANGUAGE

    @property
    def newest_source_year(self) -> int | None:
        """Return the year of the newest dated source."""
        years = [s.year for s in self.sources if s.year is not None]
        return max(years) if years else None


def caution_for(
    status: str, sources: tuple[SourceRef, ...], today: date, max_age_days: int
) -> str | None:
    """Return why a contact needs confirming (None when its sources are sound)."""
    if status == PARTLY_VERIFIED:
        return PARTLY_VERIFIED
    dates = [_latest_day(s.date) for s in sources if s.date is not None]
    if not dates:
        return UNDATED_SOURCE
    if (today - max(dates)).days > max_age_days:
        return OLD_SOURCE
    return None


def _latest_day(value: date | int) -> date:
    """Return the last day a source date can mean (a year means its 31 December)."""
    return value if isinstance(value, date) else date(value, 12, 31)


def _pick(texts: dict[str, str], lang: str) -> str:
    return texts.get(lang) or texts.get(FALLBACK_LANGUAGE) or ""
