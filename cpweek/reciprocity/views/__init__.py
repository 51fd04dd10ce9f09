"""The ledger's pages: contributors' (/involvement/: profile, logging activities and expenses,
their entries, statements, portfolio and certificate) and organisers' (/ledger/: decisions,
payment runs, balances, rates, guidance wording, recognition, logging for someone). One
blueprint, `bp` (views/common.py), one module per concept, each adding its routes to it."""

from cpweek.reciprocity.views import (  # noqa: F401  (each module adds its routes to bp)
    entries,
    expenses,
    home,
    involvement,
    payments,
    profiles,
    rates,
    statements,
)
from cpweek.reciprocity.views.common import bp

__all__ = ["bp"]
