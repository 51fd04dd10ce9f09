"""Form pieces shared by every domain: the email field and a checkbox list."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, ValidationError, widgets

from cpweek.text import strip_control_characters


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


def show_error(form, error) -> None:
    """Put a DomainError next to its field, or at the top of the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
