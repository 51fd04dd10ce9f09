"""Drafting resources: create, edit, slugs, finders."""

from cpweek.resources.models import ResourceStatus
from cpweek.resources.services.drafting import published_resource, resource_by_slug
from tests.resources.factories import make_link_format, make_resource


def test_a_draft_is_missing_to_the_public():
    draft = make_resource(slug="a-draft")
    make_link_format(draft)
    assert resource_by_slug("a-draft") is draft
    assert published_resource("a-draft") is None
    shown = make_resource(slug="shown", status=ResourceStatus.PUBLISHED)
    assert published_resource("shown") is shown
    assert shown.published_at is not None and shown.published_on is not None
