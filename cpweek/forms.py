"""Form pieces shared by every domain: the base form (control characters dropped), the email
and required-text fields, a checkbox list, date and time fields that say what to type, and
show_error for a DomainError, a money field and a form that is only a button."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    SelectMultipleField,
    StringField,
    ValidationError,
    fields,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from cpweek.money import AmountError, parse_pounds
from cpweek.text import strip_control_characters
from cpweek.uow import discard


class BaseForm(FlaskForm):
    """Every form's base: text loses control characters before any validator sees it."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", [])
            options["filters"] = (strip_control_characters, *filters)
            return unbound_field.bind(form=form, **options)


class NormalisedEmail:
    """Checks an address with the one rule the services use, and keeps the normal form."""

    def __call__(self, form, field) -> None:
        from cpweek.auth.services import InvalidEmail, normalise_email

        try:
            field.normalised = normalise_email(field.data or "")
        except InvalidEmail as error:
            raise ValidationError(error.message) from None


def required_text(
    label: str, missing: str, max_length: int = 200, *, noun: str | None = None, **kwargs
) -> StringField:
    """A text field that must be filled in, with the two messages people see."""
    render_kw = {"maxlength": max_length, **kwargs.pop("render_kw", {})}
    return StringField(
        label,
        validators=[
            DataRequired(missing),
            Length(
                max=max_length,
                message=f"{noun or label} must be {max_length:,} characters or fewer",
            ),
        ],
        render_kw=render_kw,
        **kwargs,
    )


def optional_text(label: str, max_length: int, noun: str, **kwargs) -> StringField:
    """A text field that may be left empty, with its length limit said in words."""
    render_kw = {"maxlength": max_length, **kwargs.pop("render_kw", {})}
    return StringField(
        label,
        validators=[
            Length(max=max_length, message=f"{noun} must be {max_length:,} characters or fewer")
        ],
        render_kw=render_kw,
        **kwargs,
    )


def email_field(label: str = "Email address", hint: str | None = None) -> EmailField:
    return EmailField(
        label,
        validators=[NormalisedEmail()],
        description=hint or "",
        render_kw={"autocomplete": "email", "spellcheck": "false", "maxlength": 320},
    )


class CheckboxListField(SelectMultipleField):
    """A group of checkboxes, rendered as a fieldset by the form macro."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ActionForm(BaseForm):
    """Only the CSRF token: for a button that does one thing (its words are in the template)."""


class MoneyField(StringField):
    """An amount in pounds as typed ('12.50', '£1,200'); `pence` holds it once valid. What was
    typed is kept for the page to show again."""

    pence: int | None = None

    def pre_validate(self, form) -> None:
        self.pence = None
        if not (self.data or "").strip():
            return  # DataRequired or Optional decides whether that is allowed
        try:
            self.pence = parse_pounds(self.data)
        except AmountError as error:
            raise ValidationError(str(error)) from None


class CountField(IntegerField):
    """A whole number, with a message that says what to type."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a whole number, like 1 or 2") from None


def enum_choices(enum_class) -> list[SelectChoice]:
    """A radio group's or select's options from a LabelledEnum: value and the words shown."""
    return [SelectChoice(member.value, member.label) for member in enum_class]


def show_error(form, error) -> None:
    """Put a DomainError next to its field, or at the top of the form when it names none; the
    refused action's unit of work is rolled back at the end of the request (`uow.discard`)."""
    discard()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)



def refuse(error) -> None:
    """A refused action answered on the next page: its message at the top, nothing saved."""
    discard()
    flash(error.message, "error")


def _friendly(field_class, message: str):
    """A WTForms date/time field whose parse error says what to type."""

    class Field(field_class):
        def process_formdata(self, valuelist):
            try:
                super().process_formdata(valuelist)
            except ValueError:
                self.data = None
                raise ValueError(message) from None

    Field.__name__ = field_class.__name__
    return Field


DateField = _friendly(fields.DateField, "Enter a real date, like 2027-06-29")
TimeField = _friendly(fields.TimeField, "Enter a time on the 24-hour clock, like 14:30")
DateTimeLocalField = _friendly(
    fields.DateTimeLocalField, "Enter a real date and time, like 2027-06-01 09:00"
)
