"""Static files under content-hashed URLs, cached for a year, gzipped at start-up."""

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for

from courses.platform.config import BASE_DIR

STATIC_DIR = BASE_DIR / "static"
ONE_YEAR = 365 * 24 * 3600

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
    app.register_blueprint(bp)
    app.add_template_global(asset_url)
