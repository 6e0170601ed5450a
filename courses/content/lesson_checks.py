"""Checks on the lines of a lesson: help contacts and numbers typed by hand.

Each check returns problems with the file line they concern; none of them is fatal,
so a lesson with a slip still reaches learners while `content check` names the slip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from courses.content.catalog import Problem
from courses.content.contacts import Contact
from courses.content.phone_numbers import typed_numbers

CONTACT_TAG = re.compile(r"\[\[contact:([^\]\s]*)\]\]")


def check_lines(
    body: Sequence[str], first: int, rel: str, contacts: Mapping[str, Contact]
) -> list[Problem]:
    """Return the problems of a file's body lines (`first` is the first's number)."""
    problems = []
    for offset, line in enumerate(body):
        number = first + offset
        problems.extend(
            Problem(rel, number, message, fatal=False)
            for message in _line_problems(line, contacts)
        )
    return problems


def _line_problems(line: str, contacts: Mapping[str, Contact]) -> list[str]:
    """Return what is wrong with one line: unknown or misplaced contacts, numbers."""
    found = []
    for tag in CONTACT_TAG.finditer(line):
        if tag.group(1) not in contacts:
            found.append(f"unknown contact '{tag.group(1)}'")
        elif line.strip() != tag.group(0):
            found.append("put [[contact:...]] on a line of its own")
    found.extend(
        f"'{phone}' looks like a phone number: use [[contact:ID]] "
        "from contacts.yaml instead"
        for phone in typed_numbers(CONTACT_TAG.sub("", line))
    )
    return found
