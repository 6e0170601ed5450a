"""A session's learners, for its facilitators: fix a name, take someone out of the
session, or delete a learner's data altogether."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from courses.people import accounts, roster
from courses.people.live_grid import members
from courses.people.models import ClassSession
from courses.platform.db import get_session
from courses.web.access import (
    RUNS_SESSIONS,
    membership_or_404,
    roles,
    session_or_404,
)
from courses.web.converters import PUBLIC_ID_RULE
from courses.web.joining import join_message

bp = Blueprint("session_learners", __name__, url_prefix="/sessions")
LEARNERS_URL = f"/<{PUBLIC_ID_RULE}:session_id>/learners"
LEARNER_URL = LEARNERS_URL + f"/<{PUBLIC_ID_RULE}:member_id>"


@bp.get(LEARNERS_URL)
@roles(*RUNS_SESSIONS)
def index(session_id: str) -> tuple[str, int]:
    """List the session's learners with what can be done for each."""
    return _page(session_or_404(session_id))


def _page(
    class_session: ClassSession, errors: dict[str, str] | None = None, status: int = 200
) -> tuple[str, int]:
    page = render_template(
        "sessions/learners.html",
        class_session=class_session,
        members=members(get_session(), class_session),
        errors=errors or {},
    )
    return page, status


@bp.post(LEARNER_URL + "/rename")
@roles(*RUNS_SESSIONS)
def rename(session_id: str, member_id: str) -> Response | tuple[str, int]:
    """Correct a learner's name (a typo); names stay unique in each session."""
    class_session = session_or_404(session_id)
    membership = membership_or_404(class_session, member_id)
    try:
        roster.rename(get_session(), membership.user, request.form.get("name", ""))
    except accounts.AccountError as error:
        return _page(class_session, {member_id: join_message(error)}, 400)
    flash(_("The name is changed."))
    return redirect(url_for("session_learners.index", session_id=session_id))


@bp.post(LEARNER_URL + "/remove")
@roles(*RUNS_SESSIONS)
def remove(session_id: str, member_id: str) -> Response:
    """Take a learner out of this session; their account and answers stay."""
    class_session = session_or_404(session_id)
    roster.remove(get_session(), membership_or_404(class_session, member_id))
    flash(_("The learner is no longer in this session. Their answers are kept."))
    return redirect(url_for("session_learners.index", session_id=session_id))


@bp.post(LEARNER_URL + "/delete")
@roles(*RUNS_SESSIONS)
def delete(session_id: str, member_id: str) -> Response | tuple[str, int]:
    """Delete a learner and everything stored about them, after confirmation."""
    class_session = session_or_404(session_id)
    membership = membership_or_404(class_session, member_id)
    if request.form.get("confirm") != "yes":
        message = _("Tick the box to confirm that this learner's data is deleted.")
        return _page(class_session, {member_id: message}, 400)
    user = membership.user
    accounts.delete_account(get_session(), user)
    current_app.logger.info("learner deleted by staff: session=%s", class_session.id)
    flash(_("The learner and all their data are deleted."))
    return redirect(url_for("session_learners.index", session_id=session_id))
