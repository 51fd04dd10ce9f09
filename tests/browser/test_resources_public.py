"""The journey of issue 13's "done when", in Chromium with JavaScript off at 390 and 1280 px
(every page checked by axe-core and for sideways scrolling, tests/browser/steps.py): someone
who missed the 2025 Lincolnshire webinar finds it in the library, reads the transcript, and
finds the podcast feed to subscribe to."""

from __future__ import annotations

from datetime import date

from cpweek.resources.models import FormatRole, ResourceKind
from tests.browser.steps import assert_in_view, fill
from tests.evidence.factories import make_collection
from tests.factories import make_edition, make_event
from tests.resources.public_factories import add_file_row, add_gap, add_link, make_resource


def test_find_the_webinar_read_the_transcript_and_find_the_podcast(journey):
    make_collection()
    edition = make_edition(2025, theme="Innovation through co-production")
    webinar = make_event(
        edition,
        title="Using arts, nature and heritage to improve carer connectivity in Lincolnshire",
        slug="lincolnshire-webinar",
    )
    recording = make_resource(
        "Carer connectivity in Lincolnshire: the webinar recording",
        kind=ResourceKind.RECORDING,
        slug="lincolnshire-webinar-recording",
        edition=edition,
        events=[webinar],
        topics=("unpaid-carers",),
        summary="Sarah Grundy, local carers and Robert Dean on arts, nature and heritage.",
        transcript="## Welcome\n\nSarah Grundy: welcome to the webinar, everyone.",
        captions_by_host=True,
        published_on=date(2025, 7, 10),
        duration_seconds=3600,
    )
    add_link(recording, "https://www.youtube.com/watch?v=example", label="Watch the recording")
    add_file_row(
        recording,
        "application/pdf",
        2_400_000,
        role=FormatRole.ALTERNATIVE,
        label="Slides",
        filename="slides.pdf",
    )
    report = make_resource("A report on carers", kind=ResourceKind.REPORT, edition=edition)
    add_gap(report, "easy_read", "The Easy Read version is being co-produced.", date(2026, 12, 14))
    page = journey.page

    journey.goto("/")
    journey.follow("Resources")
    journey.shot("library")
    fill(page, "Words to search for", "Lincolnshire")
    journey.press("Search")
    found = page.get_by_role("heading", name="1 resource for “Lincolnshire”")
    skip = page.get_by_role("link", name="Skip the filters to the 1 resource found")
    if page.viewport_size["width"] < 960:  # a phone: the filters come first, and can be skipped
        skip.press("Enter")
        assert_in_view(page, found, "the results heading")
    else:  # the filters are beside the results: nothing to skip
        assert not skip.is_visible()
    assert found.is_visible()
    journey.shot("found")

    journey.follow("Carer connectivity in Lincolnshire: the webinar recording")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Carer connectivity")
    assert page.get_by_text("Watch the recording on YouTube").is_visible()
    journey.shot("resource")

    journey.follow(
        "Read the transcript of Carer connectivity in Lincolnshire: the webinar recording"
    )
    assert page.get_by_text("Sarah Grundy: welcome to the webinar, everyone.").is_visible()
    journey.shot("transcript")

    journey.goto("/resources/" + report.slug)  # a page with a format still to come
    assert page.get_by_text("coming by Monday 14 December 2026").is_visible()

    journey.goto("/resources")
    feed = page.get_by_role("link", name="The Co-production Week podcast feed (RSS)")
    assert feed.get_attribute("href") == "/resources/podcast.xml"
