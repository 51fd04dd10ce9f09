"""The evidence room's blueprint and what its page modules share."""

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
