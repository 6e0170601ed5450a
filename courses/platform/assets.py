"""Static files under content-hashed URLs, cached for a year, gzipped at start-up.

The stylesheet is also written into the page itself on a first visit (a request with
no cookie from outside the site, as from a link in a chat): on a slow link that saves
the round trip that would hold back the first paint. The Content-Security-Policy
allows exactly that text by its hash, and the page prefetches the file so the next
page finds it in the cache.
"""

import base64
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from markupsafe import Markup

from courses.platform.config import BASE_DIR

STATIC_DIR = BASE_DIR / "static"
ONE_YEAR = 365 * 24 * 3600
STYLESHEET = "css/jaring.css"

bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class Asset:
    """One static file, read into memory with its digest and gzipped form."""

    digest: str
    body: bytes
    gzipped: bytes | None
    mimetype: str


def _read_assets(root: Path) -> dict[str, Asset]:
    assets = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        body = path.read_bytes()
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        compressible = mimetype.startswith("text/") or mimetype.endswith(
            ("javascript", "json", "svg+xml")
        )
        gzipped = gzip.compress(body, 9, mtime=0) if compressible else None
        name = path.relative_to(root).as_posix()
        digest = hashlib.sha256(body).hexdigest()[:12]
        assets[name] = Asset(digest, body, gzipped, mimetype)
    return assets


def asset_url(name: str) -> str:
    """Return the hashed URL of a static file (e.g. "css/jaring.css")."""
    asset = current_app.extensions["assets"][name]
    return url_for("assets.serve", digest=asset.digest, name=name)


def style_source_hash(app: Flask) -> str:
    """Return the CSP source that allows the stylesheet written into a page."""
    body = app.extensions["assets"][STYLESHEET].body
    return "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"


def is_first_visit() -> bool:
    """Return True for a page request with no cookie that did not come from our site.

    Such a browser has nothing of ours cached; any other most likely has the
    stylesheet already, so it gets the (cached) link.
    """
    return not request.cookies and request.headers.get("Sec-Fetch-Site") != (
        "same-origin"
    )


def stylesheet() -> Markup:
    """Return the page's stylesheet: written in on a first visit, else a link."""
    url = asset_url(STYLESHEET)
    if not is_first_visit():
        return Markup('<link rel="stylesheet" href="{}">').format(url)
    css = current_app.extensions["inline_stylesheet"]
    return Markup('<style>{}</style>\n<link rel="prefetch" href="{}">').format(css, url)


@bp.get("/static/<digest>/<path:name>")
def serve(digest: str, name: str) -> Response:
    """Serve a static file from memory; the digest makes it safe to cache forever."""
    asset = current_app.extensions["assets"].get(name)
    if asset is None or asset.digest != digest:
        abort(404)
    use_gzip = asset.gzipped is not None and "gzip" in request.headers.get(
        "Accept-Encoding", ""
    )
    response = Response(
        asset.gzipped if use_gzip else asset.body, mimetype=asset.mimetype
    )
    if use_gzip:
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    """Read static/ once and register the asset route and template helper."""
    app.extensions["assets"] = _read_assets(STATIC_DIR)
    # Our own file, shipped with the code: safe to write into the page as it is.
    css = app.extensions["assets"][STYLESHEET].body.decode()
    app.extensions["inline_stylesheet"] = Markup(css)  # noqa: S704
    app.register_blueprint(bp)
    app.add_template_global(asset_url)
    app.add_template_global(stylesheet)
