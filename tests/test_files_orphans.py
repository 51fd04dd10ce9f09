"""No file left behind: a file stored by a unit of work that rolls back is removed, a removal
waits for the commit, and `flask files-sweep` removes what a killed process left."""

from __future__ import annotations

from datetime import timedelta

from cpweek.extensions import db
from cpweek.files import FileKind, remove_stored, samples, store_bytes, stored_size
from cpweek.files.backend import storage
from cpweek.files.sweep import key_columns, sweep
from cpweek.resources.models import Resource, ResourceFormat

ALL = set(FileKind)


# --- files and the unit of work ----------------------------------------------------------------


def test_a_file_stored_by_a_unit_of_work_that_rolls_back_is_removed():
    kept = store_bytes(samples.pdf(), "kept.pdf", ALL, folder="t/uow")
    db.session.commit()
    dropped = store_bytes(samples.pdf(), "dropped.pdf", ALL, folder="t/uow")
    assert stored_size(dropped.key) is not None
    db.session.rollback()
    assert stored_size(dropped.key) is None
    assert stored_size(kept.key) is not None


def test_a_file_stored_when_the_session_closes_without_commit_is_removed():
    dropped = store_bytes(samples.pdf(), "dropped.pdf", ALL, folder="t/uow")
    db.session.remove()  # the end of a request that raised: the session closes, no commit
    assert stored_size(dropped.key) is None


def test_a_removal_waits_for_the_commit():
    stored = store_bytes(samples.pdf(), "r.pdf", ALL, folder="t/uow")
    db.session.commit()
    remove_stored(stored.key)
    assert stored_size(stored.key) is not None  # still there: the request may yet fail
    db.session.rollback()
    assert stored_size(stored.key) is not None  # it failed: the row still names the file
    remove_stored(stored.key)
    db.session.commit()
    assert stored_size(stored.key) is None
    remove_stored(stored.key)  # already gone: nothing happens
    db.session.commit()


# --- flask files-sweep -------------------------------------------------------------------------


def _format_naming(key: str) -> None:
    resource = Resource(slug="toolkit", title="Toolkit", kind="guide")
    db.session.add(resource)
    db.session.flush()
    db.session.add(ResourceFormat(resource_id=resource.id, storage_key=key, filename="t.pdf"))


def test_the_sweep_finds_the_key_columns_by_their_name():
    assert [f"{c.table.name}.{c.name}" for c in key_columns()] == ["resource_formats.storage_key"]


def test_the_sweep_removes_only_old_files_no_row_names(runner):
    named = store_bytes(samples.pdf(), "named.pdf", ALL, folder="t/sweep")
    orphan = store_bytes(samples.pdf(), "orphan.pdf", ALL, folder="t/sweep")
    _format_naming(named.key)
    db.session.commit()  # as a killed process would not have: the orphan's row never came
    # A young file may belong to a request still running.
    assert orphan.key not in sweep(older_than=timedelta(minutes=60)).keys
    listed = sweep(older_than=timedelta(0), dry_run=True)
    assert orphan.key in listed.keys and named.key not in listed.keys
    assert stored_size(orphan.key) is not None
    result = runner.invoke(args=["files-sweep", "--older-than", "0"])
    assert result.exit_code == 0, result.output
    assert orphan.key in result.output and "no row names" in result.output
    assert stored_size(orphan.key) is None
    assert stored_size(named.key) is not None
    assert named.key in storage().stored_keys()


def test_storing_a_file_asks_nothing_of_the_database(count_queries):
    with count_queries() as queries:
        stored = store_bytes(samples.pdf(), "r.pdf", ALL, folder="t/q")
        db.session.commit()
        remove_stored(stored.key)
        db.session.commit()
    assert queries == []


def test_a_store_that_fails_to_remove_does_not_fail_the_commit(monkeypatch, caplog):
    stored = store_bytes(samples.pdf(), "r.pdf", ALL, folder="t/uow")
    db.session.commit()

    def broken(key):
        raise OSError("the disk went away")

    monkeypatch.setattr(storage(), "delete", broken)
    remove_stored(stored.key)
    db.session.commit()  # no error: logged, and the sweep will find the file
    assert f"Could not remove stored file {stored.key}" in caplog.text
