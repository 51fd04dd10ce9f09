"""The demo's placeholder PDFs, made in code: a title (also in the metadata) and a few wrapped
paragraphs saying what the file stands for and that it is an illustrative placeholder. (The
files room's `cpweek.files.samples` makes the demo's audio and captions; its PDF holds one line.)
A page is under a kilobyte."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence


def tiny_pdf(title: str, paragraphs: Sequence[str]) -> bytes:
    """A valid one-page PDF (A4, Helvetica) with `title` as its heading and in its metadata,
    and each paragraph wrapped to the page's width."""
    text = ["BT /F1 16 Tf 56 780 Td"]
    text += [f"({_pdf_text(line)}) Tj 0 -21 Td" for line in textwrap.wrap(title, 56)]
    text.append("/F1 11 Tf 0 -8 Td")
    for paragraph in paragraphs:
        text += [f"({_pdf_text(line)}) Tj 0 -15 Td" for line in textwrap.wrap(paragraph, 88)]
        text.append("0 -8 Td")
    stream = ("\n".join(text) + "\nET").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (%s) /Producer (cpweek demo) >>" % _pdf_text(title).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _pdf_text(value: str) -> str:
    """A PDF string literal's inside: typographic characters made plain, the rest escaped."""
    plain = (
        value.replace("\u2018", "'")
        .replace("\u2019", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2013", "-")
        .replace("\u2014", "-")
    )
    plain = plain.encode("latin-1", "replace").decode("latin-1")
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
