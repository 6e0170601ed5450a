"""`flask sync ...`: enrol a laptop, push or export its records, pull back its own
learners' names, codes and deletions; on the
organisation's server, add devices and import bundle files. Refusals are sentences."""

from __future__ import annotations

import os
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from courses.people.models import Organisation
from courses.people.sync import bundle, devices, enrolment, outbox
from courses.people.sync.errors import SyncRefused
from courses.platform.db import get_session
from courses.platform.keys import code_key, enrolment_path, sync_key
from courses.web.sync import pull_now, push_now

sync_cli = AppGroup(
    "sync", help="Carry a laptop's records to the organisation's server."
)


def _refused(refusal: SyncRefused) -> click.ClickException:
    get_session().rollback()
    return click.ClickException(f"{refusal.sentence()} Nothing was imported.")


def _enrolled() -> enrolment.Enrolment:
    found = enrolment.load(enrolment_path())
    if found is None:
        raise _refused(SyncRefused("not-enrolled"))
    return found


@sync_cli.command("enrol")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def enrol(file: Path) -> None:
    """Enrol this laptop with the enrolment FILE the organisation's admin gave."""
    try:
        found = enrolment.parse(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        raise click.ClickException(f"Cannot read {file}.") from None
    except SyncRefused as refusal:
        raise click.ClickException(refusal.sentence()) from None
    before = enrolment.load(enrolment_path())
    if (
        before is not None
        and before.device != found.device
        and outbox.sent_any(get_session())
    ):
        raise click.ClickException(
            f"This laptop has sent records as {before.device_name}: they belong to "
            "that device. Ask the admin to issue a new key for it (Devices, Issue a "
            "new key) and enrol with that instead."
        )
    enrolment.save(enrolment_path(), found)
    click.echo(
        f"Enrolled as {found.device_name} of {found.organisation_name}; "
        f"records go to {found.server}. You may delete {file} now."
    )


@sync_cli.command("push")
@click.option("--all", "everything", is_flag=True, help="Send every record again.")
def push(everything: bool) -> None:
    """Send what the organisation's server has not received yet."""
    try:
        pushed = push_now(_enrolled(), everything)
    except SyncRefused as refusal:
        raise _refused(refusal) from None
    click.echo(
        f"Sent {pushed.sent} records in {pushed.chunks} parts; the server stored "
        f"{pushed.server['new']} new, {pushed.server['changed']} changed and "
        f"{pushed.server['deleted']} deletions."
    )


@sync_cli.command("pull")
def pull() -> None:
    """Take back this laptop's own learners' names, codes and deletions."""
    try:
        pulled = pull_now(_enrolled())
    except SyncRefused as refusal:
        get_session().rollback()
        raise click.ClickException(
            f"{refusal.sentence()} Nothing changed on this laptop."
        ) from None
    click.echo(
        f"Back from the server: {pulled.updated} learners updated, "
        f"{pulled.deleted} learners or memberships deleted."
    )


@sync_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export(file: Path) -> None:
    """Write every record of this laptop to a signed bundle FILE."""
    data, count = outbox.export_file(get_session(), _enrolled())
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    click.echo(f"Wrote {count} records to {file}.")


@sync_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_file(file: Path) -> None:
    """Import a bundle FILE from a laptop (on the organisation's server)."""
    try:
        data = file.read_bytes()
    except OSError:
        raise click.ClickException(f"Cannot read {file}.") from None
    try:
        device_id, signature, body = bundle.unwrap(data)
        got = devices.receive(get_session(), sync_key(), device_id, body, signature)
    except SyncRefused as refusal:
        raise _refused(refusal) from None
    if got.already:
        click.echo("This bundle was imported before: nothing changed.")
        return
    click.echo(
        f"Imported: {got.new} new, {got.changed} changed, {got.deleted} deleted, "
        f"{got.unchanged} already here."
    )


@sync_cli.command("status")
def status() -> None:
    """Say where this laptop sends to and what it has not sent yet."""
    found = _enrolled()
    state = outbox.status(get_session())
    click.echo(f"{found.device_name} of {found.organisation_name} -> {found.server}")
    if not state.unsent:
        click.echo("Everything has been sent.")
    for kind, count in sorted(state.unsent.items()):
        click.echo(f"not sent yet: {count} {kind}")


@sync_cli.command("add-device")
@click.option("--organisation", required=True, help="The organisation's name.")
@click.option("--name", required=True, help="A name for the laptop.")
@click.option("--server", required=True, help="This server's address for laptops.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def add_device(organisation: str, name: str, server: str, file: Path) -> None:
    """Add a laptop to an organisation and write its enrolment to FILE (0600)."""
    db = get_session()
    found = db.scalars(
        select(Organisation).where(Organisation.name == organisation)
    ).first()
    if found is None:
        raise click.ClickException(f"There is no organisation called {organisation}.")
    try:
        device = devices.create_device(db, found.id, name)
    except ValueError:
        raise click.ClickException("Give a name of at most 80 characters.") from None
    text = enrolment.issue(device, server, sync_key(), code_key())
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    click.echo(f"Added {device.name}; its enrolment is in {file} (keep it secret).")
