"""Reading a CSV upload (comma, semicolon or tab separated, as spreadsheets save it): the
columns by their names or the names people's spreadsheets use for them, each row a candidate."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from cpweek.evidence.models import EvidenceTerm, Vocabulary
from cpweek.evidence.services.importing.candidates import (
    Candidate,
    set_authors,
    set_doi,
    set_text,
    set_url,
    set_year_and_date,
    term_indexes,
    text_key,
)
from cpweek.evidence.services.importing.files import MAX_ROWS, ImportRefused
from cpweek.text import strip_control_characters

# The CSV columns, in the template's order, with what each holds (shown on the import page).
COLUMNS: list[tuple[str, str]] = [
    ("title", "Required. Up to 500 characters."),
    ("summary", "What the item found or offers, in plain words."),
    ("easy_read", "An Easy Read summary, if there is one."),
    ("authors", "People or organisations, separated by semicolons: Ali, S.; Brown, J."),
    ("publisher", "Who published it, or the journal."),
    ("year", "The year it was published, such as 2024."),
    ("date", "The full date, if known: 2024-03-15 or 15/03/2024."),
    ("doi", "A DOI such as 10.1234/abcd (a https://doi.org/ link is fine too)."),
    ("url", "A web address starting with https:// or http://."),
    ("type", "Research, data, case study, ... (the values below)."),
    ("topics", "Topics, separated by semicolons."),
    ("dimensions", "Equity dimensions, separated by semicolons."),
    ("settings", "Care settings, separated by semicolons."),
    ("geography", "Where: England's regions or the four nations, separated by semicolons."),
    ("focus", "Access, experience or outcomes (one or more)."),
    ("design", "Study design, separated by semicolons."),
]
VOCABULARY_COLUMNS: dict[str, Vocabulary] = {
    "type": Vocabulary.TYPE,
    "topics": Vocabulary.TOPIC,
    "dimensions": Vocabulary.DIMENSION,
    "settings": Vocabulary.SETTING,
    "geography": Vocabulary.GEOGRAPHY,
    "focus": Vocabulary.FOCUS,
    "design": Vocabulary.DESIGN,
}
# Other names people's spreadsheets use for the same columns.
ALIASES = {
    "abstract": "summary",
    "easy read": "easy_read",
    "easy read summary": "easy_read",
    "author": "authors",
    "journal": "publisher",
    "publication year": "year",
    "published": "year",
    "publication date": "date",
    "link": "url",
    "web address": "url",
    "types": "type",
    "topic": "topics",
    "dimension": "dimensions",
    "equity dimension": "dimensions",
    "equity dimensions": "dimensions",
    "setting": "settings",
    "care setting": "settings",
    "care settings": "settings",
    "where": "geography",
    "study design": "design",
    "designs": "design",
}


def _column_name(raw: str) -> str:
    name = " ".join(str(raw).replace("_", " ").replace("-", " ").split()).casefold()
    name = ALIASES.get(name, name)
    return name.replace(" ", "_")


def read_csv(
    text: str, known: Mapping[str, list[EvidenceTerm]], notes: list[str]
) -> list[Candidate]:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    if delimiter == "," and ";" in first_line and "," not in first_line:
        delimiter = ";"  # some European spreadsheets save CSV with semicolons
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise ImportRefused(f"The first row could not be read as CSV ({error}).") from None
    wanted = {name for name, _ in COLUMNS}
    columns: dict[str, int] = {}
    for index, typed in enumerate(header):
        raw = strip_control_characters(typed) or ""
        name = _column_name(raw)
        if not name:
            continue
        if name in columns:
            notes.append(f"The column “{raw.strip()[:60]}” appears twice: the first was used.")
        elif name in wanted:
            columns[name] = index
        else:
            notes.append(f"The column “{raw.strip()[:60]}” is not one we know: it was left out.")
    if "title" not in columns:
        raise ImportRefused(
            "The file has no “title” column. The first row must hold the column names, "
            "title among them: download the template to see them."
        )
    indexes = term_indexes(known)
    candidates: list[Candidate] = []
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(candidates) >= MAX_ROWS:
                raise ImportRefused(
                    f"The file has more than {MAX_ROWS:,} rows: split it into smaller files "
                    "and import each."
                )
            values = {
                name: _cell(cells[i]) if i < len(cells) else "" for name, i in columns.items()
            }
            candidates.append(_candidate_from_csv(row_number, values, indexes))
    except csv.Error as error:
        raise ImportRefused(
            f"Row {row_number + 1} could not be read as CSV ({error}). Check for a stray quotation "
            "mark, or a cell far longer than any summary."
        ) from None
    if not candidates:
        raise ImportRefused("The file has column names but no rows of items under them.")
    return candidates


def _cell(raw: str) -> str:
    value = (strip_control_characters(raw) or "").strip()
    # Our own exports defuse formulas with a leading apostrophe: take it off again.
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]
    return value


def _candidate_from_csv(
    number: int, values: Mapping[str, str], indexes: Mapping[str, dict[str, EvidenceTerm]]
) -> Candidate:
    candidate = Candidate(number)
    set_text(candidate, "title", values.get("title", ""))
    set_text(candidate, "summary", values.get("summary", ""))
    set_text(candidate, "easy_read", values.get("easy_read", ""))
    set_text(candidate, "publisher", values.get("publisher", ""))
    set_authors(candidate, [a for a in values.get("authors", "").split(";")])
    set_year_and_date(candidate, values.get("year", ""), values.get("date", ""))
    set_doi(candidate, values.get("doi", ""))
    set_url(candidate, [values["url"]] if values.get("url") else [])
    for column, vocabulary in VOCABULARY_COLUMNS.items():
        for raw in values.get(column, "").split(";"):
            value = raw.strip()
            if not value:
                continue
            term = indexes[vocabulary.value].get(text_key(value))
            if term is None:
                candidate.problem(
                    column,
                    f"There is no {vocabulary.label.lower()} called “{value[:80]}”: use one of "
                    "the values listed on the import page.",
                )
            elif term not in candidate.terms:
                candidate.terms.append(term)
    return candidate
