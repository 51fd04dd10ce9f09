"""The gap map through HTTP: an accessible table whose counts link to exactly their items and
whose gaps say so and offer a suggestion pre-filled with the cell; the list's filters; the CSV;
hostile query strings; a constant number of queries whatever the size of the map."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, func, select

from cpweek.evidence.models import EvidenceItemTerm, EvidenceTerm
from cpweek.evidence.services import filters, vocabularies
from cpweek.extensions import db
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item, term

ROOT = Path(__file__).resolve().parents[2]


class _Map(HTMLParser):
    """The map table as the page serves it: the caption, the headers with their scope, and
    each body cell's text and links (including text only screen readers get)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.caption = ""
        self.col_headers: list[str] = []
        self.row_headers: list[str] = []
        self.rows: list[list[dict]] = []  # per body row, the td cells
        self.regions: list[dict] = []
        self.scopes: list[str] = []
        self._in: list[str] = []
        self._cell: dict | None = None
        self._header: dict | None = None
        self._link: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if tag == "div" and attributes.get("role") == "region":
            self.regions.append(attributes)
        if tag in ("caption", "thead", "tbody", "tfoot"):
            self._in.append(tag)
        if tag == "tr" and self._in[-1:] == ["tbody"]:
            self.rows.append([])
        if tag == "th":
            self.scopes.append(attributes.get("scope", ""))
            self._header = {"scope": attributes.get("scope", ""), "text": ""}
        if tag == "td" and self._in[-1:] == ["tbody"]:
            self._cell = {"class": attributes.get("class", ""), "text": "", "links": []}
            self.rows[-1].append(self._cell)
        if tag == "a" and self._cell is not None:
            self._link = {"href": attributes["href"], "text": ""}
            self._cell["links"].append(self._link)

    def handle_endtag(self, tag):
        if tag in ("caption", "thead", "tbody", "tfoot") and self._in:
            self._in.pop()
        if tag == "th" and self._header is not None:
            text = " ".join(self._header["text"].split())
            if self._header["scope"] == "col":
                self.col_headers.append(text)
            elif self._header["scope"] == "row" and self._in[-1:] == ["tbody"]:
                self.row_headers.append(text)
            self._header = None
        if tag == "td":
            self._cell = None
        if tag == "a":
            self._link = None

    def handle_data(self, data):
        if self._in[-1:] == ["caption"]:
            self.caption += data
        if self._header is not None:
            self._header["text"] += data
        if self._cell is not None:
            self._cell["text"] += data
        if self._link is not None:
            self._link["text"] += data

    def cell(self, row_label: str, col_label: str) -> dict:
        row = self.row_headers.index(row_label)
        col = self.col_headers.index(col_label) - 1  # the first column header is the corner
        return self.rows[row][col]


def _page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    return html, _Map(html)


def _query(href: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(href)
    return parts.path, parse_qs(parts.query)


@pytest.fixture
def hub():
    collection = make_collection()
    make_item(
        collection,
        "Carers in rural communities",
        year=2023,
        terms={"topic": ["unpaid-carers", "housing"], "dimension": ["ethnicity", "rurality"]},
    )
    make_item(
        collection,
        "Carers and language",
        year=2019,
        terms={"topic": ["unpaid-carers"], "dimension": ["ethnicity"], "geography": ["london"]},
    )
    for status in ("draft", "excluded"):
        make_item(
            collection,
            f"A {status} item",
            status=status,
            terms={"topic": ["workforce", "unpaid-carers"], "dimension": ["age", "ethnicity"]},
        )
    return collection


def test_the_map_is_an_accessible_table(client, hub):
    html, table = _page(client, "/evidence/care-equity/map")

    assert problems(html) == []
    assert html.count("<h1") == 1 and html.count("<table") == 1
    assert "Care Equity Evidence Hub by topic (rows) and equity dimension (columns)" in " ".join(
        table.caption.split()
    )
    assert table.col_headers[0] == "Topic" and table.col_headers[-1] == "Total"
    assert table.col_headers[1:11] == [t.label for t in vocabularies.all_terms()["dimension"]]
    assert table.row_headers == [t.label for t in vocabularies.all_terms()["topic"]]
    assert set(table.scopes) == {"col", "row"}  # every header says which way it reads
    assert len(table.rows) == 10 and all(len(row) == 11 for row in table.rows)
    # The table scrolls inside its own region, which a keyboard can reach.
    assert table.regions and table.regions[0]["tabindex"] == "0"
    assert table.regions[0]["aria-label"].startswith("Evidence and gap map")


def test_the_page_says_no_evidence_is_not_evidence_of_no_effect(client, hub):
    html, _ = _page(client, "/evidence/care-equity/map")

    assert "No evidence is not evidence of no effect." in html
    assert "means nobody has told us about evidence for it yet" in html
    assert html.index("not evidence of no effect") < html.index("<table")


def test_a_count_is_text_and_links_to_exactly_its_items(client, hub):
    _, table = _page(client, "/evidence/care-equity/map")

    cell = table.cell("Unpaid carers", "Ethnicity")
    assert "gap-map__cell--band" in cell["class"]
    [link] = cell["links"]
    assert " ".join(link["text"].split()) == "2 items about Unpaid carers and Ethnicity"
    path, query = _query(link["href"])
    assert path == "/evidence/care-equity/"
    assert query == {"topic": ["unpaid-carers"], "dimension": ["ethnicity"]}
    assert table.cell("Housing and independent living", "Rurality")["text"].strip().startswith("1")
    # Totals count distinct items: the first item is in four cells, once in each total.
    carers = table.rows[table.row_headers.index("Unpaid carers")]
    assert carers[-1]["text"] == "2"


def test_an_empty_cell_says_gap_and_offers_a_prefilled_suggestion(client, hub):
    _, table = _page(client, "/evidence/care-equity/map")

    cell = table.cell("Workforce", "Age")  # only a draft and an excluded item are there
    assert "gap-map__cell--gap" in cell["class"]
    assert "Gap" in cell["text"] and "No items: a gap." in cell["text"]
    [link] = cell["links"]
    assert " ".join(link["text"].split()) == "Tell us about evidence for this: Workforce and Age"
    path, query = _query(link["href"])
    assert path == "/evidence/care-equity/suggest"
    assert query == {"kind": ["new_evidence"], "topic": ["workforce"], "dimension": ["age"]}


def test_other_axes_pre_fill_the_suggestion_with_their_own_vocabularies(client, hub):
    make_item(hub, terms={"focus": ["outcomes"], "setting": ["home-care"]})

    html, table = _page(client, "/evidence/care-equity/map?rows=focus&cols=setting")

    assert problems(html) == []
    assert table.row_headers == ["Access", "Experience", "Outcomes"]
    assert table.col_headers[1] == "Care at home"
    _, query = _query(table.cell("Outcomes", "Care at home")["links"][0]["href"])
    assert query == {"focus": ["outcomes"], "setting": ["home-care"]}
    _, query = _query(table.cell("Access", "Residential and nursing care")["links"][0]["href"])
    assert query == {"kind": ["new_evidence"], "focus": ["access"], "setting": ["residential"]}
    # The page offers the other arrangement in one click, and the CSV keeps the axes.
    assert 'href="/evidence/care-equity/map">Topic by equity dimension</a>' in html
    assert "/evidence/care-equity/map.csv?rows=focus&amp;cols=setting" in html


def test_the_lists_filters_apply_and_are_shown_with_a_way_back(client, hub):
    url = "/evidence/care-equity/map?from=2020&q=rural&dimension=ethnicity&dimension=rurality"
    html, table = _page(client, url)

    assert table.col_headers[1:-1] == ["Ethnicity", "Rurality"]  # only the chosen dimensions
    assert table.cell("Unpaid carers", "Ethnicity")["text"].strip().startswith("1")
    _, query = _query(table.cell("Unpaid carers", "Ethnicity")["links"][0]["href"])
    assert query == {
        "q": ["rural"],
        "topic": ["unpaid-carers"],
        "dimension": ["ethnicity"],
        "from": ["2020"],
    }
    assert "Words: “rural”" in html
    assert "Equity dimension: Ethnicity or Rurality" in html
    assert "Published in 2020 or later" in html
    back = (
        'href="/evidence/care-equity/?q=rural&amp;dimension=ethnicity&amp;dimension=rurality'
        '&amp;from=2020"'
    )
    assert back in html
    assert "among the items that match your choices" in table.caption
    assert problems(html) == []


def test_each_count_matches_the_list_it_links_to(client, hub):
    """Follow every count link through the list's own filter parsing and query."""
    _, table = _page(client, "/evidence/care-equity/map?topic=unpaid-carers&topic=housing")
    known = vocabularies.all_terms()

    checked = 0
    for row in table.rows:
        for cell in row:
            if "gap-map__cell--band" not in cell["class"]:
                continue  # a gap, or the row's total
            _, query = _query(cell["links"][0]["href"])
            chosen = filters.parse_filters(query, known)
            listed = db.session.scalar(
                select(func.count()).select_from(
                    filters.matching_items(hub, chosen, known).subquery()
                )
            )
            assert str(listed) == cell["links"][0]["text"].split()[0]
            checked += 1
    assert checked == 4


def test_draft_and_excluded_items_never_show(client):
    collection = make_collection()
    for status in ("draft", "excluded"):
        make_item(collection, status=status, terms={"topic": ["housing"], "dimension": ["age"]})

    html, table = _page(client, "/evidence/care-equity/map")

    assert all("gap-map__cell--gap" in cell["class"] for row in table.rows for cell in row[:-1])
    assert {row[-1]["text"] for row in table.rows} == {"0"}
    assert "No items match your choices yet." in html
    response = client.get("/evidence/care-equity/map.csv")
    lines = list(csv.reader(io.StringIO(response.text)))
    assert all(set(line[1:]) == {"0"} for line in lines[1:])


HOSTILE = [
    "rows=<script>alert(1)</script>",
    "rows=" + "x" * 10_000,
    "rows=topic&cols=topic",
    "rows=&cols=",
    "rows=topic&rows=dimension&cols=focus&cols=setting",
    "topic=no-such-topic&dimension=%F0%9F%98%80",
    "from=20250&to=-1",
    "from=abc&to=99999999999999999999",
    "page=100000000000000000000",
    "q=" + "ünïcødé 😀 " * 1000,
    "q=%27%3B+DROP+TABLE+evidence_items%3B--",
    "q=%22unclosed+OR+*+-+NEAR(",
    "rows=design&cols=geography",
    "rows=type&cols=design&type=research",
    "cols=%E2%80%8Btopic",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_strings_never_fail(client, hub, query):
    for path in ("/evidence/care-equity/map", "/evidence/care-equity/map.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 200, (path, query)
    html = client.get(f"/evidence/care-equity/map?{query}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert problems(html) == []


def test_an_unknown_axis_is_explained(client, hub):
    html, table = _page(client, "/evidence/care-equity/map?rows=nonsense&cols=nonsense")

    assert "The map cannot use “nonsense” for its rows" in html
    assert "The map cannot use “nonsense” for its columns" in html
    assert table.col_headers[0] == "Topic"


def test_an_unknown_collection_is_not_found(client, hub):
    assert client.get("/evidence/no-such-hub/map").status_code == 404
    assert client.get("/evidence/no-such-hub/map.csv").status_code == 404


def test_a_vocabulary_without_terms_is_explained(client, hub):
    db.session.execute(delete(EvidenceItemTerm).where(EvidenceItemTerm.vocabulary == "dimension"))
    db.session.execute(delete(EvidenceTerm).where(EvidenceTerm.vocabulary == "dimension"))

    html = client.get("/evidence/care-equity/map").get_data(as_text=True)

    assert "There are no equity dimensions to arrange the map by yet." in html
    assert "<table" not in html and problems(html) == []


def test_the_csv_is_the_same_grid_and_safe_in_a_spreadsheet(client, hub):
    term("topic", "housing").label = '=HYPERLINK("http://example.org")'

    response = client.get("/evidence/care-equity/map.csv?from=2020")

    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert (
        'filename="care-equity-map-topic-by-dimension.csv"'
        in response.headers["Content-Disposition"]
    )
    lines = list(csv.reader(io.StringIO(response.text)))
    assert lines[0][:3] == ["Topic", "Ethnicity", "Disability"]
    assert lines[0][-1] == "Total (distinct items)"
    by_label = {line[0]: line[1:] for line in lines}
    assert by_label["Unpaid carers"][0] == "1"  # the 2019 item is filtered out
    assert by_label["Unpaid carers"][-1] == "1"
    assert by_label['\'=HYPERLINK("http://example.org")'][6] == "1"  # rurality, defused
    assert by_label["Workforce"] == ["0"] * 11
    assert lines[-1][0] == "Total (distinct items)" and lines[-1][-1] == "1"
    assert len(lines) == 12


def test_the_csv_for_other_axes(client, hub):
    make_item(hub, terms={"focus": ["access", "outcomes"], "setting": ["home-care"]})

    response = client.get("/evidence/care-equity/map.csv?rows=focus&cols=setting")

    lines = list(csv.reader(io.StringIO(response.text)))
    assert (
        'filename="care-equity-map-focus-by-setting.csv"' in response.headers["Content-Disposition"]
    )
    assert lines[0][0] == "About access, experience or outcomes" and lines[0][1] == "Care at home"
    assert [line[0] for line in lines[1:4]] == ["Access", "Experience", "Outcomes"]
    assert lines[1][1] == "1" and lines[3][1] == "1" and lines[-1][1] == "1"


def _shrink_to_three_by_three() -> None:
    """Organisers removed all but three topics and three dimensions."""
    known = vocabularies.all_terms()
    gone = [t.id for v in ("topic", "dimension") for t in known[v][3:]]
    db.session.execute(delete(EvidenceItemTerm).where(EvidenceItemTerm.term_id.in_(gone)))
    db.session.execute(delete(EvidenceTerm).where(EvidenceTerm.id.in_(gone)))


def test_the_number_of_queries_is_the_same_for_any_size_of_map(client, count_queries, hub):
    from cpweek.evidence.services.filters import answers

    def queries(url):
        answers.clear()  # what is measured is the map worked out, not remembered
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    url = "/evidence/care-equity/map?q=carers&geography=london&from=2010"
    ten_by_ten = queries(url)
    assert ten_by_ten == queries("/evidence/care-equity/map.csv?from=2010")
    for _ in range(30):
        make_item(hub, terms={"topic": ["housing", "workforce"], "dimension": ["age", "rurality"]})
    assert queries(url) == ten_by_ten
    _shrink_to_three_by_three()
    db.session.commit()
    _, table = _page(client, url)
    assert len(table.rows) == 3 and len(table.col_headers) == 3 + 2
    assert queries(url) == ten_by_ten
    assert ten_by_ten <= 4  # the collection, the vocabularies, the map (and the session)


def test_both_routes_are_public(app):
    for endpoint in ("evidence.gap_map", "evidence.gap_map_csv"):
        assert app.view_functions[endpoint].access == "public"


def test_the_map_prints_on_one_landscape_page():
    """Only a browser can print; this checks the rules are there and scoped to the map."""
    css = (ROOT / "static/css/print.css").read_text()
    block = css[css.index("evidence: gap map") :]
    assert "@page gap-map { size: landscape;" in block
    assert "body:has(.gap-map) { page: gap-map;" in block
    assert ".gap-map__controls, .gap-map__links, .gap-map__suggest { display: none" in block
    assert "@page {" not in css  # no other page turns to landscape
