"""The rules of the programme, one module per concept. Views call these; nothing here knows
about HTTP.

- `editions`: finding editions, the one a visitor is shown, its phase; creating and changing one
- `listing`: what the public sees: an edition's events by day, filters, the next few events
- `capacity`: places taken and left, in each pool of a hybrid event; whether an event has
  ended (no public page shows its places then)
- `registration`: registering (workshops, a companion's place, by an organiser) and cancelling
- `waitlist`: a person's place in the queue, and filling free places from it
- `links`: the private manage link in every registration email
- `notify`: telling a person what happened to their registration
- `events`: organisers describe, create, change, publish and cancel events
- `organisers`: who is coming, access needs, CSV, check-in
- `feeds`: calendar files (an edition's, an event's, a person's own)
- `reminders`: the day-before reminder
- `errors`: the refusals

This module re-exports every public name the single services.py had, so views, the CLI, the
demo data, other domains and tests keep calling `services.register(...)`; modules of the
package import each other directly, never through here (that would make an import circle).
"""

from __future__ import annotations

from cpweek.programme.services.capacity import (
    EventPlaces,
    confirmed_counts,
    event_page_places,
    has_ended,
    places_by_mode,
    places_left,
    places_left_for,
    total_places_left,
)
from cpweek.programme.services.editions import (
    EditionDetails,
    current_or_next_edition,
    edition_overview,
    edition_phase,
    event_local_date,
    event_with_edition,
    get_edition,
    get_edition_by_id,
    list_editions,
    save_edition,
    today_in,
)
from cpweek.programme.services.errors import (
    AlreadyRegistered,
    CapacityTooLow,
    EventInvalid,
    RegistrationClosed,
    RegistrationError,
    WorkshopClash,
)
from cpweek.programme.services.events import (
    SIMPLE_FIELDS,
    EventDetails,
    EventUpdate,
    HostLine,
    apply_event_changes,
    cancel_event,
    conferences_of,
    create_event,
    event_hosts,
    get_event,
    parse_hosts,
    publish_event,
    set_capacity,
    set_recording_url,
    slugify,
    unique_slug,
    update_event,
)
from cpweek.programme.services.feeds import (
    CalendarFile,
    calendar_token_for,
    edition_calendar,
    event_calendar,
    personal_calendar,
)
from cpweek.programme.services.links import (
    manage_token,
    manage_url,
    registration_for_token,
)
from cpweek.programme.services.listing import (
    PUBLIC_EVENT_STATUSES,
    ProgrammeFilter,
    event_choices,
    events_hosted_by,
    filter_events,
    get_public_event,
    next_events,
    programme_by_day,
    public_events,
    related_events,
)
from cpweek.programme.services.notify import (
    has_companion,
    registration_email,
    resend_manage_link,
)
from cpweek.programme.services.organisers import (
    access_summary,
    check_in_list,
    edition_events_for_organisers,
    event_registrations,
    get_registration,
    live_registrations_for,
    registrations_csv,
    set_checked_in,
)
from cpweek.programme.services.registration import (
    Applicant,
    cancel_registration,
    person_registrations,
    register,
    register_assisted,
    registration_closed_reason,
    registrations_of,
    save_access_profile,
    update_access_needs,
)
from cpweek.programme.services.reminders import (
    send_reminders,
)
from cpweek.programme.services.waitlist import (
    waitlist_position,
)

__all__ = [
    "PUBLIC_EVENT_STATUSES",
    "SIMPLE_FIELDS",
    "AlreadyRegistered",
    "Applicant",
    "CalendarFile",
    "CapacityTooLow",
    "EditionDetails",
    "EventDetails",
    "EventInvalid",
    "EventPlaces",
    "EventUpdate",
    "HostLine",
    "ProgrammeFilter",
    "RegistrationClosed",
    "RegistrationError",
    "WorkshopClash",
    "access_summary",
    "apply_event_changes",
    "calendar_token_for",
    "cancel_event",
    "cancel_registration",
    "check_in_list",
    "conferences_of",
    "confirmed_counts",
    "create_event",
    "current_or_next_edition",
    "edition_calendar",
    "edition_events_for_organisers",
    "edition_overview",
    "edition_phase",
    "event_calendar",
    "event_choices",
    "event_hosts",
    "event_local_date",
    "event_page_places",
    "event_registrations",
    "event_with_edition",
    "events_hosted_by",
    "filter_events",
    "get_edition",
    "get_edition_by_id",
    "get_event",
    "get_public_event",
    "get_registration",
    "has_companion",
    "has_ended",
    "list_editions",
    "live_registrations_for",
    "manage_token",
    "manage_url",
    "next_events",
    "parse_hosts",
    "person_registrations",
    "personal_calendar",
    "places_by_mode",
    "places_left",
    "places_left_for",
    "programme_by_day",
    "public_events",
    "publish_event",
    "register",
    "register_assisted",
    "registration_closed_reason",
    "registration_email",
    "registration_for_token",
    "registrations_csv",
    "registrations_of",
    "related_events",
    "resend_manage_link",
    "save_access_profile",
    "save_edition",
    "send_reminders",
    "set_capacity",
    "set_checked_in",
    "set_recording_url",
    "slugify",
    "today_in",
    "total_places_left",
    "unique_slug",
    "update_access_needs",
    "update_event",
    "waitlist_position",
]
