from __future__ import annotations

from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from cpweek.forms import BaseForm, CheckboxListField, email_field
from cpweek.programme.models import AccessNeed


def _access_needs_field() -> CheckboxListField:
    return CheckboxListField(
        "Access needs (optional)",
        choices=[SelectChoice(need.value, need.label) for need in AccessNeed],
        description="Tick anything that would help you take part. Only the organisers see this.",
    )


def _access_notes_field() -> TextAreaField:
    return TextAreaField(
        "Anything else we should know? (optional)",
        validators=[Length(max=2000, message="Tell us in 2,000 characters or fewer")],
        description="For example dietary needs, a language, or how we can make it easier for you.",
        render_kw={"rows": 4, "maxlength": 2000},
    )


class AccessNeedsForm(BaseForm):
    access_needs = _access_needs_field()
    access_notes = _access_notes_field()
    submit = SubmitField("Save access needs")


class RegistrationForm(BaseForm):
    """Signed-in people see only the access questions: we know their name and email."""

    name = StringField(
        "Your name",
        validators=[
            DataRequired("Enter your name"),
            Length(max=200, message="Your name must be 200 characters or fewer"),
        ],
        render_kw={"autocomplete": "name", "maxlength": 200},
    )
    email = email_field(hint="We will send your confirmation and the joining details here.")
    organisation = StringField(
        "Organisation (optional)",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
        render_kw={"autocomplete": "organization", "maxlength": 200},
    )
    access_needs = _access_needs_field()
    access_notes = _access_notes_field()
    consent_to_contact = BooleanField(
        "Tell me about future Co-production Week events (you can stop this at any time)"
    )
    submit = SubmitField("Register")

    def for_signed_in_person(self) -> RegistrationForm:
        del self.name
        del self.email
        return self


class ConfirmForm(BaseForm):
    submit = SubmitField("Yes, cancel my registration")


class RenewFeedForm(BaseForm):
    """Only the CSRF token: the button's words depend on whether a feed exists."""
