"""The one search interface over two engines: the same cases run on SQLite (FTS5) and on
PostgreSQL (tsvector), whichever the run is given. Whatever a person types gives results or no
results, never an error."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cpweek import search
from cpweek.evidence.models import EvidenceItem
from cpweek.extensions import db
from tests.evidence.factories import make_collection, make_item


def found(text: str) -> set[str]:
    statement = select(EvidenceItem.title).where(
        search.text_condition(search.EVIDENCE_ITEMS, EvidenceItem.id, text)
    )
    return set(db.session.scalars(statement))


def ranking(text: str) -> list[str]:
    statement, score = search.ranked(
        select(EvidenceItem.title), search.EVIDENCE_ITEMS, EvidenceItem.id, text
    )
    return list(db.session.scalars(statement.order_by(score.desc(), EvidenceItem.id)))


@pytest.fixture
def items():
    hub = make_collection()
    make_item(hub, "Carers in rural areas", summary="Unpaid carers and distance to services.")
    make_item(hub, "Rurality and home care", summary="Support where buses are rare.")
    make_item(hub, "Waiting lists", summary="Nothing about the countryside. Care at home.")
    make_item(
        hub,
        "Direct payments",
        summary="Personal budgets for a carer in a city.",
        authors="Ada Example\nBo Sample",
        publisher="Example Trust",
    )
    db.session.commit()


def test_stemming_finds_other_forms_of_a_word(items):
    assert found("carer") == {"Carers in rural areas", "Direct payments"}
    assert found("carers") == {"Carers in rural areas", "Direct payments"}
    assert found("rurality") == {"Carers in rural areas", "Rurality and home care"}


def test_authors_and_publisher_are_searched(items):
    assert found("Sample") == {"Direct payments"}
    assert found("example trust") == {"Direct payments"}


def test_words_narrow_and_a_quoted_phrase_keeps_order(items):
    assert found("carers distance") == {"Carers in rural areas"}
    assert found('"care at home"') == {"Waiting lists"}
    assert found('"home care"') == {"Rurality and home care"}


def test_or_widens_and_minus_excludes(items):
    assert found("budgets or buses") == {"Direct payments", "Rurality and home care"}
    assert found("carers -rural") == {"Direct payments"}
    assert found('care -"care at home"') == {"Rurality and home care"}
    assert found("budgets OR buses -city") == {"Rurality and home care"}


def test_a_match_in_the_title_outranks_one_in_the_summary(items):
    make_item(make_collection(slug="other"), "Countryside", summary="Nothing of note.")
    db.session.commit()
    assert ranking("countryside") == ["Countryside", "Waiting lists"]
    assert ranking("rural")[0] in {"Carers in rural areas", "Rurality and home care"}


def test_highlights_mark_matches_and_escape_everything_else(items):
    hub = make_collection(slug="escaping")
    item = make_item(
        hub,
        "Carers <script>alert(1)</script>",
        summary='A <script>alert("x")</script> summary about carers & rurality.',
    )
    db.session.commit()
    marked = search.highlights(
        search.EVIDENCE_ITEMS, [item.id], "carers", whole=["title"], fragments=["summary"]
    )[item.id]
    assert "<script>" not in marked["title"] and "<script>" not in marked["summary"]
    assert "&lt;script&gt;" in marked["title"]
    assert "<mark>Carers</mark>" in marked["title"]
    assert "<mark>carers</mark>" in marked["summary"]
    assert "&amp;" in marked["summary"]
    assert search.START not in marked["summary"] and search.STOP not in marked["summary"]


def test_marked_never_trusts_its_input():
    assert search.marked("<b>x</b>") == "&lt;b&gt;x&lt;/b&gt;"
    assert search.marked(f"{search.START}a{search.START}b") == "<mark>ab</mark>"
    assert search.marked(f"a{search.STOP}b") == "ab"


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '"""',
        '"unbalanced',
        'carers"',
        "AND",
        "OR",
        "NOT",
        "carers NOT rural",
        "NEAR(carers rural)",
        "carers AND",
        "*",
        "car*",
        "title:x",
        "title:carers",
        "^carers",
        "(carers",
        "carers)",
        "-",
        "--",
        "- -carers",
        "or",
        "or or",
        "-carers",
        "x" * 10_000,
        "carers " * 2_000,
        "😀",
        "carers 😀",
        "'; DROP TABLE evidence_items; --",
        "\x00",
        "carers\x00rural",
        "\ue000carers\ue001",
        "{carers}",
        "a:b:c",
        "'",
        "\\",
        "%_",
        "",
        "   ",
        "ça",
        "Ümlaut Straße",
        "日本語",
    ],
)
def test_anything_typed_gives_results_or_none_never_an_error(items, typed):
    titles = found(typed)
    assert isinstance(titles, set)
    ranking(typed)
    search.highlights(
        search.EVIDENCE_ITEMS, [1, 2, 3], typed, whole=["title"], fragments=["summary"]
    )


def test_typed_operators_are_only_words(items):
    assert found("carers NOT rural") == found("carers not rural")
    assert found("title:carers") == found("title carers")
    assert found("car*") == found("car")
    assert found("NEAR(carers rural)") == found("near carers rural") == set()
    assert found("(carers) (rural)") == {"Carers in rural areas"}
    assert found('"carers rural') == found('"carers rural"')


def test_a_query_with_no_searchable_word_gives_no_results(items):
    for typed in ["", "   ", "*", "😀", '"', "-", "\x00", "or", "-carers", "(^:)"]:
        assert found(typed) == set(), typed
        assert ranking(typed) == [], typed


def test_the_parser_reads_web_search_syntax():
    parsed = search.parse_query('carers "home care" or rural -"city life" -x')
    assert parsed.alternatives == ((("carers",), ("home", "care")), (("rural",),))
    assert parsed.excluded == (("city", "life"), ("x",))
    assert parsed.fts5() == ('(("carers" AND "home care") OR ("rural")) NOT ("city life" OR "x")')
    assert parsed.websearch() == (
        '"carers" "home care" -"city life" -"x" or "rural" -"city life" -"x"'
    )
    assert not search.parse_query("-only -excluded").searchable
    assert len([p for a in search.parse_query("w " * 500).alternatives for p in a]) == 1
    long = search.parse_query(" ".join(f"w{i}" for i in range(500)))
    assert sum(len(p) for a in long.alternatives for p in a) == search.MAX_QUERY_TERMS


def test_the_index_follows_changes_and_deletions_but_not_row_locks(items):
    from cpweek.locks import lock

    item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.title == "Waiting lists"))
    item.title = "Queues for assessment"
    db.session.commit()
    assert found("queues") == {"Queues for assessment"}
    assert found("waiting") == set()
    lock(item)  # writes the row as it is: nothing to re-index, and nothing lost
    db.session.commit()
    assert found("assessment") == {"Queues for assessment"}
    db.session.delete(item)
    db.session.commit()
    assert found("assessment") == set()
