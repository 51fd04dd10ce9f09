"""Absolute links for places with no request to borrow a host from: emails, calendars, CLI."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """`endpoint` as a full URL under CPWEEK_BASE_URL (which may include a path prefix)."""
    base = urlsplit(current_app.config["CPWEEK_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)
