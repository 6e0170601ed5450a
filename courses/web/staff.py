"""An organisation's staff, for its admin: accounts, deactivation, and one-time links
to set a password; and the page where such a link is used."""

from __future__ import annotations

from flask import (
    Blueprint,
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
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.people import staff
from courses.people.accounts import AccountError
from courses.people.models import Role, User
from courses.platform.db import get_session
from courses.web.access import public, roles
from courses.web.converters import PUBLIC_ID_RULE

bp = Blueprint("staff", __name__)
MEMBER_URL = f"/staff/<{PUBLIC_ID_RULE}:user_id>"
PROBLEMS = {
    ("username", "invalid"): _l(
        "Use 3 to 40 small letters, digits, dots, dashes or underscores."
    ),
    ("username", "taken"): _l("That username is taken. Choose another one."),
    ("role", "invalid"): _l("Choose a role from the list."),
    ("display_name", "empty"): _l("Please type a name."),
    ("display_name", "too-long"): _l(
        "Please use a shorter name (at most 40 characters)."
    ),
    ("display_name", "invisible"): _l(
        "Please use only letters, numbers, spaces and punctuation."
    ),
    ("password", "too-short"): _l(
        "Use at least 12 characters: a few words are easy to remember."
    ),
    ("password", "too-long"): _l("Use at most 256 characters."),
    ("password", "common"): _l(
        "That password is too easy to guess. Choose another one."
    ),
    ("password", "mismatch"): _l("The two passwords are not the same."),
}


def _problem(error: AccountError) -> str:
    return str(PROBLEMS.get((error.field, error.code), _l("This is not valid.")))


@bp.get("/staff")
@roles(Role.ADMIN)
def index() -> tuple[str, int]:
    """List the organisation's staff, with a form to add someone."""
    return _page({}, {}, 200)


def _page(
    values: dict[str, str], errors: dict[str, str], status: int
) -> tuple[str, int]:
    page = render_template(
        "staff/index.html",
        people=staff.staff_of(get_session(), current_user),
        values=values,
        errors=errors,
        roles=[r.value for r in staff.STAFF_ROLES],
    )
    return page, status


@bp.post("/staff")
@roles(Role.ADMIN)
def create() -> tuple[str, int]:
    """Create a facilitator, editor or admin, and show the link to set a password."""
    values = {k: request.form.get(k, "") for k in ("username", "display_name", "role")}
    try:
        link = staff.create_account(
            get_session(), current_user, values["username"], values["display_name"],
            values["role"],
        )  # fmt: skip
    except AccountError as error:
        get_session().rollback()
        return _page(values, {error.field: _problem(error)}, 400)
    current_app.logger.info("staff account created: user=%s", link.user.id)
    return _link_page(link), 200


def _link_page(link: staff.NewLink) -> str:
    return render_template(
        "staff/link.html",
        person=link.user,
        url=url_for("staff.set_password", token=link.token, _external=True),
        days=staff.LINK_DAYS,
    )


def _member_or_404(user_id: str) -> User:
    found = staff.member_of_staff(get_session(), current_user, user_id)
    if found is None:
        abort(404)
    return found


@bp.post(MEMBER_URL + "/link")
@roles(Role.ADMIN)
def new_link(user_id: str) -> str:
    """Give a one-time link to set a new password (the old password keeps working
    until the link is used)."""
    person = _member_or_404(user_id)
    return _link_page(staff.new_link(get_session(), current_user, person))


@bp.post(MEMBER_URL + "/deactivate")
@roles(Role.ADMIN)
def deactivate(user_id: str) -> Response:
    """Stop an account from signing in (at once, everywhere); its records stay."""
    person = _member_or_404(user_id)
    if person.id == current_user.id:
        flash(_("You cannot deactivate your own account."))
    else:
        staff.set_active(get_session(), person, False)
        flash(_("The account is deactivated."))
    return redirect(url_for("staff.index"))


@bp.post(MEMBER_URL + "/activate")
@roles(Role.ADMIN)
def activate(user_id: str) -> Response:
    """Let a deactivated account sign in again."""
    staff.set_active(get_session(), _member_or_404(user_id), True)
    flash(_("The account can sign in again."))
    return redirect(url_for("staff.index"))


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str) -> Response | tuple[str, int]:
    """Set a password with a one-time link from the organisation's admin."""
    db = get_session()
    link = staff.link_for(db, token)
    if link is None:
        page = render_template("staff/link_used.html")
        return page, 404
    if request.method == "GET":
        return render_template(
            "staff/set_password.html", person=link.user, error=None
        ), 200
    password = request.form.get("password", "")
    try:
        if password != request.form.get("again", ""):
            raise AccountError("password", "mismatch")
        staff.set_password(db, link, password)
    except AccountError as error:
        page = render_template(
            "staff/set_password.html", person=link.user, error=_problem(error)
        )
        return page, 400
    flash(_("Your password is set. Sign in with it now."))
    return redirect(url_for("auth.login"))
