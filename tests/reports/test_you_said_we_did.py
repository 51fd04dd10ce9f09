""" "You said, we did": written and published by organisers, drafts kept off the public report
and the feed, bad input refused by its field, publication audited, and the Atom feed read back
with feedparser (and announced on the report)."""

from __future__ import annotations

import re

import feedparser
import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.reports.errors import NotAllowed
from cpweek.reports.services import you_said
from cpweek.reports.services.you_said import EntryInvalid
from tests.a11y import problems
from tests.factories import make_edition, make_user


@pytest.fixture
def organiser():
    return make_user("org@example.org", (Role.ORGANISER,), name="Olu Organiser")


def test_entries_are_drafts_until_published_and_audited(app, organiser):
    edition = make_edition(2025)
    draft = you_said.add_entry(
        edition, "Captions came late", "We book captioners a month ahead", False, organiser
    )
    assert not draft.is_published and draft.published_on is None
    you_said.publish_entry(draft, organiser)
    db.session.commit()
    assert draft.is_published and draft.published_on == programme.today_in()
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["reports.you_said_added", "reports.you_said_published"]
    with pytest.raises(EntryInvalid, match="already published"):
        you_said.publish_entry(draft, organiser)


@pytest.mark.parametrize(
    ("said", "did", "field"),
    [("", "x", "said"), ("   ", "x", "said"), ("x", "", "did"), ("x" * 2001, "x", "said")],
)
def test_bad_input_is_refused_by_field(app, organiser, said, did, field):
    with pytest.raises(EntryInvalid) as refused:
        you_said.add_entry(make_edition(2025), said, did, True, organiser)
    assert refused.value.field == field


def test_only_organisers_write(app):
    with pytest.raises(NotAllowed):
        you_said.add_entry(make_edition(2025), "a", "b", True, make_user())


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_the_page_adds_publishes_and_the_public_report_shows_only_published(browser, organiser):
    make_edition(2025)
    browser.sign_in(organiser.email)
    url = "/manage/2025/you-said-we-did"
    page = browser.get(url).get_data(as_text=True)
    assert problems(page) == []
    refused = browser.client.post(url, data={"csrf_token": _token(page), "said": "", "did": "x"})
    text = refused.get_data(as_text=True)
    assert "Enter what people said." in text and "<title>Error:" in text and problems(text) == []
    for said, publish in (("The room was too hot", "y"), ("Secret draft words", "")):
        sent = browser.client.post(
            url,
            data={
                "csrf_token": _token(page),
                "said": said,
                "did": "We fixed it",
                "publish": publish,
            },
        )
        assert sent.status_code == 302
    public = browser.get("/2025/impact").get_data(as_text=True)
    assert "The room was too hot" in public and "Secret draft words" not in public
    manage = browser.get(url).get_data(as_text=True)
    assert "Secret draft words" in manage and "Draft" in manage
    draft = db.session.scalar(
        select(you_said.YouSaidWeDid).where(you_said.YouSaidWeDid.said == "Secret draft words")
    )
    published = browser.client.post(
        f"/manage/you-said-we-did/{draft.id}/publish", data={"csrf_token": _token(manage)}
    )
    assert published.status_code == 302
    assert "Secret draft words" in browser.get("/2025/impact").get_data(as_text=True)
    assert (
        browser.client.post(
            "/manage/you-said-we-did/999999/publish", data={"csrf_token": _token(manage)}
        ).status_code
        == 404
    )


def test_the_atom_feed_read_back_with_feedparser(browser, organiser):
    edition = make_edition(2025)
    you_said.add_entry(
        edition, "Captions came late <b>", "We book captioners early", True, organiser
    )
    you_said.add_entry(edition, "Draft only", "Not yet", False, organiser)
    db.session.commit()
    response = browser.get("/2025/you-said-we-did.atom")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "You said, we did: Co-production Week 2025"
    assert [entry.title for entry in feed.entries] == ["You said: Captions came late <b>"]
    entry = feed.entries[0]
    assert "We did: We book captioners early" in entry.summary
    assert entry.link.endswith("/2025/impact#you-said-we-did")
    assert entry.id.startswith("tag:")
    assert "Draft only" not in response.get_data(as_text=True)


def test_an_empty_feed_is_still_valid(browser):
    make_edition(2024)
    feed = feedparser.parse(browser.get("/2024/you-said-we-did.atom").get_data())
    assert not feed.bozo and feed.entries == []
