"""Formats without HTTP: links (https only), roles, labels, order, removal (a published
resource keeps what it needs) and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.resources.errors import ResourceError
from cpweek.resources.models import ResourceFormat, ResourceStatus
from cpweek.resources.services import formats
from tests.factories import make_user
from tests.resources.factories import make_link_format, make_resource


@pytest.fixture
def organiser():
    return make_user(roles=(Role.ORGANISER,))


def test_a_link_is_added_in_order_with_its_label(organiser):
    guide = make_resource()
    first = formats.add_link(guide, "main", " https://example.org/guide ", "Full guide", organiser)
    second = formats.add_link(guide, "alternative", "https://example.org/lp", "", organiser)
    assert (first.url, first.label, first.position) == (
        "https://example.org/guide",
        "Full guide",
        0,
    )
    assert second.position == 1
    assert formats.formats_of([guide.id])[guide.id] == [first, second]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "resource.format_add"))
    assert entry.after["url"] == "https://example.org/guide"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "Enter the link"),
        ("http://example.org/report", "must start with https://"),
        ("javascript:alert(1)", "must start with https://"),
        ("JAVASCRIPT:alert(1)", "must start with https://"),
        ("data:text/html,hi", "must start with https://"),
        ("//example.org/x", "must start with https://"),
        ("example.org/report", "must start with https://"),
        ("https://", "full web address"),
        ("https://localhost/x", "full web address"),
        ("https://exa mple.org/x", "full web address"),
        ("https://[::1", "must start with https://"),
        ("https://me:secret@example.org/x", "user name or password"),
        ("https://example.org/" + "x" * 2000, "2,000 characters"),
    ],
)
def test_bad_links_are_refused(organiser, url, words):
    guide = make_resource()
    with pytest.raises(ResourceError) as refused:
        formats.add_link(guide, "main", url, "", organiser)
    assert refused.value.field == "url"
    assert words in refused.value.message
    assert db.session.scalars(select(ResourceFormat)).all() == []


def test_unknown_roles_and_caption_links_are_refused(organiser):
    guide = make_resource()
    with pytest.raises(ResourceError) as refused:
        formats.add_link(guide, "poster", "https://example.org/x", "", organiser)
    assert refused.value.field == "role"
    with pytest.raises(ResourceError) as refused:
        formats.add_link(guide, "captions", "https://example.org/x.vtt", "", organiser)
    assert "WebVTT file" in refused.value.message
    with pytest.raises(ResourceError) as refused:
        formats.add_link(guide, "main", "https://example.org/x", "x" * 201, organiser)
    assert refused.value.field == "label"


def test_order_moves_up_and_down(organiser):
    guide = make_resource()
    a, b, c = (make_link_format(guide, position=0) for _ in range(3))  # positions repeat
    assert formats.move_format(guide, c, up=True, actor=organiser)
    assert [f.id for f in formats.formats_of([guide.id])[guide.id]] == [a.id, c.id, b.id]
    assert not formats.move_format(guide, a, up=True, actor=organiser)
    assert formats.move_format(guide, a, up=False, actor=organiser)
    assert [f.id for f in formats.formats_of([guide.id])[guide.id]] == [c.id, a.id, b.id]


def test_another_resources_format_is_missing(organiser):
    one, two = make_resource(), make_resource()
    row = make_link_format(one)
    assert formats.format_of(one, row.id) is row
    assert formats.format_of(two, row.id) is None
    assert formats.format_of(one, 2**40) is None


def test_a_draft_may_lose_any_format(organiser):
    recording = make_resource("recording")
    row = make_link_format(recording)
    formats.remove_format(recording, row, organiser)
    assert db.session.scalars(select(ResourceFormat)).all() == []
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "resource.format_remove")
    )
    assert entry.before["format_id"] == row.id


def test_a_published_resource_keeps_its_content_and_needs(organiser):
    podcast = make_resource("podcast", status=ResourceStatus.PUBLISHED)
    audio = make_link_format(podcast)
    transcript = make_link_format(podcast, role="transcript")
    with pytest.raises(ResourceError, match="podcast episode needs a transcript"):
        formats.remove_format(podcast, transcript, organiser)
    assert len(formats.formats_of([podcast.id])[podcast.id]) == 2  # put back at once
    formats.remove_format(podcast, audio, organiser)  # the transcript is content enough
    with pytest.raises(ResourceError):
        formats.remove_format(podcast, transcript, organiser)
    guide = make_resource("guide", status=ResourceStatus.PUBLISHED)
    only = make_link_format(guide)
    with pytest.raises(ResourceError, match="nothing to read, watch or hear"):
        formats.remove_format(guide, only, organiser)
