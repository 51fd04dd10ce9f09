"""Handing a stored file to a browser or a podcast app.

Always with the type read from its content (text with charset=utf-8), a Content-Disposition
(attachment, or inline to show it in the page; RFC 6266 `filename*` for a name beyond ASCII),
`nosniff`, `Accept-Ranges: bytes` and byte ranges (206, or 416 for a range beyond the end) so
audio and video can seek, and an ETag and Last-Modified that answer 304 to a current copy.

A local file goes through Werkzeug's `send_file(conditional=True)`. A file in an S3-compatible
store is streamed through the app, only the range asked for fetched from the store: the same
headers, the same address and the same checks as a local file (see cpweek/files/s3.py).
"""

from __future__ import annotations

import unicodedata
from typing import TypeGuard, cast
from urllib.parse import quote

from flask import Response, abort, request, send_file
from werkzeug.datastructures import Range
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.http import parse_range_header

from cpweek.files.backend import storage
from cpweek.files.storage import (
    BadKey,
    LocalStorage,
    StoredInfo,
    StreamedStorage,
    checked_key,
)

PUBLIC_MAX_AGE = 3600


def send_stored(
    key: str, *, media_type: str, filename: str, inline: bool = False, public: bool = True
) -> Response:
    """The stored file as a response; 404 when nothing is stored under `key`.

    `public=False` for a file only some people may see: `Cache-Control: private, no-cache`
    (a browser keeps it and asks again each time; no shared cache keeps it)."""
    try:
        checked_key(key)
    except BadKey:
        abort(404)
    store = storage()
    if isinstance(store, LocalStorage):
        response = _send_local(store, key, media_type, filename, inline, public)
    else:
        streamed = cast(StreamedStorage, store)
        response = _send_streamed(streamed, key, media_type, filename, inline, public)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Accept-Ranges"] = "bytes"
    return response


def _send_local(
    store: LocalStorage, key: str, media_type: str, filename: str, inline: bool, public: bool
) -> Response:
    path = store.path(key)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype=media_type,
        as_attachment=not inline,
        download_name=filename,
        conditional=True,
        etag=True,
        max_age=PUBLIC_MAX_AGE if public else None,
    )
    if not public:
        _private(response)
    return response


def _private(response: Response) -> None:
    response.cache_control.public = False
    response.cache_control.max_age = None
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.expires = None


def _send_streamed(
    store: StreamedStorage, key: str, media_type: str, filename: str, inline: bool, public: bool
) -> Response:
    """For a store that is not a local folder: it tells the size, ETag and date of a key
    (`stat`), and reads a range of it (`read_range`)."""
    info = store.stat(key)
    if info is None:
        abort(404)
    response = Response(mimetype=media_type)
    response.set_etag(info.etag)
    response.last_modified = info.modified
    _set_disposition(response, filename, inline)
    if public:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    else:
        _private(response)
    # make_conditional answers 304 for a current copy (If-None-Match, If-Modified-Since);
    # the range itself is read here, so only its bytes leave the store.
    response.make_conditional(request.environ, accept_ranges=False)
    if response.status_code == 304:
        return response
    start, stop = 0, info.size
    ranges = parse_range_header(request.headers.get("Range"))
    # One byte range is served as asked; several, or another unit, get the whole file (RFC
    # 9110 lets a server ignore a Range), as send_file does.
    if _one_byte_range(ranges) and _if_range_holds(info):
        bounds = ranges.range_for_length(info.size)
        if bounds is None:
            raise RequestedRangeNotSatisfiable(length=info.size)
        start, stop = bounds
        response.status_code = 206
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{info.size}"
    if request.method != "HEAD":
        response.response = store.read_range(key, start, stop)
    response.content_length = stop - start
    return response


def _one_byte_range(ranges: Range | None) -> TypeGuard[Range]:
    return ranges is not None and ranges.units == "bytes" and len(ranges.ranges) == 1


def _if_range_holds(info: StoredInfo) -> bool:
    if_range = request.headers.get("If-Range")
    if not if_range:
        return True
    return if_range.strip().strip('"').removeprefix('W/"') == info.etag


def _set_disposition(response: Response, filename: str, inline: bool) -> None:
    """The header send_file writes: an ASCII name, and RFC 6266 `filename*` when it has more."""
    try:
        filename.encode("ascii")
        names = {"filename": filename}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        quoted = quote(filename, safe="!#$&+-.^_`|~")  # RFC 5987 attr-char
        names = {"filename": simple, "filename*": f"UTF-8''{quoted}"}
    response.headers.set("Content-Disposition", "inline" if inline else "attachment", **names)
