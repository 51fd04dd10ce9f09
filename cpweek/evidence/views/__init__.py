"""The evidence room's pages: one blueprint, one module per concept (catalogue, finding,
gapmap, review, suggestions, importing), each adding its routes to `bp`."""

from flask import Blueprint

bp = Blueprint("evidence", __name__)

from cpweek.evidence.views import (  # noqa: E402, F401  (each module adds its routes to bp)
    catalogue,
    finding,
    gapmap,
    importing,
    review,
    suggestions,
)
