"""The reports room's one blueprint; each page module adds its routes to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)

# For a page whose address holds a single-use token (the equality questions, a feedback form):
# kept out of caches, and the address kept out of the Referer of any link followed from it.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
