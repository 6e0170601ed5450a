"""Head counts of a session, by sex and age band: entered at the start, correctable."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from courses.people import attendance
from courses.people.models import AGE_BANDS, SEXES
from courses.platform.db import get_session
from courses.web.access import RUNS_SESSIONS, roles, session_or_404
from courses.web.converters import PUBLIC_ID_RULE

bp = Blueprint("attendance", __name__, url_prefix="/sessions")


@bp.route(f"/<{PUBLIC_ID_RULE}:session_id>/attendance", methods=["GET", "POST"])
@roles(*RUNS_SESSIONS)
def edit(session_id: str) -> Response | tuple[str, int]:
    """Show and save how many people took part, by sex and age band."""
    class_session = session_or_404(session_id)
    db = get_session()
    if request.method == "POST":
        counts, errors = attendance.read_counts(request.form)
        if counts is not None:
            attendance.save_counts(db, class_session, counts)
            flash(_("The head counts are saved."))
            return redirect(url_for("attendance.edit", session_id=session_id))
        values = {f: request.form.get(f, "") for f in _fields()}
        return _page(class_session, values, errors, 400)
    counts = attendance.head_counts(db, class_session)
    values = {f"count-{s}-{b}": str(n) for (s, b), n in counts.items()}
    return _page(class_session, values, [], 200)


def _fields() -> list[str]:
    return [f"count-{s}-{b}" for s in SEXES for b in AGE_BANDS]


def _page(
    class_session: object, values: dict[str, str], errors: list[str], status: int
) -> tuple[str, int]:
    page = render_template(
        "sessions/attendance.html",
        class_session=class_session,
        values=values,
        errors=errors,
        sexes=SEXES,
        bands=AGE_BANDS,
    )
    return page, status
