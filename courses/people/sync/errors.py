"""Why a bundle, a push or an enrolment was refused: a code and where, never data.

Views say it in the reader's language and the command line in a plain sentence,
both from the code; the server answers a push with the code as well.
"""

from __future__ import annotations

# Plain sentences for the command line and the server's log; pages translate the codes.
SENTENCES = {
    "not-a-bundle": "This file is not a Jaring sync bundle (or it was cut short).",
    "unknown-device": "This bundle comes from a device this server does not know.",
    "revoked": "This device's key was revoked by the organisation's admin.",
    "bad-signature": (
        "The bundle's signature does not match: the file was changed, cut short, "
        "or signed with a key that was replaced or revoked."
    ),
    "unreadable": "The bundle could not be read (damaged or cut short).",
    "format": "This bundle was made by a newer version of Jaring. Update this server.",
    "invalid": "The bundle holds a record that is not valid",
    "wrong-organisation": "The bundle names an organisation other than its device's.",
    "foreign": (
        "The bundle holds a record that belongs to another organisation or device"
    ),
    "missing": (
        "The bundle refers to a record that has not arrived. Send everything again "
        "(flask sync push --all, or a new export)"
    ),
    "old": (
        "This bundle is older than one already received from this device, so it "
        "was not imported. A newer bundle or push carries its records; export a "
        "new bundle if something is missing."
    ),
    "not-enrolled": (
        "This laptop is not enrolled. Ask the organisation's admin for an enrolment "
        "file, then run flask sync enrol FILE."
    ),
    "enrolment-invalid": "This is not a Jaring enrolment file (or it was changed).",
    "unreachable": "The organisation's server cannot be reached. Try again later.",
    "server-error": "The organisation's server could not take the records now.",
    "too-large": "The bundle is too large.",
    "expired": (
        "The request is too old or from the future: check the laptop's date and "
        "time, then try again."
    ),
    "bad-answer": (
        "The server's answer does not carry this laptop's signature: it was changed "
        "on the way or comes from elsewhere."
    ),
}


class SyncRefused(Exception):
    """A refusal: nothing was imported. `where` names the record, if one is at fault."""

    def __init__(self, code: str, where: str = "") -> None:
        super().__init__(code, where)
        self.code = code
        self.where = where

    def sentence(self) -> str:
        """Return the refusal as a plain English sentence (CLI, logs, push answers)."""
        text = SENTENCES.get(self.code, "The bundle was refused.")
        return f"{text} ({self.where})." if self.where else text
