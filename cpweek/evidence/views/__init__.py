"""The evidence room's pages: one blueprint, one module per concept (catalogue, finding,
gapmap, review, suggestions, importing), each adding its routes to `bp`."""

from flask import Blueprint, abort

from cpweek.evidence.models import EvidenceCollection
from cpweek.evidence.services import catalogue as catalogue_services

bp = Blueprint("evidence", __name__)


def collection_or_404(slug: str) -> EvidenceCollection:
    """The collection a URL names; an unknown slug is a 404."""
    found = catalogue_services.collection_by_slug(slug)
    if found is None:
        abort(404)
    return found

from cpweek.evidence.views import (  # noqa: E402, F401  (each module adds its routes to bp)
    catalogue,
    finding,
    gapmap,
    importing,
    review,
    suggestions,
)
