"""Checks on the lines of a lesson: help contacts and numbers typed by hand.

Each check returns problems with the file line they concern; none of them is fatal,
so a lesson with a slip still reaches learners while `content check` names the slip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from courses.content.catalog import Problem
from courses.content.contacts import TOPICS, Contact
from courses.content.glossary import Glossary
from courses.content.messages import N_
from courses.content.phone_numbers import typed_numbers

CONTACT_TAG = re.compile(r"\[\[contact:([^\]\s]*)\]\]")
TOPIC_TAG = re.compile(r"\[\[contacts:([^\]\s]*)\]\]")
SOURCE_MARK = re.compile(r"\[S\d{1,4}\]")
# A line of a module's source list ("- [S12] ..."), even in a module without a quiz.
SOURCE_LINE = re.compile(r"^\s*[-*]\s+\[S\d{1,4}\]")


def check_lines(
    body: Sequence[str],
    first: int,
    rel: str,
    contacts: Mapping[str, Contact],
    words: WordCheck | None = None,
) -> list[Problem]:
    """Return the problems of a file's body lines (`first` is the first's number)."""
    problems = []
    for offset, line in enumerate(body):
        number = first + offset
        messages = _line_problems(line, contacts)
        if words is not None:
            messages += words.problems(line)
        problems.extend(Problem(rel, number, m, fatal=False) for m in messages)
    return problems


def check_module_lines(
    body: list[str],
    first: int,
    rel: str,
    contacts: Mapping[str, Contact],
    glossary: Glossary,
    language: str,
    after: int,
) -> list[Problem]:
    """Check a module: lesson and quiz (acronyms too), then the `after` source lines."""
    cut = len(body) - after
    lesson = WordCheck(glossary, language, acronyms=True)
    sources = WordCheck(glossary, language, acronyms=False)
    return [
        *check_lines(body[:cut], first, rel, contacts, lesson),
        *check_lines(body[cut:], first + cut, rel, contacts, sources),
    ]


@dataclass(frozen=True)
class WordCheck:
    """The glossary's checks for one file: discouraged words, undefined acronyms."""

    glossary: Glossary
    language: str
    acronyms: bool  # only lessons must define their acronyms (not guides)

    def problems(self, line: str) -> list[str]:
        """Return what the glossary says is wrong with one line."""
        text = TOPIC_TAG.sub("", CONTACT_TAG.sub("", SOURCE_MARK.sub("", line)))
        found = [
            N_("use '%(use)s', not '%(word)s' (glossary.yaml)", use=use, word=word)
            for word, use in self.glossary.discouraged(text, self.language)
        ]
        if self.acronyms and not SOURCE_LINE.match(line):
            found += [
                N_(
                    "'%(acronym)s' is not in glossary.yaml for '%(language)s': "
                    "add its plain meaning there",
                    acronym=acronym,
                    language=self.language,
                )
                for acronym in self.glossary.undefined_acronyms(text, self.language)
            ]
        return found


def _line_problems(line: str, contacts: Mapping[str, Contact]) -> list[str]:
    """Return what is wrong with one line: unknown or misplaced contacts, numbers."""
    found = []
    for tag in CONTACT_TAG.finditer(line):
        if tag.group(1) not in contacts:
            found.append(N_("unknown contact '%(contact)s'", contact=tag.group(1)))
        elif line.strip() != tag.group(0):
            found.append(N_("put [[contact:...]] on a line of its own"))
    for tag in TOPIC_TAG.finditer(line):
        if tag.group(1) not in TOPICS:
            found.append(
                N_(
                    "unknown topic '%(topic)s' (use one of: %(topics)s)",
                    topic=tag.group(1),
                    topics=", ".join(sorted(TOPICS)),
                )
            )
        elif line.strip() != tag.group(0):
            found.append(N_("put [[contacts:...]] on a line of its own"))
    found.extend(
        N_(
            "'%(phone)s' looks like a phone number: use [[contact:ID]] "
            "from contacts.yaml instead",
            phone=phone,
        )
        for phone in typed_numbers(CONTACT_TAG.sub("", line))
    )
    return found
