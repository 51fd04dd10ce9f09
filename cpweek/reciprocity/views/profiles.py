"""Contributor profiles, as the contributor and as an organiser edit them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import requires
from cpweek.errors import DomainError
from cpweek.forms import show_error
from cpweek.programme import services as programme
from cpweek.programme.views.registrations import offer_equality_questions
from cpweek.reciprocity import services
from cpweek.reciprocity.forms import ProfileForm
from cpweek.reciprocity.views.common import CONTRIBUTOR, bp, contributor_or_404


def _profile_page(person: User, *, organiser: bool, done_url: str, back_url: str):
    form = ProfileForm()
    if not organiser:
        del form.payee_reference
    if request.method == "GET":
        form.process(obj=services.profile_or_default(person))
    if form.validate_on_submit():
        details = services.ProfileDetails(
            preferred_name=form.preferred_name.data,
            contact_email=getattr(form.contact_email, "normalised", ""),
            contact_phone=form.contact_phone.data or "",
            preference=form.preference.data,
            benefits_guidance=form.benefits_guidance.data,
            public_sector_employee=form.public_sector_employee.data,
            public_credit=form.public_credit.data,
            pseudonym=form.pseudonym.data or "",
            payee_reference=form.payee_reference.data if organiser else "",
        )
        first_time = services.get_profile(person.id) is None
        try:
            services.save_profile(person, details, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Profile saved.", "success")
            if first_time and not organiser:
                # A new contributor (in the edition running or coming next) is offered the
                # optional equality questions once, on the page they land on.
                edition = programme.current_or_next_edition()
                if edition is not None:
                    offer_equality_questions(current_user.id, edition.id, "contributor")
            return redirect(done_url)
    return render_template(
        "reciprocity/profile.html",
        form=form,
        person=person,
        organiser=organiser,
        back_url=back_url,
    )


@bp.route("/involvement/profile", methods=["GET", "POST"])
@requires(*CONTRIBUTOR)
def profile():
    home_url = url_for("reciprocity.home")
    return _profile_page(current_user, organiser=False, done_url=home_url, back_url=home_url)


@bp.route("/ledger/contributors/<int:user_id>/profile", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def contributor_profile(user_id: int):
    person = contributor_or_404(user_id)
    page = url_for("reciprocity.contributor", user_id=person.id)
    return _profile_page(person, organiser=True, done_url=page, back_url=page)
