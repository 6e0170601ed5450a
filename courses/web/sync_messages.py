"""Sync refusals in the reader's language, from their codes."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courses.people.sync.errors import SyncRefused

MESSAGES = {
    "not-a-bundle": _l("This file is not a Jaring sync bundle, or it was cut short."),
    "unknown-device": _l("This bundle comes from a device this server does not know."),
    "revoked": _l("This device's key was revoked by the organisation's admin."),
    "bad-signature": _l(
        "The bundle's signature does not match: the file was changed or cut short, "
        "or it was signed with a key that was replaced or revoked."
    ),
    "unreadable": _l("The bundle could not be read: it is damaged or cut short."),
    "format": _l("This bundle was made by a newer version of Jaring."),
    "invalid": _l("The bundle holds a record that is not valid."),
    "wrong-organisation": _l(
        "The bundle names an organisation other than its device's."
    ),
    "foreign": _l(
        "The bundle holds a record that belongs to another organisation or device."
    ),
    "missing": _l(
        "The bundle refers to a record that has not arrived. Send everything again."
    ),
    "old": _l(
        "This bundle is older than one already received from this device, so it "
        "was not imported. Export a new bundle if something is missing."
    ),
    "not-enrolled": _l("This laptop is not enrolled with an organisation's server."),
    "enrolment-invalid": _l("This is not a Jaring enrolment (or it was changed)."),
    "unreachable": _l("The organisation's server cannot be reached. Try again later."),
    "server-error": _l("The organisation's server could not take the records now."),
    "too-large": _l("The bundle is too large."),
    "expired": _l(
        "The request is too old or from the future: check the laptop's date and "
        "time, then try again."
    ),
    "bad-answer": _l(
        "The server's answer does not carry this laptop's signature: it was changed "
        "on the way or comes from elsewhere."
    ),
}


def refusal_message(refusal: SyncRefused) -> str:
    """Return the refusal in the reader's language; nothing was imported."""
    text = str(MESSAGES.get(refusal.code, _l("The bundle was refused.")))
    if refusal.where:
        text = _("%(message)s (At: %(place)s)", message=text, place=refusal.where)
    return _("%(message)s Nothing was imported.", message=text)


def pull_refusal_message(refusal: SyncRefused) -> str:
    """Return a refused pull in the reader's language; nothing was changed here."""
    text = str(MESSAGES.get(refusal.code, _l("The server's answer was refused.")))
    if refusal.where:
        text = _("%(message)s (At: %(place)s)", message=text, place=refusal.where)
    return _(
        "%(message)s Nothing came back from the server; nothing changed on this "
        "laptop.",
        message=text,
    )
