"""Who takes part, through the test client: the public page and the organisers' show the same
suppressed numbers and never a raw count; a characteristic or year that does not exist is a 404
in words; the population figures' page saves and refuses with messages by the boxes; the query
count does not grow with the answers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import delete, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.reports.models import PopulationShare
from tests.a11y import problems
from tests.factories import make_edition, make_user
from tests.reports.test_stages import seed

LAST_YEAR = date(2025, 1, 1)  # a month long past: in every snapshot
POPULATION = re.compile(r"(\d+\.\d%)?$|<span")
TABLE = re.compile(r'<table class="table" id="who-takes-part">.*?</table>', re.S)


def _page(response) -> str:
    return response.get_data(as_text=True)


def _table(html: str) -> str:
    found = TABLE.search(html)
    assert found, "no table on the page"
    return found.group(0)


def _figures(table: str) -> list[str]:
    """The text of every number cell, without the share under it."""
    cells = re.findall(r"<td>(.*?)</td>", table, re.S)
    return [re.sub(r"<br>.*", "", cell, flags=re.S).strip() for cell in cells]


@pytest.fixture
def edition():
    return make_edition(2026)


@pytest.fixture
def answered(edition):
    """Answers at registering: 23 White, 13 Asian, 7 Black, 12 prefer not to say; 13 White
    at attending."""
    seed(edition.id, "registration", 23, month=LAST_YEAR, ethnic_group="white_british")
    seed(edition.id, "registration", 13, month=LAST_YEAR, ethnic_group="asian_pakistani")
    seed(edition.id, "registration", 7, month=LAST_YEAR, ethnic_group="black_caribbean")
    seed(edition.id, "registration", 12, month=LAST_YEAR, ethnic_group="prefer_not")
    seed(edition.id, "attended", 13, month=LAST_YEAR, ethnic_group="white_other")
    db.session.commit()
    return edition


def test_the_public_page_shows_only_rounded_numbers_of_10_or_more(client, answered):
    response = client.get("/2026/who-takes-part?characteristic=ethnic_group")
    html = _page(response)
    assert response.status_code == 200 and problems(html) == []
    table = _table(html)
    figures = _figures(table)
    for text in figures:
        if text.isdigit():
            assert int(text) % 5 == 0 and int(text) >= 10, text
        else:
            # else hidden, or the population column (the migration's figures, 81.7%)
            assert text.startswith("not shown") or "population" in text or POPULATION.match(text)
    # Every number in the table that is not a share ("about 36%") or a population figure.
    numbers = re.findall(r"\d+", re.sub(r"about \d+%|\d+\.\d%", "", table))
    assert "7" not in numbers and "13" not in numbers and "23" not in numbers
    assert "not shown (fewer than 10)" in table
    assert "Registered" in table and "Contributors paid" in table
    assert "Prefer not to say" in table and "Not answered" in table
    assert "Numbers are rounded to the nearest 5" in html


def test_organisers_and_co_producers_see_the_same_numbers_as_the_public(browser, answered):
    public = _table(_page(browser.get("/2026/who-takes-part")))
    for role in (Role.ORGANISER, Role.CO_PRODUCER):
        person = make_user(email=f"{role.value}@example.org", roles=(role,))
        browser.sign_in(person.email)
        html = _page(browser.get("/manage/2026/who-takes-part"))
        assert _table(html) == public and problems(html) == []
        change = "Change the population figures" in html
        assert change is (role == Role.ORGANISER)
        browser.sign_out()


@pytest.mark.parametrize(
    "url",
    [
        "/2026/who-takes-part?characteristic=favourite_colour",
        "/manage/reports/population?characteristic=favourite_colour",
    ],
)
def test_a_characteristic_that_does_not_exist_is_a_404_in_words(browser, edition, url):
    organiser = make_user(email="o@example.org", roles=(Role.ORGANISER,))
    browser.sign_in(organiser.email)
    response = browser.get(url)
    html = _page(response)
    assert response.status_code == 404
    assert "There is no characteristic called “favourite_colour”" in html
    assert "What is your ethnic group?" in html and problems(html) == []
    manage = browser.get("/manage/2026/who-takes-part?characteristic=x")
    assert manage.status_code == 404


def test_a_year_without_an_edition_is_a_404(client, edition):
    assert client.get("/1999/who-takes-part").status_code == 404


def test_too_few_answers_are_said_in_words(client, edition):
    seed(edition.id, "registration", 4, month=LAST_YEAR, sex="female")
    db.session.commit()
    html = _page(client.get("/2026/who-takes-part?characteristic=sex"))
    assert "fewer than 10 people answered at each stage" in html
    assert 'id="who-takes-part"' not in html


def test_the_query_count_does_not_grow_with_the_answers(client, edition, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/2026/who-takes-part").status_code == 200
        return len(statements)

    seed(edition.id, "registration", 10, month=LAST_YEAR, ethnic_group="white_irish")
    db.session.commit()
    few = queries()
    for stage in ("registration", "attended", "proposal", "paid"):
        seed(edition.id, stage, 25, month=LAST_YEAR, ethnic_group="asian_chinese")
    db.session.commit()
    assert queries() == few


# --- the population figures -----------------------------------------------------------------

FIGURES = {
    "share_asian": "9.3",
    "share_black": "4",
    "share_mixed": "2.9",
    "share_white": "81.7%",
    "share_other": "2.1",
    "source": "England and Wales: ONS, Ethnic group, England and Wales: Census 2021",
    "source_url": "https://www.ons.gov.uk/",
    "as_of-day": "21",
    "as_of-month": "3",
    "as_of-year": "2021",
}
URL = "/manage/reports/population?characteristic=ethnic_group"


@pytest.fixture
def organiser(browser):
    person = make_user(email="o@example.org", roles=(Role.ORGANISER,))
    browser.sign_in(person.email)
    # The migration's rows are replaced by what each test saves.
    db.session.execute(delete(PopulationShare))
    db.session.commit()
    return person


def _shares() -> dict[str, int | None]:
    db.session.expire_all()
    return {s.category: s.per_mille for s in db.session.scalars(select(PopulationShare))}


def test_an_organiser_saves_the_figures_and_the_table_shows_them(browser, organiser, answered):
    page = _page(browser.get(URL))
    assert problems(page) == [] and 'name="share_white"' in page
    response = browser.submit(URL, FIGURES)
    assert response.status_code == 302
    assert _shares() == {"asian": 93, "black": 40, "mixed": 29, "white": 817, "other": 21}
    html = _page(browser.get("/2026/who-takes-part"))
    assert "81.7%" in _table(html) and "4.0%" in _table(html)
    assert "Population: England and Wales: ONS" in html and "21 March 2021" in html
    page = _page(browser.get(URL))
    assert 'value="81.7"' in page and 'value="4"' in page


def test_a_figure_left_empty_is_not_yet_entered(browser, organiser, answered):
    browser.submit(URL, {**FIGURES, "share_other": ""})
    assert _shares()["other"] is None
    table = _table(_page(browser.get("/2026/who-takes-part")))
    assert "no population figure" in table
    sex = _page(browser.get("/2026/who-takes-part?characteristic=sex"))
    assert "No population figure has been entered for this characteristic yet" in sex


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"share_white": "101"}, "share_white", "must be between 0% and 100%"),
        ({"share_white": "eighty"}, "share_white", "as a per cent, like 81.7"),
        ({"share_white": "81.75"}, "share_white", "at most one decimal"),
        ({"share_white": "-3"}, "share_white", "as a per cent"),
        ({"share_white": "90"}, "share_asian", "add up to 108.3%"),
        ({"source": ""}, "source", "Say where the figures come from"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "starting with https://"),
    ],
)
def test_figures_that_cannot_be_right_are_refused_by_their_box(
    browser, organiser, changes, field, message
):
    response = browser.submit(URL, {**FIGURES, **changes})
    html = _page(response)
    assert response.status_code == 200 and message in html
    assert f'id="{field}-error"' in html and f'href="#{field}"' in html
    assert "<title>Error:" in html
    for typed in changes.values():
        if typed:
            assert f'value="{typed}"' in html.replace("&#34;", '"')
    assert _shares() == {}
