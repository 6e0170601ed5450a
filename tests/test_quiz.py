"""Tests for courses.content.quiz and .grading: parse quiz blocks, check, grade."""

from __future__ import annotations

import textwrap

import pytest

from courses.content.grading import AnswerError, grade, read_answers
from courses.content.quiz import Quiz, QuizSyntaxError, parse_quiz

FIRST_LINE = 10  # the quiz block starts on line 10 of an imaginary module file

GOOD = """\
1. Ayu must pay a fee for the job. What is this? {#fee}
   - [ ] Normal
   - [x] A warning sign
   - [ ] A gift
   > Workers should not pay for a job.

2. Which are warning signs? {multiple}
   - [x] The agent keeps your passport
   - [x] You must pay a deposit
   - [ ] You get a written contract
   > Taking documents and charging fees are warning signs.

3. A job offer seen only on social media is always real. {true-false}
   - [ ] True
   - [x] False
   > Scammers post on social media too.

4. Which of these does a real employer do?
   - [X] Signs a written contract with you
   - [x] Pays for your travel
   - [ ] Keeps your passport
   > Inferred "choose all that apply": two options are right.

5. The question text can go on {#long-question}
   on a second, indented line.
   - [x] Yes
   - [ ] No
   > The explanation can also
   > take several lines.
"""


def lines(text: str) -> list[str]:
    """Return the lines of a dedented quiz block."""
    return textwrap.dedent(text).splitlines()


def parse(text: str, first_line: int = FIRST_LINE) -> Quiz:
    """Parse a quiz block given as one string."""
    return parse_quiz(lines(text), first_line)


def single_quiz(count: int) -> Quiz:
    """Return a quiz of `count` single-choice questions whose right option is 'b'."""
    block = []
    for number in range(1, count + 1):
        block += [
            f"{number}. Question number {number}?",
            "   - [ ] Wrong",
            "   - [x] Right",
            "   > Because.",
        ]
    return parse_quiz(block, 1)


@pytest.fixture
def quiz() -> Quiz:
    """Return the parsed GOOD quiz."""
    return parse(GOOD)


# --- parsing good input ---------------------------------------------------------------


def test_question_kinds(quiz: Quiz) -> None:
    """Single, explicit multiple, true-false and inferred multiple are recognised."""
    assert [q.kind for q in quiz.questions] == [
        "single",
        "multiple",
        "true-false",
        "multiple",
        "single",
    ]


def test_explicit_and_positional_ids(quiz: Quiz) -> None:
    """`{#name}` gives the id; otherwise the question is known by its position."""
    assert [q.qid for q in quiz.questions] == ["fee", "2", "3", "4", "long-question"]
    assert [q.field for q in quiz.questions][:2] == ["q.fee", "q.2"]


def test_positional_id_counts_questions_not_written_numbers() -> None:
    """A question's positional id is its place, whatever number the editor typed."""
    quiz = parse(
        """\
        7. First?
           - [x] a
           - [ ] b
           > e
        7. Second?
           - [x] a
           - [ ] b
           > e
        """
    )
    assert [q.qid for q in quiz.questions] == ["1", "2"]


def test_settings_are_removed_from_question_text(quiz: Quiz) -> None:
    """The `{...}` settings never reach the rendered text."""
    for question in quiz.questions:
        assert "{" not in question.html
        assert "#fee" not in question.html
    assert quiz.questions[0].html == "Ayu must pay a fee for the job. What is this?"


def test_settings_can_be_combined() -> None:
    """`{#passport true-false}` sets both the name and the kind."""
    quiz = parse(
        """\
        1. Give your passport to the agent? {#passport true-false}
           - [ ] True
           - [x] False
           > Keep it.
        """
    )
    assert (quiz.questions[0].qid, quiz.questions[0].kind) == ("passport", "true-false")


def test_options_keys_and_answers(quiz: Quiz) -> None:
    """Options get keys a, b, c ... and `[x]`/`[X]` mark the right ones."""
    first, second, third, fourth, _ = quiz.questions
    assert [o.key for o in first.options] == ["a", "b", "c"]
    assert first.correct_keys == frozenset({"b"})
    assert second.correct_keys == frozenset({"a", "b"})
    assert third.correct_keys == frozenset({"b"})
    assert fourth.correct_keys == frozenset({"a", "b"})
    assert [o.html for o in third.options] == ["True", "False"]


def test_continuation_lines_join_question_text(quiz: Quiz) -> None:
    """An indented line after a question continues its text."""
    last = quiz.questions[-1]
    assert last.html == "The question text can go on on a second, indented line."


def test_continuation_line_of_an_option() -> None:
    """An indented line after an option continues that option."""
    quiz = parse(
        """\
        1. Q?
           - [x] A long option
             that goes on
           - [ ] b
           > e
        """
    )
    assert quiz.questions[0].options[0].html == "A long option that goes on"


def test_multi_line_explanation(quiz: Quiz) -> None:
    """Every `>` line belongs to the explanation, rendered as one paragraph."""
    explanation = quiz.questions[-1].explanation
    assert "The explanation can also" in explanation
    assert "take several lines." in explanation
    assert explanation.count("<p>") == 1


def test_question_lines_are_file_lines(quiz: Quiz) -> None:
    """`Question.line` is the 1-based file line of the question."""
    assert [q.line for q in quiz.questions] == [10, 16, 22, 27, 33]


def test_markdown_in_question_and_options_is_rendered_and_sanitised() -> None:
    """Inline Markdown is rendered; raw HTML is removed."""
    quiz = parse(
        """\
        1. Is **this** safe? <script>alert(1)</script>
           - [x] *Yes* <img src=x onerror=alert(1)>
           - [ ] [No](javascript:alert(1))
           > <iframe src="https://evil.example"></iframe>Because.
        """
    )
    question = quiz.questions[0]
    assert "<strong>this</strong>" in question.html
    assert "<script" not in question.html
    assert "<em>Yes</em>" in question.options[0].html
    assert "onerror" not in question.options[0].html
    assert "javascript" not in question.options[1].html
    assert "<iframe" not in question.explanation
    assert "Because." in question.explanation


def test_structure(quiz: Quiz) -> None:
    """`structure()` holds what translations share: ids, kinds, options, answers."""
    assert quiz.structure() == (
        ("fee", "single", 3, (1,)),
        ("2", "multiple", 3, (0, 1)),
        ("3", "true-false", 2, (1,)),
        ("4", "multiple", 3, (0, 1)),
        ("long-question", "single", 2, (0,)),
    )


def test_structure_ignores_wording() -> None:
    """A translation with other words but the same answers has the same structure."""
    english = parse(GOOD)
    translated = parse(
        GOOD.replace("warning sign", "tanda bahaya").replace("True", "Benar")
    )
    assert translated.structure() == english.structure()
    assert translated.fingerprint != english.fingerprint


def test_fingerprint_is_stable(quiz: Quiz) -> None:
    """Parsing the same block twice gives the same fingerprint."""
    assert parse(GOOD).fingerprint == quiz.fingerprint
    assert len(quiz.fingerprint) == 64


def test_fingerprint_ignores_trailing_blank_lines(quiz: Quiz) -> None:
    """Blank lines after the last question are not part of the quiz."""
    padded = [*lines(GOOD), "", "   ", ""]
    assert parse_quiz(padded, FIRST_LINE).fingerprint == quiz.fingerprint


def test_fingerprint_does_not_depend_on_position_in_file(quiz: Quiz) -> None:
    """The same quiz further down the file (lesson text added) keeps its fingerprint."""
    moved = parse(GOOD, first_line=FIRST_LINE + 5)
    assert moved.questions[0].line == FIRST_LINE + 5
    assert moved.fingerprint == quiz.fingerprint


def test_fingerprint_ignores_blank_lines_between_questions(quiz: Quiz) -> None:
    """Blank lines between questions are layout, not content."""
    compact = [line for line in lines(GOOD) if line.strip()]
    assert parse_quiz(compact, FIRST_LINE).fingerprint == quiz.fingerprint


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("What is this?", "What is that?"),  # question text
        ("A gift", "A present"),  # option text
        ("- [ ] Normal\n   - [x] A warning", "- [x] Normal\n   - [ ] A warning"),
        ("{#fee}", "{#fees}"),  # name
        ("Which are warning signs? {multiple}", "Which are warning signs?"),
        ("Scammers post", "Scammers often post"),  # explanation
        ("take several lines.", "take several lines!"),  # second explanation line
    ],
)
def test_fingerprint_changes_with_text(quiz: Quiz, old: str, new: str) -> None:
    """Any change to text, answers, names or settings changes the fingerprint."""
    assert old in GOOD
    changed = parse(GOOD.replace(old, new))
    assert changed.fingerprint != quiz.fingerprint


# --- parsing broken input -------------------------------------------------------------

ONE_GOOD_QUESTION = """\
1. A good question?
   - [x] a
   - [ ] b
   > e
"""

BROKEN = {
    "text before the first question": (
        "Some text first\n" + ONE_GOOD_QUESTION,
        10,
        "expected a numbered question",
    ),
    "one option": (
        ONE_GOOD_QUESTION + "2. Only one?\n   - [x] a\n   > e\n",
        14,
        "question 2 needs at least two options",
    ),
    "no options": (
        "1. Nothing to choose?\n   > e\n",
        10,
        "question 1 needs at least two options",
    ),
    "no right option": (
        ONE_GOOD_QUESTION + "\n2. None right?\n   - [ ] a\n   - [ ] b\n   > e\n",
        15,
        "question 2 has no right option",
    ),
    "no explanation": (
        ONE_GOOD_QUESTION + "2. Why?\n   - [x] a\n   - [ ] b\n",
        14,
        "question 2 needs an explanation",
    ),
    "empty explanation": (
        "1. Why?\n   - [x] a\n   - [ ] b\n   >\n",
        10,
        "question 1 needs an explanation",
    ),
    "option after explanation": (
        "1. Q?\n   - [x] a\n   - [ ] b\n   > e\n   - [ ] c\n",
        14,
        "options must come before the explanation",
    ),
    "unindented text after a question": (
        "1. Q?\nloose text\n   - [x] a\n   - [ ] b\n   > e\n",
        11,
        "expected an option",
    ),
    "unknown setting": (
        ONE_GOOD_QUESTION + "2. Q? {shuffle}\n   - [x] a\n   - [ ] b\n   > e\n",
        14,
        "unknown setting 'shuffle'",
    ),
    "bad id": (
        "1. Q? {#Bad_Name}\n   - [x] a\n   - [ ] b\n   > e\n",
        10,
        "question name 'Bad_Name' may use only",
    ),
    "id too long": (
        "1. Q? {#" + "a" * 41 + "}\n   - [x] a\n   - [ ] b\n   > e\n",
        10,
        "may use only a-z",
    ),
    "duplicate id": (
        "1. Q? {#same}\n   - [x] a\n   - [ ] b\n   > e\n\n"
        "2. Q? {#same}\n   - [x] a\n   - [ ] b\n   > e\n",
        15,
        "question name 'same' is used twice (also line 10)",
    ),
    "explicit id equal to a positional id": (
        "1. Q? {#2}\n   - [x] a\n   - [ ] b\n   > e\n"
        "2. Q?\n   - [x] a\n   - [ ] b\n   > e\n",
        14,
        "question name '2' is used twice",
    ),
    "true-false with three options": (
        ONE_GOOD_QUESTION
        + "2. Q? {true-false}\n   - [ ] True\n   - [x] False\n   - [ ] Maybe\n   > e\n",
        14,
        "question 2 is true-false: it needs two options, one right",
    ),
    "true-false with two right options": (
        "1. Q? {true-false}\n   - [x] True\n   - [x] False\n   > e\n",
        10,
        "is true-false",
    ),
    "multiple and true-false": (
        "1. Q? {multiple true-false}\n   - [ ] True\n   - [x] False\n   > e\n",
        10,
        "question 1 cannot be multiple and true-false",
    ),
    "more than twelve options": (
        "1. Q?\n"
        + "".join(f"   - [{'x' if i == 0 else ' '}] o{i}\n" for i in range(13))
        + "   > e\n",
        10,
        "question 1 has more than 12 options",
    ),
    "empty quiz": ("", 10, "the quiz has no questions"),
    "only blank lines": ("\n   \n\n", 10, "the quiz has no questions"),
}


@pytest.mark.parametrize(
    ("text", "line", "fragment"), list(BROKEN.values()), ids=list(BROKEN)
)
def test_broken_quiz(text: str, line: int, fragment: str) -> None:
    """A broken quiz raises QuizSyntaxError at the right file line."""
    with pytest.raises(QuizSyntaxError) as caught:
        parse_quiz(text.splitlines(), FIRST_LINE)
    assert caught.value.line == line
    assert fragment in caught.value.message
    assert str(caught.value) == caught.value.message


def test_broken_quiz_line_follows_first_line() -> None:
    """The reported line moves with the block's first file line."""
    text = BROKEN["no right option"][0].splitlines()
    with pytest.raises(QuizSyntaxError) as caught:
        parse_quiz(text, 100)
    assert caught.value.line == 105


def test_twelve_options_are_allowed() -> None:
    """Twelve options (keys a to l) are the maximum, not an error."""
    block = ["1. Q?"] + [f"   - [{'x' if i == 11 else ' '}] o{i}" for i in range(12)]
    quiz = parse_quiz([*block, "   > e"], 1)
    assert quiz.questions[0].correct_keys == frozenset({"l"})


# --- nothing in the rendered quiz gives the answer away -------------------------------


def test_rendered_html_does_not_mark_right_answers(quiz: Quiz) -> None:
    """Question and option HTML carry no trace of which option is right."""
    for question in quiz.questions:
        assert "correct" not in question.html.lower()
        assert "[x]" not in question.html.lower()
        for option in question.options:
            assert "correct" not in option.html.lower()
            assert "[x]" not in option.html.lower()
            assert "[ ]" not in option.html
            assert "checked" not in option.html.lower()


def test_right_and_wrong_options_render_the_same() -> None:
    """Two options with the same text render identically, right or wrong."""
    quiz = parse(
        """\
        1. Q?
           - [x] Same text
           - [ ] Same text
           > e
        """
    )
    right, wrong = quiz.questions[0].options
    assert right.correct and not wrong.correct
    assert right.html == wrong.html


# --- reading answers ------------------------------------------------------------------


def full_answers() -> dict[str, list[str]]:
    """Return a complete, valid form for the GOOD quiz."""
    return {
        "q.fee": ["b"],
        "q.2": ["a", "b"],
        "q.3": ["b"],
        "q.4": ["a"],
        "q.long-question": ["a"],
    }


def test_read_answers(quiz: Quiz) -> None:
    """A complete form gives the chosen keys per question id."""
    assert read_answers(quiz, full_answers()) == {
        "fee": frozenset({"b"}),
        "2": frozenset({"a", "b"}),
        "3": frozenset({"b"}),
        "4": frozenset({"a"}),
        "long-question": frozenset({"a"}),
    }


def test_read_answers_allows_meta_fields(quiz: Quiz) -> None:
    """csrf_token, submission_id and lang are not answers and not errors."""
    form = full_answers() | {
        "csrf_token": ["t"],
        "submission_id": ["abc"],
        "lang": ["id"],
    }
    assert set(read_answers(quiz, form)) == {"fee", "2", "3", "4", "long-question"}


@pytest.mark.parametrize("removed", [["q.fee"], ["q.2", "q.4"]])
def test_missing_answer(quiz: Quiz, removed: list[str]) -> None:
    """An unanswered question is reported as missing, with its id."""
    form = {k: v for k, v in full_answers().items() if k not in removed}
    with pytest.raises(AnswerError) as caught:
        read_answers(quiz, form)
    assert caught.value.kind == "missing"
    assert caught.value.questions == tuple(name[2:] for name in removed)


def test_empty_value_counts_as_missing(quiz: Quiz) -> None:
    """An empty string is no answer."""
    with pytest.raises(AnswerError) as caught:
        read_answers(quiz, full_answers() | {"q.3": [""]})
    assert (caught.value.kind, caught.value.questions) == ("missing", ("3",))


@pytest.mark.parametrize("field", ["q.nope", "evil", "q.fee.extra", "Q.fee"])
def test_extra_field(quiz: Quiz, field: str) -> None:
    """A field that is neither a question nor a known meta field is refused."""
    with pytest.raises(AnswerError) as caught:
        read_answers(quiz, full_answers() | {field: ["a"]})
    assert caught.value.kind == "extra"
    assert caught.value.questions == (field,)


@pytest.mark.parametrize("value", ["z", "d", "A", "b ", "0"])
def test_unknown_option_key(quiz: Quiz, value: str) -> None:
    """A value that is not one of the question's option keys is refused."""
    with pytest.raises(AnswerError) as caught:
        read_answers(quiz, full_answers() | {"q.fee": [value]})
    assert (caught.value.kind, caught.value.questions) == ("unknown", ("fee",))


def test_duplicate_value(quiz: Quiz) -> None:
    """The same option sent twice is refused."""
    with pytest.raises(AnswerError) as caught:
        read_answers(quiz, full_answers() | {"q.2": ["a", "a"]})
    assert (caught.value.kind, caught.value.questions) == ("duplicate", ("2",))


@pytest.mark.parametrize("field", ["q.fee", "q.3"])
def test_too_many_on_single_question(quiz: Quiz, field: str) -> None:
    """Two options on a single or true-false question are refused."""
    with pytest.raises(AnswerError) as caught:
        read_answers(quiz, full_answers() | {field: ["a", "b"]})
    assert caught.value.kind == "too-many"
    assert caught.value.questions == (field[2:],)


def test_multiple_accepts_every_option(quiz: Quiz) -> None:
    """A multiple question accepts any set of distinct keys."""
    chosen = read_answers(quiz, full_answers() | {"q.2": ["c", "b", "a"]})
    assert chosen["2"] == frozenset({"a", "b", "c"})


# --- grading --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "right"),
    [
        ({"a", "b"}, True),
        ({"a"}, False),
        ({"b"}, False),
        ({"a", "b", "c"}, False),
        ({"c"}, False),
    ],
)
def test_multiple_scores_only_the_exact_set(
    quiz: Quiz, chosen: set[str], right: bool
) -> None:
    """A multiple question scores only when exactly its right options are chosen."""
    answers = read_answers(quiz, full_answers() | {"q.2": sorted(chosen)})
    result = grade(quiz, answers, 70)
    assert result.correct["2"] is right
    assert result.score == 3 + right  # fee, 3 and long-question are right


def test_grade_result(quiz: Quiz) -> None:
    """A grade holds the choices, per-question results, score and percent."""
    answers = read_answers(quiz, full_answers())
    result = grade(quiz, answers, 70)
    assert result.chosen == answers
    assert result.correct == {
        "fee": True,
        "2": True,
        "3": True,
        "4": False,
        "long-question": True,
    }
    assert (result.score, result.max_score, result.percent) == (4, 5, 80)
    assert result.passed


def test_unanswered_question_scores_nothing() -> None:
    """A question missing from `chosen` is wrong, not an error."""
    result = grade(single_quiz(2), {"1": frozenset({"b"})}, 50)
    assert result.correct == {"1": True, "2": False}
    assert (result.score, result.percent, result.passed) == (1, 50, True)


def chosen_for(quiz: Quiz, right: int) -> dict[str, frozenset[str]]:
    """Answer the first `right` questions of a single_quiz rightly, the rest wrongly."""
    return {
        q.qid: frozenset({"b" if i < right else "a"})
        for i, q in enumerate(quiz.questions)
    }


@pytest.mark.parametrize(
    ("questions", "right", "pass_mark", "percent", "passed"),
    [
        (7, 5, 70, 71, True),  # 500 >= 490
        (7, 4, 70, 57, False),
        (3, 2, 67, 66, False),  # 200 >= 201 is false: no rounding up to a pass
        (3, 2, 66, 66, True),
        (10, 7, 70, 70, True),  # exactly the pass mark
        (10, 6, 70, 60, False),
        (3, 1, 34, 33, False),
        (3, 1, 33, 33, True),
        (6, 6, 100, 100, True),
        (6, 5, 100, 83, False),
        (1, 0, 1, 0, False),
    ],
)
def test_percent_floors_and_pass_is_exact(
    questions: int, right: int, pass_mark: int, percent: int, passed: bool
) -> None:
    """The percent is rounded down; passing needs score/max >= pass_mark/100 exactly."""
    quiz = single_quiz(questions)
    result = grade(quiz, chosen_for(quiz, right), pass_mark)
    assert result.score == right
    assert result.max_score == questions
    assert result.percent == percent
    assert result.passed is passed
