"""The organiser's event form and UK times: a time that happens twice when the clocks go back
(01:30 on Sunday 25 October 2026) is never guessed; the form asks BST or GMT, keeping what was
typed. A time that does not exist (the clocks go forward) is refused next to its field."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.extensions import db
from cpweek.programme import services
from cpweek.programme.models import Event
from tests.a11y import problems
from tests.boxes import boxes, shown_in
from tests.factories import make_edition, make_event, make_user

FORM = {
    "title": "Autumn listening session",
    "slug": "",
    "kind": "webinar",
    "format": "online",
    "parent_id": "",
    "day": "2026-10-25",
    "start_time": "01:30",
    "end_time": "03:00",
    "venue": "",
    "online_platform": "Zoom",
    "join_url": "",
    "capacity": "",
    "registration_opens_at": "",
    "registration_closes_at": "",
    "hosted_by": "Night-shift carers",
    "hosts": "",
    "summary": "For people who work nights.",
    "description": "",
}
NEW = "/manage/2026/events/new"
CHOSEN_GMT = '<input checked id="start_time_fold-1" name="start_time_fold" type="radio" value="1">'


@pytest.fixture
def organiser(browser):
    make_user(email="org@example.org", name="Olu Organiser", roles=(Role.ORGANISER,))
    browser.sign_in("org@example.org")
    make_edition(2026, starts_on=date(2026, 10, 19), ends_on=date(2026, 10, 30))
    return browser


def _page(response) -> str:
    return response.get_data(as_text=True)


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(Event))


def test_a_start_time_that_happens_twice_is_asked_about_not_guessed(organiser):
    response = organiser.submit(NEW, boxes(FORM))
    page = _page(response)
    assert response.status_code == 200 and _events() == 0
    assert problems(page) == []
    # The error summary links to the question, which sits with its inline error under the time.
    assert "There is a problem" in page and 'href="#start_time_fold-0"' in page
    assert 'id="start_time_fold-error"' in page and "happens twice in UK time" in page
    assert "Which 01:30 on Sunday 25 October 2026 do you mean?" in page
    assert "BST (the first 01:30)" in page and "GMT (the second 01:30)" in page
    assert 'value="Autumn listening session"' in page and "For people who work nights." in page
    # What was typed is kept, box by box.
    assert [shown_in(page, f"day-{box}") for box in ("day", "month", "year")] == [
        "25",
        "10",
        "2026",
    ]
    assert [shown_in(page, f"start_time-{box}") for box in ("hour", "minute")] == ["01", "30"]
    assert "end_time_fold" not in page  # 03:00 happens once: no question about it


@pytest.mark.parametrize(("fold", "utc_hour", "slug"), [("0", 0, "first"), ("1", 1, "second")])
def test_the_choice_saves_the_right_instant(organiser, fold, utc_hour, slug):
    response = organiser.submit(NEW, boxes({**FORM, "slug": slug, "start_time_fold": fold}))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    # 01:30 BST is 00:30 UTC; 01:30 GMT, an hour later, is 01:30 UTC.
    assert event.starts_at == datetime(2026, 10, 25, utc_hour, 30, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_the_edit_page_shows_which_one_was_saved_and_keeps_it(organiser):
    response = organiser.submit(NEW, boxes({**FORM, "start_time_fold": "1"}))
    edit_url = response.headers["Location"]
    page = _page(organiser.get(edit_url))
    assert problems(page) == []
    assert CHOSEN_GMT in page and "BST (the first 01:30)" in page
    saved = organiser.submit(
        edit_url, boxes({**FORM, "start_time_fold": "1", "summary": "Now with tea."})
    )
    assert saved.status_code == 302
    db.session.expire_all()
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert event.summary == "Now with tea."


@pytest.mark.parametrize("bad", ["", "2", "-1", "x", "01", "GMT", "1 ", "0" * 300])
def test_a_bad_choice_asks_again_and_saves_nothing(organiser, bad):
    response = organiser.submit(NEW, boxes({**FORM, "start_time_fold": bad}))
    page = _page(response)
    assert response.status_code == 200 and _events() == 0
    assert 'href="#start_time_fold-0"' in page and "happens twice in UK time" in page
    assert "BST (the first 01:30)" in page and 'value="Autumn listening session"' in page


def test_a_choice_is_kept_while_another_field_is_put_right(organiser):
    page = _page(organiser.submit(NEW, boxes({**FORM, "title": "", "start_time_fold": "1"})))
    assert "Enter a title" in page and _events() == 0
    assert "GMT (the second 01:30)" in page and CHOSEN_GMT in page
    assert 'id="start_time_fold-error"' not in page  # answered: only the title is wrong


def test_the_question_comes_with_other_errors_at_once(organiser):
    page = _page(organiser.submit(NEW, boxes({**FORM, "title": ""})))
    assert "Enter a title" in page and 'href="#start_time_fold-0"' in page


def test_a_registration_deadline_that_happens_twice_is_asked_about(organiser):
    closing = {"day": "2026-10-26", "start_time": "10:00", "end_time": "11:00"}
    form = {**FORM, **closing, "registration_closes_at": "2026-10-25T01:15"}
    page = _page(organiser.submit(NEW, boxes(form)))
    assert 'href="#registration_closes_at_fold-0"' in page and _events() == 0
    assert "BST (the first 01:15)" in page and "GMT (the second 01:15)" in page
    response = organiser.submit(NEW, boxes({**form, "registration_closes_at_fold": "0"}))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.registration_closes_at == datetime(2026, 10, 25, 0, 15, tzinfo=UTC)


def test_an_answer_for_a_time_that_happens_once_is_ignored(organiser):
    form = {**FORM, "day": "2026-10-22", "start_time": "10:30", "end_time": "11:30"}
    response = organiser.submit(NEW, boxes({**form, "start_time_fold": "1"}))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert event.starts_at == datetime(2026, 10, 22, 9, 30, tzinfo=UTC)


def test_a_time_skipped_in_spring_is_refused_next_to_its_field(organiser):
    page = _page(organiser.submit(NEW, boxes({**FORM, "day": "2026-03-29", "start_time": "01:30"})))
    assert 'href="#start_time-hour"' in page and "does not exist in UK time" in page
    assert _events() == 0


# --- numbers of any size are a 404 or a clear message, never a 500 ---------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/manage/events/99999999999999999999/edit",
        "/manage/events/2147483648/registrations",
        "/manage/99999999999999999999/",
        "/99999999999999999999/",
        "/99999999999999999999/events/x",
        "/manage/events/9223372036854775808/check-in",
    ],
)
def test_huge_ids_in_addresses_are_not_found(organiser, url):
    assert organiser.get(url).status_code == 404


def test_a_huge_conference_id_in_the_form_is_refused_next_to_the_field(organiser):
    response = organiser.submit(
        NEW, boxes({**FORM, "start_time_fold": "0", "parent_id": "99999999999999999999"})
    )
    assert response.status_code == 200 and "Choose a conference from this year" in _page(response)
    assert _events() == 0


def test_a_huge_workshop_id_at_registration_is_refused(client, browser):
    edition = make_edition(2099)
    conference = make_event(edition, kind="conference", slug="conf")
    url = f"/{edition.year}/events/{conference.slug}"
    response = browser.submit(
        url,
        {"name": "Ada", "email": "ada@example.org", "workshops": "99999999999999999999"},
    )
    assert response.status_code == 200
    with pytest.raises(services.WorkshopClash, match="this conference's list"):
        services.register(
            conference,
            services.Applicant(name="Bo", email="bo@example.org"),
            workshop_ids=["99999999999999999999"],
        )
