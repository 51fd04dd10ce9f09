"""The migrations build exactly the models: nothing for `flask db check` to find."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cpweek.extensions import db


def test_migrated_database_matches_the_models(app):
    # The test database was built by `flask db upgrade` (see conftest), so any model change
    # without a revision shows up here as a difference.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_there_is_one_head(app):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
