"""What the reports room refuses, in words for the person using the site."""

from __future__ import annotations

from cpweek.errors import DomainError


class ReportsError(DomainError):
    """Any refusal of the reports room."""


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


class InvitationGone(ReportsError):
    """The link to the equality questions is unknown, altered, used already or out of date."""

    def __init__(self, message: str | None = None):
        super().__init__(message or GONE_MESSAGE)


class UnknownAnswer(ReportsError):
    """An answer that is none of its question's options (a form altered, or an old page)."""


GONE_MESSAGE = (
    "This link to the equality questions does not work. It may have been used already (each "
    "link works once), it may be out of date, or it may not have been copied whole."
)
