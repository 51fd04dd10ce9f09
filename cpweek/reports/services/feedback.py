"""Feedback after an event: the form a link opens, and answers entered by organisers.

A link's token is kept only as its SHA-256 hash. `open_link` says what the link can do (its
event, or `LinkUnknown`, `LinkUsed`, `FormClosed`); `submit` checks the answers, then claims the
link with `UPDATE feedback_requests SET used_on = today WHERE id = ... AND used_on IS NULL` and
saves the response only if that changed a row, in one transaction: two submissions at once
(a double click, two tabs) queue on the request's row, and the second finds it used and saves
nothing. The response is anonymous: it holds the event, the edition, the answers, the source
and the day (UK), never the registration, the person or an instant.

Organisers enter answers given by phone or on paper (`enter_answers`): the response says so in
its `source`, and who entered it is in the audit log, not on the response.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import func, select, update

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Edition, Event, Registration
from cpweek.reports.errors import (
    FeedbackInvalid,
    FormClosed,
    LinkUnknown,
    LinkUsed,
    NotAllowed,
)
from cpweek.reports.feedback_models import (
    SCALE_SIZE,
    FeedbackAnswer,
    FeedbackRequest,
    FeedbackResponse,
    FeedbackSource,
    OutcomeMeasure,
)
from cpweek.reports.services.outcomes import adopted_measures
from cpweek.statements import rows_changed
from cpweek.tokens import token_hash

MAX_TEXT = 5000
# What `secrets.token_urlsafe(32)` makes; anything else is not one of ours.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")

OVERALL_QUESTION = "How was the event overall?"
OVERALL_OPTIONS = ("Very poor", "Poor", "OK", "Good", "Very good")
EASY_OVERALL_QUESTION = "Did you like the event?"
EASY_OVERALL_OPTIONS = ("No, not at all", "Not much", "It was OK", "Yes", "Yes, a lot")


@dataclass(frozen=True)
class OpenLink:
    """What a working link opens: its request, the event and the measures its form asks."""

    request: FeedbackRequest
    event: Event
    edition: Edition
    measures: list[OutcomeMeasure]


@dataclass
class FeedbackInput:
    """Answers as given: each measure's option (1 to 5) by measure id, missing if skipped."""

    answers: dict[int, int] = field(default_factory=dict)
    overall: int | None = None
    what_worked: str = ""
    could_be_better: str = ""
    easy_read: bool = False


def _request_for(token: str) -> FeedbackRequest:
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise LinkUnknown("This feedback link is not complete or not right.")
    request = db.session.scalar(
        select(FeedbackRequest).where(FeedbackRequest.token_hash == token_hash(token))
    )
    if request is None:
        raise LinkUnknown("This feedback link is not complete or not right.")
    return request


def today() -> date:
    return programme.today_in(current_app.config["CPWEEK_TIMEZONE"])


def open_link(token: str, on: date | None = None) -> OpenLink:
    """The form a link opens; LinkUnknown, LinkUsed or FormClosed say why it opens none."""
    request = _request_for(token)
    if request.used_on is not None:
        raise LinkUsed("These answers have already been sent: thank you. A link works once.")
    if (on or today()) > request.closes_on:
        raise FormClosed(
            f"This form closed on {request.closes_on.day} {request.closes_on:%B %Y}: it no "
            "longer takes answers."
        )
    registration = db.session.get_one(Registration, request.registration_id)
    event, edition = programme.event_with_edition(registration.event_id)
    return OpenLink(request, event, edition, adopted_measures(edition.id))


def check_answers(measures: list[OutcomeMeasure], given: FeedbackInput) -> FeedbackInput:
    """The answers tidied; FeedbackInvalid names the first field that is wrong."""
    known = {measure.id for measure in measures}
    for measure_id, option in given.answers.items():
        if measure_id not in known or not 1 <= option <= SCALE_SIZE:
            raise FeedbackInvalid("Choose one of the answers shown", f"measure_{measure_id}")
    if given.overall is not None and not 1 <= given.overall <= SCALE_SIZE:
        raise FeedbackInvalid("Choose one of the answers shown", "overall")
    what_worked = given.what_worked.strip()
    could_be_better = given.could_be_better.strip()
    for name, text in (("what_worked", what_worked), ("could_be_better", could_be_better)):
        if len(text) > MAX_TEXT:
            raise FeedbackInvalid(
                f"Write {MAX_TEXT:,} characters or fewer: you wrote {len(text):,}. "
                "Nothing was saved.",
                name,
            )
    if not (given.answers or given.overall or what_worked or could_be_better):
        raise FeedbackInvalid("Answer at least one question, or write what you think", "overall")
    return FeedbackInput(
        dict(given.answers), given.overall, what_worked, could_be_better, given.easy_read
    )


def _save(event: Event, given: FeedbackInput, source: FeedbackSource, on: date) -> FeedbackResponse:
    response = FeedbackResponse(
        event_id=event.id,
        edition_id=event.edition_id,
        overall=given.overall,
        what_worked=given.what_worked,
        could_be_better=given.could_be_better,
        source=source.value,
        easy_read=given.easy_read,
        created_on=on,
    )
    db.session.add(response)
    db.session.flush()
    db.session.add_all(
        FeedbackAnswer(response_id=response.id, measure_id=measure_id, option=option)
        for measure_id, option in sorted(given.answers.items())
    )
    db.session.flush()
    return response


def submit(token: str, given: FeedbackInput, on: date | None = None) -> FeedbackResponse:
    """Save the answers a link's form sent, once: LinkUsed when the link was used (even a
    moment ago, by a second click), FormClosed after its last day."""
    on = on or today()
    link = open_link(token, on)
    given = check_answers(link.measures, given)
    # The claim: only the first submission changes the row; a second one waits for the
    # first's commit (PostgreSQL's row lock; SQLite's write lock), then changes nothing.
    claimed = rows_changed(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == link.request.id, FeedbackRequest.used_on.is_(None))
        .values(used_on=on)
        .execution_options(synchronize_session=False)
    )
    if not claimed:
        raise LinkUsed("These answers have already been sent: thank you. A link works once.")
    return _save(link.event, given, FeedbackSource.ONLINE, on)


def unlink_used_requests() -> int:
    """Write every used link's row again (its values unchanged); how many. Why: on PostgreSQL
    a claimed link and the anonymous response saved with it were written by one transaction,
    so both rows carry its id (`xmin`) and a join on it would name the person. Rewritten by a
    later transaction, the link carries that one's id instead; `flask equality-tidy` runs
    this daily, then VACUUM FULL so the old row versions go. Until it runs, the day's
    responses can be joined that way: the window is a day."""
    return rows_changed(
        update(FeedbackRequest)
        .where(FeedbackRequest.used_on.is_not(None))
        .values(used_on=FeedbackRequest.used_on)
        .execution_options(synchronize_session=False)
    )


def enter_answers(
    event: Event, given: FeedbackInput, source: str, by: User, on: date | None = None
) -> FeedbackResponse:
    """An organiser types in answers given by phone or on paper."""
    from cpweek.auth.models import Role

    if not by.has_role(Role.ORGANISER):
        raise NotAllowed("Only organisers enter answers given by phone or on paper.")
    if source not in (FeedbackSource.PHONE.value, FeedbackSource.PAPER.value):
        raise FeedbackInvalid("Say whether the answers came by phone or on paper", "source")
    if not programme.has_ended(event):
        raise FeedbackInvalid("This event has not ended yet: enter feedback once it is over.")
    given = check_answers(adopted_measures(event.edition_id), given)
    response = _save(event, given, FeedbackSource(source), on or today())
    # Who typed it in is kept here, with the organiser as actor, never on the response.
    audit.record(
        by.id,
        "reports.feedback_entered",
        "event",
        event.id,
        after={"response_id": response.id, "source": source},
    )
    return response


def first_sent_in_edition(request: FeedbackRequest, edition_id: int) -> bool:
    """Whether this used link is the first of its person's feedback links for an event of the
    edition to be used: the moment to offer the equality questions as the stage "attended",
    once per person and edition. Read from the links, writing nothing: a row written beside
    the response in this transaction would share its transaction id (PostgreSQL's xmin) and
    tie the person to their anonymous feedback."""
    person_id = db.session.scalar(
        select(Registration.person_id).where(Registration.id == request.registration_id)
    )
    if person_id is None:
        return False
    earlier = db.session.scalar(
        select(func.count())
        .select_from(FeedbackRequest)
        .join(Registration, Registration.id == FeedbackRequest.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.person_id == person_id,
            Event.edition_id == edition_id,
            FeedbackRequest.used_on.is_not(None),
            FeedbackRequest.id != request.id,
        )
    )
    return not earlier
