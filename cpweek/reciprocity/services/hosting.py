"""Events a contributor hosted, offered as involvement to confirm or dismiss."""

from __future__ import annotations

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.reciprocity.models import Activity, HostingPromptDismissed, Involvement
from cpweek.reciprocity.services.contributors import is_contributor
from cpweek.reciprocity.services.involvement import InvolvementDetails
from cpweek.reciprocity.services.profiles import prefill_choice
from cpweek.reciprocity.services.standing import still_counts
from cpweek.timezones import utcnow


def hosting_prompts(person: User) -> list[Event]:
    """Events the person hosted that have ended and have no involvement logged or dismissed:
    each is offered as a pre-filled entry to confirm. Nothing is logged without them."""
    if not is_contributor(person):
        return []
    logged = select(Involvement.event_id).where(
        Involvement.contributor_id == person.id,
        Involvement.event_id.is_not(None),
        still_counts(),
    )
    dismissed = select(HostingPromptDismissed.event_id).where(
        HostingPromptDismissed.user_id == person.id
    )
    done = set(db.session.scalars(logged)) | set(db.session.scalars(dismissed))
    return [
        event
        for event in programme.events_hosted_by(person.id, ended_before=utcnow())
        if event.id not in done
    ]


def prefill_from_event(person: User, event: Event) -> InvolvementDetails:
    """The entry a host is offered for an event: its date and length, the hosting activity,
    and the person's usual choice."""
    hosting = db.session.scalar(
        select(Activity).where(Activity.for_hosting.is_(True)).order_by(Activity.id)
    )
    minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
    return InvolvementDetails(
        activity_id=hosting.id if hosting else 0,
        activity_on=programme.event_local_date(event),
        minutes=min(max(minutes, 15), 24 * 60),
        choice=prefill_choice(person),
        event_id=event.id,
    )


def hosted_event_or_none(person: User, event_id: int) -> Event | None:
    """An event the person hosted that has ended (to confirm or dismiss), else None."""
    hosted = programme.events_hosted_by(person.id, ended_before=utcnow())
    return next((event for event in hosted if event.id == event_id), None)


def dismiss_prompt(person: User, event: Event) -> None:
    if db.session.scalar(
        select(HostingPromptDismissed.id).where(
            HostingPromptDismissed.user_id == person.id,
            HostingPromptDismissed.event_id == event.id,
        )
    ):
        return  # dismissed already (a second click)
    db.session.add(HostingPromptDismissed(user_id=person.id, event_id=event.id))
    audit.record(person.id, "reciprocity.prompt_dismissed", "event", event.id)
