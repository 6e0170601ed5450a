"""Check and render a module typed into the editor's preview, like `content check`."""

from __future__ import annotations

from collections.abc import Mapping

from courses.content.catalog import ContentError, ModuleVersion, Problem
from courses.content.contacts import Contact
from courses.content.module_file import FileParser
from courses.content.translation_check import (
    question_line,
    quiz_difference,
    structure_of,
)


def parse_module_text(
    text: str,
    language: str,
    contacts: Mapping[str, Contact],
    source: ModuleVersion | None = None,
) -> tuple[ModuleVersion | None, list[Problem]]:
    """Return the rendered module (None if it cannot be shown) and every problem.

    With `source` (the default-language version of the module being translated), the
    quiz is also compared with it.
    """
    problems: list[Problem] = []
    rel = f"preview.{language}.md"
    try:
        version = FileParser(contacts, problems).module(
            text.encode("utf-8"), rel, language
        )
    except ContentError as exc:
        return None, [*problems, Problem(rel, exc.line, exc.message)]
    if source is not None:
        mine, theirs = structure_of(source), structure_of(version)
        if mine != theirs:
            position, message = quiz_difference(mine, theirs, source.path)
            message = message.replace("; translation left out", "")
            problems.append(Problem(rel, question_line(version, position), message))
    return version, problems
