"""The optional equality questions, behind a single-use link. No sign-in: the token is the
permission, and the page never learns who is answering."""

from __future__ import annotations

from flask import Response, make_response, redirect, render_template, request, session, url_for

from cpweek.auth.permissions import public
from cpweek.forms import show_error
from cpweek.reports.errors import InvitationGone, ReportsError
from cpweek.reports.forms import EasyEqualityForm, EqualityForm
from cpweek.reports.questions import QUESTIONS
from cpweek.reports.services import monitoring
from cpweek.reports.views.common import PRIVATE, bp

SKIPPED = "equality_skipped"


def _private(response: Response) -> Response:
    response.headers.update(PRIVATE)
    return response


def _gone() -> Response:
    page = render_template("reports/equality_gone.html", days=monitoring.INVITATION_DAYS)
    return _private(make_response(page, 404))


@bp.route("/equality/<token>", methods=["GET", "POST"])
@public
def equality(token: str):
    if monitoring.invitation(token) is None:
        return _gone()
    easy = request.args.get("easy_read") == "1"
    form = EasyEqualityForm() if easy else EqualityForm()
    if form.validate_on_submit():
        skipped = bool(form.skip.data)
        try:
            monitoring.record_answers(token, form.answers())
        except InvitationGone:
            return _gone()  # used in another tab a moment ago
        except ReportsError as error:
            show_error(form, error)
        else:
            # Whether they skipped rides in the session, not the address: an access log keeps
            # addresses, and this one follows the link from the registration's address.
            session[SKIPPED] = skipped
            return redirect(url_for("reports.equality_thanks", easy_read=1 if easy else None))
    page = render_template(
        "reports/equality.html",
        form=form,
        questions=QUESTIONS,
        easy_read=easy,
        other_version=url_for("reports.equality", token=token, easy_read=None if easy else 1),
    )
    return _private(make_response(page))


@bp.route("/equality/thank-you")
@public
def equality_thanks():
    skipped = bool(session.pop(SKIPPED, False))
    easy = request.args.get("easy_read") == "1"
    return render_template("reports/equality_thanks.html", skipped=skipped, easy_read=easy)
