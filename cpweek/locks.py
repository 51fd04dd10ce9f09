"""The one way to take a row lock, on PostgreSQL and SQLite alike.

Whoever changes something that others count or check (an event's places, a proposal's
decision, an edition's releases) first locks the row it hangs on, then reads afresh. On
PostgreSQL that is `SELECT ... FOR UPDATE`: the others queue on the row. SQLite has no row
locks; the first write of a transaction takes the database's write lock, so there the lock is an
UPDATE that writes the row as it is (columns with an `onupdate`, such as `updated_at`, are named
so they do not move: calendar fingerprints depend on them). Several rows are locked in id order,
so two transactions never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from cpweek.extensions import db


def lock_rows(model: type[Any], ids: Iterable[int]) -> None:
    """Lock the rows of `model` with these ids, in id order, until the transaction ends."""
    table = model.__table__
    [key] = table.primary_key.columns
    wanted = sorted(set(ids))
    if not wanted:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(key).where(key.in_(wanted)).order_by(key).with_for_update())
        return
    unchanged = {column.name: column for column in table.columns if column.onupdate is not None}
    unchanged[key.name] = key
    for row_id in wanted:
        db.session.execute(
            update(table).where(key == row_id).values(unchanged),
            execution_options={"synchronize_session": False},
        )


def lock(instance: Any) -> Any:
    """Lock one loaded row and read it afresh (what others committed before we got the lock)."""
    lock_rows(type(instance), [instance.id])
    db.session.refresh(instance)
    return instance
