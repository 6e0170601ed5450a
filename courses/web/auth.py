"""Signing in and out: staff with a password, everyone out; who is signed in.

Learners sign in with a code (`joining`); both end up in `sign_in()`."""

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
from sqlalchemy.orm import joinedload

from courses.people import accounts
from courses.people.models import Role, User
from courses.platform.db import get_session
from courses.platform.extensions import login_manager
from courses.platform.guessing import hit, over, slow_failure
from courses.platform.keys import code_key, digest, enrolled_code_key
from courses.web.access import public
from courses.web.errors import too_many_tries
from courses.web.safe_redirects import safe_next
from courses.web.trusted_devices import device_of, remember_device

bp = Blueprint("auth", __name__)
ACCOUNT_FAILURES = parse("10/15 minutes")  # per account and device (or unknown ones)


@bp.get("/start")
@public
def start() -> str:
    """Offer the ways to sign in: join a class, come back with a code, staff."""
    return render_template("auth/start.html", next=safe_next(request.args.get("next")))


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | tuple[str, int] | str:
    """Sign in as a facilitator, editor or admin."""
    next_url = safe_next(request.args.get("next"), "")
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
            return too_many_tries()
        error = _("Wrong username or password.")
        return _login_form(username, error, next_url, 400)
    sign_in(user, remember=False)  # staff: no long-lived cookie, timeouts apply
    current_app.logger.info("staff signed in: user=%s role=%s", user.id, user.role)
    response = redirect(next_url or _home_of(user))
    remember_device(response, username)
    return response


def _home_of(user: User) -> str:
    """Return where a staff member starts: their sessions, or the editors' board."""
    if user.role in (Role.FACILITATOR.value, Role.ADMIN.value):
        return url_for("sessions.index")
    if user.role == Role.EDITOR.value:
        return url_for("editor.index")
    return url_for("pages.home")


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
    end_sign_in()
    flash(_("You are signed out."))
    return redirect(url_for("pages.home"))


def end_sign_in() -> None:
    """Sign the current user out everywhere: no copy of the cookie works again."""
    if current_user.is_authenticated:
        user = get_session().merge(current_user._get_current_object())  # type: ignore[attr-defined]
        accounts.end_all_sessions(get_session(), user)
        current_app.logger.info("signed out everywhere: user=%s", user.id)
    logout_user()
    session.clear()


def _now() -> float:
    return time.time()


def code_keys() -> accounts.CodeKeys:
    """Return the keys personal codes are hashed under on this machine."""
    return accounts.CodeKeys(code_key(), enrolled_code_key())


def sign_in(user: User, remember: bool) -> None:
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
    # The learner's sessions come in the same query: the header asks for the latest.
    user = get_session().get(
        User, int(number), options=[joinedload(User.sessions_joined)]
    )
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
