"""Collections and items: the list of collections, an item's page, and organisers' editing."""

from __future__ import annotations

from flask import render_template

from cpweek.auth.permissions import public
from cpweek.evidence.services import catalogue
from cpweek.evidence.views import bp


@bp.get("/evidence/")
@public
def collections():
    return render_template("evidence/collections.html", collections=catalogue.collections())
