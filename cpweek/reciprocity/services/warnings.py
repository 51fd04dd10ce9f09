"""The four warnings an entry can carry (benefits, tax threshold, regular role, public
sector), the guidance wording organisers edit, and who was shown which."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.money import TaxYear, format_pence, tax_year_of
from cpweek.reciprocity.models import (
    CLOSED_STATUSES,
    OWED_STATUSES,
    EntryKind,
    Guidance,
    Involvement,
    LedgerEntry,
    WarningSeen,
)
from cpweek.reciprocity.services.errors import ReciprocityError
from cpweek.reciprocity.services.profiles import get_profile
from cpweek.reciprocity.services.standing import still_counts
from cpweek.timezones import utcnow

# The same activity in this many different weeks out of the last 13 looks like a regular role.
REGULAR_ROLE_WEEKS = 6


REGULAR_ROLE_WINDOW_DAYS = 91


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
    return db.session.scalar(query) or 0


def _weeks_of_activity(contributor_id: int, activity_id: int, on: date, exclude_id=None) -> int:
    """How many different weeks, in the 13 ending on `on`, hold this activity (counting `on`)."""
    query = select(Involvement.activity_on).where(
        Involvement.contributor_id == contributor_id,
        Involvement.activity_id == activity_id,
        Involvement.activity_on.between(on - timedelta(days=REGULAR_ROLE_WINDOW_DAYS), on),
        still_counts(),
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


def record_seen(entry: LedgerEntry, codes: list[str], person: User) -> None:
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
        record_seen(entry, codes, person)


def warnings_seen(entry_id: int) -> list[tuple[WarningSeen, str]]:
    return list(
        db.session.execute(
            select(WarningSeen, User.name)
            .join(User, User.id == WarningSeen.user_id)
            .where(WarningSeen.entry_id == entry_id)
            .order_by(WarningSeen.seen_at, WarningSeen.id)
        )
    )
