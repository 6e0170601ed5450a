"""A course's `course.yaml`: default language, pass mark, order, optional modules,
the pre-test and post-test that measure what a session's learners gained, and the
country whose help contacts `[[contacts:TOPIC]]` shows when the reader chose none."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from courses.content.catalog import Problem
from courses.content.yaml_reader import YamlProblem, load_yaml

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


def read_settings(
    path: Path, rel: str, languages: Sequence[str], problems: list[Problem]
) -> dict[str, Any] | None:
    """Read and check course.yaml; return None (with problems) when unusable."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        problems.append(Problem(rel, 1, "missing course.yaml"))
        return None
    except (YamlProblem, UnicodeDecodeError) as exc:
        line, message = getattr(exc, "line", 1), getattr(exc, "message", "not UTF-8")
        problems.append(Problem(rel, line, f"bad YAML: {message}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(rel, 1, "course.yaml must be a mapping"))
        return None
    errors = _setting_errors(data, languages)
    problems.extend(Problem(rel, 1, message) for message in errors)
    if errors:
        return None
    return {
        "default_language": data["default_language"],
        "pass_mark": data.get("pass_mark", 70),
        "order": data.get("order", 100),
        "optional": frozenset(data.get("optional") or []),
        "pre_test": data.get("pre_test"),
        "post_test": data.get("post_test"),
        "country": data.get("country"),
    }


def _setting_errors(data: dict[str, Any], languages: Sequence[str]) -> list[str]:
    """Return what is wrong with the settings, in an editor's words."""
    default = data.get("default_language")
    pass_mark = data.get("pass_mark", 70)
    optional = data.get("optional") or []
    errors = []
    if default not in languages:
        errors.append(
            f"default_language '{default}' is not one of {', '.join(languages)}"
        )
    if type(pass_mark) is not int or not 1 <= pass_mark <= 100:  # yes/True is no mark
        errors.append("pass_mark must be a whole number from 1 to 100")
    if type(data.get("order", 100)) is not int:
        errors.append("order must be a whole number")
    for key in ("pre_test", "post_test"):
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and SLUG.match(value)):
            errors.append(f"{key} must be the name of a module of this course")
    if bool(data.get("pre_test")) != bool(data.get("post_test")):
        errors.append("name both pre_test and post_test, or neither")
    country = data.get("country")
    if country is not None and not COUNTRY.match(str(country)):
        errors.append("country must be a two-letter code such as ID or PH")
    if not isinstance(optional, list) or not all(
        isinstance(s, str) and SLUG.match(s) for s in optional
    ):
        errors.append("optional must be a list of module names")
    return errors
