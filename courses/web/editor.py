"""Editors' tools: the translation board and the live preview of a module."""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user

from courses.content.bounded import TooComplex
from courses.content.catalog import Catalog, Course, Module, ModuleVersion, Problem
from courses.content.preview import parse_module_text
from courses.content.translation_status import (
    Row,
    board,
    source_changes,
    status_of,
)
from courses.people.models import Role
from courses.platform.content_store import get_catalog, preview_runner
from courses.platform.extensions import limiter
from courses.web.access import roles
from courses.web.converters import SLUG_RULE
from courses.web.lessons import QuizView
from courses.web.rendering import render_page_or_fragment

bp = Blueprint("editor", __name__, url_prefix="/editor")
EDITORS = (Role.EDITOR, Role.ADMIN)
MAX_PREVIEW = 40_000  # characters; the longest real module is about 20,000


@dataclass(frozen=True)
class FileWithErrors:
    """A content file that learners do not get until its problems are fixed."""

    path: str
    problems: list[Problem]
    module: Module | None
    language: str | None


@bp.get("/")
@roles(*EDITORS)
def index() -> str:
    """Show courses x modules x languages (missing, up to date, outdated or with
    errors), then every file left out because of a problem, with its problems."""
    languages = current_app.config["LANGUAGES"]
    catalog = get_catalog()
    rows = board(catalog, languages)
    return render_template(
        "editor/board.html",
        rows=rows,
        languages=languages,
        files_with_errors=_files_with_errors(catalog, rows),
    )


def _files_with_errors(catalog: Catalog, rows: list[Row]) -> list[FileWithErrors]:
    """Return each file left out, its problems, and its module when there is one."""
    cells = {
        row.module.file_of(cell.language): (row.module, cell.language)
        for row in rows
        for cell in row.cells
    }
    return [
        FileWithErrors(path, catalog.problems_in(path), *cells.get(path, (None, None)))
        for path in sorted(catalog.broken_paths)
    ]


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
    if status == "missing" and module.file_of(language) in get_catalog().broken_paths:
        status = "broken"
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
        problems=get_catalog().problems_in(module.file_of(language)),
    )


@bp.get("/preview")
@roles(*EDITORS)
def preview_page() -> Response:
    """Show a module's file and how it loaded, ready to edit (nothing parsed here)."""
    catalog = get_catalog()
    course, module, language = _chosen(request.args)
    version = module.versions.get(language) if module else None
    path = _path_of(course, module, language)
    problems = catalog.problems_in(path) if path else []
    return _render_preview(
        course, module, language, _file_text(path), version, problems
    )


@bp.post("/preview")
@roles(*EDITORS)
@limiter.limit("60/minute", key_func=lambda: f"preview:{current_user.id}")
def preview() -> Response:
    """Render typed Markdown as learners would see it, with content-check problems.

    Parsing runs in a child process with a time and memory limit, so no text, however
    crafted, can hold a worker for longer than PREVIEW_SECONDS.
    """
    catalog = get_catalog()
    course, module, language = _chosen(request.form)
    text = request.form.get("text", "")
    if len(text) > MAX_PREVIEW:
        message = _(
            "The text is longer than %(max)s characters, more than any module needs. "
            "Split it into two modules.",
            max=format_number(MAX_PREVIEW),
        )
        return _render_preview(course, module, language, text, None, [], message, 413)
    try:
        version, problems = parse_module_text(
            preview_runner(),
            text,
            language,
            catalog.contacts,
            source=_source_for(module, language),
            glossary=catalog.glossary,
        )
    except TooComplex:
        message = _(
            "This text is too complex to preview. Look for long runs of the same "
            "character, such as [[[[ or ****, and simplify them."
        )
        return _render_preview(course, module, language, text, None, [], message, 422)
    return _render_preview(course, module, language, text, version, problems)


def _chosen(form: Mapping[str, str]) -> tuple[Course | None, Module | None, str]:
    """Return the course, module and language named in the form or query."""
    catalog = get_catalog()
    course_slug, _sep, module_slug = form.get("module", "").partition("/")
    course = catalog.course(course_slug) or (
        catalog.courses[0] if catalog.courses else None
    )
    module = course.module(module_slug) if course else None
    language = form.get("lang", "")
    if language not in current_app.config["LANGUAGES"]:
        language = module.default_language if module else "en"
    return course, module, language


def _render_preview(
    course: Course | None,
    module: Module | None,
    language: str,
    text: str,
    version: ModuleVersion | None,
    problems: list[Problem],
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    return render_page_or_fragment(
        "editor/preview.html",
        "editor/_preview_result.html",
        status=status,
        courses=get_catalog().courses,
        course=course,
        module=module,
        preview_module=_stand_in(course, module, version),
        language=language,
        text=text,
        version=version,
        problems=problems,
        refusal=refusal,
        quiz=QuizView(),
        following=None,
    )


def _path_of(course: Course | None, module: Module | None, language: str) -> str | None:
    """Return the path of a module's file in `language` (even one with errors, to
    fix it); its source's if there is none yet, to translate from."""
    if course is None or module is None:
        return None
    own = module.file_of(language)
    if (Path(current_app.config["CONTENT_DIR"]) / own).is_file():
        return own
    return module.version(language).path


def _file_text(path: str | None) -> str:
    """Return a content file's text, or an empty string."""
    if path is None:
        return ""
    return (Path(current_app.config["CONTENT_DIR"]) / path).read_text(encoding="utf-8")


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
