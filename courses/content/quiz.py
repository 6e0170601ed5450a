"""Quiz syntax: parse the `:::quiz` block of a module into Quiz, Question and Option.

Syntax (see docs/authoring.md): numbered questions, `- [x]` right / `- [ ]` wrong
options, a `>` explanation. A question keeps its identity (`{#name}` or its position)
across every translation, so results compare between languages and pre-/post-tests.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from courses.content.markup import render_inline, render_markdown

# Every pattern is linear in the line's length: no lazy group before trailing spaces
# (a long run of spaces made "(.+?)\s*$" quadratic); matches are stripped afterwards.
QUESTION = re.compile(r"^ {0,3}(\d{1,3})[.)]\s+(\S.*)$")
OPTION = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(\S.*)$")
EXPLANATION = re.compile(r"^\s*>\s?(.*)$")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
OPTION_KEYS = "abcdefghijkl"
KINDS = ("single", "multiple", "true-false")


class QuizSyntaxError(ValueError):
    """A quiz block that cannot be parsed; `line` is 1-based in the source file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Option:
    """One answer option; `key` is what the form sends."""

    key: str
    html: Markup
    correct: bool


@dataclass(frozen=True)
class Question:
    """One question with its options and explanation."""

    qid: str
    kind: str
    html: Markup
    options: tuple[Option, ...]
    explanation: Markup
    line: int

    @property
    def field(self) -> str:
        """Return the form field name of this question."""
        return f"q.{self.qid}"

    @property
    def correct_keys(self) -> frozenset[str]:
        """Return the keys of the right options."""
        return frozenset(o.key for o in self.options if o.correct)


@dataclass(frozen=True)
class Quiz:
    """The quiz of one module in one language."""

    questions: tuple[Question, ...]
    fingerprint: str

    def structure(self) -> tuple[tuple[str, str, int, tuple[int, ...]], ...]:
        """Return what every translation must share: ids, kinds, options, answers."""
        return tuple(
            (
                q.qid,
                q.kind,
                len(q.options),
                tuple(i for i, o in enumerate(q.options) if o.correct),
            )
            for q in self.questions
        )


@dataclass
class _Draft:
    """A question while it is being read."""

    line: int
    number: int
    text: list[str]
    settings: set[str]
    qid: str | None = None
    options: list[tuple[bool, list[str], int]] | None = None
    explanation: list[str] | None = None


def parse_quiz(lines: Sequence[str], first_line: int) -> Quiz:
    """Parse a quiz block's lines; `first_line` is the file line of lines[0]."""
    drafts: list[_Draft] = []
    for offset, raw in enumerate(lines):
        _read_line(drafts, raw, first_line + offset)
    if not drafts:
        raise QuizSyntaxError(first_line, "the quiz has no questions")
    questions = tuple(_finish(d, position) for position, d in enumerate(drafts, 1))
    _check_unique_ids(questions)
    return Quiz(questions, _fingerprint(drafts))


def _read_line(drafts: list[_Draft], raw: str, line: int) -> None:
    """Add one source line to the question being read."""
    if not raw.strip():
        return
    if match := QUESTION.match(raw):
        text, settings, qid = _split_settings(match.group(2).rstrip(), line)
        drafts.append(_Draft(line, int(match.group(1)), [text], settings, qid))
        return
    if not drafts:
        raise QuizSyntaxError(line, "expected a numbered question such as '1. ...'")
    draft = drafts[-1]
    if match := OPTION.match(raw):
        if draft.explanation is not None:
            raise QuizSyntaxError(line, "options must come before the explanation (>)")
        draft.options = draft.options or []
        draft.options.append((match.group(1) != " ", [match.group(2).rstrip()], line))
    elif match := EXPLANATION.match(raw):
        draft.explanation = draft.explanation or []
        draft.explanation.append(match.group(1))
    elif draft.explanation is not None:
        draft.explanation.append(raw.strip())
    elif draft.options:
        draft.options[-1][1].append(raw.strip())
    elif raw.startswith((" ", "\t")):
        draft.text.append(raw.strip())
    else:
        raise QuizSyntaxError(
            line, "expected an option '- [ ]' or '- [x]', or an explanation '>'"
        )


def _split_settings(text: str, line: int) -> tuple[str, set[str], str | None]:
    """Return the question text, its settings and its explicit id, if any."""
    start = text.rfind("{")
    if not text.endswith("}") or start < 0 or "}" in text[start + 1 : -1]:
        return text, set(), None
    settings, qid = set(), None
    for token in text[start + 1 : -1].split():
        if token.startswith("#"):
            qid = token[1:]
            if not QUESTION_ID.match(qid):
                raise QuizSyntaxError(
                    line,
                    f"question name '{qid}' may use only a-z, 0-9 and '-' "
                    "(at most 40 characters)",
                )
        elif token in ("multiple", "true-false"):
            settings.add(token)
        else:
            raise QuizSyntaxError(
                line, f"unknown setting '{token}' (use #name, multiple or true-false)"
            )
    return text[:start].rstrip(), settings, qid


def _finish(draft: _Draft, position: int) -> Question:
    """Check a read question and render its text."""
    options = draft.options or []
    label = f"question {draft.number}"
    if len(options) < 2:
        raise QuizSyntaxError(draft.line, f"{label} needs at least two options")
    if len(options) > len(OPTION_KEYS):
        raise QuizSyntaxError(draft.line, f"{label} has more than 12 options")
    if not any(correct for correct, _, _ in options):
        raise QuizSyntaxError(draft.line, f"{label} has no right option ([x])")
    if not draft.explanation or not "".join(draft.explanation).strip():
        raise QuizSyntaxError(draft.line, f"{label} needs an explanation ('> ...')")
    kind = _kind(draft, options, label)
    return Question(
        qid=draft.qid or str(position),
        kind=kind,
        html=Markup(render_inline(" ".join(draft.text))),  # noqa: S704 - sanitised
        options=tuple(
            Option(OPTION_KEYS[i], Markup(render_inline(" ".join(text))), correct)  # noqa: S704
            for i, (correct, text, _) in enumerate(options)
        ),
        explanation=Markup(render_markdown("\n".join(draft.explanation))),  # noqa: S704
        line=draft.line,
    )


def _kind(draft: _Draft, options: list[tuple[bool, list[str], int]], label: str) -> str:
    """Return single, multiple or true-false, checking what the kind demands."""
    right = sum(1 for correct, _, _ in options if correct)
    if "true-false" in draft.settings:
        if "multiple" in draft.settings:
            raise QuizSyntaxError(
                draft.line, f"{label} cannot be multiple and true-false"
            )
        if len(options) != 2 or right != 1:
            raise QuizSyntaxError(
                draft.line, f"{label} is true-false: it needs two options, one right"
            )
        return "true-false"
    if "multiple" in draft.settings or right > 1:
        return "multiple"
    return "single"


def _check_unique_ids(questions: Iterable[Question]) -> None:
    seen: dict[str, int] = {}
    for q in questions:
        if q.qid in seen:
            raise QuizSyntaxError(
                q.line,
                f"question name '{q.qid}' is used twice (also line {seen[q.qid]})",
            )
        seen[q.qid] = q.line


def _fingerprint(drafts: Sequence[_Draft]) -> str:
    """Return a hash of the quiz's text and answers, to freeze what an attempt saw."""
    # Line numbers are left out: editing the lesson above the quiz changes nothing here.
    data = [
        [
            d.qid,
            sorted(d.settings),
            d.text,
            [[correct, text] for correct, text, _line in d.options or ()],
            d.explanation,
        ]
        for d in drafts
    ]
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()
