"""Dates and times as the forms take them: a box each (`<name>-day`, `-month`, `-year`,
`-hour`, `-minute`). Tests write the value the short way and `boxes` spreads it out."""

from __future__ import annotations

import re

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{2}):(\d{2})")


def date_boxes(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def time_boxes(name: str, hour: str, minute: str) -> dict[str, str]:
    return {f"{name}-hour": hour, f"{name}-minute": minute}


def boxes(data: dict) -> dict:
    """`data` with each 'YYYY-MM-DD', 'HH:MM' or 'YYYY-MM-DDTHH:MM' value typed into its boxes
    (the day and month without a leading zero, as people type them); other values as they are."""
    typed: dict = {}
    for name, value in data.items():
        text = value if isinstance(value, str) else ""
        day, _, clock = text.partition("T")
        if (found := _DATE.fullmatch(day)) and (not clock or _TIME.fullmatch(clock)):
            year, month, day_of_month = found.groups()
            typed |= date_boxes(name, str(int(day_of_month)), str(int(month)), year)
            if clock:
                typed |= time_boxes(name, *clock.split(":"))
        elif found := _TIME.fullmatch(text):
            typed |= time_boxes(name, *found.groups())
        else:
            typed[name] = value
    return typed


def shown_in(page: str, box: str) -> str | None:
    """The value a page shows in the box named `box` (like 'day-month'), or None if no box."""
    found = re.search(rf'<input [^>]*name="{re.escape(box)}"[^>]*value="([^"]*)"', page)
    return found.group(1) if found else None
