"""A signed-in person's own pages: their calendar feed and registrations, and their access
profile."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.programme import calendar, services
from cpweek.programme.forms import AccessNeedsForm, RenewFeedForm
from cpweek.programme.views.blueprint import bp, manage_path
from cpweek.urls import absolute_url


@bp.route("/account/calendar", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def my_calendar():
    form = RenewFeedForm()
    if form.validate_on_submit():
        had_one = current_user.calendar_token is not None
        services.calendar_token_for(current_user, renew=True)
        flash(
            "Your feed has a new address. The old one no longer works: "
            "subscribe again with this one."
            if had_one
            else "Your calendar feed is ready.",
            "success",
        )
        return redirect(url_for("programme.my_calendar") + "#calendar-feed")
    feed = (
        absolute_url("programme.personal_feed", token=current_user.calendar_token)
        if current_user.calendar_token
        else None
    )
    return render_template(
        "programme/my_calendar.html",
        feed_url=feed,
        webcal_url=calendar.webcal_url(feed) if feed else None,
        registrations=[
            (registration, event, edition, manage_path(registration))
            for registration, event, edition in services.person_registrations(current_user)
        ],
        form=form,
    )


@bp.route("/account/access", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def access_profile():
    form = AccessNeedsForm()
    if request.method == "GET":
        form.access_needs.data = list(current_user.access_needs)
        form.access_notes.data = current_user.access_notes
    if form.validate_on_submit():
        services.save_access_profile(
            current_user, form.access_needs.data or [], form.access_notes.data or ""
        )
        flash("Your access profile is saved. We will offer it whenever you register.", "success")
        return redirect(url_for("programme.access_profile"))
    return render_template("programme/access_profile.html", form=form)
