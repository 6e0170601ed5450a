"""Locale choice: explicit choice (cookie), then the account, then Accept-Language."""

from babel import Locale
from flask import Flask, current_app, g, request
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from courses.content.catalog import Course, Module
from courses.platform.config import LANGUAGES

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """Return the interface language for this request; never an unsupported code."""
    g.language = _choose_language()
    return g.language


def _choose_language() -> str:
    supported = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in supported:
        return chosen
    user_locale = getattr(current_user, "locale", None)
    if user_locale in supported:
        return user_locale
    best = request.accept_languages.best_match(supported)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """Return our code of this request's language ("tl", where Babel says "fil_PH")."""
    get_locale()  # runs select_locale() once per request
    return g.get("language") or current_app.config["BABEL_DEFAULT_LOCALE"]


def direction(language: str) -> str:
    """Return "rtl" or "ltr" for a language code."""
    return LANGUAGES.get(language, ("", "ltr"))[1]


def language_name(language: str) -> str:
    """Return a language's own name (e.g. "Bahasa Indonesia")."""
    return LANGUAGES.get(language, (language, ""))[0]


def language_name_in(language: str, reader: str) -> str:
    """Return a language's name in the reader's language, to use inside a sentence
    ("dalam bahasa Inggris", "باللغة الإنجليزية"), from Babel's CLDR data."""
    try:
        name = Locale.parse(reader).languages.get(language)
    except (ValueError, TypeError):
        name = None
    if not name:
        return language_name(language)
    # Indonesian names a language "bahasa X"; CLDR gives only "X" ("Inggris").
    return f"bahasa {name}" if reader == "id" else name


def in_language(text: str, language: str) -> Markup:
    """Return `text` marked with its language and direction when it is not in the
    interface's language (a fallback title inside a page in another language)."""
    if language == current_language():
        return escape(text)
    return Markup('<span lang="{0}" dir="{1}">{2}</span>').format(
        language, direction(language), text
    )


def title_of(item: Module | Course) -> Markup:
    """Return a module's or course's title in the reader's language (or its
    fallback's), marked with its language when that is another one."""
    language = current_language()
    shown = item.version(language) if isinstance(item, Module) else item.text(language)
    return in_language(shown.title, shown.language)


def lang_attributes(language: str) -> Markup:
    """Return ` lang=".." dir=".."` for an element whose text is in `language`."""
    return Markup(' lang="{0}" dir="{1}"').format(language, direction(language))


def init_app(app: Flask) -> None:
    """Expose language helpers to templates."""
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(format_datetime, "format_datetime")
    app.add_template_global(in_language)
    app.add_template_global(lang_attributes)
    app.add_template_global(title_of)

    @app.context_processor
    def inject_language() -> dict[str, object]:
        language = current_language()
        return {
            "lang": language,
            "text_direction": direction(language),
            "language_name": language_name,
            "language_name_in": lambda code: language_name_in(code, language),
            "interface_languages": [
                (code, LANGUAGES[code][0]) for code in app.config["LANGUAGES"]
            ],
        }
