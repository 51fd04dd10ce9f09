"""Where uploaded files live: one interface, a folder on this host by default, an
S3-compatible store (cpweek/files/s3.py) for a site on several hosts.

Keys are made here, never from what a person typed: a folder the caller names ("resources/12",
checked to be plain words) and a random name. A key that does not look like one of ours is
refused before it reaches a disk or a bucket, so no key can climb out of the store.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

_FOLDER = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}(?:/[a-z0-9][a-z0-9_-]{0,59}){0,5}")
_KEY = re.compile(r"(?:[a-z0-9][a-z0-9_-]{0,59}/){1,6}[A-Za-z0-9_-]{22}")
CHUNK = 1024 * 1024


class BadKey(ValueError):
    """A key or folder that is not one of ours (a bug in the caller, or a forged value)."""


def new_key(folder: str) -> str:
    """A fresh key in `folder`: 22 random URL-safe characters (128 bits) after it."""
    if not _FOLDER.fullmatch(folder):
        raise BadKey(
            f"not a storage folder: {folder!r} (lower-case words and /, e.g. 'resources/12')"
        )
    return f"{folder}/{secrets.token_urlsafe(16)}"


def checked_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise BadKey(f"not a storage key: {key!r}")
    return key


def is_key(key: str) -> bool:
    return isinstance(key, str) and bool(_KEY.fullmatch(key))


@dataclass(frozen=True)
class StoredInfo:
    size: int
    etag: str  # without quotes
    modified: datetime


class Storage(Protocol):
    """What every store does. Keys are checked by the callers in this package."""

    def save(self, key: str, stream: BinaryIO) -> int:
        """Write the stream (from its start) under `key`; the number of bytes written."""
        ...

    def open(self, key: str) -> BinaryIO:
        """The stored bytes to read; FileNotFoundError when there are none."""
        ...

    def size(self, key: str) -> int | None:
        """The size in bytes, or None when nothing is stored under `key`."""
        ...

    def delete(self, key: str) -> None:
        """Remove it; nothing happens when it is already gone."""
        ...

    def keys(self) -> list[str]:
        """Every key held (for checks and sweeping)."""
        ...


class StreamedStorage(Storage, Protocol):
    """A store whose files the app streams itself (not a local folder send_file can read)."""

    def stat(self, key: str) -> StoredInfo | None: ...

    def read_range(self, key: str, start: int, stop: int | None) -> Iterator[bytes]: ...


class LocalStorage:
    """Files in a folder on this host (default instance/files). Each file is written to a
    temporary name in its folder and renamed into place, so a reader never meets half a file."""

    local = True

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        path = (self.root / checked_key(key)).resolve()
        if not path.is_relative_to(self.root):  # the key pattern forbids it; twice is cheap
            raise BadKey(f"not a storage key: {key!r}")
        return path

    def save(self, key: str, stream: BinaryIO) -> int:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        stream.seek(0)
        written = 0
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
                    written += len(chunk)
            os.chmod(temporary, 0o640)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return written

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def size(self, key: str) -> int | None:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            return None

    def modified(self, key: str) -> datetime | None:
        try:
            return datetime.fromtimestamp(self.path(key).stat().st_mtime, UTC)
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        found = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())
        return sorted(key for key in found if is_key(key))
