"""Tiny files the demo makes in code, so no binary sits in the repository and every demo format is
a real file of its type: a one-page PDF, a few seconds of silent MP3 and a WebVTT caption file.
Each is a few kilobytes; what they hold says they are illustrative placeholders."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

# MPEG-1 Layer III, 32 kbit/s, 48 kHz, mono, no CRC: every frame is exactly 144 * 32000 / 48000
# = 96 bytes and lasts 1152 / 48000 s = 24 ms. A frame whose side information is all zero (no
# Huffman data, global gain 0) decodes to silence: what encoders write for digital silence.
_MP3_HEADER = bytes((0xFF, 0xFB, 0x14, 0xC0))
_MP3_FRAME_BYTES = 96
_MP3_FRAME_SECONDS = 1152 / 48000


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


def tiny_mp3(title: str, seconds: float) -> tuple[bytes, int]:
    """Silent MP3 audio of about `seconds` with an ID3v2.3 title tag, and its length in whole
    seconds (what a podcast feed states as the duration)."""
    frames = math.ceil(seconds / _MP3_FRAME_SECONDS)
    audio = (_MP3_HEADER + bytes(_MP3_FRAME_BYTES - len(_MP3_HEADER))) * frames
    return _id3(title) + audio, round(frames * _MP3_FRAME_SECONDS)


def _id3(title: str) -> bytes:
    """An ID3v2.3 tag with one TIT2 (title) frame, text in UTF-16 with a BOM (encoding 1)."""
    text = b"\x01" + title.encode("utf-16")
    frame = b"TIT2" + len(text).to_bytes(4, "big") + b"\x00\x00" + text
    size = len(frame)
    # The tag's size is "synchsafe": 7 bits in each of its four bytes.
    synchsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x03\x00\x00" + synchsafe + frame


def tiny_vtt(cues: list[tuple[str, str, str]]) -> bytes:
    """A WebVTT caption file from (start, end, text) cues, times as "00:00:01.000"."""
    blocks = ["WEBVTT", *(f"{start} --> {end}\n{text}" for start, end, text in cues)]
    return ("\n\n".join(blocks) + "\n").encode("utf-8")
