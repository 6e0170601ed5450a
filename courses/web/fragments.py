"""Render once, fill in per request.

The parts of a page that depend only on the content and on the reader's language (a
lesson's text with its help contacts, a blank quiz) are rendered the first time they
are needed and kept. A request then fills in only what is its own, the CSRF token and
the quiz form's submission id, by replacing marked places. The cache is per process
and bounded; its keys include the catalog, so new content never meets old fragments.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from courses.platform.locale import current_language

CSRF_MARK = "__jaring-csrf-token__"
SUBMISSION_MARK = "__jaring-submission-id__"
PATH_MARK = "__jaring-path__"
MAX_FRAGMENTS = 4096  # about 19 modules x 5 languages x a few states, with room


class FragmentCache:
    """A bounded, thread-safe store of rendered HTML, the least recent dropped first."""

    def __init__(self, size: int = MAX_FRAGMENTS) -> None:
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        """Return the HTML kept under `key`, rendering and keeping it the first time."""
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._items[key] = html
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return html


def rendered_once(key: Hashable, template: str, **context: Any) -> str:
    """Render `template` once per `key`, with a mark where the CSRF token goes."""
    cache: FragmentCache = current_app.extensions["fragments"]
    return cache.get(
        key,
        lambda: render_template(template, csrf_token=lambda: CSRF_MARK, **context),
    )


def filled(html: str, submission_id: str | None = None) -> Markup:
    """Return kept HTML with this request's CSRF token and submission id put in."""
    if CSRF_MARK in html:
        html = html.replace(CSRF_MARK, generate_csrf())
    if submission_id is not None:
        html = html.replace(SUBMISSION_MARK, submission_id)
    return Markup(html)  # noqa: S704 - rendered by our templates, autoescaped


def kept_chrome(template: str) -> Markup:
    """Return the page's header or footer: rendered once per language and kind of
    reader (anonymous, learner, learner on a shared phone, each staff role)."""
    key = ("chrome", template, current_language(), _reader_kind())
    html = rendered_once(key, template, here=PATH_MARK)
    here = request.full_path if request.query_string else request.path
    return filled(html.replace(PATH_MARK, str(escape(here))))


def _reader_kind() -> tuple[str, bool]:
    """Return what the header and footer show differently: the reader's role, and
    whether a learner shares the phone with others ("Next person")."""
    if not current_user.is_authenticated:
        return ("anonymous", False)
    session = current_user.class_session if current_user.is_learner else None
    return (current_user.role, bool(session and session.shared_phone))


def init_app(app: Flask) -> None:
    """Give the app its fragment cache, and templates the kept header and footer."""
    app.extensions["fragments"] = FragmentCache()
    app.add_template_global(kept_chrome)
