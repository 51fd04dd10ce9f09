"""The errors of the schedule draft and its releases; views turn them into messages."""

from __future__ import annotations

from cpweek.errors import DomainError


class ScheduleError(DomainError):
    pass


class ReleaseOutdated(ScheduleError):
    """Signing off found the draft moved on: the release is marked outdated (that is kept,
    though the sign-off is refused), so nobody can sign it off again."""
