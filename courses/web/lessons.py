"""Module pages and their quizzes: read, answer, get graded on the server."""

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from courses.content.catalog import Course, Module, ModuleVersion
from courses.content.grading import AnswerError, Grade, grade, read_answers
from courses.people.models import QuizAttempt
from courses.people.progress import (
    ReusedSubmission,
    mark_done,
    pre_test_answers_hidden,
    record_attempt,
    start_module,
)
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.platform.locale import current_language
from courses.web.access import public, signed_in
from courses.web.contact_groups import topic_country_key
from courses.web.converters import SLUG_RULE
from courses.web.fragments import SUBMISSION_MARK, filled, rendered_once
from courses.web.rendering import wants_fragment
from courses.web.safe_redirects import came_from_this_site

bp = Blueprint("lessons", __name__, url_prefix="/courses")
MODULE_URL = f"/<{SLUG_RULE}:course_slug>/<{SLUG_RULE}:module_slug>"
SUBMISSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class QuizView:
    """Everything the quiz fragment shows: a blank form, errors, or a result."""

    submission_id: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    chosen: dict[str, frozenset[str]] = field(default_factory=dict)
    grade: Grade | None = None
    error: str | None = None
    error_questions: tuple[str, ...] = ()
    hide_answers: bool = False  # a pre-test before the post-test: no right answers


def _find(course_slug: str, module_slug: str) -> tuple[Course, Module]:
    try:
        return get_catalog().find_module(course_slug, module_slug)
    except LookupError:
        abort(404)


def _render(
    course: Course,
    module: Module,
    version: ModuleVersion,
    quiz: QuizView,
    status: int = 200,
) -> Response:
    """Render the module page, or only the quiz for htmx.

    The lesson and a blank quiz are rendered once and kept (web/fragments.py); a
    request fills in its CSRF token and submission id. A graded quiz, or one with
    errors, is the learner's own and is rendered each time.
    """
    position = course.modules.index(module)
    context: dict[str, Any] = {
        "course": course,
        "module": module,
        "version": version,
        "quiz": quiz,
        "previous": course.modules[position - 1] if position > 0 else None,
        "following": course.modules[position + 1]
        if position + 1 < len(course.modules)
        else None,
    }
    blank = quiz.grade is None and quiz.error is None and not quiz.chosen
    quiz_html = _blank_quiz(context) if blank and version.quiz else None
    if wants_fragment():
        html = quiz_html or render_template("lessons/_quiz.html", **context)
    else:
        html = render_template(
            "lessons/show.html",
            article=filled(_kept(context, "lessons/_article.html")),
            after_quiz=filled(_kept(context, "lessons/_after_quiz.html")),
            quiz_html=quiz_html,
            **context,
        )
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def _kept(context: dict[str, Any], template: str) -> str:
    """Return a part of the page that depends only on content, language, country."""
    course, module, version = context["course"], context["module"], context["version"]
    language = current_language()
    broken = module.file_of(language) in get_catalog().broken_paths
    key = (template, id(get_catalog()), course.slug, module.slug, version.language)
    return rendered_once(
        (*key, language, broken, topic_country_key(version)),
        template,
        course_text=course.text(language),
        # The reader's language has a file, but it has errors: say nothing untrue.
        translation_broken=broken,
        **context,
    )


def _blank_quiz(context: dict[str, Any]) -> Markup:
    """Return the blank quiz form, rendered once per module, version and language."""
    course, module, version = context["course"], context["module"], context["version"]
    kept = rendered_once(
        ("quiz", id(get_catalog()), course.slug, module.slug, version.language)
        + (current_language(),),
        "lessons/_quiz.html",
        **{**context, "quiz": QuizView(submission_id=SUBMISSION_MARK)},
    )
    return filled(kept, context["quiz"].submission_id)


@bp.get(MODULE_URL)
@public
def show(course_slug: str, module_slug: str) -> Response:
    """Show a module in the reader's language (or the default), then its quiz."""
    course, module = _find(course_slug, module_slug)
    if current_user.is_authenticated and came_from_this_site():
        start_module(get_session(), current_user, course, module)
    return _render(course, module, module.version(current_language()), QuizView())


@bp.get(MODULE_URL + "/quiz")
@public
def quiz(course_slug: str, module_slug: str) -> Response:
    """Return a fresh, blank quiz (for "try again")."""
    course, module = _find(course_slug, module_slug)
    version = module.version(current_language())
    if version.quiz is None:
        abort(404)
    return _render(course, module, version, QuizView())


@bp.post(MODULE_URL + "/quiz")
@public
def submit_quiz(course_slug: str, module_slug: str) -> Response:
    """Grade a quiz on the server; store it once per form for signed-in learners."""
    course, module = _find(course_slug, module_slug)
    version = _submitted_version(module)
    if version.quiz is None:
        abort(404)
    form = request.form.to_dict(flat=False)
    key = request.form.get("submission_id", "")
    if not SUBMISSION_ID.match(key):
        view = QuizView(chosen=_lenient_answers(version, form))
        view.error = _(
            "This form is incomplete. Please reload the page and answer again."
        )
        return _render(course, module, version, view, status=400)
    try:
        chosen = read_answers(version.quiz, form)
    except AnswerError as error:
        view = QuizView(submission_id=key, chosen=_lenient_answers(version, form))
        view.error, view.error_questions = _answer_error(error), error.questions
        return _render(
            course, module, version, view, 422 if error.kind == "missing" else 400
        )
    result = grade(version.quiz, chosen, course.pass_mark)
    if current_user.is_authenticated:
        in_session = current_user.class_session
        try:
            stored = record_attempt(
                get_session(),
                current_user,
                course,
                module,
                version,
                result,
                key,
                session_id=in_session.id if in_session else None,
            ).attempt
        except ReusedSubmission:
            view = QuizView(chosen=_lenient_answers(version, form))
            view.error = _(
                "This form is incomplete. Please reload the page and answer again."
            )
            return _render(course, module, version, view, status=400)
        result = _grade_of(stored)
        version = module.versions.get(stored.language, version)
    view = QuizView(submission_id=key, chosen=result.chosen, grade=result)
    if module.slug == course.pre_test:
        user = current_user if current_user.is_authenticated else None
        view.hide_answers = pre_test_answers_hidden(get_session(), user, course)
    return _render(course, module, version, view)


def _retry_after_csrf_error(course_slug: str, module_slug: str) -> Response:
    """Keep the learner's ticks when the form's token expired; ask to send again."""
    course, module = _find(course_slug, module_slug)
    version = _submitted_version(module)
    if version.quiz is None:
        abort(404)
    view = QuizView(chosen=_lenient_answers(version, request.form.to_dict(flat=False)))
    view.error = _(
        "This form had expired. Your answers are still ticked: send them again."
    )
    return _render(course, module, version, view, status=400)


submit_quiz.on_csrf_error = _retry_after_csrf_error  # type: ignore[attr-defined]


@bp.post(MODULE_URL + "/done")
@signed_in
def done(course_slug: str, module_slug: str) -> Response:
    """Mark a module without a quiz as done."""
    course, module = _find(course_slug, module_slug)
    if module.version(current_language()).quiz is not None:
        abort(404)
    mark_done(get_session(), current_user, course, module)
    return redirect(url_for("course_pages.show", course_slug=course.slug))


def _submitted_version(module: Module) -> ModuleVersion:
    """Return the version the form was rendered in (its quiz is the one answered)."""
    language = request.form.get("lang", "")
    return module.versions.get(language) or module.version(current_language())


def _lenient_answers(
    version: ModuleVersion, form: dict[str, list[str]]
) -> dict[str, frozenset[str]]:
    """Return whatever valid ticks a rejected form had, to show them again."""
    if version.quiz is None:
        return {}
    return {
        q.qid: frozenset(form.get(q.field, ())) & {o.key for o in q.options}
        for q in version.quiz.questions
    }


def _answer_error(error: AnswerError) -> str:
    if error.kind == "missing":
        return _("Please answer every question. The ones still open are marked.")
    if error.kind == "too-many":
        return _("Choose only one answer for the marked question.")
    return _("These answers do not match this quiz. Please reload the page.")


def _grade_of(attempt: QuizAttempt) -> Grade:
    """Rebuild the result of a stored attempt (a replay gets the first result)."""
    chosen: dict[str, Any] = {q: frozenset(keys) for q, keys in attempt.answers.items()}
    return Grade(
        chosen=chosen,
        correct=dict(attempt.correct),
        score=attempt.score,
        max_score=attempt.max_score,
        percent=attempt.percent,
        passed=attempt.passed,
    )
