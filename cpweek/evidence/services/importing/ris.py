"""Reading an RIS upload (what Zotero, EndNote and Mendeley export): records found by their TY
and ER lines, each read by rispy, its reference type and keywords matched to the vocabularies."""

from __future__ import annotations

import re
from collections.abc import Mapping

import rispy

from cpweek.evidence.models import EvidenceTerm, Vocabulary
from cpweek.evidence.services.importing.candidates import (
    Candidate,
    keyword_index,
    set_authors,
    set_doi,
    set_text,
    set_url,
    set_year_and_date,
    text_key,
)
from cpweek.evidence.services.importing.files import MAX_ROWS, ImportRefused
from cpweek.text import strip_control_characters

# RIS reference types that say what kind of item it is, as the default type vocabulary's slugs.
_RESEARCH = "JOUR EJOUR JFULL ABST INPR THES CONF CPAPER CHAP BOOK EBOOK ECHAP EDBOOK RPRT"
RIS_TYPES = {
    **dict.fromkeys([*_RESEARCH.split(), "UNPB", "MANSCPT", "SER"], "research"),
    **dict.fromkeys(["DATA", "DBASE", "AGGR"], "data"),
    **dict.fromkeys(["GOVDOC", "BILL", "STAT", "LEGAL", "HEAR"], "policy"),
    "COMP": "tool",
}
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def looks_like_ris(text: str) -> bool:
    """RIS tag lines among the first lines (some writers number records, "1.", before TY)."""
    lines = [line for line in text[:4096].splitlines() if line.strip()][:5]
    return any(_RIS_TAG.match(line.rstrip()) for line in lines)


def read_ris(text: str, known: Mapping[str, list[EvidenceTerm]]) -> list[Candidate]:
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
    index = keyword_index(known)
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

    set_text(candidate, "title", first("title", "primary_title", "short_title"), field="TI")
    set_text(candidate, "summary", first("abstract", "notes_abstract"), field="AB")
    set_text(
        candidate,
        "publisher",
        first("publisher", "secondary_title", "journal_name", "alternate_title3"),
        field="PB",
    )
    authors = [*record.get("authors", []), *record.get("first_authors", [])]
    set_authors(candidate, [strip_control_characters(str(a)) for a in authors], field="AU")
    raw_year = first("year", "publication_year")
    raw_date = first("date")
    year_text = raw_year.split("/")[0].strip()
    if not raw_date and raw_year.count("/") >= 2 and all(raw_year.split("/")[:3]):
        raw_date = raw_year
    set_year_and_date(candidate, year_text, raw_date.strip("/"), year_field="PY", date_field="DA")
    set_doi(candidate, first("doi"), field="DO")
    urls = [strip_control_characters(str(u)).strip() for u in record.get("urls", []) if u]
    set_url(candidate, urls, field="UR")
    kind = types.get(RIS_TYPES.get(str(record.get("type_of_reference", "")).strip(), ""))
    if kind is not None:
        candidate.terms.append(kind)
    for keyword in record.get("keywords", []):
        term = index.get(text_key(str(keyword)))
        if term is not None and term not in candidate.terms:
            candidate.terms.append(term)
