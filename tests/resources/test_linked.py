"""Resources shown where they came from: an edition's programme page, an event (for the event
page, `for_event`), and an evidence item's page: published ones only, with their formats, in
a fixed number of queries."""

from __future__ import annotations

from cpweek.resources.models import FormatRole, ResourceStatus
from cpweek.resources.services import linked
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item
from tests.factories import make_edition, make_event
from tests.resources.public_factories import add_file_row, add_link, make_resource


def _world():
    hub = make_collection()
    edition = make_edition(2025)
    other = make_edition(2024)
    event = make_event(edition, title="The conference", slug="conference")
    item = make_item(hub, "An item")
    shown = make_resource(
        "Conference recording", edition=edition, events=[event], items=[item], slug="recording"
    )
    add_link(shown, "https://www.youtube.com/watch?v=1", label="Recording")
    add_file_row(shown, "application/pdf", 2048, role=FormatRole.TRANSCRIPT, label="Transcript")
    make_resource(
        "Draft slides",
        edition=edition,
        events=[event],
        items=[item],
        status=ResourceStatus.DRAFT.value,
    )
    make_resource("Last year's report", edition=other)
    return hub, edition, event, item, shown


def test_each_finder_gives_published_resources_with_their_formats(app, count_queries):
    _, edition, event, item, _shown = _world()
    for finder, key in (
        (linked.for_edition, edition.id),
        (linked.for_event, event.id),
        (linked.for_evidence_item, item.id),
    ):
        with count_queries() as queries:
            found = finder(key)
        assert [r.resource.title for r in found] == ["Conference recording"]
        assert [f.label for f in found[0].formats] == ["Recording", "Transcript"]
        assert found[0].formats[1].type_words == "PDF"
        assert len(queries) == 2


def test_the_finders_stay_at_two_queries_with_many_resources(app, count_queries):
    _, edition, event, _, _ = _world()
    for i in range(25):
        resource = make_resource(f"More {i}", edition=edition, events=[event])
        add_link(resource, "https://example.org/x")
        add_file_row(resource, "audio/mpeg", 100)
    with count_queries() as queries:
        found = linked.for_event(event.id)
    assert len(found) == 26 and len(queries) == 2
    assert linked.for_event(999_999) == []


def test_the_edition_page_shows_its_resources(client):
    _world()
    html = client.get("/2025/").get_data(as_text=True)
    assert "Resources from 2025" in html
    assert 'href="/resources/recording"' in html and "Recording on YouTube" in html
    assert "Draft slides" not in html and "Last year" not in html
    assert 'href="/resources?year=2025"' in html
    assert problems(html) == []
    assert "Resources from 2024" in client.get("/2024/").get_data(as_text=True)


def test_an_edition_without_resources_says_nothing_of_them(client):
    make_edition(2027)
    assert "Resources from" not in client.get("/2027/").get_data(as_text=True)


def test_the_evidence_item_page_shows_resources_drawing_on_it(client):
    hub, _, _, item, _ = _world()
    html = client.get(f"/evidence/{hub.slug}/items/{item.id}").get_data(as_text=True)
    assert "Resources that draw on it" in html
    assert 'href="/resources/recording"' in html and "Draft slides" not in html
    assert problems(html) == []
    lonely = make_item(hub, "Nobody used me")
    html = client.get(f"/evidence/{hub.slug}/items/{lonely.id}").get_data(as_text=True)
    assert "No Co-production Week resources draw on it yet." in html


def test_the_resource_page_links_back(client):
    hub, _, _, item, _ = _world()
    html = client.get("/resources/recording").get_data(as_text=True)
    assert f'href="/evidence/{hub.slug}/items/{item.id}"' in html
    assert 'href="/2025/events/conference"' in html
