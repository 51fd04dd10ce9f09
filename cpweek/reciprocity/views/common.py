"""The ledger's blueprint, `bp`, and what its pages share: who may see them, the tax year
asked for, the records a URL names (or a 404), and the choices of the forms."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import owned_or_404
from cpweek.money import TaxYear, format_pence, tax_year_of
from cpweek.programme import services as programme
from cpweek.reciprocity import services
from cpweek.reciprocity.models import LedgerEntry, RateUnit

bp = Blueprint("reciprocity", __name__)

CONTRIBUTOR = services.CONTRIBUTOR_ROLES
CONTRIBUTOR_OR_ORGANISER = (*services.CONTRIBUTOR_ROLES, Role.ORGANISER)


def tax_year_asked() -> TaxYear:
    """The tax year asked for in ?year= (its starting year), or the current one."""
    current = tax_year_of(programme.today_in())
    start = request.args.get("year", type=int)
    if start is None or not 2000 <= start <= current.start_year + 1:
        return current
    return TaxYear(start)


def contributor_or_404(user_id: int) -> User:
    person = services.get_person(user_id)
    if person is None or not services.is_contributor(person):
        abort(404)
    return person


def own_entry_or_404(entry_id: int) -> LedgerEntry:
    entry = services.get_entry(entry_id)
    return owned_or_404(entry, entry.contributor_id if entry else None)


def entry_or_404(entry_id: int) -> LedgerEntry:
    entry = services.get_entry(entry_id)
    if entry is None:
        abort(404)
    return entry


def event_choices() -> list[tuple]:
    return [("", "Not for an event"), *services.event_choices()]


def activity_choices(on=None) -> list[tuple]:
    today = on or programme.today_in()
    choices: list[tuple[int | str, str]] = [("", "Choose an activity")]
    for activity in services.list_activities():
        rate = services.rate_in_force(activity.id, today)
        label = activity.name
        if rate:
            label += f" ({format_pence(rate.pence)} {RateUnit(rate.unit).label} today)"
        choices.append((activity.id, label))
    return choices


def upload_from(field) -> services.Upload | None:
    file = field.data
    if not file or not getattr(file, "filename", ""):
        return None
    # Read one byte more than allowed, so "too big" is told without reading everything.
    data = file.read(current_app.config["RECEIPT_MAX_BYTES"] + 1)
    return services.Upload(filename=file.filename, data=data)
