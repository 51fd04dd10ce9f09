"""The schedule draft (organisers place, move and cancel sessions, add breaks), its releases
and their sign-off, and the public change log with its feed."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.coproduction import schedule
from cpweek.coproduction.forms import (
    BreakForm,
    CancelInDraftForm,
    DraftChangeForm,
    PlaceForm,
    ReleaseForm,
    uk_instant,
)
from cpweek.coproduction.views.common import (
    REVIEWERS,
    bp,
    edition_or_404,
)
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.programme import services as programme
from cpweek.programme.models import Event, EventKind, EventStatus


def _chosen(event_id: int) -> Event:
    """The event a form's choice names (its choices are the draft's, so it exists)."""
    event = programme.get_event(event_id)
    if event is None:
        abort(404)
    return event


class _TimesUnclear(Exception):
    """A UK time typed in a schedule form does not exist, or happens twice and the person has
    not yet said which: the form says so next to the field."""


def _times(form, day, zone: str, *names: str) -> list[datetime]:
    # Every field is read before refusing, so each unclear one gets its own message.
    instants = [
        uk_instant(form, name, datetime.combine(day, getattr(form, name).data), zone)
        for name in names
    ]
    if None in instants:
        raise _TimesUnclear
    return cast(list[datetime], instants)


def _schedule_forms(edition, placed, unplaced):
    choices = [(item.event.id, f"{item.event.title} ({item.event.status})") for item in placed] + [
        (event.id, f"{event.title} (draft, not placed)") for event in unplaced
    ]
    place_form = PlaceForm(formdata=None)
    change_form = DraftChangeForm(formdata=None)
    cancel_form = CancelInDraftForm(formdata=None)
    break_form = BreakForm(formdata=None)
    place_form.event_id.choices = choices
    change_form.change_event_id.choices = [(i.event.id, i.event.title) for i in placed]
    cancel_form.cancel_event_id.choices = [
        (i.event.id, i.event.title)
        for i in placed
        if i.event.status == EventStatus.PUBLISHED and not i.cancelled
    ]
    break_form.conference_id.choices = [
        (item.event.id, item.event.title)
        for item in placed
        if item.event.kind == EventKind.CONFERENCE
    ]
    return {
        "place_form": place_form,
        "change_form": change_form,
        "cancel_form": cancel_form,
        "break_form": break_form,
    }


_CHOICE_FIELDS = ("event_id", "change_event_id", "cancel_event_id", "conference_id")


def _schedule_page(edition, **bound):
    placed, unplaced = schedule.draft(edition)
    forms = _schedule_forms(edition, placed, unplaced)
    for name, form in bound.items():
        for field_name in _CHOICE_FIELDS:
            if hasattr(form, field_name):
                getattr(form, field_name).choices = getattr(forms[name], field_name).choices
        forms[name] = form
    release = schedule.pending_release(edition)
    return render_template(
        "coproduction/schedule.html",
        edition=edition,
        days=schedule.grid(edition, placed),
        unplaced=unplaced,
        conflicts=schedule.conflicts(edition, placed),
        changes=schedule.pending_changes(edition, placed),
        release=release,
        signed=schedule.sign_offs(release) if release else [],
        release_form=bound.get("release_form") or ReleaseForm(formdata=None),
        published=schedule.releases(edition),
        **{name: form for name, form in forms.items() if name != "release_form"},
    )


@bp.route("/manage/<int:year>/schedule")
@requires(*REVIEWERS)
def schedule_draft(year: int):
    return _schedule_page(edition_or_404(year))


def _schedule_action(year: int, form, form_name: str, action, done: str):
    edition = edition_or_404(year)
    placed, unplaced = schedule.draft(edition)
    choices = _schedule_forms(edition, placed, unplaced)[form_name]
    for field_name in _CHOICE_FIELDS:
        if hasattr(form, field_name):
            getattr(form, field_name).choices = getattr(choices, field_name).choices
    if form.validate_on_submit():
        try:
            action(edition, form)
        except _TimesUnclear:
            pass  # nothing was changed; the fields say what to fix
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("coproduction.schedule_draft", year=year))
    return _schedule_page(edition, **{form_name: form})


@bp.route("/manage/<int:year>/schedule/place", methods=["POST"])
@requires(Role.ORGANISER)
def place(year: int):
    def act(edition, form):
        event = _chosen(form.event_id.data)
        starts, ends = _times(form, form.day.data, edition.timezone, "start", "end")
        schedule.place(event, starts, ends, form.track.data or "", current_user)

    return _schedule_action(year, PlaceForm(), "place_form", act, "Placed in the draft.")


@bp.route("/manage/<int:year>/schedule/change", methods=["POST"])
@requires(Role.ORGANISER)
def change_draft(year: int):
    def act(edition, form):
        schedule.undo(_chosen(form.change_event_id.data), current_user)

    return _schedule_action(
        year,
        DraftChangeForm(),
        "change_form",
        act,
        "Change undone: the session is back as it is in the published programme.",
    )


@bp.route("/manage/<int:year>/schedule/cancel", methods=["POST"])
@requires(Role.ORGANISER)
def cancel_in_draft(year: int):
    def act(edition, form):
        schedule.cancel_in_draft(_chosen(form.cancel_event_id.data), current_user)

    return _schedule_action(
        year,
        CancelInDraftForm(),
        "cancel_form",
        act,
        "The session is cancelled in the draft. Nobody is told until the next release is "
        "signed off.",
    )


@bp.route("/manage/<int:year>/schedule/breaks", methods=["POST"])
@requires(Role.ORGANISER)
def add_break(year: int):
    def act(edition, form):
        starts, ends = _times(
            form, form.break_day.data, edition.timezone, "break_start", "break_end"
        )
        schedule.add_break(
            _chosen(form.conference_id.data),
            starts,
            ends,
            form.label.data or "",
            current_user,
        )

    return _schedule_action(year, BreakForm(), "break_form", act, "Break added.")


@bp.route("/manage/<int:year>/schedule/release", methods=["POST"])
@requires(Role.ORGANISER)
def prepare_release(year: int):
    edition = edition_or_404(year)
    form = ReleaseForm()
    if form.validate_on_submit():
        try:
            schedule.prepare_release(edition, current_user, form.override_reason.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                "Release prepared: it is published once a co-producer and an organiser "
                "have both signed it off.",
                "success",
            )
            return redirect(url_for("coproduction.schedule_draft", year=year) + "#release")
    return _schedule_page(edition, release_form=form)


@bp.route("/manage/releases/<int:release_id>/sign-off", methods=["POST"])
@requires(*REVIEWERS)
def sign_off(release_id: int):
    release = schedule.get_release(release_id)
    if release is None:
        abort(404)
    edition = programme.get_edition_by_id(release.edition_id)
    if edition is None:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            published = schedule.sign_off(release, current_user)
        except schedule.ReleaseOutdated as error:
            flash(error.message, "error")  # kept: the release is marked outdated
        except DomainError as error:
            refuse(error)
        else:
            flash(
                f"Signed off: release {release.number} is published and everyone affected "
                "has been told."
                if published
                else "Signed off. It is published once both a co-producer and an organiser have.",
                "success",
            )
    return redirect(url_for("coproduction.schedule_draft", year=edition.year) + "#release")


@bp.route("/<int:year>/changes")
@public
def changes(year: int):
    edition = edition_or_404(year)
    return render_template(
        "coproduction/changes.html",
        edition=edition,
        releases=schedule.releases(edition),
        words=schedule.KIND_WORDS,
        details=schedule.change_details,
    )


@bp.route("/<int:year>/changes.atom")
@public
def changes_feed(year: int):
    edition = edition_or_404(year)
    return Response(schedule.atom_feed(edition), content_type="application/atom+xml; charset=utf-8")
