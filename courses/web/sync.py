"""Sync pages: on a laptop, what is not sent yet and a button to send it (then to
take back its own learners' names, codes and deletions); on the
organisation's server, the admin's devices (enrol, revoke, issue a new key) and the
import of a bundle file."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from courses.people.models import Device, Role
from courses.people.sync import (
    bundle,
    devices,
    enrolment,
    outbox,
    pull_apply,
    transport,
)
from courses.people.sync import pull as sync_back
from courses.people.sync.errors import SyncRefused
from courses.people.sync.pull_apply import Pulled
from courses.platform.db import get_session
from courses.platform.keys import code_key, enrolment_path, sync_key
from courses.web.access import RUNS_SESSIONS, roles
from courses.web.converters import PUBLIC_ID_RULE
from courses.web.sync_messages import pull_refusal_message, refusal_message

bp = Blueprint("sync", __name__, url_prefix="/sync")
DEVICE_URL = f"/devices/<{PUBLIC_ID_RULE}:device_id>"
MAX_BUNDLE_FILE = 32 * 1024 * 1024


@bp.get("")
@roles(*RUNS_SESSIONS)
def status() -> str:
    """Show whether this laptop is enrolled and what it has not sent yet."""
    enrolled = enrolment.load(enrolment_path())
    state = outbox.status(get_session()) if enrolled else None
    return render_template("sync/status.html", enrolled=enrolled, state=state)


@bp.post("/send")
@roles(*RUNS_SESSIONS)
def send() -> Response:
    """Take back what the server changed of this laptop's learners, then send what
    is not sent yet, in chunks (in that order, so a code the learner took on the
    server is not overwritten by the laptop's older copy)."""
    enrolled = enrolment.load(enrolment_path())
    if enrolled is None:
        flash(refusal_message(SyncRefused("not-enrolled")), "error")
        return redirect(url_for("sync.status"))
    try:
        pulled = pull_now(enrolled)
    except SyncRefused as refusal:
        get_session().rollback()
        flash(pull_refusal_message(refusal), "error")
        return redirect(url_for("sync.status"))
    try:
        pushed = push_now(enrolled)
    except SyncRefused as refusal:
        get_session().rollback()
        flash(refusal_message(refusal), "error")
        return redirect(url_for("sync.status"))
    flash(_("Sent %(count)d records to the organisation's server.", count=pushed.sent))
    flash(pulled_message(pulled))
    return redirect(url_for("sync.status"))


def pulled_message(pulled: Pulled) -> str:
    """Say in the reader's language what came back from the server."""
    updated = ngettext(
        "%(num)d learner updated", "%(num)d learners updated", pulled.updated
    )
    deleted = ngettext(
        "%(num)d learner or membership deleted",
        "%(num)d learners or memberships deleted",
        pulled.deleted,
    )
    return _(
        "Back from the server: %(updated)s, %(deleted)s.",
        updated=updated,
        deleted=deleted,
    )


def pull_now(enrolled: enrolment.Enrolment) -> Pulled:
    """Ask the server about this laptop's own learners and apply the answer (the
    button and `flask sync pull`); raise SyncRefused and change nothing if refused."""
    asked = sync_back.make_request(enrolled)
    body, signature = transport.post_pull(
        enrolled.server, enrolled.device, asked.body, asked.signature
    )
    document = sync_back.read_answer(enrolled, asked, body, signature)
    return pull_apply.apply(get_session(), document)


def push_now(enrolled: enrolment.Enrolment, everything: bool = False) -> outbox.Pushed:
    """Push everything unacknowledged (the button and `flask sync push`)."""

    def send(body: bytes, signature: str) -> dict[str, object]:
        return transport.post_bundle(enrolled.server, enrolled.device, body, signature)

    chunk = current_app.config["SYNC_CHUNK_RECORDS"]
    return outbox.push(get_session(), enrolled, send, chunk, everything)


@bp.get("/devices")
@roles(Role.ADMIN)
def device_list() -> tuple[str, int]:
    """List the organisation's devices: last sync, records received, errors."""
    return _devices_page({}, 200)


def _devices_page(errors: dict[str, str], status_code: int) -> tuple[str, int]:
    found = devices.devices_of(get_session(), current_user.organisation_id)
    refusals = {
        d.id: refusal_message(refusal)
        for d in found
        if (refusal := devices.last_refusal(d)) is not None
    }
    page = render_template(
        "sync/devices.html",
        devices=found,
        refusals=refusals,
        errors=errors,
        server=request.host_url,
    )
    return page, status_code


@bp.post("/devices")
@roles(Role.ADMIN)
def create_device() -> tuple[str, int]:
    """Add a device and show its enrolment, once."""
    try:
        device = devices.create_device(
            get_session(), current_user.organisation_id, request.form.get("name", "")
        )
    except ValueError:
        message = _("Give the laptop a name of at most 80 characters.")
        return _devices_page({"name": message}, 400)
    return _enrolment_page(device), 200


def _enrolment_page(device: Device) -> str:
    server = (request.form.get("server") or request.host_url).strip()
    text = enrolment.issue(device, server, sync_key(), code_key())
    return render_template("sync/enrolment.html", device=device, text=text)


def _device_or_404(device_id: str) -> Device:
    """Return one of the admin's organisation's devices; 404 for any other id."""
    found = devices.device_of(get_session(), current_user.organisation_id, device_id)
    if found is None:
        abort(404)
    return found


@bp.post(DEVICE_URL + "/revoke")
@roles(Role.ADMIN)
def revoke(device_id: str) -> Response:
    """Refuse the device's key from now on."""
    device = _device_or_404(device_id)
    devices.revoke(get_session(), device)
    flash(_("The key of %(name)s is revoked.", name=device.name))
    return redirect(url_for("sync.device_list"))


@bp.post(DEVICE_URL + "/new-key")
@roles(Role.ADMIN)
def new_key(device_id: str) -> str:
    """Replace the device's key (the old one stops working) and show the enrolment."""
    device = _device_or_404(device_id)
    devices.reissue(get_session(), device)
    return _enrolment_page(device)


@bp.route("/import", methods=["GET", "POST"])
@roles(Role.ADMIN)
def import_bundle() -> tuple[str, int]:
    """Import a bundle file brought from a laptop (a USB stick, a chat)."""
    if request.method == "GET":
        return render_template("sync/import.html", error=None, received=None), 200
    upload = request.files.get("bundle")
    try:
        data = upload.read(MAX_BUNDLE_FILE + 1) if upload else b""
        received = _import(data)
    except SyncRefused as refusal:
        page = render_template(
            "sync/import.html", error=refusal_message(refusal), received=None
        )
        return page, 409 if refusal.code == "old" else 400
    return render_template("sync/import.html", error=None, received=received), 200


def _import(data: bytes) -> object:
    """Apply a bundle file of one of the admin's organisation's devices."""
    if len(data) > MAX_BUNDLE_FILE:
        raise SyncRefused("too-large")
    device_id, signature, body = bundle.unwrap(data)
    db = get_session()
    if devices.device_of(db, current_user.organisation_id, device_id) is None:
        raise SyncRefused("unknown-device")
    return devices.receive(db, sync_key(), device_id, body, signature)


def allow_bundle_files() -> None:
    """Let the import form carry a bundle larger than other requests may be."""
    if request.endpoint == "sync.import_bundle":
        request.max_content_length = MAX_BUNDLE_FILE


def init_app(app: Flask) -> None:
    """Raise the size limit for bundle files before the CSRF check reads the form
    (call before the CSRF extension is bound)."""
    app.before_request(allow_bundle_files)
