"""Activities and their rates, and what an activity comes to (fees, time credits) and how
those amounts read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.locks import lock_rows
from cpweek.money import LARGEST_AMOUNT_PENCE, format_pence
from cpweek.reciprocity.models import Activity, EntryKind, Rate, RateUnit
from cpweek.reciprocity.services.errors import RateOverlaps, ReciprocityError


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
