"""Words that explain themselves: the glossary (content/glossary.yaml).

Two parts. `terms`: acronyms and hard words with a plain meaning per language; the first
use of each on a page shows that meaning on tap, without JavaScript (a <details>), and
`content check` reports an acronym a lesson uses that the glossary does not define.
(The meaning is a popover: HTML alone, no JavaScript.)
`preferred`: one word per idea and language ("markas penipuan", not "kompleks
penipuan"); `content check` reports the others where they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from courses.content.yaml_reader import YamlProblem, load_yaml

ACRONYM = re.compile(r"(?<![\w#\[])([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*)(?![\w\]])")
# Capitals that are not acronyms a reader needs explained.
NOT_ACRONYMS = frozenset(
    {"OK", "ID", "TV", "HP", "SMS", "PDF", "URL", "WA", "A4", "AM", "PM", "PIN"}
)
TAG_OR_TEXT = re.compile(r"(<[^>]+>)")
# Text inside these is left as it is: links, headings, code, a term already explained.
SKIP_INSIDE = ("a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "button", "th")


@dataclass(frozen=True)
class Preferred:
    """One word to use, and the words to use it instead of, in one language."""

    use: str
    instead_of: tuple[str, ...]
    pattern: re.Pattern[str] = field(compare=False, hash=False)


@dataclass(frozen=True)
class Glossary:
    """Plain meanings by term and language, and preferred words by language."""

    meanings: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    preferred: Mapping[str, tuple[Preferred, ...]] = field(default_factory=dict)

    @cached_property
    def terms(self) -> re.Pattern[str] | None:
        """Return a pattern matching any term as a whole word (longest first)."""
        if not self.meanings:
            return None
        names = sorted(self.meanings, key=len, reverse=True)
        return re.compile(
            r"(?<![\w#\[])(" + "|".join(map(re.escape, names)) + r")(?!\w)"
        )

    def meaning(self, term: str, language: str) -> str | None:
        """Return the plain meaning of `term` in `language`, if the glossary has one."""
        return self.meanings.get(term, {}).get(language)

    def undefined_acronyms(self, text: str, language: str) -> list[str]:
        """Return the acronyms in `text` without a meaning in `language`."""
        if self.terms is not None:  # "Migrant CARE" is defined: its CARE is too
            text = self.terms.sub(" ", text)
        found = dict.fromkeys(m.group(1) for m in ACRONYM.finditer(text))
        return [
            a for a in found if a not in NOT_ACRONYMS and not self.meaning(a, language)
        ]

    def discouraged(self, text: str, language: str) -> list[tuple[str, str]]:
        """Return (word found, word to use) for each discouraged word in `text`."""
        found = []
        for item in self.preferred.get(language, ()):
            for match in item.pattern.finditer(text):
                found.append((match.group(0), item.use))
        return found


def load_glossary(path: Path) -> tuple[Glossary, list[tuple[int, str]]]:
    """Read glossary.yaml; return the glossary and (line, message) problems."""
    if not path.exists():
        return Glossary(), []
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except (YamlProblem, UnicodeDecodeError) as exc:
        return Glossary(), [(getattr(exc, "line", 1), f"bad YAML: {exc}")]
    if not isinstance(data, dict):
        return Glossary(), [(1, "glossary.yaml must have 'terms:' and 'preferred:'")]
    meanings, problems = _meanings(data.get("terms") or [])
    preferred, more = _preferred(data.get("preferred") or {})
    return Glossary(meanings, preferred), problems + more


def _meanings(items: Any) -> tuple[dict[str, dict[str, str]], list[tuple[int, str]]]:
    meanings: dict[str, dict[str, str]] = {}
    problems = []
    for item in items if isinstance(items, list) else []:
        term = item.get("term") if isinstance(item, dict) else None
        meaning = item.get("meaning") if isinstance(item, dict) else None
        if not isinstance(term, str) or not isinstance(meaning, dict):
            problems.append((1, "each term needs 'term:' and 'meaning:' by language"))
            continue
        meanings[term] = {str(k): str(v) for k, v in meaning.items() if v}
    return meanings, problems


def _preferred(
    by_language: Any,
) -> tuple[dict[str, tuple[Preferred, ...]], list[tuple[int, str]]]:
    preferred: dict[str, tuple[Preferred, ...]] = {}
    problems = []
    for language, items in by_language.items() if isinstance(by_language, dict) else []:
        entries = []
        for item in items if isinstance(items, list) else []:
            use, instead = (
                (item.get("use"), item.get("instead_of"))
                if isinstance(item, dict)
                else (None, None)
            )
            if not isinstance(use, str) or not isinstance(instead, list):
                problems.append(
                    (1, "each preferred word needs 'use:' and 'instead_of:'")
                )
                continue
            words = tuple(str(w) for w in instead)
            pattern = re.compile(
                r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
                re.IGNORECASE,
            )
            entries.append(Preferred(use, words, pattern))
        preferred[str(language)] = tuple(entries)
    return preferred, problems


def explain_terms(html: str, glossary: Glossary, language: str, seen: set[str]) -> str:
    """Return `html` with the first use of each glossary term explained on tap.

    `seen` carries the terms explained earlier on the same page (it is updated).
    Only text outside links, headings and code is changed; the meaning is escaped.
    """
    pieces = TAG_OR_TEXT.split(html)
    depth = 0
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            depth += _depth_change(piece)
            continue
        if depth == 0 and piece:
            pieces[index] = _explain(piece, glossary, language, seen)
    return "".join(pieces)


def _depth_change(tag: str) -> int:
    name = tag.strip("</>").split()[0].lower() if tag.strip("</>") else ""
    if name not in SKIP_INSIDE or tag.endswith("/>"):
        return 0
    return -1 if tag.startswith("</") else 1


def _explain(text: str, glossary: Glossary, language: str, seen: set[str]) -> str:
    pattern = glossary.terms
    if pattern is None:
        return text

    def replace(match: re.Match[str]) -> str:
        term = match.group(1)
        meaning = glossary.meaning(term, language)
        if meaning is None or term in seen:
            return match.group(0)
        seen.add(term)
        anchor = "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
        # A popover needs no script; where a browser has none, the meaning shows
        # inline. Both are phrasing content, so the paragraph stays valid HTML.
        return (
            f'<button type="button" class="term" popovertarget="{anchor}">'
            f"{term}</button>"
            f'<span class="term-meaning" id="{anchor}" popover>{escape(meaning)}</span>'
        )

    return pattern.sub(replace, text)


def explained(
    html_pieces: Iterable[Markup], glossary: Glossary, language: str
) -> list[Markup]:
    """Explain terms across the pieces of one page, each term once."""
    seen: set[str] = set()
    return [
        Markup(explain_terms(str(piece), glossary, language, seen))  # noqa: S704 - escaped
        for piece in html_pieces
    ]
