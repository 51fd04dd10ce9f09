"""A UK time that happens twice (the night the clocks go back) is never guessed: the form says so
at the top and next to the field, keeps what was typed, and asks BST or GMT; the answer saves
that instant. Numbers of any size in addresses and forms are never a 500."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import Agreement, DraftSlot
from cpweek.extensions import db
from cpweek.programme.models import EventBreak
from tests.a11y import problems
from tests.boxes import boxes, shown_in
from tests.factories import make_event

SCHEDULE = "/manage/2027/schedule"
HUGE = "99999999999999999999"


def text(response) -> str:
    return response.get_data(as_text=True)


def _asked_which(page: str, field: str, typed: dict[str, str]) -> None:
    assert "There is a problem" in page  # the error summary
    assert "happens twice in UK time" in page
    assert f'id="{field}-error"' in page  # the inline error
    for box, value in typed.items():  # what was typed is kept, box by box
        assert shown_in(page, f"{field}-{box}") == value
    assert sorted(re.findall(rf'name="{field}_fold"[^>]*value="(\d)"', page)) == ["0", "1"]
    assert "BST" in page and "GMT" in page
    assert problems(page) == []


@pytest.fixture
def event(panel):
    return make_event(coproduction.edition_of(panel.call), title="Autumn webinar")


def _place(browser, event, **fields):
    data = {"event_id": event.id, "day": "2027-10-31", "start": "01:30", "end": "02:30"}
    return browser.submit(f"{SCHEDULE}/place", boxes({**data, **fields}), form_url=SCHEDULE)


def test_placing_at_a_time_that_happens_twice_asks_which(browser, panel, event):
    browser.sign_in(panel.organiser.email)
    asked = _place(browser, event)
    assert asked.status_code == 200
    _asked_which(text(asked), "start", {"hour": "01", "minute": "30"})
    assert db.session.scalar(select(DraftSlot)) is None  # nothing was guessed or saved

    assert _place(browser, event, start_fold="1").status_code == 302
    slot = db.session.scalar(select(DraftSlot))
    assert slot.starts_at == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT
    assert slot.ends_at == datetime(2027, 10, 31, 2, 30, tzinfo=UTC)

    assert _place(browser, event, start_fold="0").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(DraftSlot)).starts_at == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )  # 01:30 BST


def test_both_times_that_happen_twice_are_asked_about_and_the_choice_is_kept(browser, panel, event):
    browser.sign_in(panel.organiser.email)
    page = text(_place(browser, event, start="01:00", end="01:45", start_fold="0"))
    # The start's answer is kept while the end is asked about.
    assert '<input checked id="start_fold-0" name="start_fold" type="radio" value="0">' in page
    assert '<input id="end_fold-0" name="end_fold" type="radio" value="0">' in page
    assert 'id="end-error"' in page and 'id="start-error"' not in page
    assert db.session.scalar(select(DraftSlot)) is None
    response = _place(browser, event, start="01:00", end="01:45", start_fold="0", end_fold="1")
    assert response.status_code == 302
    slot = db.session.scalar(select(DraftSlot))
    assert (slot.starts_at, slot.ends_at) == (
        datetime(2027, 10, 31, 0, 0, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 45, tzinfo=UTC),
    )


def test_a_time_that_does_not_exist_is_refused_next_to_its_field(browser, panel, event):
    browser.sign_in(panel.organiser.email)
    page = text(_place(browser, event, day="2027-03-28", start="01:30", end="03:00"))
    assert "does not exist in UK time" in page and 'id="start-error"' in page
    assert 'name="start_fold"' not in page  # nothing to choose between
    assert db.session.scalar(select(DraftSlot)) is None


def test_an_ordinary_time_shows_no_choice(browser, panel, event):
    browser.sign_in(panel.organiser.email)
    assert 'name="start_fold"' not in text(browser.get(SCHEDULE))
    assert _place(browser, event, day="2027-06-30", start="10:00", end="11:00").status_code == 302


def test_a_break_at_a_time_that_happens_twice_asks_which(browser, panel):
    edition = coproduction.edition_of(panel.call)
    conference = make_event(
        edition, datetime(2027, 6, 29, 9), datetime(2027, 6, 29, 17), kind="conference"
    )
    browser.sign_in(panel.organiser.email)
    data = {
        "conference_id": conference.id,
        "break_day": "2027-10-31",
        "break_start": "01:10",
        "break_end": "03:00",
        "label": "Night break",
    }
    asked = browser.submit(f"{SCHEDULE}/breaks", boxes(data), form_url=SCHEDULE)
    assert asked.status_code == 200
    _asked_which(text(asked), "break_start", {"hour": "01", "minute": "10"})
    assert db.session.scalar(select(EventBreak)) is None
    done = browser.submit(
        f"{SCHEDULE}/breaks", boxes({**data, "break_start_fold": "0"}), form_url=SCHEDULE
    )
    assert done.status_code == 302
    assert db.session.scalar(select(EventBreak)).starts_at == datetime(
        2027, 10, 31, 0, 10, tzinfo=UTC
    )


def _call_form(**changes) -> dict:
    return boxes(
        {
            "guidance": "",
            "opens_at": "2027-10-31T01:30",
            "closes_at": "2027-11-30T12:00",
            "reviewing_starts_on": "2027-12-01",
            "reviewing_ends_on": "2027-12-10",
            "deciding_starts_on": "2027-12-11",
            "deciding_ends_on": "2027-12-20",
            "shared_decisions": "y",
            **changes,
        }
    )


def test_the_call_opening_at_a_time_that_happens_twice_asks_which(browser, panel):
    url = "/manage/2027/call"
    before = panel.call.opens_at
    browser.sign_in(panel.organiser.email)
    asked = browser.submit(url, _call_form(), form_url=url)
    assert asked.status_code == 200
    _asked_which(
        text(asked),
        "opens_at",
        {"day": "31", "month": "10", "year": "2027", "hour": "01", "minute": "30"},
    )
    db.session.expire_all()
    assert coproduction.get_call_by_id(panel.call.id).opens_at == before
    assert browser.submit(url, _call_form(opens_at_fold="0"), form_url=url).status_code == 302
    db.session.expire_all()
    assert coproduction.get_call_by_id(panel.call.id).opens_at == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )


def test_unavailable_times_that_happen_twice_cover_both_readings():
    [line] = coproduction.parse_unavailable("2027-10-31 01:00-01:45", "Europe/London")
    # From the first 01:00 (BST) to the second 01:45 (GMT): nobody is scheduled at either.
    assert line["starts"] == "2027-10-31T00:00:00+00:00"
    assert line["ends"] == "2027-10-31T01:45:00+00:00"


# --- numbers of any size --------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"/{HUGE}/call",
        f"/{HUGE}/how-it-was-made",
        f"/{HUGE}/changes",
        f"/{HUGE}/changes.atom",
        f"/proposals/{HUGE}",
        f"/review/proposals/{HUGE}",
        f"/review/{HUGE}/panel",
        f"/manage/{HUGE}/schedule",
        f"/manage/{HUGE}/call",
        "/proposals/-1",
    ],
)
def test_huge_and_negative_numbers_in_addresses_are_not_found(browser, panel, url):
    browser.sign_in(panel.organiser.email)
    assert browser.get(url).status_code == 404


def test_a_huge_decision_id_is_refused_as_a_changed_decision(browser, panel):
    proposal = panel.propose()
    coproduction.propose_decision(proposal, "accept", "Strong", panel.organiser)
    browser.sign_in(panel.co_producer.email)
    for shown in (HUGE, "-1", "abc"):
        response = browser.submit(
            f"/review/proposals/{proposal.id}/agree",
            {"decision_id": shown},
            form_url=f"/review/proposals/{proposal.id}",
        )
        assert response.status_code == 302
        assert "decision changed" in text(browser.get(response.headers["Location"]))
    db.session.expire_all()
    assert len(list(db.session.scalars(select(Agreement)))) == 1  # the organiser's only


def test_huge_numbers_in_schedule_forms_are_form_errors(browser, panel, event):
    browser.sign_in(panel.organiser.email)
    for data in (
        {"event_id": HUGE, "day": "2027-06-30", "start": "10:00", "end": "11:00"},
        {"change_event_id": HUGE, "undo": "Undo"},
    ):
        path = "place" if "event_id" in data else "change"
        response = browser.submit(f"{SCHEDULE}/{path}", boxes(data), form_url=SCHEDULE)
        assert response.status_code == 200 and "There is a problem" in text(response)
    response = browser.submit(f"/manage/releases/{HUGE}/sign-off", {}, form_url=SCHEDULE)
    assert response.status_code == 404
