"""The reports room's pages: one blueprint (common.py), one module per part, each adding its
routes to `bp`."""

from cpweek.reports.views import (  # noqa: F401  (each module adds its routes to bp)
    feedback,
    impact,
    monitoring,
    outcomes,
    stages,
)
from cpweek.reports.views.common import bp

__all__ = ["bp"]
