"""Markdown to safe HTML: render with Python-Markdown, then sanitise."""

import re
from html import escape
from typing import Final

import markdown
from markdown.extensions.toc import slugify_unicode

from courses.content.sanitize import clean_html

# No attr_list or md_in_html: they let authors set arbitrary attributes (onclick, hx-*).
EXTENSIONS: Final = ["tables", "sane_lists", "toc"]


def _heading_slug(value: str, separator: str) -> str:
    """Return a heading anchor prefixed with "h-" so it cannot clobber page globals."""
    slug = slugify_unicode(value, separator).lower()
    slug = re.sub(r"[^a-z0-9-]", "", slug)[:70].strip("-")
    return f"h-{slug or 'section'}"


def _converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=EXTENSIONS,
        extension_configs={"toc": {"slugify": _heading_slug, "toc_depth": "2-4"}},
        output_format="html",
    )


def render_markdown(text: str) -> str:
    """Return sanitised HTML for a block of Markdown."""
    return clean_html(_converter().convert(text))


def render_inline(text: str) -> str:
    """Return sanitised HTML for one line of Markdown, without a paragraph."""
    html = _converter().convert(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return clean_html(html)


def plain(text: str) -> str:
    """Return `text` escaped for HTML (for places where Markdown is not wanted)."""
    return escape(text, quote=True)
