"""One Markdown file of a course: front matter, body, quiz block, rendered segments.

`FileParser` turns the bytes of a module file (`NN-slug.LANG.md`) or of a course
text (`_index.LANG.md`, `_guide.LANG.md`) into model objects, recording problems
with their line numbers. It renders Markdown once, here, never per request.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from courses.content.catalog import (
    ContentError,
    CourseText,
    ModuleVersion,
    Problem,
    Segment,
)
from courses.content.contacts import TOPICS, Contact
from courses.content.glossary import Glossary, explain_terms
from courses.content.lesson_checks import WordCheck, check_lines, check_module_lines
from courses.content.markup import render_inline, render_markdown
from courses.content.messages import N_
from courses.content.quiz import Quiz, QuizSyntaxError, parse_quiz, read_quiz
from courses.content.yaml_reader import YamlProblem, load_yaml

MODULE_KEYS = {
    "title", "summary", "key_points", "minutes", "translated_from", "translation"
}  # fmt: skip
INDEX_KEYS = {"title", "summary", "translation"}
# How a translation was made: with machine help (unreviewed) or reviewed by a native
# speaker. Learners see a note on lessons no native speaker has reviewed yet.
REVIEW_STATES = ("machine-assisted", "reviewed")
BLOB_ID = re.compile(r"^[0-9a-f]{7,40}$")
CONTACT_PARAGRAPH = re.compile(r"<p>\[\[(contact|contacts):([a-z0-9-]{1,40})\]\]</p>")
# What is not read aloud: source markers [S12], contact tags, link targets.
NOT_WORDS = re.compile(
    r"\[S\d{1,4}\]|\[\[[^\]]{0,80}\]\]|\]\([^)\s]{0,500}\)|\{[^}]{0,80}\}"
)
# Markdown's and the quiz's own marks at the start of a line: "1.", "- [x]", ">".
LINE_MARKS = re.compile(r"^\s*(:::\w*|\d{1,3}[.)]|[-*+]\s+\[[ xX]\]|[-*+]|>|#+)\s*")
WORD = re.compile(r"\w+")
KEY_POINTS = (3, 5)
# A module with less lesson text than this (a pre-test, say) needs no key points.
KEY_POINTS_FROM_WORDS = 150


def parse_file(
    kind: str,
    data: bytes,
    rel: str,
    language: str,
    contacts: Mapping[str, Contact],
    glossary: Glossary | None = None,
    lenient: bool = False,
) -> tuple[ModuleVersion | CourseText | None, list[Problem]]:
    """Parse a module file (`kind` "module") or a course text; never raises.

    Returns the parsed object, or None when a fatal problem leaves it out, and every
    problem found. This is what runs in the bounded worker process. `lenient` (the
    editor's preview) keeps a module whose quiz has problems, with the questions that
    are right, so the editor sees what works next to every problem.
    """
    problems: list[Problem] = []
    parser = FileParser(contacts, problems, glossary or Glossary(), lenient)
    try:
        if kind == "module":
            return parser.module(data, rel, language), problems
        return parser.course_text(data, rel, language), problems
    except ContentError as exc:
        return None, [*problems, Problem(rel, exc.line, exc.message)]
    except QuizSyntaxError as exc:
        return None, [*problems, *(Problem(rel, n, text) for n, text in exc.problems)]


@dataclass
class FileParser:
    """Parses course files against the known contacts, collecting problems."""

    contacts: Mapping[str, Contact]
    problems: list[Problem]
    glossary: Glossary = field(default_factory=Glossary)
    lenient: bool = False

    def course_text(self, data: bytes, rel: str, language: str) -> CourseText:
        """Parse a course's `_index` or `_guide` file."""
        meta, body, first = split_front_matter(decode(data))
        self._check_meta(meta, INDEX_KEYS, rel)
        words = WordCheck(self.glossary, language, acronyms=False)
        self.problems.extend(check_lines(body, first, rel, self.contacts, words))
        return CourseText(
            language=language,
            title=meta["title"],
            summary=str(meta.get("summary") or ""),
            intro=self.renderer.segments("\n".join(body)),
            review=read_review(meta),
        )

    def module(self, data: bytes, rel: str, language: str) -> ModuleVersion:
        """Parse one module file's bytes (from disk, or typed into the preview)."""
        meta, body, first = split_front_matter(decode(data))
        self._check_meta(meta, MODULE_KEYS, rel)
        translated_from = meta.get("translated_from")
        if translated_from is not None and not BLOB_ID.match(str(translated_from)):
            raise ContentError(2, N_("translated_from must be the source's id (hex)"))
        if "minutes" in meta:
            self.warn(
                rel, 2, N_("remove 'minutes': reading time is counted from the words")
            )
        try:
            lesson, block, after = split_quiz(body, first)
            quiz = self._quiz(block, rel)
        except (ContentError, QuizSyntaxError):  # the file's other problems too
            self._check_module_lines(body, first, rel, language, 0)
            raise
        self._check_module_lines(body, first, rel, language, len(after))
        return self.renderer.module_version(
            data, rel, language, meta, (body, lesson, after), quiz
        )

    @property
    def renderer(self) -> ModuleRenderer:
        """Return the renderer of this parser's parts (same contacts and problems)."""
        return ModuleRenderer(self.contacts, self.glossary, self.problems)

    def _quiz(self, block: QuizBlock | None, rel: str) -> Quiz | None:
        """Parse the quiz block: strictly, or (lenient) keeping what is right."""
        if block is None:
            return None
        lines, first = block
        if not self.lenient:
            return parse_quiz(lines, first)
        quiz, problems = read_quiz(lines, first)
        self.problems.extend(Problem(rel, line, text) for line, text in problems)
        return quiz

    def _check_module_lines(
        self, body: list[str], first: int, rel: str, language: str, after: int
    ) -> None:
        self.problems.extend(
            check_module_lines(
                body, first, rel, self.contacts, self.glossary, language, after
            )
        )

    def _check_meta(self, meta: dict[str, Any], known: set[str], rel: str) -> None:
        for key in sorted(set(meta) - known):
            self.warn(rel, 2, N_("unknown front matter field '%(key)s'", key=key))

    def warn(self, rel: str, line: int, message: str) -> None:
        """Record a problem that does not leave the file out."""
        self.problems.append(Problem(rel, line, message, fatal=False))


@dataclass
class ModuleRenderer:
    """Renders the parts of a parsed file: Markdown cut where help contacts go, the
    glossary's first-use meanings, and key points; problems go to the parser's list."""

    contacts: Mapping[str, Contact]
    glossary: Glossary
    problems: list[Problem]

    def module_version(
        self,
        data: bytes,
        rel: str,
        language: str,
        meta: dict[str, Any],
        parts: tuple[list[str], list[str], list[str]],
        quiz: Quiz | None,
    ) -> ModuleVersion:
        """Assemble a parsed module: its rendered parts, counts and marks."""
        body, lesson, after = parts
        translated_from = meta.get("translated_from")
        words = count_words(lesson) + count_words(
            body[len(lesson) : len(body) - len(after)]
        )
        rendered = explain_segments(
            self.segments("\n".join(lesson)), self.glossary, language
        )
        return ModuleVersion(
            language=language,
            title=meta["title"],
            summary=str(meta.get("summary") or ""),
            key_points=self.key_points(meta.get("key_points"), lesson, rel),
            words=words,
            body=rendered,
            sections=split_sections(rendered),
            headings=section_headings(rendered),
            quiz=quiz,
            after_quiz=self.segments("\n".join(after)),
            blob_id=blob_id(data),
            translated_from=str(translated_from) if translated_from else None,
            review=read_review(meta),
            path=rel,
        )

    def key_points(
        self, value: Any, lesson: Sequence[str], rel: str
    ) -> tuple[Markup, ...]:
        """Return a module's key points, rendered (their problems recorded)."""
        points, problems = read_key_points(value, count_words(lesson), rel)
        self.problems.extend(problems)
        return tuple(Markup(render_inline(point)) for point in points)  # noqa: S704

    def segments(self, text: str) -> tuple[Segment, ...]:
        """Render Markdown and cut it where a help contact is to be shown."""
        return render_segments(text, self.contacts)


def render_segments(text: str, contacts: Mapping[str, Contact]) -> tuple[Segment, ...]:
    """Render Markdown and cut it where a help contact (or a topic's contacts) goes."""
    html = render_markdown(text)
    segments: list[Segment] = []
    position = 0
    for match in CONTACT_PARAGRAPH.finditer(html):
        segments.append(Segment(html=Markup(html[position : match.start()])))  # noqa: S704
        kind, name = match.groups()
        if kind == "contact" and name in contacts:
            segments.append(Segment(contact_id=name))
        elif kind == "contacts" and name in TOPICS:
            segments.append(Segment(topic=name))
        position = match.end()
    segments.append(Segment(html=Markup(html[position:])))  # noqa: S704
    return tuple(s for s in segments if s.contact_id or s.topic or _has_text(s))


def _has_text(segment: Segment) -> bool:
    return bool(segment.html and segment.html.strip())


SECTION_START = re.compile(r"(?=<h2[ >])")


def explain_segments(
    segments: tuple[Segment, ...], glossary: Glossary, language: str
) -> tuple[Segment, ...]:
    """Explain each glossary term at its first use on the page (on tap)."""
    seen: set[str] = set()
    return tuple(
        Segment(html=Markup(explain_terms(s.html, glossary, language, seen)))  # noqa: S704
        if s.html is not None
        else s
        for s in segments
    )


def split_sections(body: tuple[Segment, ...]) -> tuple[tuple[Segment, ...], ...]:
    """Cut rendered segments before each <h2>, keeping contacts in their section."""
    sections: list[list[Segment]] = [[]]
    for segment in body:
        if segment.html is None:
            sections[-1].append(segment)
            continue
        pieces = SECTION_START.split(str(segment.html))
        for index, piece in enumerate(pieces):
            if index > 0 or (piece.startswith("<h2") and sections[-1]):
                sections.append([])
            if piece.strip():
                sections[-1].append(Segment(html=Markup(piece)))  # noqa: S704 - sanitised
    return tuple(tuple(s) for s in sections if s)


SECTION_HEADING = re.compile(r'<h2 id="(h-[^"]{1,120})">(.{1,2000}?)</h2>')
TAG = re.compile(r"<[^>]{0,2000}>")


def section_headings(body: tuple[Segment, ...]) -> tuple[tuple[str, str], ...]:
    """Return each second-level heading's anchor and text (tags removed, still
    escaped as the sanitiser left it), for the "on this page" links."""
    html = "".join(str(s.html) for s in body if s.html is not None)
    return tuple(
        (anchor, Markup(TAG.sub("", text).strip()))  # noqa: S704 - sanitised text
        for anchor, text in SECTION_HEADING.findall(html)
    )


def read_review(meta: dict[str, Any]) -> str | None:
    """Return how a translation was made (`translation:`), or None if not said."""
    value = meta.get("translation")
    if value is None or value in REVIEW_STATES:
        return value
    raise ContentError(2, N_("translation must be 'machine-assisted' or 'reviewed'"))


def read_key_points(
    value: Any, lesson_words: int, rel: str
) -> tuple[list[str], list[Problem]]:
    """Return the front matter's key points; warn when a long lesson lacks them."""
    if value is None:
        if lesson_words < KEY_POINTS_FROM_WORDS:
            return [], []
        message = N_("add 'key_points:', three to five short sentences")
        return [], [Problem(rel, 2, message, fatal=False)]
    if not isinstance(value, list) or not all(
        isinstance(point, str) and point.strip() for point in value
    ):
        raise ContentError(
            2, N_("key_points must be a list of short sentences ('- ...')")
        )
    low, high = KEY_POINTS
    if low <= len(value) <= high:
        return value, []
    message = N_(
        "key_points has %(count)d points: give %(low)d to %(high)d",
        count=len(value),
        low=low,
        high=high,
    )
    return value, [Problem(rel, 2, message, fatal=False)]


def count_words(lines: Sequence[str]) -> int:
    """Return how many words a reader reads in these Markdown lines."""
    return sum(
        len(WORD.findall(NOT_WORDS.sub(" ", LINE_MARKS.sub("", line))))
        for line in lines
    )


def blob_id(data: bytes) -> str:
    """Return git's object id for these bytes (what `git hash-object` prints)."""
    header = f"blob {len(data)}\0".encode()
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def decode(data: bytes) -> str:
    """Return the file's text, or raise ContentError if it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(1, N_("the file is not UTF-8 text")) from exc


def split_front_matter(text: str) -> tuple[dict[str, Any], list[str], int]:
    """Return (front matter, body lines, file line number of the first body line)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ContentError(
            1, N_("the file must start with front matter between '---' lines")
        )
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        message = N_("front matter is not closed with a '---' line")
        raise ContentError(1, message) from None
    try:
        meta = load_yaml("\n".join(lines[1:end])) or {}
    except YamlProblem as exc:  # the front matter starts on the file's line 2
        message = N_("bad front matter: %(detail)s", detail=exc.message)
        raise ContentError(exc.line + 1, message) from None
    if not isinstance(meta, dict):
        raise ContentError(2, N_("front matter must be 'key: value' lines"))
    if not isinstance(meta.get("title"), str) or not meta["title"].strip():
        raise ContentError(2, N_("front matter needs a 'title'"))
    return meta, lines[end + 1 :], end + 2


QuizBlock = tuple[
    list[str], int
]  # the lines inside :::quiz, the file line of the first


def split_quiz(
    body: list[str], first: int
) -> tuple[list[str], QuizBlock | None, list[str]]:
    """Return the lines before the :::quiz block, its lines, and the lines after it."""
    starts = [i for i, line in enumerate(body) if line.strip() == ":::quiz"]
    if not starts:
        return body, None, []
    if len(starts) > 1:
        raise ContentError(
            first + starts[1], N_("a module can have only one :::quiz block")
        )
    start = starts[0]
    try:
        end = next(i for i in range(start + 1, len(body)) if body[i].strip() == ":::")
    except StopIteration:
        raise ContentError(
            first + start, N_("the :::quiz block is not closed with ':::'")
        ) from None
    return body[:start], (body[start + 1 : end], first + start + 1), body[end + 1 :]
