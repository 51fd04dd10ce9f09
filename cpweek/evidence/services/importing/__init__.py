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

One module per part: `files` (limits, reading bytes as text), `candidates` (a row's fields and
their problems), `csv_rows`, `ris`, and `batches` (the two steps, duplicates, the template).
Views and tests use the names below; the modules import each other directly.
"""

from cpweek.evidence.services.importing.batches import (
    AlreadyImported,
    batch_of,
    check_file,
    confirm_import,
    recent_batches,
    template_csv,
)
from cpweek.evidence.services.importing.csv_rows import COLUMNS, VOCABULARY_COLUMNS
from cpweek.evidence.services.importing.files import MAX_BYTES, MAX_ROWS, ImportRefused

__all__ = [
    "COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "VOCABULARY_COLUMNS",
    "AlreadyImported",
    "ImportRefused",
    "batch_of",
    "check_file",
    "confirm_import",
    "recent_batches",
    "template_csv",
]
