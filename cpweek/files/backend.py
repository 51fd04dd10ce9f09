"""The app's store: built once from the settings (CPWEEK_FILES_STORE), kept on the app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from cpweek.config import ConfigError
from cpweek.files.s3 import S3Storage
from cpweek.files.storage import LocalStorage, Storage


def _local_storage(app: Flask) -> LocalStorage:
    root = Path(app.config["CPWEEK_FILES_DIR"]).resolve()
    static = Path(app.static_folder or "static").resolve()
    if root == static or root.is_relative_to(static) or static.is_relative_to(root):
        raise ConfigError(
            f"CPWEEK_FILES_DIR ({root}) must not be in or around the static folder ({static}): "
            "uploaded files are served only through the app, with their checked type. "
            "Leave it unset (instance/files) or choose a folder of its own."
        )
    return LocalStorage(root)


def build_storage(app: Flask) -> Storage:
    store = app.config.get("CPWEEK_FILES_STORE", "local")
    if store == "local":
        return _local_storage(app)
    if store == "s3":
        return S3Storage.from_config(app.config)
    raise ConfigError(f"CPWEEK_FILES_STORE must be 'local' or 's3', not {store!r}")


def storage() -> Storage:
    """The app's store, built on first use from its settings and kept for the app's life."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("cpweek_files")
    if found is None:
        found = app.extensions["cpweek_files"] = build_storage(app)
    return found
