"""CSV files people open in spreadsheets: cells that would run as formulas are defused."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from flask import Response

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value: object) -> str:
    """A cell starting with = + - @ (or a tab or return) would run as a formula in a
    spreadsheet: it gets a leading apostrophe. Plain numbers, negative ones too, stay numbers."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(text):
        return "'" + text
    return text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    output = io.StringIO()
    writer = csv.writer(output)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return output.getvalue()


def csv_download(text: str, filename: str) -> Response:
    """A CSV file to save, never kept by caches (they hold personal data)."""
    return Response(
        text,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
