"""URL converters: slugs in URLs must match the same pattern as names on disk."""

from flask import Flask
from werkzeug.routing import BaseConverter

SLUG_RULE = "slug"


class SlugConverter(BaseConverter):
    """Match a content slug: a-z, 0-9 and '-', at most 80 characters."""

    regex = r"[a-z0-9][a-z0-9-]{0,79}"


def init_app(app: Flask) -> None:
    """Register the slug converter."""
    app.url_map.converters[SLUG_RULE] = SlugConverter
