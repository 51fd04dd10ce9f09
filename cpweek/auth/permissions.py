"""The one way to say who may use a view, and the one way to load someone's own record.

Every view is declared either `@public` or `@requires(role, ...)`; tests walk the URL map and
fail on a view that is neither. Anonymous people are sent to sign in, a signed-in person
without any of the roles gets 403, and `owned_or_404` hides other people's records as 404
(a 403 would confirm the record exists).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.extensions import login_manager

F = TypeVar("F", bound=Callable)
T = TypeVar("T")


def public(view: F) -> F:
    """Anyone, signed in or not, may use this view."""
    view.access = "public"  # type: ignore[attr-defined]
    return view


def requires(*roles: Role) -> Callable[[F], F]:
    """Signed-in people holding any of `roles` may use the view.

    Role.ATTENDEE means anyone signed in.
    """
    if not roles:
        raise ValueError("requires() needs at least one role")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def owned_or_404(record: T | None, owner_id: int | None, *, staff: tuple[Role, ...] = ()) -> T:
    """`record` if the current person owns it (or holds one of the `staff` roles), else 404."""
    if record is None or not current_user.is_authenticated:
        abort(404)
    if owner_id != current_user.id and not (staff and current_user.has_role(*staff)):
        abort(404)
    return record


def nav_visible(*roles: Role) -> bool:
    """For templates: show a link only to people who may follow it."""
    return current_user.is_authenticated and current_user.has_role(*roles)
