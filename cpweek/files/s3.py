"""An S3-compatible store (AWS S3, MinIO, Cloudflare R2, ...) for a site on several hosts.
(Being built: until then, CPWEEK_FILES_STORE=s3 refuses to start with a clear message.)"""

from __future__ import annotations

from cpweek.config import ConfigError
from cpweek.files.storage import Storage


class S3Storage:
    @classmethod
    def from_config(cls, config: dict) -> Storage:
        raise ConfigError("CPWEEK_FILES_STORE=s3 is not available yet; use 'local'.")
