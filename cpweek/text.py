"""Cleaning text people type, before it reaches a database (PostgreSQL refuses NUL bytes)."""

from __future__ import annotations

import re

# C0 control characters and DEL, except tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value: str | None) -> str | None:
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))
