"""Facilitators' sessions: the list, creating and editing, closing and reopening, and
the session page with its join code and live progress grid."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.people import facilitation, live_grid
from courses.people.facilitation import SessionDetails
from courses.people.models import ClassSession
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.web.access import RUNS_SESSIONS, roles, session_or_404
from courses.web.converters import PUBLIC_ID_RULE
from courses.web.rendering import wants_fragment
from courses.web.session_tools import join_qr, join_url

bp = Blueprint("sessions", __name__, url_prefix="/sessions")
SESSION_URL = f"/<{PUBLIC_ID_RULE}:session_id>"
FIELD_MESSAGES = {
    ("title", "empty"): _l("Give the session a title, such as the class or village."),
    ("kind", "choose"): _l("Choose a school class or a village workshop."),
    ("country", "invalid"): _l("Choose a country from the list."),
    ("language", "choose"): _l("Choose a language from the list."),
    ("held_on", "invalid"): _l("Give the date as year-month-day, such as 2026-12-31."),
    ("items", "empty"): _l("Choose at least one course or module."),
}
TOO_LONG = _l("This is too long.")


@bp.get("/")
@roles(*RUNS_SESSIONS)
def index() -> str:
    """List the sessions the facilitator runs or helps with: today's first."""
    query = facilitation.visible_sessions(current_user)
    found = list(get_session().scalars(query))
    today = date.today()

    def order(item: ClassSession) -> tuple[int, float]:
        held = item.held_on or item.created_at.date()
        group = 0 if held == today else 1 if held > today else 2
        days = (held - today).days
        return group, days if group == 1 else -days

    return render_template("sessions/index.html", sessions=sorted(found, key=order))


@bp.route("/new", methods=["GET", "POST"])
@roles(*RUNS_SESSIONS)
def new() -> Response | tuple[str, int] | str:
    """Create a session; then show it, with its join code."""
    if request.method == "GET":
        defaults = {"kind": "school", "held_on": date.today().isoformat()}
        return _form("sessions/new.html", defaults, [], {})
    details, items, errors = _read_form()
    if details is None:
        return _form("sessions/new.html", request.form, items, errors, 400)
    created = facilitation.create_session(get_session(), current_user, details, items)
    return redirect(url_for("sessions.show", session_id=created.public_id))


@bp.route(SESSION_URL + "/edit", methods=["GET", "POST"])
@roles(*RUNS_SESSIONS)
def edit(session_id: str) -> Response | tuple[str, int] | str:
    """Change a session's details and modules."""
    class_session = session_or_404(session_id)
    if request.method == "GET":
        return _form(
            "sessions/edit.html",
            _current_values(class_session),
            _current_items(class_session),
            {},
            class_session=class_session,
        )
    details, items, errors = _read_form()
    if details is None:
        return _form(
            "sessions/edit.html",
            request.form,
            items,
            errors,
            400,
            class_session=class_session,
        )
    facilitation.update_session(get_session(), class_session, details, items)
    flash(_("Saved."))
    return redirect(url_for("sessions.show", session_id=class_session.public_id))


def _read_form() -> tuple[SessionDetails | None, list[str], dict[str, str]]:
    """Read the session form; return the details (None when wrong) and messages."""
    details, codes = SessionDetails.from_form(
        request.form, current_app.config["LANGUAGES"]
    )
    items = facilitation.chosen_items(get_catalog(), request.form.getlist("items"))
    if not items:
        codes["items"] = "empty"
        details = None
    errors = {
        field: str(FIELD_MESSAGES.get((field, code), TOO_LONG))
        for field, code in codes.items()
    }
    return details, items, errors


def _form(
    template: str,
    values: object,
    items: list[str],
    errors: dict[str, str],
    status: int = 200,
    **context: object,
) -> tuple[str, int]:
    page = render_template(
        template,
        values=values,
        items=set(items),
        errors=errors,
        courses=get_catalog().courses,
        countries=_countries(),
        **context,
    )
    return page, status


def _countries() -> list[str]:
    """Return the countries offered: those the help contacts serve, Indonesia first."""
    codes = {c.country for c in get_catalog().contacts.values() if len(c.country) == 2}
    return sorted(codes | {"ID"}, key=lambda code: (code != "ID", code))


def _current_values(class_session: ClassSession) -> dict[str, str]:
    return {
        "kind": class_session.kind,
        "title": class_session.title,
        "place_name": class_session.place_name,
        "district": class_session.district,
        "province": class_session.province,
        "country": class_session.country or "",
        "held_on": class_session.held_on.isoformat() if class_session.held_on else "",
        "language": class_session.language or "",
        "shared_phone": "1" if class_session.shared_phone else "",
    }


def _current_items(class_session: ClassSession) -> list[str]:
    return [
        m.course_slug + (f"/{m.module_slug}" if m.module_slug else "")
        for m in class_session.modules
    ]


@bp.get(SESSION_URL)
@roles(*RUNS_SESSIONS)
def show(session_id: str) -> str:
    """Show the join code, the live grid and what the room finds hard."""
    class_session = session_or_404(session_id)
    modules = facilitation.covered_modules(class_session, get_catalog())
    grid = live_grid.build_grid(get_session(), class_session, modules)
    return render_template(
        "sessions/show.html",
        class_session=class_session,
        grid=grid,
        join_url=join_url(class_session),
        qr=join_qr(class_session, _("QR code that opens the join page with this code")),
    )


@bp.get(SESSION_URL + "/grid")
@roles(*RUNS_SESSIONS)
def grid(session_id: str) -> Response | str:
    """Refresh the grid (htmx, every few seconds); 204 when nothing changed."""
    if not wants_fragment():
        return show(session_id)  # opened directly: the whole page
    class_session = session_or_404(session_id)
    modules = facilitation.covered_modules(class_session, get_catalog())
    slugs = [(course.slug, module.slug) for course, module in modules]
    version = live_grid.grid_version(get_session(), class_session, slugs)
    if request.args.get("v") == version:
        response = make_response("", 204)  # unchanged: no grid built
    else:
        current = live_grid.build_grid(get_session(), class_session, modules, version)
        response = make_response(
            render_template(
                "sessions/_grid_update.html", class_session=class_session, grid=current
            )
        )
    response.vary.add("HX-Request")
    return response


@bp.post(SESSION_URL + "/close")
@roles(*RUNS_SESSIONS)
def close(session_id: str) -> Response:
    """Close a session: joins are refused with a message, records stay."""
    class_session = session_or_404(session_id)
    facilitation.set_open(get_session(), class_session, False)
    flash(_("The session is closed. Nobody can join it now; its records stay."))
    return redirect(url_for("sessions.show", session_id=session_id))


@bp.post(SESSION_URL + "/reopen")
@roles(*RUNS_SESSIONS)
def reopen(session_id: str) -> Response:
    """Open a closed session again."""
    class_session = session_or_404(session_id)
    facilitation.set_open(get_session(), class_session, True)
    flash(_("The session is open again. Learners can join with its code."))
    return redirect(url_for("sessions.show", session_id=session_id))


@bp.post(SESSION_URL + "/release-answers")
@roles(*RUNS_SESSIONS)
def release_answers(session_id: str) -> Response:
    """Show the session's learners the pre-test's answers before the post-test."""
    class_session = session_or_404(session_id)
    facilitation.release_answers(get_session(), class_session)
    flash(_("Learners in this session can now see the pre-test's answers."))
    return redirect(url_for("sessions.show", session_id=session_id))
