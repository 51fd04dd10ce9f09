"""The reports room's errors: a message for the person, maybe the field it is about."""

from __future__ import annotations

from cpweek.errors import DomainError


class ReportsError(DomainError):
    pass


class NotAllowed(ReportsError):
    pass


class MeasureInvalid(ReportsError):
    pass


class FeedbackInvalid(ReportsError):
    pass


class LinkUnknown(ReportsError):
    """No feedback link has this token (mistyped, cut short or made up)."""


class LinkUsed(ReportsError):
    """The link has already been used: its answers are saved once."""


class FormClosed(ReportsError):
    """The form's days have passed."""


class PopulationInvalid(ReportsError):
    """A population share that cannot be saved: the message says why, by its field."""
