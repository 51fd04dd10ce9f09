"""The private manage link in every registration email: a signed registration id, so the page
behind it needs no sign-in and a tampered link names nothing."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from cpweek.extensions import db
from cpweek.programme.models import Registration
from cpweek.urls import absolute_url

MANAGE_SALT = "cpweek-registration-manage"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=MANAGE_SALT)


def manage_token(registration: Registration) -> str:
    token: str = _serializer().dumps(registration.id)
    return token


def registration_for_token(token: str) -> Registration | None:
    """The registration a manage link is for; None for a tampered or unknown link."""
    try:
        registration_id = _serializer().loads(token[:500])
    except BadSignature:
        return None
    if not isinstance(registration_id, int):
        return None
    return db.session.get(Registration, registration_id)


def manage_url(registration: Registration) -> str:
    return absolute_url("programme.manage_registration", token=manage_token(registration))
