"""A signed-in person's own pages: progress, everything stored, new code, deletion."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_login.config import COOKIE_NAME

from courses.content.quiz import Quiz
from courses.people import accounts, codes
from courses.people.models import QuizAttempt
from courses.people.progress import (
    attempt_of,
    attempts_of,
    course_complete,
    module_states,
    next_module,
    pre_test_answers_hidden,
    progress_by_module,
)
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.platform.locale import current_language
from courses.web.access import signed_in
from courses.web.auth import code_keys
from courses.web.converters import PUBLIC_ID_RULE

bp = Blueprint("learner", __name__, url_prefix="/me")


@bp.get("/")
@signed_in
def progress() -> str:
    """Show every course with module states, scores, dates and where to continue."""
    rows = progress_by_module(get_session(), current_user)
    language = current_language()
    courses = [
        {
            "course": course,
            "text": course.text(language),
            "states": module_states(course, rows),
            "complete": course_complete(course, rows),
            "next": next_module(course, rows),
            "started": any(key[0] == course.slug for key in rows),
        }
        for course in get_catalog().courses
    ]
    return render_template("learner/progress.html", courses=courses)


@bp.get("/data")
@signed_in
def data() -> str:
    """Show everything stored about the signed-in person, on one page."""
    db = get_session()
    return render_template(
        "learner/data.html",
        rows=sorted(
            progress_by_module(db, current_user).values(),
            key=lambda r: (r.course_slug, r.module_slug),
        ),
        attempts=attempts_of(db, current_user),
        titles=_titles(),
    )


def _titles() -> dict[tuple[str, str], tuple[str, str]]:
    """Return (course title, module title) by slugs, in the reader's language."""
    language = current_language()
    return {
        (c.slug, m.slug): (c.text(language).title, m.version(language).title)
        for c in get_catalog().courses
        for m in c.modules
    }


@bp.get(f"/attempts/<{PUBLIC_ID_RULE}:attempt_id>")
@signed_in
def attempt(attempt_id: str) -> str:
    """Show one of the signed-in person's own attempts (404 for anyone else's)."""
    found = attempt_of(get_session(), current_user, attempt_id) or abort(404)
    course = get_catalog().course(found.course_slug)
    hidden = (
        course is not None
        and found.module_slug == course.pre_test
        and pre_test_answers_hidden(get_session(), current_user, course)
    )
    return render_template(
        "learner/attempt.html",
        attempt=found,
        hidden=hidden,
        titles=_titles(),
        quiz=_quiz_answered(found),
    )


def _quiz_answered(found: QuizAttempt) -> Quiz | None:
    """Return the quiz as it was answered, if it has not changed since (its text)."""
    try:
        _course, module = get_catalog().find_module(
            found.course_slug, found.module_slug
        )
    except LookupError:
        return None
    version = module.versions.get(found.language)
    if version is None or version.quiz is None:
        return None
    return version.quiz if version.quiz.fingerprint == found.quiz_fingerprint else None


@bp.post("/new-code")
@signed_in
def new_code() -> str:
    """Give a learner a new personal code (the old one stops working)."""
    if not current_user.is_learner:
        abort(404)
    db = get_session()
    user = db.merge(current_user._get_current_object())  # type: ignore[attr-defined]
    key = accounts.learner_key(db, user.organisation_id, code_keys())
    personal_code = accounts.new_personal_code(db, user, key)
    # Every other device is signed out by the new token; this one signs in again.
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
    remember = request.cookies.get(cookie)
    login_user(user, remember=bool(remember))
    return render_template(
        "auth/welcome.html", personal_code=codes.display(personal_code)
    )


@bp.route("/delete", methods=["GET", "POST"])
@signed_in
def delete() -> Response | str | tuple[str, int]:
    """Delete the account and everything stored about it, after confirmation."""
    if request.method == "GET":
        return render_template("learner/delete.html", error=None)
    if request.form.get("confirm") != "yes":
        error = _("Tick the box to confirm that you want to delete everything.")
        return render_template("learner/delete.html", error=error), 400
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    logout_user()
    accounts.delete_account(get_session(), user)
    current_app.logger.info("account deleted: user=%s", user.id)
    return redirect(url_for("pages.home", deleted=1))
