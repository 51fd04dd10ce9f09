"""Recognition (certificates, credits, references), the portfolio, and public credits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from cpweek import audit, signals
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.money import TaxYear
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.reciprocity.models import (
    APPROVED_STATUSES,
    Activity,
    Choice,
    ContributorProfile,
    EntryStatus,
    Involvement,
    LedgerEntry,
    Recognition,
    RecognitionKind,
)
from cpweek.reciprocity.services.contributors import require_contributor, require_organiser
from cpweek.reciprocity.services.errors import ReciprocityError
from cpweek.reciprocity.services.profiles import profile_or_default
from cpweek.reciprocity.services.standing import approved_work, still_counts


@dataclass
class RecognitionDetails:
    kind: str
    title: str
    body: str = ""
    event_id: int | None = None


def issue_recognition(person: User, details: RecognitionDetails, by: User) -> Recognition:
    require_organiser(by)
    require_contributor(person)
    if details.kind not in RecognitionKind._value2member_map_:
        raise ReciprocityError("Choose what kind of recognition this is", "kind")
    if not details.title.strip():
        raise ReciprocityError("Enter a title, like “Co-facilitated the equity workshop”", "title")
    if details.kind == RecognitionKind.CREDIT and details.event_id is None:
        raise ReciprocityError("Choose the event the credit appears on", "event_id")
    if details.event_id is not None and programme.get_event(details.event_id) is None:
        raise ReciprocityError("Choose an event from the list", "event_id")
    recognition = Recognition(
        contributor_id=person.id,
        kind=details.kind,
        title=details.title.strip(),
        body=details.body.strip(),
        event_id=details.event_id,
        issued_by_id=by.id,
    )
    db.session.add(recognition)
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.recognition_issued",
        "recognition",
        recognition.id,
        after={
            "contributor_id": person.id,
            "kind": details.kind,
            "title": recognition.title,
            "event_id": details.event_id,
        },
    )
    return recognition


@dataclass
class PortfolioItem:
    involvement: Involvement
    activity: str
    event: Event | None
    approved: bool = True  # by `approved_work`: what a certificate counts
    entry_status: str | None = None  # the status of its ledger entry (None: payment declined)

    @property
    def standing(self) -> str:
        """Where the activity stands, in the contributor's words."""
        if self.involvement.choice == Choice.DECLINE:
            return "Payment declined"
        if self.approved:
            return "Approved"
        if self.entry_status in APPROVED_STATUSES:
            return "Corrected by the organisers"  # approved, then reversed
        return EntryStatus(self.entry_status).label if self.entry_status else "Not approved"


@dataclass(frozen=True)
class PortfolioWork:
    """A published work that credits the person (a resource they co-authored, spoke on, ...).
    The ledger does not know what a resource is: it asks (`signals.portfolio_works`) and the
    domains above it answer with these."""

    title: str
    kind: str  # the kind's words: "Guide or toolkit"
    role: str  # the role's words: "Co-author"
    url: str
    published_on: date | None


@dataclass
class Portfolio:
    person: User
    profile: ContributorProfile
    activities: list[PortfolioItem]
    recognitions: list[tuple[Recognition, Event | None]]
    works: list[PortfolioWork] = field(default_factory=list)

    @property
    def total_minutes(self) -> int:
        return sum(item.involvement.minutes for item in self.activities)

    @property
    def approved_minutes(self) -> int:
        return sum(item.involvement.minutes for item in self.activities if item.approved)


def _activities(person: User, year: TaxYear | None, *, approved_only: bool):
    original = aliased(LedgerEntry)
    entry_status = (
        select(original.status)
        .where(original.involvement_id == Involvement.id, original.reverses_id.is_(None))
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(Involvement, Activity.name, Event, approved_work(), entry_status)
        .join(Activity, Activity.id == Involvement.activity_id)
        .outerjoin(Event, Event.id == Involvement.event_id)
        .where(Involvement.contributor_id == person.id, still_counts())
        .order_by(Involvement.activity_on, Involvement.id)
    )
    if approved_only:
        query = query.where(approved_work())
    if year is not None:
        query = query.where(Involvement.activity_on.between(year.starts_on, year.ends_on))
    return [
        PortfolioItem(involvement, activity, event, bool(approved), status)
        for involvement, activity, event, approved, status in db.session.execute(query)
    ]


def portfolio(person: User, year: TaxYear | None = None) -> Portfolio:
    """Everything a contributor did and received: activities (whatever they chose to take for
    them, each with where it stands) and recognition, oldest first. Rejected and withdrawn
    entries' activities are left off."""
    recognitions: list[tuple[Recognition, Event | None]] = [
        (recognition, event)
        for recognition, event in db.session.execute(
            select(Recognition, Event)
            .outerjoin(Event, Event.id == Recognition.event_id)
            .where(Recognition.contributor_id == person.id)
            .order_by(Recognition.issued_at, Recognition.id)
        )
    ]
    activities = _activities(person, year, approved_only=False)
    profile = profile_or_default(person)
    return Portfolio(person, profile, activities, recognitions, works=portfolio_works(person))


def certificate(person: User, year: TaxYear | None = None) -> Portfolio:
    """What a certificate of contribution lists: approved work only (`approved_work`), so
    nothing still waiting for approval, rejected, withdrawn or reversed; and the published
    works that credit them (in the tax year asked, by publication date)."""
    activities = _activities(person, year, approved_only=True)
    works = portfolio_works(person)
    if year is not None:
        works = [
            work
            for work in works
            if work.published_on and year.starts_on <= work.published_on <= year.ends_on
        ]
    return Portfolio(person, profile_or_default(person), activities, [], works=works)


def portfolio_works(person: User) -> list[PortfolioWork]:
    """The published works that credit the person, oldest first, as the domains above answer
    (each answers in a query or so, however many works)."""
    works = [work for answer in signals.answers(signals.portfolio_works, person) for work in answer]
    return sorted(works, key=lambda work: (work.published_on or date.max, work.title))


def public_credits(event_id: int) -> list[str]:
    """Names to thank on an event's page, as each person chose to be credited; people who
    asked not to be credited in public are left out."""
    rows = db.session.execute(
        select(User, ContributorProfile)
        .join(Recognition, Recognition.contributor_id == User.id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(Recognition.event_id == event_id, Recognition.kind == RecognitionKind.CREDIT.value)
        .order_by(Recognition.issued_at, Recognition.id)
    ).all()
    names: list[str] = []
    for person, profile in rows:
        chosen = profile or profile_or_default(person)
        if not chosen.credited_in_public:
            continue  # they asked not to be credited in public at all
        if chosen.credit_name not in names:
            names.append(chosen.credit_name)
    return names
