"""The glossary explains terms where a reader meets them and keeps words consistent;
quiz statistics find courses whose right answers follow a pattern."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.content.loader import load_catalog
from courses.platform.config import LANGUAGES
from tests.conftest import FIXTURES

EN = "sample-course/01-first-steps.en.md"
GLOSSARY = """terms:
  - term: KP2MI
    meaning:
      en: "The ministry that protects migrant workers."
      id: "Kementerian pekerja migran."
  - term: Migrant CARE
    meaning: {en: "An organisation for migrant workers' rights."}
preferred:
  id:
    - use: online
      instead_of: [daring]
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    (root / "glossary.yaml").write_text(GLOSSARY)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def messages(root: Path) -> list[str]:
    return [str(p) for p in load_catalog(root, list(LANGUAGES)).problems]


def test_the_first_use_of_a_term_is_explained_on_tap(tree):
    edit(
        tree / EN,
        "Ayu gets a message about a job abroad.",
        "Ayu calls KP2MI. Then KP2MI helps.\n\n## About KP2MI\n\n[KP2MI](/help) again.",
    )
    catalog = load_catalog(tree, list(LANGUAGES))
    html = "".join(str(s.html) for s in catalog.course("sample-course").module(
        "first-steps").version("en").body if s.html)  # fmt: skip
    assert html.count('class="term"') == 1
    assert '<button type="button" class="term" popovertarget="term-kp2mi">KP2MI' in html
    assert '<span class="term-meaning" id="term-kp2mi" popover>' in html
    assert "The ministry that protects migrant workers." in html
    assert '<h2 id="h-about-kp2mi">About KP2MI</h2>' in html  # headings untouched
    assert '">KP2MI</a>' in html  # links untouched
    assert messages(tree) == []


def test_an_undefined_acronym_or_a_discouraged_word_is_reported(tree):
    edit(
        tree / EN,
        "Ayu gets a message about a job abroad.",
        "Ask BP3MI or Migrant CARE.",
    )
    id_file = tree / "sample-course" / "01-first-steps.id.md"
    edit(id_file, "Ayu", "Ayu melamar secara daring lewat KP2MI")
    found = messages(tree)
    assert any(
        f"{EN}:6: 'BP3MI' is not in glossary.yaml for 'en'" in m for m in found
    ), found
    assert not any("'CARE'" in m for m in found)  # part of a defined name
    assert any("use 'online', not 'daring'" in m for m in found)


def test_sources_after_the_quiz_may_name_organisations_freely(tree):
    with (tree / EN).open("a") as handle:
        handle.write("\n## Sources\n\n- [S1] UNODC, a report.\n")
    assert messages(tree) == []


def make_quiz_course(root: Path, positions: list[int], longest_right: bool) -> None:
    course = root / "leaning"
    course.mkdir()
    (course / "course.yaml").write_text("order: 3\ndefault_language: en\n")
    (course / "_index.en.md").write_text("---\ntitle: Leaning\n---\nIntro.\n")
    questions = []
    for number, right in enumerate(positions, 1):
        options = []
        for slot in range(1, 5):
            text = "a much longer option than the others" if (
                longest_right and slot == right) else f"option {slot}"  # fmt: skip
            options.append(f"   - [{'x' if slot == right else ' '}] {text}")
        questions.append(f"{number}. Question {number}?\n" + "\n".join(options)
                         + "\n   > Because.")  # fmt: skip
    body = "\n\n".join(questions)
    (course / "01-quiz.en.md").write_text(
        f"---\ntitle: Q\n---\nText.\n\n:::quiz\n{body}\n:::\n"
    )


def test_right_answers_leaning_to_one_position_are_reported(tree):
    make_quiz_course(tree, [3, 3, 3, 3, 3, 1, 2, 4, 3], longest_right=False)
    found = messages(tree)
    assert any("right answers lean to position 3 (6 of 9" in m for m in found), found


def test_right_answers_that_are_the_longest_option_are_reported(tree):
    make_quiz_course(tree, [1, 2, 3, 4, 1, 2, 3, 4], longest_right=True)
    found = messages(tree)
    assert any("the right option is the longest in 8 of 8" in m for m in found), found
    assert not any("lean to position" in m for m in found)


def test_content_check_prints_the_quiz_shape(tree, app):
    make_quiz_course(tree, [1, 2, 3, 4, 1, 2, 3, 4], longest_right=False)
    result = app.test_cli_runner().invoke(
        args=["content", "check", "--stats", "--content-dir", str(tree)]
    )
    assert "leaning" in result.output
    assert (
        "single choice, right answer at position: 1: 2, 2: 2, 3: 2, 4: 2"
        in result.output
    )
    assert "right option is the longest: 0 of 8 (0%)" in result.output
