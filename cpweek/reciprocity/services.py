"""The rules of the reciprocity ledger.

Involvement is what a contributor did; a ledger entry is what they are owed for it (or for an
expense). Entries are never edited: their status moves forward (pending -> queried -> pending
-> approved -> paid, or rejected / withdrawn) by conditional updates that fail if someone else
moved it first, and a correction is a reversing entry. Every action writes an audit entry in
the same transaction. Balances are sums over entries, per kind, never stored.

Nothing here commits: services flush and raise, and the request (or command) commits once, so a
refused action leaves nothing behind. Ledger rows are never locked with an UPDATE (the
append-only trigger would refuse one); their status moves by a conditional UPDATE instead.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from cpweek import audit
from cpweek.auth.models import Role, RoleGrant, User
from cpweek.csvfiles import csv_text
from cpweek.errors import DomainError
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.locks import lock_rows
from cpweek.money import LARGEST_AMOUNT_PENCE, TaxYear, format_pence, pence_to_plain, tax_year_of
from cpweek.programme import services as programme
from cpweek.programme.models import Event
from cpweek.reciprocity.models import (
    APPROVED_STATUSES,
    CLOSED_STATUSES,
    OWED_STATUSES,
    Activity,
    Choice,
    ContributorProfile,
    EntryKind,
    EntryQuery,
    EntryStatus,
    ExpenseCategory,
    ExpenseClaim,
    Guidance,
    HostingPromptDismissed,
    Involvement,
    LedgerEntry,
    PaymentMethod,
    PaymentRun,
    PublicCredit,
    Rate,
    RateUnit,
    Receipt,
    Recognition,
    RecognitionKind,
    RecognitionPreference,
    WarningSeen,
)
from cpweek.timezones import local_date, utcnow

CONTRIBUTOR_ROLES = (Role.CONTRIBUTOR, Role.CO_PRODUCER)
MONEY_KINDS = (EntryKind.FEE, EntryKind.CHARITY, EntryKind.VOUCHER, EntryKind.EXPENSE)
MAX_UNITS = 20
# The same activity in this many different weeks out of the last 13 looks like a regular role.
REGULAR_ROLE_WEEKS = 6
REGULAR_ROLE_WINDOW_DAYS = 91


class ReciprocityError(DomainError):
    pass


class NotAContributor(ReciprocityError):
    pass


class NoRate(ReciprocityError):
    pass


class RateOverlaps(ReciprocityError):
    pass


class WrongStatus(ReciprocityError):
    pass


class WarningsNotAcknowledged(ReciprocityError):
    pass


class BadReceipt(ReciprocityError):
    pass


def is_contributor(person: User) -> bool:
    return person.has_role(*CONTRIBUTOR_ROLES)


def _require_contributor(person: User) -> None:
    if not is_contributor(person):
        raise NotAContributor(
            f"{person.name} does not have the contributor role, so nothing can be logged for "
            "them. An admin can give them the role on the People page."
        )


def list_contributors() -> list[User]:
    """Everyone who holds the contributor or co-producer role, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(RoleGrant.user_id).where(
                        RoleGrant.role.in_([role.value for role in CONTRIBUTOR_ROLES])
                    )
                )
            )
            .order_by(func.lower(User.name), User.id)
        )
    )


def get_person(user_id: int) -> User | None:
    return db.session.get(User, user_id)


# --- profiles -----------------------------------------------------------------------------


@dataclass
class ProfileDetails:
    preferred_name: str
    contact_email: str = ""
    contact_phone: str = ""
    preference: str = RecognitionPreference.PAYMENT.value
    benefits_guidance: bool = False
    public_sector_employee: bool = False
    public_credit: str = PublicCredit.NAME.value
    pseudonym: str = ""
    payee_reference: str = ""


def get_profile(person_id: int) -> ContributorProfile | None:
    return db.session.scalar(
        select(ContributorProfile).where(ContributorProfile.user_id == person_id)
    )


def profile_or_default(person: User) -> ContributorProfile:
    """The saved profile, or an unsaved one with the account's name and email."""
    return get_profile(person.id) or ContributorProfile(
        user_id=person.id,
        preferred_name=person.name,
        contact_email=person.email,
        contact_phone="",
        preference=RecognitionPreference.PAYMENT.value,
        benefits_guidance=False,
        public_sector_employee=False,
        public_credit=PublicCredit.NAME.value,
        pseudonym="",
        payee_reference="",
    )


def _profile_state(profile: ContributorProfile) -> dict:
    return {
        name: getattr(profile, name)
        for name in ProfileDetails.__dataclass_fields__
        if hasattr(profile, name)
    }


def save_profile(person: User, details: ProfileDetails, by: User) -> ContributorProfile:
    """Create or update a contributor's profile. Only organisers set the payee reference."""
    _require_contributor(person)
    if not details.preferred_name.strip():
        raise ReciprocityError("Enter the name you would like us to use", "preferred_name")
    if details.public_credit == PublicCredit.PSEUDONYM and not details.pseudonym.strip():
        raise ReciprocityError("Enter the name you would like to be credited by", "pseudonym")
    profile = get_profile(person.id)
    before = _profile_state(profile) if profile else None
    if profile is None:
        profile = ContributorProfile(user_id=person.id)
        db.session.add(profile)
    payee_reference = profile.payee_reference or ""
    for name, value in details.__dict__.items():
        setattr(profile, name, value.strip() if isinstance(value, str) else value)
    if not by.has_role(Role.ORGANISER):
        profile.payee_reference = payee_reference
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.profile_saved",
        "contributor_profile",
        profile.id,
        before=before,
        after=_profile_state(profile),
    )
    return profile


def credit_name(person: User) -> str:
    """The name a public credit shows, as the person chose (name, pseudonym or anonymous)."""
    return profile_or_default(person).credit_name


# --- activities and rates -----------------------------------------------------------------


def list_activities() -> list[Activity]:
    return list(db.session.scalars(select(Activity).order_by(func.lower(Activity.name))))


def get_activity(activity_id: int) -> Activity | None:
    return db.session.get(Activity, activity_id)


def add_activity(name: str, by: User, *, for_hosting: bool = False) -> Activity:
    name = " ".join(name.split())
    if not name:
        raise ReciprocityError("Enter the activity's name", "name")
    exists = db.session.scalar(select(Activity.id).where(func.lower(Activity.name) == name.lower()))
    if exists:
        raise ReciprocityError(f"There is already an activity called “{name}”", "name")
    activity = Activity(name=name, for_hosting=for_hosting)
    db.session.add(activity)
    db.session.flush()
    audit.record(by.id, "reciprocity.activity_added", "activity", activity.id, after={"name": name})
    return activity


@dataclass
class RateDetails:
    activity_id: int
    unit: str
    pence: int
    starts_on: date
    source: str
    ends_on: date | None = None


def list_rates() -> list[tuple[Rate, Activity]]:
    """Every rate with its activity: by activity, newest first."""
    return list(
        db.session.execute(
            select(Rate, Activity)
            .join(Activity, Activity.id == Rate.activity_id)
            .order_by(func.lower(Activity.name), Rate.starts_on.desc())
        )
    )


def rate_in_force(activity_id: int, on: date) -> Rate | None:
    return db.session.scalar(
        select(Rate).where(
            Rate.activity_id == activity_id,
            Rate.starts_on <= on,
            or_(Rate.ends_on.is_(None), Rate.ends_on >= on),
        )
    )


def _overlaps(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end)


def add_rate(details: RateDetails, by: User) -> Rate:
    """A new rate for an activity. A rate with no end date that started earlier ends the day
    before the new one starts (so a rise is one step); any other overlap is refused."""
    activity = get_activity(details.activity_id)
    if activity is None:
        raise ReciprocityError("Choose an activity", "activity_id")
    if details.unit not in RateUnit._value2member_map_:
        raise ReciprocityError("Choose what the rate is for: an hour, a half day, a day or fixed")
    if not 0 < details.pence <= LARGEST_AMOUNT_PENCE:
        raise ReciprocityError(
            f"Enter a rate between £0.01 and {format_pence(LARGEST_AMOUNT_PENCE)}", "pounds"
        )
    if details.ends_on is not None and details.ends_on < details.starts_on:
        raise ReciprocityError("The end date must be on or after the start date", "ends_on")
    if not details.source.strip():
        raise ReciprocityError("Say which guidance or decision this rate follows", "source")
    # Lock the activity's rates so two organisers cannot add overlapping rates at once.
    lock_rows(Activity, [activity.id])
    return _new_rate(activity, details, by)


def _new_rate(activity: Activity, details: RateDetails, by: User) -> Rate:
    existing = list(db.session.scalars(select(Rate).where(Rate.activity_id == activity.id)))
    closing = None
    for rate in existing:
        if not _overlaps(details.starts_on, details.ends_on, rate.starts_on, rate.ends_on):
            continue
        replaces = details.ends_on is None and closing is None
        if replaces and rate.ends_on is None and rate.starts_on < details.starts_on:
            closing = rate
            continue
        ends = f" to {rate.ends_on:%-d %B %Y}" if rate.ends_on else " with no end date"
        raise RateOverlaps(
            f"{activity.name} already has a rate from {rate.starts_on:%-d %B %Y}{ends}. "
            "Choose dates that do not overlap it.",
            "starts_on",
        )
    if closing is not None:
        new_end = details.starts_on - timedelta(days=1)
        # The new rate ends where the next one starts, if that is later than its own end.
        later = [r for r in existing if r is not closing and r.starts_on > details.starts_on]
        if later and (details.ends_on is None or details.ends_on >= later[0].starts_on):
            raise RateOverlaps("That rate would overlap a later one", "starts_on")
        audit.record(
            by.id,
            "reciprocity.rate_ended",
            "rate",
            closing.id,
            before={"ends_on": None},
            after={"ends_on": new_end.isoformat()},
        )
        closing.ends_on = new_end
    rate = Rate(
        activity_id=activity.id,
        unit=details.unit,
        pence=details.pence,
        starts_on=details.starts_on,
        ends_on=details.ends_on,
        source=details.source.strip(),
        is_example=False,
        created_by_id=by.id,
    )
    db.session.add(rate)
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.rate_added",
        "rate",
        rate.id,
        after={
            "activity": activity.name,
            "unit": rate.unit,
            "pence": rate.pence,
            "starts_on": rate.starts_on.isoformat(),
            "ends_on": rate.ends_on.isoformat() if rate.ends_on else None,
            "source": rate.source,
        },
    )
    return rate


def confirm_rate(rate: Rate, by: User) -> None:
    """An organiser checked an example rate against their own policy."""
    if not rate.is_example:
        return
    rate.is_example = False
    audit.record(by.id, "reciprocity.rate_confirmed", "rate", rate.id, after={"is_example": False})


def get_rate(rate_id: int) -> Rate | None:
    return db.session.get(Rate, rate_id)


def fee_for(pence: int, unit: str, minutes: int, units: int) -> int:
    """The fee for an activity at a rate: hourly rates by the minute (rounded half up to the
    penny), others by the number of half days, days or times."""
    if unit == RateUnit.HOUR:
        return (pence * minutes + 30) // 60
    return pence * units


def credits_for(minutes: int) -> int:
    """Time credits, in hundredths: one hour is one credit (rounded half up)."""
    return (minutes * 100 + 30) // 60


def format_credits(hundredths: int) -> str:
    whole, rest = divmod(abs(hundredths), 100)
    value = ("−" if hundredths < 0 else "") + f"{whole}.{rest:02d}".rstrip("0").rstrip(".")
    return f"{value} credit{'' if hundredths == 100 else 's'}"


def format_amount(kind: str, amount: int) -> str:
    return format_credits(amount) if kind == EntryKind.TIME_CREDIT else format_pence(amount)


def format_hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    if not hours:
        return f"{rest} minutes"
    return f"{hours} h {rest} min"


# --- warnings and the guidance they show --------------------------------------------------

BENEFITS, TAX_THRESHOLD, REGULAR_ROLE, PUBLIC_SECTOR = (
    "benefits",
    "tax_threshold",
    "regular_role",
    "public_sector",
)


@dataclass(frozen=True)
class GuidanceText:
    code: str
    title: str
    body: str
    link_text: str = ""
    link_url: str = ""
    edited: bool = False


# Signposts, never advice (shared DOMAIN.md): organisers edit these on the guidance page.
# Each is written to the contributor, as "you": they are the one who decides what to accept.
GUIDANCE_DEFAULTS = {
    BENEFITS: GuidanceText(
        BENEFITS,
        "Payments and vouchers can affect benefits",
        "You asked to see guidance about benefits. Fees, and sometimes vouchers, can affect "
        "benefits such as Universal Credit, Employment and Support Allowance or Pension "
        "Credit, and the rules differ between benefits. We cannot give benefits advice. Before "
        "you accept, you may want to talk to an independent welfare-rights adviser. You can "
        "also take less, take time credits, or decline.",
        "Citizens Advice: benefits",
        "https://www.citizensadvice.org.uk/benefits/",
    ),
    TAX_THRESHOLD: GuidanceText(
        TAX_THRESHOLD,
        "Fees this tax year would pass {threshold}",
        "With this entry, your fees and vouchers in the tax year (6 April to 5 April) add up "
        "to more than {threshold}. Above the trading allowance you may need to tell HMRC "
        "through Self Assessment. This is not tax advice: HMRC's guidance explains the "
        "allowance.",
        "GOV.UK: tax-free allowances on trading income",
        "https://www.gov.uk/guidance/tax-free-allowances-on-property-and-trading-income",
    ),
    REGULAR_ROLE: GuidanceText(
        REGULAR_ROLE,
        "This looks like a regular, ongoing role",
        "You have logged this activity in several different weeks recently. Regular, ongoing "
        "work can change your employment status, so the organisers may need to review the "
        "arrangement with their finance or HR team. You can ask them about it.",
        "GOV.UK: employment status",
        "https://www.gov.uk/employment-status",
    ),
    PUBLIC_SECTOR: GuidanceText(
        PUBLIC_SECTOR,
        "You work in the public sector",
        "You told us you work for a public-sector organisation. If you did this in work time, "
        "your employer's rules may not allow a separate fee: please check with your employer.",
    ),
}
# What an organiser reads first, about the contributor, before the contributor's own wording.
ABOUT_THE_CONTRIBUTOR = {
    BENEFITS: "{name} asked to see guidance about benefits before accepting a fee or vouchers.",
    TAX_THRESHOLD: "{name}'s fees and vouchers in this tax year, with this entry, add up to "
    "more than {threshold}.",
    REGULAR_ROLE: "{name} has logged this activity in several different weeks recently. "
    "Regular, ongoing work can change someone's employment status: review the arrangement with "
    "the finance or HR team.",
    PUBLIC_SECTOR: "{name} told us they work for a public-sector organisation. If this was done "
    "in work time, their employer's rules may not allow a separate fee.",
}
THIS_CONTRIBUTOR = "This contributor"
WARNING_ORDER = (BENEFITS, TAX_THRESHOLD, REGULAR_ROLE, PUBLIC_SECTOR)


def guidance_for_editing() -> dict[str, GuidanceText]:
    """Each warning's wording as organisers edit it: their saved text, else the default."""
    saved = {row.code: row for row in db.session.scalars(select(Guidance))}
    return {
        code: GuidanceText(code, row.title, row.body, row.link_text, row.link_url, edited=True)
        if (row := saved.get(code))
        else GUIDANCE_DEFAULTS[code]
        for code in WARNING_ORDER
    }


def guidance() -> dict[str, GuidanceText]:
    """Each warning's wording as people see it, with the threshold filled in."""
    threshold = format_pence(current_app.config["FEE_WARNING_THRESHOLD_PENCE"])
    return {
        code: GuidanceText(
            code,
            text.title.replace("{threshold}", threshold),
            text.body.replace("{threshold}", threshold),
            text.link_text,
            text.link_url,
            text.edited,
        )
        for code, text in guidance_for_editing().items()
    }


@dataclass(frozen=True)
class WarningShown:
    """One warning as its reader sees it: the contributor reads the guidance written to them
    ("you"); an organiser reads first a line about the contributor, then that same guidance."""

    code: str
    title: str
    body: str
    link_text: str
    link_url: str
    about: str  # the organiser's line about the contributor; "" when the contributor reads it

    @property
    def for_contributor(self) -> bool:
        return not self.about


def about_the_contributor(code: str, name: str = THIS_CONTRIBUTOR) -> str:
    threshold = format_pence(current_app.config["FEE_WARNING_THRESHOLD_PENCE"])
    return ABOUT_THE_CONTRIBUTOR[code].format(name=name, threshold=threshold)


def worded_for(texts: list[GuidanceText], contributor: User, reader: User) -> list[WarningShown]:
    """The warnings of one entry worded for whoever reads them: the contributor themselves,
    or someone else (an organiser), who is told whom they are about."""
    own = reader.id == contributor.id
    return [
        WarningShown(
            text.code,
            text.title,
            text.body,
            text.link_text,
            text.link_url,
            "" if own else about_the_contributor(text.code, contributor.name),
        )
        for text in texts
    ]


def save_guidance(code: str, text: GuidanceText, by: User) -> None:
    if code not in GUIDANCE_DEFAULTS:
        raise ReciprocityError("There is no such warning")
    if not text.title.strip():
        raise ReciprocityError("Enter a title", "title")
    if not text.body.strip():
        raise ReciprocityError("Enter the wording people see", "body")
    if text.link_url and not text.link_url.startswith(("https://", "http://")):
        raise ReciprocityError("Enter a web address starting with https://", "link_url")
    if bool(text.link_url.strip()) != bool(text.link_text.strip()):
        raise ReciprocityError(
            "Enter both the link's words and its address, or neither", "link_text"
        )
    row = db.session.scalar(select(Guidance).where(Guidance.code == code))
    before = None
    if row is None:
        row = Guidance(code=code)
        db.session.add(row)
    else:
        before = {"title": row.title, "body": row.body, "link_url": row.link_url}
    row.title, row.body = text.title.strip(), text.body.strip()
    row.link_text, row.link_url = text.link_text.strip(), text.link_url.strip()
    row.updated_by_id = by.id
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.guidance_saved",
        "guidance",
        row.id,
        before=before,
        after={"code": code, "title": row.title, "body": row.body, "link_url": row.link_url},
    )


def _fees_in_tax_year(contributor_id: int, year: TaxYear, exclude_entry_id: int | None) -> int:
    query = select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
        LedgerEntry.contributor_id == contributor_id,
        LedgerEntry.kind.in_([EntryKind.FEE.value, EntryKind.VOUCHER.value]),
        LedgerEntry.status.notin_([s.value for s in CLOSED_STATUSES]),
        LedgerEntry.occurred_on.between(year.starts_on, year.ends_on),
    )
    if exclude_entry_id is not None:
        query = query.where(LedgerEntry.id != exclude_entry_id)
    return db.session.scalar(query)


def _still_counts():
    """An involvement counts (portfolio, certificate, regular-role check, hosting prompts)
    unless its entry was rejected or withdrawn; a declined fee still counts."""
    closed = select(LedgerEntry.id).where(
        LedgerEntry.involvement_id == Involvement.id,
        LedgerEntry.status.in_([s.value for s in CLOSED_STATUSES]),
    )
    return ~closed.exists()


def _approved_work():
    """The one rule for "approved" work (the certificate, the portfolio's column): an
    involvement whose entry an organiser approved (paid or not) and nobody reversed since. An
    entry waiting for approval or an answer, rejected, withdrawn or reversed does not count.
    Declining payment is the person's own choice and leaves nothing to approve, so declined
    work counts as it stands (otherwise "recognition only" would earn no certificate)."""
    entry, reversal = aliased(LedgerEntry), aliased(LedgerEntry)
    approved_entry = (
        select(entry.id)
        .where(
            entry.involvement_id == Involvement.id,
            entry.reverses_id.is_(None),
            entry.status.in_([s.value for s in APPROVED_STATUSES]),
            ~select(reversal.id).where(reversal.reverses_id == entry.id).exists(),
        )
        .exists()
    )
    return or_(Involvement.choice == Choice.DECLINE.value, approved_entry)


def _weeks_of_activity(contributor_id: int, activity_id: int, on: date, exclude_id=None) -> int:
    """How many different weeks, in the 13 ending on `on`, hold this activity (counting `on`)."""
    query = select(Involvement.activity_on).where(
        Involvement.contributor_id == contributor_id,
        Involvement.activity_id == activity_id,
        Involvement.activity_on.between(on - timedelta(days=REGULAR_ROLE_WINDOW_DAYS), on),
        _still_counts(),
    )
    if exclude_id is not None:
        query = query.where(Involvement.id != exclude_id)
    days = set(db.session.scalars(query)) | {on}
    return len({day.isocalendar()[:2] for day in days})


def warning_codes(
    contributor_id: int,
    kind: str,
    amount: int,
    occurred_on: date,
    *,
    activity_id: int | None = None,
    entry_id: int | None = None,
    involvement_id: int | None = None,
) -> list[str]:
    """Which warnings apply to an entry (saved, or about to be): DOMAIN.md's four."""
    profile = get_profile(contributor_id)
    codes = []
    paid_in_money_or_vouchers = kind in (EntryKind.FEE, EntryKind.VOUCHER) and amount > 0
    if profile and profile.benefits_guidance and paid_in_money_or_vouchers:
        codes.append(BENEFITS)
    if paid_in_money_or_vouchers:
        year = tax_year_of(occurred_on)
        total = _fees_in_tax_year(contributor_id, year, entry_id) + amount
        if total > current_app.config["FEE_WARNING_THRESHOLD_PENCE"]:
            codes.append(TAX_THRESHOLD)
    if activity_id is not None:
        weeks = _weeks_of_activity(contributor_id, activity_id, occurred_on, involvement_id)
        if weeks >= REGULAR_ROLE_WEEKS:
            codes.append(REGULAR_ROLE)
    if profile and profile.public_sector_employee and kind == EntryKind.FEE and amount > 0:
        codes.append(PUBLIC_SECTOR)
    return codes


def warnings_for(entry: LedgerEntry) -> list[GuidanceText]:
    if entry.is_reversal or entry.status not in OWED_STATUSES:
        return []  # warnings come before approval; who saw them stays on record
    involvement = (
        db.session.get(Involvement, entry.involvement_id) if entry.involvement_id else None
    )
    codes = warning_codes(
        entry.contributor_id,
        entry.kind,
        entry.amount,
        entry.occurred_on,
        activity_id=involvement.activity_id if involvement else None,
        entry_id=entry.id,
        involvement_id=involvement.id if involvement else None,
    )
    texts = guidance()
    return [texts[code] for code in codes]


def _record_seen(entry: LedgerEntry, codes: list[str], person: User) -> None:
    # Two tabs showing the same entry at once both record it: the second insert does nothing.
    for code in codes:
        insert_unless_present(
            WarningSeen,
            {
                "entry_id": entry.id,
                "code": code,
                "user_id": person.id,
                "as_organiser": person.id != entry.contributor_id,
                "seen_at": utcnow(),
            },
            [WarningSeen.entry_id, WarningSeen.code, WarningSeen.user_id],
        )


def record_warnings_seen(entry: LedgerEntry, person: User) -> None:
    """The person has just been shown the entry's warnings (its page was displayed)."""
    codes = [text.code for text in warnings_for(entry)]
    if codes:
        _record_seen(entry, codes, person)


def warnings_seen(entry_id: int) -> list[tuple[WarningSeen, str]]:
    return list(
        db.session.execute(
            select(WarningSeen, User.name)
            .join(User, User.id == WarningSeen.user_id)
            .where(WarningSeen.entry_id == entry_id)
            .order_by(WarningSeen.seen_at, WarningSeen.id)
        )
    )


# --- logging involvement ------------------------------------------------------------------


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
    if details.event_id is not None and not _listed_event(details.event_id):
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
    _require_contributor(contributor)
    _require_self_or_organiser(contributor.id, by)
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
        _record_seen(entry, [text.code for text in offer.warnings], by)
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


def prefill_choice(person: User) -> str:
    """The choice a new activity starts with: what the person said they usually prefer."""
    preference = profile_or_default(person).preference
    return {
        RecognitionPreference.VOUCHERS: Choice.VOUCHERS,
        RecognitionPreference.TIME_CREDITS: Choice.TIME_CREDITS,
        RecognitionPreference.RECOGNITION_ONLY: Choice.DECLINE,
        RecognitionPreference.DECLINE: Choice.DECLINE,
    }.get(preference, Choice.FEE).value


def entry_for_involvement(involvement_id: int) -> LedgerEntry | None:
    return db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.involvement_id == involvement_id, LedgerEntry.reverses_id.is_(None)
        )
    )


# --- expenses and receipts ----------------------------------------------------------------


@dataclass
class ExpenseDetails:
    category: str
    spent_on: date
    pence: int
    description: str
    in_advance: bool = False
    event_id: int | None = None


@dataclass
class Upload:
    filename: str
    data: bytes


RECEIPT_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def receipt_type(data: bytes) -> tuple[str, str]:
    """The content type and extension from the file's first bytes, whatever its name says."""
    for signature, content_type, extension in RECEIPT_TYPES:
        if data.startswith(signature):
            return content_type, extension
    raise BadReceipt("The receipt must be a PDF, or a photo in JPEG or PNG format", "receipt")


def _check_receipt(upload: Upload) -> tuple[str, str]:
    largest = current_app.config["RECEIPT_MAX_BYTES"]
    if not upload.data:
        raise BadReceipt("The receipt file is empty", "receipt")
    if len(upload.data) > largest:
        raise BadReceipt(
            f"The receipt must be smaller than {largest // (1024 * 1024)} MB", "receipt"
        )
    return receipt_type(upload.data)


def _new_receipt(expense_id: int, upload: Upload, by: User) -> Receipt:
    content_type, extension = _check_receipt(upload)
    stem = "".join(ch for ch in upload.filename.rsplit(".", 1)[0] if ch.isalnum() or ch in "-_ ")
    return Receipt(
        expense_id=expense_id,
        filename=f"{(stem.strip() or 'receipt')[:80]}.{extension}",
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        data=upload.data,
        uploaded_by_id=by.id,
    )


def claim_expense(
    contributor: User, details: ExpenseDetails, receipt: Upload | None, by: User
) -> ExpenseClaim:
    """An expense claim and its ledger entry, with an optional receipt. An expense to be paid
    in advance may be dated in the future; anything else must have happened."""
    _require_contributor(contributor)
    _require_self_or_organiser(contributor.id, by)
    if details.category not in ExpenseCategory._value2member_map_:
        raise ReciprocityError("Choose what the expense was for", "category")
    today = programme.today_in()
    if details.spent_on > today and not details.in_advance:
        raise ReciprocityError(
            "The date cannot be in the future. For a cost still to come, tick “ask for it "
            "to be approved in advance”.",
            "spent_on",
        )
    if details.spent_on > today + timedelta(days=366):
        raise ReciprocityError("Enter a date within the next year", "spent_on")
    if details.spent_on < today - timedelta(days=6 * 366):
        raise ReciprocityError("Enter a date in the last six years", "spent_on")
    if not 0 < details.pence <= LARGEST_AMOUNT_PENCE:
        raise ReciprocityError(
            f"Enter an amount between £0.01 and {format_pence(LARGEST_AMOUNT_PENCE)}", "amount"
        )
    if not details.description.strip():
        raise ReciprocityError("Say what the expense was, like “train to Leeds”", "description")
    if details.event_id is not None and not _listed_event(details.event_id):
        raise ReciprocityError("Choose an event from the list", "event_id")
    if receipt is not None:
        _check_receipt(receipt)  # before anything is written
    claim = ExpenseClaim(
        contributor_id=contributor.id,
        category=details.category,
        spent_on=details.spent_on,
        pence=details.pence,
        description=details.description.strip(),
        in_advance=details.in_advance,
        event_id=details.event_id,
        created_by_id=by.id,
    )
    db.session.add(claim)
    db.session.flush()
    entry = LedgerEntry(
        contributor_id=contributor.id,
        kind=EntryKind.EXPENSE.value,
        amount=details.pence,
        occurred_on=details.spent_on,
        description=f"{ExpenseCategory(details.category).label}: {claim.description}"[:300],
        expense_id=claim.id,
        status=EntryStatus.PENDING.value,
        created_by_id=by.id,
    )
    db.session.add(entry)
    if receipt is not None:
        db.session.add(_new_receipt(claim.id, receipt, by))
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.expense_claimed",
        "expense_claim",
        claim.id,
        after={
            "contributor_id": contributor.id,
            "category": claim.category,
            "pence": claim.pence,
            "in_advance": claim.in_advance,
            "entry_id": entry.id,
            "receipt": receipt is not None,
        },
    )
    return claim


def entry_for_expense(expense_id: int) -> LedgerEntry | None:
    return db.session.scalar(
        select(LedgerEntry).where(
            LedgerEntry.expense_id == expense_id, LedgerEntry.reverses_id.is_(None)
        )
    )


def add_receipt(expense: ExpenseClaim, upload: Upload, by: User) -> Receipt:
    _require_self_or_organiser(expense.contributor_id, by)
    entry = entry_for_expense(expense.id)
    if entry is not None and entry.status in CLOSED_STATUSES:
        raise BadReceipt(
            f"This expense is “{EntryStatus(entry.status).label.lower()}”: no receipt is needed",
            "receipt",
        )
    receipt = _new_receipt(expense.id, upload, by)
    db.session.add(receipt)
    db.session.flush()
    audit.record(
        by.id,
        "reciprocity.receipt_added",
        "receipt",
        receipt.id,
        after={"expense_id": expense.id, "size": receipt.size, "sha256": receipt.sha256},
    )
    return receipt


def get_receipt(receipt_id: int) -> tuple[Receipt, int] | None:
    """A receipt with the id of the contributor it belongs to (the bytes are not loaded)."""
    row = db.session.execute(
        select(Receipt, ExpenseClaim.contributor_id)
        .join(ExpenseClaim, ExpenseClaim.id == Receipt.expense_id)
        .where(Receipt.id == receipt_id)
    ).first()
    return tuple(row) if row else None


# --- entries and their workflow -----------------------------------------------------------


def get_entry(entry_id: int) -> LedgerEntry | None:
    return db.session.get(LedgerEntry, entry_id)


@dataclass
class EntryView:
    entry: LedgerEntry
    contributor: User
    involvement: Involvement | None
    activity: Activity | None
    event: Event | None
    expense: ExpenseClaim | None
    receipts: list[Receipt]
    queries: list[EntryQuery]
    reverses: LedgerEntry | None
    reversed_by: LedgerEntry | None
    payment: PaymentRun | None
    decided_by: User | None
    warnings: list[GuidanceText]

    @property
    def is_open(self) -> bool:
        """Still waiting for a decision: it can be rejected, or withdrawn by its owner."""
        return self.entry.status in OWED_STATUSES

    @property
    def takes_receipts(self) -> bool:
        return self.expense is not None and self.entry.status not in CLOSED_STATUSES

    @property
    def can_reverse(self) -> bool:
        """What `reverse` accepts: approved or paid, not a reversal, not reversed already."""
        return (
            self.entry.status in APPROVED_STATUSES
            and not self.entry.is_reversal
            and self.reversed_by is None
        )


def entry_view(entry: LedgerEntry) -> EntryView:
    involvement = (
        db.session.get(Involvement, entry.involvement_id) if entry.involvement_id else None
    )
    expense = db.session.get(ExpenseClaim, entry.expense_id) if entry.expense_id else None
    event_id = (involvement or expense).event_id if (involvement or expense) else None
    return EntryView(
        entry=entry,
        contributor=db.session.get(User, entry.contributor_id),
        involvement=involvement,
        activity=db.session.get(Activity, involvement.activity_id) if involvement else None,
        event=programme.get_event(event_id) if event_id else None,
        expense=expense,
        receipts=list(
            db.session.scalars(
                select(Receipt).where(Receipt.expense_id == expense.id).order_by(Receipt.id)
            )
        )
        if expense
        else [],
        queries=list(
            db.session.scalars(
                select(EntryQuery).where(EntryQuery.entry_id == entry.id).order_by(EntryQuery.id)
            )
        ),
        reverses=db.session.get(LedgerEntry, entry.reverses_id) if entry.reverses_id else None,
        reversed_by=db.session.scalar(
            select(LedgerEntry).where(LedgerEntry.reverses_id == entry.id)
        ),
        payment=db.session.get(PaymentRun, entry.payment_run_id) if entry.payment_run_id else None,
        decided_by=db.session.get(User, entry.decided_by_id) if entry.decided_by_id else None,
        warnings=warnings_for(entry),
    )


def entries_for(contributor_id: int) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            select(LedgerEntry)
            .where(LedgerEntry.contributor_id == contributor_id)
            .order_by(LedgerEntry.occurred_on.desc(), LedgerEntry.id.desc())
        )
    )


def _move(entry: LedgerEntry, allowed: tuple[EntryStatus, ...], to: EntryStatus, **values):
    """Move an entry's status, only if it is still in one of `allowed` (checked in the UPDATE
    itself, so two organisers clicking at once cannot both succeed)."""
    before = entry.status
    result = db.session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.id == entry.id, LedgerEntry.status.in_([s.value for s in allowed]))
        .values(status=to.value, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(entry)
        raise WrongStatus(_status_refusal(entry, to))
    db.session.expire(entry)
    return before


def _record_move(by: User, action: str, entry: LedgerEntry, before: str, to: EntryStatus, **after):
    audit.record(
        by.id,
        f"reciprocity.{action}",
        "ledger_entry",
        entry.id,
        before={"status": before},
        after={"status": to.value, **after},
    )


def _status_refusal(entry: LedgerEntry, wanted: EntryStatus) -> str:
    status = EntryStatus(entry.status)
    verbs = {
        EntryStatus.APPROVED: "approved",
        EntryStatus.PAID: "paid",
        EntryStatus.REJECTED: "rejected",
        EntryStatus.WITHDRAWN: "withdrawn",
        EntryStatus.QUERIED: "queried",
        EntryStatus.PENDING: "answered",
    }
    if status == wanted:
        who = db.session.get(User, entry.decided_by_id) if entry.decided_by_id else None
        return f"This entry is already {verbs[status]}" + (f" (by {who.name})." if who else ".")
    if wanted == EntryStatus.PAID:
        return f"Only approved entries can be paid; this one is “{status.label.lower()}”."
    return f"This entry is “{status.label.lower()}”, so it cannot be {verbs[wanted]} now."


def _require_self_or_organiser(person_id: int, by: User) -> None:
    if by.id != person_id and not by.has_role(Role.ORGANISER):
        raise ReciprocityError("Only the contributor or an organiser can do that")


def _require_organiser(by: User) -> None:
    if not by.has_role(Role.ORGANISER):
        raise ReciprocityError("Only organisers can do that")


def approve(entry: LedgerEntry, by: User, *, warnings_acknowledged: bool = False) -> None:
    """Approve an entry, which locks it. With warnings, the organiser must say they have read
    them, and that is recorded."""
    _require_organiser(by)
    _refuse_own([entry], by)
    codes = [text.code for text in warnings_for(entry)]
    if entry.status == EntryStatus.PENDING and codes and not warnings_acknowledged:
        raise WarningsNotAcknowledged(
            "Read the warnings and tick the box to say you have, before approving",
            "acknowledge",
        )
    before = _move(
        entry,
        (EntryStatus.PENDING,),
        EntryStatus.APPROVED,
        decided_by_id=by.id,
        decided_at=utcnow(),
    )
    _record_seen(entry, codes, by)
    _record_move(by, "entry_approved", entry, before, EntryStatus.APPROVED, warnings_seen=codes)


def query_entry(entry: LedgerEntry, question: str, by: User) -> EntryQuery:
    _require_organiser(by)
    _refuse_own([entry], by)
    if not question.strip():
        raise ReciprocityError("Write the question for the contributor", "question")
    before = _move(entry, (EntryStatus.PENDING,), EntryStatus.QUERIED)
    asked = EntryQuery(entry_id=entry.id, question=question.strip(), asked_by_id=by.id)
    db.session.add(asked)
    db.session.flush()
    _record_move(by, "entry_queried", entry, before, EntryStatus.QUERIED, question=asked.question)
    return asked


def answer_query(entry: LedgerEntry, answer: str, by: User) -> None:
    """The contributor answers the open question; the entry goes back for approval."""
    _require_self_or_organiser(entry.contributor_id, by)
    if not answer.strip():
        raise ReciprocityError("Write your answer", "answer")
    open_query = db.session.scalar(
        select(EntryQuery)
        .where(EntryQuery.entry_id == entry.id, EntryQuery.answered_at.is_(None))
        .order_by(EntryQuery.id.desc())
    )
    before = _move(entry, (EntryStatus.QUERIED,), EntryStatus.PENDING)
    if open_query is not None:
        open_query.answer = answer.strip()
        open_query.answered_by_id = by.id
        open_query.answered_at = utcnow()
    _record_move(by, "query_answered", entry, before, EntryStatus.PENDING, answer=answer.strip())


def reject(entry: LedgerEntry, reason: str, by: User) -> None:
    _require_organiser(by)
    _refuse_own([entry], by)
    if not reason.strip():
        raise ReciprocityError("Give the reason, which the contributor will see", "reason")
    before = _move(
        entry,
        OWED_STATUSES,
        EntryStatus.REJECTED,
        decided_by_id=by.id,
        decided_at=utcnow(),
        reason=reason.strip(),
    )
    _record_move(by, "entry_rejected", entry, before, EntryStatus.REJECTED, reason=reason.strip())


def withdraw(entry: LedgerEntry, by: User) -> None:
    """The contributor takes back an entry nobody has approved yet (to log it again, say)."""
    if by.id != entry.contributor_id:
        raise ReciprocityError("Only the contributor can withdraw their entry")
    before = _move(entry, OWED_STATUSES, EntryStatus.WITHDRAWN)
    _record_move(by, "entry_withdrawn", entry, before, EntryStatus.WITHDRAWN)


def reverse(entry: LedgerEntry, reason: str, by: User) -> LedgerEntry:
    """Correct an approved or paid entry with an equal and opposite one, approved at once.
    The original is untouched; both stay on every statement."""
    _require_organiser(by)
    _refuse_own([entry], by)
    if entry.is_reversal:
        raise WrongStatus("A reversal cannot itself be reversed. Log a new entry instead.")
    if entry.status not in APPROVED_STATUSES:
        raise WrongStatus(
            "Only approved or paid entries are reversed; reject or withdraw this one instead."
        )
    if not reason.strip():
        raise ReciprocityError("Give the reason for the correction", "reason")
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry.id)):
        raise WrongStatus("This entry has already been reversed.")
    reversal = LedgerEntry(
        contributor_id=entry.contributor_id,
        kind=entry.kind,
        amount=-entry.amount,
        occurred_on=entry.occurred_on,
        description=f"Correction of entry {entry.id}: {entry.description}"[:300],
        reverses_id=entry.id,
        reason=reason.strip(),
        status=EntryStatus.APPROVED.value,
        created_by_id=by.id,
        decided_by_id=by.id,
        decided_at=utcnow(),
    )
    db.session.add(reversal)
    try:
        db.session.flush()
    except IntegrityError:
        # Reversed by someone else a moment ago: the failed flush leaves the session unusable,
        # and the request is refused anyway.
        db.session.rollback()
        raise WrongStatus("This entry has already been reversed.") from None
    audit.record(
        by.id,
        "reciprocity.entry_reversed",
        "ledger_entry",
        entry.id,
        before={"status": entry.status},
        after={"reversal_id": reversal.id, "amount": reversal.amount, "reason": reversal.reason},
    )
    return reversal


# --- payment runs -------------------------------------------------------------------------


@dataclass
class PayableEntry:
    entry: LedgerEntry
    contributor: User
    payee_reference: str
    days_waiting: int
    name: str = ""  # the contributor's preferred name, else their account's

    def __post_init__(self) -> None:
        self.name = self.name or self.contributor.name


def payable_entries(today: date | None = None) -> list[PayableEntry]:
    """Approved entries not yet paid, oldest approval first, with how long each has waited."""
    today = today or programme.today_in()
    rows = db.session.execute(
        select(
            LedgerEntry,
            User,
            ContributorProfile.payee_reference,
            ContributorProfile.preferred_name,
        )
        .join(User, User.id == LedgerEntry.contributor_id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(LedgerEntry.status == EntryStatus.APPROVED.value)
        .order_by(LedgerEntry.decided_at, LedgerEntry.id)
    ).all()
    return [
        PayableEntry(entry, person, reference or "", _days_since(entry, today), preferred or "")
        for entry, person, reference, preferred in rows
    ]


def _days_since(entry: LedgerEntry, today: date) -> int:
    approved_on = local_date(entry.decided_at, current_app.config["CPWEEK_TIMEZONE"])
    return max(0, (today - approved_on).days)


@dataclass
class Oldest:
    """The oldest few of a long list, with how many there are in all."""

    items: list
    count: int


def _not_cancelled_out():
    """An approved, unpaid entry whose approved, unpaid reversal cancels it (and that reversal)
    is nothing to pay: both are left off the aged list."""
    reversal, original = aliased(LedgerEntry), aliased(LedgerEntry)
    return and_(
        ~exists().where(
            reversal.reverses_id == LedgerEntry.id,
            reversal.status == EntryStatus.APPROVED.value,
        ),
        ~exists().where(
            original.id == LedgerEntry.reverses_id,
            original.status == EntryStatus.APPROVED.value,
        ),
    )


def approved_not_paid(today: date | None = None, limit: int = 50) -> Oldest:
    """The "pay promptly" list: approved and unpaid, oldest approval first, with the days each
    has waited; the oldest `limit` of them and the count of all."""
    today = today or programme.today_in()
    # A negative entry (a paid amount corrected) is money to recover, not to pay.
    waiting = and_(
        LedgerEntry.status == EntryStatus.APPROVED.value,
        LedgerEntry.amount > 0,
        _not_cancelled_out(),
    )
    rows = db.session.execute(
        select(LedgerEntry, User, ContributorProfile.payee_reference)
        .join(User, User.id == LedgerEntry.contributor_id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(waiting)
        .order_by(LedgerEntry.decided_at, LedgerEntry.id)
        .limit(limit)
    ).all()
    count = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(waiting))
    return Oldest(
        [PayableEntry(e, person, ref or "", _days_since(e, today)) for e, person, ref in rows],
        count,
    )


@dataclass
class PaymentDetails:
    paid_on: date
    method: str
    reference: str


def record_payment_run(entry_ids: list[int], details: PaymentDetails, by: User) -> PaymentRun:
    """Mark approved entries paid in one run. All or nothing: an entry that is not approved
    (or was paid a moment ago by someone else) stops the whole run."""
    _require_organiser(by)
    ids = sorted(set(entry_ids))
    if not ids:
        raise ReciprocityError("Choose at least one entry to pay", "entries")
    if details.method not in PaymentMethod._value2member_map_:
        raise ReciprocityError("Choose how it was paid", "method")
    if not details.reference.strip():
        raise ReciprocityError("Enter the finance system's reference for this payment", "reference")
    today = programme.today_in()
    if details.paid_on > today:
        raise ReciprocityError("The payment date cannot be in the future", "paid_on")
    entries = list(db.session.scalars(select(LedgerEntry).where(LedgerEntry.id.in_(ids))))
    if len(entries) != len(ids):
        raise ReciprocityError("One of those entries does not exist", "entries")
    not_approved = [e for e in entries if e.status != EntryStatus.APPROVED]
    if not_approved:
        first = not_approved[0]
        raise WrongStatus(
            f"Entry {first.id} ({first.description}) is “{EntryStatus(first.status).label.lower()}”"
            ": only approved entries can be paid.",
            "entries",
        )
    _refuse_own(entries, by)
    _check_pairs_paid_together(entries)
    net: dict[tuple[int, str], int] = defaultdict(int)
    for entry in entries:
        net[entry.contributor_id, entry.kind] += entry.amount
    if details.method == PaymentMethod.MONEY_RETURNED:
        if any(entry.amount > 0 for entry in entries):
            raise ReciprocityError(
                "Money returned settles corrections only: choose just the negative entries",
                "entries",
            )
    elif any(total < 0 for total in net.values()):
        raise ReciprocityError(
            "That run would pay someone a negative amount (a correction larger than what is "
            "paid with it). Pay the correction together with new entries, or, once the person "
            "has paid it back, record it with the method “Money returned”.",
            "entries",
        )
    if details.paid_on < today - timedelta(days=6 * 366):
        raise ReciprocityError("Enter a payment date in the last six years", "paid_on")
    run = PaymentRun(
        paid_on=details.paid_on,
        method=details.method,
        reference=details.reference.strip(),
        created_by_id=by.id,
    )
    db.session.add(run)
    db.session.flush()
    result = db.session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.id.in_(ids), LedgerEntry.status == EntryStatus.APPROVED.value)
        .values(status=EntryStatus.PAID.value, payment_run_id=run.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):
        raise WrongStatus(
            "Some of those entries were paid or changed a moment ago. Nothing was recorded: "
            "check the list and try again.",
            "entries",
        )
    audit.record(
        by.id,
        "reciprocity.payment_run",
        "payment_run",
        run.id,
        after={
            "entries": ids,
            "paid_on": details.paid_on.isoformat(),
            "method": details.method,
            "reference": run.reference,
            "total_pence": sum(e.amount for e in entries if not EntryKind(e.kind).in_credits),
        },
    )
    for entry in entries:
        db.session.expire(entry)
    return run


def _check_pairs_paid_together(entries: list[LedgerEntry]) -> None:
    """An approved entry and its approved reversal cancel out: they are paid (closed) in the
    same run or not at all, so the original can never be paid on its own."""
    chosen = {entry.id for entry in entries}
    originals = [entry.reverses_id for entry in entries if entry.reverses_id is not None]
    open_pairs = (
        db.session.execute(
            select(LedgerEntry.reverses_id, LedgerEntry.id).where(
                LedgerEntry.status == EntryStatus.APPROVED.value,
                LedgerEntry.reverses_id.in_(chosen),
            )
        ).all()
        + db.session.execute(
            select(LedgerEntry.id, LedgerEntry.id).where(
                LedgerEntry.status == EntryStatus.APPROVED.value, LedgerEntry.id.in_(originals)
            )
        ).all()
    )
    reversal_of = {entry.reverses_id: entry.id for entry in entries if entry.reverses_id}
    for original_id, other_id in open_pairs:
        reversal_id = other_id if other_id != original_id else reversal_of[original_id]
        if (original_id in chosen) != (reversal_id in chosen):
            raise ReciprocityError(
                f"Entries {original_id} and {reversal_id} cancel each other out (one corrects "
                "the other): choose both or neither.",
                "entries",
            )


def _refuse_own(entries: list[LedgerEntry], by: User) -> None:
    if any(entry.contributor_id == by.id for entry in entries):
        raise ReciprocityError(
            "You cannot decide on or pay your own entries: another organiser must.", "entries"
        )


def get_payment_run(run_id: int) -> PaymentRun | None:
    return db.session.get(PaymentRun, run_id)


def list_payment_runs() -> list[PaymentRun]:
    return list(db.session.scalars(select(PaymentRun).order_by(PaymentRun.id.desc())))


@dataclass
class RunLine:
    entry: LedgerEntry
    contributor: User
    payee_reference: str
    name: str  # the contributor's preferred name, else their account's


@dataclass
class PersonTotals:
    """What one person is paid in a run: the figures to check against one bank transfer."""

    contributor: User
    name: str
    payee_reference: str
    entries: int = 0
    by_kind: dict[EntryKind, int] = field(default_factory=dict)

    @property
    def money(self) -> int:
        """Fees, charity, vouchers and expenses together, in pence (time credits are not money)."""
        return sum(amount for kind, amount in self.by_kind.items() if not kind.in_credits)


@dataclass
class PaymentSummary:
    """The number of entries and the totals of a payment run (about to be recorded, or
    recorded), per kind and per person, so the organiser can check them against the payment
    itself. Kinds are kept apart; "money" adds the ones paid in pounds."""

    entries: int
    by_kind: dict[EntryKind, int]
    people: list[PersonTotals]

    @property
    def money(self) -> int:
        return sum(amount for kind, amount in self.by_kind.items() if not kind.in_credits)

    @property
    def kinds(self) -> list[EntryKind]:
        """The kinds in the run, in the ledger's order."""
        return [kind for kind in EntryKind if kind in self.by_kind]

    @property
    def money_kinds(self) -> int:
        return sum(1 for kind in self.by_kind if not kind.in_credits)


def payment_summary(lines: list[PayableEntry] | list[RunLine]) -> PaymentSummary:
    """Count and add up the lines of a run: for everyone, and per person (by name). A
    correction paid in the same run counts as a line and takes its amount off."""
    by_kind: dict[EntryKind, int] = {}
    people: dict[int, PersonTotals] = {}
    for line in lines:
        entry, kind = line.entry, EntryKind(line.entry.kind)
        person = people.get(entry.contributor_id)
        if person is None:
            person = people[entry.contributor_id] = PersonTotals(
                line.contributor, line.name, line.payee_reference
            )
        person.entries += 1
        person.by_kind[kind] = person.by_kind.get(kind, 0) + entry.amount
        by_kind[kind] = by_kind.get(kind, 0) + entry.amount
    ordered = sorted(people.values(), key=lambda p: (p.name.lower(), p.contributor.id))
    return PaymentSummary(sum(p.entries for p in ordered), by_kind, ordered)


def payment_run_lines(run: PaymentRun) -> list[RunLine]:
    """The entries a run paid, by contributor, with their payee references: one query."""
    return [
        RunLine(entry, person, reference or "", preferred or person.name)
        for entry, person, reference, preferred in db.session.execute(
            select(
                LedgerEntry,
                User,
                ContributorProfile.payee_reference,
                ContributorProfile.preferred_name,
            )
            .join(User, User.id == LedgerEntry.contributor_id)
            .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
            .where(LedgerEntry.payment_run_id == run.id)
            .order_by(func.lower(User.name), LedgerEntry.id)
        )
    ]


def payment_run_csv(run: PaymentRun) -> str:
    """One line per entry for the finance system: who (by payee reference), what, how much."""
    rows = [
        [
            "payment_run",
            "paid_on",
            "method",
            "reference",
            "payee_reference",
            "contributor",
            "entry",
            "activity_date",
            "kind",
            "description",
            "amount_gbp",
            "time_credits",
        ]
    ]
    for line in payment_run_lines(run):
        entry = line.entry
        credits = EntryKind(entry.kind).in_credits
        rows.append(
            [
                run.id,
                run.paid_on.isoformat(),
                run.method,
                run.reference,
                line.payee_reference,
                line.name,
                entry.id,
                entry.occurred_on.isoformat(),
                entry.kind,
                entry.description,
                "" if credits else pence_to_plain(entry.amount),
                pence_to_plain(entry.amount) if credits else "",  # hundredths: same digits,
            ]
        )
    return csv_text(rows)


# --- balances and statements --------------------------------------------------------------


@dataclass
class Buckets:
    owed: int = 0  # waiting for approval (or for an answer to a question)
    approved: int = 0  # approved, not yet paid
    paid: int = 0

    @property
    def total(self) -> int:
        return self.owed + self.approved + self.paid


def _bucket_of(status: str) -> str | None:
    if status in OWED_STATUSES:
        return "owed"
    if status == EntryStatus.APPROVED:
        return "approved"
    if status == EntryStatus.PAID:
        return "paid"
    return None


def _year_filter(year: TaxYear | None):
    if year is None:
        return True
    return LedgerEntry.occurred_on.between(year.starts_on, year.ends_on)


def balances(contributor_id: int, year: TaxYear | None = None) -> dict[EntryKind, Buckets]:
    """Owed, approved and paid per kind: sums of the ledger's entries, in one query."""
    totals = {kind: Buckets() for kind in EntryKind}
    rows = db.session.execute(
        select(LedgerEntry.kind, LedgerEntry.status, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.contributor_id == contributor_id, _year_filter(year))
        .group_by(LedgerEntry.kind, LedgerEntry.status)
    )
    for kind, status, amount in rows:
        bucket = _bucket_of(status)
        if bucket:
            setattr(
                totals[EntryKind(kind)], bucket, getattr(totals[EntryKind(kind)], bucket) + amount
            )
    return totals


def money_owed(contributor_id: int) -> Buckets:
    """Fees, charity, vouchers and expenses waiting and approved-unpaid, in every tax year."""
    totals = balances(contributor_id)
    return Buckets(
        sum(totals[kind].owed for kind in MONEY_KINDS),
        sum(totals[kind].approved for kind in MONEY_KINDS),
        sum(totals[kind].paid for kind in MONEY_KINDS),
    )


@dataclass
class ContributorBalance:
    person: User
    payee_reference: str
    totals: dict[EntryKind, Buckets]

    @property
    def credits(self) -> Buckets:
        return self.totals[EntryKind.TIME_CREDIT]

    @property
    def money(self) -> Buckets:
        """Fees, charity, vouchers and expenses together: what the finance team pays."""
        return Buckets(
            *(
                sum(getattr(self.totals[kind], bucket) for kind in MONEY_KINDS)
                for bucket in ("owed", "approved", "paid")
            )
        )


def all_balances(year: TaxYear | None = None) -> list[ContributorBalance]:
    """Every contributor with entries (in the year), with their balances: two queries."""
    amount = LedgerEntry.amount
    sums = [
        func.sum(case((LedgerEntry.status.in_([s.value for s in statuses]), amount), else_=0))
        for statuses in (OWED_STATUSES, (EntryStatus.APPROVED,), (EntryStatus.PAID,))
    ]
    rows = db.session.execute(
        select(LedgerEntry.contributor_id, LedgerEntry.kind, *sums)
        .where(_year_filter(year))
        .group_by(LedgerEntry.contributor_id, LedgerEntry.kind)
    ).all()
    by_person: dict[int, dict[EntryKind, Buckets]] = {}
    for person_id, kind, owed, approved, paid in rows:
        totals = by_person.setdefault(person_id, {k: Buckets() for k in EntryKind})
        totals[EntryKind(kind)] = Buckets(owed or 0, approved or 0, paid or 0)
    if not by_person:
        return []
    people = db.session.execute(
        select(User, ContributorProfile.payee_reference)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(User.id.in_(by_person))
        .order_by(func.lower(User.name), User.id)
    ).all()
    return [ContributorBalance(p, ref or "", by_person[p.id]) for p, ref in people]


def awaiting_decision(limit: int = 50) -> Oldest:
    """Entries waiting for an organiser (or for a contributor's answer), oldest first: the
    oldest `limit` and the count of all."""
    waiting = LedgerEntry.status.in_([s.value for s in OWED_STATUSES])
    rows = db.session.execute(
        select(LedgerEntry, User)
        .join(User, User.id == LedgerEntry.contributor_id)
        .where(waiting)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
        .limit(limit)
    ).all()
    count = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(waiting))
    return Oldest([tuple(row) for row in rows], count)


def tax_years_for(contributor_id: int, today: date | None = None) -> list[TaxYear]:
    """The tax years a contributor has entries or involvement in, newest first (always the
    current one)."""
    today = today or programme.today_in()
    days = db.session.execute(
        select(func.min(LedgerEntry.occurred_on), func.max(LedgerEntry.occurred_on)).where(
            LedgerEntry.contributor_id == contributor_id
        )
    ).one()
    first = tax_year_of(days[0]).start_year if days[0] else tax_year_of(today).start_year
    last = max(tax_year_of(today).start_year, tax_year_of(days[1]).start_year if days[1] else 0)
    return [TaxYear(year) for year in range(last, first - 1, -1)]


@dataclass
class StatementLine:
    entry: LedgerEntry
    paid_on: date | None
    payment_reference: str
    corrected_by: int | None = None  # the number of the entry that reverses this one

    @property
    def amount_text(self) -> str:
        return format_amount(self.entry.kind, self.entry.amount)


@dataclass
class Statement:
    person: User
    profile: ContributorProfile
    year: TaxYear
    totals: dict[EntryKind, Buckets]
    lines: dict[EntryKind, list[StatementLine]]
    declined: list[tuple[Involvement, str]]
    made_on: date
    # What was paid in the tax year by the date it was paid, whatever the activity's date:
    # HMRC and benefits offices may count money when it is received.
    paid_in_year: dict[EntryKind, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(self.lines.values()) and not self.declined


def statement(person: User, year: TaxYear) -> Statement:
    """Everything in a contributor's ledger for one tax year (by the date of the activity or
    expense), kinds kept apart, with totals that are the sums of the lines shown."""
    reversal = aliased(LedgerEntry)
    rows = db.session.execute(
        select(LedgerEntry, PaymentRun.paid_on, PaymentRun.reference, reversal.id)
        .outerjoin(PaymentRun, PaymentRun.id == LedgerEntry.payment_run_id)
        .outerjoin(reversal, reversal.reverses_id == LedgerEntry.id)
        .where(
            LedgerEntry.contributor_id == person.id,
            _year_filter(year),
            LedgerEntry.status.notin_([s.value for s in CLOSED_STATUSES]),
        )
        .order_by(LedgerEntry.occurred_on, LedgerEntry.id)
    ).all()
    lines: dict[EntryKind, list[StatementLine]] = {kind: [] for kind in EntryKind}
    totals = {kind: Buckets() for kind in EntryKind}
    for entry, paid_on, reference, corrected_by in rows:
        kind = EntryKind(entry.kind)
        lines[kind].append(StatementLine(entry, paid_on, reference or "", corrected_by))
        bucket = _bucket_of(entry.status)
        if bucket:
            setattr(totals[kind], bucket, getattr(totals[kind], bucket) + entry.amount)
    declined = db.session.execute(
        select(Involvement, Activity.name)
        .join(Activity, Activity.id == Involvement.activity_id)
        .where(
            Involvement.contributor_id == person.id,
            Involvement.choice == Choice.DECLINE.value,
            Involvement.activity_on.between(year.starts_on, year.ends_on),
        )
        .order_by(Involvement.activity_on)
    ).all()
    return Statement(
        person=person,
        profile=profile_or_default(person),
        year=year,
        totals=totals,
        lines=lines,
        declined=[tuple(row) for row in declined],
        made_on=programme.today_in(),
        paid_in_year=_paid_in_year(person.id, year),
    )


def _paid_in_year(person_id: int, year: TaxYear) -> dict[EntryKind, int]:
    totals = dict.fromkeys(EntryKind, 0)
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
        .join(PaymentRun, PaymentRun.id == LedgerEntry.payment_run_id)
        .where(
            LedgerEntry.contributor_id == person_id,
            PaymentRun.paid_on.between(year.starts_on, year.ends_on),
        )
        .group_by(LedgerEntry.kind)
    )
    for kind, amount in rows:
        totals[EntryKind(kind)] = amount
    return totals


def statement_csv(statement: Statement) -> str:
    rows = [
        [
            "tax_year",
            "contributor",
            "payee_reference",
            "entry",
            "date",
            "kind",
            "description",
            "status",
            "amount_gbp",
            "time_credits",
            "paid_on",
            "payment_reference",
        ]
    ]
    for kind in EntryKind:
        for line in statement.lines[kind]:
            entry = line.entry
            rows.append(
                [
                    statement.year.label,
                    statement.profile.preferred_name,
                    statement.profile.payee_reference,
                    entry.id,
                    entry.occurred_on.isoformat(),
                    kind.value,
                    entry.description,
                    entry.status,
                    "" if kind.in_credits else pence_to_plain(entry.amount),
                    pence_to_plain(entry.amount) if kind.in_credits else "",
                    line.paid_on.isoformat() if line.paid_on else "",
                    line.payment_reference,
                ]
            )
    for involvement, activity in statement.declined:
        rows.append(
            [
                statement.year.label,
                statement.profile.preferred_name,
                statement.profile.payee_reference,
                "",
                involvement.activity_on.isoformat(),
                "declined",
                f"{activity}, {format_hours(involvement.minutes)}",
                "declined",
                "0.00",
                "",
                "",
                "",
            ]
        )
    return csv_text(rows)


# --- recognition and the portfolio --------------------------------------------------------


@dataclass
class RecognitionDetails:
    kind: str
    title: str
    body: str = ""
    event_id: int | None = None


def issue_recognition(person: User, details: RecognitionDetails, by: User) -> Recognition:
    _require_organiser(by)
    _require_contributor(person)
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
    approved: bool = True  # by `_approved_work`: what a certificate counts
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


@dataclass
class Portfolio:
    person: User
    profile: ContributorProfile
    activities: list[PortfolioItem]
    recognitions: list[tuple[Recognition, Event | None]]

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
        select(Involvement, Activity.name, Event, _approved_work(), entry_status)
        .join(Activity, Activity.id == Involvement.activity_id)
        .outerjoin(Event, Event.id == Involvement.event_id)
        .where(Involvement.contributor_id == person.id, _still_counts())
        .order_by(Involvement.activity_on, Involvement.id)
    )
    if approved_only:
        query = query.where(_approved_work())
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
    recognitions = [
        tuple(row)
        for row in db.session.execute(
            select(Recognition, Event)
            .outerjoin(Event, Event.id == Recognition.event_id)
            .where(Recognition.contributor_id == person.id)
            .order_by(Recognition.issued_at, Recognition.id)
        )
    ]
    activities = _activities(person, year, approved_only=False)
    return Portfolio(person, profile_or_default(person), activities, recognitions)


def certificate(person: User, year: TaxYear | None = None) -> Portfolio:
    """What a certificate of contribution lists: approved work only (`_approved_work`), so
    nothing still waiting for approval, rejected, withdrawn or reversed."""
    activities = _activities(person, year, approved_only=True)
    return Portfolio(person, profile_or_default(person), activities, [])


def public_credits(event_id: int) -> list[str]:
    """Names to thank on an event's page, as each person chose to be credited."""
    rows = db.session.execute(
        select(User, ContributorProfile)
        .join(Recognition, Recognition.contributor_id == User.id)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(Recognition.event_id == event_id, Recognition.kind == RecognitionKind.CREDIT.value)
        .order_by(Recognition.issued_at, Recognition.id)
    ).all()
    names: list[str] = []
    for person, profile in rows:
        name = (profile or profile_or_default(person)).credit_name
        if name not in names:
            names.append(name)
    return names


# --- joined to the programme: events a contributor hosted ---------------------------------


def hosting_prompts(person: User) -> list[Event]:
    """Events the person hosted that have ended and have no involvement logged or dismissed:
    each is offered as a pre-filled entry to confirm. Nothing is logged without them."""
    if not is_contributor(person):
        return []
    logged = select(Involvement.event_id).where(
        Involvement.contributor_id == person.id,
        Involvement.event_id.is_not(None),
        _still_counts(),
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


@dataclass
class ReviewingPrompt:
    year: int
    reviews: int

    @property
    def related_to(self) -> str:
        return f"Reviewing {self.reviews} proposals for the {self.year} call"


def reviewing_prompts(person: User) -> list[ReviewingPrompt]:
    """Review panels the contributor sat on with no reviewing time logged yet for that call:
    offered as a pre-filled entry (issue 5: reviewing and panel time count as involvement)."""
    if not is_contributor(person):
        return []
    from cpweek.coproduction import services as coproduction

    prompts = []
    for call, count in coproduction.reviews_by(person):
        year = coproduction.edition_of(call).year
        logged = db.session.scalar(
            select(Involvement.id).where(
                Involvement.contributor_id == person.id,
                Involvement.related_to.like(f"% for the {year} call"),
                _still_counts(),
            )
        )
        if logged is None:
            prompts.append(ReviewingPrompt(year, count))
    return prompts


def prefill_reviewing(person: User, prompt: ReviewingPrompt) -> InvolvementDetails:
    """Half an hour a proposal to start from (the person corrects it), today's date."""
    reviewing = db.session.scalar(
        select(Activity).where(func.lower(Activity.name) == "reviewing proposals")
    )
    return InvolvementDetails(
        activity_id=reviewing.id if reviewing else 0,
        activity_on=programme.today_in(),
        minutes=min(30 * prompt.reviews, 24 * 60),
        choice=prefill_choice(person),
        related_to=prompt.related_to,
    )


@dataclass
class SuggestionPrompt:
    """An accepted suggestion to an evidence collection, offered as involvement to log."""

    suggestion_id: int
    collection: str
    title: str

    @property
    def related_to(self) -> str:
        # The suggestion's number makes it the one the prompt looks for once logged.
        return f"Evidence suggestion #{self.suggestion_id} to the {self.collection}"[:300]


def suggestion_prompts(person: User) -> list[SuggestionPrompt]:
    """Accepted evidence suggestions by the contributor with nothing logged for them yet:
    offered as a pre-filled entry (issue 10: nothing is logged without them)."""
    if not is_contributor(person):
        return []
    from cpweek.evidence.services import suggestions as evidence_suggestions

    accepted = [
        SuggestionPrompt(suggestion.id, collection, suggestion.title or suggestion.text[:80])
        for suggestion, collection in evidence_suggestions.accepted_from(person.id)
    ]
    if not accepted:
        return []
    logged = set(
        db.session.scalars(
            select(Involvement.related_to).where(
                Involvement.contributor_id == person.id,
                Involvement.related_to.in_([prompt.related_to for prompt in accepted]),
                _still_counts(),
            )
        )
    )
    return [prompt for prompt in accepted if prompt.related_to not in logged]


def prefill_suggestion(person: User, prompt: SuggestionPrompt) -> InvolvementDetails:
    """An hour to start from (the person corrects it), today's date; the activity is one
    named for contributing evidence if the organisers made one, else the person chooses."""
    activity = db.session.scalar(
        select(Activity)
        .where(func.lower(Activity.name).in_(["contributing evidence", "suggesting evidence"]))
        .order_by(Activity.id)
    )
    return InvolvementDetails(
        activity_id=activity.id if activity else 0,
        activity_on=programme.today_in(),
        minutes=60,
        choice=prefill_choice(person),
        related_to=prompt.related_to,
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


def event_choices() -> list[tuple[int, str]]:
    """Events to relate an activity or expense to (public ones): newest edition first."""
    return programme.event_choices()


def _listed_event(event_id: int) -> bool:
    event = programme.get_event(event_id)
    return event is not None and event.status != "draft"
