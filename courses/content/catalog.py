"""The catalog: immutable, pre-rendered courses, modules and the problems found.

Everything a view needs is computed when content loads; nothing here renders per
request. A module's identity is its slug, never a language or a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from markupsafe import Markup

from courses.content.contacts import Contact
from courses.content.glossary import Glossary
from courses.content.quiz import Quiz

# A deliberately slow pace, for readers who seldom read or read in a second language.
WORDS_PER_MINUTE = 100


@dataclass(frozen=True)
class Problem:
    """Something wrong in a content file; fatal problems leave the file out."""

    path: str
    line: int
    message: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(ValueError):
    """A problem that makes one file unusable."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Segment:
    """A piece of rendered body: sanitised HTML, or a help contact to show there."""

    html: Markup | None = None
    contact_id: str | None = None
    topic: str | None = None  # [[contacts:TOPIC]]: the reader's country's contacts


@dataclass(frozen=True)
class ModuleVersion:
    """One module in one language."""

    language: str
    title: str
    summary: str
    key_points: tuple[Markup, ...]  # three to five, shown before the lesson
    words: int  # in the lesson and its quiz, for the reading time
    body: tuple[Segment, ...]
    # The body cut before each second-level heading: the slides of the projector view.
    sections: tuple[tuple[Segment, ...], ...]
    quiz: Quiz | None
    after_quiz: tuple[Segment, ...]  # e.g. the sources, shown after the quiz
    blob_id: str  # git's id of the file's bytes: a translation names its source's
    translated_from: str | None  # the source's blob_id when this was translated
    path: str
    review: str | None = None  # machine-assisted | reviewed (translations only)
    # The lesson's second-level headings (anchor id, plain text): "on this page".
    headings: tuple[tuple[str, str], ...] = ()

    @property
    def contact_ids(self) -> tuple[str, ...]:
        """Return the help contacts the module shows, in order."""
        segments = (*self.body, *self.after_quiz)
        return tuple(s.contact_id for s in segments if s.contact_id)

    @property
    def minutes(self) -> int:
        """Return the reading time at a slow reader's pace, rounded up."""
        return max(1, -(-self.words // WORDS_PER_MINUTE))


@dataclass(frozen=True)
class Module:
    """A module and its translations; its identity is its slug, not a language."""

    course_slug: str
    slug: str
    number: int
    required: bool
    default_language: str
    versions: Mapping[str, ModuleVersion]

    def version(self, language: str) -> ModuleVersion:
        """Return the version in `language`, else in the course's default language."""
        return self.versions.get(language) or self.versions[self.default_language]

    def file_of(self, language: str) -> str:
        """Return the path of the module's file in `language` (which may not exist)."""
        return f"{self.course_slug}/{self.number:02d}-{self.slug}.{language}.md"


@dataclass(frozen=True)
class CourseText:
    """A course's title, summary and introduction in one language."""

    language: str
    title: str
    summary: str
    intro: tuple[Segment, ...]
    review: str | None = None  # machine-assisted | reviewed (translations only)


@dataclass(frozen=True)
class Course:
    """A course: ordered modules plus language-independent settings."""

    slug: str
    order: int
    default_language: str
    pass_mark: int
    texts: Mapping[str, CourseText]
    guides: Mapping[str, CourseText]
    modules: tuple[Module, ...]
    # Modules measuring the same things before and after (knowledge gain), if any.
    pre_test: str | None = None
    post_test: str | None = None
    # Whose help contacts [[contacts:TOPIC]] shows when the reader chose no country.
    country: str | None = None

    def text(self, language: str) -> CourseText:
        """Return the course text in `language`, else in the default language."""
        return self.texts.get(language) or self.texts[self.default_language]

    def module(self, slug: str) -> Module | None:
        """Return the module called `slug`, or None."""
        return next((m for m in self.modules if m.slug == slug), None)

    @property
    def required_modules(self) -> tuple[Module, ...]:
        """Return the modules a learner must complete to finish the course."""
        return tuple(m for m in self.modules if m.required)


@dataclass(frozen=True)
class Catalog:
    """Every course, the help contacts, and the problems found while loading."""

    courses: tuple[Course, ...]
    contacts: Mapping[str, Contact]
    problems: tuple[Problem, ...] = field(default=())
    glossary: Glossary = field(default_factory=Glossary)

    @cached_property
    def broken_paths(self) -> frozenset[str]:
        """Return the files left out because of a problem (learners get another)."""
        return frozenset(p.path for p in self.problems if p.fatal)

    def problems_in(self, path: str) -> list[Problem]:
        """Return the problems found in one file, in line order."""
        return sorted(
            (p for p in self.problems if p.path == path), key=lambda p: p.line
        )

    def course(self, slug: str) -> Course | None:
        """Return the course called `slug`, or None."""
        return next((c for c in self.courses if c.slug == slug), None)

    def find_module(self, course_slug: str, module_slug: str) -> tuple[Course, Module]:
        """Return the course and module, or raise LookupError."""
        course = self.course(course_slug)
        module = course.module(module_slug) if course else None
        if course is None or module is None:
            raise LookupError(f"{course_slug}/{module_slug}")
        return course, module
