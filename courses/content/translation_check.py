"""Compare a translation's quiz with its source's, and say where they differ first."""

from __future__ import annotations

from typing import Any

from courses.content.catalog import ModuleVersion
from courses.content.messages import N_, Message

Structure = tuple[Any, ...]


def structure_of(version: ModuleVersion) -> Structure:
    """Return what every translation of a quiz must share (empty without a quiz)."""
    return version.quiz.structure() if version.quiz else ()


# What differs, for each part of a question's structure (name, kind, options, answers).
DIFFERENCES = (
    N_(
        "question %(number)d: name differs from %(source)s "
        "(%(here)s here, %(there)s there)"
    ),
    N_(
        "question %(number)d: kind differs from %(source)s "
        "(%(here)s here, %(there)s there)"
    ),
    N_(
        "question %(number)d: number of options differs from %(source)s "
        "(%(here)s here, %(there)s there)"
    ),
    N_(
        "question %(number)d: right options differ from %(source)s "
        "(option %(here)s here, option %(there)s there)"
    ),
)


def quiz_difference(
    mine: Structure, theirs: Structure, source_path: str
) -> tuple[int, Message]:
    """Return the 1-based question that differs first (0: the count) and a message."""
    if len(mine) != len(theirs):
        return 0, N_(
            "the quiz has %(here)d questions but %(source)s has %(there)d",
            here=len(theirs),
            source=source_path,
            there=len(mine),
        )
    for position, (a, b) in enumerate(zip(mine, theirs, strict=True), 1):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return position, N_(
                    DIFFERENCES[index].template,
                    number=position,
                    source=source_path,
                    here=_describe(index, y),
                    there=_describe(index, x),
                )
    return 0, N_("the quiz differs from the default language")


def question_line(version: ModuleVersion, position: int) -> int:
    """Return the file line of question `position` (1 for the whole quiz)."""
    if position and version.quiz and position <= len(version.quiz.questions):
        return version.quiz.questions[position - 1].line
    return 1


def _describe(index: int, value: Any) -> str:
    """Say a quiz property in an editor's words (options counted from 1)."""
    if index == len(DIFFERENCES) - 1:  # the right options
        return " + ".join(str(i + 1) for i in value)
    return repr(value) if index == 0 else str(value)
