"""Editors' tools: the translation board and the live preview of a module."""

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from courses.content.catalog import Course, Module, ModuleVersion
from courses.content.preview import parse_module_text
from courses.content.translation_status import board, source_changes, status_of
from courses.people.models import Role
from courses.platform.content_store import get_catalog
from courses.platform.extensions import limiter
from courses.web.access import roles
from courses.web.converters import SLUG_RULE
from courses.web.lessons import QuizView
from courses.web.rendering import render_page_or_fragment

bp = Blueprint("editor", __name__, url_prefix="/editor")
EDITORS = (Role.EDITOR, Role.ADMIN)
MAX_PREVIEW = 100_000  # characters; a module is a few thousand


@bp.get("/")
@roles(*EDITORS)
def index() -> str:
    """Show courses x modules x languages: missing, up to date or outdated."""
    languages = current_app.config["LANGUAGES"]
    return render_template(
        "editor/board.html", rows=board(get_catalog(), languages), languages=languages
    )


@bp.get(f"/<{SLUG_RULE}:course_slug>/<{SLUG_RULE}:module_slug>/<language>")
@roles(*EDITORS)
def translation(course_slug: str, module_slug: str, language: str) -> str:
    """Show one translation's state and, when outdated, what changed in the source."""
    if language not in current_app.config["LANGUAGES"]:
        abort(404)
    try:
        course, module = get_catalog().find_module(course_slug, module_slug)
    except LookupError:
        abort(404)
    source = module.versions[module.default_language]
    version = module.versions.get(language)
    status = status_of(version, source) if version else "missing"
    if language == module.default_language:
        status = "source"
    changes = None
    if status == "outdated" and version is not None:
        content_dir = Path(current_app.config["CONTENT_DIR"])
        changes = source_changes(content_dir, source, version.translated_from)
    return render_template(
        "editor/translation.html",
        course=course,
        module=module,
        language=language,
        source=source,
        version=version,
        status=status,
        changes=changes,
    )


@bp.route("/preview", methods=["GET", "POST"])
@roles(*EDITORS)
@limiter.limit(
    "120/minute", methods=["POST"], key_func=lambda: f"preview:{current_user.id}"
)
def preview() -> Response:
    """Render typed Markdown as learners would see it, with content-check problems."""
    catalog = get_catalog()
    form = request.form if request.method == "POST" else request.args
    course_slug, _sep, module_slug = form.get("module", "").partition("/")
    course = catalog.course(course_slug) or (
        catalog.courses[0] if catalog.courses else None
    )
    module = course.module(module_slug) if course else None
    language = form.get("lang", "")
    if language not in current_app.config["LANGUAGES"]:
        language = module.default_language if module else "en"
    text = form.get("text")
    if text is None:
        text = _starting_text(module, language)
    too_long = len(text) > MAX_PREVIEW
    version, problems = parse_module_text(
        text[:MAX_PREVIEW],
        language,
        catalog.contacts,
        source=_source_for(module, language),
    )
    return render_page_or_fragment(
        "editor/preview.html",
        "editor/_preview_result.html",
        status=200,
        courses=catalog.courses,
        course=course,
        module=module,
        preview_module=_stand_in(course, module, version),
        language=language,
        text=text,
        version=version,
        problems=problems,
        too_long=too_long,
        quiz=QuizView(),
        following=None,
    )


def _starting_text(module: Module | None, language: str) -> str:
    """Return the module's file in `language` (or its source) to start editing from."""
    if module is None:
        return ""
    version = module.versions.get(language) or module.versions[module.default_language]
    path = Path(current_app.config["CONTENT_DIR"]) / version.path
    return path.read_text(encoding="utf-8")


def _source_for(module: Module | None, language: str) -> ModuleVersion | None:
    """Return the default-language version to compare a translation's quiz with."""
    if module is None or language == module.default_language:
        return None
    return module.versions[module.default_language]


def _stand_in(
    course: Course | None, module: Module | None, version: ModuleVersion | None
) -> Module | None:
    """Return a module object around the previewed version, for the quiz template."""
    if course is None or version is None:
        return None
    slug = module.slug if module else "preview"
    return Module(
        course.slug, slug, 0, True, version.language, {version.language: version}
    )
