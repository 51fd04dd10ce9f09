"""Taking a file in: check what it is and how large, then store it under a fresh key.

The checks come first and nothing is written when one fails. A stored file belongs to the
unit of work that stored it: if that ends in a rollback (a refused form, an error page, a
failed commit), the file is removed again, so no file is left that no row names. A removal
waits for the commit for the same reason: a request that fails after removing a file leaves
its row, and the row still finds its file.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from typing import BinaryIO, cast

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.datastructures import FileStorage

from cpweek.config import UPLOAD_LIMITS
from cpweek.extensions import db
from cpweek.files import kinds as known
from cpweek.files.backend import storage
from cpweek.files.errors import UploadRefused
from cpweek.files.kinds import FileKind, FileType
from cpweek.files.storage import checked_key, new_key

MB = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    key: str
    filename: str  # the name it is downloaded as: the person's, cleaned, with the right extension
    media_type: str  # read from the content
    size: int


# --- sizes -------------------------------------------------------------------------------------


def limit_bytes(kind: FileKind) -> int:
    for name, _words, setting, _default in UPLOAD_LIMITS:
        if name == kind.value:
            return int(current_app.config[setting]) * MB
    raise KeyError(kind)


def limit_words(kind: FileKind) -> str:
    """'Audio files can be up to 200 MB'."""
    for name, words, _setting, _default in UPLOAD_LIMITS:
        if name == kind.value:
            return f"{words} can be up to {size_in_words(limit_bytes(kind))}"
    raise KeyError(kind)


def size_in_words(size: int, *, round_up: bool = False) -> str:
    """A size as people read it: '820 bytes', '14 KB', '2.5 MB', '1 GB' (1 KB = 1,024 bytes).
    `round_up` for a size over a limit, so it never reads as the limit itself."""
    if size < 1024:
        return f"{size} byte" + ("" if size == 1 else "s")
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            if value >= 10:
                shown = math.ceil(value) if round_up else round(value)
                return f"{shown:,} {unit}"
            tenths = math.ceil(value * 10) if round_up else round(value * 10)
            text = f"{tenths / 10:.1f}".removesuffix(".0")
            return f"{text} {unit}"
    raise AssertionError("unreachable")


# --- names -------------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^\w .,()+&'-]+")


def clean_filename(name: str, file_type: FileType) -> str:
    """The person's file name kept readable (letters of any script, spaces, a few signs), with
    no folders, control characters or leading dots, and the extension of what the file is."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if extension.lower() not in file_type.extensions:
        stem = name if known.type_named(extension.lower()) is None else stem
        extension = file_type.extensions[0]
    stem = re.sub(r"\s+", " ", _UNSAFE.sub("-", stem)).strip(" .-_")[:150] or "file"
    return f"{stem}.{extension.lower()}"


def _extension(name: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return base.rpartition(".")[2].lower() if "." in base else ""


# --- the checks --------------------------------------------------------------------------------

_TEXTS = (known.TEXT, known.MARKDOWN, known.WEBVTT)


def check_file(
    stream: BinaryIO, size: int, filename: str, allowed: Collection[FileKind]
) -> FileType:
    """What the file is, if it is taken here; else UploadRefused saying why and what to do."""
    shown = clean_display(filename)
    if size == 0:
        raise UploadRefused(f"{shown} is empty (0 bytes). Choose the file again and upload it.")
    extension = _extension(filename)
    found = known.sniff(stream, extension)
    claimed = known.type_named(extension)
    if claimed is known.WEBVTT and found is not known.WEBVTT:
        raise UploadRefused(
            f"{shown} is not WebVTT: it is {found.label}. Nothing was saved. Captions must be "
            "a WebVTT file, which begins with the word WEBVTT; most caption editors can save "
            "one (.vtt)."
        )
    if found.kind is None:
        raise UploadRefused(_refused_type(shown, found, allowed))
    tolerated = claimed in (known.TEXT, known.MARKDOWN) and found in _TEXTS
    if claimed is not None and extension not in found.extensions and not tolerated:
        raise UploadRefused(
            f"{shown} is named as {claimed.label} but it is {found.label}. Nothing was saved: "
            "check you chose the right file, or give it its right name and upload it again."
        )
    if found.kind not in allowed:
        raise UploadRefused(f"{shown} is {found.label}; here you can upload {_choices(allowed)}.")
    if size > limit_bytes(found.kind):
        raise UploadRefused(
            f"{limit_words(found.kind)}; {shown} is {size_in_words(size, round_up=True)}. "
            "Make it smaller (or split it) and upload it again."
        )
    return found


def clean_display(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")[:80]
    return f"“{name}”" if name else "The file"


def _refused_type(shown: str, found: FileType, allowed: Collection[FileKind]) -> str:
    advice = found.advice or f"Here you can upload {_choices(allowed)}."
    return f"{shown} is {found.label}, which we do not take. Nothing was saved. {advice}"


def _choices(allowed: Collection[FileKind]) -> str:
    labels = [known.kind_label(kind) for kind in FileKind if kind in allowed]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


# --- storing -----------------------------------------------------------------------------------


def store_upload(upload: FileStorage, kinds: Collection[FileKind], *, folder: str) -> StoredFile:
    """Check an uploaded file by its content and size and store it in `folder` ('resources/12').
    Raises UploadRefused (field 'file') with a message for the person; nothing is stored then."""
    if upload is None or not upload.filename:
        raise UploadRefused("Choose a file to upload.")
    stream = cast(BinaryIO, upload.stream)
    if not stream.seekable():  # Werkzeug's parser gives seekable streams; a test may not
        stream = io.BytesIO(stream.read())
    return _store(stream, upload.filename, kinds, folder)


def store_bytes(
    data: bytes, filename: str, kinds: Collection[FileKind], *, folder: str
) -> StoredFile:
    """As store_upload, for bytes made or received otherwise (demo data, imports)."""
    return _store(io.BytesIO(data), filename, kinds, folder)


def _store(
    stream: BinaryIO, filename: str, allowed: Collection[FileKind], folder: str
) -> StoredFile:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    found = check_file(stream, size, filename, allowed)
    key = new_key(folder)
    _belongs_to_this_unit_of_work(key)
    written = storage().save(key, stream)
    return StoredFile(key, clean_filename(filename, found), found.media_type, written)


def remove_stored(key: str) -> None:
    """Remove a stored file when the unit of work commits (the request, or the command's
    `unit_of_work()`); if it rolls back, the file stays with the row that still names it."""
    checked_key(key)
    _session_in_transaction().info.setdefault(_REMOVE_ON_COMMIT, []).append(key)


def stored_size(key: str) -> int | None:
    """The stored file's size in bytes, or None when nothing is stored under `key`."""
    return storage().size(checked_key(key))


# --- files and the unit of work ----------------------------------------------------------------

_NEW_FILES = "cpweek_files_new"
_REMOVE_ON_COMMIT = "cpweek_files_remove"


def _belongs_to_this_unit_of_work(key: str) -> None:
    _session_in_transaction().info.setdefault(_NEW_FILES, []).append(key)


def _session_in_transaction() -> Session:
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that its end, commit or rollback, is an event we hear
    return session


@event.listens_for(Session, "after_commit")
def _kept(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    removed = session.info.pop(_REMOVE_ON_COMMIT, [])
    if removed:
        store = storage()
        for key in removed:
            store.delete(key)


@event.listens_for(Session, "after_transaction_end")
def _dropped(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit: its new files go, its removals don't."""
    if transaction.parent is not None or transaction.nested:
        return
    session.info.pop(_REMOVE_ON_COMMIT, None)
    new = session.info.pop(_NEW_FILES, [])
    if new:
        store = storage()
        for key in new:
            store.delete(key)
