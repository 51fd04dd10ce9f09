"""Validators (ETag, Last-Modified) for public pages, so a browser, or a cache between the site
and its visitors, asks "has this changed?" and gets a 304 instead of the page again.

`@revalidated` on a view gives its page validators only when the page is the same for every
anonymous visitor who asks for that address:
- a signed-in visitor's page names them, so it stays `private, no-cache` with no validator;
- a page showing flashed messages is shown once, so it gets no validator either;
- a page holding a form's CSRF token is bound to the visitor's session: its ETag includes (a
  hash of) that session's secret and it is `private`, so no shared cache hands it to someone
  else and a 304 never brings back a form from another session; a page that sets the session
  cookie is `private` too.

The ETag is a hash of the page as rendered (the signed CSRF token, which differs on every render,
replaced by the session's hash), so it changes whenever anything shown changes: events, places
left, the edition, the Easy Read version chosen by cookie (`Vary: Cookie`), a deploy. What a
304 saves is the download, not the rendering.

Last-Modified is when this worker first served the current version of the address (to the
second, and at least a second after the version before it), so If-Modified-Since works for
clients that do not send If-None-Match. Nothing in the database dates everything a page shows
(an edition has no updated_at; the evidence hubs and credits come from other domains), hence
this. Its limit: with several workers, a client that sends only If-Modified-Since could be told
"unchanged" too early when a worker missed a version (one that came and went within a second,
or a page that changed back exactly as it was). Clients that keep ETags (every browser) never
are: If-None-Match, when sent, decides alone.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, g, make_response, request, session
from flask.globals import request_ctx
from flask_login import current_user

from cpweek.timezones import utcnow

SHARED = "public, max-age=0, must-revalidate"
SESSION_BOUND = "private, max-age=0, must-revalidate"
PERSONAL = "private, no-cache"


class VersionTimes:
    """When each address's current version was first served by this worker (a bounded map)."""

    def __init__(self, size: int = 2048):
        self._seen: OrderedDict[str, tuple[str, datetime]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def since(self, address: str, etag: str) -> datetime:
        now = utcnow().replace(microsecond=0)
        with self._lock:
            seen = self._seen.get(address)
            if seen is None or seen[0] != etag:
                # HTTP dates have whole seconds: a new version must not share its predecessor's.
                since = max(now, seen[1] + timedelta(seconds=1)) if seen else now
                seen = (etag, since)
            self._seen[address] = seen
            self._seen.move_to_end(address)
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return seen[1]


version_times = VersionTimes()


def _messages_shown() -> bool:
    return bool(request_ctx.flashes or session.get("_flashes"))


def _csrf_token() -> str | None:
    """The signed CSRF token this request put in the page, if it rendered one."""
    return g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))


def add_validators(response: Response) -> Response:
    """Validators and caching rules on a rendered page (see the module's docstring), and a 304
    when the visitor's copy is current."""
    response.vary.add("Cookie")
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = PERSONAL
        return response
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.is_streamed
        or _messages_shown()
    ):
        return response
    body = response.get_data()
    token = _csrf_token()
    if token:
        field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        secret = hashlib.sha256(str(session.get(field, "")).encode()).hexdigest()
        body = body.replace(token.encode(), secret.encode())
    etag = hashlib.sha256(body).hexdigest()[:32]
    response.set_etag(etag)
    response.last_modified = version_times.since(request.full_path, etag)
    # A page that sets the session cookie (with a CSRF token, or flask-login's marks) is this
    # visitor's alone: a shared cache must not hand the cookie on.
    sets_cookie = current_app.session_interface.should_set_cookie(current_app, session)
    response.headers["Cache-Control"] = SESSION_BOUND if token or sets_cookie else SHARED
    response.make_conditional(request)  # in place: a 304 without a body when the copy is current
    return response


def revalidated(view: Callable[..., Any]) -> Callable[..., Response]:
    """A view whose anonymous GETs carry validators and may be answered with a 304."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        return add_validators(make_response(view(*args, **kwargs)))

    return wrapper
