"""Who is still left out: the stage comparison for organisers and co-producers and in public
(the same published numbers: nothing raw anywhere), and the population figures organisers
keep up to date."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.programme import services as programme
from cpweek.programme.models import Edition
from cpweek.reports import stage_forms
from cpweek.reports.questions import Question
from cpweek.reports.services import population, stages
from cpweek.reports.views.common import bp


def _edition_or_404(year: int) -> Edition:
    edition = programme.get_edition(year) if 0 < year < 10_000 else None
    if edition is None:
        abort(404)
    return edition


def _characteristic_or_404(default: str | None = stages.DEFAULT_CHARACTERISTIC) -> Question:
    """The characteristic `?characteristic=` names; an unknown one is a 404 that says so."""
    key = request.args.get("characteristic", default or "")
    question = stages.characteristic(key)
    if question is None:
        page = render_template(
            "reports/stages/unknown.html", key=key[:60], characteristics=stages.characteristics()
        )
        abort(make_response(page, 404))
    return question


def _comparison_page(year: int, *, manage: bool):
    edition = _edition_or_404(year)
    question = _characteristic_or_404()
    comparison = stages.who_takes_part(edition.id, question, programme.today_in())
    return render_template(
        "reports/stages/who_takes_part.html",
        edition=edition,
        comparison=comparison,
        characteristics=stages.characteristics(),
        manage=manage,
        fall_points=stages.FALL_POINTS,
    )


@bp.route("/manage/<int:year>/who-takes-part")
@requires(Role.ORGANISER, Role.CO_PRODUCER)
def who_takes_part_manage(year: int):
    return _comparison_page(year, manage=True)


@bp.route("/<int:year>/who-takes-part")
@public
def who_takes_part(year: int):
    return _comparison_page(year, manage=False)


@bp.route("/manage/reports/population", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def population_figures():
    question = _characteristic_or_404()
    form = stage_forms.shares_form(question, population.current_shares(question))
    if form.validate_on_submit():
        try:
            population.save_shares(question, form.shares_input(question), current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"The population figures for “{question.words}” are saved.", "success")
            return redirect(url_for("reports.population_figures", characteristic=question.key))
    return render_template(
        "reports/stages/population.html",
        form=form,
        question=question,
        groups=[c for c in stages.categories(question) if c.is_group],
        share_field=population.share_field,
        characteristics=stages.characteristics(),
    )
