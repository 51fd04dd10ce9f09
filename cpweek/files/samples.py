"""Tiny real files, made in code: for the demo data and the tests (nothing downloaded, nothing
kept in the repository). Each passes the content checks of cpweek/files/kinds.py and opens in
the usual programs: a one-page PDF, a Word document, WebVTT captions, seconds of silent MP3 or
WAV, a one-colour PNG."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence


def pdf(text: str = "Illustrative document") -> bytes:
    """A one-page PDF showing one line of text (ASCII; others become '?')."""
    line = text.encode("ascii", "replace").replace(b"\\", b"\\\\")
    line = line.replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 18 Tf 72 720 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx(text: str = "Illustrative document") -> bytes:
    """A Word document with one paragraph."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{escaped}</w:t></w:r></w:p></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", body)
    return out.getvalue()


def webvtt(cues: Sequence[tuple[float, float, str]]) -> bytes:
    """WebVTT captions: (start seconds, end seconds, text) for each cue."""

    def stamp(seconds: float) -> str:
        millis = round(seconds * 1000)
        hours, rest = divmod(millis, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"

    lines = ["WEBVTT", ""]
    for start, end, text in cues:
        lines += [f"{stamp(start)} --> {stamp(end)}", text, ""]
    return "\n".join(lines).encode("utf-8")


# MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no CRC, no padding, mono: 417 bytes a frame,
# 1,152 samples (about 26 ms). Side information and data all zero decode as silence.
_MP3_HEADER = b"\xff\xfb\x90\xc4"
_MP3_FRAME = 417
_MP3_FRAME_SECONDS = 1152 / 44100


def mp3(seconds: float = 1.0, *, size: int | None = None) -> bytes:
    """Silent MP3: `seconds` long, or (with `size`) as many whole frames as fit in that many
    bytes, for a large file of a given size (the benchmark's 50 MB episode)."""
    frames = size // _MP3_FRAME if size else max(1, round(seconds / _MP3_FRAME_SECONDS))
    frame = _MP3_HEADER + bytes(_MP3_FRAME - len(_MP3_HEADER))
    return frame * frames


def wav(seconds: float = 1.0, rate: int = 8000) -> bytes:
    """Silent 8-bit mono WAV."""
    data = b"\x80" * int(seconds * rate)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate, 1, 8)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (0, 94, 165)) -> bytes:
    """A PNG of one colour."""

    def chunk(name: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + name
            + data
            + struct.pack(">I", zlib.crc32(name + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
