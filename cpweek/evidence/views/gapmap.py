"""The evidence and gap map of a collection, as a page and as a CSV file. The list's filters
(same query arguments) apply to the map; `rows` and `cols` choose its axes."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for

from cpweek.auth.permissions import public
from cpweek.csvfiles import csv_download, csv_text
from cpweek.evidence.models import EvidenceCollection, EvidenceTerm
from cpweek.evidence.services import filters, gapmap, vocabularies
from cpweek.evidence.views.common import bp, collection_or_404


def _suggest_url(collection: EvidenceCollection, args: dict[str, Any]) -> str:
    """The suggestion form pre-filled with a cell."""
    return url_for("evidence.suggest", slug=collection.slug, **args)


def _without_order(chosen: filters.Filters) -> dict:
    """Query arguments of what the filters choose; the map has no sort or page, so its links
    leave them out (the list then shows its own default order)."""
    return {name: value for name, value in chosen.to_args().items() if name not in ("sort", "page")}


def _the_map(slug: str):
    collection = collection_or_404(slug)
    known = vocabularies.all_terms()
    chosen = filters.parse_filters(request.args, known)
    axes = gapmap.parse_axes(request.args)
    return collection, known, chosen, axes, gapmap.build(collection, chosen, known, axes)


@bp.get("/evidence/<slug>/map")
@public
def gap_map(slug: str):
    collection, known, chosen, axes, found = _the_map(slug)

    def cell_url(row: EvidenceTerm, col: EvidenceTerm) -> str:
        narrowed = gapmap.cell_filters(chosen, axes, row, col)
        return url_for("evidence.collection", slug=collection.slug, **_without_order(narrowed))

    def suggest_url(row: EvidenceTerm, col: EvidenceTerm) -> str:
        return _suggest_url(collection, gapmap.suggestion_args(axes, row, col))

    filter_args = _without_order(chosen)

    def map_url(rows=None, cols=None, **args) -> str:
        shown = gapmap.Axes(rows or axes.rows, cols or axes.cols)
        values: dict[str, Any] = {**shown.to_args(), **args}
        return url_for("evidence.gap_map", slug=collection.slug, **values)

    labels = {
        vocabulary: {term.slug: term.label for term in known.get(vocabulary.value, [])}
        for vocabulary in filters.FACETS
    }
    return render_template(
        "evidence/gap_map.html",
        collection=collection,
        filters=chosen,
        filter_args=filter_args,
        axes=axes,
        grid=found,
        labels=labels,
        facets=filters.FACETS,
        choices=[
            (title, map_url(rows, cols, **filter_args), (rows, cols) == (axes.rows, axes.cols))
            for rows, cols, title in gapmap.CHOICES
        ],
        plurals=gapmap.PLURALS,
        list_url=url_for("evidence.collection", slug=collection.slug, **filter_args),
        whole_map_url=map_url(),
        csv_url=url_for(
            "evidence.gap_map_csv", slug=collection.slug, **axes.to_args(), **filter_args
        ),
        gap_url=_suggest_url(collection, {"kind": "gap"}),
        cell_url=cell_url,
        suggest_url=suggest_url,
    )


@bp.get("/evidence/<slug>/map.csv")
@public
def gap_map_csv(slug: str):
    collection, _, _, axes, found = _the_map(slug)
    filename = f"{collection.slug}-map-{axes.rows.value}-by-{axes.cols.value}.csv"
    return csv_download(csv_text(gapmap.csv_rows(found)), filename)
