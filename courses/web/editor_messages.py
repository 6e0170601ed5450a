"""Content problems in the editor's language.

The content layer writes each problem in English and keeps its template and values
(`courses.content.messages`); here the template is looked up in the interface
catalogue and filled with the same values, translated too when they are messages.
A message without a template (from a library, such as a YAML parser's) stays as is.
"""

from flask import Flask
from flask_babel import gettext

from courses.content.messages import Message


def in_editors_language(message: str) -> str:
    """Return a content problem's message in the current interface language."""
    if not isinstance(message, Message):
        return message
    if not message.values:
        return gettext(message.template)
    values = {
        name: in_editors_language(value) if isinstance(value, Message) else value
        for name, value in message.values.items()
    }
    return gettext(message.template, **values)


def init_app(app: Flask) -> None:
    """Let templates show content problems in the editor's language."""
    app.add_template_filter(in_editors_language, "in_editors_language")
