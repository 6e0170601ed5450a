"""The command line (`flask --app app ...`), an interface like the views:
`db`, `content`, `translate`, `users`, `sessions`, `retention`, `backup`, `restore`,
`sync`."""

from flask import Flask

from courses.web.cli.content_commands import content_cli
from courses.web.cli.db_commands import db_cli
from courses.web.cli.errors import explain_errors
from courses.web.cli.maintenance_commands import (
    backup_command,
    restore_command,
    retention_cli,
)
from courses.web.cli.people_commands import sessions_cli, users_cli
from courses.web.cli.sync_commands import sync_cli
from courses.web.cli.translate_commands import translate_cli


def init_app(app: Flask) -> None:
    """Register the command groups."""
    for group in (
        db_cli, content_cli, translate_cli, users_cli, sessions_cli, retention_cli,
        backup_command, restore_command, sync_cli,
    ):  # fmt: skip
        explain_errors(group)
        app.cli.add_command(group)
