"""Learners in and out: join a class with its code (new, or returning with their
personal code), sign back in on any device, and hand a shared phone to the next
person."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
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
from flask_login import current_user, logout_user
from limits import parse

from courses.people import accounts, codes, roster
from courses.people.models import ClassSession
from courses.platform.db import get_session
from courses.platform.guessing import hit, over, slow_failure
from courses.platform.keys import digest
from courses.web.access import public, signed_in
from courses.web.auth import code_keys, sign_in
from courses.web.errors import CSRF_MESSAGE, too_many_tries
from courses.web.safe_redirects import safe_next

bp = Blueprint("joining", __name__)
JOINED_FORM = "joined_form"  # the join form a learner was created from (not the code)
CODE_TRIES = parse("10/minute")  # per personal code, whatever the address
JOINS_PER_CODE = parse("300/minute")  # per join code: a class joins in a minute
MESSAGES = {
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


def join_message(error: accounts.AccountError) -> str:
    """Return what to tell someone whose name or code was refused."""
    return str(MESSAGES.get(error.code, MESSAGES["unknown"]))


@bp.route("/join", methods=["GET", "POST"])
@public
def join() -> Response | tuple[str, int] | str:
    """Join a class session with its code: a new learner gives a display name; a
    learner who is signed in (with their personal code) joins as themselves."""
    form = {"join_code": request.args.get("code", ""), "display_name": ""}
    returning = current_user.is_authenticated and current_user.is_learner
    if returning:
        form["display_name"] = current_user.display_name
    if request.method == "GET":
        return _join_form(form, {})
    form = {k: request.form.get(k, "") for k in form}
    if _already_joined():
        return render_template("auth/welcome.html", personal_code=None)
    if current_user.is_authenticated and not returning:
        message = _("You are signed in as staff. Sign out first to join as a learner.")
        return _join_form(form, {"join_code": message}, 400)
    typed_code = codes.normalise(form["join_code"])
    if over(JOINS_PER_CODE, "joins", digest(typed_code)):
        return too_many_tries()
    try:
        class_session = roster.session_by_code(get_session(), form["join_code"])
        if returning:
            return _join_as_returning(class_session, form["display_name"])
        return _join_as_new(class_session, form["display_name"], typed_code)
    except accounts.AccountError as error:
        current_app.logger.info("join refused: %s", error.code)
        if error.field == "join_code" and not slow_failure():
            return too_many_tries()
        return _join_form(form, {error.field: join_message(error)}, 400)


def _join_as_new(class_session: ClassSession, name: str, typed_code: str) -> str:
    """Create the learner, sign them in and show their personal code, once."""
    db = get_session()
    key = accounts.learner_key(db, class_session.organisation_id, code_keys())
    learner = roster.join_new(db, class_session, name, key)
    hit(JOINS_PER_CODE, "joins", digest(typed_code))
    # On a phone the class shares, nobody stays signed in for the next person.
    remember = bool(request.form.get("remember")) and not class_session.shared_phone
    sign_in(learner.user, remember=remember)
    session[JOINED_FORM] = request.form.get("form_key", "")
    current_app.logger.info(
        "learner joined: user=%s class_session=%s", learner.user.id, class_session.id
    )
    # Shown once, in this answer: the code is never kept in the cookie or the logs.
    return render_template(
        "auth/welcome.html", personal_code=codes.display(learner.personal_code)
    )


def _join_as_returning(class_session: ClassSession, name: str) -> Response:
    """Add the signed-in learner to another session: one record, counted in both."""
    db = get_session()
    user = db.merge(current_user._get_current_object())  # type: ignore[attr-defined]
    if name.strip() and name.strip() != user.display_name:
        roster.rename(db, user, name)
    roster.join_existing(db, class_session, user)
    current_app.logger.info(
        "learner joined again: user=%s class_session=%s", user.id, class_session.id
    )
    flash(_("You joined %(title)s.", title=class_session.title))
    return redirect(url_for("learner.progress"))


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
    return _join_form(form, {"join_code": str(CSRF_MESSAGE[1])}, 400)


join.on_csrf_error = _join_after_csrf_error  # type: ignore[attr-defined]


def _join_form(
    form: dict[str, str], errors: dict[str, str], status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "auth/join.html", form=form, errors=errors, form_key=secrets.token_urlsafe(12)
    )
    return page, status


@bp.route("/resume", methods=["GET", "POST"])
@public
def resume() -> Response | tuple[str, int] | str:
    """Sign back in on any device with a personal code."""
    if request.method == "GET":
        return render_template("auth/resume.html", errors={})
    typed = codes.normalise(request.form.get("personal_code", ""))
    if over(CODE_TRIES, "personal-code", digest(typed)):
        return too_many_tries()
    try:
        user = accounts.learner_by_code(get_session(), typed, code_keys())
    except accounts.AccountError:
        current_app.logger.info("personal code refused")  # never the code itself
        hit(CODE_TRIES, "personal-code", digest(typed))
        if not slow_failure():
            return too_many_tries()
        message = _("That personal code is not valid. Check each letter and try again.")
        page = render_template("auth/resume.html", errors={"personal_code": message})
        return page, 400
    sign_in(user, remember=bool(request.form.get("remember")))
    current_app.logger.info("learner resumed: user=%s", user.id)
    return redirect(safe_next(request.args.get("next"), url_for("learner.progress")))


@bp.post("/next-person")
@signed_in
def next_person() -> Response:
    """On a shared phone: sign this learner out, open the join page for the next."""
    class_session = current_user.class_session if current_user.is_learner else None
    logout_user()
    session.clear()
    if class_session is None or not class_session.is_open:
        return redirect(url_for("pages.home"))
    flash(_("Signed out. Next person: type your name to join."))
    return redirect(url_for("joining.join", code=class_session.join_code))
