"""Money and tax years: integer pence, GBP formatting, the UK tax year (6 April – 5 April).

Never floats: amounts are whole pence from the moment a form is parsed to the CSV a finance
system reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# A single amount above this is a typing slip, not a payment to a contributor.
LARGEST_AMOUNT_PENCE = 500_000  # £5,000

_POUNDS = re.compile(r"^(?P<pounds>\d{1,9})(?:\.(?P<pence>\d{1,2}))?$")
# Commas only as thousands separators: "1,234.50". "12,50" is refused, not read as £1,250.
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d{1,2})?$")


class AmountError(ValueError):
    """What a person typed is not an amount of money we can take."""


def format_pence(pence: int | None) -> str:
    """£1,234.50; a negative amount (a reversal) as −£12.00."""
    if pence is None:
        return ""
    sign = "−" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def pence_to_plain(pence: int) -> str:
    """12.50 or -12.50: for CSV files, which finance systems read as numbers."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{rest:02d}"


def parse_pounds(text: str, *, largest: int = LARGEST_AMOUNT_PENCE) -> int:
    """'12', '12.5', '£1,234.50' -> pence. Refuses negatives, fractions of a penny, nonsense."""
    cleaned = (text or "").strip().replace(" ", "")
    if cleaned.startswith("£"):
        cleaned = cleaned[1:]
    if "," in cleaned:
        if not _THOUSANDS.match(cleaned):
            raise AmountError("Use a full stop for pence, like 12.50")
        cleaned = cleaned.replace(",", "")
    if not cleaned:
        raise AmountError("Enter an amount in pounds, like 12.50")
    if cleaned.startswith("-"):
        raise AmountError("Enter an amount of £0.01 or more")
    match = _POUNDS.match(cleaned)
    if match is None:
        raise AmountError("Enter an amount in pounds and pence, like 12.50")
    pence = int(match["pounds"]) * 100 + int((match["pence"] or "0").ljust(2, "0"))
    if pence <= 0:
        raise AmountError("Enter an amount of £0.01 or more")
    if pence > largest:
        raise AmountError(f"Enter an amount of {format_pence(largest)} or less")
    return pence


@dataclass(frozen=True, order=True)
class TaxYear:
    """The UK tax year that starts on 6 April of `start_year`."""

    start_year: int

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 6)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 4, 5)

    @property
    def label(self) -> str:
        return f"{self.start_year} to {self.start_year + 1}"

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def tax_year_of(day: date) -> TaxYear:
    """The tax year a day falls in: 5 April 2027 is in 2026 to 2027, 6 April in 2027 to 2028."""
    return TaxYear(day.year if (day.month, day.day) >= (4, 6) else day.year - 1)
