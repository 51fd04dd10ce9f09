"""The impact report: the public version (/<year>/impact, aggregate figures only), the
organisers' (/manage/<year>/impact, adding the free text and the access detail), its CSV,
marking access requests met after an event, and "you said, we did" with its Atom feed."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek import suppression
from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.programme import services as programme
from cpweek.programme.models import MAX_ID, Edition, Event
from cpweek.reports.impact_forms import AccessMetForm, YouSaidForm
from cpweek.reports.impact_models import MetOutcome
from cpweek.reports.services import access_met, impact, impact_tables, you_said
from cpweek.reports.services.feedback_results import events_with_feedback
from cpweek.reports.views.common import bp


def _edition_or_404(year: int) -> Edition:
    edition = programme.get_edition(year) if 0 < year < 10_000 else None
    if edition is None:
        abort(404)
    return edition


def _event_or_404(event_id: int) -> Event:
    event = programme.get_event(event_id) if 0 < event_id <= MAX_ID else None
    if event is None:
        abort(404)
    return event


def _report_page(edition: Edition, *, for_organisers: bool):
    report = impact.report(edition, for_organisers=for_organisers)
    return render_template(
        "reports/impact/report.html",
        report=report,
        charts=impact_tables.charts(
            report, public=not for_organisers, rule=suppression.rule_from(current_app.config)
        ),
        for_organisers=for_organisers,
        # The public version: access needs only as suppression publishes them.
        public_access=None
        if for_organisers
        else impact_tables.public_access(
            report.headline.access, suppression.rule_from(current_app.config)
        ),
        outcome_words=impact_tables.OUTCOME_WORDS,
        need_headers=impact_tables.NEED_HEADERS,
        headline_headers=impact_tables.headline_headers(public=not for_organisers),
        headline_cells=lambda item: impact_tables.headline_cells(
            item, money_plain=False, public=not for_organisers
        ),
        # Co-producers read the free text too; marking access needs is for organisers only.
        ended_events=events_with_feedback(edition.id)
        if for_organisers and current_user.has_role(Role.ORGANISER)
        else [],
    )


@bp.route("/<int:year>/impact")
@public
def impact_public(year: int):
    return _report_page(_edition_or_404(year), for_organisers=False)


@bp.route("/<int:year>/impact.csv")
@public
def impact_csv(year: int):
    edition = _edition_or_404(year)
    report = impact.report(edition, for_organisers=False)
    rule = suppression.rule_from(current_app.config)
    return csv_download(impact_tables.csv(report, rule), f"impact-{edition.year}.csv")


@bp.route("/manage/<int:year>/impact")
@requires(Role.ORGANISER, Role.CO_PRODUCER)
def impact_report(year: int):
    return _report_page(_edition_or_404(year), for_organisers=True)


def _access_page(event: Event, forms: dict[int, AccessMetForm] | None = None):
    requests = access_met.requests_for(event)
    forms = forms or {}
    for item in requests:
        registration = item.registration
        form = forms.get(registration.id) or AccessMetForm(
            prefix=f"r{registration.id}",
            formdata=None,
            outcome=item.mark.outcome if item.mark else None,
            note=item.mark.note if item.mark else "",
        )
        form.outcome.label.text = f"Were {registration.name}’s access needs met?"
        forms[registration.id] = form
    return render_template(
        "reports/impact/access_met.html",
        event=event,
        requests=requests,
        forms_by_id=forms,
        mark_labels={outcome.value: outcome.label for outcome in MetOutcome},
        open=access_met.may_mark(event),
    )


@bp.route("/manage/events/<int:event_id>/access-met", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def access_met_page(event_id: int):
    event = _event_or_404(event_id)
    if request.method == "POST":
        chosen = request.form.get("registration", "")
        registration_id = int(chosen) if chosen.isdigit() and 0 < int(chosen) <= MAX_ID else 0
        form = AccessMetForm(prefix=f"r{registration_id}")
        if form.validate_on_submit():
            try:
                access_met.mark(
                    event,
                    registration_id,
                    form.outcome.data or "",
                    form.note.data or "",
                    current_user,
                )
            except DomainError as error:
                if error.field == "registration":
                    refuse(error)
                    return redirect(url_for("reports.access_met_page", event_id=event.id))
                show_error(form, error)
            else:
                flash("Saved.", "success")
                return redirect(
                    url_for("reports.access_met_page", event_id=event.id)
                    + f"#registration-{registration_id}"
                )
        return _access_page(event, {registration_id: form})
    return _access_page(event)


@bp.route("/manage/<int:year>/you-said-we-did", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def you_said_we_did(year: int):
    edition = _edition_or_404(year)
    form = YouSaidForm()
    if form.validate_on_submit():
        try:
            entry = you_said.add_entry(
                edition,
                form.said.data or "",
                form.did.data or "",
                bool(form.publish.data),
                current_user,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(
                "Published on the public impact report."
                if entry.is_published
                else "Saved as a draft: only organisers see it until you publish it.",
                "success",
            )
            return redirect(url_for("reports.you_said_we_did", year=year))
    return render_template(
        "reports/impact/you_said.html",
        edition=edition,
        form=form,
        entries=you_said.entries_of(edition, published_only=False),
        action_form=ActionForm(),
    )


@bp.route("/manage/you-said-we-did/<int:entry_id>/publish", methods=["POST"])
@requires(Role.ORGANISER)
def publish_you_said(entry_id: int):
    entry = you_said.get_entry(entry_id) if 0 < entry_id <= MAX_ID else None
    if entry is None:
        abort(404)
    edition = programme.get_edition_by_id(entry.edition_id)
    if ActionForm().validate_on_submit():
        try:
            you_said.publish_entry(entry, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash("Published on the public impact report.", "success")
    return redirect(url_for("reports.you_said_we_did", year=edition.year if edition else 0))


@bp.route("/<int:year>/you-said-we-did.atom")
@public
def you_said_feed(year: int):
    edition = _edition_or_404(year)
    return Response(you_said.feed(edition), content_type="application/atom+xml; charset=utf-8")
