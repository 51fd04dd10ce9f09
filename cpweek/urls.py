"""Links: absolute ones for places with no request to borrow a host from (emails, calendars,
CLI), and the check that a "go back to" address stays on this site."""

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


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site; anything that could leave the site is dropped."""
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
