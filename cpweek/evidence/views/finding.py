"""A collection's page: search, facets, results; its feed and exports."""

from __future__ import annotations

from flask import abort, render_template

from cpweek.auth.permissions import public
from cpweek.evidence.services import catalogue
from cpweek.evidence.views import bp


@bp.get("/evidence/<slug>/")
@public
def collection(slug: str):
    found = catalogue.collection_by_slug(slug)
    if found is None:
        abort(404)
    return render_template("evidence/collection.html", collection=found)
