"""What a facilitator hands out or shares: the join QR code, the printable join
sheet (in the session's language), and the list of co-facilitators."""

from __future__ import annotations

import io
from contextlib import nullcontext

import segno
from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from courses.people import facilitation
from courses.people.models import ClassSession
from courses.platform.db import get_session
from courses.web.access import RUNS_SESSIONS, roles, session_or_404
from courses.web.converters import PUBLIC_ID_RULE

bp = Blueprint("session_tools", __name__, url_prefix="/sessions")
SESSION_URL = f"/<{PUBLIC_ID_RULE}:session_id>"


def join_url(class_session: ClassSession) -> str:
    """Return the address that opens the join page with the code filled in."""
    return url_for("joining.join", code=class_session.join_code, _external=True)


def join_qr(class_session: ClassSession, label: str) -> Markup:
    """Return the join address as an inline SVG QR code (no extra request)."""
    svg = segno.make(join_url(class_session), error="m").svg_inline(
        scale=5, border=2, svgclass="join-qr"
    )
    # segno's markup is made from our own address; the label is escaped.
    return Markup(  # noqa: S704
        svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    )


@bp.get(SESSION_URL + "/qr.svg")
@roles(*RUNS_SESSIONS)
def qr(session_id: str) -> Response:
    """Return the join address as a QR code (SVG made on the server)."""
    class_session = session_or_404(session_id)
    buffer = io.BytesIO()
    segno.make(join_url(class_session), error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, nl=False
    )
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


@bp.get(SESSION_URL + "/join-sheet")
@roles(*RUNS_SESSIONS)
def join_sheet(session_id: str) -> str:
    """Show a page to print and hand out, in the session's own language."""
    class_session = session_or_404(session_id)
    language = class_session.language
    with force_locale(language) if language else nullcontext():
        return render_template(
            "sessions/join_sheet.html",
            class_session=class_session,
            join_url=join_url(class_session),
            qr=join_qr(
                class_session, _("QR code that opens the join page with this code")
            ),
            sheet_lang=language,
        )


@bp.route(SESSION_URL + "/team", methods=["GET", "POST"])
@roles(*RUNS_SESSIONS)
def team(session_id: str) -> Response | str:
    """Show and add co-facilitators from the same organisation."""
    class_session = session_or_404(session_id)
    db = get_session()
    if request.method == "POST":
        if facilitation.add_co_facilitator(
            db, class_session, request.form.get("user", "")
        ):
            flash(_("Added."))
        else:
            flash(_("Choose a facilitator of your organisation from the list."))
        return redirect(url_for("session_tools.team", session_id=session_id))
    current = facilitation.co_facilitators(db, class_session)
    return render_template(
        "sessions/team.html",
        class_session=class_session,
        current=current,
        candidates=facilitation.candidates(db, class_session, current),
    )


@bp.post(SESSION_URL + f"/team/<{PUBLIC_ID_RULE}:user_id>/remove")
@roles(*RUNS_SESSIONS)
def remove_from_team(session_id: str, user_id: str) -> Response:
    """Remove a co-facilitator."""
    class_session = session_or_404(session_id)
    facilitation.remove_co_facilitator(get_session(), class_session, user_id)
    flash(_("Removed."))
    return redirect(url_for("session_tools.team", session_id=session_id))
