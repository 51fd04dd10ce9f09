"""How the public pages and feeds describe a resource's formats and licence in words: a file's
type ("PDF", "Word document", "WebVTT captions", "MP3 audio"), its size ("2.4 MB"), where a link
goes ("on YouTube", "on example.org"), whether a browser shows a file or saves it, and which
accessible formats a resource has. Nothing here queries: callers pass what they loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cpweek.resources.models import AccessNeed, FormatRole, Resource, ResourceFormat, ResourceKind

# The real type read from a file's content, in words a person knows.
TYPE_WORDS: dict[str, str] = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint slides"
    ),
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument slides",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument spreadsheet",
    "application/epub+zip": "EPUB e-book",
    "text/plain": "plain text",
    "text/markdown": "text (Markdown)",
    "text/vtt": "WebVTT captions",
    "audio/mpeg": "MP3 audio",
    "audio/mp4": "M4A audio",
    "audio/x-m4a": "M4A audio",
    "audio/ogg": "Ogg audio",
    "audio/opus": "Opus audio",
    "audio/wav": "WAV audio",
    "audio/x-wav": "WAV audio",
    "audio/webm": "WebM audio",
    "video/mp4": "MP4 video",
    "video/webm": "WebM video",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
}
_GENERAL_WORDS = {"audio": "audio", "video": "video", "image": "image", "text": "text"}

KIND_VALUES = frozenset(kind.value for kind in ResourceKind)
ROLE_VALUES = frozenset(role.value for role in FormatRole)


def kind_words(kind: str) -> str:
    """A kind's label; "" for a value no longer known (never an error on a public page)."""
    return ResourceKind(kind).label if kind in KIND_VALUES else ""


# Shown in the browser (a player, a PDF viewer, captions, text); anything else is saved.
INLINE_TYPES = ("application/pdf", "text/")
INLINE_FAMILIES = ("audio/", "video/")

# Hosts people know by name.
HOST_NAMES = {
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "vimeo.com": "Vimeo",
    "soundcloud.com": "SoundCloud",
    "spotify.com": "Spotify",
    "podcasts.apple.com": "Apple Podcasts",
    "scie.org.uk": "SCIE's website",
}

# SPDX identifiers a resource may carry, with the licence's name and the page that explains it.
LICENCES: dict[str, tuple[str, str]] = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC-BY-NC-4.0": (
        "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC 4.0)",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "CC-BY-NC-SA-4.0": (
        "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 (CC BY-NC-SA 4.0)",
        "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    ),
    "CC-BY-ND-4.0": (
        "Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND 4.0)",
        "https://creativecommons.org/licenses/by-nd/4.0/",
    ),
    "CC-BY-NC-ND-4.0": (
        "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 (CC BY-NC-ND 4.0)",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ),
    "CC0-1.0": (
        "No rights reserved (CC0 1.0)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "OGL-UK-3.0": (
        "Open Government Licence v3.0",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
}


@dataclass(frozen=True)
class Licence:
    name: str
    url: str  # "" when there is no page to link to


def licence_of(resource: Resource) -> Licence:
    """The licence's name and link; no identifier is all rights reserved, and an identifier we
    do not know is shown as it is (never an error on a public page)."""
    if not resource.licence:
        return Licence("All rights reserved", "")
    name, url = LICENCES.get(resource.licence, (resource.licence, ""))
    return Licence(name, url)


def type_words(media_type: str) -> str:
    """A type in words ("PDF", "MP3 audio"); one we have no words for by its family ("audio")."""
    base = (media_type or "").split(";")[0].strip().lower()
    if base in TYPE_WORDS:
        return TYPE_WORDS[base]
    return _GENERAL_WORDS.get(base.split("/")[0], "file")


def size_words(size: int | None) -> str:
    """A size as people read it: "900 bytes", "12 KB", "2.4 MB", "1.1 GB" (1 KB = 1,024 bytes,
    as file managers count)."""
    if size is None:
        return ""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return _one_place(value, unit)
        value /= 1024
    return _one_place(value, "GB")


def _one_place(value: float, unit: str) -> str:
    shown = f"{value:.1f}" if value < 10 else f"{value:,.0f}"
    return f"{shown.removesuffix('.0')} {unit}"


def host_words(url: str) -> str:
    """Where a link goes: "on YouTube", "on example.org"."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.").removeprefix("m.")
    for known, name in HOST_NAMES.items():
        if host == known or host.endswith("." + known):
            return f"on {name}"
    return f"on {host}" if host else "on another website"


def shown_inline(media_type: str) -> bool:
    """Audio, video, PDF, captions and text open in the browser; documents are saved."""
    base = (media_type or "").lower()
    return base.startswith(INLINE_FAMILIES) or base.startswith(INLINE_TYPES)


@dataclass(frozen=True)
class ShownFormat:
    """A format as a page lists it."""

    format: ResourceFormat
    label: str  # the organiser's label, or the role's words
    role_label: str
    type_words: str  # "PDF", or "" for a link
    size_words: str  # "2.4 MB", or "" for a link
    host_words: str  # "on YouTube", or "" for a file
    is_audio: bool
    is_video: bool

    @property
    def is_file(self) -> bool:
        return self.format.is_file


def shown_format(fmt: ResourceFormat) -> ShownFormat:
    role = FormatRole(fmt.role) if fmt.role in ROLE_VALUES else FormatRole.MAIN
    media = (fmt.media_type or "").lower()
    return ShownFormat(
        format=fmt,
        label=fmt.label or role.label,
        role_label=role.label,
        type_words=type_words(media) if fmt.is_file else "",
        size_words=size_words(fmt.size_bytes) if fmt.is_file else "",
        host_words="" if fmt.is_file else host_words(fmt.url),
        is_audio=fmt.is_file and media.startswith("audio/"),
        is_video=fmt.is_file and media.startswith("video/"),
    )


def shown_formats(formats: Sequence[ResourceFormat]) -> list[ShownFormat]:
    return [shown_format(fmt) for fmt in formats]


def accessible_formats(resource: Resource, formats: Sequence[ResourceFormat]) -> set[AccessNeed]:
    """Which accessible formats the resource offers: captions (a WebVTT file, or a host that
    captions it), a transcript (written on the page or a file), Easy Read (a file, a
    plain-English summary on the page or as a file, or the resource is itself Easy Read)."""
    roles = {fmt.role for fmt in formats}
    found: set[AccessNeed] = set()
    if resource.captions_by_host or FormatRole.CAPTIONS.value in roles:
        found.add(AccessNeed.CAPTIONS)
    if resource.transcript.strip() or FormatRole.TRANSCRIPT.value in roles:
        found.add(AccessNeed.TRANSCRIPT)
    if (
        resource.plain_summary.strip()
        or roles & {FormatRole.EASY_READ.value, FormatRole.PLAIN_SUMMARY.value}
        or resource.kind == ResourceKind.EASY_READ.value
    ):
        found.add(AccessNeed.EASY_READ)
    return found
