"""Importing items from a CSV or an RIS file (what Zotero, EndNote and Mendeley export).

Two steps, so nothing is written that the person did not see first:

1. `check_file` reads the file and stores an `ImportBatch` ("checked") holding the bytes and a
   report of every row or record: what would be imported, and each problem with its row or
   record number, field and message. Duplicates (the same DOI, or the same title and year, in
   the collection or earlier in the file) are reported and never imported twice. A file that
   cannot be read at all (empty, binary, undecodable, no title column, too big, too many rows,
   RIS without a record) is refused with one message and nothing is stored.
2. `confirm_import` reads the stored bytes again, against the collection as it is now, and
   writes every valid, new row as a draft item (source "import") in the caller's unit of work,
   audited once with the count. A batch imports once.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

import rispy
from sqlalchemy import select
from sqlalchemy.orm import defer

from cpweek import audit
from cpweek.auth.models import User
from cpweek.csvfiles import csv_text
from cpweek.evidence.errors import EvidenceError, ItemInvalid
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    ImportBatch,
    ItemSource,
    ItemStatus,
    Vocabulary,
)
from cpweek.evidence.services import fields, vocabularies
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.text import strip_control_characters
from cpweek.timezones import utcnow

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
CHECKED, IMPORTED = "checked", "imported"
NEW, INVALID, DUPLICATE = "new", "invalid", "duplicate"

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
LIMITS = {"title": 500, "publisher": 300, "summary": 20_000, "easy_read": 20_000, "authors": 5_000}
# RIS reference types that say what kind of item it is, as the default type vocabulary's slugs.
_RESEARCH = "JOUR EJOUR JFULL ABST INPR THES CONF CPAPER CHAP BOOK EBOOK ECHAP EDBOOK RPRT"
RIS_TYPES = {
    **dict.fromkeys([*_RESEARCH.split(), "UNPB", "MANSCPT", "SER"], "research"),
    **dict.fromkeys(["DATA", "DBASE", "AGGR"], "data"),
    **dict.fromkeys(["GOVDOC", "BILL", "STAT", "LEGAL", "HEAR"], "policy"),
    "COMP": "tool",
}
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SAVE_AS_CSV = "In your spreadsheet, choose Save as, then “CSV UTF-8”, and upload that file."


class ImportRefused(EvidenceError):
    """The file cannot be read at all: nothing is stored."""

    field = "file"


class AlreadyImported(EvidenceError):
    pass


class NothingToImport(EvidenceError):
    pass


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


# --- step 1: the dry run --------------------------------------------------------------------


def check_file(
    collection: EvidenceCollection, filename: str, data: bytes, actor: User
) -> ImportBatch:
    """Read the file and store it with its report; raises ImportRefused for an unreadable one."""
    filename = (strip_control_characters(PurePath(filename or "").name) or "upload")[:255]
    analysis = analyse(collection, filename, data)
    batch = ImportBatch(
        collection_id=collection.id,
        filename=filename,
        format=analysis.format,
        data=data,
        report=analysis.report(filename),
        status=CHECKED,
        created_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    return batch


def analyse(collection: EvidenceCollection, filename: str, data: bytes) -> Analysis:
    if len(data) > MAX_BYTES:
        raise ImportRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: files can be up to "
            f"{MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files and import each."
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xls", ".ods", ".numbers"):
        raise ImportRefused(f"That is a spreadsheet file, not CSV. {SAVE_AS_CSV}")
    if suffix not in (".csv", ".ris", ".txt", ""):
        raise ImportRefused(
            "Choose a CSV file (.csv) or an RIS file (.ris), as reference managers such as "
            "Zotero, EndNote and Mendeley export."
        )
    text, notes = decode(data)
    fmt = "ris" if suffix == ".ris" or _looks_like_ris(text) else "csv"
    known = vocabularies.all_terms()
    candidates = _read_ris(text, known) if fmt == "ris" else _read_csv(text, known, notes)
    _mark_duplicates(collection, candidates)
    return Analysis(fmt, notes, candidates)


def decode(data: bytes) -> tuple[str, list[str]]:
    """The file's text and any note about how it was read; refuses what is not text."""
    notes: list[str] = []
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ImportRefused("The file is empty: choose the file with your items in it.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportRefused(f"We could not read the file's text. {SAVE_AS_CSV}") from None
        notes.append("The file was saved as UTF-16 (“Unicode text”): it was read as that.")
        return _check_text(text), notes
    for magic, what in (
        (b"PK\x03\x04", "a zip file, such as an Excel workbook (.xlsx)"),
        (b"%PDF", "a PDF"),
        (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    ):
        if data.startswith(magic):
            raise ImportRefused(f"That file is {what}, not CSV or RIS. {SAVE_AS_CSV}")
    if b"\x00" in data[:65536]:
        raise ImportRefused(f"That is not a text file (it holds binary data). {SAVE_AS_CSV}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRefused(
                f"We could not read the file's text: it is neither UTF-8 nor Windows-1252. "
                f"{SAVE_AS_CSV}"
            ) from None
        notes.append(
            "The file is not UTF-8, so it was read as Windows-1252 (what older versions of "
            "Excel save). Check that accents and symbols such as £ and ’ look right below; "
            "if not, save it as “CSV UTF-8” and upload it again."
        )
    return _check_text(text), notes


def _check_text(text: str) -> str:
    # Text files hold almost no control characters; a binary file read as Windows-1252 does.
    if len(_CONTROL.findall(text[:65536])) > max(3, len(text[:65536]) // 100):
        raise ImportRefused(f"That is not a text file (it holds binary data). {SAVE_AS_CSV}")
    return text


def _looks_like_ris(text: str) -> bool:
    """RIS tag lines among the first lines (some writers number records, "1.", before TY)."""
    lines = [line for line in text[:4096].splitlines() if line.strip()][:5]
    return any(_RIS_TAG.match(line.rstrip()) for line in lines)


# --- CSV --------------------------------------------------------------------------------------


def _column_name(raw: str) -> str:
    name = " ".join(str(raw).replace("_", " ").replace("-", " ").split()).casefold()
    name = ALIASES.get(name, name)
    return name.replace(" ", "_")


def _read_csv(
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
    indexes = _term_indexes(known)
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
    _set_text(candidate, "title", values.get("title", ""))
    _set_text(candidate, "summary", values.get("summary", ""))
    _set_text(candidate, "easy_read", values.get("easy_read", ""))
    _set_text(candidate, "publisher", values.get("publisher", ""))
    _set_authors(candidate, [a for a in values.get("authors", "").split(";")])
    _set_year_and_date(candidate, values.get("year", ""), values.get("date", ""))
    _set_doi(candidate, values.get("doi", ""))
    _set_url(candidate, [values["url"]] if values.get("url") else [])
    for column, vocabulary in VOCABULARY_COLUMNS.items():
        for raw in values.get(column, "").split(";"):
            value = raw.strip()
            if not value:
                continue
            term = indexes[vocabulary.value].get(_key(value))
            if term is None:
                candidate.problem(
                    column,
                    f"There is no {vocabulary.label.lower()} called “{value[:80]}”: use one of "
                    "the values listed on the import page.",
                )
            elif term not in candidate.terms:
                candidate.terms.append(term)
    return candidate


# --- RIS --------------------------------------------------------------------------------------


def _read_ris(text: str, known: Mapping[str, list[EvidenceTerm]]) -> list[Candidate]:
    """Records split by their TY and ER lines (so each has a number and a line), each read by
    rispy; a record that does not open with TY or close with ER is reported, not guessed."""
    chunks: list[tuple[int, list[str], str]] = []  # (first line, lines, structural problem)
    current: list[str] | None = None
    start = 0
    stray_from: int | None = None
    for line_number, line in enumerate(text.splitlines(), 1):
        match = _RIS_TAG.match(line.rstrip())
        tag = match.group(1) if match else None
        if tag == "TY":
            if current is not None:
                chunks.append((start, current, "ER"))
            if stray_from is not None:
                chunks.append((stray_from, [], "TY"))
                stray_from = None
            current, start = [line], line_number
        elif current is not None:
            current.append(line)
            if tag == "ER":
                chunks.append((start, current, ""))
                current = None
        elif tag is not None and stray_from is None:
            stray_from = line_number
    if current is not None:
        chunks.append((start, current, "ER"))
    if stray_from is not None:
        chunks.append((stray_from, [], "TY"))
    if not any(not problem for _, _, problem in chunks):
        raise ImportRefused(
            "This file holds no RIS records: each record starts with a “TY  - ” line and ends "
            "with an “ER  - ” line. Export the references again as RIS from your reference "
            "manager."
        )
    if len(chunks) > MAX_ROWS:
        raise ImportRefused(
            f"The file has more than {MAX_ROWS:,} records: split it into smaller files and "
            "import each."
        )
    index = _keyword_index(known)
    types = {term.slug: term for term in known.get(Vocabulary.TYPE.value, [])}
    candidates = []
    for number, (first_line, lines, problem) in enumerate(chunks, 1):
        candidate = Candidate(number)
        if problem == "ER":
            candidate.problem(
                "ER",
                f"The record starting on line {first_line} has no “ER  - ” line to end it.",
            )
        elif problem == "TY":
            candidate.problem(
                "TY",
                f"The lines from line {first_line} are not inside a record: a record starts "
                "with a “TY  - ” line.",
            )
        else:
            _candidate_from_ris(candidate, lines, index, types)
        candidates.append(candidate)
    return candidates


def _candidate_from_ris(
    candidate: Candidate,
    lines: list[str],
    index: Mapping[str, EvidenceTerm],
    types: Mapping[str, EvidenceTerm],
) -> None:
    try:
        [record] = rispy.loads("\n".join(lines)) or [{}]
    except Exception:  # a record the library cannot read is reported, never a 500
        candidate.problem("TY", "This record could not be read as RIS.")
        return

    def first(*keys: str) -> str:
        for key in keys:
            value = record.get(key)
            if isinstance(value, list):
                value = next((v for v in value if str(v).strip()), "")
            if value and str(value).strip():
                return strip_control_characters(str(value)).strip()
        return ""

    _set_text(candidate, "title", first("title", "primary_title", "short_title"), field="TI")
    _set_text(candidate, "summary", first("abstract", "notes_abstract"), field="AB")
    _set_text(
        candidate,
        "publisher",
        first("publisher", "secondary_title", "journal_name", "alternate_title3"),
        field="PB",
    )
    authors = [*record.get("authors", []), *record.get("first_authors", [])]
    _set_authors(candidate, [strip_control_characters(str(a)) for a in authors], field="AU")
    raw_year = first("year", "publication_year")
    raw_date = first("date")
    year_text = raw_year.split("/")[0].strip()
    if not raw_date and raw_year.count("/") >= 2 and all(raw_year.split("/")[:3]):
        raw_date = raw_year
    _set_year_and_date(candidate, year_text, raw_date.strip("/"), year_field="PY", date_field="DA")
    _set_doi(candidate, first("doi"), field="DO")
    urls = [strip_control_characters(str(u)).strip() for u in record.get("urls", []) if u]
    _set_url(candidate, urls, field="UR")
    kind = types.get(RIS_TYPES.get(str(record.get("type_of_reference", "")).strip(), ""))
    if kind is not None:
        candidate.terms.append(kind)
    for keyword in record.get("keywords", []):
        term = index.get(_key(str(keyword)))
        if term is not None and term not in candidate.terms:
            candidate.terms.append(term)


# --- fields -------------------------------------------------------------------------------------


def _set_text(candidate: Candidate, name: str, value: str, *, field: str | None = None) -> None:
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


def _set_authors(candidate: Candidate, raw: Iterable[str], *, field: str = "authors") -> None:
    authors = [" ".join(str(a).split()) for a in raw if str(a).strip()]
    if sum(len(a) + 1 for a in authors) > LIMITS["authors"]:
        candidate.problem(field, f"The authors can be up to {LIMITS['authors']:,} characters.")
    else:
        candidate.authors = authors


def _latest_year() -> int:
    return date.today().year + 1


def _set_year_and_date(
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


def _set_doi(candidate: Candidate, raw: str, *, field: str = "doi") -> None:
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


def _set_url(candidate: Candidate, raw: list[str], *, field: str = "url") -> None:
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


# --- vocabularies and duplicates -----------------------------------------------------------


def _key(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split()).casefold()


def _term_indexes(known: Mapping[str, list[EvidenceTerm]]) -> dict[str, dict[str, EvidenceTerm]]:
    """Each vocabulary's terms by slug and by label, as people type them."""
    indexes: dict[str, dict[str, EvidenceTerm]] = {v.value: {} for v in Vocabulary}
    for vocabulary, terms in known.items():
        for term in terms:
            indexes.setdefault(vocabulary, {})[_key(term.label)] = term
            indexes[vocabulary][_key(term.slug)] = term
    return indexes


def _keyword_index(known: Mapping[str, list[EvidenceTerm]]) -> dict[str, EvidenceTerm]:
    """RIS keywords that name a term (by slug or label) of a descriptive vocabulary."""
    index: dict[str, EvidenceTerm] = {}
    for vocabulary, terms in known.items():
        if vocabulary == Vocabulary.TYPE.value:
            continue
        for term in terms:
            index.setdefault(_key(term.label), term)
            index.setdefault(_key(term.slug), term)
    return index


def title_key(title: str, year: int | None) -> tuple[str, int | None]:
    return (_key(title), year)


def _mark_duplicates(collection: EvidenceCollection, candidates: list[Candidate]) -> None:
    """The same DOI, or the same title (ignoring case and spaces) and year, as an item of the
    collection (any status: an excluded item was already judged) or as an earlier row."""
    by_doi: dict[str, str] = {}
    by_title: dict[tuple[str, int | None], str] = {}
    for doi, title, year in db.session.execute(
        select(EvidenceItem.doi, EvidenceItem.title, EvidenceItem.published_year).where(
            EvidenceItem.collection_id == collection.id
        )
    ):
        where = f"the collection already has “{title[:120]}”" + (f" ({year})" if year else "")
        if doi:
            by_doi.setdefault(doi.lower(), where)
        by_title.setdefault(title_key(title, year), where)
    for candidate in candidates:
        if not candidate.title:
            continue
        key = title_key(candidate.title, candidate.year)
        found = (by_doi.get(candidate.doi) if candidate.doi else None) or by_title.get(key)
        if found:
            candidate.duplicate = f"A duplicate: {found}."
            continue
        if candidate.problems:
            continue  # only rows that would be imported claim their DOI and title
        where = f"row {candidate.number} of this file has the same"
        if candidate.doi:
            by_doi[candidate.doi] = where + " DOI"
        by_title[key] = where + " title and year"


# --- step 2: the confirmed import --------------------------------------------------------------


def batch_of(collection: EvidenceCollection, batch_id: int) -> ImportBatch | None:
    """The batch, its bytes left unread until an import needs them (up to 5 MB)."""
    batch = db.session.get(ImportBatch, batch_id, options=[defer(ImportBatch.data)])
    return batch if batch is not None and batch.collection_id == collection.id else None


def recent_batches(collection: EvidenceCollection, limit: int = 10) -> list[ImportBatch]:
    """The latest batches for a list: neither their bytes nor their reports are read."""
    return list(
        db.session.scalars(
            select(ImportBatch)
            .options(defer(ImportBatch.data), defer(ImportBatch.report))
            .where(ImportBatch.collection_id == collection.id)
            .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .limit(limit)
        )
    )


def confirm_import(batch: ImportBatch, actor: User) -> int:
    """Write the batch's valid, new rows as draft items; returns how many. The collection is
    locked first, so two imports into it never both add the same item, and the batch, so a
    second confirm (a double click) finds it imported."""
    collection = db.session.get_one(EvidenceCollection, batch.collection_id)
    lock(collection)
    lock(batch)
    if batch.status == IMPORTED:
        raise AlreadyImported(f"“{batch.filename}” was already imported: nothing was added again.")
    analysis = analyse(collection, batch.filename, batch.data)
    new = analysis.new
    if not new:
        raise NothingToImport(
            "Nothing to import: no row of the file is both valid and new. Correct the file "
            "and upload it again."
        )
    now = utcnow()
    items = [
        EvidenceItem(
            collection_id=collection.id,
            title=c.title,
            summary=c.summary,
            easy_read=c.easy_read,
            publisher=c.publisher,
            authors="\n".join(c.authors),
            url=c.url,
            doi=c.doi,
            published_year=c.year,
            published_on=c.published_on,
            status=ItemStatus.DRAFT.value,
            source=ItemSource.IMPORT.value,
            created_by_id=actor.id,
            created_at=now,
            updated_at=now,
        )
        for c in new
    ]
    db.session.add_all(items)
    db.session.flush()
    db.session.add_all(
        EvidenceItemTerm(item_id=item.id, term_id=term.id, vocabulary=term.vocabulary)
        for item, candidate in zip(items, new, strict=True)
        for term in candidate.terms
    )
    batch.status = IMPORTED
    batch.imported_at = now
    batch.report = {**analysis.report(batch.filename), "imported": len(items)}
    audit.record(
        actor.id,
        "evidence.imported",
        "evidence_import",
        batch.id,
        after={"collection": collection.slug, "filename": batch.filename, "count": len(items)},
    )
    db.session.flush()
    return len(items)


def template_csv() -> str:
    """The header row and two example rows, for people to fill in."""
    return csv_text(
        [
            [name for name, _ in COLUMNS],
            [
                "Illustrative example: unpaid carers' access to breaks",
                "An example row: replace it with a real item.",
                "",
                "Example, A.; Sample, B.",
                "Example Research Centre",
                "2024",
                "",
                "",
                "https://example.org/evidence/carers-breaks",
                "research",
                "unpaid-carers; Access to care and support",
                "ethnicity; rurality",
                "informal-care",
                "england",
                "access",
                "qualitative",
            ],
        ]
    )
