"""Mail about registrations: each message has a plain-text part, says how to get help by phone,
and carries the calendar invitation (METHOD:REQUEST) or its withdrawal (METHOD:CANCEL).

A message about a change says what the time or place was and what it is now: whoever changes
the event takes a `when_and_where` snapshot before changing it and passes it along."""

from __future__ import annotations

from dataclasses import dataclass, field

from cpweek.auth.models import User
from cpweek.mail import Attachment, queue_mail, render_mail
from cpweek.programme import calendar, easy_read
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    Edition,
    Event,
    Registration,
    RegistrationStatus,
)
from cpweek.timezones import format_date, format_time_range, local_date
from cpweek.urls import absolute_url


@dataclass(frozen=True)
class WhenAndWhere:
    """An event's time and place at one moment, in the words a change message uses."""

    day: str  # "Thursday 3 July 2025"; empty when the times carry their own dates
    times: str  # "10:30 to 11:30"
    place: str  # "online (Zoom)", "Room 2, Leeds Town Hall"

    def __str__(self) -> str:
        day = f"{self.day}, " if self.day else ""
        return f"{day}{self.times} UK time, {self.place}"


def when_and_where(event: Event, edition: Edition) -> WhenAndWhere:
    """A snapshot of the event's time and place, taken before a change to tell people after it."""
    zone = edition.timezone
    times = format_time_range(event.starts_at, event.ends_at, zone)
    same_day = local_date(event.starts_at, zone) == local_date(event.ends_at, zone)
    place = calendar.event_location(event)
    if place.startswith("Online"):
        place = "o" + place[1:]  # mid-sentence: "10:30 to 11:30 UK time, online"
    return WhenAndWhere(
        format_date(local_date(event.starts_at, zone)) if same_day else "",
        times,
        place or event.format_enum.label.lower(),
    )


class Moves:
    """Where events were before a change that touches several (a schedule release), so each
    person's message can say "Was ... Now ..." for every event of theirs that moved."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self._before: dict[int, WhenAndWhere] = {}

    def remember(self, event: Event) -> None:
        """Call before changing the event; the first snapshot is the one kept."""
        self._before.setdefault(event.id, when_and_where(event, self.edition))

    def now(self, event: Event) -> WhenAndWhere:
        return when_and_where(event, self.edition)

    def was(self, event: Event) -> WhenAndWhere | None:
        """The time and place before, or None when unknown or the same as now."""
        before = self._before.get(event.id)
        return before if before is not None and before != self.now(event) else None


@dataclass
class RegistrationMail:
    registration: Registration
    person: User
    event: Event
    edition: Edition
    manage_url: str
    position: int | None = None
    promoted: bool = False
    event_changed: bool = False  # the event moved or was cancelled: tell, and update calendars
    was: WhenAndWhere | None = None  # the time and place before the change, when it changed
    reminder: bool = False
    workshops: list[tuple[Event, str]] = field(default_factory=list)  # (workshop, status)
    companion: bool = False  # a personal assistant or carer has the place beside theirs

    @property
    def address(self) -> str:
        """Where this message goes: said in it, so the person knows where news will come."""
        return self.person.email

    @property
    def event_url(self) -> str:
        return calendar.event_page_url(self.edition, self.event)

    @property
    def ics_url(self) -> str:
        """The event's public calendar file (no join link), as on the event's page."""
        return absolute_url("programme.event_ics", year=self.edition.year, slug=self.event.slug)

    @property
    def google_url(self) -> str:
        return calendar.google_calendar_link(self.edition, self.event)

    @property
    def outlook_url(self) -> str:
        return calendar.outlook_calendar_link(self.edition, self.event)

    @property
    def kind(self) -> str:
        status = self.registration.status
        if self.reminder:
            return "reminder"
        if self.event.is_cancelled and self.event_changed:
            return "event_cancelled"
        if status == RegistrationStatus.CANCELLED.value:
            return "cancelled"
        if self.event_changed:
            return "changed" if status != RegistrationStatus.WAITLISTED.value else "changed_waiting"
        if status == RegistrationStatus.WAITLISTED.value:
            return "waitlisted"
        return "promoted" if self.promoted else "confirmed"

    @property
    def now(self) -> WhenAndWhere:
        return when_and_where(self.event, self.edition)

    @property
    def moved_from(self) -> WhenAndWhere | None:
        """What the time and place were, when the change moved them (else None)."""
        return self.was if self.was is not None and self.was != self.now else None

    @property
    def easy_read_page(self) -> str:
        """The event's page in Easy Read, for the Easy Read emails."""
        url = absolute_url("programme.event", year=self.edition.year, slug=self.event.slug)
        return f"{url}?version=easy"

    @property
    def easy_read_picture(self) -> str:
        """The event's Easy Read picture as an address an email can load ('' when none)."""
        return easy_read.picture_for_mail(self.event.easy_read_image_url)


SUBJECTS = {
    "confirmed": "Your place is booked: {title}",
    "promoted": "Good news: a place has come up at {title}",
    "waitlisted": "You are on the waiting list: {title}",
    "cancelled": "Your registration is cancelled: {title}",
    "changed": "Changed: {title}",
    "changed_waiting": "Changed: {title}",
    "event_cancelled": "Cancelled: {title}",
    "reminder": "Tomorrow: {title}",
}


# A registration made in Easy Read gets its mail in Easy Read: templates/mail/easy/.
EASY_SUBJECTS = {
    "confirmed": "You have a place: {title}",
    "promoted": "Good news. You now have a place: {title}",
    "waitlisted": "You are on the waiting list: {title}",
    "cancelled": "Your place is cancelled: {title}",
    "changed": "The event has changed: {title}",
    "changed_waiting": "The event has changed: {title}",
    "event_cancelled": "The event is cancelled: {title}",
    "reminder": "It is tomorrow: {title}",
}


def invitation(mail: RegistrationMail) -> Attachment | None:
    """The event as an invitation for this person's calendar, or its withdrawal."""
    if mail.kind in ("waitlisted", "changed_waiting"):
        return None
    cancelling = mail.kind in ("cancelled", "event_cancelled")
    method = "CANCEL" if cancelling else "REQUEST"
    join_urls = {}
    if not cancelling:
        join_urls = {
            e.id: e.join_url for e in [mail.event, *(w for w, _ in mail.workshops)] if e.join_url
        }
    if mail.kind == "cancelled":
        # The person's own cancellation takes their workshop places with it.
        workshops = [w for w, _ in mail.workshops]
    elif cancelling:
        workshops = []  # the event was cancelled; its workshops are told about separately
    else:
        workshops = [w for w, status in mail.workshops if status in HOLDING_A_PLACE]
    body = calendar.build_calendar(
        mail.edition,
        [mail.event, *workshops],
        name=mail.event.title,
        method=method,
        join_urls=join_urls,
        attendee=(mail.person.email, mail.registration.name),
        cancelled_for_reader=cancelling,
    )
    return Attachment("invite.ics", f"text/calendar; method={method}", body)


def send_registration_mail(mail: RegistrationMail) -> bool:
    """Queue it in the outbox, in the transaction of the change it tells about."""
    easy = mail.registration.easy_read
    template = f"easy/registration_{mail.kind}" if easy else f"registration_{mail.kind}"
    text, html = render_mail(template, mail=mail)
    attachment = invitation(mail)
    queue_mail(
        mail.person.email,
        (EASY_SUBJECTS if easy else SUBJECTS)[mail.kind].format(title=mail.event.title),
        text,
        html,
        attachments=[attachment] if attachment else [],
    )
    return True
