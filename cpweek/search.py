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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    false,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR

from cpweek.extensions import db

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
            # Only a change of the indexed text re-indexes (a row lock writes other columns).
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {self.table} BEGIN "
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

RESOURCES = SearchIndex(
    "resources",
    (("title", "A"), ("summary", "B"), ("plain_summary", "C"), ("transcript", "D")),
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


# --- the query side ------------------------------------------------------------------------------
#
# What a person typed is read once, in Python, as web-search syntax (words, "quoted phrases",
# `or` between alternatives, `-excluded` words or phrases), and written out again for each engine
# from nothing but word tokens, every one double-quoted. So `*`, `:`, `^`, parentheses, NEAR,
# AND/NOT and stray quotes are only ever words or gaps between words: never syntax, never an
# error. Exclusions apply to the whole query on both engines (PostgreSQL's websearch syntax would
# tie them to one alternative; writing them into each alternative says the same on both).

MAX_QUERY_TERMS = 32  # FTS5 refuses deep expression trees; nobody types more words than this
MAX_QUERY_LENGTH = 2_000  # characters read; the rest is ignored
START, STOP = "\ue000", "\ue001"  # private-use sentinels around matches, turned into <mark>

_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_WORD = re.compile(r"[^\W_]+")  # letters and digits: the tokens both engines index


@dataclass(frozen=True)
class ParsedQuery:
    """`alternatives` are OR'ed; each is a run of phrases that must all match (a phrase is one
    or more word tokens in order); `excluded` phrases must not match."""

    alternatives: tuple[tuple[tuple[str, ...], ...], ...] = ()
    excluded: tuple[tuple[str, ...], ...] = ()

    @property
    def searchable(self) -> bool:
        """False when nothing typed could match anything: such a query gives no results."""
        return bool(self.alternatives)

    def fts5(self) -> str:
        """SQLite FTS5 MATCH syntax: every phrase a double-quoted string."""

        def phrase(tokens: tuple[str, ...]) -> str:
            return '"' + " ".join(tokens).replace('"', '""') + '"'

        either = " OR ".join(
            "(" + " AND ".join(phrase(p) for p in alternative) + ")"
            for alternative in self.alternatives
        )
        if not self.excluded:
            return either
        return f"({either}) NOT ({' OR '.join(phrase(p) for p in self.excluded)})"

    def websearch(self) -> str:
        """PostgreSQL `websearch_to_tsquery` syntax, with every phrase quoted (so a typed `or`
        inside quotes stays a word) and the exclusions written into each alternative."""
        exclusions = "".join(f' -"{" ".join(p)}"' for p in self.excluded)
        return " or ".join(
            " ".join(f'"{" ".join(p)}"' for p in alternative) + exclusions
            for alternative in self.alternatives
        )


def parse_query(text: str) -> ParsedQuery:
    """Read what a person typed; never fails, whatever the text."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    alternatives: list[list[tuple[str, ...]]] = [[]]
    excluded: list[tuple[str, ...]] = []
    used = 0
    for match in _TERM.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and not negated and bare.lower() == "or":
            if alternatives[-1]:
                alternatives.append([])
            continue
        tokens = tuple(_WORD.findall(quoted if quoted is not None else bare))
        if not tokens or used >= MAX_QUERY_TERMS:
            continue
        tokens = tokens[: MAX_QUERY_TERMS - used]
        used += len(tokens)
        if negated:
            if tokens not in excluded:
                excluded.append(tokens)
        elif tokens not in alternatives[-1]:
            alternatives[-1].append(tokens)
    found = tuple(tuple(a) for a in alternatives if a)
    return ParsedQuery(found, tuple(excluded) if found else ())


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _pg_vector(index: SearchIndex) -> ColumnElement:
    # The generated column is not in the ORM model (it is the migration's), so it is named here;
    # statements using it must select from the index's table itself (not an alias).
    return literal_column(f"{index.table}.{SEARCH_COLUMN}", type_=TSVECTOR)


def _pg_query(index: SearchIndex, parsed: ParsedQuery) -> ColumnElement:
    return func.websearch_to_tsquery(
        literal_column(f"'{index.language}'::regconfig"), literal(parsed.websearch())
    )


def _fts(index: SearchIndex):
    return table(index.fts_table, column("rowid"), *(column(name) for name in index.columns))


def text_condition(index: SearchIndex, id_column, text: str) -> ColumnElement[bool]:
    """A condition true for the rows whose indexed text matches `text` (web-search syntax).

    PostgreSQL: `search_vector @@ websearch_to_tsquery(...)` on the index's table itself (the GIN
    index answers it). SQLite: `id_column IN (SELECT rowid FROM <table>_fts WHERE ... MATCH ...)`.
    A query with no searchable word is false: no results, never an error."""
    parsed = parse_query(text)
    if not parsed.searchable:
        return false()
    if _dialect() == "postgresql":
        return _pg_vector(index).op("@@")(_pg_query(index, parsed))
    fts = _fts(index)
    return id_column.in_(
        select(fts.c.rowid).where(literal_column(fts.name).op("MATCH")(parsed.fts5()))
    )


def ranked(
    statement: Select, index: SearchIndex, id_column, text: str
) -> tuple[Select, ColumnElement[float]]:
    """`statement` narrowed to the rows matching `text`, and a relevance score to order by,
    higher is better: `ts_rank_cd` over the weighted vector on PostgreSQL, minus
    `bm25(<table>_fts, 8, 4, 2, 1)` on SQLite (bm25 is lower-is-better), so a match in a title
    outranks one in a summary on both."""
    parsed = parse_query(text)
    if not parsed.searchable:
        return statement.where(false()), literal(0.0)
    if _dialect() == "postgresql":
        query = _pg_query(index, parsed)
        vector = _pg_vector(index)
        return statement.where(vector.op("@@")(query)), func.ts_rank_cd(vector, query)
    fts = _fts(index)
    weights = ", ".join(f"{w:g}" for w in index.bm25_weights)
    scores = (
        select(
            fts.c.rowid.label("id"),
            (-literal_column(f"bm25({fts.name}, {weights})")).label("score"),
        )
        .where(literal_column(fts.name).op("MATCH")(parsed.fts5()))
        .subquery(f"{fts.name}_scores")
    )
    return statement.join(scores, scores.c.id == id_column), scores.c.score


def marked(text: str | None) -> Markup:
    """Text from an engine's highlighter as safe HTML: every piece escaped, and the sentinels
    (and only they) turned into <mark> elements, never nested, never left open."""
    html = Markup("")
    inside = False
    for part in re.split(f"([{START}{STOP}])", text or ""):
        if part == START:
            if not inside:
                html += Markup("<mark>")
            inside = True
        elif part == STOP:
            if inside:
                html += Markup("</mark>")
            inside = False
        else:
            html += escape(part)
    return html + Markup("</mark>") if inside else html


def highlights(
    index: SearchIndex,
    ids: Iterable[int],
    text: str,
    *,
    whole: Sequence[str] = (),
    fragments: Sequence[str] = (),
    words: int = 32,
) -> dict[int, dict[str, Markup]]:
    """For the rows `ids` (a page of results, never more: highlighting is slow), the columns in
    `whole` with every match marked, and the columns in `fragments` cut to the passages around
    the matches (about `words` words), as safe HTML keyed by row id then column. Rows that do not
    match are left out; callers show their plain text."""
    ids = list(ids)
    parsed = parse_query(text)
    if not ids or not parsed.searchable or not (whole or fragments):
        return {}
    found: dict[int, dict[str, Markup]] = {}
    names = [*whole, *fragments]
    if _dialect() == "postgresql":
        query = _pg_query(index, parsed)
        language = literal_column(f"'{index.language}'::regconfig", type_=REGCONFIG)
        source = table(index.table, column("id"), *(column(name) for name in names))
        whole_options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
        fragment_options = (
            f"StartSel={START}, StopSel={STOP}, MaxWords={words}, MinWords={max(words // 2, 1)}, "
            'MaxFragments=2, FragmentDelimiter=" … "'
        )
        statement = select(
            source.c.id,
            *(
                func.ts_headline(
                    language,
                    func.coalesce(source.c[name], ""),
                    query,
                    literal(whole_options if name in whole else fragment_options),
                )
                for name in names
            ),
        ).where(source.c.id.in_(ids))
    else:
        fts = _fts(index)
        position = {name: i for i, name in enumerate(index.columns)}

        def shown(name: str):
            if name in whole:
                return func.highlight(literal_column(fts.name), position[name], START, STOP)
            return func.snippet(
                literal_column(fts.name), position[name], START, STOP, "…", min(words, 64)
            )

        statement = select(fts.c.rowid, *(shown(name) for name in names)).where(
            literal_column(fts.name).op("MATCH")(parsed.fts5()), fts.c.rowid.in_(ids)
        )
    for row in db.session.execute(statement):
        found[row[0]] = {name: marked(value) for name, value in zip(names, row[1:], strict=True)}
    return found


__all__ = [
    "EVIDENCE_ITEMS",
    "RESOURCES",
    "ParsedQuery",
    "SearchIndex",
    "highlights",
    "marked",
    "parse_query",
    "ranked",
    "text_condition",
]
