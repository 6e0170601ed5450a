"""`flask translate ...`: extract, update and compile the interface catalogues."""

import subprocess  # noqa: S404 - runs pybabel, a fixed program with fixed arguments
import sys

import click
from flask.cli import AppGroup

from courses.platform.config import BASE_DIR as ROOT
from courses.platform.message_catalogs import fill_source_catalog

translate_cli = AppGroup("translate", help="Interface translations (Flask-Babel).")


def _pybabel(*args: str) -> None:
    subprocess.run(  # noqa: S603 - fixed executable, arguments from this module
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT
    )


@translate_cli.command("update")
def translate_update() -> None:
    """Extract interface strings and merge them into every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", ".")
    _pybabel("update", "-i", "messages.pot", "-d", "translations", "--no-wrap")
    (ROOT / "messages.pot").unlink()
    # The interface is written in English: its catalogue is its own source strings.
    fill_source_catalog(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", "translations", "--use-fuzzy")


@translate_cli.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalogue for a new LANGUAGE."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", ".")
    _pybabel("init", "-i", "messages.pot", "-d", "translations", "-l", language)
    (ROOT / "messages.pot").unlink()
