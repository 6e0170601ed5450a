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
from courses.content.messages import N_, Message

# Every pattern is linear in the line's length: no lazy group before trailing spaces
# (a long run of spaces made "(.+?)\s*$" quadratic); matches are stripped afterwards.
QUESTION = re.compile(r"^ {0,3}(\d{1,3})[.)]\s+(\S.*)$")
OPTION = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(\S.*)$")
EXPLANATION = re.compile(r"^\s*>\s?(.*)$")
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# A line meant as an option ("-[ ]", "- []", "- [v]", "[x]", "- [x]text") or as a
# question ("1.What") but not written as one: each common slip is named, so an editor
# is not left with "needs at least two options". Linear: no two loops can overlap.
OPTION_LIKE = re.compile(r"^\s*(?:([-*+])(\s*))?\[([^\]]{0,3})\](\s*)(\S?)")
ROUND_BOX = re.compile(r"^\s*[-*+]\s+\(\s?[xX]?\s?\)")
NUMBER_TOUCHING_TEXT = re.compile(r"^ {0,3}\d{1,3}[.)](?=[^\W\d_])")
OPTION_KEYS = "abcdefghijkl"
KINDS = ("single", "multiple", "true-false")


QuizProblem = tuple[int, str]  # a file line (1-based) and what is wrong there


class QuizSyntaxError(ValueError):
    """A quiz block that cannot be used, with every problem found in it."""

    def __init__(self, problems: Sequence[QuizProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem[0])
        self.line, self.message = self.problems[0]
        super().__init__(self.message)


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
    slipped: bool = False  # a line of it was reported as a slip: it is not used


def parse_quiz(lines: Sequence[str], first_line: int) -> Quiz:
    """Parse a quiz block's lines; `first_line` is the file line of lines[0].

    Raises QuizSyntaxError with every problem found, not just the first.
    """
    quiz, problems = read_quiz(lines, first_line)
    if problems or quiz is None:
        raise QuizSyntaxError(problems)
    return quiz


def read_quiz(
    lines: Sequence[str], first_line: int
) -> tuple[Quiz | None, list[QuizProblem]]:
    """Return the quiz of the questions that are right (None if none is) and every
    problem, so a preview can show what works and list everything that does not."""
    drafts: list[_Draft] = []
    problems: list[QuizProblem] = []
    for offset, raw in enumerate(lines):
        line = first_line + offset
        try:
            _read_line(drafts, raw, line)
        except QuizSyntaxError as exc:
            problems.extend(exc.problems)
    if not drafts:
        return None, problems or [(first_line, N_("the quiz has no questions"))]
    questions: list[Question] = []
    for position, draft in enumerate(drafts, 1):
        try:
            question = _finish(draft, position)
        except QuizSyntaxError as exc:
            problems.extend(exc.problems)
            continue
        if question is not None:
            questions.append(question)
    questions, twice = _unique(questions)
    problems.extend(twice)
    quiz = Quiz(tuple(questions), _fingerprint(drafts)) if questions else None
    return quiz, sorted(problems, key=lambda problem: problem[0])


def _fail(line: int, message: Message) -> QuizSyntaxError:
    return QuizSyntaxError([(line, message)])


def _read_line(drafts: list[_Draft], raw: str, line: int) -> None:
    """Add one source line to the question being read."""
    if not raw.strip():
        return
    if match := QUESTION.match(raw):
        text, settings, qid = _split_settings(match.group(2).rstrip(), line)
        drafts.append(_Draft(line, int(match.group(1)), [text], settings, qid))
        return
    draft = drafts[-1] if drafts else None
    if NUMBER_TOUCHING_TEXT.match(raw):
        raise _fail(line, N_("put a space after the question's number: '1. ...'"))
    if not OPTION.match(raw) and (draft is None or draft.explanation is None):
        if mistake := _option_mistake(raw):
            _slipped(draft)
            raise _fail(line, mistake)
    if draft is None:
        raise _fail(line, N_("expected a numbered question such as '1. ...'"))
    if match := OPTION.match(raw):
        if draft.explanation is not None:
            _slipped(draft)
            raise _fail(line, N_("options must come before the explanation (>)"))
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
        _slipped(draft)
        raise _fail(
            line, N_("expected an option '- [ ]' or '- [x]', or an explanation '>'")
        )


def _slipped(draft: _Draft | None) -> None:
    """Mark the question being read as having a line that could not be read."""
    if draft is not None:
        draft.slipped = True


def _option_mistake(raw: str) -> Message | None:
    """Name the slip in a line that was meant as an option, if any."""
    if ROUND_BOX.match(raw):
        return N_("use square brackets for the box: '- [ ]' or '- [x]'")
    match = OPTION_LIKE.match(raw)
    if match is None:
        return None
    dash, gap, inside, space_after, text = match.groups()
    if not dash:
        return N_("start an option with a dash and a space: '- [ ] ...'")
    if not gap:
        return N_("put a space between '-' and '[': '- [ ] ...'")
    if not inside:
        return N_("the box needs a space inside, '- [ ]', or an x, '- [x]'")
    if inside.strip() not in ("", "x", "X"):
        return N_("mark a right option with the letter x: '- [x] ...'")
    if inside not in (" ", "x", "X"):
        return N_("write the box as '[ ]' or '[x]', with nothing else inside")
    if not text:
        return N_("this option has no text after its box")
    if not space_after:
        return N_("put a space after the box: '- [x] ...'")
    return None


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
                raise _fail(
                    line,
                    N_(
                        "question name '%(name)s' may use only a-z, 0-9 and '-' "
                        "(at most 40 characters)",
                        name=qid,
                    ),
                )
        elif token in ("multiple", "true-false"):
            settings.add(token)
        else:
            raise _fail(
                line,
                N_(
                    "unknown setting '%(setting)s' (use #name, multiple or true-false)",
                    setting=token,
                ),
            )
    return text[:start].rstrip(), settings, qid


def _finish(draft: _Draft, position: int) -> Question | None:
    """Check a read question and render it; None for one with a slip reported.

    The counts of options and right options are not checked in a question with a
    slip: the slip (an option written wrongly, say) is what the editor must fix.
    """
    options = draft.options or []
    number = draft.number
    problems = [] if draft.slipped else _option_problems(options, number)
    if not draft.explanation or not "".join(draft.explanation).strip():
        problems.append(
            N_("question %(number)d needs an explanation ('> ...')", number=number)
        )
    if problems:
        raise QuizSyntaxError([(draft.line, message) for message in problems])
    if draft.slipped:
        return None
    kind = _kind(draft, options)
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


def _option_problems(
    options: list[tuple[bool, list[str], int]], number: int
) -> list[Message]:
    """Return what is wrong with a question's options: how many, how many right."""
    problems = []
    if len(options) < 2:
        problems.append(
            N_("question %(number)d needs at least two options", number=number)
        )
    if len(options) > len(OPTION_KEYS):
        problems.append(
            N_("question %(number)d has more than 12 options", number=number)
        )
    if options and not any(correct for correct, _, _ in options):
        problems.append(
            N_("question %(number)d has no right option ([x])", number=number)
        )
    return problems


def _kind(draft: _Draft, options: list[tuple[bool, list[str], int]]) -> str:
    """Return single, multiple or true-false, checking what the kind demands."""
    right = sum(1 for correct, _, _ in options if correct)
    number = draft.number
    if "true-false" in draft.settings:
        if "multiple" in draft.settings:
            raise _fail(
                draft.line,
                N_(
                    "question %(number)d cannot be multiple and true-false",
                    number=number,
                ),
            )
        if len(options) != 2 or right != 1:
            raise _fail(
                draft.line,
                N_(
                    "question %(number)d is true-false: "
                    "it needs two options, one right",
                    number=number,
                ),
            )
        return "true-false"
    if "multiple" in draft.settings or right > 1:
        return "multiple"
    return "single"


def _unique(
    questions: Iterable[Question],
) -> tuple[list[Question], list[QuizProblem]]:
    """Return the questions whose name is new, and a problem for each other one."""
    seen: dict[str, int] = {}
    kept, problems = [], []
    for q in questions:
        if q.qid in seen:
            message = N_(
                "question name '%(name)s' is used twice (also line %(line)d)",
                name=q.qid,
                line=seen[q.qid],
            )
            problems.append((q.line, message))
            continue
        seen[q.qid] = q.line
        kept.append(q)
    return kept, problems


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
