"""Telling people what a published release changed: one message per person for every change
that touches their registrations, with the new invitation (METHOD:REQUEST) and any
withdrawal (METHOD:CANCEL) attached. Queued in the outbox with the release, so nobody is told
of a release that was not published."""

from __future__ import annotations

from dataclasses import dataclass, field

from cpweek.auth.models import User
from cpweek.mail import Attachment, queue_mail, render_mail
from cpweek.programme import calendar, notifications
from cpweek.programme import services as programme
from cpweek.programme.models import HOLDING_A_PLACE, Edition, Event
from cpweek.urls import absolute_url


@dataclass
class Told:
    """What one person is told: events moved or changed, cancelled, and ones they wait for."""

    person: User
    edition: Edition
    moves: notifications.Moves | None
    changed: list[Event] = field(default_factory=list)
    cancelled: list[Event] = field(default_factory=list)
    waiting: list[Event] = field(default_factory=list)


def messages_for(
    edition: Edition, touched: dict[int, str], moves: notifications.Moves | None = None
) -> dict[int, Told]:
    """One message per person: every change that touches their registrations, together.
    `touched` says of each event whether it "changed" or was "cancelled"."""
    people: dict[int, Told] = {}
    for registration, person, event in programme.live_registrations_for(list(touched)):
        told = people.setdefault(person.id, Told(person, edition, moves))
        if registration.status in HOLDING_A_PLACE:
            getattr(told, touched[event.id]).append(event)
        else:
            told.waiting.append(event)  # told, but no invitation: they hold no place
    return people


def _invitations(told: Told) -> list[Attachment]:
    person, edition = told.person, told.edition
    attachments = []
    for method, events in (("REQUEST", told.changed), ("CANCEL", told.cancelled)):
        if events:
            body = calendar.build_calendar(
                edition,
                events,
                join_urls={e.id: e.join_url for e in events if e.join_url and method == "REQUEST"},
                name=f"Co-production Week {edition.year}",
                method=method,
                attendee=(person.email, person.name),
                cancelled_for_reader=method == "CANCEL",
            )
            attachments.append(
                Attachment(f"{method.lower()}.ics", f"text/calendar; method={method}", body)
            )
    return attachments


def send(people: dict[int, Told]) -> int:
    """Queue each person's message; how many were queued."""
    for told in people.values():
        edition = told.edition
        text, html = render_mail(
            "schedule_changes",
            person=told.person,
            edition=edition,
            changed=told.changed,
            cancelled=told.cancelled,
            waiting=told.waiting,
            moves=told.moves,
            link=absolute_url("coproduction.changes", year=edition.year),
        )
        queue_mail(
            told.person.email,
            f"Changes to Co-production Week {edition.year}",
            text,
            html,
            _invitations(told),
        )
    return len(people)
