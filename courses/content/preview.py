"""Check and render a module typed into the editor's preview, like `content check`."""

from __future__ import annotations

from collections.abc import Mapping

from courses.content.bounded import BoundedRunner
from courses.content.catalog import ModuleVersion, Problem
from courses.content.contacts import Contact
from courses.content.glossary import Glossary
from courses.content.module_file import parse_file
from courses.content.translation_check import (
    question_line,
    quiz_difference,
    structure_of,
)


def parse_module_text(
    runner: BoundedRunner,
    text: str,
    language: str,
    contacts: Mapping[str, Contact],
    source: ModuleVersion | None = None,
    glossary: Glossary | None = None,
) -> tuple[ModuleVersion | None, list[Problem]]:
    """Return the rendered module (None if it cannot be shown) and every problem.

    Parsing runs in `runner`'s child process, which raises TooComplex past its limits.
    With `source` (the default-language version of the module being translated), the
    quiz is also compared with it.
    """
    rel = f"preview.{language}.md"
    data = text.encode("utf-8")
    version, problems = runner.call(
        parse_file, "module", data, rel, language, contacts, glossary, True
    )
    if not isinstance(version, ModuleVersion):
        return None, problems
    if source is not None and not any(problem.fatal for problem in problems):
        mine, theirs = structure_of(source), structure_of(version)
        if mine != theirs:
            position, message = quiz_difference(mine, theirs, source.path)
            problems.append(Problem(rel, question_line(version, position), message))
    return version, problems
