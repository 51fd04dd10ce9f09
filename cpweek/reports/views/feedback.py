"""Feedback after an event: the form a link opens (standard and Easy Read), the thank-you
page, the organisers' entry of phone and paper answers, and an event's results."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.paging import PageNotFound, page_number
from cpweek.programme import services as programme
from cpweek.programme.models import MAX_ID, Event
from cpweek.reports import feedback_forms as forms
from cpweek.reports.errors import FormClosed, LinkUnknown, LinkUsed
from cpweek.reports.services import feedback as service
from cpweek.reports.services import monitoring
from cpweek.reports.services.feedback_results import results_for
from cpweek.reports.services.outcomes import adopted_measures
from cpweek.reports.views.common import PRIVATE, bp
from cpweek.uow import discard

# The edition whose equality questions the thank-you page offers (the stage "attended"), kept
# in the browser's session between the form and that page. The invitation is made there, in
# the thank-you page's own transaction, not beside the feedback response.
ATTENDED_OFFER = "equality_attended"

LINK_PROBLEMS: dict[type[DomainError], int] = {LinkUnknown: 404, LinkUsed: 409, FormClosed: 410}


def _link_problem(error: DomainError):
    discard()
    status = LINK_PROBLEMS.get(type(error), 400)
    page = render_template(
        "reports/feedback/link_problem.html", error=error, kind=type(error).__name__
    )
    return page, status, PRIVATE


@bp.route("/feedback/thank-you")
@public
def feedback_thanks():
    edition_id = session.pop(ATTENDED_OFFER, None)
    equality_link = None
    if isinstance(edition_id, int):
        token = monitoring.invite(edition_id, "attended")
        equality_link = url_for("reports.equality", token=token)
    return render_template(
        "reports/feedback/thanks.html",
        easy_read=request.args.get("easy_read") == "1",
        equality_link=equality_link,
    )


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@public
def feedback_form(token: str):
    easy_read = request.args.get("easy_read") == "1"
    try:
        link = service.open_link(token)
    except (LinkUnknown, LinkUsed, FormClosed) as error:
        return _link_problem(error)
    form = forms.feedback_form(link.measures, easy_read=easy_read)
    if form.validate_on_submit():
        try:
            service.submit(token, form.feedback(easy_read))
        except (LinkUsed, FormClosed) as error:
            return _link_problem(error)
        except DomainError as error:
            show_error(form, error)
        else:
            if service.first_sent_in_edition(link.request, link.edition.id):
                session[ATTENDED_OFFER] = link.edition.id
            return redirect(url_for("reports.feedback_thanks", easy_read=1 if easy_read else None))
    template = "easy_read" if easy_read else "form"
    page = render_template(
        f"reports/feedback/{template}.html", form=form, event=link.event, token=token, link=link
    )
    return page, 200, PRIVATE


def _event_or_404(event_id: int) -> Event:
    event = programme.get_event(event_id) if 0 < event_id <= MAX_ID else None
    if event is None:
        abort(404)
    return event


@bp.route("/manage/events/<int:event_id>/feedback/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def enter_feedback(event_id: int):
    event = _event_or_404(event_id)
    form = forms.feedback_form(adopted_measures(event.edition_id), entered=True)
    if form.validate_on_submit():
        try:
            service.enter_answers(
                event,
                form.feedback(bool(form.easy_read.data)),
                form.source.data or "",
                current_user,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash("The answers are saved, marked as given by phone or on paper.", "success")
            return redirect(url_for("reports.event_feedback", event_id=event.id))
    return render_template("reports/feedback/enter.html", form=form, event=event)


@bp.route("/manage/events/<int:event_id>/feedback")
@requires(Role.ORGANISER, Role.CO_PRODUCER)
def event_feedback(event_id: int):
    event = _event_or_404(event_id)
    try:
        results = results_for(event, page_number(request.args.get("page")))
    except PageNotFound:
        abort(404)  # past the last page of comments, as the other paged lists answer
    return render_template("reports/feedback/results.html", event=event, results=results)
