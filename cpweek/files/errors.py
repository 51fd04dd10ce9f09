"""The one error the files package raises to a person."""

from __future__ import annotations

from cpweek.errors import DomainError


class UploadRefused(DomainError):
    """A file that is not taken: what it really is, or how large it may be, and what to do."""

    field = "file"
