"""The two steps of an import, so nothing is written that the person did not see first: a
checked batch stores the file with its report (`check_file`), and confirming it writes the
valid, new rows as draft items (`confirm_import`). Duplicates of the collection's items, or of
earlier rows, are reported and never imported twice."""

from __future__ import annotations

from pathlib import PurePath

from sqlalchemy import select
from sqlalchemy.orm import defer

from cpweek import audit
from cpweek.auth.models import User
from cpweek.csvfiles import csv_text
from cpweek.evidence.errors import EvidenceError
from cpweek.evidence.models import (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    ImportBatch,
    ImportBatchStatus,
    ItemSource,
    ItemStatus,
)
from cpweek.evidence.services import vocabularies
from cpweek.evidence.services.importing.candidates import Analysis, Candidate, text_key
from cpweek.evidence.services.importing.csv_rows import COLUMNS, read_csv
from cpweek.evidence.services.importing.files import MAX_BYTES, SAVE_AS_CSV, ImportRefused, decode
from cpweek.evidence.services.importing.ris import looks_like_ris, read_ris
from cpweek.extensions import db
from cpweek.locks import lock
from cpweek.text import strip_control_characters
from cpweek.timezones import utcnow


class AlreadyImported(EvidenceError):
    pass


class NothingToImport(EvidenceError):
    pass


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
        status=ImportBatchStatus.CHECKED,
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
    fmt = "ris" if suffix == ".ris" or looks_like_ris(text) else "csv"
    known = vocabularies.all_terms()
    candidates = read_ris(text, known) if fmt == "ris" else read_csv(text, known, notes)
    _mark_duplicates(collection, candidates)
    return Analysis(fmt, notes, candidates)


# --- duplicates ---------------------------------------------------------------------------------


def title_key(title: str, year: int | None) -> tuple[str, int | None]:
    return (text_key(title), year)


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
    if batch.status == ImportBatchStatus.IMPORTED:
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
    batch.status = ImportBatchStatus.IMPORTED
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
