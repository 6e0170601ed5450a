"""Pages that are not courses: home, get help, safety, privacy, language choice."""

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_login import current_user

from courses.platform.content_store import get_catalog
from courses.platform.db import get_session
from courses.platform.locale import LANGUAGE_COOKIE, current_language
from courses.web.access import public
from courses.web.auth import end_sign_in
from courses.web.contact_groups import (
    COUNTRY_COOKIE,
    contacts_by_country,
    preferred_country,
    valid_country,
)
from courses.web.safe_redirects import came_from_this_site, safe_next

bp = Blueprint("pages", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@public
def home() -> str:
    """Show what Jaring is and where to start."""
    return render_template("pages/home.html", courses=get_catalog().courses)


@bp.get("/help")
@public
def get_help() -> str:
    """List help lines by country, the reader's country first."""
    country = preferred_country()
    groups = contacts_by_country(get_catalog().contacts, country, current_language())
    back = safe_next(request.args.get("next"), "")
    return render_template("pages/help.html", groups=groups, country=country, back=back)


@bp.post("/help/country")
@public
def choose_country() -> Response:
    """Remember the reader's chosen country for the help page."""
    country = request.form.get("country", "")
    response = redirect(safe_next(request.form.get("next"), "/help"))
    if valid_country(country, get_catalog().contacts):
        response.set_cookie(
            COUNTRY_COOKIE, country, max_age=ONE_YEAR, httponly=True, samesite="Lax"
        )
    return response


@bp.get("/safety")
@public
def safety() -> str:
    """Explain how to browse safely and what quick exit can and cannot do."""
    return render_template("pages/safety.html")


@bp.get("/privacy")
@public
def privacy() -> str:
    """Explain in plain words what Jaring stores."""
    return render_template("pages/privacy.html")


@bp.post("/language")
@public
def choose_language() -> Response:
    """Remember the chosen interface language in a cookie (and on the account)."""
    language = request.form.get("lang", "")
    response = redirect(safe_next(request.form.get("next")))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE, language, max_age=ONE_YEAR, httponly=True, samesite="Lax"
        )
        if current_user.is_authenticated:
            current_user.locale = language
            session = get_session()
            session.merge(current_user._get_current_object())  # type: ignore[attr-defined]
            session.commit()
    return response


@bp.route("/leave", methods=["GET", "POST"])
@public
def leave() -> Response:
    """Quick exit: sign out on this device and forget this site, at once.

    The page's script sends a POST here as a beacon (with its CSRF token) and goes to
    the neutral site at the same moment; without JavaScript the quick exit link is a
    GET here, which redirects there. A GET signs out only when it comes from one of our
    own pages (Fetch Metadata or Referer), so a link elsewhere cannot sign anyone out.
    The session token changes, so a copied or kept cookie is dead too, and
    Clear-Site-Data asks the browser to drop our cookies and storage.
    """
    if request.method == "POST" or came_from_this_site():
        end_sign_in()
    response = (
        make_response("", 204)
        if request.method == "POST"
        else redirect(current_app.config["QUICK_EXIT_URL"])
    )
    response.headers["Clear-Site-Data"] = '"cookies", "storage"'
    return response
