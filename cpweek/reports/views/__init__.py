"""The reports room's pages: one blueprint (common.py), one module per concept (monitoring: the
equality questions), each adding its routes to `bp`."""

from cpweek.reports.views import monitoring  # noqa: F401  (adds its routes to bp)
from cpweek.reports.views.common import bp

__all__ = ["bp"]
