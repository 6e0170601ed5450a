"""Error pages in the reader's language: a clear message, never a stack trace."""

import secrets

from flask import (
    Flask,
    Response,
    current_app,
    g,
    make_response,
    render_template,
    request,
)
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from courses.platform.extensions import htmx, login_manager

MESSAGES = {
    400: (
        _l("Something in that request was not right"),
        _l("Please go back and try again."),
    ),
    403: (_l("Not allowed"), _l("This request was refused.")),
    404: (_l("Page not found"), _l("There is nothing at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too much data"), _l("What you sent is too large.")),
    429: (
        _l("Too many tries"),
        _l("Please wait a few minutes, then try again."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you saved before is lost. Please try again in a moment."),
    ),
    503: (
        _l("Jaring is busy or cannot reach its database"),
        _l(
            "Nothing you saved before is lost, and nothing of this request was "
            "saved. Please try again in a minute."
        ),
    ),
}
CSRF_MESSAGE = (
    _l("This form has expired"),
    _l("Reload the page and send it again. Nothing you saved before is lost."),
)


def render_error(
    code: int, title: str, message: str, incident: str | None = None
) -> tuple[str, int]:
    """Return the error page (or only its message for htmx) with its status."""
    template = "errors/_error.html" if htmx else "errors/error.html"
    page = render_template(
        template, code=code, title=title, message=message, incident=incident
    )
    return page, code


def too_many_tries() -> tuple[str, int]:
    """Answer 429 with the usual page: many tries in a short time."""
    title, message = MESSAGES[429]
    return render_error(429, str(title), str(message))


def handle_http_error(error: HTTPException) -> Response:
    """Render any HTTP error with our page, keeping its headers (Allow on a 405)."""
    code = error.code or 500
    title, message = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    page, status = render_error(code, str(title), str(message))
    response = make_response(page, status)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_csrf_error(_error: CSRFError) -> tuple[str, int] | Response:
    """Let the view re-render its form with what was typed; else show a clear page."""
    view = current_app.view_functions.get(request.endpoint or "")
    retry = getattr(view, "on_csrf_error", None)
    if retry is not None:
        try:
            return retry(**(request.view_args or {}))
        except HTTPException as error:  # e.g. the form was for a module that is gone
            return handle_http_error(error)
    return render_error(400, str(CSRF_MESSAGE[0]), str(CSRF_MESSAGE[1]))


def handle_database_down(error: OperationalError) -> Response:
    """The database is unreachable or locked: a 503 to retry, never a stack trace.

    The request's transaction is rolled back, so nothing of it is half saved; the
    pool reconnects by itself once the database is back.
    """
    current_app.logger.error("database unavailable: %s", type(error.orig).__name__)
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
    # The page must not need the database: show it as to someone not signed in.
    g._login_user = login_manager.anonymous_user()
    title, message = MESSAGES[503]
    page, status = render_error(503, str(title), str(message))
    response = make_response(page, status)
    response.headers["Retry-After"] = "30"
    return response


def handle_unexpected(error: Exception) -> tuple[str, int]:
    """Log an unexpected error with an id the reader can quote; show no details."""
    if isinstance(error, HTTPException):
        raise error
    incident = secrets.token_hex(4)
    current_app.logger.exception("unhandled error %s", incident, exc_info=error)
    title, message = MESSAGES[500]
    return render_error(500, str(title), str(message), incident)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(Exception, handle_unexpected)
