"""Fits a phone (issue 11, WCAG 1.4.10): a table wider than a phone scrolls in its own region,
which a keyboard can reach and a screen reader names; the page itself never scrolls sideways.

The widths themselves are measured in a real browser (bench/phone_widths.py, and the journeys in
tests/browser/); here, without one, every data table of the demo as each person sees it is
checked to sit in such a region, and the longest data the demo holds is checked to be shown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cpweek.demo import DEMO_PASSWORD, LONG_NAME

HUB = "/evidence/care-equity-evidence-hub"
# The pages with data tables, by who sees them; ids are found by following the pages' links.
PAGES = {
    None: [f"{HUB}/map"],
    "contributor@example.org": [
        "/involvement/",
        "/involvement/statement",
        "/involvement/portfolio",
        "/involvement/log",
    ],
    "coproducer@example.org": ["/review/2027/", "/review/2027/panel"],
    "organiser@example.org": [
        "/manage/",
        "/manage/2027/",
        "/ledger/",
        "/ledger/rates",
        "/review/evidence/care-equity-evidence-hub/",
        "/manage/evidence/",
        "/manage/evidence/care-equity-evidence-hub/import",
        "/manage/mail/",
    ],
    "admin@example.org": ["/admin/people"],
}
FOLLOW = re.compile(
    r'href="(/(?:ledger/(?:contributors|payments|entries)|manage/events/\d+/registrations$|'
    r"review/proposals)[^\"]*)\""
)


class _Tables(HTMLParser):
    """Each <table> with the scrolling region around it (None when there is none), and every
    region's attributes and the ids on the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[dict | None] = []  # one per open <div>: its attributes if a region
        self.tables: list[tuple[dict, dict | None]] = []
        self.regions: list[dict] = []
        self.ids: set[str] = set()
        self.in_certificate = 0

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        classes = attributes.get("class", "").split()
        if tag == "div":
            region = attributes if "table-wrap" in classes else None
            if region is not None:
                self.regions.append(region)
            self.open.append(region)
            self.in_certificate += "certificate" in classes
        if tag == "table":
            around = next((div for div in reversed(self.open) if div is not None), None)
            self.tables.append(({**attributes, "_certificate": self.in_certificate}, around))

    def handle_endtag(self, tag):
        if tag == "div" and self.open:
            self.open.pop()


def _check(html: str, url: str) -> int:
    page = _Tables()
    page.feed(html)
    for region in page.regions:
        assert region.get("role") == "region", url
        assert region.get("tabindex") == "0", url
        name, named_by = region.get("aria-label", "").strip(), region.get("aria-labelledby", "")
        assert name or (named_by and named_by in page.ids), f"{url}: a region without a name"
    for table, region in page.tables:
        if table["_certificate"]:
            continue  # the certificate's short table fits a phone as it is (checked in a browser)
        assert region is not None, f"{url}: a table outside a scrolling region"
    return len(page.tables)


def test_every_data_table_scrolls_in_a_region_a_keyboard_reaches(browser, demo_world):
    tables = 0
    for email, urls in PAGES.items():
        if email:
            browser.sign_in(email, DEMO_PASSWORD)
        seen = set()
        queue = list(urls)
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = browser.get(url)
            assert response.status_code == 200, url
            html = response.get_data(as_text=True)
            tables += _check(html, url)
            queue += [link for link in FOLLOW.findall(html) if link not in seen][:3]
        if email:
            browser.sign_out()
    assert tables >= 25  # the check saw the demo's tables, not a page of sign-in forms


def test_the_checks_fail_a_table_outside_a_region_and_a_region_without_a_name():
    with pytest.raises(AssertionError, match="outside a scrolling region"):
        _check("<main><table class='table'><tr><td>1</td></tr></table></main>", "/x")
    with pytest.raises(AssertionError, match="without a name"):
        _check('<div class="table-wrap" role="region" tabindex="0"><table></table></div>', "/x")
    with pytest.raises(AssertionError):
        _check('<div class="table-wrap" role="region" aria-label="A"><table></table></div>', "/x")
    assert (
        _check(
            '<h2 id="t">T</h2><div class="table-wrap" role="region" aria-labelledby="t" '
            'tabindex="0"><table></table></div>',
            "/x",
        )
        == 1
    )


def test_the_gap_map_is_a_twelve_column_table_in_its_own_region(client, demo_world):
    html = client.get(f"{HUB}/map").get_data(as_text=True)
    region = re.search(r'<div class="table-wrap[^"]*"[^>]*>\s*<table.*?</table>', html, re.S)
    assert region and 'role="region"' in region.group(0) and 'tabindex="0"' in region.group(0)
    header = re.search(r"<thead>.*?</thead>", region.group(0), re.S).group(0)
    assert len(re.findall(r"<th[ >]", header)) == 12


def test_the_long_name_and_the_feed_address_are_on_their_pages(browser, demo_world):
    assert len(LONG_NAME) == 60
    browser.sign_in("ama@example.org", DEMO_PASSWORD)
    certificate = browser.get("/involvement/certificate").get_data(as_text=True)
    assert LONG_NAME in certificate
    browser.sign_out()
    browser.sign_in("attendee@example.org", DEMO_PASSWORD)
    calendar = browser.get("/account/calendar").get_data(as_text=True)
    assert re.search(
        r'<code class="feed-address">http[^<]+/calendar/[\w-]{20,}\.ics</code>', calendar
    )
    browser.sign_out()
    browser.sign_in("organiser@example.org", DEMO_PASSWORD)
    ledger = browser.get("/ledger/").get_data(as_text=True)
    assert LONG_NAME in ledger
