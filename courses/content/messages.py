"""Messages to content editors that can be shown in the editor's own language.

The content layer has no Flask, so it cannot translate; it writes each message in
English with `N_("... %(name)s ...", name=value)`, which keeps the template and its
values. The message is an ordinary string (the English text, as `content check`
prints it), and the web layer looks the template up in the interface catalogue
(`pybabel extract` collects `N_` calls by default) and fills in the same values.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """English text that remembers its template and values, for translation."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, **values: Any) -> Message:
        text = template % values if values else template
        message = super().__new__(cls, text)
        message.template = template
        message.values = values
        return message

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle (for the bounded parser's child process) with template and values."""
        return (_rebuild, (self.template, self.values))


def _rebuild(template: str, values: dict[str, Any]) -> Message:
    return Message(template, **values)


def N_(template: str, **values: Any) -> Message:  # noqa: N802 - gettext's convention
    """Return an editor message; `template` is extracted for translation."""
    return Message(template, **values)
