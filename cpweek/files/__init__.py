"""Uploaded files: one storage interface (a folder under instance/ by default, an
S3-compatible store for a site on several hosts), types checked by content, sizes limited per
kind, and files served with their real type, ranges and caching.

    stored = store_upload(form.file.data, {FileKind.DOCUMENT}, folder=f"resources/{r.id}")
    ... keep stored.key, stored.filename, stored.media_type, stored.size on a row ...
    return send_stored(row.storage_key, media_type=row.media_type, filename=row.filename)

`store_upload` raises `UploadRefused` (a DomainError, field "file") with a message for the
person; nothing is stored then. A stored file is removed again if the unit of work that stored
it rolls back; `remove_stored` takes effect when it commits. A view that takes files is
marked `@accepts_uploads`: every other request is held to FORM_MAX_BYTES (10 MB).
"""

from cpweek.files.errors import UploadRefused
from cpweek.files.kinds import FileKind
from cpweek.files.requests import accepts_uploads, init_app
from cpweek.files.serving import send_stored
from cpweek.files.uploads import (
    StoredFile,
    limit_words,
    remove_stored,
    size_in_words,
    store_bytes,
    store_upload,
    stored_size,
)

__all__ = [
    "FileKind",
    "StoredFile",
    "UploadRefused",
    "accepts_uploads",
    "init_app",
    "limit_words",
    "remove_stored",
    "send_stored",
    "size_in_words",
    "store_bytes",
    "store_upload",
    "stored_size",
]
