"""Which translations are missing, up to date or outdated, and what changed since.

A translation's front matter names the git blob id of the source file it was made from
(`translated_from`); `flask content mark-translated` writes it. When the source changes,
its id changes and the translation is outdated; the old source text is read back from
git's object store to show what changed. No Flask imports.
"""

from __future__ import annotations

import difflib
import re
import subprocess  # noqa: S404 - runs git with fixed arguments
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from courses.content.catalog import Catalog, Course, Module, ModuleVersion
from courses.content.module_file import BLOB_ID

SHORT_ID = 12


@dataclass(frozen=True)
class Cell:
    """One module in one language."""

    language: str
    status: str  # source | up-to-date | outdated | missing | broken
    version: ModuleVersion | None


@dataclass(frozen=True)
class Row:
    """One module and its cells, one per language."""

    course: Course
    module: Module
    cells: tuple[Cell, ...]


def board(catalog: Catalog, languages: Sequence[str]) -> list[Row]:
    """Return every module with the translation status in each language."""
    broken = catalog.broken_paths
    rows = []
    for course in catalog.courses:
        for module in course.modules:
            source = module.versions[module.default_language]
            cells = tuple(
                _cell(course, module, source, language, broken)
                for language in languages
            )
            rows.append(Row(course, module, cells))
    return rows


def _cell(
    course: Course,
    module: Module,
    source: ModuleVersion,
    language: str,
    broken: frozenset[str],
) -> Cell:
    version = module.versions.get(language)
    if language == module.default_language:
        return Cell(language, "source", version)
    if version is None:
        status = "broken" if module.file_of(language) in broken else "missing"
        return Cell(language, status, None)
    return Cell(language, status_of(version, source), version)


def status_of(version: ModuleVersion, source: ModuleVersion) -> str:
    """Return up-to-date when the translation names the source's current id."""
    made_from = version.translated_from
    if made_from and source.blob_id.startswith(made_from):
        return "up-to-date"
    return "outdated"


def source_changes(
    content_dir: Path, source: ModuleVersion, made_from: str | None
) -> str | None:
    """Return a unified diff of the source since `made_from`, or None if unknown."""
    if not made_from or not BLOB_ID.match(made_from):
        return None
    try:
        old = subprocess.run(  # noqa: S603 - fixed arguments, the id is checked hex
            ["git", "cat-file", "blob", made_from],  # noqa: S607 - git from PATH
            cwd=content_dir,
            capture_output=True,
            check=True,
            timeout=5,
        ).stdout.decode("utf-8")
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return None
    new = (content_dir / source.path).read_text(encoding="utf-8")
    diff = difflib.unified_diff(
        old.splitlines(), new.splitlines(), "translated from", "source now", lineterm=""
    )
    return "\n".join(diff)


FRONT_MATTER_LINE = re.compile(r"^translated_from:.*$", re.MULTILINE)


def mark_translated(path: Path, source: ModuleVersion) -> None:
    """Record in a translation's front matter that it matches its source as it is."""
    text = path.read_text(encoding="utf-8")
    line = f"translated_from: {source.blob_id[:SHORT_ID]}"
    end = text.index("\n---", 3)  # the front matter closes on a later '---' line
    front, rest = text[:end], text[end:]
    if FRONT_MATTER_LINE.search(front):
        front = FRONT_MATTER_LINE.sub(line, front, count=1)
    else:
        front = f"{front}\n{line}"
    path.write_text(front + rest, encoding="utf-8")
