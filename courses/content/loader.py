"""Load the content tree: course folders of Markdown files -> an immutable Catalog.

`load_catalog()` reads and renders the whole tree once. A broken file never stops the
site: it is reported as a Problem (`path:line: message`) and, when the problem is
fatal, that file is left out. Names on disk must match fixed patterns, and nothing
from a URL is ever used as a path: views look up the Catalog.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from courses.content.bounded import BoundedRunner, TooComplex
from courses.content.catalog import (
    Catalog,
    Course,
    CourseText,
    Module,
    ModuleVersion,
    Problem,
)
from courses.content.contact_registry import Limits, load_contacts
from courses.content.contacts import Contact
from courses.content.course_settings import SLUG, read_settings
from courses.content.glossary import Glossary, load_glossary
from courses.content.messages import N_
from courses.content.module_file import parse_file
from courses.content.quiz_balance import balance_problems, course_stats
from courses.content.translation_check import (
    question_line,
    quiz_difference,
    structure_of,
)

MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]{0,79})\.([A-Za-z_-]{2,8})\.md$")
SPECIAL_FILE = re.compile(r"^_(index|guide)\.([A-Za-z_-]{2,8})\.md$")
SOURCE_MAX_AGE_DAYS = 3 * 365 + 1  # older help-line sources: "confirm first"
SECONDS_PER_FILE = 10.0  # a real module takes well under 0.1 s
MAX_FILE_BYTES = 200_000  # the longest real module is about 20 KB
# Versions of each module slug by language, with the number in the file name.
Versions = dict[str, dict[str, tuple[int, ModuleVersion]]]


def load_catalog(
    root: Path,
    languages: Sequence[str],
    today: date | None = None,
    contact_max_age_days: int = 365,
    seconds_per_file: float = SECONDS_PER_FILE,
    source_max_age_days: int = SOURCE_MAX_AGE_DAYS,
) -> Catalog:
    """Read, check and render the whole content tree under `root`.

    Each file is parsed in a child process within `seconds_per_file`, so a hostile or
    pathological file is reported as a problem instead of stalling the start-up.
    """
    limits = Limits(today or date.today(), contact_max_age_days, source_max_age_days)
    contacts, contact_problems = load_contacts(root / "contacts.yaml", limits)
    problems = [
        Problem("contacts.yaml", p.line, p.message, p.fatal) for p in contact_problems
    ]
    glossary, glossary_problems = load_glossary(root / "glossary.yaml")
    problems += [Problem("glossary.yaml", line, m) for line, m in glossary_problems]
    courses = []
    with BoundedRunner(seconds_per_file) as runner:
        loader = CourseLoader(
            root, tuple(languages), contacts, problems, runner, glossary
        )
        for entry in sorted(root.iterdir()) if root.is_dir() else ():
            if not entry.is_dir() or entry.name.startswith((".", "_")):
                continue
            if not SLUG.match(entry.name):
                message = "course folder name must match a-z0-9-"
                problems.append(Problem(entry.name, 1, message))
                continue
            course = loader.load(entry)
            if course is not None:
                courses.append(course)
                problems.extend(balance_problems(course, course_stats(course)))
    courses.sort(key=lambda c: (c.order, c.slug))
    return Catalog(tuple(courses), contacts, tuple(problems), glossary)


@dataclass
class CourseLoader:
    """Loads one course folder at a time, collecting problems."""

    root: Path
    languages: tuple[str, ...]
    contacts: Mapping[str, Contact]
    problems: list[Problem]
    runner: BoundedRunner
    glossary: Glossary

    def load(self, folder: Path) -> Course | None:
        """Return the course in `folder`, or None when it cannot be shown."""
        path = folder / "course.yaml"
        settings = read_settings(path, self._rel(path), self.languages, self.problems)
        if settings is None:
            return None
        texts: dict[str, CourseText] = {}
        guides: dict[str, CourseText] = {}
        versions: Versions = {}
        for path in sorted(folder.glob("*.md")):
            self._load_file(path, texts, guides, versions)
        default = settings["default_language"]
        if default not in texts:
            return self._skip(
                folder, f"no _index.{default}.md (course title and summary)"
            )
        modules = assemble_modules(folder.name, settings, versions, self.problems)
        if not modules:
            return self._skip(folder, "the course has no usable module")
        return Course(
            slug=folder.name,
            order=settings["order"],
            default_language=default,
            pass_mark=settings["pass_mark"],
            country=settings["country"],
            texts=texts,
            guides=guides,
            modules=modules,
            **test_modules(folder.name, settings, modules, self.problems),
        )

    def _skip(self, folder: Path, message: str) -> None:
        self.problems.append(Problem(f"{folder.name}/course.yaml", 1, message))

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _load_file(
        self,
        path: Path,
        texts: dict[str, CourseText],
        guides: dict[str, CourseText],
        versions: Versions,
    ) -> None:
        """Parse one Markdown file into the right collection, or record why not."""
        rel = self._rel(path)
        special, module = SPECIAL_FILE.match(path.name), MODULE_FILE.match(path.name)
        match = special or module
        if match is None:
            message = N_("file name must look like NN-name.LANG.md or _index.LANG.md")
            self.problems.append(Problem(rel, 1, message))
            return
        language = match.group(match.lastindex or 0)
        if language not in self.languages:
            message = N_("unknown language code '%(code)s'", code=language)
            self.problems.append(Problem(rel, 1, message))
            return
        kind = "module" if module else "text"
        parsed, found = parse_bounded(
            self.runner, kind, path, rel, language, self.contacts, self.glossary
        )
        self.problems.extend(found)
        if isinstance(parsed, CourseText) and special:
            target = texts if special.group(1) == "index" else guides
            target[language] = parsed
        elif isinstance(parsed, ModuleVersion) and module:
            number, slug = int(module.group(1)), module.group(2)
            versions.setdefault(slug, {})[language] = (number, parsed)


def test_modules(
    course_slug: str,
    settings: dict[str, Any],
    modules: tuple[Module, ...],
    problems: list[Problem],
) -> dict[str, str | None]:
    """Return the pre- and post-test slugs when both exist and have a quiz."""
    pre, post = settings["pre_test"], settings["post_test"]
    if pre is None:
        return {"pre_test": None, "post_test": None}
    by_slug = {m.slug: m for m in modules}
    for slug in (pre, post):
        module = by_slug.get(slug)
        if module is None or module.versions[module.default_language].quiz is None:
            message = f"test module '{slug}' is missing or has no quiz"
            problems.append(Problem(f"{course_slug}/course.yaml", 1, message))
            return {"pre_test": None, "post_test": None}
    return {"pre_test": pre, "post_test": post}


def parse_bounded(
    runner: BoundedRunner,
    kind: str,
    path: Path,
    rel: str,
    language: str,
    contacts: Mapping[str, Contact],
    glossary: Glossary,
) -> tuple[ModuleVersion | CourseText | None, list[Problem]]:
    """Parse one file in the bounded worker; a file past its limits is a problem."""
    if path.stat().st_size > MAX_FILE_BYTES:
        message = N_("the file is larger than %(size)d KB", size=MAX_FILE_BYTES // 1000)
        return None, [Problem(rel, 1, message)]
    try:
        return runner.call(
            parse_file, kind, path.read_bytes(), rel, language, contacts, glossary
        )
    except TooComplex as exc:
        message = N_(
            "too complex to read (%(reason)s): simplify or split the file",
            reason=str(exc),
        )
        return None, [Problem(rel, 1, message)]


def assemble_modules(
    course_slug: str,
    settings: dict[str, Any],
    versions: Versions,
    problems: list[Problem],
) -> tuple[Module, ...]:
    """Assemble modules in order, leaving out those without a default version.

    A translation whose number or quiz differs from the default version is left out
    (the reader gets the default language), with a problem saying where it differs.
    """
    default = settings["default_language"]
    modules = []
    for slug, by_language in versions.items():
        if default not in by_language:
            path = next(iter(by_language.values()))[1].path
            message = f"no version in the default language '{default}'"
            problems.append(Problem(path, 1, message))
            continue
        number, source = by_language[default]
        kept = {
            language: version
            for language, (other_number, version) in by_language.items()
            if language == default
            or _matches(source, version, number, other_number, problems)
        }
        required = slug not in settings["optional"]
        modules.append(Module(course_slug, slug, number, required, default, kept))
    for slug in settings["optional"] - set(versions):
        message = f"optional module '{slug}' not found"
        problems.append(Problem(f"{course_slug}/course.yaml", 1, message, fatal=False))
    return tuple(sorted(modules, key=lambda m: (m.number, m.slug)))


def _matches(
    source: ModuleVersion,
    other: ModuleVersion,
    number: int,
    other_number: int,
    problems: list[Problem],
) -> bool:
    """Check a translation against the default version; record what differs."""
    if number != other_number:
        message = N_(
            "number %(here)02d differs from %(there)02d; translation left out",
            here=other_number,
            there=number,
        )
        problems.append(Problem(other.path, 1, message))
        return False
    mine, theirs = structure_of(source), structure_of(other)
    if mine == theirs:
        return True
    position, difference = quiz_difference(mine, theirs, source.path)
    message = N_("%(difference)s; translation left out", difference=difference)
    problems.append(Problem(other.path, question_line(other, position), message))
    return False
