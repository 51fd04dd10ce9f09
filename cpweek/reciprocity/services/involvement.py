"""Logging involvement: what an activity earns, what the contributor's choice makes of it,
and the entry a prompt offers to start from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.money import format_pence
from cpweek.programme import services as programme
from cpweek.reciprocity.models import (
    Activity,
    Choice,
    EntryKind,
    EntryStatus,
    Involvement,
    LedgerEntry,
    Rate,
    RateUnit,
)
from cpweek.reciprocity.services.contributors import require_contributor, require_self_or_organiser
from cpweek.reciprocity.services.errors import NoRate, ReciprocityError
from cpweek.reciprocity.services.events import listed_event
from cpweek.reciprocity.services.profiles import prefill_choice
from cpweek.reciprocity.services.prompts import InvolvementPrompt, is_open_prompt
from cpweek.reciprocity.services.rates import (
    credits_for,
    fee_for,
    format_amount,
    format_hours,
    get_activity,
    rate_in_force,
)
from cpweek.reciprocity.services.warnings import GuidanceText, guidance, record_seen, warning_codes

MAX_UNITS = 20


@dataclass
class InvolvementDetails:
    activity_id: int
    activity_on: date
    minutes: int
    choice: str
    units: int = 1
    less_pence: int | None = None
    charity: str = ""
    event_id: int | None = None
    related_to: str = ""
    note: str = ""
    prompt_key: str = ""  # the prompt it was logged from (prompts.py), if any


@dataclass
class Offer:
    """What an activity earns, and what the contributor's choice turns it into."""

    activity: Activity
    rate: Rate | None
    offered_pence: int
    kind: EntryKind | None  # None: declined, nothing to pay
    amount: int
    warnings: list[GuidanceText] = field(default_factory=list)

    @property
    def offered(self) -> str:
        return format_pence(self.offered_pence)

    @property
    def amount_text(self) -> str:
        return format_amount(self.kind, self.amount) if self.kind else "Nothing (declined)"


def _check_activity_details(details: InvolvementDetails, today: date) -> Activity:
    activity = get_activity(details.activity_id) if details.activity_id else None
    if activity is None:
        raise ReciprocityError("Choose the activity", "activity_id")
    if details.activity_on > today:
        raise ReciprocityError(
            "The date cannot be in the future: log an activity once it has happened",
            "activity_on",
        )
    if details.activity_on < today - timedelta(days=6 * 366):
        raise ReciprocityError("Enter a date in the last six years", "activity_on")
    if not 15 <= details.minutes <= 24 * 60:
        raise ReciprocityError("Enter the time it took, between 0.25 and 24 hours", "hours")
    if not 0 < details.units <= MAX_UNITS:
        raise ReciprocityError(f"Enter a number from 1 to {MAX_UNITS}", "units")
    if details.event_id is not None and not listed_event(details.event_id):
        raise ReciprocityError("Choose an event from the list", "event_id")
    return activity


def work_out(contributor: User, details: InvolvementDetails) -> Offer:
    """The fee for an activity and what the chosen option makes of it, without saving."""
    activity = _check_activity_details(details, programme.today_in())
    rate = rate_in_force(activity.id, details.activity_on)
    offered = fee_for(rate.pence, rate.unit, details.minutes, details.units) if rate else 0
    choice = details.choice
    if choice not in Choice._value2member_map_:
        raise ReciprocityError("Choose what you would like for this activity", "choice")
    needs_rate = choice in (Choice.FEE, Choice.LESS, Choice.VOUCHERS, Choice.CHARITY)
    if needs_rate and rate is None:
        raise NoRate(
            f"There is no rate for “{activity.name}” on {details.activity_on:%-d %B %Y}, so "
            "no fee can be worked out. Choose time credits or decline, or ask an organiser "
            "to add a rate.",
            "choice",
        )
    kind: EntryKind | None
    amount = offered
    if choice == Choice.FEE:
        kind = EntryKind.FEE
    elif choice == Choice.VOUCHERS:
        kind = EntryKind.VOUCHER
    elif choice == Choice.CHARITY:
        kind = EntryKind.CHARITY
        if not details.charity.strip():
            raise ReciprocityError("Enter the charity the fee should go to", "charity")
    elif choice == Choice.LESS:
        kind = EntryKind.FEE
        if details.less_pence is None:
            raise ReciprocityError("Enter the amount you would like to take", "less_amount")
        if not 0 < details.less_pence < offered:
            raise ReciprocityError(
                f"Enter an amount less than the full fee of {format_pence(offered)}",
                "less_amount",
            )
        amount = details.less_pence
    elif choice == Choice.TIME_CREDITS:
        kind, amount = EntryKind.TIME_CREDIT, credits_for(details.minutes)
    else:
        kind, amount = None, 0
    if kind is not None and amount < 1:
        raise ReciprocityError("That comes to less than 1p: nothing to pay", "hours")
    offer = Offer(activity, rate, offered, kind, amount)
    if kind is not None:
        codes = warning_codes(
            contributor.id, kind, amount, details.activity_on, activity_id=activity.id
        )
        texts = guidance()
        offer.warnings = [texts[code] for code in codes]
    return offer


def _describe(activity: Activity, details: InvolvementDetails) -> str:
    return f"{activity.name}, {format_hours(details.minutes)}"


def log_involvement(contributor: User, details: InvolvementDetails, by: User) -> Involvement:
    """Log an activity and, unless declined, the ledger entry for what was chosen. The choice
    is the contributor's: an organiser logging for them records what the person told them."""
    require_contributor(contributor)
    require_self_or_organiser(contributor.id, by)
    offer = work_out(contributor, details)
    involvement = Involvement(
        contributor_id=contributor.id,
        activity_id=offer.activity.id,
        activity_on=details.activity_on,
        minutes=details.minutes,
        units=details.units if offer.rate is None or offer.rate.unit != RateUnit.HOUR else 1,
        rate_id=offer.rate.id if offer.rate else None,
        rate_pence=offer.rate.pence if offer.rate else 0,
        rate_unit=offer.rate.unit if offer.rate else "",
        offered_pence=offer.offered_pence,
        choice=details.choice,
        charity=details.charity.strip() if details.choice == Choice.CHARITY else "",
        event_id=details.event_id,
        related_to=details.related_to.strip(),
        note=details.note.strip(),
        prompt_key=_kept_prompt_key(contributor, details.prompt_key),
        logged_by_id=by.id,
    )
    db.session.add(involvement)
    db.session.flush()
    entry = None
    if offer.kind is not None:
        entry = LedgerEntry(
            contributor_id=contributor.id,
            kind=offer.kind.value,
            amount=offer.amount,
            occurred_on=details.activity_on,
            description=_describe(offer.activity, details),
            involvement_id=involvement.id,
            status=EntryStatus.PENDING.value,
            created_by_id=by.id,
        )
        db.session.add(entry)
        db.session.flush()
        record_seen(entry, [text.code for text in offer.warnings], by)
    audit.record(
        by.id,
        "reciprocity.involvement_logged",
        "involvement",
        involvement.id,
        after={
            "contributor_id": contributor.id,
            "activity": offer.activity.name,
            "on": details.activity_on.isoformat(),
            "minutes": details.minutes,
            "offered_pence": offer.offered_pence,
            "choice": details.choice,
            "entry_id": entry.id if entry else None,
            "amount": entry.amount if entry else 0,
            "warnings": [text.code for text in offer.warnings],
        },
    )
    return involvement


def _kept_prompt_key(contributor: User, key: str) -> str:
    # A key the person has no open prompt for (logged a moment ago in another tab, or typed
    # in) is dropped: the entry is logged as written, linked to nothing.
    return key if key and is_open_prompt(contributor, key) else ""


def prefill_prompt(person: User, prompt: InvolvementPrompt) -> InvolvementDetails:
    """The entry a prompt offers: its words, time and activity to start from (the person
    corrects them), today's date, the person's usual choice, and the prompt's key."""
    activity = None
    if prompt.activity_names:
        activity = db.session.scalar(
            select(Activity)
            .where(func.lower(Activity.name).in_(prompt.activity_names))
            .order_by(Activity.id)
        )
    return InvolvementDetails(
        activity_id=activity.id if activity else 0,
        activity_on=programme.today_in(),
        minutes=min(prompt.minutes, 24 * 60),
        choice=prefill_choice(person),
        related_to=prompt.related_to,
        prompt_key=prompt.key,
    )


def entry_for_involvement(involvement_id: int) -> LedgerEntry | None:
    return db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.involvement_id == involvement_id, LedgerEntry.reverses_id.is_(None)
        )
    )
