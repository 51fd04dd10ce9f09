"""The library page: search (the evidence hub's engines), facets with counts that reflect the
other choices, sort, pages, messages for what cannot be used, drafts never shown, and a query
count that does not grow with the resources, formats and credits shown."""

from __future__ import annotations

import re
from datetime import date

import pytest

from cpweek.resources.models import FormatRole, ResourceKind, ResourceStatus
from cpweek.resources.services import library
from tests.a11y import problems
from tests.evidence.factories import make_collection
from tests.factories import make_edition
from tests.resources.public_factories import (
    add_credit,
    add_file_row,
    add_link,
    make_resource,
)


@pytest.fixture
def shelf():
    """Resources of two years, several kinds and topics, one draft."""
    make_collection()  # installs the hub's vocabularies (the resources' topics)
    y2024, y2025 = make_edition(2024), make_edition(2025)
    webinar = make_resource(
        "Carer connectivity in Lincolnshire: the recording",
        kind=ResourceKind.RECORDING,
        edition=y2025,
        topics=("unpaid-carers",),
        summary="Arts, nature and heritage with unpaid carers.",
        transcript="Sarah Grundy welcomes everyone to the webinar about carers and heritage.",
        captions_by_host=True,
    )
    add_link(webinar, "https://www.youtube.com/watch?v=abc", label="Recording")
    report = make_resource(
        "Developing our understanding of the difference co-production makes",
        kind=ResourceKind.REPORT,
        edition=y2024,
        topics=("co-production",),
        plain_summary="What we found, in plain English.",
    )
    add_file_row(report, "application/pdf", 2_516_582, label="Full report", filename="report.pdf")
    episode = make_resource(
        "Podcast: co-production in commissioning",
        kind=ResourceKind.PODCAST,
        edition=y2025,
        topics=("commissioning", "co-production"),
    )
    make_resource("A draft toolkit about carers", status=ResourceStatus.DRAFT.value, edition=y2025)
    return {"webinar": webinar, "report": report, "episode": episode}


def _titles(html: str) -> list[str]:
    return re.findall(r'class="evidence-result__title"><a href="[^"]+">(.*?)</a>', html)


def test_the_library_lists_published_resources_newest_first(client, shelf):
    response = client.get("/resources")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 resources" in html
    assert _titles(html) == [
        "Podcast: co-production in commissioning",
        "Developing our understanding of the difference co-production makes",
        "Carer connectivity in Lincolnshire: the recording",
    ]
    assert "draft toolkit" not in html
    assert "Full report" in html and "(PDF, 2.4 MB)" in html
    assert "Recording on YouTube" in html
    assert problems(html) == []


def test_newest_by_the_date_shown_not_by_when_it_was_put_here(client):
    # The 2022 report, added to the archive today, goes below a resource dated 2025.
    make_resource("Report of 2022", published_on=date(2022, 7, 4))
    make_resource("Recording of 2025", published_on=date(2025, 7, 10))
    make_resource("Report of 2022, second", published_on=date(2022, 7, 4))
    assert _titles(client.get("/resources").get_data(as_text=True)) == [
        "Recording of 2025",
        "Report of 2022, second",
        "Report of 2022",
    ]


def test_words_find_titles_summaries_and_transcripts(client, shelf):
    html = client.get("/resources?q=heritage").get_data(as_text=True)
    assert "1 resource for “heritage”" in html
    assert "Carer connectivity" in html
    # Found in the transcript only
    html = client.get("/resources?q=Grundy").get_data(as_text=True)
    assert "1 resource" in html and "Carer connectivity" in html
    # A draft's words find nothing
    assert "No resources found" in client.get("/resources?q=toolkit").get_data(as_text=True)


def test_best_match_first_when_searching(client, shelf):
    html = client.get("/resources?q=co-production").get_data(as_text=True)
    titles = _titles(html)
    assert len(titles) == 2
    assert "best match first" in html
    html = client.get("/resources?q=co-production&sort=newest").get_data(as_text=True)
    assert "newest first" in html


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed',
        "NEAR(a b)",
        "a* OR -",
        "'); DROP TABLE resources; --",
        "^title:x",
        "\u0000\ufffe",
        "x" * 3000,
        "or or or",
    ],
)
def test_hostile_searches_never_fail(client, shelf, query):
    response = client.get("/resources", query_string={"q": query})
    assert response.status_code in (200, 400)  # 400: a control character in the address


def test_facets_count_what_the_other_choices_leave(client, shelf):
    known = library.choices()
    page = library.results_page(library.parse_filters({"kind": ["podcast"]}, known), known)
    counts = {f.name: {v.value: v.count for v in f.values} for f in page.facets}
    # A facet's own choice does not shrink its counts; the others narrow to podcasts.
    assert counts["kind"]["podcast"] == 1 and counts["kind"]["report"] == 1
    assert counts["topic"]["commissioning"] == 1 and counts["topic"]["unpaid-carers"] == 0
    assert counts["year"] == {"2025": 1, "2024": 0}
    assert counts["access"] == {"captions": 0, "transcript": 0, "easy_read": 0}
    assert page.total == 1


def test_accessible_format_facet(client, shelf):
    html = client.get("/resources?access=captions").get_data(as_text=True)
    assert _titles(html) == ["Carer connectivity in Lincolnshire: the recording"]
    html = client.get("/resources?access=easy_read").get_data(as_text=True)
    assert _titles(html) == ["Developing our understanding of the difference co-production makes"]
    html = client.get("/resources?access=transcript&access=captions").get_data(as_text=True)
    assert len(_titles(html)) == 1
    html = client.get("/resources").get_data(as_text=True)
    assert 'Captions <span class="evidence-facet__count">(1' in html


def test_topic_and_year_facets(client, shelf):
    html = client.get("/resources?topic=co-production").get_data(as_text=True)
    assert len(_titles(html)) == 2
    html = client.get("/resources?topic=co-production&year=2024").get_data(as_text=True)
    assert _titles(html) == ["Developing our understanding of the difference co-production makes"]
    assert "Remove year: 2024" in html
    html = client.get("/resources?topic=co-production&topic=unpaid-carers").get_data(as_text=True)
    assert len(_titles(html)) == 3  # several in one facet widen


def test_unknown_values_are_set_aside_with_a_message(client, shelf):
    response = client.get(
        "/resources?kind=novel&topic=nope&year=1999&year=abc&access=braille&page=x"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is no kind called “novel”" in html
    assert "There is no topic called “nope”" in html
    assert "There is no year called “1999”" in html
    assert "There is no accessible format called “braille”" in html
    assert "3 resources" in html


def test_pages(client, shelf):
    for n in range(library.PAGE_SIZE):
        make_resource(f"Extra {n}")
    html = first = client.get("/resources").get_data(as_text=True)
    assert "Showing 1 to 20 of 23" in html and "Page 1 of 2" in html
    assert 'rel="next"' in html
    html = client.get("/resources?page=2").get_data(as_text=True)
    assert "Showing 21 to 23 of 23" in html
    assert client.get("/resources?page=3").status_code == 404
    assert len(set(_titles(first)) | set(_titles(html))) == 23  # no resource twice, none lost
    assert client.get("/resources?page=99999999999").status_code == 404


def test_pages_carry_validators_and_answer_304(client, shelf):
    first = client.get("/resources?kind=report")
    assert first.headers["ETag"]
    again = client.get("/resources?kind=report", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_an_empty_library(client):
    html = client.get("/resources").get_data(as_text=True)
    assert "No resources found" in html and "No resources match" in html


def test_feeds_are_announced_and_the_nav_links_here(client, shelf):
    html = client.get("/resources").get_data(as_text=True)
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'href="/resources" aria-current="page">Resources</a>' in html
    # site wide
    home = client.get("/editions").get_data(as_text=True)
    assert 'href="/resources/podcast.xml"' in home and 'href="/resources/feed.atom"' in home


def _fill(n: int, year: int) -> None:
    make_collection(slug=f"hub-{year}")
    edition = make_edition(year)
    for i in range(n):
        resource = make_resource(
            f"Resource about carers {i}",
            kind=list(ResourceKind)[i % len(ResourceKind)],
            edition=edition,
            topics=("unpaid-carers", "co-production"),
            transcript="carers talking",
        )
        add_file_row(resource, "application/pdf", 1000 + i, filename="a.pdf")
        add_file_row(resource, "text/vtt", 100, role=FormatRole.CAPTIONS, filename="a.vtt")
        add_link(resource, "https://vimeo.com/1", role=FormatRole.ALTERNATIVE)
        for c in range(3):
            add_credit(resource, f"Person {c}")


@pytest.mark.parametrize(
    "query", ["", "?q=carers", "?kind=report&topic=unpaid-carers&access=captions"]
)
def test_query_count_does_not_grow_with_resources(client, count_queries, query):
    _fill(5, 2024)
    client.get("/resources" + query)  # warm up
    with count_queries() as few:
        assert client.get("/resources" + query).status_code == 200
    _fill(40, 2025)
    with count_queries() as many:
        html = client.get("/resources" + query).get_data(as_text=True)
    assert "resources" in html
    assert len(many) == len(few), (len(few), len(many))
    assert len(many) <= 16
