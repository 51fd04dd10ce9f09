"""The ledger's refusals: each carries the sentence shown to the person (and the field)."""

from __future__ import annotations

from cpweek.errors import DomainError


class ReciprocityError(DomainError):
    pass


class NotAContributor(ReciprocityError):
    pass


class NoRate(ReciprocityError):
    pass


class RateOverlaps(ReciprocityError):
    pass


class WrongStatus(ReciprocityError):
    pass


class WarningsNotAcknowledged(ReciprocityError):
    pass


class BadReceipt(ReciprocityError):
    pass
