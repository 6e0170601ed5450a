"""Errors on the command line are sentences: what went wrong and what to do.

Every command is wrapped so that a database that cannot be reached, or one without
its tables yet, is explained in one line instead of a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click
from flask import current_app
from sqlalchemy import make_url
from sqlalchemy.exc import OperationalError


def explain_errors(command: click.Command) -> None:
    """Wrap `command` (and every command of a group) to explain database errors."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            explain_errors(sub)
    elif command.callback is not None:
        command.callback = _explained(command.callback)


def _explained(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except OperationalError as error:
            raise click.ClickException(database_sentence(error)) from None

    return run


def database_sentence(error: OperationalError) -> str:
    """Say what a database error means for the person at the command line."""
    where = make_url(current_app.config["DATABASE_URL"]).render_as_string(
        hide_password=True
    )
    if "no such table" in str(error.orig) or "does not exist" in str(error.orig):
        return (
            f"The database at {where} has no tables yet. Create them with "
            "`flask --app app db upgrade` (make run does this)."
        )
    return (
        f"Cannot reach the database at {where}. Is it running, and is DATABASE_URL "
        "right?"
    )
