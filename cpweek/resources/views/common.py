"""The resources room's blueprint and what its page modules share."""

from flask import Blueprint

bp = Blueprint("resources", __name__)
