"""`flask files-sweep`: remove stored files that no row names.

The first answer to a failed request is the unit of work's (uploads.py): a file stored by a
transaction that rolls back is removed at once. What that cannot see is a process killed
between writing a file and committing (a worker restarted mid-upload, a host lost). This sweep
is for that: run it now and then (daily, from cron or a systemd timer). It leaves alone files
younger than `--older-than` minutes, which may belong to a request still running.

Which rows name files is found by a convention, so no domain has to register with this one:
every column called `storage_key`, in every table (today `resource_formats.storage_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import click
from sqlalchemy import Column, select

from cpweek.extensions import db
from cpweek.files.backend import storage

KEY_COLUMN = "storage_key"


def key_columns() -> list[Column]:
    return [table.c[KEY_COLUMN] for table in db.metadata.sorted_tables if KEY_COLUMN in table.c]


def named_keys() -> set[str]:
    """Every key some row names (one query a column)."""
    named: set[str] = set()
    for column in key_columns():
        named.update(db.session.scalars(select(column).where(column != "").distinct()))
    return named


@dataclass(frozen=True)
class Swept:
    keys: list[str]
    size: int


def sweep(*, older_than: timedelta, dry_run: bool = False) -> Swept:
    """Remove (or, with dry_run, only list) files no row names that are older than that."""
    store = storage()
    named = named_keys()
    cutoff = datetime.now(UTC) - older_than
    found: list[str] = []
    size = 0
    for key in store.stored_keys():
        if key in named:
            continue
        info = store.stat(key)
        if info is None or info.modified > cutoff:
            continue
        found.append(key)
        size += info.size
        if not dry_run:
            store.delete(key)
    return Swept(found, size)


@click.command("files-sweep")
@click.option(
    "--older-than",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Minutes: younger files may belong to a request still running.",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def sweep_command(older_than: int, dry_run: bool) -> None:
    """Remove stored files that no row names (left by a process killed mid-upload)."""
    from cpweek.files.uploads import size_in_words

    swept = sweep(older_than=timedelta(minutes=older_than), dry_run=dry_run)
    for key in swept.keys:
        click.echo(key)
    verb = "Would remove" if dry_run else "Removed"
    noun = "file" if len(swept.keys) == 1 else "files"
    click.echo(f"{verb} {len(swept.keys)} {noun} no row names ({size_in_words(swept.size)}).")
