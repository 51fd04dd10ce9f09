"""Reading an upload as text: the limits on a file, and refusing what is not a text file at all
(empty, binary, undecodable) with one message a person can act on."""

from __future__ import annotations

import re

from cpweek.evidence.errors import EvidenceError

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
SAVE_AS_CSV = "In your spreadsheet, choose Save as, then “CSV UTF-8”, and upload that file."
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ImportRefused(EvidenceError):
    """The file cannot be read at all: nothing is stored."""

    field = "file"


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
