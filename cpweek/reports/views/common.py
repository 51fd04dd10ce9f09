"""The reports room's blueprint and what its page modules share."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
