"""The Get help page's data: contacts grouped by country, the reader's country first."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from babel import Locale
from flask import Flask, request
from flask_babel import gettext as _
from flask_login import current_user

from courses.content.catalog import ModuleVersion
from courses.content.contacts import Contact
from courses.platform.locale import current_language

COUNTRY_COOKIE = "country"
HOME_COUNTRY = "ID"


@dataclass(frozen=True)
class CountryGroup:
    """The contacts of one country, with the country's name in the reader's language."""

    code: str
    name: str
    contacts: tuple[Contact, ...]


def country_name(code: str, language: str) -> str:
    """Return a country's name in `language` (Babel's CLDR data), or the code."""
    if code == "INT":
        return _("International")
    try:
        return Locale.parse(language).territories.get(code, code)
    except (ValueError, TypeError):
        return code


def valid_country(code: str, contacts: Mapping[str, Contact]) -> bool:
    """Return True if some contact serves country `code`."""
    return any(c.country == code for c in contacts.values())


def preferred_country() -> str | None:
    """Return the reader's chosen country, else their class session's, else None.

    Never guessed from the network address.
    """
    chosen = request.cookies.get(COUNTRY_COOKIE)
    if chosen and len(chosen) == 2 and chosen.isalpha() and chosen.isupper():
        return chosen
    session = getattr(current_user, "class_session", None)
    return getattr(session, "country", None)


def contacts_by_country(
    contacts: Mapping[str, Contact], first: str | None, language: str
) -> list[CountryGroup]:
    """Group contacts by country: `first` first, then Indonesia, then by name."""
    codes = sorted({c.country for c in contacts.values()})
    groups = [
        CountryGroup(
            code,
            country_name(code, language),
            tuple(c for c in contacts.values() if c.country == code),
        )
        for code in codes
    ]

    def rank(group: CountryGroup) -> tuple[int, str]:
        if group.code == first:
            return (0, "")
        return (1 if group.code == HOME_COUNTRY else 2, group.name)

    return sorted(groups, key=rank)


@dataclass(frozen=True)
class TopicContacts:
    """The contacts for one topic in one country (`[[contacts:TOPIC]]`)."""

    country: str
    contacts: tuple[Contact, ...]


def contacts_for_topic(
    topic: str, contacts: Mapping[str, Contact], course_country: str | None
) -> TopicContacts | None:
    """Return the topic's contacts for the reader's country: the one they chose,
    else their class session's, else their language's, else the course's, else
    international ones."""
    language_home = HOME_COUNTRIES.get(current_language())
    for country in (preferred_country(), language_home, course_country, "INT"):
        found = tuple(
            c for c in contacts.values() if c.country == country and topic in c.topics
        )
        if country and found:
            return TopicContacts(country, found)
    return None


def topic_country_key(version: ModuleVersion) -> str | None:
    """Return what, besides the language, decides the contacts of the version's
    `[[contacts:TOPIC]]` blocks (the reader's or session's country); None without."""
    segments = (*version.body, *version.after_quiz)
    if not any(segment.topic for segment in segments):
        return None
    return preferred_country() or ""


def init_app(app: Flask) -> None:
    """Let templates name a contact's country and find contacts by topic."""
    app.add_template_global(country_name)
    app.add_template_global(alternatives)
    app.add_template_global(contacts_for_topic)


# Whose help a reader of a language most likely needs (the lessons in that language
# are written for readers in that country: Arabic ones for a reader working in the
# Gulf, Saudi Arabia having the most contacts); no entry: no preference.
HOME_COUNTRIES = {"id": "ID", "en": "ID", "tl": "PH", "vi": "VN", "ar": "SA"}


def alternatives(
    contact: Contact,
    contacts: Mapping[str, Contact],
    language: str,
    shown: Iterable[str],
) -> list[Contact]:
    """Return the sound contacts to show beside one that needs confirming.

    Those of the reader's country come first (alone, when there are some); contacts
    the page shows anyway are left out, so no card appears twice.
    """
    if contact.caution is None:
        return []
    already = set(shown)
    sound = [
        contacts[i]
        for i in contact.see_also
        if i in contacts and contacts[i].caution is None and i not in already
    ]
    home = HOME_COUNTRIES.get(language)
    local = [c for c in sound if c.country == home]
    return local or sound
