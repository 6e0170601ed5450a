"""Tests for `flask content check`: a clean tree exits 0; problems exit 1."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES


def broken_tree(tmp_path: Path) -> Path:
    """Return a copy of the fixture tree whose English quiz lacks an explanation."""
    root = tmp_path / "broken-content"
    shutil.copytree(FIXTURES / "content", root)
    path = root / "sample-course" / "01-first-steps.en.md"
    text = path.read_text(encoding="utf-8")
    explanation = "   > Taking documents and charging fees are warning signs.\n"
    assert explanation in text
    path.write_text(text.replace(explanation, ""), encoding="utf-8")
    return root


def test_content_check_on_fixture_tree(runner) -> None:
    """The fixture tree has no problems: exit 0 and a summary line."""
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output
    assert "1 courses, 2 modules, 3 module files, 2 contacts" in result.output


def test_content_check_with_content_dir(runner, tmp_path: Path) -> None:
    """--content-dir checks another tree; a clean copy passes too."""
    root = tmp_path / "copy"
    shutil.copytree(FIXTURES / "content", root)
    result = runner.invoke(args=["content", "check", "--content-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output


def test_content_check_reports_broken_quiz(runner, tmp_path: Path) -> None:
    """A broken quiz is printed as path:line: message and the command exits 1."""
    root = broken_tree(tmp_path)
    result = runner.invoke(args=["content", "check", "--content-dir", str(root)])
    assert result.exit_code == 1
    assert (
        "sample-course/01-first-steps.en.md:23: question 2 needs an explanation"
        in result.output
    )
    missing_english = "sample-course/01-first-steps.id.md:1: no version in the default"
    assert missing_english in result.output
    assert "2 problems" in result.output
    # The tree's folder name prefixes each path, so editors can find the file.
    assert f"{root.name}/sample-course/01-first-steps.en.md:23:" in result.output


def test_content_check_fails_on_non_fatal_problem(runner, tmp_path: Path) -> None:
    """A typed phone number does not hide the lesson but still fails the check."""
    root = tmp_path / "phone"
    shutil.copytree(FIXTURES / "content", root)
    path = root / "sample-course" / "02-extra-reading.en.md"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nCall 0812 3456 7890 for help.\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["content", "check", "--content-dir", str(root)])
    assert result.exit_code == 1
    assert "sample-course/02-extra-reading.en.md:7: '0812 3456 7890'" in result.output
    assert "1 courses, 2 modules" in result.output
