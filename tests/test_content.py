"""Tests for courses.content.load_catalog, without Flask.

The fixture tree (tests/content) must load cleanly; broken copies of it, built in
tmp_path, must report each problem as `path:line: message` while the rest of the site
still loads.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from courses.content.catalog import Catalog, Problem
from courses.content.loader import load_catalog
from courses.platform.config import LANGUAGES
from tests.conftest import FIXTURES

LANGS = list(LANGUAGES)
TODAY = date(2025, 6, 1)
COURSE = "sample-course"
EN = f"{COURSE}/01-first-steps.en.md"
ID = f"{COURSE}/01-first-steps.id.md"
PROBLEM_FORMAT = re.compile(r"^[\w./-]+:[1-9]\d*: \S.*$")


def load(root: Path, contact_max_age_days: int = 365) -> Catalog:
    """Load a content tree with the app's languages and a fixed date."""
    return load_catalog(root, LANGS, TODAY, contact_max_age_days)


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in a file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def insert_line(path: Path, number: int, line: str) -> None:
    """Insert `line` so that it becomes line `number` of the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(number - 1, line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def delete_line(path: Path, number: int) -> None:
    """Delete line `number` of a file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    del lines[number - 1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def find(catalog: Catalog, path: str, fragment: str) -> Problem:
    """Return the one problem about `path` whose message contains `fragment`."""
    found = [p for p in catalog.problems if p.path == path and fragment in p.message]
    assert len(found) == 1, f"{path}: {fragment!r} not in {catalog.problems}"
    return found[0]


def assert_site_loads(catalog: Catalog) -> None:
    """The catalogue still has modules, and every problem reads `path:line: message`."""
    assert catalog.courses
    assert any(course.modules for course in catalog.courses)
    for problem in catalog.problems:
        assert str(problem) == f"{problem.path}:{problem.line}: {problem.message}"
        assert PROBLEM_FORMAT.match(str(problem).splitlines()[0]), str(problem)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Return a copy of the fixture tree with a second course, ready to break."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    shutil.copytree(root / COURSE, root / "other-course")
    edit(root / "other-course" / "course.yaml", "order: 1", "order: 2")
    return root


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """Return the catalogue of the fixture tree."""
    return load(FIXTURES / "content")


# --- the fixture tree -----------------------------------------------------------------


def test_fixture_tree_has_no_problems(catalog: Catalog) -> None:
    """The fixture tree is clean."""
    assert catalog.problems == ()


def test_copied_tree_has_no_problems(tree: Path) -> None:
    """The starting point of every broken tree below is clean too."""
    catalog = load(tree)
    assert catalog.problems == ()
    assert [c.slug for c in catalog.courses] == [COURSE, "other-course"]


def test_one_course(catalog: Catalog) -> None:
    """The tree holds one course with its settings and texts."""
    assert [c.slug for c in catalog.courses] == [COURSE]
    course = catalog.courses[0]
    assert (course.order, course.default_language, course.pass_mark) == (1, "en", 70)
    assert set(course.texts) == {"en", "id"}
    assert course.text("id").title == "Kursus contoh"
    assert course.text("ar").title == "Sample course"
    assert "<strong>bold</strong>" in course.text("en").intro[0].html
    assert set(course.guides) == {"en"}


def test_modules_in_order(catalog: Catalog) -> None:
    """Modules are ordered by their number."""
    course = catalog.courses[0]
    assert [m.slug for m in course.modules] == ["first-steps", "extra-reading"]
    assert [m.number for m in course.modules] == [1, 2]


def test_extra_reading_is_optional_without_quiz_and_only_english(
    catalog: Catalog,
) -> None:
    """`optional` in course.yaml makes a module not required."""
    course = catalog.courses[0]
    extra = course.module("extra-reading")
    assert extra is not None
    assert not extra.required
    assert set(extra.versions) == {"en"}
    assert extra.version("en").quiz is None
    assert extra.version("id").language == "en"
    assert [m.slug for m in course.required_modules] == ["first-steps"]
    assert (
        'href="/courses/sample-course/first-steps"' in extra.version("en").body[0].html
    )


def test_first_steps_versions(catalog: Catalog) -> None:
    """first-steps exists in en and id; other languages fall back to en."""
    module = catalog.courses[0].module("first-steps")
    assert module is not None
    assert module.required
    assert set(module.versions) == {"en", "id"}
    assert module.version("id").language == "id"
    assert module.version("id").title == "Langkah pertama"
    assert module.version("ar").language == "en"
    assert module.version("ar").title == "First steps"
    english = module.version("en")
    assert (english.summary, english.path) == ("The first module.", EN)
    assert [str(p) for p in english.key_points] == [
        "Employers pay the fees.",
        "Keep your own passport.",
        "Check offers seen online.",
    ]
    assert english.quiz is not None
    assert module.version("id").quiz is not None
    assert english.quiz.structure() == module.version("id").quiz.structure()
    assert [q.qid for q in english.quiz.questions] == ["fee", "2", "3"]
    assert [q.line for q in english.quiz.questions] == [17, 23, 29]


def test_contact_segment_replaces_the_tag(catalog: Catalog) -> None:
    """The lesson is cut where `[[contact:test-line]]` was written."""
    module = catalog.courses[0].module("first-steps")
    assert module is not None
    for language in ("en", "id"):
        body = module.version(language).body
        assert [s.contact_id for s in body] == [None, "test-line"]
        assert body[1].html is None
        assert "[[contact" not in body[0].html
        assert ":::quiz" not in body[0].html
    english = module.version("en").body[0].html
    assert english.index("Warning signs") < english.index("<table>")


def test_contacts(catalog: Catalog) -> None:
    """contacts.yaml is read into contacts by id."""
    assert set(catalog.contacts) == {"test-line", "other-line"}
    contact = catalog.contacts["test-line"]
    assert contact.text("service", "id") == "Saluran bantuan uji"
    assert contact.text("service", "ar") == "Test help line"
    assert [c.href for c in contact.channels] == [
        "tel:08000000",
        "https://wa.me/628000000000",
    ]
    assert contact.compared == date(2099, 1, 1)
    assert (contact.status, contact.caution) == ("verified", None)
    assert contact.sources[0].name == "Test source"
    assert [c.domestic for c in contact.channels] == [True, False]
    other = catalog.contacts["other-line"]
    assert (other.caution, other.see_also) == ("undated-source", ("test-line",))


def test_find_module(catalog: Catalog) -> None:
    """find_module returns the course and module, or raises LookupError."""
    course, module = catalog.find_module(COURSE, "first-steps")
    assert (course.slug, module.slug) == (COURSE, "first-steps")
    with pytest.raises(LookupError):
        catalog.find_module(COURSE, "nope")
    with pytest.raises(LookupError):
        catalog.find_module("nope", "first-steps")


def test_loading_twice_gives_equal_html(catalog: Catalog) -> None:
    """Rendering is deterministic: a second load gives the same HTML and quizzes."""
    again = load(FIXTURES / "content")
    for first, second in zip(catalog.courses, again.courses, strict=True):
        assert first.texts == second.texts
        for a, b in zip(first.modules, second.modules, strict=True):
            for language, version in a.versions.items():
                other = b.versions[language]
                assert version.body == other.body
                assert version.blob_id == other.blob_id
                if version.quiz:
                    assert other.quiz is not None
                    assert version.quiz.fingerprint == other.quiz.fingerprint


def test_missing_root_gives_an_empty_catalog(tmp_path: Path) -> None:
    """A missing content folder is not a crash."""
    catalog = load(tmp_path / "nowhere")
    assert (catalog.courses, dict(catalog.contacts), catalog.problems) == ((), {}, ())


# --- broken module files --------------------------------------------------------------

QUIZ_EXPLANATION_LINE = 27  # "> Taking documents ..." of question 2 (line 23)

BROKEN_DEFAULT_FILE = {
    "bad-front-matter-yaml": (
        ("summary: The first module.", "summary: a: b"),
        3,
        "bad front matter",
    ),
    "missing-title": (("title: First steps\n", ""), 2, "front matter needs a 'title'"),
    "empty-title": (("title: First steps", "title: '  '"), 2, "needs a 'title'"),
    "front-matter-not-a-mapping": (
        ("title: First steps\nsummary: The first module.\nkey_points:", "- a\n#"),
        2,
        "front matter must be",
    ),
    "no-front-matter": (("---\ntitle", "title"), 1, "must start with front matter"),
    "front-matter-not-closed": (
        ('online."]\n---\n', 'online."]\n'),
        1,
        "front matter is not closed",
    ),
    "bad-key-points": (
        ("key_points: [", "key_points: {a: 1}\n#["),
        2,
        "key_points must be a list",
    ),
    "malformed-quiz": (
        ("   > Taking documents and charging fees are warning signs.\n", ""),
        23,
        "question 2 needs an explanation",
    ),
    "quiz-option-after-explanation": (
        (
            "   > Scammers post on social media too.\n",
            "   > Scammers post on social media too.\n   - [ ] Maybe\n",
        ),
        33,
        "options must come before the explanation",
    ),
    "quiz-not-closed": (("\n:::\n", "\n"), 16, "not closed with ':::'"),
    "two-quizzes": (
        ("\n:::quiz\n", "\n:::quiz\n:::\n\n:::quiz\n"),
        19,
        "only one :::quiz block",
    ),
}


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    list(BROKEN_DEFAULT_FILE.values()),
    ids=list(BROKEN_DEFAULT_FILE),
)
def test_broken_default_language_file(
    tree: Path, change: tuple[str, str], line: int, fragment: str
) -> None:
    """A broken file is reported at its line and left out; the rest still loads."""
    edit(tree / EN, *change)
    catalog = load(tree)
    problem = find(catalog, EN, fragment)
    assert problem.line == line
    assert problem.fatal
    assert str(problem).startswith(f"{EN}:{line}: ")
    assert "\n" not in problem.message
    # Without its English file, first-steps cannot be shown (its id file is reported).
    find(catalog, ID, "no version in the default language 'en'")
    course = catalog.course(COURSE)
    assert course is not None
    assert [m.slug for m in course.modules] == ["extra-reading"]
    other = catalog.course("other-course")
    assert other is not None
    assert set(other.modules[0].versions) == {"en", "id"}
    assert_site_loads(catalog)


def test_front_matter_error_line_counts_from_the_file_start(tree: Path) -> None:
    """A YAML error deeper in the front matter is reported on its own file line."""
    edit(tree / EN, "key_points: [", "key_points: [[")
    problem = find(load(tree), EN, "bad front matter")
    assert problem.line > 1
    assert problem.line in (4, 5)  # the bad line, or the '---' where YAML notices


def test_broken_quiz_in_translation_leaves_only_that_translation_out(
    tree: Path,
) -> None:
    """A malformed quiz in the id file drops the id version, not the module."""
    delete_line(tree / ID, 23)  # the explanation of question 2 (line 19)
    catalog = load(tree)
    assert find(catalog, ID, "question 2 needs an explanation").line == 19
    module = catalog.course(COURSE).module("first-steps")
    assert set(module.versions) == {"en"}
    assert module.version("id").language == "en"
    assert_site_loads(catalog)


def test_unknown_front_matter_field_is_not_fatal(tree: Path) -> None:
    """An unknown front matter field is reported but the file is kept."""
    edit(
        tree / EN,
        "summary: The first module.",
        "summary: The first module.\nauthor: Someone",
    )
    catalog = load(tree)
    problem = find(catalog, EN, "unknown front matter field 'author'")
    assert (problem.line, problem.fatal) == (2, False)
    assert set(catalog.course(COURSE).module("first-steps").versions) == {"en", "id"}


def test_unknown_language_code(tree: Path) -> None:
    """A file in a language the site does not have is reported and ignored."""
    shutil.copy(tree / EN, tree / COURSE / "01-first-steps.xx.md")
    catalog = load(tree)
    problem = find(catalog, f"{COURSE}/01-first-steps.xx.md", "unknown language code")
    assert str(problem) == (
        f"{COURSE}/01-first-steps.xx.md:1: unknown language code 'xx'"
    )
    assert set(catalog.course(COURSE).module("first-steps").versions) == {"en", "id"}
    assert_site_loads(catalog)


@pytest.mark.parametrize(
    "name",
    [
        "01_first_steps.en.md",
        "1-first-steps.en.md",
        "01-First-Steps.en.md",
        "first-steps.en.md",
        "01-first-steps.md",
        "_intro.en.md",
    ],
)
def test_bad_file_name(tree: Path, name: str) -> None:
    """A .md file whose name breaks the pattern is reported and not loaded."""
    shutil.copy(tree / EN, tree / COURSE / name)
    catalog = load(tree)
    problem = find(catalog, f"{COURSE}/{name}", "file name must look like")
    assert problem.line == 1
    assert [m.slug for m in catalog.course(COURSE).modules] == [
        "first-steps",
        "extra-reading",
    ]
    assert_site_loads(catalog)


def test_other_files_are_ignored(tree: Path) -> None:
    """Files that are not .md (notes, images) are neither loaded nor reported."""
    (tree / COURSE / "notes.txt").write_text("1-2-3", encoding="utf-8")
    (tree / COURSE / "poster.png").write_bytes(b"\x89PNG")
    assert load(tree).problems == ()


# --- broken course.yaml ---------------------------------------------------------------

BROKEN_SETTINGS = {
    "missing": (None, 1, "missing course.yaml"),
    "bad-yaml": ("order: 1\ndefault_language: [en\n", 3, "bad YAML"),
    "not-a-mapping": ("- en\n", 1, "course.yaml must be a mapping"),
    "bad-default-language": (
        "default_language: fr\n",
        1,
        "default_language 'fr' is not one of",
    ),
    "no-default-language": ("pass_mark: 70\n", 1, "default_language 'None'"),
    "pass-mark-zero": ("default_language: en\npass_mark: 0\n", 1, "pass_mark"),
    "pass-mark-too-high": ("default_language: en\npass_mark: 101\n", 1, "pass_mark"),
    "pass-mark-percent": ('default_language: en\npass_mark: "70%"\n', 1, "pass_mark"),
    "pass-mark-fraction": ("default_language: en\npass_mark: 0.7\n", 1, "pass_mark"),
    "pass-mark-yes": ("default_language: en\npass_mark: yes\n", 1, "pass_mark"),
    "bad-order": ("default_language: en\norder: first\n", 1, "order must be"),
    "bad-optional": ("default_language: en\noptional: Extra Reading\n", 1, "optional"),
}


@pytest.mark.parametrize(
    ("settings", "line", "fragment"),
    list(BROKEN_SETTINGS.values()),
    ids=list(BROKEN_SETTINGS),
)
def test_broken_course_settings(
    tree: Path, settings: str | None, line: int, fragment: str
) -> None:
    """A course whose course.yaml is unusable is left out; other courses load."""
    path = tree / COURSE / "course.yaml"
    if settings is None:
        path.unlink()
    else:
        path.write_text(settings, encoding="utf-8")
    catalog = load(tree)
    problem = find(catalog, f"{COURSE}/course.yaml", fragment)
    assert problem.line == line
    assert problem.fatal
    assert catalog.course(COURSE) is None
    assert [c.slug for c in catalog.courses] == ["other-course"]
    assert_site_loads(catalog)


def test_optional_module_not_found_is_reported(tree: Path) -> None:
    """A name in `optional` that is no module is a (non-fatal) problem."""
    edit(tree / COURSE / "course.yaml", "[extra-reading]", "[extra-reading, nope]")
    catalog = load(tree)
    problem = find(catalog, f"{COURSE}/course.yaml", "optional module 'nope' not found")
    assert not problem.fatal
    assert catalog.course(COURSE) is not None


def test_course_without_index_is_left_out(tree: Path) -> None:
    """A course needs _index in its default language."""
    (tree / COURSE / "_index.en.md").unlink()
    catalog = load(tree)
    find(catalog, f"{COURSE}/course.yaml", "no _index.en.md")
    assert catalog.course(COURSE) is None
    assert_site_loads(catalog)


def test_bad_course_folder_name(tree: Path) -> None:
    """A course folder with capitals or spaces is reported and not loaded."""
    shutil.copytree(tree / COURSE, tree / "Bad Course")
    catalog = load(tree)
    assert str(find(catalog, "Bad Course", "course folder name")).startswith(
        "Bad Course:1: "
    )
    assert [c.slug for c in catalog.courses] == [COURSE, "other-course"]


# --- translations ---------------------------------------------------------------------

TRANSLATION_DIFFERENCES = {
    "right-answer-moved": (
        (
            "   - [ ] Biasa\n   - [x] Tanda bahaya",
            "   - [x] Biasa\n   - [ ] Tanda bahaya",
        ),
        "question 1: right options differ",
    ),
    "question-removed": (
        (
            "3. Lowongan yang hanya ada di media sosial selalu asli. {true-false}\n"
            "   - [ ] Benar\n   - [x] Salah\n"
            "   > Penipu juga memasang iklan di media sosial.\n",
            "",
        ),
        "the quiz has 2 questions but sample-course/01-first-steps.en.md has 3",
    ),
    "name-changed": (("{#fee}", "{#biaya}"), "question 1: name differs"),
    "option-removed": (("   - [ ] Hadiah\n", ""), "question 1: number of options"),
    "kind-changed": (("{true-false}", ""), "question 3: kind differs"),
    "quiz-removed": (
        (":::quiz", "The quiz was forgotten.\n\n:::ignored"),
        "the quiz has 0 questions",
    ),
}


@pytest.mark.parametrize(
    ("change", "fragment"),
    list(TRANSLATION_DIFFERENCES.values()),
    ids=list(TRANSLATION_DIFFERENCES),
)
def test_translation_with_a_different_quiz_is_left_out(
    tree: Path, change: tuple[str, str], fragment: str
) -> None:
    """A translation whose quiz differs is reported and not offered."""
    edit(tree / ID, *change)
    catalog = load(tree)
    problem = find(catalog, ID, fragment)
    assert problem.fatal
    assert problem.message.endswith("translation left out")
    module = catalog.course(COURSE).module("first-steps")
    assert set(module.versions) == {"en"}
    assert module.version("id").language == "en"
    assert_site_loads(catalog)


def test_translation_with_another_number(tree: Path) -> None:
    """Every translation of a module has the same NN- prefix."""
    (tree / ID).rename(tree / COURSE / "02-first-steps.id.md")
    catalog = load(tree)
    problem = find(catalog, f"{COURSE}/02-first-steps.id.md", "number 02 differs")
    assert problem.line == 1
    assert set(catalog.course(COURSE).module("first-steps").versions) == {"en"}
    assert_site_loads(catalog)


def test_module_without_default_language_file_is_left_out(tree: Path) -> None:
    """A module that exists only in a translation cannot be shown."""
    (tree / EN).unlink()
    catalog = load(tree)
    problem = find(catalog, ID, "no version in the default language 'en'")
    assert str(problem) == f"{ID}:1: no version in the default language 'en'"
    course = catalog.course(COURSE)
    assert course.module("first-steps") is None
    assert [m.slug for m in course.modules] == ["extra-reading"]
    assert_site_loads(catalog)


# --- phone numbers and contact tags in lessons ----------------------------------------


def test_typed_phone_numbers_are_reported(tree: Path) -> None:
    """A number typed in a lesson is a non-fatal problem on its line."""
    insert_line(tree / EN, 7, "Call 0812 3456 7890 for help.")
    insert_line(tree / ID, 7, "Atau hubungi 110 sekarang.")
    catalog = load(tree)
    english = [p for p in catalog.problems if p.path == EN]
    indonesian = [p for p in catalog.problems if p.path == ID]
    assert english
    assert indonesian
    for problem in english + indonesian:
        assert problem.line == 7
        assert not problem.fatal
        assert "looks like a phone number" in problem.message
        assert "[[contact:ID]]" in problem.message
    assert any("'0812 3456 7890'" in p.message for p in english)
    assert any("'110'" in p.message for p in indonesian)
    # Not fatal: the module and both its versions are still shown.
    assert set(catalog.course(COURSE).module("first-steps").versions) == {"en", "id"}
    assert_site_loads(catalog)


def test_typed_phone_number_is_reported_once(tree: Path) -> None:
    """One number typed after "call" is one problem, not two."""
    insert_line(tree / EN, 7, "Call 0812 3456 7890 for help.")
    problems = [p for p in load(tree).problems if p.path == EN]
    assert [p.line for p in problems] == [7]


@pytest.mark.parametrize(
    "number",
    [
        "+62 21 2924 4800",
        "(021) 2924-4800",
        "0-800-1000",
        "WhatsApp: 0812-3456",
        "SMS 1717",
    ],
)
def test_other_phone_number_forms_are_reported(tree: Path, number: str) -> None:
    """International, bracketed and call-word numbers are caught too."""
    insert_line(tree / EN, 7, f"Reach them at {number} any time.")
    problems = [p for p in load(tree).problems if p.path == EN]
    assert problems
    assert all(p.line == 7 for p in problems)


STATISTICS = [
    "from 2020 to 2024",
    "2020-2024",
    "2020 - 2024",
    "120,000 people",
    "Rp15 billion",
    "49.6 million",
    "3,704 cases",
    "In 2023, 120,000 people left; 3,704 cases from 2019 to 2023.",
    "Law No. 18/2017 protects migrant workers.",
    "Rp 15.000.000 is a lot of money.",
]


@pytest.mark.parametrize("text", STATISTICS)
def test_years_and_statistics_are_not_phone_numbers(tree: Path, text: str) -> None:
    """Years, ranges of years and statistics are not flagged."""
    insert_line(tree / EN, 7, f"Between them: {text} here.")
    assert load(tree).problems == ()


@pytest.mark.parametrize("text", ["(2020-2024)", "2020-24"])
def test_bracketed_or_short_year_range_is_not_a_phone_number(
    tree: Path, text: str
) -> None:
    """A year range written in brackets, or with a short second year, is not flagged."""
    insert_line(tree / EN, 7, f"Recruitment scams rose {text} in Lombok.")
    assert load(tree).problems == ()


def test_unknown_contact_tag(tree: Path) -> None:
    """A tag for a contact that does not exist is reported and shows nothing."""
    edit(tree / EN, "[[contact:test-line]]", "[[contact:nope]]")
    catalog = load(tree)
    problem = find(catalog, EN, "unknown contact 'nope'")
    assert (problem.line, problem.fatal) == (14, False)
    body = catalog.course(COURSE).module("first-steps").version("en").body
    assert all(s.contact_id is None for s in body)
    assert all("[[contact" not in s.html for s in body if s.html)
    assert_site_loads(catalog)


def test_contact_tag_inside_a_sentence(tree: Path) -> None:
    """A tag must be on a line of its own."""
    edit(tree / EN, "[[contact:test-line]]", "See [[contact:test-line]] for help.")
    catalog = load(tree)
    problem = find(catalog, EN, "put [[contact:...]] on a line of its own")
    assert (problem.line, problem.fatal) == (14, False)
    assert_site_loads(catalog)


def test_malformed_contact_tag(tree: Path) -> None:
    """A tag with capitals or spaces is reported as unknown."""
    edit(tree / EN, "[[contact:test-line]]", "[[contact:Test_Line]]")
    problem = find(load(tree), EN, "unknown contact 'Test_Line'")
    assert problem.line == 14


# --- contacts.yaml --------------------------------------------------------------------


def test_contact_without_sources_is_left_out(tree: Path) -> None:
    """Every contact names its dated sources; without them it is not shown."""
    delete_line(tree / "contacts.yaml", 10)
    catalog = load(tree)
    problem = find(catalog, "contacts.yaml", "contact 'test-line' needs 'sources:'")
    assert problem.line == 2 and problem.fatal
    assert "test-line" not in catalog.contacts
    assert_site_loads(catalog)


def test_contact_without_compared_date(tree: Path) -> None:
    """A contact needs the day it was last compared with its sources."""
    delete_line(tree / "contacts.yaml", 22)
    catalog = load(tree)
    problem = find(catalog, "contacts.yaml", "contact 'other-line' needs 'compared")
    assert problem.line == 13
    assert catalog.contacts["other-line"].compared is None


def test_unverified_contact_is_never_published(tree: Path) -> None:
    edit(
        tree / "contacts.yaml",
        "status: verified\n    compared",
        "status: unverified\n    compared",
    )
    catalog = load(tree)
    problem = find(
        catalog, "contacts.yaml", "status must be verified or partly-verified"
    )
    assert problem.fatal and "test-line" not in catalog.contacts


@pytest.mark.parametrize(
    ("compared", "max_age", "stale"),
    [
        (date(2020, 1, 1), 365, True),
        (TODAY - timedelta(days=366), 365, True),
        (TODAY - timedelta(days=365), 365, False),
        (TODAY - timedelta(days=31), 30, True),
        (TODAY, 30, False),
    ],
)
def test_stale_contact(tree: Path, compared: date, max_age: int, stale: bool) -> None:
    """A contact compared with its sources more than contact_max_age_days ago."""
    edit(tree / "contacts.yaml", "compared: 2099-01-01", f"compared: {compared}")
    catalog = load(tree, contact_max_age_days=max_age)
    found = [p for p in catalog.problems if "last compared" in p.message]
    if stale:
        assert len(found) == 1
        assert str(found[0]).startswith(
            f"contacts.yaml:2: contact 'test-line' was last compared with its sources "
            f"on {compared}"
        )
        assert f"more than {max_age} days ago" in found[0].message
    else:
        assert found == []
    assert "test-line" in catalog.contacts
    assert_site_loads(catalog)


@pytest.mark.parametrize(
    ("sources", "status", "caution"),
    [
        ("[{name: S, date: 2099-01-01}]", "verified", None),
        ("[{name: S, date: 2099-01-01}]", "partly-verified", "partly-verified"),
        (
            "[{name: S, date: 2019-06-01}, {name: T, date: 2017}]",
            "verified",
            "old-source",
        ),
        ("[{name: S, date: undated}]", "verified", "undated-source"),
        (f"[{{name: S, date: {TODAY.year - 1}}}]", "verified", None),
    ],
)
def test_a_contact_needs_confirming_when_its_sources_are_weak(
    tree: Path, sources: str, status: str, caution: str | None
) -> None:
    """Old (3 years), undated or partly verified sources: "confirm before relying"."""
    edit(
        tree / "contacts.yaml",
        "sources: [{name: Test source, date: 2099-01-01}]",
        f"sources: {sources}",
    )
    edit(
        tree / "contacts.yaml",
        "status: verified\n    compared",
        f"status: {status}\n    compared",
    )
    catalog = load(tree)
    assert catalog.contacts["test-line"].caution == caution
    # other-line (undated) shows test-line beside it: fine while test-line is sound.
    reported = [
        p for p in catalog.problems if "other-line' needs confirming" in p.message
    ]
    assert len(reported) == (0 if caution is None else 1)


def test_whatsapp_must_be_in_international_form(tree: Path) -> None:
    """wa.me cannot open 0811...: the channel line is reported, the contact left out."""
    edit(tree / "contacts.yaml", '"+62 800 0000 000"', '"0800-0000-000"')
    catalog = load(tree)
    problem = find(catalog, "contacts.yaml", "must be in international form")
    assert (problem.line, problem.fatal) == (9, True)
    assert "test-line" not in catalog.contacts


def test_web_channel_must_be_https(tree: Path) -> None:
    """A contact with an http:// web address is left out, so lessons cannot link it."""
    edit(tree / "contacts.yaml", '"https://example.org"', '"http://example.org"')
    catalog = load(tree)
    problem = find(catalog, "contacts.yaml", "web address must start with https://")
    assert problem.line == 18
    assert problem.fatal
    assert set(catalog.contacts) == {"test-line"}
    assert_site_loads(catalog)


def test_contact_left_out_makes_its_tags_unknown(tree: Path) -> None:
    """A lesson pointing at a contact that was left out is reported too."""
    edit(tree / "contacts.yaml", '"0-800-0000"', '"call us"')
    catalog = load(tree)
    assert find(catalog, "contacts.yaml", "is not a phone number").line == 8
    assert find(catalog, EN, "unknown contact 'test-line'").line == 14
    assert find(catalog, ID, "unknown contact 'test-line'").line == 10
    assert_site_loads(catalog)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (f"{COURSE}/course.yaml", "order: 1\ndefault_language: [en\n"),
        ("contacts.yaml", "contacts:\n  - id: [x\n"),
    ],
    ids=["course-yaml", "contacts-yaml"],
)
def test_yaml_error_is_one_line(tree: Path, path: str, text: str) -> None:
    """A YAML error is one `path:line: message` line, like every other problem."""
    (tree / path).write_text(text, encoding="utf-8")
    problem = find(load(tree), path, "bad YAML")
    assert "\n" not in str(problem)
    assert "<unicode string>" not in problem.message


def test_bad_contacts_yaml(tree: Path) -> None:
    """Unreadable contacts.yaml gives no contacts and a problem with its line."""
    (tree / "contacts.yaml").write_text("contacts:\n  - id: [x\n", encoding="utf-8")
    catalog = load(tree)
    problem = find(catalog, "contacts.yaml", "bad YAML")
    assert problem.line > 1
    assert dict(catalog.contacts) == {}
    assert_site_loads(catalog)


def test_translation_quiz_problem_points_at_the_question(tree: Path) -> None:
    """The problem names the question's line and its options counted from 1."""
    edit(
        tree / ID,
        "   - [ ] Biasa\n   - [x] Tanda bahaya",
        "   - [x] Biasa\n   - [ ] Tanda bahaya",
    )
    problem = find(load(tree), ID, "question 1: right options differ")
    assert problem.line == 13  # "1. Ayu harus membayar ..." in the id file
    assert "(option 1 here, option 2 there)" in problem.message


def test_reading_time_is_counted_from_the_lesson_and_quiz_words(tree: Path) -> None:
    """Minutes come from the words at 100 a minute; sources and tags are not read."""
    english = load(tree).course(COURSE).module("first-steps").version("en")
    assert english.words == 86  # counted by hand: lesson 16, quiz 24 + 27 + 19
    assert english.minutes == 1
    lesson = "Ayu reads this sentence of seven words. [S12]\n" * 43  # 301 words
    edit(tree / EN, "Ayu gets a message about a job abroad.", lesson)
    longer = load(tree).course(COURSE).module("first-steps").version("en")
    assert longer.words == 86 - 8 + 301
    assert longer.minutes == 4


def test_a_long_lesson_without_key_points_is_reported(tree: Path) -> None:
    """Key points open every real lesson; a missing list or too many is a warning."""
    edit(tree / EN, "Ayu gets a message about a job abroad.", "Word " * 150)
    edit(tree / EN, "key_points: [", "#key_points: [")
    catalog = load(tree)
    assert not find(catalog, EN, "add 'key_points:'").fatal
    edit(tree / EN, '#key_points: ["Employers pay the fees.", ', "key_points: [")
    assert "has 2 points" in find(load(tree), EN, "key_points has").message
