"""Inserting a row that someone else may insert at the same moment, on PostgreSQL and SQLite.

`INSERT ... ON CONFLICT DO NOTHING` (both databases have it): when the unique key is already
there, nothing happens and the transaction goes on. A plain insert would fail the flush, and the
whole unit of work with it (neither database's driver gives a dependable savepoint here).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from cpweek.extensions import db
from cpweek.statements import rows_changed


def insert_unless_present(model: type, values: dict[str, Any], unique: list[Any]) -> bool:
    """Insert `values` into `model`'s table unless a row with the same `unique` columns exists;
    True when this call inserted it. Column defaults apply as for any insert."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return bool(
        rows_changed(
            dialect.insert(model).values(**values).on_conflict_do_nothing(index_elements=unique)
        )
    )
