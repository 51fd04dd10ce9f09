"""The migrations build exactly the models: nothing for `flask db check` to find."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from cpweek.extensions import db
from cpweek.search import include_in_migrations


def test_migrated_database_matches_the_models(app):
    # The test database was built by `flask db upgrade` (see conftest), so any model change
    # without a revision shows up here as a difference.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_object": include_in_migrations},
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_there_is_one_head(app):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1


def test_upgrading_an_existing_sqlite_database_keeps_its_rows(base_config, tmp_path):
    """Batch migrations rebuild SQLite tables; with foreign keys on, dropping the old table
    would cascade deletes into role_grants. env.py turns them off for migrations."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from cpweek import create_app

    config = {**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}"}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    app = create_app(config)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, login_version, created_at) "
                    "VALUES (1, 'kept@example.org', 'Kept', 0, '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO role_grants (user_id, role, granted_at) "
                    "VALUES (1, 'organiser', '2026-01-01 00:00:00')"
                )
            )
        upgrade()
        downgrade(revision="0001")
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM role_grants")).scalar() == 1
            assert (
                connection.execute(text("SELECT email FROM users")).scalar() == "kept@example.org"
            )
        db.engine.dispose()


def test_foreign_keys_are_enforced_after_migrating(app):
    from sqlalchemy import text

    with db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            return
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_population_figures_fill_only_what_no_organiser_entered(base_config, tmp_path):
    """Migration 0025 adds Census 2021 shares with their sources, but a figure an organiser
    already saved stays theirs, going up and coming back down."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from cpweek import create_app

    config = {**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'pop.sqlite'}"}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    app = create_app(config)
    query = text(
        "SELECT category, per_mille, source FROM population_shares WHERE question = :question"
    )
    with app.app_context():
        upgrade(revision="0024")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO population_shares (question, category, per_mille, source, "
                    "source_url) VALUES ('sex', 'female', 505, 'Our own count', ''), "
                    "('sex', 'male', NULL, 'Our own count', '')"
                )
            )
        upgrade(revision="0025")
        with db.engine.connect() as connection:
            sex = {row.category: row for row in connection.execute(query, {"question": "sex"})}
            care = dict(
                (row.category, row.per_mille)
                for row in connection.execute(query, {"question": "unpaid_care"})
            )
        assert (sex["female"].per_mille, sex["female"].source) == (505, "Our own count")
        assert sex["male"].per_mille == 490 and "England" in sex["male"].source
        assert care == {
            "no": 912,
            "up_to_9": 31,
            "10_19": 12,
            "20_34": 8,
            "35_49": 10,
            "50_more": 26,
        }
        downgrade(revision="0024")
        with db.engine.connect() as connection:
            left = {
                row.category: row.per_mille
                for row in connection.execute(query, {"question": "sex"})
            }
            assert left == {"female": 505}
            assert not connection.execute(query, {"question": "unpaid_care"}).all()
        db.engine.dispose()
