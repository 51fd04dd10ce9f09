"""How large a request may be: small for every page, large only where a view takes files.

`MAX_CONTENT_LENGTH` (set from the largest file any kind takes) is the ceiling Werkzeug keeps
for the whole app. Every request is held to `FORM_MAX_BYTES` (10 MB) unless its view is marked
`@accepts_uploads`, so a gigabyte sent to the sign-in form, or to an import of CSV rows, is
refused by the Content-Length alone (413) and never read. The limit is set before any other
hook runs, because CSRF protection reads the form first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request

F = TypeVar("F", bound=Callable)
MARK = "cpweek_accepts_uploads"


def accepts_uploads(view: F) -> F:
    """Mark a view that takes files (store_upload): its requests may be as large as the
    largest file kind (MAX_CONTENT_LENGTH); store_upload then holds each file to its kind's."""
    setattr(view, MARK, True)
    return view


def _hold_to_form_size() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not getattr(view, MARK, False):
        request.max_content_length = current_app.config["FORM_MAX_BYTES"]


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _hold_to_form_size)
