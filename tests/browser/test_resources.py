"""Issue 13's second "done when", in Chromium with JavaScript off at 390 and 1280 px (every page
checked by axe-core and for sideways scrolling, steps.py): an organiser writes a new toolkit,
credits a contributor on it and publishes it; the contributor finds it on their portfolio and
is offered the involvement entry for it, pre-filled, and logs it themselves."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Involvement
from cpweek.resources.models import Credit, Resource
from tests.browser.steps import assert_success, choose, fill
from tests.browser.steps import select as choose_from_list
from tests.factories import make_user

TITLE = "Care equity toolkit"


def _people():
    organiser = make_user(email="helen@example.org", roles=(Role.ORGANISER,), name="Helen")
    priya = make_user(email="priya@example.org", roles=(Role.CONTRIBUTOR,), name="Priya Shah")
    activity = ledger.add_activity("Co-producing resources", organiser)
    ledger.add_rate(
        ledger.RateDetails(activity.id, "hour", 2500, date(2024, 4, 6), "NIHR example"), organiser
    )
    db.session.commit()
    return organiser, priya


def test_organiser_credits_a_contributor_who_sees_it_and_logs_the_time(journey):
    _people()
    page = journey.page

    journey.sign_in("helen@example.org")
    journey.follow("Manage programme")
    journey.follow("Manage resources")
    journey.follow("Add a resource")
    fill(page, "Title", TITLE)
    choose(page, "Guide or toolkit")
    fill(page, "Summary", "How to notice who is left out of care, and what to do about it.")
    choose(page, "Creative Commons Attribution 4.0")
    journey.shot("new-toolkit")
    journey.press("Save as a draft")
    assert_success(page)
    assert page.get_by_role("heading", level=1).inner_text() == TITLE

    fill(page, "Link", "https://example.org/care-equity-toolkit.pdf")
    journey.press("Add the link")
    assert_success(page)

    journey.follow("Credits: who made it and how")
    choose_from_list(page, "A contributor with an account", "Priya Shah")
    choose(page, "Co-author")
    journey.shot("credit-form")
    journey.press("Add the credit")
    assert_success(page)
    assert page.get_by_role("cell", name=re.compile("Priya Shah")).count()

    journey.follow(f"Back to {TITLE}")
    journey.press("Publish")
    assert_success(page)
    journey.shot("published")
    toolkit = db.session.scalar(select(Resource).where(Resource.title == TITLE))
    assert toolkit.is_published
    assert db.session.scalar(select(Credit).where(Credit.resource_id == toolkit.id))
    journey.sign_out()

    journey.sign_in("priya@example.org")
    journey.follow("Your involvement")
    offer = re.compile(rf"You were credited as co-author on “{TITLE}”")
    assert page.get_by_role("link", name=offer).is_visible()
    journey.shot("offered")
    journey.follow("Your portfolio and certificate")
    assert page.get_by_role("heading", name="Resources you are credited on").is_visible()
    assert page.get_by_role("link", name=TITLE).is_visible()
    journey.shot("portfolio")

    journey.follow("Your involvement")
    journey.follow(offer)
    assert TITLE in page.locator("form").first.inner_text() or TITLE in page.content()
    journey.shot("log-prefilled")
    journey.press("Log this activity")
    assert_success(page)
    logged = db.session.scalars(select(Involvement)).all()
    assert [entry.prompt_key for entry in logged] == [
        f"resource-credit:{db.session.scalar(select(Credit.id))}"
    ]
    journey.follow("Your involvement")
    assert not page.get_by_role("link", name=offer).count()  # offered once, logged once
