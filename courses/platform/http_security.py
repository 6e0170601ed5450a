"""Security headers on every response and a same-origin check on state changes."""

from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from courses.platform.assets import style_source_hash


def content_security_policy(style_hash: str) -> str:
    """Return the policy: our own origin only, no inline script, and no inline style
    but the stylesheet written into first-visit pages (allowed by its hash)."""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' {style_hash}",
            "img-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def check_origin() -> None:
    """Refuse a state-changing request sent from another site (a second CSRF layer)."""
    if request.method not in STATE_CHANGING:
        return
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site in ("cross-site", "same-site"):
        abort(403)
    origin = request.headers.get("Origin")
    if origin is None or fetch_site == "same-origin":
        return  # an older browser: the CSRF token alone decides
    # Our pages send "Referrer-Policy: same-origin", so our own forms carry our
    # origin; "null" comes from sandboxed frames, data: pages and odd redirects.
    if origin == "null" or urlsplit(origin).netloc != request.host:
        abort(403)


def refuse_nul_characters() -> None:
    """Refuse text with NUL characters: no person types one, and PostgreSQL cannot
    store one (it would end as an error deep in a query)."""
    values = [*request.args.items(multi=True), *request.form.items(multi=True)]
    if any("\x00" in key or "\x00" in value for key, value in values):
        abort(400)


def set_headers(response: Response) -> Response:
    """Add the security and privacy headers; pages are never stored by the browser."""
    headers = response.headers
    policy = current_app.config["CONTENT_SECURITY_POLICY"]
    headers.setdefault("Content-Security-Policy", policy)
    headers["X-Content-Type-Options"] = "nosniff"
    # Same-origin: no other site ever learns where a reader came from, and our own
    # POSTs carry their real Origin header (with no-referrer they would send "null").
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "assets.serve":  # hashed assets set their own caching
        # A page someone left must not come back from the cache or the Back button.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Register the origin check and the header hook; trust configured proxies.

    Needs the static assets read first (the policy holds the stylesheet's hash).
    """
    app.config["CONTENT_SECURITY_POLICY"] = content_security_policy(
        style_source_hash(app)
    )
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    app.before_request(check_origin)
    app.before_request(refuse_nul_characters)
    app.after_request(set_headers)
