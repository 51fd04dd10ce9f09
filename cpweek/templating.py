"""What every template can use: time formatting in the edition's zone, roles for navigation."""

from __future__ import annotations

from flask import Flask

from cpweek import timezones
from cpweek.auth.models import Role
from cpweek.auth.permissions import nav_visible
from cpweek.money import format_pence
from cpweek.programme import easy_read
from cpweek.programme.models import ATTENDANCE_LABELS, AccessNeed
from cpweek.reciprocity.models import Choice, RateUnit, RecognitionKind
from cpweek.reciprocity.services import format_amount, format_hours
from cpweek.text import render_markdown


def _ledger_amount(value, kind: str | None = None) -> str:
    """An entry's amount (`entry | ledger_amount`) or a number of a kind (`n | ledger_amount(k)`):
    pounds, or credits for time credits."""
    if kind is None:
        return format_amount(value.kind, value.amount)
    return format_amount(kind, value)


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_long=timezones.format_date,
        time_local=timezones.format_time,
        time_range=timezones.format_time_range,
        date_range=timezones.format_date_range,
        local_date=timezones.local_date,
        zone_abbr=timezones.zone_abbreviation,
        markdown=render_markdown,
        pence=format_pence,
        hours=format_hours,
        ledger_amount=_ledger_amount,
        easy_when=easy_read.easy_when,  # Easy Read: ['Tuesday 29 June 2027.', '10am to 4pm.']
        easy_kind=easy_read.KIND_WORDS.get,
    )

    @app.context_processor
    def globals_for_templates():
        return {
            "Role": Role,
            "nav_visible": nav_visible,
            "config": app.config,
            "access_labels": {need.value: need.label for need in AccessNeed},
            "attendance_labels": ATTENDANCE_LABELS,
            "rate_units": {unit.value: unit.label for unit in RateUnit},
            "choice_labels": {choice.value: choice.label for choice in Choice},
            "recognition_labels": {kind.value: kind.label for kind in RecognitionKind},
        }
