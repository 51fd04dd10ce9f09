"""Mail about registrations: each message has a plain-text part, says how to get help by phone,
and carries the calendar invitation (METHOD:REQUEST) or its withdrawal (METHOD:CANCEL)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cpweek.auth.models import User
from cpweek.mail import Attachment, queue_mail, render_mail
from cpweek.programme import calendar
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    Edition,
    Event,
    Registration,
    RegistrationStatus,
)


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
    reminder: bool = False
    workshops: list[tuple[Event, str]] = field(default_factory=list)  # (workshop, status)

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
    text, html = render_mail(f"registration_{mail.kind}", mail=mail)
    attachment = invitation(mail)
    queue_mail(
        mail.person.email,
        SUBJECTS[mail.kind].format(title=mail.event.title),
        text,
        html,
        attachments=[attachment] if attachment else [],
    )
    return True
