"""What a file really is, read from its content: never from its name or the browser's word.

A short table of the types the site takes (each with the kind it counts as and the names it
goes by) and of types it recognises only to refuse them by name ("it is a Windows program").
Containers are opened, not guessed at: an Office file is a ZIP whose `[Content_Types].xml`
names its main part, an OpenDocument or EPUB file a ZIP whose first member `mimetype` says
what it is, an MP4 holds a video track or only sound. Nothing here stores anything.
"""

from __future__ import annotations

import codecs
import re
import struct
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO


class FileKind(StrEnum):
    DOCUMENT = "document"
    CAPTIONS = "captions"
    AUDIO = "audio"
    VIDEO = "video"
    IMAGE = "image"


@dataclass(frozen=True)
class FileType:
    media_type: str
    label: str  # what it is, in words: "a PDF document"
    kind: FileKind | None  # None: recognised only to be refused by name
    extensions: tuple[str, ...] = ()  # the first is the one a cleaned name is given
    advice: str = ""  # what to do instead, for a type the site does not take


def _t(media_type: str, label: str, kind: FileKind | None, *ext: str, advice: str = "") -> FileType:
    return FileType(media_type, label, kind, ext, advice)


D, C, A, V, I_ = (
    FileKind.DOCUMENT,
    FileKind.CAPTIONS,
    FileKind.AUDIO,
    FileKind.VIDEO,
    FileKind.IMAGE,
)
OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"

PDF = _t("application/pdf", "a PDF document", D, "pdf")
DOCX = _t(f"{OOXML}.wordprocessingml.document", "a Word document", D, "docx")
XLSX = _t(f"{OOXML}.spreadsheetml.sheet", "an Excel spreadsheet", D, "xlsx")
PPTX = _t(f"{OOXML}.presentationml.presentation", "a PowerPoint presentation", D, "pptx")
ODT = _t(f"{ODF}.text", "an OpenDocument text", D, "odt")
ODS = _t(f"{ODF}.spreadsheet", "an OpenDocument spreadsheet", D, "ods")
ODP = _t(f"{ODF}.presentation", "an OpenDocument presentation", D, "odp")
EPUB = _t("application/epub+zip", "an EPUB book", D, "epub")
TEXT = _t("text/plain", "plain text", D, "txt", "text")
MARKDOWN = _t("text/markdown", "a Markdown text", D, "md", "markdown")
WEBVTT = _t("text/vtt", "a WebVTT caption file", C, "vtt")
MP3 = _t("audio/mpeg", "an MP3 audio file", A, "mp3")
M4A = _t("audio/mp4", "an M4A audio file", A, "m4a", "m4b", "mp4")
MP4 = _t("video/mp4", "an MP4 video", V, "mp4", "m4v")
OGG_AUDIO = _t("audio/ogg", "an Ogg audio file", A, "ogg", "oga", "opus")
OGG_VIDEO = _t("video/ogg", "an Ogg video", V, "ogv", "ogg")
WAV = _t("audio/wav", "a WAV audio file", A, "wav")
WEBM = _t("video/webm", "a WebM video", V, "webm")
PNG = _t("image/png", "a PNG image", I_, "png")
JPEG = _t("image/jpeg", "a JPEG image", I_, "jpg", "jpeg")

SAVE_AS_PDF = "Save it as a PDF (or .docx, .xlsx, .pptx) and upload that."
SAVE_AS_MP4 = "Save or export it as MP4 (or WebM) and upload that."
SAVE_AS_PNG = "Save it as PNG or JPEG and upload that."
EXE = _t("application/x-msdownload", "a Windows program (EXE)", None, "exe", "dll")
ELF = _t("application/x-executable", "a Linux program", None)
MACHO = _t("application/x-mach-binary", "a Mac program", None)
SCRIPT = _t("text/x-shellscript", "a script (a program)", None, "sh")
ZIP = _t("application/zip", "a ZIP archive", None, "zip", advice="Upload the files inside it.")
RAR = _t("application/vnd.rar", "a RAR archive", None, "rar", advice="Upload the files inside it.")
SEVEN_Z = _t("application/x-7z-compressed", "a 7-Zip archive", None, "7z")
GZIP = _t("application/gzip", "a gzip archive", None, "gz")
OLE = _t(
    "application/x-ole-storage",
    "an old-style Office file (.doc, .xls or .ppt)",
    None,
    "doc",
    "xls",
    "ppt",
    advice=SAVE_AS_PDF,
)
MACRO_OFFICE = _t(
    "application/vnd.ms-office.macroenabled",
    "an Office file with macros (.docm, .xlsm or .pptm)",
    None,
    "docm",
    "xlsm",
    "pptm",
    advice="Save it without macros (.docx, .xlsx or .pptx) or as a PDF, and upload that.",
)
RTF = _t("application/rtf", "a Rich Text file", None, "rtf", advice=SAVE_AS_PDF)
HTML = _t("text/html", "a web page (HTML)", None, "html", "htm", advice=SAVE_AS_PDF)
SVG = _t("image/svg+xml", "an SVG drawing", None, "svg", advice=SAVE_AS_PNG)
GIF = _t("image/gif", "a GIF image", None, "gif", advice=SAVE_AS_PNG)
WEBP = _t("image/webp", "a WebP image", None, "webp", advice=SAVE_AS_PNG)
BMP = _t("image/bmp", "a BMP image", None, "bmp", advice=SAVE_AS_PNG)
TIFF = _t("image/tiff", "a TIFF image", None, "tif", "tiff", advice=SAVE_AS_PNG)
MOV = _t("video/quicktime", "a QuickTime movie (.mov)", None, "mov", advice=SAVE_AS_MP4)
AVI = _t("video/x-msvideo", "an AVI video", None, "avi", advice=SAVE_AS_MP4)
MKV = _t("video/x-matroska", "a Matroska video (.mkv)", None, "mkv", advice=SAVE_AS_MP4)
FLAC = _t("audio/flac", "a FLAC audio file", None, "flac", advice="Save it as MP3 and upload that.")
SUBRIP = _t(
    "application/x-subrip",
    "SubRip subtitles (.srt)",
    None,
    "srt",
    advice="Captions must be WebVTT, which begins with the word WEBVTT: most caption editors "
    "can save as WebVTT (.vtt).",
)
BINARY = _t("application/octet-stream", "a kind of file we cannot read", None)
DAMAGED_ZIP = _t("application/zip", "a damaged or unreadable ZIP-based file", None)

ACCEPTED: tuple[FileType, ...] = (
    PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, EPUB, TEXT, MARKDOWN, WEBVTT,
    MP3, M4A, MP4, OGG_AUDIO, OGG_VIDEO, WAV, WEBM, PNG, JPEG,
)  # fmt: skip
REFUSED: tuple[FileType, ...] = (
    EXE, ELF, MACHO, SCRIPT, ZIP, RAR, SEVEN_Z, GZIP, OLE, MACRO_OFFICE, RTF, HTML, SVG,
    GIF, WEBP, BMP, TIFF, MOV, AVI, MKV, FLAC, SUBRIP,
)  # fmt: skip


def type_named(extension: str) -> FileType | None:
    """The type a file's name claims by its extension (lower-case, no dot), if we know it."""
    for file_type in ACCEPTED + REFUSED:
        if extension in file_type.extensions:
            return file_type
    return None


def kind_label(kind: FileKind) -> str:
    return {
        FileKind.DOCUMENT: "a document (PDF, Word, Excel, PowerPoint, OpenDocument, EPUB or text)",
        FileKind.CAPTIONS: "a WebVTT caption file",
        FileKind.AUDIO: "an audio file (MP3, M4A, Ogg/Opus or WAV)",
        FileKind.VIDEO: "a video (MP4, WebM or Ogg)",
        FileKind.IMAGE: "an image (PNG or JPEG)",
    }[kind]


# --- sniffing ----------------------------------------------------------------------------------

HEAD = 64 * 1024  # what is read to recognise a type by its first bytes
XML_PART_LIMIT = 1024 * 1024  # the most read of a ZIP's [Content_Types].xml (no zip bombs)
MOOV_LIMIT = 64 * 1024 * 1024  # the most read of an MP4's track list


def sniff(stream: BinaryIO, extension: str = "") -> FileType:
    """The type of the file in `stream` (seekable), from its content. `extension` only chooses
    between names for the same content (Markdown or plain text; an audio-only MP4 as .m4a)."""
    stream.seek(0)
    head = stream.read(HEAD)
    found = _by_magic(head, stream, extension)
    if found is None:
        found = _text_type(head, stream, extension)
    stream.seek(0)
    return found


def _by_magic(head: bytes, stream: BinaryIO, extension: str) -> FileType | None:
    simple = (
        (b"\x89PNG\r\n\x1a\n", PNG),
        (b"\xff\xd8\xff", JPEG),
        (b"GIF87a", GIF),
        (b"GIF89a", GIF),
        (b"BM", BMP),
        (b"II*\x00", TIFF),
        (b"MM\x00*", TIFF),
        (b"MZ", EXE),
        (b"\x7fELF", ELF),
        (b"\xcf\xfa\xed\xfe", MACHO),
        (b"\xfe\xed\xfa\xcf", MACHO),
        (b"\xca\xfe\xba\xbe", MACHO),
        (b"#!", SCRIPT),
        (b"Rar!\x1a\x07", RAR),
        (b"7z\xbc\xaf\x27\x1c", SEVEN_Z),
        (b"\x1f\x8b", GZIP),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
        (b"{\\rtf", RTF),
        (b"fLaC", FLAC),
    )
    for magic, file_type in simple:
        if head.startswith(magic):
            return file_type
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(stream)
    if head[:4] == b"RIFF" and len(head) >= 12:
        return {b"WAVE": WAV, b"WEBP": WEBP, b"AVI ": AVI}.get(head[8:12], BINARY)
    if head.startswith(b"OggS"):
        return OGG_VIDEO if b"\x80theora" in head else OGG_AUDIO
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM if b"webm" in head[:64] else MKV
    if head[4:8] == b"ftyp":
        return _mp4_type(head, stream, extension)
    if head.startswith(b"ID3") or _mp3_frames(head):
        return MP3
    return None


def _zip_type(stream: BinaryIO) -> FileType:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                for file_type in (ODT, ODS, ODP, EPUB):
                    if declared == file_type.media_type:
                        return file_type
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as part:
                    types = part.read(XML_PART_LIMIT).decode("utf-8", "replace")
                return _office_type(types, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        return DAMAGED_ZIP
    return ZIP


def _office_type(content_types: str, names: set[str]) -> FileType:
    if "macroEnabled" in content_types:
        return MACRO_OFFICE
    mains = (
        (DOCX, "wordprocessingml.document.main+xml", "word/"),
        (XLSX, "spreadsheetml.sheet.main+xml", "xl/"),
        (PPTX, "presentationml.presentation.main+xml", "ppt/"),
    )
    for file_type, main, folder in mains:
        if main in content_types and any(name.startswith(folder) for name in names):
            return file_type
    return ZIP


def _mp4_type(head: bytes, stream: BinaryIO, extension: str) -> FileType:
    brand = head[8:12]
    if brand == b"qt  ":
        return MOV
    if brand in (b"M4A ", b"M4B ", b"M4P "):
        return M4A
    has_video = _mp4_has_video(stream)
    if has_video is None:  # no track list found: the name decides between sound and picture
        return M4A if extension in ("m4a", "m4b") else MP4
    return MP4 if has_video else M4A


def _mp4_has_video(stream: BinaryIO) -> bool | None:
    """Whether the MP4's track list (`moov`) has a video track; None when it has none."""
    stream.seek(0, 2)
    end = stream.tell()
    position = 0
    while position + 8 <= end:
        stream.seek(position)
        header = stream.read(16)
        size, name = struct.unpack(">I4s", header[:8])
        start = 8
        if size == 1 and len(header) == 16:
            size, start = struct.unpack(">Q", header[8:16])[0], 16
        elif size == 0:
            size = end - position
        if size < start:
            return None
        if name == b"moov":
            stream.seek(position + start)
            moov = stream.read(min(size - start, MOOV_LIMIT))
            handlers = re.findall(rb"hdlr.{8}(....)", moov, re.DOTALL)
            return b"vide" in handlers
        position += size
    return None


# MPEG audio: bitrates (kbit/s) of layer III by version, and sample rates.
_MP3_BITRATES = {
    3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG 1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG 2
    0: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG 2.5
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(header: bytes) -> int | None:
    """The length of the MPEG layer III frame starting with these four bytes, or None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version = (header[1] >> 3) & 0x03
    layer = (header[1] >> 1) & 0x03
    bitrate_index = header[2] >> 4
    rate_index = (header[2] >> 2) & 0x03
    if version == 1 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _MP3_BITRATES[version][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    padding = (header[2] >> 1) & 0x01
    return (144 if version == 3 else 72) * bitrate // rate + padding


def _mp3_frames(head: bytes) -> bool:
    """MPEG audio without an ID3 tag: a frame header whose next frame follows where it says
    (one chance match of the sync bits is common in other data; two in step are not)."""
    length = _mp3_frame_length(head[:4])
    if length is None:
        return False
    if length >= len(head):  # a file of a single frame
        return True
    return _mp3_frame_length(head[length : length + 4]) is not None


_SRT_START = re.compile(r"\A\s*\d+\s*\r?\n\d\d:\d\d:\d\d,\d\d\d --> ")
_WEBVTT_START = re.compile(r"\AWEBVTT(?:[ \t].*)?(?:\r\n|\r|\n|\Z)")
_HTML_START = re.compile(r"\A\s*(?:<!doctype\s+html|<html|<head|<body|<script)", re.IGNORECASE)
_SVG_START = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<svg", re.IGNORECASE | re.S)
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _text_type(head: bytes, stream: BinaryIO, extension: str) -> FileType:
    """UTF-8 text (an optional BOM first), with no control characters but tab, line breaks and
    form feed; then which text: WebVTT (begins with WEBVTT, W3C WebVTT 4.1), SubRip, HTML, SVG,
    Markdown or plain."""
    if not _is_utf8_text(stream):
        return BINARY
    start = head[:4096].decode("utf-8", "ignore").removeprefix("\ufeff")
    if _WEBVTT_START.match(start):
        return WEBVTT
    if _SRT_START.match(start):
        return SUBRIP
    if _HTML_START.match(start):
        return HTML
    if _SVG_START.match(start):
        return SVG
    return MARKDOWN if extension in MARKDOWN.extensions else TEXT


def _is_utf8_text(stream: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    stream.seek(0)
    try:
        while chunk := stream.read(1024 * 1024):
            if _TEXT_CONTROLS.search(decoder.decode(chunk)):
                return False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
