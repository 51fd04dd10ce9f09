"""The schedule draft, its conflicts, and releases: signed off by a co-producer and an organiser,
published in one go, with one message (and one updated invitation) per registered person."""

from datetime import datetime
from xml.etree import ElementTree

import pytest
from icalendar import Calendar
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.coproduction import schedule
from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import DraftSlot
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event, EventHost
from cpweek.timezones import from_local
from cpweek.uow import unit_of_work
from tests.boxes import boxes
from tests.factories import make_event, make_user, make_workshop


def uk(*args) -> datetime:
    return from_local(datetime(*args))


@pytest.fixture
def week(panel):
    edition = coproduction.edition_of(panel.call)  # 28 June to 2 July 2027
    morning = make_event(
        edition,
        datetime(2027, 6, 29, 10, 0),
        datetime(2027, 6, 29, 11, 0),
        title="Morning webinar",
        track="Stream A",
    )
    afternoon = make_event(
        edition,
        datetime(2027, 6, 29, 14, 0),
        datetime(2027, 6, 29, 15, 0),
        title="Afternoon webinar",
        track="Stream A",
    )
    return edition, morning, afternoon


def fresh(event):
    db.session.expire_all()
    return db.session.get(Event, event.id)


def test_the_draft_changes_nothing_until_released(panel, week):
    edition, morning, _ = week
    schedule.place(morning, uk(2027, 6, 30, 10), uk(2027, 6, 30, 11), "Stream B", panel.organiser)
    assert fresh(morning).starts_at == uk(2027, 6, 29, 10)  # the public event is untouched
    changes = schedule.pending_changes(edition)
    assert [(c["kind"], c["title"]) for c in changes] == [("moved", "Morning webinar")]
    assert changes[0]["before"] == "Tuesday 29 June 2027 10:00 to 11:00, Stream A"


def test_only_organisers_change_the_draft(panel, week):
    _, morning, _ = week
    with pytest.raises(schedule.ScheduleError):
        schedule.place(morning, uk(2027, 6, 30, 10), uk(2027, 6, 30, 11), "", panel.co_producer)
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.place(morning, uk(2027, 6, 30, 11), uk(2027, 6, 30, 10), "", panel.organiser)
    assert error.value.field == "end"


def kinds(edition) -> list[str]:
    return sorted(conflict.kind for conflict in schedule.conflicts(edition))


def test_conflicts_room_host_outside_unavailable_break(panel, week):
    edition, morning, afternoon = week
    assert kinds(edition) == []
    # Two sessions in one stream at once, hosted by the same person.
    for event in (morning, afternoon):
        db.session.add(EventHost(event_id=event.id, name="Asha", person_id=panel.proposer.id))
    db.session.commit()
    schedule.place(
        afternoon, uk(2027, 6, 29, 10, 30), uk(2027, 6, 29, 11, 30), "Stream A", panel.organiser
    )
    assert kinds(edition) == ["host", "room"]
    # Outside the week.
    schedule.place(afternoon, uk(2027, 7, 5, 10), uk(2027, 7, 5, 11), "", panel.organiser)
    assert kinds(edition) == ["outside"]
    schedule.undo(afternoon, panel.organiser)
    # When its presenters said they cannot present.
    proposal = panel.propose(unavailable="2027-06-29 09:00-10:30")
    proposal.event_id = morning.id
    db.session.commit()
    assert kinds(edition) == ["unavailable"]
    proposal.event_id = None
    db.session.commit()
    # A workshop across its conference's lunch; a conference and its workshops may overlap.
    conference = make_event(
        edition,
        datetime(2027, 6, 30, 10),
        datetime(2027, 6, 30, 16),
        kind="conference",
        title="Conference",
        track="Stream A",
    )
    workshop = make_workshop(
        conference, datetime(2027, 6, 30, 12), datetime(2027, 6, 30, 13), track="Stream A"
    )
    assert kinds(edition) == []
    schedule.add_break(
        conference, uk(2027, 6, 30, 12, 30), uk(2027, 6, 30, 13, 15), "Lunch", panel.organiser
    )
    found = schedule.conflicts(edition)
    assert [c.kind for c in found] == ["break"] and "lunch (12:30 to 13:15)" in found[0].message
    assert workshop.id in found[0].event_ids


def test_a_release_with_conflicts_needs_a_recorded_reason(panel, week):
    edition, _morning, afternoon = week
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.prepare_release(edition, panel.organiser)
    assert "nothing to release" in error.value.message
    schedule.place(
        afternoon, uk(2027, 6, 29, 10, 30), uk(2027, 6, 29, 11, 30), "Stream A", panel.organiser
    )
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.prepare_release(edition, panel.organiser)
    assert error.value.field == "override_reason" and "1 conflict remain" in error.value.message
    release = schedule.prepare_release(edition, panel.organiser, "Stream A has two hosts")
    assert release.override_reason == "Stream A has two hosts"
    assert len(release.conflicts_overridden) == 1
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "schedule.release_prepared")
    )
    assert audit.after["override_reason"] == "Stream A has two hosts"


def register(event, email, name="Person"):
    person = make_user(email=email, name=name)
    return programme.register(event, programme.Applicant(name=name, email=None), person=person)


def test_sign_off_by_both_publishes_and_tells_each_person_once(panel, week, mailbox):
    edition, morning, afternoon = week
    register(morning, "both@example.org", "Both")
    second = db.session.scalar(select(EventHost))  # none: make a second registration
    assert second is None
    both = programme.get_edition(2027) and make_user  # noqa: F841 (readability below)
    person = db.session.scalar(
        select(type(panel.proposer)).where(type(panel.proposer).email == "both@example.org")
    )
    programme.register(afternoon, programme.Applicant(name="Both", email=None), person=person)
    register(afternoon, "one@example.org", "One")
    mailbox.messages.clear()
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 9, 45), "Stream A", panel.organiser)
    schedule.cancel_in_draft(afternoon, panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    assert schedule.sign_off(release, panel.organiser) is False  # an organiser alone: no
    with pytest.raises(schedule.ScheduleError):
        schedule.sign_off(release, panel.organiser)  # not twice
    assert mailbox.messages == [] and fresh(morning).starts_at == uk(2027, 6, 29, 10)
    assert schedule.sign_off(release, panel.co_producer) is True
    moved, cancelled = fresh(morning), fresh(afternoon)
    assert moved.starts_at == uk(2027, 6, 29, 9) and moved.sequence == 1
    assert cancelled.status == "cancelled" and cancelled.sequence == 1
    assert db.session.scalar(select(DraftSlot)) is None
    assert schedule.releases(edition)[0].number == 1
    # One message each, whatever the number of changes.
    assert len(mailbox.to("both@example.org")) == 1 and len(mailbox.to("one@example.org")) == 1
    message = mailbox.to("both@example.org")[0]
    calendars = {
        part.get_filename(): Calendar.from_ical(part.get_payload(decode=True))
        for part in message.iter_attachments()
    }
    assert set(calendars) == {"request.ics", "cancel.ics"}
    request = calendars["request.ics"]
    assert request["METHOD"] == "REQUEST"
    [vevent] = request.walk("VEVENT")
    assert vevent["SEQUENCE"] == 1 and vevent["SUMMARY"] == "Morning webinar"
    assert calendars["cancel.ics"]["METHOD"] == "CANCEL"
    only_cancel = mailbox.to("one@example.org")[0]
    assert [p.get_filename() for p in only_cancel.iter_attachments()] == ["cancel.ics"]


def test_a_draft_changed_after_preparing_must_be_prepared_again(panel, week):
    edition, morning, _ = week
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 10), "", panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    schedule.place(morning, uk(2027, 6, 29, 12), uk(2027, 6, 29, 13), "", panel.organiser)
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.sign_off(release, panel.co_producer)
    assert "prepare it again" in error.value.message and release.status == "outdated"


def test_an_accepted_proposal_is_added_by_a_release(panel, week, client):
    edition, _, _ = week
    proposal = panel.propose(title="Carers' own evidence")
    coproduction.propose_decision(proposal, "accept", "Yes", panel.organiser)
    coproduction.agree(coproduction.current_decision(proposal), panel.co_producer)
    event = db.session.get(Event, coproduction.get_proposal(proposal.id).event_id)
    _placed, unplaced = schedule.draft(edition)
    assert event in unplaced
    schedule.place(event, uk(2027, 7, 1, 14), uk(2027, 7, 1, 15, 30), "Stream B", panel.organiser)
    assert [c["kind"] for c in schedule.pending_changes(edition)] == ["added"]
    release = schedule.prepare_release(edition, panel.organiser)
    schedule.sign_off(release, panel.co_producer)
    schedule.sign_off(release, panel.organiser)
    assert fresh(event).status == "published"
    page = client.get("/2027/changes").get_data(as_text=True)
    assert "Release 1" in page and "Added:</strong> Carers&#39; own evidence, on " in page
    assert ", now " not in page  # a new session is not "now" anywhere: it is new
    feed = ElementTree.fromstring(client.get("/2027/changes.atom").data)  # noqa: S314 (ours)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == ["Release 1"]
    assert (
        "Added: Carers' own evidence, on Thursday 1 July 2027"
        in entries[0].find("a:content", ns).text
    )


def test_only_co_producers_and_organisers_sign_off(panel, week):
    edition, morning, _ = week
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 10), "", panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    with pytest.raises(schedule.ScheduleError):
        schedule.sign_off(release, make_user(roles=(Role.CONTRIBUTOR,)))


def test_the_schedule_pages_from_draft_to_signed_off_release(browser, panel, week, mailbox):
    from tests.a11y import problems

    edition, morning, afternoon = week
    register(morning, "sam@example.org", "Sam")
    mailbox.messages.clear()
    browser.sign_in(panel.organiser.email)
    url = "/manage/2027/schedule"
    page = browser.get(url).get_data(as_text=True)
    assert problems(page) == [] and "Morning webinar" in page
    bad = browser.submit(
        f"{url}/place",
        boxes({"event_id": morning.id, "day": "2027-06-29", "start": "25:00", "end": "10:00"}),
        form_url=url,
    )
    bad_page = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "The start time must be a real time" in bad_page
    assert 'href="#start-hour"' in bad_page and "24-hour clock" in bad_page
    clash = browser.submit(
        f"{url}/place",
        boxes(
            {
                "event_id": afternoon.id,
                "day": "2027-06-29",
                "start": "10:30",
                "end": "11:30",
                "track": "Stream A",
            }
        ),
        form_url=url,
    )
    assert clash.status_code == 302
    page = browser.get(url).get_data(as_text=True)
    assert "both in Stream A at once" in page and problems(page) == []
    refused = browser.submit(f"{url}/release", {}, form_url=url)
    assert "give the reason to publish anyway" in refused.get_data(as_text=True)
    browser.submit(f"{url}/change", {"change_event_id": afternoon.id, "undo": "Undo"}, form_url=url)
    browser.submit(
        f"{url}/place",
        boxes(
            {
                "event_id": morning.id,
                "day": "2027-06-29",
                "start": "09:00",
                "end": "09:45",
                "track": "Stream A",
            }
        ),
        form_url=url,
    )
    assert browser.submit(f"{url}/release", {}, form_url=url).status_code == 302
    release = schedule.pending_release(edition)
    assert (
        browser.submit(f"/manage/releases/{release.id}/sign-off", {}, form_url=url).status_code
        == 302
    )
    browser.sign_out()
    browser.sign_in(panel.co_producer.email)
    assert "Place or move" not in browser.get(url).get_data(as_text=True)
    assert browser.submit(f"{url}/place", {}, form_url=url).status_code == 403
    browser.submit(f"/manage/releases/{release.id}/sign-off", {}, form_url=url)
    assert fresh(morning).starts_at == uk(2027, 6, 29, 9)
    [message] = mailbox.to("sam@example.org")
    [attachment] = list(message.iter_attachments())
    assert Calendar.from_ical(attachment.get_payload(decode=True))["METHOD"] == "REQUEST"


def test_reviewing_is_offered_to_contributors_as_involvement(browser, panel):
    from cpweek.reciprocity import services as ledger

    reviewer = make_user(email="rev@example.org", roles=(Role.CO_PRODUCER, Role.CONTRIBUTOR))
    activity = ledger.add_activity("Reviewing proposals", panel.organiser)
    ledger.add_rate(
        ledger.RateDetails(activity.id, "hour", 2500, datetime(2024, 4, 6).date(), "s"),
        panel.organiser,
    )
    for title in ("One", "Two"):
        panel.review(panel.propose(title=title), reviewer, 4, 4)
    [prompt] = ledger.reviewing_prompts(reviewer)
    assert (prompt.year, prompt.reviews) == (2027, 2)
    browser.sign_in(reviewer.email)
    home = browser.get("/involvement/").get_data(as_text=True)
    assert "You reviewed 2 proposals for sessions at Co-production Week 2027" in home
    form = browser.get("/involvement/log?reviewing=2027").get_data(as_text=True)
    assert 'value="Reviewing 2 proposals for the 2027 call"' in form and 'value="1"' in form
    details = ledger.prefill_reviewing(reviewer, prompt)
    ledger.log_involvement(reviewer, details, reviewer)
    assert ledger.reviewing_prompts(reviewer) == []
    assert browser.get("/involvement/log?reviewing=2027").status_code == 404


def test_people_on_the_waiting_list_are_told_without_an_invitation(panel, week, mailbox):
    edition, morning, _ = week
    morning.capacity = 1
    db.session.commit()
    register(morning, "seat@example.org", "Seat")
    waiting = register(morning, "wait@example.org", "Wait")
    assert waiting.status == "waitlisted"
    mailbox.messages.clear()
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 10), "Stream A", panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    schedule.sign_off(release, panel.organiser)
    schedule.sign_off(release, panel.co_producer)
    [seat] = mailbox.to("seat@example.org")
    [wait] = mailbox.to("wait@example.org")
    assert [p.get_filename() for p in seat.iter_attachments()] == ["request.ics"]
    assert list(wait.iter_attachments()) == []
    assert "waiting list" in mailbox.text(wait)


def test_two_sign_offs_at_once_publish_once(app, panel, week):
    import threading

    edition, morning, _ = week
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 10), "", panel.organiser)
    release_id = schedule.prepare_release(edition, panel.organiser).id
    signer_ids = [panel.organiser.id, panel.co_producer.id]
    db.session.commit()
    barrier, results = threading.Barrier(2), []

    def sign(user_id):
        with app.app_context():
            try:
                barrier.wait()
                with unit_of_work():
                    results.append(
                        schedule.sign_off(
                            schedule.get_release(release_id),
                            db.session.get(type(panel.organiser), user_id),
                        )
                    )
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign, args=(uid,)) for uid in signer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert [r.number for r in schedule.releases(edition)] == [1]
    assert fresh(morning).sequence == 1


def test_a_conflict_appearing_after_preparing_stops_the_release(panel, week):
    edition, morning, _ = week
    conference = make_event(
        edition,
        datetime(2027, 6, 30, 10),
        datetime(2027, 6, 30, 16),
        kind="conference",
        title="Conference",
    )
    workshop = make_workshop(conference, datetime(2027, 6, 30, 11), datetime(2027, 6, 30, 12))
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 10), "", panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    schedule.add_break(
        conference, uk(2027, 6, 30, 11, 30), uk(2027, 6, 30, 12, 30), "Lunch", panel.organiser
    )
    with pytest.raises(schedule.ScheduleError) as error:
        schedule.sign_off(release, panel.co_producer)
    assert "A conflict appeared" in error.value.message and release.status == "outdated"
    assert workshop.id


def test_workshops_must_stay_inside_their_conference(panel, week):
    edition, _, _ = week
    conference = make_event(
        edition,
        datetime(2027, 6, 30, 10),
        datetime(2027, 6, 30, 16),
        kind="conference",
        title="Conference",
    )
    make_workshop(conference, datetime(2027, 6, 30, 11), datetime(2027, 6, 30, 12))
    schedule.place(conference, uk(2027, 7, 1, 10), uk(2027, 7, 1, 16), "", panel.organiser)
    assert kinds(edition) == ["parent"]
    schedule.cancel_in_draft(conference, panel.organiser)
    found = schedule.conflicts(edition)
    assert [c.kind for c in found] == ["parent"] and "the draft cancels" in found[0].message


def test_the_updated_invitation_keeps_the_join_link(panel, week, mailbox):
    edition, morning, _ = week
    morning.join_url = "https://zoom.example/j/123"
    db.session.commit()
    register(morning, "sam@example.org", "Sam")
    mailbox.messages.clear()
    schedule.place(morning, uk(2027, 6, 29, 9), uk(2027, 6, 29, 10), "Stream A", panel.organiser)
    release = schedule.prepare_release(edition, panel.organiser)
    schedule.sign_off(release, panel.organiser)
    schedule.sign_off(release, panel.co_producer)
    [message] = mailbox.to("sam@example.org")
    [attachment] = list(message.iter_attachments())
    assert b"zoom.example/j/123" in attachment.get_payload(decode=True).replace(b"\r\n ", b"")


def test_with_a_call_the_published_programme_changes_only_through_releases(browser, panel, week):
    edition, morning, _ = week
    draft_event = make_event(edition, status="draft", title="Draft one")
    with pytest.raises(programme.EventInvalid) as error:
        programme.publish_event(draft_event, panel.organiser)
    assert "schedule draft" in error.value.message
    with pytest.raises(programme.EventInvalid):
        programme.cancel_event(morning, panel.organiser)
    assert fresh(morning).status == "published"
    browser.sign_in(panel.organiser.email)
    page = browser.submit(
        f"/manage/events/{morning.id}/cancel", {}, form_url=f"/manage/events/{morning.id}/cancel"
    )
    assert page.status_code == 302 and "/manage/2027/schedule" in page.headers["Location"]


def test_editing_a_published_events_time_is_refused_but_its_summary_is_not(panel, week):
    import dataclasses

    _, morning, _ = week
    details = programme.EventDetails(
        title=morning.title,
        slug=morning.slug,
        kind=morning.kind,
        format=morning.format,
        starts_at=morning.starts_at,
        ends_at=morning.ends_at,
        summary="A better summary",
    )
    programme.update_event(morning, details, panel.organiser)
    assert fresh(morning).summary == "A better summary"
    moved = dataclasses.replace(details, starts_at=uk(2027, 6, 29, 9), ends_at=uk(2027, 6, 29, 10))
    with pytest.raises(programme.EventInvalid):
        programme.update_event(fresh(morning), moved, panel.organiser)
    assert fresh(morning).starts_at == uk(2027, 6, 29, 10)


def test_the_change_log_says_where_a_session_was_and_is():
    def change(kind, before, after):
        return {"kind": kind, "title": "Webinar", "before": before, "after": after}

    assert schedule.change_details(change("added", None, "Thursday 1 July 2027 14:00")) == (
        ", on Thursday 1 July 2027 14:00"
    )
    moved = schedule.change_details(change("moved", "Tuesday 10:00", "Tuesday 09:00"))
    assert moved == " (was Tuesday 10:00), now Tuesday 09:00"
    assert schedule.change_details(change("cancelled", "Tuesday 10:00", None)) == ""
