from __future__ import annotations

from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, EqualTo, Length

from cpweek.auth.models import GRANTABLE_ROLES
from cpweek.auth.services import MAX_PASSWORD_LENGTH, password_problems
from cpweek.forms import BaseForm, CheckboxListField, email_field, required_text


class StrongPassword:
    """The password rule from auth.services, shown next to the field."""

    def __call__(self, form, field) -> None:
        email = getattr(form, "email", None)
        name = getattr(form, "name", None)
        problems = password_problems(
            field.data or "", email.data or "" if email else "", name.data or "" if name else ""
        )
        if problems:
            raise ValidationError(problems[0])


# Words shown under the field, not a password.
PASSWORD_HINT = (
    "At least 10 characters. Three random words make a strong password you can remember."  # noqa: S105
)


def _new_password(label: str = "Create a password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Enter a password"), StrongPassword()],
        description=PASSWORD_HINT,
        render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD_LENGTH},
    )


def _confirm(field: str = "password") -> PasswordField:
    return PasswordField(
        "Type the password again",
        validators=[
            DataRequired("Type the password again"),
            EqualTo(field, "The two passwords are not the same"),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD_LENGTH},
    )


class SignUpForm(BaseForm):
    name = required_text(
        "Your name",
        "Enter your name",
        description="The name you would like us to use.",
        render_kw={"autocomplete": "name"},
    )
    email = email_field(
        hint="We will email you a link to finish creating your account, "
        "and send confirmations and updates here."
    )
    submit = SubmitField("Continue")


class FinishSignUpForm(BaseForm):
    password = _new_password()
    confirm = _confirm()
    submit = SubmitField("Create account")


class SignInForm(BaseForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password"), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password", "maxlength": MAX_PASSWORD_LENGTH},
    )
    remember = BooleanField("Keep me signed in on this device for 30 days")
    submit = SubmitField("Sign in")


class ResetRequestForm(BaseForm):
    email = email_field(hint="We will email you a link to choose a new password.")
    submit = SubmitField("Send the link")


class ResetPasswordForm(BaseForm):
    password = _new_password("New password")
    confirm = _confirm()
    submit = SubmitField("Save new password")


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password"), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password", "maxlength": MAX_PASSWORD_LENGTH},
    )
    password = _new_password("New password")
    confirm = _confirm()
    submit = SubmitField("Change password")


class RolesForm(BaseForm):
    roles = CheckboxListField(
        "Roles",
        choices=[SelectChoice(role.value, role.label) for role in GRANTABLE_ROLES],
        description=(
            "Everyone with an account is an attendee. Tick the other roles this person holds."
        ),
    )
    submit = SubmitField("Save roles")
