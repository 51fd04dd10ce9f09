"""Marking access requests met after an event: who is listed (a place, and something asked
for), refused before the event ends, bad input refused in words, a change audited with before
and after, and the page by form."""

from __future__ import annotations

import re
import threading
from datetime import datetime

import pytest
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.programme.models import Event
from cpweek.reports.errors import NotAllowed
from cpweek.reports.impact_models import AccessMet
from cpweek.reports.services import access_met
from cpweek.reports.services.access_met import AccessMarkInvalid
from cpweek.uow import unit_of_work
from tests.a11y import problems
from tests.factories import make_event, make_user
from tests.reports.impact_world import registration, seed


def test_only_people_with_a_place_who_asked_are_listed(app):
    world = seed()
    names = [item.registration.name for item in access_met.requests_for(world.online)]
    assert names == ["Bea", "Cal"]  # not Dee (asked nothing), Fay (waiting) or the cancelled
    names = [item.registration.name for item in access_met.requests_for(world.hybrid)]
    assert names == ["Hal", "Ivy"]  # Ivy wrote a note only


def test_marking_is_audited_with_before_and_after(app):
    world = seed()
    access_met.mark(world.hybrid, world.needs_unmarked.id, "partly", " Ramp late ", world.organiser)
    access_met.mark(world.hybrid, world.needs_unmarked.id, "met", "", world.organiser)
    db.session.commit()
    mark = db.session.scalar(
        select(AccessMet).where(AccessMet.registration_id == world.needs_unmarked.id)
    )
    assert (mark.outcome, mark.note, mark.marked_by_id) == ("met", "", world.organiser.id)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "reports.access_met_marked")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.object_id, e.before, e.after) for e in entries] == [
        (
            world.organiser.id,
            world.needs_unmarked.id,
            None,
            {"outcome": "partly", "note": "Ramp late"},
        ),
        (
            world.organiser.id,
            world.needs_unmarked.id,
            {"outcome": "partly", "note": "Ramp late"},
            {"outcome": "met", "note": ""},
        ),
    ]


def test_refused_before_the_event_ends(app):
    world = seed()
    future = make_event(world.edition, datetime(2099, 1, 1, 10), slug="future")
    person = registration(future, "Kit", "confirmed", access_needs=["breaks"])
    db.session.commit()
    assert access_met.may_mark(future) is False
    with pytest.raises(AccessMarkInvalid, match="once the event has ended"):
        access_met.mark(future, person.id, "met", "", world.organiser)


@pytest.mark.parametrize(
    ("who", "outcome", "note", "field"),
    [
        ("no_needs", "met", "", "registration"),  # asked for nothing
        ("needs_unmarked", "done", "", "outcome"),  # not an outcome
        ("needs_unmarked", "met", "x" * 2001, "note"),
        ("needs_met", "met", "", "registration"),  # another event's registration
    ],
)
def test_bad_input_is_refused_with_its_field(app, who, outcome, note, field):
    world = seed()
    with pytest.raises(AccessMarkInvalid) as refused:
        access_met.mark(
            world.hybrid if who != "no_needs" else world.online,
            getattr(world, who).id,
            outcome,
            note,
            world.organiser,
        )
    assert refused.value.field == field


def test_only_organisers_mark(app):
    world = seed()
    with pytest.raises(NotAllowed):
        access_met.mark(world.hybrid, world.needs_unmarked.id, "met", "", make_user())


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_the_page_marks_one_and_shows_errors_in_place(browser):
    world = seed()
    browser.sign_in(world.organiser.email)
    url = f"/manage/events/{world.hybrid.id}/access-met"
    page = browser.get(url).get_data(as_text=True)
    assert problems(page) == [] and "Hal" in page and "Step-free access" in page
    assert "A chair with arms" in page
    rid = world.needs_unmarked.id
    refused = browser.client.post(
        url, data={"csrf_token": _token(page), "registration": rid, f"r{rid}-outcome": "maybe"}
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and problems(text) == []
    assert "There is a problem" in text and "Choose whether the needs were met" in text
    assert "<title>Error:" in text
    saved = browser.client.post(
        url,
        data={
            "csrf_token": _token(page),
            "registration": rid,
            f"r{rid}-outcome": "met",
            f"r{rid}-note": "Ramp in place",
        },
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#registration-{rid}")
    db.session.expire_all()
    mark = db.session.scalar(select(AccessMet).where(AccessMet.registration_id == rid))
    assert (mark.outcome, mark.note) == ("met", "Ramp in place")
    tampered = browser.client.post(
        url, data={"csrf_token": _token(page), "registration": "99999999999", "r0-outcome": "met"}
    )
    assert tampered.status_code == 302  # refused in words on the page it lands on


def test_the_page_before_the_event_says_why_and_has_no_form(browser):
    world = seed()
    future = make_event(world.edition, datetime(2099, 1, 1, 10), slug="future")
    registration(future, "Kit", "confirmed", access_needs=["breaks"])
    db.session.commit()
    browser.sign_in(world.organiser.email)
    page = browser.get(f"/manage/events/{future.id}/access-met").get_data(as_text=True)
    assert "once the event has ended" in page and 'name="registration"' not in page
    assert browser.get("/manage/events/99999999999/access-met").status_code == 404


def test_two_organisers_marking_one_person_at_once_leave_one_mark(app):
    world = seed()
    second = make_user("org2@example.org", (Role.ORGANISER,))
    event_id, registration_id = world.hybrid.id, world.needs_unmarked.id
    organisers = [(world.organiser.id, "met"), (second.id, "not_met")]
    barrier, results = threading.Barrier(2), []

    def mark(user_id: int, outcome: str) -> None:
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    access_met.mark(
                        db.session.get_one(Event, event_id),
                        registration_id,
                        outcome,
                        "",
                        db.session.get_one(User, user_id),
                    )
                results.append(outcome)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=mark, args=pair) for pair in organisers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["met", "not_met"]  # neither failed
    db.session.expire_all()
    marks = db.session.scalars(
        select(AccessMet).where(AccessMet.registration_id == registration_id)
    ).all()
    assert len(marks) == 1 and marks[0].outcome in ("met", "not_met")
    audited = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "reports.access_met_marked")
    ).all()
    assert len(audited) == 2 and sum(entry.before is None for entry in audited) == 1
