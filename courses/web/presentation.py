"""The projector view: a module one part at a time in large text, then its quiz one
question at a time; the room votes by raising hands, the facilitator types the
counts, and only then is the answer shown. Works from a keyboard, a click, or with
no JavaScript at all (every part is a page with next and previous links)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from courses.content.catalog import Course, Module, ModuleVersion, Segment
from courses.content.quiz import Question
from courses.people import facilitation, group_answers
from courses.people.models import ClassSession
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.platform.locale import current_language
from courses.web.access import RUNS_SESSIONS, roles, session_or_404
from courses.web.converters import PUBLIC_ID_RULE, SLUG_RULE

bp = Blueprint("presentation", __name__, url_prefix="/sessions")
PRESENT_URL = f"/<{PUBLIC_ID_RULE}:session_id>/present"
MODULE_URL = PRESENT_URL + f"/<{SLUG_RULE}:course_slug>/<{SLUG_RULE}:module_slug>"


@dataclass(frozen=True)
class Part:
    """One screen of the projector view."""

    kind: str  # opening | section | question | end
    segments: tuple[Segment, ...] = ()
    question: Question | None = None


def parts_of(version: ModuleVersion) -> list[Part]:
    """Return the screens of a module: opening, sections, questions, end."""
    parts = [Part("opening")]
    parts += [Part("section", segments) for segments in version.sections]
    questions = version.quiz.questions if version.quiz else ()
    parts += [Part("question", question=q) for q in questions]
    return [*parts, Part("end")]


@bp.get(PRESENT_URL)
@roles(*RUNS_SESSIONS)
def start(session_id: str) -> str:
    """List the session's modules to present."""
    class_session = session_or_404(session_id)
    return render_template(
        "presentation/start.html",
        class_session=class_session,
        modules=facilitation.covered_modules(class_session, get_catalog()),
    )


@bp.get(MODULE_URL)
@roles(*RUNS_SESSIONS)
def show(session_id: str, course_slug: str, module_slug: str) -> tuple[str, int]:
    """Show one part (`?part=N`); a question shows its answer after `?answer=1`."""
    class_session = session_or_404(session_id)
    course, module = _covered(class_session, course_slug, module_slug)
    return _render(class_session, course, module, request.args.get("part"))


@bp.post(MODULE_URL + "/votes")
@roles(*RUNS_SESSIONS)
def votes(
    session_id: str, course_slug: str, module_slug: str
) -> Response | tuple[str, int]:
    """Save the raised hands for the current question, then show its answer."""
    class_session = session_or_404(session_id)
    course, module = _covered(class_session, course_slug, module_slug)
    version = _version(class_session, module)
    parts = parts_of(version)
    number = _part_number(len(parts), request.form.get("part"))
    question = parts[number].question
    if question is None or version.quiz is None:
        abort(404)
    counts = group_answers.read_votes(question, request.form)
    if counts is None:
        error = _("Write whole numbers of raised hands, such as 0 or 12.")
        return _render(class_session, course, module, str(number), error)
    group_answers.save_votes(
        get_session(),
        class_session,
        (course.slug, module.slug),
        version.quiz,
        question,
        counts,
    )
    target = url_for(
        "presentation.show",
        session_id=session_id,
        course_slug=course.slug,
        module_slug=module.slug,
        part=number,
        answer=1,
    )
    return redirect(target)


def _render(
    class_session: ClassSession,
    course: Course,
    module: Module,
    raw_part: str | None,
    error: str | None = None,
) -> tuple[str, int]:
    """Render one part of the projector view."""
    version = _version(class_session, module)
    parts = parts_of(version)
    number = _part_number(len(parts), raw_part)
    part = parts[number]
    tally = None
    if part.question is not None:
        key = (course.slug, module.slug, part.question.qid)
        tally = group_answers.tallies(get_session(), class_session).get(key)
    page = render_template(
        "presentation/show.html",
        class_session=class_session,
        course=course,
        module=module,
        version=version,
        part=part,
        number=number,
        total=len(parts),
        question_number=number - len(version.sections),
        show_answer=request.args.get("answer") == "1" and error is None,
        tally=tally,
        error=error,
    )
    return page, 400 if error else 200


def _version(class_session: ClassSession, module: Module) -> ModuleVersion:
    """Return the module in the session's language (else the reader's)."""
    return module.version(class_session.language or current_language())


def _covered(
    class_session: ClassSession, course_slug: str, module_slug: str
) -> tuple[Course, Module]:
    """Return a module the session covers; 404 for any other."""
    for course, module in facilitation.covered_modules(class_session, get_catalog()):
        if course.slug == course_slug and module.slug == module_slug:
            return course, module
    abort(404)


def _part_number(count: int, raw: str | None) -> int:
    """Return the part asked for, kept within the module's parts."""
    number = int(raw) if raw and raw.isdigit() and len(raw) < 4 else 0
    return min(number, count - 1)
