"""The evidence room's refusals."""

from cpweek.errors import DomainError


class EvidenceError(DomainError):
    pass


class ItemInvalid(EvidenceError):
    """Something typed for an item is wrong; `field` names it."""


class NotAllowed(EvidenceError):
    pass
