"""The organisers' credit forms: add a credit (a contributor from a list, or the name of someone
without an account with a note of their consent), and put the credits in order. The service
says which of the person and the name is needed, so its rule is written once."""

from __future__ import annotations

from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from cpweek.forms import BaseForm, CountField, enum_choices, optional_text
from cpweek.resources.models import CreditRole
from cpweek.resources.services.credits import MAX_CONSENT_NOTE, MAX_NAME, MAX_POSITION


def _optional_id(value) -> int | None:
    """A chosen id from the list, or None for "nobody chosen"; never a number the database
    would refuse (the service checks it is in range)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 10 else None


class CreditForm(BaseForm):
    person_id = SelectField(
        "A contributor with an account",
        coerce=_optional_id,
        validate_choice=False,  # the service says "Choose a contributor from the list"
        description="Contributors are credited as their profile says: by name, by a name they "
        "chose, or anonymously.",
    )
    name = optional_text(
        "Or the name of someone without an account",
        MAX_NAME,
        "The name",
        description="Exactly as they agreed to be credited.",
        render_kw={"autocomplete": "off"},
    )
    consent_note = TextAreaField(
        "How and when they agreed to be credited by that name",
        validators=[
            Length(
                max=MAX_CONSENT_NOTE,
                message=f"The note must be {MAX_CONSENT_NOTE:,} characters or fewer",
            )
        ],
        description="Needed for someone without an account. For example: Agreed by phone "
        "with Sam, 3 Dec 2026.",
        render_kw={"rows": 3},
    )
    role = RadioField(
        "How they contributed",
        choices=enum_choices(CreditRole),
        validators=[InputRequired("Choose how they contributed")],
    )
    add = SubmitField("Add the credit")


class OrderForm(BaseForm):
    """A place box for each credit (`position_<credit id>`), added by `order_form`."""

    save_order = SubmitField("Save the order")


def order_form(lines) -> OrderForm:
    """The order form for these credit lines (the page's `credit_lines`), one box each."""

    class _Order(OrderForm):
        pass

    for place, line in enumerate(lines, start=1):
        setattr(
            _Order,
            f"position_{line.credit.id}",
            CountField(
                f"Place of {line.who}, {line.role.lower()}",
                default=place,
                validators=[InputRequired(f"Enter a place for {line.who}")],
                render_kw={"inputmode": "numeric", "maxlength": len(str(MAX_POSITION))},
            ),
        )
    return _Order()
