"""Signing in and out: learners with a join or personal code, staff with a password."""

import secrets
import time

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from limits import parse

from courses.people import accounts, codes, roster
from courses.people.models import User
from courses.platform.db import get_session
from courses.platform.extensions import login_manager
from courses.platform.guessing import hit, over, slow_failure
from courses.platform.keys import code_key, digest
from courses.web.access import public
from courses.web.errors import CSRF_MESSAGE, MESSAGES, render_error
from courses.web.safe_redirects import safe_next
from courses.web.trusted_devices import device_of, remember_device

bp = Blueprint("auth", __name__)
JOINED_FORM = "joined_form"  # the join form a learner was created from (not the code)
CODE_TRIES = parse("10/minute")  # per personal code, whatever the address
JOINS_PER_CODE = parse("300/minute")  # per join code: a class joins in a minute
ACCOUNT_FAILURES = parse("10/15 minutes")  # per account and device (or unknown ones)


@bp.get("/start")
@public
def start() -> str:
    """Offer the ways to sign in: join a class, come back with a code, staff."""
    return render_template("auth/start.html", next=safe_next(request.args.get("next")))


@bp.route("/join", methods=["GET", "POST"])
@public
def join() -> Response | tuple[str, int] | str:
    """Join a class session with its code and a display name."""
    form = {"join_code": request.args.get("code", ""), "display_name": ""}
    if request.method == "GET":
        return _join_form(form, {})
    form = {k: request.form.get(k, "") for k in form}
    if _already_joined():
        return render_template("auth/welcome.html", personal_code=None)
    typed_code = codes.normalise(form["join_code"])
    if over(JOINS_PER_CODE, "joins", digest(typed_code)):
        return _too_many()
    db = get_session()
    try:
        class_session = roster.session_by_code(db, form["join_code"])
        learner = roster.join_new(db, class_session, form["display_name"], code_key())
    except accounts.AccountError as error:
        current_app.logger.info("join refused: %s", error.code)
        if error.field == "join_code" and not slow_failure():
            return _too_many()
        return _join_form(form, {error.field: _join_message(error)}, 400)
    hit(JOINS_PER_CODE, "joins", digest(typed_code))
    _sign_in(learner.user, remember=bool(request.form.get("remember")))
    session[JOINED_FORM] = request.form.get("form_key", "")
    current_app.logger.info(
        "learner joined: user=%s class_session=%s", learner.user.id, class_session.id
    )
    # Shown once, in this answer: the code is never kept in the cookie or the logs.
    return render_template(
        "auth/welcome.html", personal_code=codes.display(learner.personal_code)
    )


def _already_joined() -> bool:
    """Return True when this is the join form that signed this browser in (a replay)."""
    form_key = request.form.get("form_key", "")
    return (
        current_user.is_authenticated
        and bool(form_key)
        and form_key == session.get(JOINED_FORM)
    )


def _join_after_csrf_error() -> tuple[str, int]:
    """A resent join form (Refresh on the welcome page) says so; others start again.

    Signing in starts a fresh session, so a resent form's token is always stale.
    """
    if _already_joined():
        return render_template("auth/welcome.html", personal_code=None), 200
    form = {k: request.form.get(k, "") for k in ("join_code", "display_name")}
    message = str(CSRF_MESSAGE[1])
    return _join_form(form, {"join_code": message}, 400)


join.on_csrf_error = _join_after_csrf_error  # type: ignore[attr-defined]


def _join_form(
    form: dict[str, str], errors: dict[str, str], status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "auth/join.html", form=form, errors=errors, form_key=secrets.token_urlsafe(12)
    )
    return page, status


def _join_message(error: accounts.AccountError) -> str:
    messages = {
        "unknown": _l("That class code is not valid. Check it with your facilitator."),
        "empty": _l("Please type a name to show in class."),
        "too-long": _l("Please use a shorter name (at most 40 characters)."),
        "invisible": _l("Please use only letters, numbers, spaces and punctuation."),
        "closed": _l("This class has ended, so it cannot be joined any more."),
        "taken": _l(
            "Someone in this class already uses that name. Add an initial, "
            'for example "Ayu S".'
        ),
    }
    return str(messages.get(error.code, messages["unknown"]))


def _too_many() -> tuple[str, int]:
    """Answer 429 with the usual page: many tries in a short time."""
    return render_error(429, *(str(m) for m in MESSAGES[429]))


@bp.route("/resume", methods=["GET", "POST"])
@public
def resume() -> Response | tuple[str, int] | str:
    """Sign back in on any device with a personal code."""
    if request.method == "GET":
        return render_template("auth/resume.html", errors={})
    typed = codes.normalise(request.form.get("personal_code", ""))
    if over(CODE_TRIES, "personal-code", digest(typed)):
        return _too_many()
    try:
        user = accounts.learner_by_code(get_session(), typed, code_key())
    except accounts.AccountError:
        current_app.logger.info("personal code refused")  # never the code itself
        hit(CODE_TRIES, "personal-code", digest(typed))
        if not slow_failure():
            return _too_many()
        message = _("That personal code is not valid. Check each letter and try again.")
        page = render_template("auth/resume.html", errors={"personal_code": message})
        return page, 400
    _sign_in(user, remember=bool(request.form.get("remember")))
    current_app.logger.info("learner resumed: user=%s", user.id)
    return redirect(safe_next(request.args.get("next"), url_for("learner.progress")))


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | tuple[str, int] | str:
    """Sign in as a facilitator, editor or admin."""
    next_url = safe_next(request.args.get("next"), url_for("pages.home"))
    if request.method == "GET":
        return render_template(
            "auth/login.html", username="", error=None, next=next_url
        )
    username = request.form.get("username", "").strip().lower()[:40]
    device = device_of(username)
    scope = ("account", digest(username), device or "unknown-devices")
    if over(ACCOUNT_FAILURES, *scope):
        error = _(
            "This account is protected after many wrong passwords. Sign in from a "
            "device you used before, or wait 15 minutes."
        )
        return _login_form(username, error, next_url, 429)
    try:
        user = accounts.staff_by_password(
            get_session(), username, request.form.get("password", "")
        )
    except accounts.AccountError:
        current_app.logger.warning("staff sign-in failed")  # never the typed name
        hit(ACCOUNT_FAILURES, *scope)
        if not slow_failure():
            return _too_many()
        error = _("Wrong username or password.")
        return _login_form(username, error, next_url, 400)
    _sign_in(user, remember=False)  # staff: no long-lived cookie, timeouts apply
    current_app.logger.info("staff signed in: user=%s role=%s", user.id, user.role)
    response = redirect(next_url)
    remember_device(response, username)
    return response


def _login_form(
    username: str, error: str, next_url: str, status: int
) -> tuple[str, int]:
    page = render_template(
        "auth/login.html", username=username, error=error, next=next_url
    )
    return page, status


@bp.post("/logout")
@public
def logout() -> Response:
    """Sign out: the session token changes, so no copy of the cookie works again."""
    if current_user.is_authenticated:
        user = get_session().merge(current_user._get_current_object())  # type: ignore[attr-defined]
        accounts.end_all_sessions(get_session(), user)
        current_app.logger.info("signed out everywhere: user=%s", user.id)
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("pages.home"))


def _now() -> float:
    return time.time()


def _sign_in(user: User, remember: bool) -> None:
    """Start a fresh session (nothing from before sign-in survives) and sign in."""
    session.clear()
    login_user(user, remember=remember)
    if not user.is_learner:
        session["staff_since"] = session["staff_seen"] = _now()


def enforce_staff_timeouts() -> Response | None:
    """Sign staff out after 30 idle minutes or 12 hours (ASVS 3.3.2), then ask again."""
    if not current_user.is_authenticated or current_user.is_learner:
        return None
    config, now = current_app.config, _now()
    since, seen = session.get("staff_since", 0.0), session.get("staff_seen", 0.0)
    if (
        now - seen > config["STAFF_IDLE_SECONDS"]
        or now - since > config["STAFF_MAX_SECONDS"]
    ):
        current_app.logger.info("staff session expired: user=%s", current_user.id)
        logout_user()
        session.clear()
        flash(_("You were signed out after some time away. Please sign in again."))
        return redirect(url_for("auth.login", next=request.path))
    session["staff_seen"] = now
    return None


def load_user(user_id: str) -> User | None:
    """Return the user of a login cookie, if its session token is still current."""
    number, _sep, token = user_id.partition(":")
    if not number.isdigit() or not token:
        return None
    user = get_session().get(User, int(number))
    if user is None or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def init_app(app: Flask) -> None:
    """Configure Flask-Login."""
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.start"
    login_manager.login_message = _l("Please sign in first.")
    login_manager.session_protection = "basic"
    app.config.setdefault("REMEMBER_COOKIE_DURATION", 30 * 24 * 3600)
    app.config.setdefault("STAFF_IDLE_SECONDS", 30 * 60)
    app.config.setdefault("STAFF_MAX_SECONDS", 12 * 3600)
    app.before_request(enforce_staff_timeouts)
