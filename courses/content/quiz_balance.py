"""Do a course's quizzes test judgement, or can they be passed by pattern?

For the default-language quizzes of a course: where the right answer stands in
single-choice questions, how many options are right in multiple-select ones, the kinds
of question, and how often the right option is the longest (test-wise readers pick
the longest). `content check --stats` prints these; `content check` warns when a
course's right answers lean to one position or to the longest option.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from courses.content.catalog import Course, Problem

TAG = re.compile(r"<[^>]+>")
MIN_QUESTIONS = 8  # fewer single-choice questions than this tell nothing
LEAN = 0.4  # a position (or the longest option) holding more than this share


@dataclass
class QuizStats:
    """The shape of a course's quizzes."""

    kinds: Counter[str] = field(default_factory=Counter)
    positions: Counter[int] = field(default_factory=Counter)  # 1-based, single choice
    right_counts: Counter[str] = field(default_factory=Counter)  # "2 of 5" (multiple)
    single: int = 0  # single-choice questions with three options or more
    longest_right: int = 0  # of those, where the right option is strictly longest


def course_stats(course: Course) -> QuizStats:
    """Count the shape of the course's quizzes, in its default language."""
    stats = QuizStats()
    for module in course.modules:
        quiz = module.versions[module.default_language].quiz
        for question in quiz.questions if quiz else ():
            stats.kinds[question.kind] += 1
            options = question.options
            if question.kind == "multiple":
                right = sum(o.correct for o in options)
                stats.right_counts[f"{right} of {len(options)}"] += 1
            elif question.kind == "single" and len(options) >= 3:
                stats.single += 1
                lengths = [len(TAG.sub("", str(o.html))) for o in options]
                index = next(i for i, o in enumerate(options) if o.correct)
                stats.positions[index + 1] += 1
                others = [n for i, n in enumerate(lengths) if i != index]
                stats.longest_right += lengths[index] > max(others)
    return stats


def balance_problems(course: Course, stats: QuizStats) -> list[Problem]:
    """Warn when right answers lean to one position or to the longest option."""
    if stats.single < MIN_QUESTIONS:
        return []
    where = f"{course.slug}/course.yaml"
    problems = []
    position, count = stats.positions.most_common(1)[0]
    if count > LEAN * stats.single:
        problems.append(
            Problem(
                where,
                1,
                f"right answers lean to position {position} ({count} of "
                f"{stats.single} single-choice questions): move some",
                fatal=False,
            )
        )
    if stats.longest_right > LEAN * stats.single:
        problems.append(
            Problem(
                where,
                1,
                f"the right option is the longest in {stats.longest_right} of "
                f"{stats.single} single-choice questions: lengthen the wrong ones",
                fatal=False,
            )
        )
    return problems


def describe(course: Course, stats: QuizStats) -> list[str]:
    """Return the lines `content check --stats` prints for one course."""
    positions = ", ".join(f"{p}: {stats.positions[p]}" for p in sorted(stats.positions))
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(stats.kinds.items()))
    counts = ", ".join(f"{k}: {n}" for k, n in sorted(stats.right_counts.items()))
    share = stats.longest_right / stats.single if stats.single else 0
    return [
        f"{course.slug}",
        f"  question kinds: {kinds or '-'}",
        f"  single choice, right answer at position: {positions or '-'}",
        f"  right option is the longest: {stats.longest_right} of {stats.single} "
        f"({share:.0%})",
        f"  multiple select, right options: {counts or '-'}",
    ]
