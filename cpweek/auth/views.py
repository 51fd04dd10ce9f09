"""Sign up, sign in and out, password reset, the account page, and admin's people and roles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from cpweek.auth import services
from cpweek.auth.forms import (
    ChangePasswordForm,
    FinishSignUpForm,
    ResetPasswordForm,
    ResetRequestForm,
    RolesForm,
    SignInForm,
    SignUpForm,
)
from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.errors import DomainError
from cpweek.extensions import limiter, sign_in_account_key
from cpweek.forms import show_error
from cpweek.paging import Paging, page_number
from cpweek.urls import safe_next

bp = Blueprint("auth", __name__)


def _sign_in(user, *, remember: bool) -> None:
    """Start a server-side session for `user` and put its token in the cookies."""
    services.start_session(user, remembered=remember, user_agent=request.user_agent.string)
    login_user(user, remember=remember)


def _failed_sign_in(response) -> bool:
    # Only failures count towards the limit; a successful sign-in redirects.
    return response.status_code != 302


@bp.route("/sign-up", methods=["GET", "POST"])
@public
@limiter.limit("20 per hour", methods=["POST"], scope="sign-up")
def sign_up():
    if current_user.is_authenticated:
        return redirect(url_for("programme.home"))
    form = SignUpForm()
    if form.validate_on_submit():
        try:
            services.sign_up(
                form.name.data, form.email.normalised, safe_next(request.args.get("next"))
            )
        except DomainError as error:
            show_error(form, error)
        else:
            # The same page whatever the address: what happens next is in the email.
            return render_template("auth/sign_up_sent.html", email=form.email.normalised)
    return render_template("auth/sign_up.html", form=form)


@bp.route("/sign-up/<token>", methods=["GET", "POST"])
@public
def finish_sign_up(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("programme.home"))
    try:
        details = services.sign_up_details(token)
    except DomainError as error:
        return render_template(
            "auth/sign_up.html", form=SignUpForm(formdata=None), link_error=error.message
        ), 400
    form = FinishSignUpForm()
    if form.validate_on_submit():
        try:
            user = services.finish_sign_up(token, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            _sign_in(user, remember=False)
            flash("Your account is ready. You are signed in.", "success")
            return redirect(safe_next(details.next_url) or url_for("auth.account"))
    return render_template("auth/finish_sign_up.html", form=form, details=details)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS_AND_EMAIL"],
    key_func=sign_in_account_key,
    methods=["POST"],
    deduct_when=_failed_sign_in,
    scope="sign-in-account",
)
@limiter.limit(
    lambda: current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"],
    methods=["POST"],
    deduct_when=_failed_sign_in,
    scope="sign-in-address",
)
def sign_in():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("programme.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user, remember=form.remember.data)
            flash(f"Signed in as {user.name}.", "success")
            return redirect(next_url or url_for("programme.home"))
        # The same words whether the email is unknown or the password wrong.
        form.form_errors.append("The email address or password is not right")
        form.password.errors = [
            *form.password.errors,
            "Check your email address and password, then try again",
        ]
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


@bp.route("/sign-out", methods=["POST"])
@requires(Role.ATTENDEE)
def sign_out():
    services.end_session(current_user._get_current_object())
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("programme.home"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@requires(Role.ATTENDEE)
def sign_out_everywhere():
    services.end_sessions(current_user._get_current_object())
    logout_user()
    flash("You have signed out on every device, including this one.", "success")
    return redirect(url_for("programme.home"))


@bp.route("/password-reset", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"], scope="password-reset")
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.normalised)
        return render_template("auth/reset_sent.html", email=form.email.normalised)
    return render_template("auth/reset_request.html", form=form)


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except DomainError as error:
        return render_template(
            "auth/reset_request.html", form=ResetRequestForm(), link_error=error.message
        ), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account")
@requires(Role.ATTENDEE)
def account():
    return render_template("account/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Role.ATTENDEE)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(user, form.current_password.data, form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            # This browser's session is kept, but its cookies (and a kept-signed-in cookie, if
            # it had one) must carry the new login version, or it would be signed out too.
            login_user(user, remember=user.current_session.remembered)
            flash("Your password has been changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("account/change_password.html", form=form)


@bp.route("/admin/people")
@requires(Role.ADMIN)
def people():
    query = request.args.get("q", "")[:200]
    page = page_number(request.args.get("page"))
    per_page = 50
    found, total = services.search_people(query, page, per_page)
    paging = Paging(page, per_page, total)
    if page > paging.pages:
        abort(404)
    return render_template(
        "auth/people.html", people=found, total=total, query=query, paging=paging
    )


@bp.route("/admin/people/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def person_roles(user_id: int):
    person = services.get_user(user_id)
    if person is None:
        abort(404)
    form = RolesForm()
    if request.method == "GET":
        form.roles.data = [role.value for role in person.roles if role != Role.ATTENDEE]
    if form.validate_on_submit():
        try:
            services.set_roles(current_user, person, {Role(value) for value in form.roles.data})
        except DomainError as error:
            show_error(form, error)
        else:
            flash(f"Roles saved for {person.name}.", "success")
            return redirect(url_for("auth.person_roles", user_id=person.id))
    return render_template("auth/person_roles.html", person=person, form=form)
