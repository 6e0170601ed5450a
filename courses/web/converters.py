"""URL converters: slugs match the names on disk; public ids match their format.

Anything else in those places answers 404 before a view runs, so a hostile or
overlong value never reaches a query.
"""

from flask import Flask
from werkzeug.routing import BaseConverter

SLUG_RULE = "slug"
PUBLIC_ID_RULE = "public_id"


class SlugConverter(BaseConverter):
    """Match a content slug: a-z, 0-9 and '-', at most 80 characters."""

    regex = r"[a-z0-9][a-z0-9-]{0,79}"


class PublicIdConverter(BaseConverter):
    """Match a record's public id: 16 URL-safe characters."""

    regex = r"[A-Za-z0-9_-]{16}"


def init_app(app: Flask) -> None:
    """Register the converters."""
    app.url_map.converters[SLUG_RULE] = SlugConverter
    app.url_map.converters[PUBLIC_ID_RULE] = PublicIdConverter
