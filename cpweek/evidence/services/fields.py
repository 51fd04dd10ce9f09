"""What is typed for an item, and the one rule for each: a DOI, a web address, authors, a
year or a full date. The item form, the import and suggestions all check with these."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from cpweek.evidence.errors import ItemInvalid

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100  # the years an item can be from
_DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalise_doi(raw: str) -> str:
    """'https://doi.org/10.1234/AbC', 'doi:10.1234/abc' or '10.1234/abc' -> '10.1234/abc';
    '' stays ''. Anything else is refused."""
    text = (raw or "").strip()
    if not text:
        return ""
    text = _DOI_PREFIXES.sub("", text).strip().lower()
    if len(text) > 200 or not DOI.match(text):
        raise ItemInvalid("Enter a DOI like 10.1234/abcd (or its https://doi.org/ link)", "doi")
    return text


def check_url(raw: str, field_name: str = "url") -> str:
    """An http or https address, or ''. `javascript:` and the like are refused."""
    text = (raw or "").strip()
    if not text:
        return ""
    if len(text) > 2000:
        raise ItemInvalid("The link must be 2,000 characters or fewer", field_name)
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(character.isspace() for character in text)
    ):
        raise ItemInvalid("Enter a web address that starts with https:// or http://", field_name)
    return text


def clean_authors(raw: str) -> str:
    """Authors one a line: spaces trimmed, empty lines dropped."""
    lines = [" ".join(line.split()) for line in (raw or "").splitlines()]
    authors = "\n".join(line for line in lines if line)
    if len(authors) > 5000:
        raise ItemInvalid("The authors must be 5,000 characters or fewer", "authors")
    return authors


def _year(text: str) -> int:
    text = text.strip()
    if not (len(text) == 4 and text.isdigit() and EARLIEST_YEAR <= int(text) <= LATEST_YEAR):
        raise ItemInvalid(
            f"Enter the year as 4 digits, between {EARLIEST_YEAR} and {LATEST_YEAR}",
            "published_year",
        )
    return int(text)


def _real_date(year: int, month: str, day: str) -> date:
    try:
        if not (month.isdigit() and day.isdigit() and len(month) <= 2 and len(day) <= 2):
            raise ValueError
        return date(year, int(month), int(day))
    except (ValueError, OverflowError):
        raise ItemInvalid(
            "Enter a real date, like 29 6 2024, or just the year", "published_year"
        ) from None


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def parse_published(text: str) -> tuple[int | None, date | None]:
    """'2024', '2024-06-29' or '29/06/2024' -> (year, full date or None); '' -> (None, None)."""
    text = (text or "").strip()
    if not text:
        return None, None
    if iso := _ISO_DATE.match(text):
        year = _year(iso.group(1))
        return year, _real_date(year, iso.group(2), iso.group(3))
    if uk := _UK_DATE.match(text):
        year = _year(uk.group(3))
        return year, _real_date(year, uk.group(2), uk.group(1))
    return _year(text), None


def published_from_boxes(day: str, month: str, year: str) -> tuple[int | None, date | None]:
    """The day, month and year boxes: a year alone, or all three. A full date typed into the
    year box (ISO or day/month/year) is understood too."""
    day, month, year = (day or "").strip(), (month or "").strip(), (year or "").strip()
    if not day and not month:
        return parse_published(year)
    if not year:
        raise ItemInvalid("Enter the year it was published", "published_year")
    if not (day and month):
        raise ItemInvalid("Enter the day and the month as well, or just the year", "published_year")
    whole_year = _year(year)
    return whole_year, _real_date(whole_year, month, day)
