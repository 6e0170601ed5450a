"""What a laptop is given once, when the organisation's admin enrols it.

The enrolment holds the server's address, the device's id and key, and the
organisation's personal-code key. It is shown to the admin once and kept on the
laptop in its instance folder (mode 0600), never in a database.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from courses.people import codes
from courses.people.models import Device
from courses.people.sync import signing
from courses.people.sync.errors import SyncRefused

FORMAT = "jaring-sync-enrolment-1"


@dataclass(frozen=True)
class Enrolment:
    """A laptop's link to its organisation's server."""

    server: str
    device: str
    device_name: str
    key: str
    organisation: str
    organisation_name: str
    code_key: str

    def to_text(self) -> str:
        """Return the enrolment as the text an admin copies to the laptop."""
        return json.dumps({"format": FORMAT, **asdict(self)}, indent=2) + "\n"


def issue(device: Device, server: str, sync_master: bytes, code_master: bytes) -> str:
    """Return the enrolment text for a device's current key (shown once)."""
    organisation = device.organisation
    return Enrolment(
        server=server.rstrip("/"),
        device=device.public_id,
        device_name=device.name,
        key=signing.device_key(sync_master, device.public_id, device.key_generation),
        organisation=organisation.public_id,
        organisation_name=organisation.name,
        code_key=codes.organisation_key(code_master, organisation.public_id).decode(),
    ).to_text()


def parse(text: str) -> Enrolment:
    """Read an enrolment text, or raise SyncRefused("enrolment-invalid")."""
    try:
        data = json.loads(text)
    except ValueError:
        raise SyncRefused("enrolment-invalid") from None
    if not isinstance(data, dict) or data.pop("format", None) != FORMAT:
        raise SyncRefused("enrolment-invalid")
    names = set(Enrolment.__dataclass_fields__)
    if set(data) != names or not all(isinstance(v, str) and v for v in data.values()):
        raise SyncRefused("enrolment-invalid")
    if not data["server"].startswith(("https://", "http://")):
        raise SyncRefused("enrolment-invalid")
    return Enrolment(**data)


def save(path: Path, enrolment: Enrolment) -> None:
    """Keep the enrolment in the instance folder, readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".new")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(enrolment.to_text())
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def load(path: Path) -> Enrolment | None:
    """Return this laptop's enrolment, or None if it is not enrolled."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except (OSError, SyncRefused):
        return None
