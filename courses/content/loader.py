"""The content pipeline: Markdown course files -> an immutable, pre-rendered Catalog.

Pure Python (no Flask): `load_catalog()` reads and renders the whole tree once. A broken
file never stops the site: it is reported as a Problem (`path:line: message`) and,
when the problem is fatal, that file is left out. Names on disk must match fixed
patterns, and nothing from a URL is ever used as a path: views look up this Catalog.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from courses.content.contacts import Contact, load_contacts
from courses.content.markup import render_markdown
from courses.content.quiz import Quiz, QuizSyntaxError, parse_quiz

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
MODULE_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]{0,79})\.([A-Za-z_-]{2,8})\.md$")
SPECIAL_FILE = re.compile(r"^_(index|guide)\.([A-Za-z_-]{2,8})\.md$")
CONTACT_TAG = re.compile(r"\[\[contact:([^\]\s]*)\]\]")
CONTACT_PARAGRAPH = re.compile(r"<p>\[\[contact:([a-z0-9-]{1,40})\]\]</p>")
# A typed phone number: 6+ digits in a run of digits, spaces, dashes and brackets...
PHONE_RUN = re.compile(r"(?<![\w.,/])\+?\(?\d[\d\s()-]{4,}\d(?![\w.,/])")
# ...or a short number right after a word like "call" or "WhatsApp".
CALL_WORDS = re.compile(
    r"\b(call|dial|phone|ring|text|sms|whatsapp|wa|hotline|telepon|telp|tel|hubungi|"
    r"nomor|tawagan|gọi|số|اتصل)\b\W{0,3}(\+?\d[\d\s-]{1,}\d)",
    re.IGNORECASE,
)
# Not phone numbers: year ranges (2020-2024, 2020-24) and ISO dates (2024-01-15).
NOT_A_PHONE = re.compile(
    r"^((1[89]|20)\d\d\s*-\s*((1[89]|20)\d\d|\d\d)|\d{4}-\d{2}-\d{2})$"
)
MODULE_KEYS = {"title", "summary", "minutes", "translated_from"}
BLOB_ID = re.compile(r"^[0-9a-f]{7,40}$")
INDEX_KEYS = {"title", "summary"}


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


@dataclass(frozen=True)
class ModuleVersion:
    """One module in one language."""

    language: str
    title: str
    summary: str
    minutes: int | None
    body: tuple[Segment, ...]
    quiz: Quiz | None
    after_quiz: tuple[Segment, ...]  # e.g. the sources, shown after the quiz
    blob_id: str  # git's id of the file's bytes: a translation names its source's
    translated_from: str | None  # the source's blob_id when this was translated
    path: str


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


@dataclass(frozen=True)
class CourseText:
    """A course's title, summary and introduction in one language."""

    language: str
    title: str
    summary: str
    intro: tuple[Segment, ...]


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


def load_catalog(
    root: Path,
    languages: Sequence[str],
    today: date | None = None,
    contact_max_age_days: int = 365,
) -> Catalog:
    """Read, check and render the whole content tree under `root`."""
    contacts, contact_problems = load_contacts(
        root / "contacts.yaml", today or date.today(), contact_max_age_days
    )
    problems = [
        Problem("contacts.yaml", p.line, p.message, p.fatal) for p in contact_problems
    ]
    loader = _CourseLoader(root, tuple(languages), contacts, problems)
    courses = []
    for entry in sorted(root.iterdir()) if root.is_dir() else ():
        if not entry.is_dir() or entry.name.startswith((".", "_")):
            continue
        if not SLUG.match(entry.name):
            problems.append(
                Problem(entry.name, 1, "course folder name must match a-z0-9-")
            )
            continue
        course = loader.load(entry)
        if course is not None:
            courses.append(course)
    courses.sort(key=lambda c: (c.order, c.slug))
    return Catalog(tuple(courses), contacts, tuple(problems))


@dataclass
class _CourseLoader:
    """Loads one course folder at a time, collecting problems."""

    root: Path
    languages: tuple[str, ...]
    contacts: Mapping[str, Contact]
    problems: list[Problem]

    def load(self, folder: Path) -> Course | None:
        """Return the course in `folder`, or None when it cannot be shown."""
        settings = self._settings(folder)
        if settings is None:
            return None
        texts: dict[str, CourseText] = {}
        guides: dict[str, CourseText] = {}
        versions: dict[str, dict[str, tuple[int, ModuleVersion]]] = {}
        for path in sorted(folder.glob("*.md")):
            self._load_file(path, texts, guides, versions)
        default = settings["default_language"]
        if default not in texts:
            return self._skip(
                folder, f"no _index.{default}.md (course title and summary)"
            )
        modules = self._modules(folder.name, settings, versions)
        if not modules:
            return self._skip(folder, "the course has no usable module")
        return Course(
            slug=folder.name,
            order=settings["order"],
            default_language=default,
            pass_mark=settings["pass_mark"],
            texts=texts,
            guides=guides,
            modules=modules,
        )

    def _skip(self, folder: Path, message: str) -> None:
        self.problems.append(Problem(f"{folder.name}/course.yaml", 1, message))

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _settings(self, folder: Path) -> dict[str, Any] | None:
        """Read and check course.yaml."""
        path = folder / "course.yaml"
        rel = self._rel(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            self.problems.append(Problem(rel, 1, "missing course.yaml"))
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            self.problems.append(Problem(rel, line, f"bad YAML: {_yaml_problem(exc)}"))
            return None
        if not isinstance(data, dict):
            self.problems.append(Problem(rel, 1, "course.yaml must be a mapping"))
            return None
        return self._check_settings(rel, data)

    def _check_settings(self, rel: str, data: dict[str, Any]) -> dict[str, Any] | None:
        default = data.get("default_language")
        pass_mark = data.get("pass_mark", 70)
        order = data.get("order", 100)
        optional = data.get("optional") or []
        errors = []
        if default not in self.languages:
            errors.append(
                f"default_language '{default}' is not one of "
                f"{', '.join(self.languages)}"
            )
        if (
            type(pass_mark) is not int or not 1 <= pass_mark <= 100
        ):  # yes/True is no mark
            errors.append("pass_mark must be a whole number from 1 to 100")
        if type(order) is not int:
            errors.append("order must be a whole number")
        if not isinstance(optional, list) or not all(
            isinstance(s, str) and SLUG.match(s) for s in optional
        ):
            errors.append("optional must be a list of module names")
        for message in errors:
            self.problems.append(Problem(rel, 1, message))
        if errors:
            return None
        return {
            "default_language": default,
            "pass_mark": pass_mark,
            "order": order,
            "optional": frozenset(optional),
        }

    def _load_file(
        self,
        path: Path,
        texts: dict[str, CourseText],
        guides: dict[str, CourseText],
        versions: dict[str, dict[str, tuple[int, ModuleVersion]]],
    ) -> None:
        """Parse one Markdown file into the right collection, or record why not."""
        rel = self._rel(path)
        special, module = SPECIAL_FILE.match(path.name), MODULE_FILE.match(path.name)
        match = special or module
        if match is None:
            self.problems.append(
                Problem(
                    rel, 1, "file name must look like NN-name.LANG.md or _index.LANG.md"
                )
            )
            return
        language = match.group(match.lastindex or 0)
        if language not in self.languages:
            self.problems.append(Problem(rel, 1, f"unknown language code '{language}'"))
            return
        try:
            if special:
                target = texts if special.group(1) == "index" else guides
                target[language] = self._course_text(path, rel, language)
            elif module:
                version = self._module_version(path, rel, language)
                number, slug = int(module.group(1)), module.group(2)
                versions.setdefault(slug, {})[language] = (number, version)
        except ContentError as exc:
            self.problems.append(Problem(rel, exc.line, exc.message))

    def _course_text(self, path: Path, rel: str, language: str) -> CourseText:
        meta, body, first = _split_front_matter(_read_text(path))
        _check_meta(meta, INDEX_KEYS, rel, self.problems)
        self._check_body(body, first, rel)
        return CourseText(
            language=language,
            title=meta["title"],
            summary=str(meta.get("summary") or ""),
            intro=self._segments("\n".join(body)),
        )

    def _module_version(self, path: Path, rel: str, language: str) -> ModuleVersion:
        return self.module_from_text(path.read_bytes(), rel, language)

    def module_from_text(self, data: bytes, rel: str, language: str) -> ModuleVersion:
        """Parse one module file's bytes (from disk, or typed into the preview)."""
        meta, body, first = _split_front_matter(_decode(data))
        _check_meta(meta, MODULE_KEYS, rel, self.problems)
        translated_from = meta.get("translated_from")
        if translated_from is not None and not BLOB_ID.match(str(translated_from)):
            raise ContentError(2, "translated_from must be the source's id (hex)")
        minutes = meta.get("minutes")
        if minutes is not None and (
            not isinstance(minutes, int) or not 0 < minutes < 600
        ):
            raise ContentError(1, "minutes must be a whole number of minutes")
        self._check_body(body, first, rel)
        lesson, quiz, after = _split_quiz(body, first)
        return ModuleVersion(
            language=language,
            title=meta["title"],
            summary=str(meta.get("summary") or ""),
            minutes=minutes,
            body=self._segments("\n".join(lesson)),
            quiz=quiz,
            after_quiz=self._segments("\n".join(after)),
            blob_id=blob_id(data),
            translated_from=str(translated_from) if translated_from else None,
            path=rel,
        )

    def _segments(self, text: str) -> tuple[Segment, ...]:
        """Render Markdown and cut it where a help contact is to be shown."""
        html = render_markdown(text)
        segments: list[Segment] = []
        position = 0
        for match in CONTACT_PARAGRAPH.finditer(html):
            segments.append(Segment(html=Markup(html[position : match.start()])))  # noqa: S704
            if match.group(1) in self.contacts:
                segments.append(Segment(contact_id=match.group(1)))
            position = match.end()
        segments.append(Segment(html=Markup(html[position:])))  # noqa: S704
        return tuple(s for s in segments if s.contact_id or (s.html and s.html.strip()))

    def _check_body(self, body: Sequence[str], first: int, rel: str) -> None:
        """Record typed phone numbers and unknown or misplaced contact tags."""
        for offset, line in enumerate(body):
            number = first + offset
            for tag in CONTACT_TAG.finditer(line):
                if tag.group(1) not in self.contacts:
                    self._warn(rel, number, f"unknown contact '{tag.group(1)}'")
                elif line.strip() != tag.group(0):
                    self._warn(rel, number, "put [[contact:...]] on a line of its own")
            for phone in _typed_numbers(CONTACT_TAG.sub("", line)):
                self._warn(
                    rel,
                    number,
                    f"'{phone}' looks like a phone number: use [[contact:ID]] "
                    "from contacts.yaml instead",
                )

    def _warn(self, rel: str, line: int, message: str) -> None:
        self.problems.append(Problem(rel, line, message, fatal=False))

    def _modules(
        self,
        course_slug: str,
        settings: dict[str, Any],
        versions: dict[str, dict[str, tuple[int, ModuleVersion]]],
    ) -> tuple[Module, ...]:
        """Assemble modules in order, leaving out those without a default version."""
        default = settings["default_language"]
        modules = []
        for slug, by_language in versions.items():
            if default not in by_language:
                path = next(iter(by_language.values()))[1].path
                self.problems.append(
                    Problem(path, 1, f"no version in the default language '{default}'")
                )
                continue
            number, source = by_language[default]
            kept = {default: source}
            for language, (other_number, version) in by_language.items():
                if language != default and self._same_quiz(
                    source, version, number, other_number
                ):
                    kept[language] = version
            required = slug not in settings["optional"]
            modules.append(Module(course_slug, slug, number, required, default, kept))
        for slug in settings["optional"] - set(versions):
            self._warn(
                f"{course_slug}/course.yaml", 1, f"optional module '{slug}' not found"
            )
        return tuple(sorted(modules, key=lambda m: (m.number, m.slug)))

    def _same_quiz(
        self,
        source: ModuleVersion,
        other: ModuleVersion,
        number: int,
        other_number: int,
    ) -> bool:
        """Check a translation against the default version; record what differs."""
        if number != other_number:
            self.problems.append(
                Problem(
                    other.path,
                    1,
                    f"number {other_number:02d} differs from {number:02d}",
                )
            )
            return False
        mine = source.quiz.structure() if source.quiz else ()
        theirs = other.quiz.structure() if other.quiz else ()
        if mine == theirs:
            return True
        position, message = _quiz_difference(mine, theirs, source.path)
        self.problems.append(
            Problem(other.path, _question_line(other, position), message)
        )
        return False


def blob_id(data: bytes) -> str:
    """Return git's object id for these bytes (what `git hash-object` prints)."""
    header = f"blob {len(data)}\0".encode()
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(1, "the file is not UTF-8 text") from exc


def _read_text(path: Path) -> str:
    return _decode(path.read_bytes())


def _split_front_matter(text: str) -> tuple[dict[str, Any], list[str], int]:
    """Return (front matter, body lines, file line number of the first body line)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            1, "the file must start with front matter between '---' lines"
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise ContentError(1, "front matter is not closed with a '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(
            (mark.line + 2) if mark else 1,
            f"bad front matter: {getattr(exc, 'problem', exc)}",
        ) from None
    if not isinstance(meta, dict):
        raise ContentError(2, "front matter must be 'key: value' lines")
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        raise ContentError(2, "front matter needs a 'title'")
    return meta, lines[end + 1 :], end + 2


def _check_meta(
    meta: dict[str, Any], known: set[str], rel: str, problems: list[Problem]
) -> None:
    for key in sorted(set(meta) - known):
        problems.append(
            Problem(rel, 2, f"unknown front matter field '{key}'", fatal=False)
        )


def _split_quiz(
    body: list[str], first: int
) -> tuple[list[str], Quiz | None, list[str]]:
    """Return the lines before the :::quiz block, its quiz, and the lines after it."""
    starts = [i for i, line in enumerate(body) if line.strip() == ":::quiz"]
    if not starts:
        return body, None, []
    if len(starts) > 1:
        raise ContentError(
            first + starts[1], "a module can have only one :::quiz block"
        )
    start = starts[0]
    try:
        end = next(i for i in range(start + 1, len(body)) if body[i].strip() == ":::")
    except StopIteration:
        raise ContentError(
            first + start, "the :::quiz block is not closed with ':::'"
        ) from None
    try:
        quiz = parse_quiz(body[start + 1 : end], first + start + 1)
    except QuizSyntaxError as exc:
        raise ContentError(exc.line, exc.message) from None
    return body[:start], quiz, body[end + 1 :]


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """Return PyYAML's error as one line (its own text spans several)."""
    problem = getattr(exc, "problem", None) or "the file cannot be read"
    return " ".join(str(problem).split())


def _typed_numbers(line: str) -> list[str]:
    """Return the phone-number-like strings typed in a line."""
    found: dict[str, None] = {}  # ordered, without repeats
    for match in PHONE_RUN.finditer(line):
        text = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in text)
        if digits >= 6 and not NOT_A_PHONE.match(text.strip("()")):
            found[text.lstrip("(")] = None
    for match in CALL_WORDS.finditer(line):
        number = match.group(2).strip()
        if not any(number in earlier for earlier in found):
            found[number] = None
    return list(found)


def _quiz_difference(
    mine: tuple[Any, ...], theirs: tuple[Any, ...], source_path: str
) -> tuple[int, str]:
    """Return the 1-based question that differs first (0: the count) and a message."""
    if len(mine) != len(theirs):
        return 0, (
            f"the quiz has {len(theirs)} questions but {source_path} has {len(mine)}; "
            "translation left out"
        )
    labels = ("name", "kind", "number of options", "right options")
    verbs = ("differs", "differs", "differs", "differ")
    for position, (a, b) in enumerate(zip(mine, theirs, strict=True), 1):
        for label, verb, x, y in zip(labels, verbs, a, b, strict=True):
            if x != y:
                here, there = _describe(label, y), _describe(label, x)
                return position, (
                    f"question {position}: {label} {verb} from {source_path} "
                    f"({here} here, {there} there); translation left out"
                )
    return 0, "the quiz differs from the default language; translation left out"


def _question_line(version: ModuleVersion, position: int) -> int:
    """Return the file line of question `position` (1 for the whole quiz)."""
    if position and version.quiz and position <= len(version.quiz.questions):
        return version.quiz.questions[position - 1].line
    return 1


def _describe(label: str, value: Any) -> str:
    """Say a quiz property in an editor's words (options counted from 1)."""
    if label == "right options":
        return "option " + " and ".join(str(i + 1) for i in value)
    return repr(value) if label == "name" else str(value)


def parse_module_text(
    text: str,
    language: str,
    languages: Sequence[str],
    contacts: Mapping[str, Contact],
    source: ModuleVersion | None = None,
) -> tuple[ModuleVersion | None, list[Problem]]:
    """Check and render one module typed by an editor, as `content check` would.

    With `source` (the default-language version of the module being translated), the
    quiz is also compared with it.
    """
    problems: list[Problem] = []
    loader = _CourseLoader(Path("."), tuple(languages), contacts, problems)
    rel = f"preview.{language}.md"
    try:
        version = loader.module_from_text(text.encode("utf-8"), rel, language)
    except ContentError as exc:
        return None, [*problems, Problem(rel, exc.line, exc.message)]
    if source is not None and version.quiz != source.quiz:
        mine = source.quiz.structure() if source.quiz else ()
        theirs = version.quiz.structure() if version.quiz else ()
        if mine != theirs:
            position, message = _quiz_difference(mine, theirs, source.path)
            message = message.replace("; translation left out", "")
            problems.append(Problem(rel, _question_line(version, position), message))
    return version, problems
