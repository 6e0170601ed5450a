"""Where a request comes from and may go: safe redirects only to a path on this
site, and whether a page was opened from this site."""

import re
from urllib.parse import urlsplit

from flask import request

SAFE_PATH = re.compile(r"^/(?![/\\])[^\s\\]*$")


def safe_next(target: str | None, default: str = "/") -> str:
    """Return `target` if it is a local path, else `default` (no open redirects)."""
    if target and SAFE_PATH.match(target) and len(target) <= 512:
        return target
    return default


def came_from_this_site() -> bool:
    """Return True for a navigation from one of our own pages.

    A link on another site (or one sent in a chat) must not record anything about
    the reader; browsers say where a navigation came from in Sec-Fetch-Site, older
    ones in the Referer, which our pages send to our own site only.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    referrer = request.headers.get("Referer")
    return bool(referrer) and urlsplit(referrer).netloc == request.host
