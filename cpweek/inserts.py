"""Inserting a row that someone else may insert at the same moment, on PostgreSQL and SQLite.

`INSERT ... ON CONFLICT DO NOTHING` (both databases have it): when the unique key is already
there, nothing happens and the transaction goes on. A plain insert would fail the flush, and the
whole unit of work with it (neither database's driver gives a dependable savepoint here).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, inspect
from sqlalchemy.dialects import postgresql, sqlite

from cpweek.extensions import db


def insert_unless_present(model: type, values: dict[str, Any], unique: list[Any]) -> Any | None:
    """Insert `values` into `model`'s table unless a row with the same `unique` columns exists.
    The new row's (first) primary key when this call inserted it, else None. Column defaults
    apply as for any insert.

    RETURNING says whether a row went in, not a row count: psycopg answers -1 for an INSERT
    the ORM gave a RETURNING clause, and ON CONFLICT DO NOTHING returns no row."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    key: Column[Any] = inspect(model).primary_key[0]
    return db.session.scalar(
        dialect.insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique)
        .returning(key)
    )
