"""What every template can use: time formatting in the edition's zone, roles for navigation."""

from __future__ import annotations

from flask import Flask

from cpweek import timezones
from cpweek.auth.models import Role
from cpweek.auth.permissions import nav_visible
from cpweek.programme.models import ATTENDANCE_LABELS, AccessNeed
from cpweek.text import render_markdown


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        date_long=timezones.format_date,
        time_local=timezones.format_time,
        time_range=timezones.format_time_range,
        date_range=timezones.format_date_range,
        local_date=timezones.local_date,
        zone_abbr=timezones.zone_abbreviation,
        markdown=render_markdown,
    )

    @app.context_processor
    def globals_for_templates():
        return {
            "Role": Role,
            "nav_visible": nav_visible,
            "config": app.config,
            "access_labels": {need.value: need.label for need in AccessNeed},
            "attendance_labels": ATTENDANCE_LABELS,
        }
