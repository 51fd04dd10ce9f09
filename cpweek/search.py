"""Full-text search, one interface over two real engines.

PostgreSQL: a stored, generated `tsvector` column (`search_vector`, English stemming, fields
weighted A-D) with a GIN index, queried with `websearch_to_tsquery`, ranked with `ts_rank_cd`
and highlighted with `ts_headline`. SQLite: an external-content FTS5 table (`<table>_fts`,
Porter stemming) kept in step by triggers, ranked with `bm25` and highlighted with `snippet`.

An index is declared once as a `SearchIndex`; the migration that creates its table calls
`create_statements` for the dialect. Anything a person types is turned into a query that cannot
fail (see `matching`); what cannot match anything gives no results, never an error.
The search objects are not in the models, so `migrations/env.py` asks `is_search_object` to
leave them out of autogenerate's comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, column, false, or_, select, table

SEARCH_COLUMN = "search_vector"
INDEX_PREFIX = "ix_search_"
FTS_SUFFIX = "_fts"


@dataclass(frozen=True)
class SearchIndex:
    table: str
    # (column, weight): A is the strongest (PostgreSQL's weights; bm25 gets 8, 4, 2, 1).
    fields: tuple[tuple[str, str], ...]
    language: str = "english"

    @property
    def fts_table(self) -> str:
        return f"{self.table}{FTS_SUFFIX}"

    @property
    def columns(self) -> list[str]:
        return [name for name, _ in self.fields]

    @property
    def bm25_weights(self) -> list[float]:
        return [{"A": 8.0, "B": 4.0, "C": 2.0, "D": 1.0}[weight] for _, weight in self.fields]

    def create_statements(self, dialect: str) -> list[str]:
        if dialect == "postgresql":
            vector = " || ".join(
                f"setweight(to_tsvector('{self.language}', coalesce({name}, '')), '{weight}')"
                for name, weight in self.fields
            )
            return [
                f"ALTER TABLE {self.table} ADD COLUMN {SEARCH_COLUMN} tsvector "
                f"GENERATED ALWAYS AS ({vector}) STORED",
                f"CREATE INDEX {INDEX_PREFIX}{self.table} ON {self.table} "
                f"USING gin ({SEARCH_COLUMN})",
            ]
        names = ", ".join(self.columns)
        new = ", ".join(f"new.{name}" for name in self.columns)
        old = ", ".join(f"old.{name}" for name in self.columns)
        fts = self.fts_table
        return [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{self.table}', "
            "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {self.table} BEGIN "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {self.table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {self.table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new}); END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]

    def drop_statements(self, dialect: str) -> list[str]:
        if dialect == "postgresql":
            return [
                f"DROP INDEX IF EXISTS {INDEX_PREFIX}{self.table}",
                f"ALTER TABLE {self.table} DROP COLUMN IF EXISTS {SEARCH_COLUMN}",
            ]
        fts = self.fts_table
        return [
            *(f"DROP TRIGGER IF EXISTS {fts}_{suffix}" for suffix in ("ai", "ad", "au")),
            f"DROP TABLE IF EXISTS {fts}",
        ]


EVIDENCE_ITEMS = SearchIndex(
    "evidence_items",
    (("title", "A"), ("authors", "B"), ("publisher", "C"), ("summary", "D")),
)


def is_search_object(kind: str, name: str | None) -> bool:
    """True for what the search indexes add beside the models (for Alembic's comparison)."""
    name = name or ""
    if kind == "table":
        return FTS_SUFFIX + "_" in name or name.endswith(FTS_SUFFIX)
    if kind == "column":
        return name == SEARCH_COLUMN
    if kind == "index":
        return name.startswith(INDEX_PREFIX)
    return False


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: leave the search objects out of the comparison."""
    return not (reflected and compare_to is None and is_search_object(type_, name))


def text_condition(index: SearchIndex, id_column, text: str) -> ColumnElement[bool]:
    """A condition on `id_column` true for the rows whose indexed text matches `text`.

    FOUNDATION STUB: a plain case-insensitive LIKE on every word, on both databases; to be
    replaced by the real engines (websearch_to_tsquery on PostgreSQL, FTS5 MATCH on SQLite)."""
    words = [w for w in text.split() if w.strip('"-*')]
    if not words:
        return false()
    source = table(index.table, column("id"), *(column(name) for name in index.columns))
    conditions = []
    for word in words:
        pattern = "%" + word.strip('"-*').replace("%", "").replace("_", "") + "%"
        conditions.append(or_(*(source.c[name].ilike(pattern) for name in index.columns)))
    return id_column.in_(select(source.c.id).where(*conditions))
