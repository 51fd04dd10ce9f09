"""The impact report's pages: the public version (aggregate only, no free text), the
organisers' (free text and the way to mark access), each chart's SVG followed by a table of the
same numbers, the print stylesheet, the CSV download, who may see what, a bad year, and the
number of queries, which does not grow with registrations or responses."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from xml.etree import ElementTree

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.reports.feedback_models import FeedbackAnswer, FeedbackResponse
from cpweek.reports.services import impact
from tests.a11y import problems
from tests.factories import make_user
from tests.reports.impact_world import registration, seed

SVG = "{http://www.w3.org/2000/svg}"


def _charts_and_tables(page: str) -> dict[str, tuple[list[tuple[str, list[int]]], list]]:
    """Each chart's (label, numbers) read from its SVG, and the rows of the table after it."""
    found = {}
    for match in re.finditer(
        r"(<svg .*?</svg>).*?<table class=\"table table--compact\" data-chart=\"([^\"]+)\">"
        r"(.*?)</table>",
        page,
        re.S,
    ):
        svg, chart_id, table = match.groups()
        root = ElementTree.fromstring(svg)  # noqa: S314 (our own SVG)
        assert root.find(f"{SVG}title").text
        # a label on two lines is one <text> with a <tspan> per line
        texts = [" ".join(element.itertext()) for element in root.iter(f"{SVG}text")]
        rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table)
        table_rows = [
            (label, [int(n) for n in re.findall(r"<td class=\"numeric\">(\d+)</td>", cells)])
            for label, cells in rows
        ]
        found[chart_id] = (texts, table_rows)
    return found


def test_the_public_report_shows_figures_with_charts_and_tables_and_no_free_text(browser):
    world = seed()
    response = browser.get("/2025/impact")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and problems(page) == []
    assert "<h1>Impact report 2025</h1>" in page
    assert "The captions" not in page  # free text only for organisers
    assert "Bea" not in page and "Ivy" not in page  # no names
    assert "£75.00" in page and "Median days from approval to payment" in page
    assert 'href="/2025/you-said-we-did.atom"' in page and 'rel="alternate"' in page
    assert 'href="/static/css/print.css" media="print"' in page
    assert 'class="impact-report"' in page  # what print.css puts on A4
    assert "<script" not in page
    charts = _charts_and_tables(page)
    # Access needs are special category data: no chart of their exact counts in public.
    assert set(charts) == {"chart-places", "chart-q1", "chart-q2"}
    for chart_id, (texts, rows) in charts.items():
        # the SVG's words and numbers are the table's, row by row
        numbers_in_svg = [int(text) for text in texts if text.isdigit()]
        assert numbers_in_svg[-sum(len(v) for _, v in rows) :] == [n for _, v in rows for n in v], (
            chart_id
        )
    assert ("Checked in", [3]) in charts["chart-places"][1]
    assert world.edition.year == 2025
    # Four people asked for something: fewer than 10, so said in words, not counted.
    assert "Fewer than 10 people with a place asked for something" in page
    assert "Live captions (speech to text)" not in page


def test_the_organisers_report_adds_free_text_and_access_marking(browser):
    world = seed()
    browser.sign_in(world.organiser.email)
    page = browser.get("/manage/2025/impact").get_data(as_text=True)
    assert problems(page) == []
    assert "The captions" in page and "What people wrote" in page
    assert f'href="/manage/events/{world.online.id}/access-met"' in page


def test_co_producers_read_the_free_text_but_do_not_mark_access(browser):
    world = seed()
    make_user("co@example.org", (Role.CO_PRODUCER,))
    browser.sign_in("co@example.org")
    page = browser.get("/manage/2025/impact").get_data(as_text=True)
    assert problems(page) == [] and "The captions" in page
    assert "access-met" not in page and "/manage/2025/you-said-we-did" not in page
    assert browser.get(f"/manage/events/{world.online.id}/access-met").status_code == 403


def test_who_may_see_the_organisers_report(browser):
    seed()
    assert browser.get("/manage/2025/impact").status_code == 302  # to sign in
    make_user("att@example.org")
    browser.sign_in("att@example.org")
    assert browser.get("/manage/2025/impact").status_code == 403
    assert browser.get("/2025/impact").status_code == 200


def test_a_year_with_no_edition_is_a_404_in_words(browser):
    seed()
    for url in ("/1999/impact", "/1999/impact.csv", "/1999/you-said-we-did.atom", "/0/impact"):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "<h1>" in response.get_data(as_text=True)


def test_the_csv_download(browser):
    seed()
    response = browser.get("/2025/impact.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="impact-2025.csv"'
    assert "no-store" in response.headers["Cache-Control"]
    text = response.get_data(as_text=True)
    assert "2025,9,6,3,4,3,1,3.0,75.00,3,3" in text and "The captions" not in text


def test_an_edition_with_no_payments_or_feedback(browser):
    seed()
    page = browser.get("/2024/impact").get_data(as_text=True)
    assert "Nothing has been paid yet" in page
    assert "No feedback has been given for 2024 yet." in page
    assert "Nobody with a place asked for an access need." in page


def _more(world, number: int) -> None:
    for n in range(number):
        registration(
            world.hybrid,
            f"More {n}",
            "confirmed",
            attendance="online",
            access_needs=["breaks"],
            access_notes="note",
        )
        response = FeedbackResponse(
            event_id=world.online.id,
            edition_id=world.edition.id,
            overall=3,
            what_worked="w",
            could_be_better="b",
            created_on=date(2025, 7, 2),
        )
        db.session.add(response)
        db.session.flush()
        db.session.add(
            FeedbackAnswer(response_id=response.id, measure_id=world.measure.id, option=1)
        )
    db.session.commit()


def test_query_counts_do_not_grow_with_registrations_or_responses(browser, count_queries):
    world = seed()
    browser.sign_in(world.organiser.email)
    counts = {}
    for extra in (0, 15):
        _more(world, extra)
        for url in (
            "/2025/impact",
            "/manage/2025/impact",
            "/2025/impact.csv",
            f"/manage/events/{world.hybrid.id}/access-met",
        ):
            impact.public_figures.clear()  # the figures worked out, not remembered
            with count_queries() as queries:
                assert browser.get(url).status_code == 200
            counts.setdefault(url, []).append(len(queries))
    assert all(few == many for few, many in counts.values()), counts


def _registered(browser, url: str = "/2025/impact.csv") -> int:
    """Registrations made in 2025, as the year-on-year table of the CSV gives them."""
    rows = list(csv.reader(io.StringIO(browser.get(url).get_data(as_text=True))))
    header = next(row for row in rows if row and row[0] == "Year")
    row = next(row for row in rows if row and row[0] == "2025")
    return int(row[header.index("Registrations made")])


def test_the_public_figures_are_worked_out_once_a_window_and_organisers_see_them_fresh(
    browser, count_queries, monkeypatch
):
    world = seed()
    now = [16_667 * 60 + 20.0]  # 20 seconds into a 60-second window
    monkeypatch.setattr(impact, "clock", lambda: now[0])
    with count_queries() as worked_out:
        first = browser.get("/2025/impact").get_data(as_text=True)
    with count_queries() as remembered:
        again = browser.get("/2025/impact").get_data(as_text=True)
    assert again == first and len(remembered) < len(worked_out)
    assert any("registrations" in query for query in worked_out)
    assert not any("registrations" in query for query in remembered)
    before = _registered(browser)
    _more(world, 12)
    db.session.commit()
    now[0] += 39  # still the same window
    assert _registered(browser) == before  # remembered: the public figures a minute old
    browser.sign_in(world.organiser.email)
    html = browser.get("/manage/2025/impact").get_data(as_text=True)
    assert f">{before + 12}<" in html  # organisers' figures are never remembered
    browser.sign_out()
    now[0] += 1  # the next window
    assert _registered(browser) == before + 12
