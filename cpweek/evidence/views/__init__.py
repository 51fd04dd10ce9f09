"""The evidence room's pages: one blueprint (common.py), one module per concept (catalogue,
finding, gapmap, review, suggestions, importing), each adding its routes to `bp`."""

from cpweek.evidence.views import (  # noqa: F401  (each module adds its routes to bp)
    catalogue,
    finding,
    gapmap,
    importing,
    review,
    suggestions,
)
from cpweek.evidence.views.common import bp, collection_or_404

__all__ = ["bp", "collection_or_404"]
