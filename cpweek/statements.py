"""Running an UPDATE, DELETE or INSERT through the session and counting the rows it touched."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable

from cpweek.extensions import db


def rows_changed(statement: Executable) -> int:
    """Execute `statement` (UPDATE, DELETE or INSERT) in the session; how many rows it changed."""
    # Such a statement always comes back as a CursorResult, which has the count; the session's
    # signature promises only a Result.
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount
