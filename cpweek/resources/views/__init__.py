"""The resources room's pages: one blueprint (common.py), one module per concept (manage,
credits, public, feeds, follow_up), each adding its routes to `bp`."""

from cpweek.resources.views import (  # noqa: F401  (each module adds its routes to bp)
    credits,
    feeds,
    follow_up,
    manage,
    public,
)
from cpweek.resources.views.common import bp

__all__ = ["bp"]
