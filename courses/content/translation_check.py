"""Compare a translation's quiz with its source's, and say where they differ first."""

from __future__ import annotations

from typing import Any

from courses.content.catalog import ModuleVersion

Structure = tuple[Any, ...]


def structure_of(version: ModuleVersion) -> Structure:
    """Return what every translation of a quiz must share (empty without a quiz)."""
    return version.quiz.structure() if version.quiz else ()


def quiz_difference(
    mine: Structure, theirs: Structure, source_path: str
) -> tuple[int, str]:
    """Return the 1-based question that differs first (0: the count) and a message."""
    if len(mine) != len(theirs):
        return 0, (
            f"the quiz has {len(theirs)} questions but {source_path} has {len(mine)}; "
            "translation left out"
        )
    labels = ("name", "kind", "number of options", "right options")
    verbs = ("differs", "differs", "differs", "differ")
    for position, (a, b) in enumerate(zip(mine, theirs, strict=True), 1):
        for label, verb, x, y in zip(labels, verbs, a, b, strict=True):
            if x != y:
                here, there = _describe(label, y), _describe(label, x)
                return position, (
                    f"question {position}: {label} {verb} from {source_path} "
                    f"({here} here, {there} there); translation left out"
                )
    return 0, "the quiz differs from the default language; translation left out"


def question_line(version: ModuleVersion, position: int) -> int:
    """Return the file line of question `position` (1 for the whole quiz)."""
    if position and version.quiz and position <= len(version.quiz.questions):
        return version.quiz.questions[position - 1].line
    return 1


def _describe(label: str, value: Any) -> str:
    """Say a quiz property in an editor's words (options counted from 1)."""
    if label == "right options":
        return "option " + " and ".join(str(i + 1) for i in value)
    return repr(value) if label == "name" else str(value)
