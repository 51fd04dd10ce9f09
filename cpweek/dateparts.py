"""What people type for a date or a time, read the UK way: '27 3 2027' or '27 March 2027',
'14 30', '2pm' or '14:30'. The form fields (cpweek.forms) type them in boxes; a service reading
dates from free text (a proposer's unavailable times) uses the same rules."""

from __future__ import annotations

import re
from datetime import date, time

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
FIRST_YEAR, LAST_YEAR = 1900, 2200  # beyond these a UK time cannot always become UTC
_DIGITS = re.compile(r"[0-9]{1,2}")
_AM_PM = r"\s*(?:([ap])\.?\s*m\.?)?"  # '2pm', '2 p.m.'
_HOUR = re.compile(r"([0-9]{1,2})" + _AM_PM, re.IGNORECASE)
_HOUR_AND_MINUTE = re.compile(r"([0-9]{1,2})\s*[:.]\s*([0-9]{2})" + _AM_PM, re.IGNORECASE)


class PartsInvalid(ValueError):
    """What is wrong with the boxes typed, and which boxes to mark."""

    def __init__(self, message: str, parts) -> None:
        super().__init__(message)
        self.message, self.parts = message, tuple(parts)


def missing_words(parts) -> str:
    """'a day', 'a day and month', 'a month, year and hour': the boxes left empty."""
    names = [{"minute": "minutes"}.get(part, part) for part in parts]
    first = {"hour": "an hour", "minute": "minutes"}.get(parts[0], f"a {parts[0]}")
    if len(names) == 1:
        return first
    return f"{first}{''.join(', ' + name for name in names[1:-1])} and {names[-1]}"


def parse_date(typed: dict[str, str], noun: str = "The date") -> date:
    """The date in three boxes typed as people write them: '27', '3' or 'March', '2027'."""
    typed = {part: (typed.get(part) or "").strip() for part in ("day", "month", "year")}
    missing = [part for part in ("day", "month", "year") if not typed[part]]
    if missing:
        raise PartsInvalid(f"{noun} must include {missing_words(missing)}", missing)
    day = int(typed["day"]) if _DIGITS.fullmatch(typed["day"]) else None
    month_typed = typed["month"].lower().rstrip(".")
    month = int(month_typed) if _DIGITS.fullmatch(month_typed) else MONTHS.get(month_typed)
    wrong = [
        part
        for part, value, top in (("day", day, 31), ("month", month, 12))
        if value is None or not 1 <= value <= top
    ]
    if not typed["year"].isascii() or not typed["year"].isdigit():
        wrong.append("year")
    # A day or month of None is in `wrong` already; said again so the type checker knows.
    if wrong or day is None or month is None:
        raise PartsInvalid(f"{noun} must be a real date", wrong)
    if len(typed["year"]) != 4:
        raise PartsInvalid(f"{noun} must have a year of 4 numbers, like 2027", ["year"])
    year = int(typed["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PartsInvalid(f"{noun} must be in a year from {FIRST_YEAR} to {LAST_YEAR}", ["year"])
    try:
        return date(year, month, day)
    except ValueError:  # 31 2 2027, or 29 2 in a year that is not a leap year
        raise PartsInvalid(f"{noun} must be a real date", ("day", "month", "year")) from None


def parse_time(typed: dict[str, str], noun: str = "The time") -> time:
    """The time in two boxes, hours on the 24-hour clock; also '2pm' or '14:30' in the hour
    box, and an empty minute box is o'clock."""
    hour_typed, minute_typed = ((typed.get(part) or "").strip() for part in ("hour", "minute"))
    if not hour_typed:
        raise PartsInvalid(f"{noun} must include an hour", ["hour"])
    together = None if minute_typed else _HOUR_AND_MINUTE.fullmatch(hour_typed)
    if together:  # '14:30' or '2.30pm' all in the hour box
        hour_typed = together.group(1) + (f"{together.group(3)}m" if together.group(3) else "")
        minute_typed = together.group(2)
    matched = _HOUR.fullmatch(hour_typed)
    hour = None
    if matched:
        hour, half = int(matched.group(1)), (matched.group(2) or "").lower()
        if half:
            hour = None if not 1 <= hour <= 12 else hour % 12 + (12 if half == "p" else 0)
    if hour is None or not 0 <= hour <= 23:
        raise PartsInvalid(f"{noun} must be a real time, with the hour from 0 to 23", ["hour"])
    if not minute_typed:
        return time(hour, 0)
    if not _DIGITS.fullmatch(minute_typed) or not 0 <= int(minute_typed) <= 59:
        raise PartsInvalid(f"{noun} must be a real time, with the minutes from 0 to 59", ["minute"])
    return time(hour, int(minute_typed))
