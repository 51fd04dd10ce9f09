"""Pieces of pages rendered once and kept in each worker's memory, keyed by what they show.

A template wraps a piece in `{% call cached_html(name, *key) %}...{% endcall %}`; the key
names everything the piece shows (for an event: its id and updated_at, which every change of the
row moves, plus what comes from elsewhere). A long programme then costs a dictionary lookup
per event instead of rendering each one again.

Safe without sharing between workers: a change gives a new key, so an old piece is never found
again (see cpweek/cache.py). `request.script_root` is part of every key, since the links inside
a piece depend on where the site is mounted.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import request
from markupsafe import Markup

from cpweek.cache import VersionedCache

pieces = VersionedCache(size=4096)


def cached_html(name: str, *key: Hashable, caller: Callable[[], Markup]) -> Markup:
    """The piece `name` for `key`: `caller()` (the body of the `{% call %}`, already escaped
    markup in an autoescaped template) when it is new."""
    return pieces.get((name, request.script_root, *key), caller)
