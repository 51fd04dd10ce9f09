"""Organisers' resource pages through the browser: who may use them, the details form (and its
refusals, with what was typed kept), links, order and removal, publishing with reasons for a
missing format, unpublishing, and the list's queries not growing with the resources."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.files import samples
from cpweek.programme.services import today_in
from cpweek.resources.models import FormatGap, Resource, ResourceFormat, ResourceStatus
from cpweek.resources.services import publishing
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item, term
from tests.factories import make_edition, make_event, make_user
from tests.resources.factories import make_link_format, make_resource
from tests.resources.public_factories import PDF, add_file


def text(response) -> str:
    return response.get_data(as_text=True)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def organiser(browser):
    person = make_user(roles=(Role.ORGANISER,))
    browser.sign_in(person.email)
    return person


def form_data(**changes) -> dict:
    values = {
        "title": "Carers' toolkit",
        "kind": "guide",
        "summary": "How to start.",
        "licence": "CC-BY-4.0",
        "edition_id": "",
        "evidence": "",
        "duration": "",
        "episode": "",
    }
    return {**values, **changes}


# --- who may -------------------------------------------------------------------------------


def test_anonymous_people_sign_in_and_attendees_are_refused(client, browser):
    draft = make_resource()
    for url in ("/manage/resources/", f"/manage/resources/{draft.id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    attendee = make_user()
    browser.sign_in(attendee.email)
    assert browser.get("/manage/resources/").status_code == 403
    response = browser.submit(f"/manage/resources/{draft.id}/publish", {}, form_url="/")
    assert response.status_code == 403
    assert db.session.get(Resource, draft.id).status == ResourceStatus.DRAFT.value


def test_an_unknown_resource_or_format_is_404(browser, organiser):
    draft = make_resource()
    other = make_link_format(make_resource())
    assert browser.get("/manage/resources/999/edit").status_code == 404
    assert browser.get(f"/manage/resources/{2**40}").status_code == 404
    url = f"/manage/resources/{draft.id}/formats/{other.id}/remove"
    assert browser.submit(url, {}, form_url="/").status_code == 404
    url = f"/manage/resources/{draft.id}/formats/{other.id}/move/sideways"
    assert browser.submit(url, {}, form_url="/").status_code == 404


# --- the details form ----------------------------------------------------------------------


def test_an_organiser_drafts_a_resource_with_everything(browser, organiser):
    edition = make_edition(2025, theme="Innovation")
    event = make_event(edition, title="Lincolnshire webinar")
    item = make_item(make_collection(), "Carers and nature")
    page = text(browser.get("/manage/resources/new"))
    assert problems(page) == []
    assert "Lincolnshire webinar" in page and "Unpaid carers" in page
    assert 'value="CC-BY-4.0" checked' in page or "checked" in page
    response = browser.submit(
        "/manage/resources/new",
        form_data(
            title="Carer connectivity: the recording",
            kind="recording",
            edition_id=str(edition.id),
            events=str(event.id),
            topics=str(term("topic", "unpaid-carers").id),
            evidence=str(item.id),
            duration="52:10",
            transcript="Welcome, everyone.",
            captions_by_host="y",
            **{"published_on-day": "3", "published_on-month": "7", "published_on-year": "2025"},
        ),
    )
    assert response.status_code == 302
    made = db.session.scalar(select(Resource))
    assert made.slug == "carer-connectivity-the-recording"
    assert response.headers["Location"].endswith(f"/manage/resources/{made.id}#formats")
    assert (made.kind, made.status, made.duration_seconds) == ("recording", "draft", 3130)
    assert made.published_on.isoformat() == "2025-07-03" and made.captions_by_host
    page = text(browser.get(response.headers["Location"]))
    assert problems(page) == []
    assert "Carer connectivity: the recording" in page and "52 minutes 10 seconds" in page
    assert "2025: Innovation" in page and "2025: Lincolnshire webinar" in page
    assert f"{item.id}: Carers and nature" in page and "Unpaid carers" in page
    edit = text(browser.get(f"/manage/resources/{made.id}/edit"))
    assert problems(edit) == []
    assert f'value="{item.id}"' in edit and "52 minutes 10 seconds" in edit
    assert (
        'name="published_on-year" type="text" inputmode="numeric" spellcheck="false" value="2025"'
        in edit
    )


@pytest.mark.parametrize(
    ("changes", "field_id", "words"),
    [
        ({"title": ""}, "title", "Enter a title"),
        ({"kind": "novel"}, "kind", "Choose what kind of resource this is"),
        ({"kind": ""}, "kind", "Choose what kind of resource this is"),
        ({"licence": "WTFPL"}, "licence", "Choose a licence from the list"),
        ({"duration": "ages"}, "duration", "Like 52 minutes"),
        ({"evidence": "4242"}, "evidence", "No included evidence item has the number 4242"),
        ({"episode": "three", "kind": "podcast"}, "episode", "Enter a whole number"),
        (
            {"published_on-day": "31", "published_on-month": "2", "published_on-year": "2025"},
            "published_on-day",
            "",
        ),
    ],
)
def test_bad_details_show_where_and_keep_what_was_typed(
    browser, organiser, changes, field_id, words
):
    typed = form_data(summary="Typed & kept", **changes)
    response = browser.submit("/manage/resources/new", typed)
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and f'href="#{field_id}' in page
    assert words in page
    assert "Typed &amp; kept" in page
    assert problems(page) == []
    assert count(Resource) == 0


def test_licence_none_chosen_is_asked_for(browser, organiser):
    typed = form_data()
    del typed["licence"]
    page = text(browser.submit("/manage/resources/new", typed))
    assert "Choose a licence from the list" in page and count(Resource) == 0


def test_editing_saves_and_a_refusal_saves_nothing(browser, organiser):
    draft = make_resource(title="Old title", slug="old-title")
    url = f"/manage/resources/{draft.id}/edit"
    response = browser.submit(url, form_data(title="New title"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (draft.title, draft.slug) == ("New title", "new-title")
    response = browser.submit(url, form_data(title="Another", licence="nope"))
    assert response.status_code == 200
    db.session.expire_all()
    assert draft.title == "New title"


# --- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://example.org/report.pdf", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("", "Enter the link"),
    ],
)
def test_a_bad_link_is_refused_next_to_its_field(browser, organiser, url, words):
    draft = make_resource()
    response = browser.submit(
        f"/manage/resources/{draft.id}/links",
        {"link-role": "main", "link-url": url, "link-label": "Kept label", "_section": "add-link"},
        form_url=f"/manage/resources/{draft.id}",
    )
    page = text(response)
    assert response.status_code == 200
    assert words in page and 'href="#link-url"' in page and "Kept label" in page
    assert problems(page) == []
    assert count(ResourceFormat) == 0


def test_links_are_added_ordered_and_removed(browser, organiser):
    draft = make_resource()
    base = f"/manage/resources/{draft.id}"
    for label in ("Watch", "Large print"):
        response = browser.submit(
            f"{base}/links",
            {
                "link-role": "main",
                "link-url": f"https://example.org/{label[0]}",
                "link-label": label,
            },
            form_url=base,
        )
        assert response.status_code == 302 and response.headers["Location"].endswith("#formats")
    first, second = db.session.scalars(select(ResourceFormat).order_by(ResourceFormat.id))
    page = text(browser.get(base))
    assert page.index("Watch") < page.index("Large print") and problems(page) == []
    browser.submit(f"{base}/formats/{second.id}/move/up", {}, form_url=base)
    page = text(browser.get(base))
    assert page.index("Large print") < page.index("Watch")
    response = browser.submit(f"{base}/formats/{first.id}/remove", {}, form_url=base)
    assert response.status_code == 302
    assert db.session.scalars(select(ResourceFormat.id)).all() == [second.id]


def test_removing_what_a_published_resource_needs_is_refused(browser, organiser):
    podcast = make_resource("podcast", status=ResourceStatus.PUBLISHED)
    make_link_format(podcast)
    transcript = make_link_format(podcast, role="transcript", label="Transcript file")
    base = f"/manage/resources/{podcast.id}"
    response = browser.submit(f"{base}/formats/{transcript.id}/remove", {}, form_url=base)
    assert response.status_code == 302
    page = text(browser.get(response.headers["Location"]))
    assert "needs a transcript" in page
    assert count(ResourceFormat) == 2


# --- publishing ----------------------------------------------------------------------------


def test_publishing_without_a_needed_format_asks_for_the_reason_inline(browser, organiser):
    recording = make_resource("recording", title="The webinar")
    make_link_format(recording, url="https://video.example.org/1")
    base = f"/manage/resources/{recording.id}"
    page = text(browser.get(base))
    assert "Why is there no captions yet?" in page and problems(page) == []
    response = browser.submit(f"{base}/publish", {"_section": "publishing"}, form_url=base)
    page = text(response)
    assert response.status_code == 200
    assert "needs captions and a transcript before it is published" in page
    assert 'href="#reason_captions"' in page and 'href="#reason_transcript"' in page
    assert problems(page) == []
    assert count(FormatGap) == 0
    db.session.expire_all()
    assert db.session.get(Resource, recording.id).status == ResourceStatus.DRAFT.value
    past = today_in() - timedelta(days=1)
    response = browser.submit(
        f"{base}/publish",
        {
            "reason_captions": "Being made",
            "reason_transcript": "Being typed",
            "expected_by_transcript-day": str(past.day),
            "expected_by_transcript-month": str(past.month),
            "expected_by_transcript-year": str(past.year),
        },
        form_url=base,
    )
    page = text(response)
    assert "must be in the future" in page and "Being typed" in page
    assert count(FormatGap) == 0
    soon = today_in() + timedelta(days=14)
    response = browser.submit(
        f"{base}/publish",
        {
            "reason_captions": "Being made",
            "reason_transcript": "Being typed",
            "expected_by_transcript-day": str(soon.day),
            "expected_by_transcript-month": str(soon.month),
            "expected_by_transcript-year": str(soon.year),
        },
        form_url=base,
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resource, recording.id).is_published
    assert [(g.need, g.expected_by) for g in publishing.gaps_of(recording.id)] == [
        ("captions", None),
        ("transcript", soon),
    ]
    page = text(browser.get(base))
    assert "Being typed" in page and "Unpublish" in page and problems(page) == []
    listing = text(browser.get("/manage/resources/"))
    assert "reason recorded" in listing and problems(listing) == []


def test_nothing_to_publish_is_refused_and_unpublish_goes_back(browser, organiser):
    guide = make_resource("guide")
    base = f"/manage/resources/{guide.id}"
    page = text(browser.submit(f"{base}/publish", {}, form_url=base))
    assert "Add a file or a link" in page
    make_link_format(guide)
    assert browser.submit(f"{base}/publish", {}, form_url=base).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resource, guide.id).is_published
    response = browser.submit(f"{base}/unpublish", {}, form_url=base)
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Resource, guide.id).is_published


# --- the list ------------------------------------------------------------------------------


def _list_queries(browser, count_queries) -> int:
    with count_queries() as queries:
        response = browser.get("/manage/resources/")
    assert response.status_code == 200
    return len(queries)


def test_the_list_shows_each_resource_and_its_queries_do_not_grow(
    browser, organiser, count_queries
):
    edition = make_edition(2025)
    for number in range(3):
        made = make_resource("recording", edition=edition, title=f"Talk {number}")
        make_link_format(made)
    few = _list_queries(browser, count_queries)
    for number in range(27):
        made = make_resource("report", title=f"Report {number}")
        make_link_format(made, role="easy_read")
    many = _list_queries(browser, count_queries)
    assert few == many
    page = text(browser.get("/manage/resources/"))
    assert "Talk 2" in page and "Report 26" in page and "2025" in page
    assert "Missing: Captions" in page and problems(page) == []


# --- files through the browser -------------------------------------------------------------

SRT = b"1\n00:00:01,000 --> 00:00:03,000\nHello.\n"


def _upload(browser, resource, role: str, data: bytes, filename: str, label: str = ""):
    base = f"/manage/resources/{resource.id}"
    return browser.submit(
        f"{base}/files",
        {
            "file-role": role,
            "file-label": label,
            "file-file": (io.BytesIO(data), filename),
            "_section": "add-file",
        },
        form_url=base,
        content_type="multipart/form-data",
    )


def test_a_captions_file_is_uploaded_and_closes_the_gap(browser, organiser):
    recording = make_resource("recording", status=ResourceStatus.PUBLISHED, transcript="x")
    db.session.add(FormatGap(resource_id=recording.id, need="captions", reason="Being made"))
    vtt = samples.webvtt([(1, 2, "Hello.")])
    response = _upload(browser, recording, "captions", vtt, "captions.vtt", "English captions")
    assert response.status_code == 302 and response.headers["Location"].endswith("#formats")
    row = db.session.scalar(select(ResourceFormat))
    assert (row.role, row.label, row.size_bytes) == ("captions", "English captions", len(vtt))
    assert publishing.gaps_of(recording.id) == []
    page = text(browser.get(f"/manage/resources/{recording.id}"))
    assert "English captions" in page and problems(page) == []


@pytest.mark.parametrize(
    ("role", "data", "filename", "words"),
    [
        ("captions", SRT, "captions.vtt", "not WebVTT"),
        ("main", samples.png(), "report.pdf", "PNG"),
        ("main", b"", "empty.pdf", ""),
    ],
)
def test_a_refused_file_is_shown_at_the_file_field_and_nothing_is_saved(
    browser, organiser, role, data, filename, words
):
    recording = make_resource("recording")
    response = _upload(browser, recording, role, data, filename, "Kept label")
    page = text(response)
    assert response.status_code == 200
    assert 'href="#file-file"' in page and words in page and "Kept label" in page
    assert problems(page) == []
    assert count(ResourceFormat) == 0


def test_no_file_chosen_is_asked_for(browser, organiser):
    guide = make_resource()
    base = f"/manage/resources/{guide.id}"
    response = browser.submit(
        f"{base}/files", {"file-role": "main"}, form_url=base, content_type="multipart/form-data"
    )
    assert response.status_code == 200 and 'href="#file-file"' in text(response)
    assert count(ResourceFormat) == 0


def test_a_drafts_public_page_is_404_until_it_is_published_and_again_after(app, browser, organiser):
    client = app.test_client()  # someone not signed in
    guide = make_resource("guide", title="A guide", slug="a-guide")
    make_link_format(guide)
    base = f"/manage/resources/{guide.id}"
    assert client.get("/resources/a-guide").status_code == 404
    assert browser.submit(f"{base}/publish", {}, form_url=base).status_code == 302
    assert client.get("/resources/a-guide").status_code == 200
    assert "See the public page" in text(browser.get(base))
    assert browser.submit(f"{base}/unpublish", {}, form_url=base).status_code == 302
    assert client.get("/resources/a-guide").status_code == 404


def test_organisers_open_a_drafts_file_from_its_page_and_the_public_cannot(app, browser, organiser):
    client = app.test_client()
    draft = make_resource(title="A draft report")
    stored = add_file(draft, PDF, "draft report.pdf")
    link = make_link_format(draft)
    other = make_resource()
    db.session.commit()
    base = f"/manage/resources/{draft.id}"
    opened = browser.get(f"{base}/formats/{stored.id}/file")
    assert opened.status_code == 200 and opened.data == PDF
    assert opened.headers["Content-Type"] == "application/pdf"
    assert "private" in opened.headers["Cache-Control"]
    assert f'href="{base}/formats/{stored.id}/file"' in text(browser.get(base))
    public = f"/resources/{draft.slug}/files/{stored.id}/draft%20report.pdf"
    assert client.get(public).status_code == 404
    assert client.get(f"{base}/formats/{stored.id}/file").status_code == 302  # to sign in
    for wrong in (
        f"{base}/formats/{link.id}/file",
        f"/manage/resources/{other.id}/formats/{stored.id}/file",
    ):
        assert browser.get(wrong).status_code == 404
