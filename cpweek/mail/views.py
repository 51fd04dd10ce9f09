"""Organisers see mail that has not gone, and send it again: `/manage/mail`."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.forms import ActionForm
from cpweek.mail import outbox
from cpweek.timezones import utcnow

bp = Blueprint("mail", __name__, url_prefix="/manage/mail")

# Waiting longer than this, with nothing given up on, means no worker is delivering.
WORKER_SILENT_AFTER = timedelta(minutes=10)


@bp.get("/")
@requires(Role.ORGANISER, Role.ADMIN)
def undelivered():
    summary = outbox.summary()
    stalled = (
        summary.oldest_pending_at is not None
        and utcnow() - summary.oldest_pending_at > WORKER_SILENT_AFTER
    )
    return render_template(
        "outbox/undelivered.html",
        summary=summary,
        messages=outbox.undelivered(),
        stalled=stalled,
        form=ActionForm(),
    )


@bp.post("/<int:message_id>/try-again")
@requires(Role.ORGANISER, Role.ADMIN)
def try_again(message_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if not outbox.try_again(message_id):
        abort(404)
    flash("The message will be sent again in the next few seconds.", "success")
    return redirect(url_for("mail.undelivered"))
