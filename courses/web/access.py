"""Who may see what: every view declares its policy with one of these decorators.

A test walks the URL map and fails for any endpoint without a declared policy, so a new
route cannot forget its check. Objects outside the caller's scope answer 404, not 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from courses.people import facilitation
from courses.people.models import ClassSession, Membership, Role
from courses.platform.db import get_session

View = TypeVar("View", bound=Callable[..., Any])


def public(view: View) -> View:
    """Mark a view as open to everyone, signed in or not."""
    view.access = "public"  # type: ignore[attr-defined]
    return view


def device_signed(view: View) -> View:
    """Mark a view that only a device's signature admits (checked inside the view:
    the signature covers the request's body, so it cannot be checked before)."""
    view.access = "device-signature"  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """Allow any signed-in person; send others to the sign-in choice page."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.start", next=request.path))
        return view(*args, **kwargs)

    wrapper.access = "signed-in"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def roles(*allowed: Role) -> Callable[[View], View]:
    """Allow only signed-in staff with one of the given roles (404 for the rest)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.path))
            if current_user.role not in {r.value for r in allowed}:
                abort(404)
            return view(*args, **kwargs)

        wrapper.access = "roles:" + ",".join(sorted(r.value for r in allowed))  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


# Staff who run sessions: facilitators see their own and co-facilitated sessions,
# admins their organisation's (courses.people.facilitation.visible_sessions).
RUNS_SESSIONS = (Role.FACILITATOR, Role.ADMIN)


def session_or_404(public_id: str) -> ClassSession:
    """Return the session if the signed-in staff member may see it; 404 otherwise.

    The one place where a session id from a URL is checked against who asks, so an
    id guessed or copied from another facilitator or organisation answers 404.
    """
    found = facilitation.session_for(get_session(), current_user, public_id)
    if found is None:
        abort(404)
    return found


def membership_or_404(class_session: ClassSession, public_id: str) -> Membership:
    """Return a membership of this session by its public id; 404 otherwise."""
    found = (
        get_session()
        .scalars(
            select(Membership).where(
                Membership.public_id == public_id,
                Membership.session_id == class_session.id,
            )
        )
        .first()
    )
    if found is None:
        abort(404)
    return found
