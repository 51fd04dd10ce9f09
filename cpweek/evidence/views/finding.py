"""A collection's page: search, facets, results; its Atom feed and exports. All public: only
included items are ever shown."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

from flask import Response, abort, current_app, render_template, request, url_for

from cpweek.auth.permissions import public
from cpweek.csvfiles import csv_download
from cpweek.evidence.models import EvidenceCollection, EvidenceItem
from cpweek.evidence.services import catalogue, exports, filters, finding, vocabularies
from cpweek.evidence.views.common import bp, collection_or_404
from cpweek.urls import absolute_url

EXPORT_TYPES = {
    "csv": None,  # csv_download sets its own type
    "ris": "application/x-research-info-systems; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def item_url(collection: EvidenceCollection, item: EvidenceItem, *, external: bool = False):
    """An item's page; in full under CPWEEK_BASE_URL for feeds and exports."""
    make = absolute_url if external else url_for
    return make("evidence.item", slug=collection.slug, item_id=item.id)


@bp.get("/evidence/<slug>/")
@public
def collection(slug: str):
    found = collection_or_404(slug)
    known = vocabularies.all_terms()
    chosen = filters.parse_filters(request.args, known)
    try:
        page = finding.results_page(found, chosen, known)
    except finding.PageNotFound:
        abort(404)
    return render_template(
        "evidence/collection.html",
        collection=found,
        page=page,
        filters=chosen,
        sorts=filters.SORTS,
        edition=catalogue.edition_of(found),
        gap_map_url=url_for("evidence.gap_map", slug=found.slug, **chosen.to_args(page=1)),
        suggest_url=url_for("evidence.suggest", slug=found.slug),
        item_url=lambda item: item_url(found, item),
        export_limit=finding.EXPORT_LIMIT,
    )


@bp.get("/evidence/<slug>/feed.atom")
@public
def feed(slug: str):
    found = collection_or_404(slug)
    authority = urlsplit(current_app.config.get("CPWEEK_BASE_URL") or request.host_url).hostname
    body = exports.atom_feed(
        found,
        exports.newly_included(found),
        authority=authority or "localhost",
        feed_url=absolute_url("evidence.feed", slug=found.slug),
        page_url=absolute_url("evidence.collection", slug=found.slug),
        item_url=lambda item: item_url(found, item, external=True),
    )
    return Response(body, content_type="application/atom+xml; charset=utf-8")


@bp.get("/evidence/<slug>/export.<fmt>")
@public
def export(slug: str, fmt: str):
    if fmt not in EXPORT_TYPES:
        abort(404)
    found = collection_or_404(slug)
    known = vocabularies.all_terms()
    chosen = filters.parse_filters(request.args, known)
    chosen = replace(chosen, page=1)  # every page of the list, not one
    exported = exports.export_items(found, chosen, known)

    def page_url(item: EvidenceItem) -> str:
        return item_url(found, item, external=True)

    filename = f"{found.slug}-evidence.{fmt}"
    if fmt == "csv":
        response = csv_download(exports.as_csv(exported, page_url), filename)
    else:
        text = (
            exports.as_ris(exported, page_url)
            if fmt == "ris"
            else exports.as_json(exported, page_url)
        )
        response = Response(
            text,
            content_type=EXPORT_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    if exported.capped:
        # The file holds the first EXPORT_LIMIT in the list's order; the page says so too.
        response.headers["X-Export-Capped"] = (
            f"{len(exported.items)} of {exported.total} matching items"
        )
    return response
