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

from courses.people import accounts, codes
from courses.people.models import User
from courses.platform.db import get_session
from courses.platform.extensions import limiter, login_manager
from courses.platform.rate_limit_keys import client_address, form_value_key
from courses.web.access import public
from courses.web.safe_redirects import safe_next

bp = Blueprint("auth", __name__)
NEW_CODE_KEY = "new_personal_code"


def _failed(response: Response) -> bool:
    """Count only failed attempts against the per-address limits."""
    return response.status_code >= 400


@bp.get("/start")
@public
def start() -> str:
    """Offer the ways to sign in: join a class, come back with a code, staff."""
    return render_template("auth/start.html", next=safe_next(request.args.get("next")))


@bp.route("/join", methods=["GET", "POST"])
@public
@limiter.limit(
    "300/minute", methods=["POST"], key_func=lambda: form_value_key("join_code")
)
@limiter.limit(
    "100/10 minutes", methods=["POST"], key_func=client_address, deduct_when=_failed
)
def join() -> Response | tuple[str, int] | str:
    """Join a class session with its code and a display name."""
    form = {"join_code": request.args.get("code", ""), "display_name": ""}
    if request.method == "GET":
        return render_template("auth/join.html", form=form, errors={})
    form = {k: request.form.get(k, "") for k in form}
    db = get_session()
    try:
        class_session = accounts.open_session_by_code(db, form["join_code"])
        learner = accounts.create_learner(db, class_session, form["display_name"])
    except accounts.AccountError as error:
        current_app.logger.info("join refused: %s", error.code)
        errors = {error.field: _join_message(error)}
        return render_template("auth/join.html", form=form, errors=errors), 400
    _sign_in(learner.user, remember=bool(request.form.get("remember")))
    session[NEW_CODE_KEY] = learner.personal_code
    current_app.logger.info(
        "learner joined: user=%s class_session=%s", learner.user.id, class_session.id
    )
    return redirect(url_for("auth.welcome"))


def _join_message(error: accounts.AccountError) -> str:
    messages = {
        "unknown": _l("That class code is not valid. Check it with your facilitator."),
        "empty": _l("Please type a name to show in class."),
        "too-long": _l("Please use a shorter name (at most 40 characters)."),
        "invisible": _l("Please use only letters, numbers, spaces and punctuation."),
    }
    return str(messages.get(error.code, messages["unknown"]))


@bp.get("/welcome")
@public
def welcome() -> Response | str:
    """Show a new learner's personal code once, to write down."""
    personal_code = session.pop(NEW_CODE_KEY, None)
    if personal_code is None or not current_user.is_authenticated:
        return redirect(url_for("learner.progress"))
    return render_template(
        "auth/welcome.html", personal_code=codes.display(personal_code)
    )


@bp.route("/resume", methods=["GET", "POST"])
@public
@limiter.limit(
    "10/minute", methods=["POST"], key_func=lambda: form_value_key("personal_code")
)
@limiter.limit(
    "100/10 minutes", methods=["POST"], key_func=client_address, deduct_when=_failed
)
def resume() -> Response | tuple[str, int] | str:
    """Sign back in on any device with a personal code."""
    if request.method == "GET":
        return render_template("auth/resume.html", errors={})
    try:
        user = accounts.learner_by_code(
            get_session(), request.form.get("personal_code", "")
        )
    except accounts.AccountError:
        current_app.logger.info("personal code refused")  # never the code itself
        message = _("That personal code is not valid. Check each letter and try again.")
        return render_template(
            "auth/resume.html", errors={"personal_code": message}
        ), 400
    _sign_in(user, remember=bool(request.form.get("remember")))
    current_app.logger.info("learner resumed: user=%s", user.id)
    return redirect(safe_next(request.args.get("next"), url_for("learner.progress")))


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(
    "10/minute", methods=["POST"], key_func=lambda: form_value_key("username")
)
@limiter.limit(
    "100/hour",
    methods=["POST"],
    key_func=lambda: "account:" + request.form.get("username", "").strip().lower()[:40],
    deduct_when=_failed,
)
def login() -> Response | tuple[str, int] | str:
    """Sign in as a facilitator, editor or admin."""
    next_url = safe_next(request.args.get("next"), url_for("pages.home"))
    if request.method == "GET":
        return render_template(
            "auth/login.html", username="", error=None, next=next_url
        )
    username = request.form.get("username", "")
    try:
        user = accounts.staff_by_password(
            get_session(), username, request.form.get("password", "")
        )
    except accounts.AccountError:
        # %r escapes CR/LF, so a typed username cannot forge a log line.
        current_app.logger.warning("staff sign-in failed: username=%r", username[:40])
        error = _("Wrong username or password.")
        page = render_template(
            "auth/login.html", username=username, error=error, next=next_url
        )
        return page, 400
    _sign_in(user, remember=False)  # staff: no long-lived cookie, timeouts apply
    current_app.logger.info("staff signed in: user=%s role=%s", user.id, user.role)
    return redirect(next_url)


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
