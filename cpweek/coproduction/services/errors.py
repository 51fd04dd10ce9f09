"""The errors co-producing the programme raises; views turn them into messages."""

from __future__ import annotations

from cpweek.errors import DomainError


class CoproductionError(DomainError):
    pass


class CallClosed(CoproductionError):
    pass


class NotAllowed(CoproductionError):
    pass


class InvitationInvalid(CoproductionError):
    pass


class DecisionChanged(CoproductionError):
    pass
