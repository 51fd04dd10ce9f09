"""The schedule draft and its releases, one module per concept: `draft` (where the draft
puts each session, and the grid by day), `conflicts` (one checker per kind), `releases`
(preparing, signing off, publishing), `notify` (one message per person a release touches)
and `changelog` (the public log and its feed). Callers use `from cpweek.coproduction import
schedule` and then `schedule.x`; the modules inside import each other directly.
"""

from cpweek.coproduction.schedule.changelog import KIND_WORDS, atom_feed, change_details
from cpweek.coproduction.schedule.conflicts import Conflict, conflicts
from cpweek.coproduction.schedule.draft import (
    Day,
    Placed,
    add_break,
    cancel_in_draft,
    describe,
    draft,
    grid,
    place,
    undo,
)
from cpweek.coproduction.schedule.errors import ReleaseOutdated, ScheduleError
from cpweek.coproduction.schedule.releases import (
    get_release,
    pending_changes,
    pending_release,
    prepare_release,
    releases,
    sign_off,
    sign_offs,
)

__all__ = [
    "KIND_WORDS",
    "Conflict",
    "Day",
    "Placed",
    "ReleaseOutdated",
    "ScheduleError",
    "add_break",
    "atom_feed",
    "cancel_in_draft",
    "change_details",
    "conflicts",
    "describe",
    "draft",
    "get_release",
    "grid",
    "pending_changes",
    "pending_release",
    "place",
    "prepare_release",
    "releases",
    "sign_off",
    "sign_offs",
    "undo",
]
