"""The programme's pages, one module per concept: `public` (home, years, programme, event and
registration form), `calendars` (calendar files), `registrations` (the private manage-link
pages), `account` (a person's own calendar and access profile), `manage` (organisers: editions
and events) and `attendees` (organisers: registrations and check-in). Each adds its routes to
the one blueprint, `bp` (in `blueprint`), so every endpoint is still `programme.<name>`."""

from __future__ import annotations

from cpweek.programme.views import (  # noqa: F401  (importing a module adds its routes to bp)
    account,
    attendees,
    calendars,
    manage,
    public,
    registrations,
)
from cpweek.programme.views.blueprint import bp

__all__ = ["bp"]
