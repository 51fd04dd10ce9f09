"""The library's feeds: Atom of newly published resources, and the podcast (RSS 2.0 with the
iTunes and Podcasting 2.0 tags). Both answer conditional requests: the validators come from one
cheap query, and the feed is built only when the client's copy is out of date."""

from __future__ import annotations

from flask import Response, request

from cpweek.auth.permissions import public
from cpweek.resources.services import feeds
from cpweek.resources.views.common import bp

ATOM_TYPE = "application/atom+xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"


def _feed_response(file: feeds.FeedFile, content_type: str) -> Response:
    response = Response(content_type=content_type)
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    response.set_etag(file.etag)
    if file.last_modified is not None:
        response.last_modified = file.last_modified
    response.make_conditional(request)  # a 304 when the client's copy is current
    if response.status_code == 200:
        response.set_data(file.build())
    return response


@bp.get("/resources/feed.atom")
@public
def feed():
    return _feed_response(feeds.atom_file(), ATOM_TYPE)


@bp.get("/resources/podcast.xml")
@public
def podcast():
    return _feed_response(feeds.podcast_file(), RSS_TYPE)
