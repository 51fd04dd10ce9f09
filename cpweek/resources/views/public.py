"""The public side of the library: search and facets, a resource's page, its transcript as a
page, and its stored files (through `cpweek.files.send_stored`: real type, disposition, nosniff,
ranges). Drafts are 404 to everyone here; organisers open a draft's files from its manage page
(`resources.stored_file`)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from cpweek import files
from cpweek.auth.permissions import public
from cpweek.httpcache import revalidated
from cpweek.resources.models import Resource
from cpweek.resources.services import describing, drafting, library, linked
from cpweek.resources.views.common import bp

SLUG_LENGTH = 120  # the column's length: a longer slug names nothing


def published_or_404(slug: str) -> Resource:
    found = drafting.published_resource(slug) if len(slug) <= SLUG_LENGTH else None
    if found is None:
        abort(404)  # unknown, or a draft: the same to the public
    return found


@bp.get("/resources", endpoint="library")
@public
@revalidated
def library_page():
    try:
        page = library.find(request.args)
    except library.PageNotFound:
        abort(404)
    return render_template(
        "resources/library.html", page=page, filters=page.filters, sorts=library.SORTS
    )


@bp.get("/resources/<slug>")
@public
@revalidated
def resource(slug: str):
    found = published_or_404(slug)
    return render_template("resources/resource.html", page=linked.page_of(found))


@bp.get("/resources/<slug>/transcript")
@public
@revalidated
def transcript(slug: str):
    found = published_or_404(slug)
    if not found.transcript.strip():
        abort(404)
    return render_template("resources/transcript.html", resource=found)


@bp.get("/resources/<slug>/files/<int:format_id>/<filename>")
@public
def file(slug: str, format_id: int, filename: str):
    found = published_or_404(slug)
    stored = linked.published_file(found, format_id)
    if stored is None:
        abort(404)
    if filename != stored.filename and stored.filename:
        # An old or mangled name: the one address the file has (308 keeps HEAD a HEAD).
        target = url_for(
            "resources.file", slug=found.slug, format_id=stored.id, filename=stored.filename
        )
        return redirect(target, code=308)
    # send_stored answers ranges, HEAD and 304s, with `public, max-age=3600`: the bytes under
    # a format's id never change, and a draft's files are 404 above.
    return files.send_stored(
        stored.storage_key,
        media_type=stored.media_type,
        filename=stored.filename or filename,
        inline=describing.shown_inline(stored.media_type),
    )
