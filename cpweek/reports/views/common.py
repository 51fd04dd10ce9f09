"""The reports room's one blueprint; each page module adds its routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)
