"""Grading on the server: read a submitted form against a quiz, then score it.

Right answers never leave the server before submission; a question scores only when
exactly its right options are chosen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from courses.content.quiz import Question, Quiz

META_FIELDS = frozenset({"csrf_token", "submission_id", "lang"})


class AnswerError(ValueError):
    """A submission that cannot be graded; `questions` are the ids concerned."""

    def __init__(self, kind: str, questions: Sequence[str] = ()) -> None:
        super().__init__(kind)
        self.kind = kind  # missing | extra | duplicate | unknown | too-many
        self.questions = tuple(questions)


def read_answers(
    quiz: Quiz, form: Mapping[str, Sequence[str]]
) -> dict[str, frozenset[str]]:
    """Return the chosen option keys per question id, or raise AnswerError."""
    by_field = {q.field: q for q in quiz.questions}
    extra = [name for name in form if name not in by_field and name not in META_FIELDS]
    if extra:
        raise AnswerError("extra", extra)
    answers: dict[str, frozenset[str]] = {}
    for field, question in by_field.items():
        values = [v for v in form.get(field, ()) if v != ""]
        answers[question.qid] = _check_values(question, values)
    missing = [qid for qid, chosen in answers.items() if not chosen]
    if missing:
        raise AnswerError("missing", missing)
    return answers


def _check_values(question: Question, values: Sequence[str]) -> frozenset[str]:
    keys = {o.key for o in question.options}
    if any(v not in keys for v in values):
        raise AnswerError("unknown", [question.qid])
    if len(set(values)) != len(values):
        raise AnswerError("duplicate", [question.qid])
    if question.kind != "multiple" and len(values) > 1:
        raise AnswerError("too-many", [question.qid])
    return frozenset(values)


@dataclass(frozen=True)
class Grade:
    """The result of one graded submission."""

    chosen: dict[str, frozenset[str]]
    correct: dict[str, bool]
    score: int
    max_score: int
    percent: int
    passed: bool


def grade(quiz: Quiz, chosen: dict[str, frozenset[str]], pass_mark: int) -> Grade:
    """Grade answers: a question scores when exactly its right options are chosen."""
    correct = {q.qid: chosen.get(q.qid) == q.correct_keys for q in quiz.questions}
    score = sum(correct.values())
    max_score = len(quiz.questions)
    percent = 100 * score // max_score
    passed = 100 * score >= pass_mark * max_score  # exact: no rounding up to a pass
    return Grade(chosen, correct, score, max_score, percent, passed)
