"""Form pieces shared by every domain: the base form (control characters dropped), the email
and required-text fields, a checkbox list, dates and times typed in boxes (day, month, year;
hour, minute), show_error for a DomainError, a money field and a form that is only a button."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from flask import flash
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    IntegerField,
    SelectMultipleField,
    StringField,
    ValidationError,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length

from cpweek.dateparts import PartsInvalid, missing_words, parse_date, parse_time
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


# --- Dates and times typed in boxes (the GOV.UK date input pattern) -------------------------
#
# A date is three boxes (day, month, year) and a time two (hour, minute), each posted as
# `<name>-day`, `<name>-month`, ... People write "27 3 2027", not "2027-03-27", and a box each
# lets the message say exactly what is missing. What was typed is kept box by box, and the
# summary links to the first box with a problem (`anchor_id`).

PART_LABELS = {"day": "Day", "month": "Month", "year": "Year", "hour": "Hour", "minute": "Minute"}
PART_WIDTHS = {"day": 2, "month": 2, "year": 4, "hour": 2, "minute": 2}
DATE_EXAMPLE = "For example, 27 3 2027"
TIME_EXAMPLE = "On the 24-hour clock: for example, 14 30 for half past 2 in the afternoon."


@dataclass(frozen=True)
class Box:
    """One box of a date or time, as the form macro draws it."""

    part: str
    label: str
    id: str
    name: str
    value: str
    width: int
    error: bool


class _BoxesField(Field):
    """A value typed in several boxes (see DateInputField), rendered by the form macro."""

    PARTS: tuple[str, ...] = ()
    NOUN = "The date"

    def __init__(self, label=None, validators=None, *, noun: str | None = None, **kwargs):
        description = kwargs.pop("description", "")
        super().__init__(label, validators, description=self.hint(label, description), **kwargs)
        self.noun = noun or self.NOUN
        self.typed: dict[str, str] | None = None
        self.error_parts: tuple[str, ...] = ()

    @staticmethod
    def hint(label, description: str) -> str:
        return description

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:
        self.process_errors, self.error_parts, self.typed, self.raw_data = [], (), None, []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = self.coerce(data)
        if formdata is None:
            return
        self.typed = {
            part: (strip_control_characters(formdata.get(f"{self.name}-{part}", "")) or "").strip()
            for part in self.PARTS
        }
        self.data = None
        if not any(self.typed.values()):
            return  # nothing typed: InputRequired or Optional decides
        self.raw_data = [" ".join(self.typed.values())]
        try:
            self.data = self.parse(self.typed)
        except PartsInvalid as error:
            self.error_parts = error.parts
            self.process_errors.append(error.message)

    def coerce(self, value):
        return value

    def parse(self, typed: dict[str, str]):
        raise NotImplementedError

    def shown(self, value) -> dict[str, str]:
        raise NotImplementedError

    def _marked(self) -> tuple[str, ...]:
        if not self.errors:
            return ()
        return self.error_parts or self.PARTS  # an error about the whole value marks every box

    @property
    def anchor_id(self) -> str:
        """The id the error summary links to: the first box with a problem."""
        marked = self._marked()
        return f"{self.id}-{next((p for p in self.PARTS if p in marked), self.PARTS[0])}"

    def boxes(self) -> list[Box]:
        values = self.typed if self.typed is not None else self.shown(self.data)
        marked = self._marked()
        return [
            Box(
                part=part,
                label=PART_LABELS[part],
                id=f"{self.id}-{part}",
                name=f"{self.name}-{part}",
                value=values.get(part, ""),
                width=PART_WIDTHS[part],
                error=part in marked,
            )
            for part in self.PARTS
        ]

    def __call__(self, **kwargs):  # drawn by the form macro, box by box
        raise TypeError("render a date or time field with forms.field()")


class DateInputField(_BoxesField):
    """A date as day, month and year boxes; `data` is a datetime.date (None until valid)."""

    PARTS = ("day", "month", "year")

    @staticmethod
    def hint(label, description: str) -> str:
        return f"{DATE_EXAMPLE}. {description}" if description else DATE_EXAMPLE

    def coerce(self, value):
        return value.date() if isinstance(value, datetime) else value

    def parse(self, typed):
        return parse_date(typed, self.noun)

    def shown(self, value) -> dict[str, str]:
        if not isinstance(value, date):
            return {}
        return {"day": str(value.day), "month": str(value.month), "year": f"{value.year:04d}"}


def _uk_time_hint(label, example: str, description: str) -> str:
    """Every time entered says it is UK time: in its label, or else in its hint."""
    said = "UK time" in str(label or "")
    return " ".join(text for text in ("" if said else "UK time.", example, description) if text)


class TimeInputField(_BoxesField):
    """A UK time as hour and minute boxes (24-hour clock); `data` is a datetime.time."""

    PARTS = ("hour", "minute")
    NOUN = "The time"

    @staticmethod
    def hint(label, description: str) -> str:
        return _uk_time_hint(label, TIME_EXAMPLE, description)

    def coerce(self, value):
        return value.time() if isinstance(value, datetime) else value

    def parse(self, typed):
        return parse_time(typed, self.noun)

    def shown(self, value) -> dict[str, str]:
        if not isinstance(value, time):
            return {}
        return {"hour": f"{value.hour:02d}", "minute": f"{value.minute:02d}"}


class DateTimeInputField(_BoxesField):
    """A date and a UK time in one question (day, month, year, hour, minute boxes); `data` is
    a naive datetime on the wall clock, which the view turns into an instant."""

    PARTS = ("day", "month", "year", "hour", "minute")
    NOUN = "The date and time"

    @staticmethod
    def hint(label, description: str) -> str:
        example = "On the 24-hour clock: for example, 27 3 2027 and 14 30."
        return _uk_time_hint(label, example, description)

    def parse(self, typed):
        date_part = {part: typed[part] for part in ("day", "month", "year")}
        time_part = {part: typed[part] for part in ("hour", "minute")}
        missing = [part for part in self.PARTS[:4] if not typed[part]]
        if missing:
            raise PartsInvalid(f"{self.noun} must include {missing_words(missing)}", missing)
        return datetime.combine(parse_date(date_part, self.noun), parse_time(time_part, self.noun))

    def shown(self, value) -> dict[str, str]:
        if not isinstance(value, datetime):
            return {}
        return {
            **DateInputField.shown(self, value.date()),
            **TimeInputField.shown(self, value.time()),
        }
