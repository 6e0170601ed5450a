"""Group answers: in a room with one projector, raised hands per option.

Stored per question with the right options as the quiz had them, and reported as
group results, never mixed with learners' own attempts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.content.quiz import Question, Quiz
from courses.people.models import ClassSession, GroupAnswer

MAX_HANDS = 10_000


@dataclass(frozen=True)
class Tally:
    """Raised hands for one question."""

    counts: dict[str, int]
    right_keys: frozenset[str]

    @property
    def hands(self) -> int:
        """Return all raised hands."""
        return sum(self.counts.values())

    @property
    def right_hands(self) -> int:
        """Return the hands raised for a right option."""
        return sum(n for key, n in self.counts.items() if key in self.right_keys)


def read_votes(question: Question, form: Mapping[str, str]) -> dict[str, int] | None:
    """Read `votes-<option key>` fields; None if any is not a whole number."""
    counts = {}
    for option in question.options:
        raw = (form.get(f"votes-{option.key}") or "0").strip() or "0"
        if not raw.isdigit() or int(raw) > MAX_HANDS:
            return None
        counts[option.key] = int(raw)
    return counts


def save_votes(
    db: Session,
    class_session: ClassSession,
    slugs: tuple[str, str],
    quiz: Quiz,
    question: Question,
    counts: dict[str, int],
) -> None:
    """Store (or correct) the room's votes on one question of (course, module)."""
    course_slug, module_slug = slugs
    row = db.scalars(
        select(GroupAnswer).where(
            GroupAnswer.session_id == class_session.id,
            GroupAnswer.course_slug == course_slug,
            GroupAnswer.module_slug == module_slug,
            GroupAnswer.question_id == question.qid,
        )
    ).first()
    if row is None:
        row = GroupAnswer(
            session_id=class_session.id,
            course_slug=course_slug,
            module_slug=module_slug,
            question_id=question.qid,
        )
        db.add(row)
    row.counts = counts
    row.right_keys = sorted(question.correct_keys)
    row.quiz_fingerprint = quiz.fingerprint
    db.commit()


def tallies(
    db: Session, class_session: ClassSession
) -> dict[tuple[str, str, str], Tally]:
    """Return the session's votes by (course, module, question)."""
    query = select(GroupAnswer).where(GroupAnswer.session_id == class_session.id)
    return {
        (g.course_slug, g.module_slug, g.question_id): Tally(
            dict(g.counts), frozenset(g.right_keys)
        )
        for g in db.scalars(query)
    }
