"""Full page or htmx fragment from one URL, with the Vary header caches need."""

from typing import Any

from flask import Response, make_response, render_template

from courses.platform.extensions import htmx


def wants_fragment() -> bool:
    """Return True for an htmx request that swaps part of a page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(
    page: str, fragment: str, status: int = 200, **context: Any
) -> Response:
    """Render `fragment` for htmx, else `page`; both read the same context."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response
