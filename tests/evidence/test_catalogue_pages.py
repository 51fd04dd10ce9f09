"""The catalogue through the browser: organisers make collections and items, edit vocabularies
and citations; the public reads an included item (and never a draft); the programme's pages
link into the hub."""

from __future__ import annotations

import re

import pytest
from flask import render_template
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.evidence.models import (
    EventCitation,
    EvidenceCollection,
    EvidenceItem,
    EvidenceTerm,
    ExampleOfUse,
    ItemStatus,
)
from cpweek.evidence.services import catalogue, vocabularies
from cpweek.extensions import db
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item, term
from tests.factories import make_edition, make_event, make_user


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def organiser(browser):
    person = make_user(roles=(Role.ORGANISER,))
    browser.sign_in(person.email)
    return person


@pytest.fixture
def hub():
    return make_collection()


# --- collections ---------------------------------------------------------------------------


def test_an_organiser_starts_a_hub_for_an_edition_and_each_links_to_the_other(
    app, browser, organiser
):
    edition = make_edition(2026, theme="Care equity")
    page = text(browser.get("/manage/evidence/new"))
    assert problems(page) == [] and "Co-production Week 2026" in page
    response = browser.submit(
        "/manage/evidence/new",
        {
            "title": "Care Equity Evidence Hub",
            "slug": "care-equity",
            "theme": "Inequities in social care",
            "introduction": "What the hub is.",
            "criteria": "An equity focus; robust methods.",
            "edition_id": str(edition.id),
        },
    )
    assert response.status_code == 302
    made = catalogue.collection_by_slug("care-equity")
    assert made.edition_id == edition.id
    edition_page = text(browser.get("/2026/"))
    assert (
        'href="/evidence/care-equity/"' in edition_page
        and "Care Equity Evidence Hub" in edition_page
    )
    with app.test_request_context():
        header = render_template(
            "evidence/_collection_header.html", collection=made, edition=catalogue.edition_of(made)
        )
    assert "<h1>Care Equity Evidence Hub</h1>" in header
    assert 'href="/2026/"' in header and "Co-production Week 2026" in header
    assert "Inequities in social care" in header
    edited = browser.submit(
        "/manage/evidence/care-equity/edit",
        {"title": "The Hub", "slug": "care-equity", "edition_id": ""},
    )
    assert edited.status_code == 302
    db.session.expire_all()
    assert catalogue.collection_by_slug("care-equity").title == "The Hub"
    assert "The Hub" not in text(browser.get("/2026/"))


def test_a_bad_collection_keeps_what_was_typed_and_saves_nothing(browser, organiser, hub):
    body = text(
        browser.submit(
            "/manage/evidence/new",
            {"title": "My <b>hub</b> 😀", "slug": hub.slug, "introduction": "x" * 10_000},
        )
    )
    assert "There is a problem" in body and "Another collection already uses" in body
    assert "My &lt;b&gt;hub&lt;/b&gt; 😀" in body and problems(body) == []
    body = text(browser.submit("/manage/evidence/new", {"title": "Hub", "slug": "Bad Slug!"}))
    assert "lower-case letters" in body
    body = text(
        browser.submit("/manage/evidence/new", {"title": "Hub", "slug": "ok", "edition_id": "x"})
    )
    assert "Choose a year" in body
    assert count(EvidenceCollection) == 1


# --- items ---------------------------------------------------------------------------------


def item_form(**changes) -> dict:
    return {
        "title": "Rural carers' experience",
        "summary": "Carers in rural areas told us about travel.",
        "url": "https://example.org/rural",
        "doi": "https://doi.org/10.5555/RURAL",
        "authors": "Smith, J.\nJones, K.",
        "publisher": "Example Press",
        "published_day": "29",
        "published_month": "6",
        "published_year": "2024",
        "type": str(term("type", "research").id),
        "topic": [str(term("topic", "unpaid-carers").id)],
        "dimension": [
            str(term("dimension", "rurality").id),
            str(term("dimension", "ethnicity").id),
        ],
        "geography": [str(term("geography", "south-west").id)],
        **changes,
    }


def test_an_organiser_adds_a_draft_item_that_only_the_panel_can_preview(
    browser, client, organiser, hub
):
    page = text(browser.get(f"/manage/evidence/{hub.slug}/items/new"))
    assert problems(page) == [] and "Unpaid carers" in page and 'type="radio"' in page
    response = browser.submit(f"/manage/evidence/{hub.slug}/items/new", item_form())
    assert response.status_code == 302
    item = db.session.scalar(select(EvidenceItem))
    assert item.status == ItemStatus.DRAFT.value and item.doi == "10.5555/rural"
    assert str(item.published_on) == "2024-06-29"
    preview = text(browser.get(response.headers["Location"]))
    assert "Draft: not public" in preview and problems(preview) == []
    browser.sign_out()
    assert client.get(f"/evidence/{hub.slug}/items/{item.id}").status_code == 404
    attendee = make_user()
    browser.sign_in(attendee.email)
    assert browser.get(f"/evidence/{hub.slug}/items/{item.id}").status_code == 404
    browser.sign_out()
    co_producer = make_user(roles=(Role.CO_PRODUCER,))
    browser.sign_in(co_producer.email)
    page = text(browser.get(f"/evidence/{hub.slug}/items/{item.id}"))
    assert "Draft: not public" in page and "Edit this item" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"published_day": "", "published_month": "", "published_year": "20250"}, "4 digits"),
        ({"published_day": "31", "published_month": "2"}, "real date"),
        ({"url": "javascript:alert(1)"}, "starts with https://"),
        ({"doi": "10.12/nope"}, "Enter a DOI"),
        ({"type": ""}, "Choose the type"),
        ({"type": "abc"}, "Choose from the list"),
        ({"topic": ["999999999999999999999"]}, "Choose from the list"),
        ({"title": "x" * 10_000}, "500 characters or fewer"),
        ({"summary": ""}, "Enter a summary"),
    ],
)
def test_a_bad_item_keeps_what_was_typed_and_saves_nothing(
    browser, organiser, hub, changes, message
):
    body = text(
        browser.submit(
            f"/manage/evidence/{hub.slug}/items/new",
            item_form(publisher="Robert'); DROP TABLE evidence_items;-- 😀", **changes),
        )
    )
    assert "There is a problem" in body and message in body
    assert "Robert&#39;); DROP TABLE evidence_items;-- 😀" in body
    assert problems(body) == []
    assert count(EvidenceItem) == 0


def test_editing_an_included_item_keeps_it_included(browser, organiser, hub):
    edition = make_edition(2026)
    hub.edition_id = edition.id
    launch = make_event(edition, title="Hub launch")
    item = make_item(
        hub, "Old", url="https://example.org/old", terms={"type": ["data"], "topic": ["housing"]}
    )
    page = text(browser.get(f"/manage/evidence/items/{item.id}/edit"))
    assert problems(page) == [] and 'value="Old"' in page and "Hub launch" in page
    housing = term("topic", "housing").id
    assert re.search(
        rf'<input checked id="topic-\d+" name="topic" type="checkbox" value="{housing}">', page
    )
    response = browser.submit(
        f"/manage/evidence/items/{item.id}/edit",
        item_form(title="New", events=[str(launch.id)], published_day="", published_month=""),
    )
    assert response.status_code == 302
    db.session.expire_all()
    item = db.session.get(EvidenceItem, item.id)
    assert item.title == "New" and item.status == ItemStatus.INCLUDED.value
    assert item.published_on is None and item.published_year == 2024
    assert db.session.scalar(select(EventCitation.event_id)) == launch.id
    assert browser.get("/manage/evidence/items/999999/edit").status_code == 404


# --- the public item page ------------------------------------------------------------------


def test_the_item_page_shows_everything_easy_read_first(client, hub):
    edition = make_edition(2026)
    hub.edition_id = edition.id
    item = make_item(
        hub,
        "Rural carers",
        summary="Plain summary <script>alert('x')</script> [bad](javascript:alert(1))",
        easy_read="Carers who live **far away** find it hard.",
        authors="Smith, J.\nJones, K.",
        publisher="Example Press",
        doi="10.5555/rural",
        url="https://example.org/rural",
        year=2024,
        terms={"topic": ["unpaid-carers"], "dimension": ["rurality"], "type": ["research"]},
    )
    related = make_item(hub, "Also rural", terms={"dimension": ["rurality"]})
    make_item(hub, "Hidden draft", status="draft", terms={"dimension": ["rurality"]})
    launch = make_event(edition, title="Hub launch")
    db.session.add_all(
        [
            EventCitation(event_id=launch.id, item_id=item.id),
            ExampleOfUse(
                item_id=item.id, text="Used in a carers' strategy", organisation="A council"
            ),
        ]
    )
    page = text(client.get(f"/evidence/{hub.slug}/items/{item.id}"))
    assert problems(page) == []
    assert page.index("Easy Read summary") < page.index("Plain summary")
    assert "<strong>far away</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page
    assert (
        "Smith, J. and Jones, K. (2024) Rural carers. Example Press. https://doi.org/10.5555/rural"
        in page
    )
    assert f'href="/evidence/{hub.slug}/items/{related.id}"' in page and "Hidden draft" not in page
    assert 'href="/2026/events/' in page and "Hub launch" in page
    assert "Used in a carers&#39; strategy" in page and "A council" in page
    assert "Unpaid carers" in page and "Rurality" in page and "Research" in page
    assert "Co-production Week 2026" in page
    assert f"kind=example_of_use&amp;item={item.id}" in page
    assert "Draft: not public" not in page and "Edit this item" not in page


def test_items_are_404_outside_their_collection_or_when_excluded(client, hub):
    other = make_collection(slug="other")
    item = make_item(hub)
    excluded = make_item(hub, status="excluded", exclusion_reason="Not about equity")
    assert client.get(f"/evidence/{other.slug}/items/{item.id}").status_code == 404
    assert client.get(f"/evidence/nowhere/items/{item.id}").status_code == 404
    assert client.get(f"/evidence/{hub.slug}/items/{excluded.id}").status_code == 404
    assert client.get(f"/evidence/{hub.slug}/items/99999999").status_code == 404
    assert client.get(f"/evidence/{hub.slug}/items/{10**20}").status_code == 404


def test_the_item_page_query_count_does_not_grow(client, hub, count_queries):
    edition = make_edition(2026)
    hub.edition_id = edition.id

    def item_with(n: int) -> EvidenceItem:
        topics = ["unpaid-carers", "housing", "workforce", "digital", "funding"][: max(n, 1)]
        item = make_item(hub, terms={"topic": topics, "dimension": ["rurality"], "type": ["data"]})
        for _ in range(n * 3):
            make_item(hub, terms={"topic": topics[:1]})
        for _ in range(n):
            event = make_event(edition)
            db.session.add(EventCitation(event_id=event.id, item_id=item.id))
            db.session.add(ExampleOfUse(item_id=item.id, text="Used"))
        return item

    small, large = item_with(1), item_with(5)
    urls = [f"/evidence/{hub.slug}/items/{item.id}" for item in (small, large)]
    db.session.commit()
    counts = []
    for url in urls:
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # 9 at most: related items read the item's terms first (the database then plans with the
    # terms' own index); what they find is remembered until the collection changes. One is the
    # resources drawing on the item, with their formats (resources.services.linked).
    assert counts[0] == counts[1] <= 9


# --- the programme's pages -----------------------------------------------------------------


def test_the_event_page_lists_the_included_evidence_it_uses(client, hub):
    edition = make_edition(2026)
    launch = make_event(edition, title="Hub launch", slug="launch")
    used = make_item(hub, "Used at the launch")
    draft = make_item(hub, "A draft", status="draft")
    db.session.add_all(
        [
            EventCitation(event_id=launch.id, item_id=used.id),
            EventCitation(event_id=launch.id, item_id=draft.id),
        ]
    )
    page = text(client.get("/2026/events/launch"))
    assert "Evidence this event uses" in page and problems(page) == []
    assert f'href="/evidence/{hub.slug}/items/{used.id}"' in page and "A draft" not in page
    quiet = make_event(edition, title="Nothing cited", slug="quiet")
    assert "Evidence this event uses" not in text(client.get(f"/2026/events/{quiet.slug}"))


# --- the organisers' overview --------------------------------------------------------------


def test_the_overview_counts_items_by_status_and_links_to_each_part(app, browser, organiser, hub):
    make_item(hub)
    make_item(hub)
    make_item(hub, status="draft")
    make_collection(slug="empty", title="Empty hub")
    assert 'href="/manage/evidence/"' in text(browser.get("/manage/"))
    page = text(browser.get("/manage/evidence/"))
    assert problems(page) == []
    row = page.split("Care Equity Evidence Hub</a></th>")[1].split("</tr>")[0]
    assert [cell.split(">")[1] for cell in row.split('<td class="numeric"')[1:]] == [
        "1</td",
        "2</td",
        "0</td",
    ]
    assert f'href="/manage/evidence/{hub.slug}/items/new"' in page
    assert f'href="/manage/evidence/{hub.slug}/edit"' in page
    assert 'href="/manage/evidence/vocabularies"' in page
    for endpoint, fragment in (
        ("evidence.import_items", f"/manage/evidence/{hub.slug}/import"),
        ("evidence.review_queue", f"/review/evidence/{hub.slug}/"),
    ):
        if endpoint in app.view_functions:
            assert fragment in page


# --- vocabularies --------------------------------------------------------------------------


def test_organisers_edit_the_vocabularies(browser, organiser, hub):
    page = text(browser.get("/manage/evidence/vocabularies"))
    assert problems(page) == [] and "Rurality" in page
    url = "/manage/evidence/vocabularies"
    added = browser.submit(
        url, {"action": "add", "vocabulary": "topic", "label": "Loneliness"}, form_url=url
    )
    assert added.status_code == 302
    loneliness = term("topic", "loneliness")
    renamed = browser.submit(
        url,
        {
            "action": "save",
            "term_id": str(loneliness.id),
            "label": "Loneliness and isolation",
            "position": "-5",
        },
        form_url=url,
    )
    assert renamed.status_code == 302
    db.session.expire_all()
    page = text(browser.get(url))
    topics = page.split('id="topic"')[1]
    assert topics.index("Loneliness and isolation") < topics.index("Unpaid carers")
    removed = browser.submit(url, {"action": "remove", "term_id": str(loneliness.id)}, form_url=url)
    assert removed.status_code == 302
    gone = select(EvidenceTerm).where(EvidenceTerm.slug == "loneliness")
    assert db.session.scalar(gone) is None


def test_a_term_in_use_is_kept_with_a_clear_message(browser, organiser, hub):
    make_item(hub, terms={"dimension": ["rurality"]})
    rurality = term("dimension", "rurality")
    url = "/manage/evidence/vocabularies"
    body = text(
        browser.submit(url, {"action": "remove", "term_id": str(rurality.id)}, form_url=url)
    )
    assert "There is a problem" in body and "is used by 1 item" in body
    assert problems(body) == []
    assert db.session.get(EvidenceTerm, rurality.id) is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "add", "vocabulary": "topic", "label": ""}, "Enter the words"),
        (
            {"action": "add", "vocabulary": "topic", "label": "Housing and independent living"},
            "already in this list",
        ),
        (
            {"action": "add", "vocabulary": "topic", "label": "New", "position": "lots"},
            "whole number",
        ),
        ({"action": "add", "vocabulary": "nonsense", "label": "New"}, "Choose a list"),
        ({"action": "save", "term_id": "TERM", "label": "x" * 10_000}, "120 characters"),
        ({"action": "save", "term_id": "TERM", "label": "Ok", "position": "9" * 6}, "between"),
    ],
)
def test_bad_vocabulary_changes_are_explained(browser, organiser, hub, data, message):
    before = count(EvidenceTerm)
    housing = term("topic", "housing")
    data = {k: (str(housing.id) if v == "TERM" else v) for k, v in data.items()}
    url = "/manage/evidence/vocabularies"
    body = text(browser.submit(url, {"label": "", **data}, form_url=url))
    assert "There is a problem" in body and message in body and problems(body) == []
    db.session.expire_all()
    assert count(EvidenceTerm) == before and term("topic", "housing").label != "Ok"


def test_unknown_terms_and_actions(browser, organiser, hub):
    url = "/manage/evidence/vocabularies"
    assert (
        browser.submit(url, {"action": "save", "term_id": "999999"}, form_url=url).status_code
        == 404
    )
    assert (
        browser.submit(url, {"action": "save", "term_id": "x" * 50}, form_url=url).status_code
        == 404
    )
    housing = term("topic", "housing")
    assert (
        browser.submit(
            url, {"action": "dance", "term_id": str(housing.id)}, form_url=url
        ).status_code
        == 400
    )


def test_the_organisers_pages_take_the_same_queries_however_much_there_is(
    browser, organiser, hub, count_queries
):
    def queries_for(url: str) -> int:
        db.session.commit()
        with count_queries() as queries:
            assert browser.get(url).status_code == 200
        return len(queries)

    pages = ("/manage/evidence/", "/manage/evidence/vocabularies")
    few = [queries_for(url) for url in pages]
    for n in range(4):
        other = make_collection(slug=f"hub-{n}", title=f"Hub {n}")
        for status in ("included", "draft", "excluded"):
            make_item(other, status=status, terms={"topic": ["housing"], "dimension": ["age"]})
    for n in range(5):
        vocabularies.add_term("topic", f"Extra topic {n}", organiser)
    many = [queries_for(url) for url in pages]
    assert few == many
