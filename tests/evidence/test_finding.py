"""A collection's page: search, facets that reflect the other filters, pagination, sorting;
the Atom feed; the CSV, RIS and JSON exports. All public, only included items, ever."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest
import rispy
from sqlalchemy import select

from cpweek.evidence.models import EvidenceItem
from cpweek.evidence.services import exports, filters, finding, vocabularies
from cpweek.extensions import db
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(data: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(data)  # noqa: S314  (the app's own feed, under test)


def text(response) -> str:
    return response.get_data(as_text=True)


def page_of(hub, **args):
    known = vocabularies.all_terms()
    return finding.results_page(hub, filters.parse_filters(args, known), known)


@pytest.fixture
def hub():
    hub = make_collection(introduction="The hub gathers **evidence** on care equity.")
    make_item(
        hub,
        "Carers from minoritised ethnic groups in rural areas",
        year=2021,
        summary="Unpaid carers far from services.",
        publisher="Example Trust",
        terms={
            "topic": ["unpaid-carers"],
            "dimension": ["ethnicity", "rurality"],
            "type": ["research"],
        },
    )
    make_item(
        hub,
        "Rural home care",
        year=2019,
        summary="Buses and home care.",
        terms={"topic": ["access-to-care"], "dimension": ["rurality"], "type": ["data"]},
    )
    make_item(
        hub,
        "Disabled carers in cities",
        year=2023,
        summary="Carers in cities.",
        terms={"topic": ["unpaid-carers"], "dimension": ["disability"], "type": ["case-study"]},
    )
    make_item(
        hub,
        "A draft about carers",
        status="draft",
        terms={"topic": ["unpaid-carers"], "dimension": ["rurality"]},
    )
    make_item(
        hub,
        "Excluded carers study",
        status="excluded",
        terms={"topic": ["unpaid-carers"], "dimension": ["rurality"]},
    )
    db.session.commit()
    return hub


def counts(page, vocabulary: str) -> dict[str, int]:
    facet = next(f for f in page.facets if f.vocabulary.value == vocabulary)
    return {v.term.slug: v.count for v in facet.values if v.count}


# --- the service ------------------------------------------------------------------------------


def test_only_included_items_are_found_or_counted(hub):
    page = page_of(hub, q="carers")
    assert {r.item.title for r in page.results} == {
        "Carers from minoritised ethnic groups in rural areas",
        "Disabled carers in cities",
    }
    assert page.total == 2
    assert counts(page_of(hub), "dimension") == {"ethnicity": 1, "rurality": 2, "disability": 1}


def test_facet_counts_use_every_filter_but_their_own(hub):
    page = page_of(hub, dimension=["rurality"])
    assert page.total == 2
    # Rurality's own group still offers disability with the count it would add...
    assert counts(page, "dimension") == {"ethnicity": 1, "rurality": 2, "disability": 1}
    # ...while the other groups count only rural items.
    assert counts(page, "topic") == {"unpaid-carers": 1, "access-to-care": 1}
    both = page_of(hub, dimension=["rurality"], topic=["unpaid-carers"])
    assert both.total == 1
    assert counts(both, "dimension") == {"ethnicity": 1, "rurality": 1, "disability": 1}
    assert counts(both, "topic") == {"unpaid-carers": 1, "access-to-care": 1}
    assert counts(both, "type") == {"research": 1}


def test_several_values_of_one_facet_widen(hub):
    page = page_of(hub, dimension=["ethnicity", "disability"])
    assert page.total == 2


def test_years_narrow_and_the_range_offered_ignores_the_chosen_years(hub):
    page = page_of(hub, **{"from": "2020", "to": "2022"})
    assert [r.item.published_year for r in page.results] == [2021]
    assert page.years == (2019, 2023)


def test_sorting_by_date_and_by_relevance(hub):
    assert [r.item.published_year for r in page_of(hub).results] == [2023, 2021, 2019]
    assert [r.item.published_year for r in page_of(hub, sort="oldest").results] == [
        2019,
        2021,
        2023,
    ]
    ranked = page_of(hub, q="rural")
    assert ranked.results[0].item.title in {
        "Rural home care",
        "Carers from minoritised ethnic groups in rural areas",
    }
    assert "<mark>" in ranked.results[0].title


def test_pages_of_twenty_and_a_page_past_the_last_is_refused(hub):
    for i in range(40):
        make_item(hub, f"Extra {i}", year=2000 + i % 20)
    db.session.commit()
    first, third = page_of(hub), page_of(hub, page="3")
    assert (first.total, first.pages, len(first.results)) == (43, 3, 20)
    assert len(third.results) == 3 and third.first == 41
    seen = {r.item.id for p in (1, 2, 3) for r in page_of(hub, page=str(p)).results}
    assert len(seen) == 43
    with pytest.raises(finding.PageNotFound):
        page_of(hub, page="4")
    with pytest.raises(finding.PageNotFound):
        page_of(hub, page=str(10**20))
    assert page_of(hub, q="nothing-matches-this").pages == 1


# --- the page ---------------------------------------------------------------------------------


def test_the_page_explains_the_hub_and_is_accessible(client, hub):
    response = client.get("/evidence/care-equity/")
    assert response.status_code == 200
    page = text(response)
    assert problems(page) == []
    assert "<strong>evidence</strong>" in page
    assert "How to use the hub" in page
    assert 'rel="alternate" type="application/atom+xml"' in page
    assert 'href="/evidence/care-equity/feed.atom"' in page
    assert "/evidence/care-equity/map" in page and "/evidence/care-equity/suggest" in page
    assert 'role="search"' in page and '<label for="q">' in page
    assert "Apply filters" in page and "<fieldset" in page
    assert 'Rurality <span class="evidence-facet__count">(2)</span>' in page
    assert "A draft about carers" not in page and "Excluded carers study" not in page


def test_a_search_shows_highlights_chosen_filters_and_shareable_links(client, hub):
    page = text(client.get("/evidence/care-equity/?q=carers&dimension=rurality&sort=newest"))
    assert problems(page) == []
    assert "1 item for “carers”" in page
    assert "<mark>Carers</mark> from minoritised" in page
    assert "Remove equity dimension: Rurality" in page
    assert 'href="/evidence/care-equity/?q=carers&amp;sort=newest"' in page  # removes rurality
    assert "/evidence/care-equity/map?q=carers&amp;dimension=rurality" in page
    assert "/evidence/care-equity/export.ris?q=carers&amp;dimension=rurality" in page
    assert '<option value="newest" selected>' in page


def test_escapes_what_was_typed_and_what_is_stored(client, hub):
    make_item(hub, "<script>alert(1)</script> carers", summary="<img src=x onerror=alert(1)>")
    db.session.commit()
    page = text(client.get("/evidence/care-equity/", query_string={"q": "<script>carers"}))
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_unknown_filters_are_set_aside_with_a_notice(client, hub):
    response = client.get("/evidence/care-equity/?topic=no-such&from=20250&dimension=rurality")
    assert response.status_code == 200
    page = text(response)
    assert "There is no topic called “no-such”" in page
    assert "20250" in page and "2 items" in page


def test_no_results_says_so(client, hub):
    page = text(client.get("/evidence/care-equity/?q=%22%22%22"))
    assert "No results" in page and "tell us about evidence we are missing" in page


@pytest.mark.parametrize(
    "query",
    ["page=2", "page=99999", "page=100000000000000000000", "page=-1", "page=x", "page=1e9"],
)
def test_pages_that_do_not_exist_are_404_or_the_first_never_500(client, hub, query):
    response = client.get(f"/evidence/care-equity/?{query}")
    assert response.status_code in (200, 404)
    if query in ("page=-1", "page=x", "page=1e9"):
        assert response.status_code == 200


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 10_000,
        '"unbalanced',
        "AND OR NOT NEAR",
        "*",
        "title:x",
        "😀",
        "'; DROP TABLE evidence_items; --",
        "\x00",
        "carers\x00",
        "-",
        "(",
        "^",
    ],
)
def test_anything_typed_in_the_box_is_a_page_never_a_500(client, hub, typed):
    # A NUL in an address is refused by the app as a whole (cpweek.errors): a 400 page.
    expected = 400 if "\x00" in typed else 200
    response = client.get("/evidence/care-equity/", query_string={"q": typed})
    assert response.status_code == expected
    for fmt in ("csv", "ris", "json"):
        assert (
            client.get(f"/evidence/care-equity/export.{fmt}", query_string={"q": typed}).status_code
            == expected
        )


def test_unknown_collection_and_format_are_404(client, hub):
    assert client.get("/evidence/nope/").status_code == 404
    assert client.get("/evidence/nope/feed.atom").status_code == 404
    assert client.get("/evidence/care-equity/export.xlsx").status_code == 404


def test_queries_per_page_do_not_grow_with_items_or_chosen_facets(client, hub, count_queries):
    def measure(url: str) -> int:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    plain = measure("/evidence/care-equity/")
    searched = measure("/evidence/care-equity/?q=carers")
    two = measure("/evidence/care-equity/?q=carers&topic=unpaid-carers&dimension=rurality")
    for i in range(45):
        make_item(
            hub,
            f"Carers {i}",
            terms={"topic": ["unpaid-carers"], "dimension": ["rurality"], "type": ["research"]},
        )
    db.session.commit()
    assert measure("/evidence/care-equity/") == plain
    assert measure("/evidence/care-equity/?q=carers") == searched
    assert measure("/evidence/care-equity/?q=carers&topic=unpaid-carers&dimension=rurality") == two
    # Each facet with a choice costs one query of its own, and nothing else grows.
    assert searched == plain + 1  # the highlights
    assert two == searched + 2
    assert plain <= 7


# --- the feed ---------------------------------------------------------------------------------


def test_the_feed_is_atom_with_the_included_items_newest_first(client, hub):
    newest = make_item(
        hub,
        "Just included \x0b with a control character",
        summary="Fish & chips <b>",
        authors="Ada Example\nBo Sample",
    )
    newest.included_at = datetime.now(UTC) + timedelta(days=1)
    db.session.commit()
    response = client.get("/evidence/care-equity/feed.atom")
    assert response.status_code == 200
    assert response.content_type.startswith("application/atom+xml")
    feed = parse_feed(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "Just included  with a control character"
    assert set(titles[1:]) == {
        "Carers from minoritised ethnic groups in rural areas",
        "Rural home care",
        "Disabled carers in cities",
    }
    first = entries[0]
    assert first.findtext(f"{ATOM}id") == f"tag:cpweek.test,2024:evidence/item/{newest.id}"
    assert first.findtext(f"{ATOM}summary") == "Fish & chips <b>"
    assert [a.findtext(f"{ATOM}name") for a in first.findall(f"{ATOM}author")] == [
        "Ada Example",
        "Bo Sample",
    ]
    assert first.findtext(f"{ATOM}updated").startswith(newest.included_at.strftime("%Y-%m-%d"))
    link = first.find(f"{ATOM}link").get("href")
    assert link.endswith(f"/evidence/care-equity/items/{newest.id}")
    assert feed.findtext(f"{ATOM}updated") == first.findtext(f"{ATOM}updated")
    # The id stays the same on every reading.
    again = parse_feed(client.get("/evidence/care-equity/feed.atom").data)
    assert again.find(f"{ATOM}entry").findtext(f"{ATOM}id") == first.findtext(f"{ATOM}id")


def test_an_empty_feed_still_parses(client):
    make_collection(slug="empty")
    feed = parse_feed(client.get("/evidence/empty/feed.atom").data)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated")


# --- exports ----------------------------------------------------------------------------------


def test_csv_export_holds_the_whole_filtered_list_formula_safe(client, hub):
    make_item(
        hub, '=HYPERLINK("http://evil")', summary="+1", year=2022, terms={"dimension": ["rurality"]}
    )
    for i in range(25):
        make_item(hub, f"Rural extra {i}", terms={"dimension": ["rurality"]})
    db.session.commit()
    response = client.get("/evidence/care-equity/export.csv?dimension=rurality&page=2")
    assert response.status_code == 200
    assert response.content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0] == exports.CSV_HEADER
    assert len(rows) == 1 + 28  # every matching item, not one page
    titles = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in titles
    assert "Disabled carers in cities" not in titles and "A draft about carers" not in titles


def test_ris_export_reads_back_with_rispy(client, hub):
    item = make_item(
        hub,
        "Carers and rurality: a study",
        summary="Line one.\nLine two.",
        authors="Ada Example\nBo Sample",
        publisher="Example Trust",
        doi="10.1234/abc",
        url="https://example.org/study",
        year=2022,
        published_on=date(2022, 3, 4),
        terms={"type": ["case-study"], "topic": ["unpaid-carers"], "dimension": ["rurality"]},
    )
    db.session.commit()
    response = client.get("/evidence/care-equity/export.ris?q=%22a+study%22")
    assert response.status_code == 200
    entries = rispy.loads(text(response))
    assert len(entries) == 1
    entry = entries[0]
    assert entry["type_of_reference"] == "CASE"
    assert entry["title"] == "Carers and rurality: a study"
    assert entry["authors"] == ["Ada Example", "Bo Sample"]
    assert entry["year"] == "2022" and entry["date"] == "2022/03/04"
    assert entry["publisher"] == "Example Trust" and entry["doi"] == "10.1234/abc"
    assert entry["urls"][0] == "https://example.org/study"
    assert entry["urls"][1].endswith(f"/evidence/care-equity/items/{item.id}")
    assert entry["abstract"] == "Line one. Line two."
    assert entry["keywords"] == ["Unpaid carers", "Rurality"]
    every = rispy.loads(text(client.get("/evidence/care-equity/export.ris")))
    assert {e["type_of_reference"] for e in every} == {"RPRT", "DATA", "CASE"}
    assert len(every) == 4


def test_json_export_is_a_list_of_documented_objects(client, hub):
    response = client.get("/evidence/care-equity/export.json?dimension=rurality&sort=oldest")
    records = json.loads(text(response))
    assert [r["title"] for r in records] == [
        "Rural home care",
        "Carers from minoritised ethnic groups in rural areas",
    ]
    first = records[1]
    assert first["equity_dimensions"] == ["Ethnicity", "Rurality"]
    assert first["types"] == ["Research"] and first["year"] == 2021
    assert first["page"].endswith(f"/evidence/care-equity/items/{first['id']}")
    for key in ("summary", "authors", "publisher", "doi", "url", "topics", "included_at"):
        assert key in first


def test_exports_are_capped_with_a_note(client, hub, monkeypatch):
    monkeypatch.setattr(finding, "EXPORT_LIMIT", 2)
    response = client.get("/evidence/care-equity/export.json")
    assert len(json.loads(text(response))) == 2
    assert response.headers["X-Export-Capped"] == "2 of 3 matching items"
    assert "Downloads hold the first 2 items" in text(client.get("/evidence/care-equity/"))


def test_counts_are_remembered_until_the_collection_changes(client, count_queries):
    """The answers cache (cpweek/cache.py) is keyed by the collection's content_version, which
    every change to its items or their terms raises in the same flush."""
    from cpweek.evidence.services.catalogue import collection_by_slug
    from cpweek.evidence.services.filters import answers

    answers.clear()
    hub = make_collection()
    make_item(hub, "Carers first", terms={"topic": ["unpaid-carers"]})
    db.session.commit()
    version = collection_by_slug("care-equity").content_version
    assert version >= 1
    first = client.get("/evidence/care-equity/?topic=unpaid-carers").get_data(as_text=True)
    with count_queries() as again:
        assert client.get("/evidence/care-equity/?topic=unpaid-carers").status_code == 200
    with count_queries() as fresh:
        answers.clear()
        assert client.get("/evidence/care-equity/?topic=unpaid-carers").status_code == 200
    assert len(again) < len(fresh)  # remembered: fewer queries
    assert "Carers first" in first and "Carers second" not in first
    make_item(hub, "Carers second", terms={"topic": ["unpaid-carers"]})
    db.session.commit()
    db.session.expire_all()
    assert collection_by_slug("care-equity").content_version > version
    page = client.get("/evidence/care-equity/?topic=unpaid-carers").get_data(as_text=True)
    assert "Carers second" in page  # the change was seen at once
    item = db.session.scalar(select(EvidenceItem).where(EvidenceItem.title == "Carers second"))
    item.title = "Carers, renamed"
    db.session.commit()
    db.session.expire_all()
    bumped = collection_by_slug("care-equity").content_version
    assert "Carers, renamed" in client.get("/evidence/care-equity/").get_data(as_text=True)
    from cpweek.evidence.models import EvidenceItemTerm

    db.session.delete(
        db.session.scalar(select(EvidenceItemTerm).where(EvidenceItemTerm.item_id == item.id))
    )
    db.session.commit()
    db.session.expire_all()
    assert collection_by_slug("care-equity").content_version > bumped  # a term alone counts too
