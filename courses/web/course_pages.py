"""The course catalogue and course pages."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from courses.people.models import Role
from courses.people.progress import module_states, next_module, progress_by_module
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.platform.locale import current_language
from courses.web.access import public, roles
from courses.web.converters import SLUG_RULE

bp = Blueprint("course_pages", __name__, url_prefix="/courses")


@bp.get("/")
@public
def index() -> str:
    """List every course."""
    return render_template("course_pages/index.html", courses=get_catalog().courses)


@bp.get(f"/<{SLUG_RULE}:course_slug>/")
@public
def show(course_slug: str) -> str:
    """Show a course's modules in order, with the learner's state of each."""
    course = get_catalog().course(course_slug) or abort(404)
    rows = {}
    if current_user.is_authenticated:
        rows = progress_by_module(get_session(), current_user, [course.slug])
    return render_template(
        "course_pages/course.html",
        course=course,
        text=course.text(current_language()),
        states=module_states(course, rows),
        continue_with=next_module(course, rows) if rows else None,
        course_number=get_catalog().courses.index(course) + 1,
        course_total=len(get_catalog().courses),
    )


@bp.get(f"/<{SLUG_RULE}:course_slug>/guide")
@roles(Role.FACILITATOR, Role.EDITOR, Role.ADMIN)
def guide(course_slug: str) -> str:
    """Show the facilitator guide of a course (staff only)."""
    course = get_catalog().course(course_slug) or abort(404)
    language = current_language()
    guide = course.guides.get(language) or course.guides.get(course.default_language)
    if guide is None:
        abort(404)
    return render_template(
        "course_pages/guide.html",
        course=course,
        text=course.text(language),
        guide=guide,
    )
