"""One row or record of an upload as it would become an item: each field checked the way the
item form checks it, every problem kept with its field, and the vocabularies' terms found by
slug or label as people type them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cpweek.evidence.errors import ItemInvalid
from cpweek.evidence.models import EvidenceTerm, Vocabulary
from cpweek.evidence.services import fields

NEW, INVALID, DUPLICATE = "new", "invalid", "duplicate"
LIMITS = {"title": 500, "publisher": 300, "summary": 20_000, "easy_read": 20_000, "authors": 5_000}


@dataclass
class Candidate:
    """One row or record as it would become an item, with what is wrong with it."""

    number: int
    title: str = ""
    summary: str = ""
    easy_read: str = ""
    publisher: str = ""
    authors: list[str] = field(default_factory=list)
    url: str = ""
    doi: str = ""
    year: int | None = None
    published_on: date | None = None
    terms: list[EvidenceTerm] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    duplicate: str = ""

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append({"field": field_name, "message": message})

    @property
    def status(self) -> str:
        if self.problems:
            return INVALID
        return DUPLICATE if self.duplicate else NEW


@dataclass
class Analysis:
    format: str
    notes: list[str]
    candidates: list[Candidate]

    @property
    def new(self) -> list[Candidate]:
        return [c for c in self.candidates if c.status == NEW]

    def report(self, filename: str) -> dict[str, Any]:
        counts = {NEW: 0, INVALID: 0, DUPLICATE: 0}
        for candidate in self.candidates:
            counts[candidate.status] += 1
        return {
            "format": self.format,
            "filename": filename,
            "unit": "Record" if self.format == "ris" else "Row",
            "notes": self.notes,
            "counts": {"rows": len(self.candidates), **counts},
            "rows": [
                {
                    "number": c.number,
                    "title": c.title[:200],
                    "year": c.year,
                    "status": c.status,
                    "problems": c.problems,
                    "duplicate": c.duplicate,
                }
                for c in self.candidates
            ],
        }


# --- fields -------------------------------------------------------------------------------------


def set_text(candidate: Candidate, name: str, value: str, *, field: str | None = None) -> None:
    limit = LIMITS[name]
    if name == "title" and not value:
        candidate.problem(field or name, "The title is missing: every item needs one.")
    elif len(value) > limit:
        candidate.problem(
            field or name,
            f"The {name.replace('_', ' ')} is {len(value):,} characters: it can be up to "
            f"{limit:,}.",
        )
    else:
        setattr(candidate, name, value)


def set_authors(candidate: Candidate, raw: Iterable[str], *, field: str = "authors") -> None:
    authors = [" ".join(str(a).split()) for a in raw if str(a).strip()]
    if sum(len(a) + 1 for a in authors) > LIMITS["authors"]:
        candidate.problem(field, f"The authors can be up to {LIMITS['authors']:,} characters.")
    else:
        candidate.authors = authors


def _latest_year() -> int:
    return date.today().year + 1


def set_year_and_date(
    candidate: Candidate,
    raw_year: str,
    raw_date: str,
    *,
    year_field: str = "year",
    date_field: str = "date",
) -> None:
    year = None
    if raw_year:
        if (
            raw_year.isdigit()
            and len(raw_year) == 4
            and (fields.EARLIEST_YEAR <= int(raw_year) <= _latest_year())
        ):
            year = int(raw_year)
        else:
            candidate.problem(
                year_field,
                f"“{raw_year[:20]}” is not a year we can use: type a year between "
                f"{fields.EARLIEST_YEAR} and {_latest_year()}, such as 2024.",
            )
            return
    if raw_date:
        published = _parse_date(raw_date)
        if published is None or not fields.EARLIEST_YEAR <= published.year <= _latest_year():
            candidate.problem(
                date_field,
                f"“{raw_date[:20]}” is not a date we can read: type it as 2024-03-15 or "
                "15/03/2024, or leave it empty and give the year.",
            )
            return
        if year is not None and year != published.year:
            candidate.problem(
                date_field,
                f"The date is in {published.year} but the year says {year}: correct one.",
            )
            return
        candidate.published_on, year = published, published.year
    candidate.year = year


def _parse_date(raw: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(raw.strip(), pattern).date()
        except ValueError:
            continue
    return None


def set_doi(candidate: Candidate, raw: str, *, field: str = "doi") -> None:
    if not raw:
        return
    try:
        doi = fields.normalise_doi(raw)  # the one rule for a DOI, as typed on the item form
    except ItemInvalid:
        candidate.problem(
            field,
            f"“{raw[:60]}” is not a DOI: a DOI starts with 10. and has a slash, "
            "such as 10.1234/abcd.",
        )
    else:
        candidate.doi = doi


def is_web_address(value: str) -> bool:
    try:
        return bool(fields.check_url(value))  # the one rule for a link, as on the item form
    except ItemInvalid:
        return False


def set_url(candidate: Candidate, raw: list[str], *, field: str = "url") -> None:
    raw = [u for u in raw if u]
    if not raw:
        return
    usable = next((u for u in raw if is_web_address(u)), None)
    if usable is None:
        candidate.problem(
            field,
            f"“{raw[0][:60]}” is not a web address: it must start with https:// or http://.",
        )
    else:
        candidate.url = usable


# --- vocabularies -------------------------------------------------------------------------------


def text_key(value: str) -> str:
    """How values are compared, so "Unpaid  CARERS" in a spreadsheet finds "Unpaid carers"."""
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


def term_indexes(known: Mapping[str, list[EvidenceTerm]]) -> dict[str, dict[str, EvidenceTerm]]:
    """Each vocabulary's terms by slug and by label, as people type them."""
    indexes: dict[str, dict[str, EvidenceTerm]] = {v.value: {} for v in Vocabulary}
    for vocabulary, terms in known.items():
        for term in terms:
            indexes.setdefault(vocabulary, {})[text_key(term.label)] = term
            indexes[vocabulary][text_key(term.slug)] = term
    return indexes


def keyword_index(known: Mapping[str, list[EvidenceTerm]]) -> dict[str, EvidenceTerm]:
    """RIS keywords that name a term (by slug or label) of a descriptive vocabulary."""
    index: dict[str, EvidenceTerm] = {}
    for vocabulary, terms in known.items():
        if vocabulary == Vocabulary.TYPE.value:
            continue
        for term in terms:
            index.setdefault(text_key(term.label), term)
            index.setdefault(text_key(term.slug), term)
    return index
