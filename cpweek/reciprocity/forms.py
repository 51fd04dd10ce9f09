from __future__ import annotations

import re
from decimal import Decimal

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cpweek.forms import (
    BaseForm,
    CheckboxListField,
    CountField,
    DateInputField,
    MoneyField,
    NormalisedEmail,
    enum_choices,
    optional_text,
    required_text,
)
from cpweek.reciprocity.models import (
    Choice,
    ExpenseCategory,
    PaymentMethod,
    PublicCredit,
    RateUnit,
    RecognitionKind,
    RecognitionPreference,
)

_HOURS_AND_MINUTES = re.compile(r"^(\d{1,2}):([0-5]\d)$")
_DECIMAL_HOURS = re.compile(r"^\d{1,2}(\.\d{1,2})?$|^\.\d{1,2}$")


class HoursField(StringField):
    """Time spent, typed as hours ('1.5') or hours and minutes ('1:30'); `minutes` once valid."""

    minutes: int | None = None

    def pre_validate(self, form) -> None:
        self.minutes = None
        text = (self.data or "").strip().replace(",", ".")
        if not text:
            raise ValidationError("Enter how long it took, in hours, like 1.5")
        clock = _HOURS_AND_MINUTES.match(text)
        if clock:
            minutes = int(clock[1]) * 60 + int(clock[2])
        elif _DECIMAL_HOURS.match(text):
            minutes = int((Decimal(text) * 60).to_integral_value())
        else:
            raise ValidationError("Enter hours as a number, like 1.5, or as 1:30")
        if minutes < 15:
            raise ValidationError("Enter a time of at least 0.25 hours (15 minutes)")
        if minutes > 24 * 60:
            raise ValidationError("Enter 24 hours or less: log each day separately")
        self.minutes = minutes


def _long_text(label: str, missing: str, noun: str, description: str = "") -> TextAreaField:
    """A required paragraph (a question, an answer, a reason) of up to 2,000 characters."""
    return TextAreaField(
        label,
        description=description,
        validators=[
            DataRequired(missing),
            Length(max=2000, message=f"{noun} must be 2,000 characters or fewer"),
        ],
    )


def _receipt_field(label: str, more: str = "") -> FileField:
    # The service checks the file's content; `accept` only helps the browser's file picker.
    return FileField(
        label,
        description="A PDF, or a photo in JPEG or PNG format, up to 5 MB." + more,
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"},
    )


def _event_field(label: str = "Which event was it for? (optional)") -> SelectField:
    return SelectField(label, coerce=_optional_int, validators=[Optional()])


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class ProfileForm(BaseForm):
    preferred_name = required_text("The name you would like us to use", "Enter your name")
    contact_email = EmailField(
        "Email address we should use (optional)",
        validators=[Optional(), NormalisedEmail()],
        render_kw={"autocomplete": "email", "spellcheck": "false", "maxlength": 320},
    )
    contact_phone = optional_text(
        "Phone number (optional)", 40, "Phone number", render_kw={"autocomplete": "tel"}
    )
    preference = RadioField(
        "How would you usually like to be recognised?",
        choices=enum_choices(RecognitionPreference),
        validators=[InputRequired("Choose how you would usually like to be recognised")],
        description="You can still choose differently for each activity.",
    )
    benefits_guidance = BooleanField(
        "Show me guidance about benefits before I accept a payment or vouchers",
        description="Tick this if you receive benefits and would like a reminder to check. "
        "We never give benefits advice; we point you to independent advisers.",
    )
    public_sector_employee = BooleanField(
        "I work for a public-sector organisation (for example the NHS or a council)",
        description="Some employers do not allow a separate fee for work done in work time.",
    )
    public_credit = RadioField(
        "When we thank contributors in public, how should we name you?",
        choices=enum_choices(PublicCredit),
        validators=[InputRequired("Choose how you would like to be credited")],
        description="On event pages, evidence reviews and resources you helped make. You "
        "can change your mind at any time.",
    )
    pseudonym = optional_text(
        "The name to credit you by (if you chose a pseudonym)", 100, "The name"
    )
    payee_reference = optional_text(
        "Payee reference in the finance system",
        60,
        "The reference",
        description="Bank details are kept by the finance system, never here.",
        render_kw={"spellcheck": "false"},
    )
    submit = SubmitField("Save")


class InvolvementForm(BaseForm):
    activity_id = SelectField(
        "Activity", coerce=_optional_int, validators=[InputRequired("Choose the activity")]
    )
    activity_on = DateInputField(
        "Date",
        validators=[InputRequired("Enter the date of the activity")],
        noun="The date of the activity",
    )
    hours = HoursField(
        "How long did it take, in hours?",
        description="Include preparation if it was part of the activity. For example 1.5 or 1:30.",
        render_kw={"inputmode": "decimal", "maxlength": 6},
    )
    units = CountField(
        "How many half days, days or sessions? (for rates that are not hourly)",
        default=1,
        validators=[
            Optional(),
            NumberRange(min=1, max=20, message="Enter a number from 1 to 20"),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 2},
    )
    event_id = _event_field()
    related_to = optional_text(
        "Anything else it related to (optional)",
        300,
        "This",
        description="For example a proposal or a resource.",
    )
    note = TextAreaField(
        "Note (optional)",
        validators=[Length(max=2000, message="The note must be 2,000 characters or fewer")],
    )
    choice = RadioField(
        "What would you like for this activity?",
        choices=enum_choices(Choice),
        validators=[InputRequired("Choose what you would like for this activity")],
    )
    less_amount = MoneyField(
        "The amount to take (if you chose a smaller amount)",
        description="In pounds, for example 20.00",
        render_kw={"inputmode": "decimal", "maxlength": 12},
    )
    charity = optional_text(
        "The charity (if you chose to give the fee to a charity)", 200, "The charity's name"
    )
    # The warnings shown with the fee: logging waits until the person has seen them all.
    warnings_shown = HiddenField()
    # The prompt the form was filled in from (services/prompts.py), kept by the entry if the
    # person still has that prompt open.
    prompt_key = HiddenField()
    check = SubmitField("Work out the fee")
    submit = SubmitField("Log this activity")


class ExpenseForm(BaseForm):
    category = RadioField(
        "What was the cost for?",
        choices=enum_choices(ExpenseCategory),
        validators=[InputRequired("Choose what the cost was for")],
    )
    description = required_text(
        "What was it?",
        "Say what the expense was, like “train to Leeds”",
        300,
        description="For example “return train to Leeds” or “2 hours of care cover”",
    )
    spent_on = DateInputField(
        "Date", validators=[InputRequired("Enter the date of the cost")], noun="The date"
    )
    amount = MoneyField(
        "Amount, in pounds",
        validators=[DataRequired("Enter the amount, like 12.50")],
        render_kw={"inputmode": "decimal", "maxlength": 12},
    )
    in_advance = BooleanField(
        "This cost is still to come: ask for it to be approved (and paid) in advance"
    )
    event_id = _event_field()
    receipt = _receipt_field("Receipt (optional)", " You can add it later too.")
    submit = SubmitField("Claim this expense")


class ReceiptForm(BaseForm):
    receipt = _receipt_field("Add a receipt")
    upload = SubmitField("Upload the receipt")


class AnswerForm(BaseForm):
    answer = _long_text("Your answer", "Write your answer", "The answer")
    send_answer = SubmitField("Send the answer")


class ApproveForm(BaseForm):
    acknowledge = BooleanField("I have read the warnings above and approve anyway")
    approve = SubmitField("Approve")


class QueryForm(BaseForm):
    question = _long_text(
        "Ask the contributor a question", "Write the question for the contributor", "The question"
    )
    send_question = SubmitField("Send the question")


class RejectForm(BaseForm):
    reason = _long_text(
        "Why is it not approved?",
        "Give the reason, which the contributor will see",
        "The reason",
        description="The contributor sees this.",
    )
    reject = SubmitField("Do not approve")


class ReverseForm(BaseForm):
    correction = _long_text(
        "Why does it need correcting?", "Give the reason for the correction", "The reason"
    )
    reverse = SubmitField("Record a reversing entry")


class ActivityForm(BaseForm):
    name = required_text("Activity", "Enter the activity's name", 120)
    for_hosting = BooleanField("Offer this to contributors who hosted an event")
    add_activity = SubmitField("Add the activity")


class RateForm(BaseForm):
    activity_id = SelectField(
        "Activity", coerce=_optional_int, validators=[InputRequired("Choose an activity")]
    )
    unit = RadioField(
        "Paid per",
        choices=enum_choices(RateUnit),
        validators=[InputRequired("Choose what the rate is paid per")],
    )
    pounds = MoneyField(
        "Rate, in pounds",
        validators=[DataRequired("Enter the rate, like 25.00")],
        render_kw={"inputmode": "decimal", "maxlength": 12},
    )
    starts_on = DateInputField(
        "Starts on", validators=[InputRequired("Enter the date it starts")], noun="The start date"
    )
    ends_on = DateInputField(
        "Ends on (optional)",
        validators=[Optional()],
        noun="The end date",
        description="Leave empty until a new rate replaces it: adding a later rate ends this "
        "one the day before.",
    )
    source = required_text(
        "Source",
        "Say which guidance or decision this rate follows",
        300,
        description="For example “NIHR payment guidance v1.4, confirmed by the board on …”",
    )
    submit = SubmitField("Add the rate")


class PaymentRunForm(BaseForm):
    entries = CheckboxListField(
        "Entries paid in this run",
        coerce=int,
        validators=[InputRequired("Choose at least one entry to pay")],
    )
    paid_on = DateInputField(
        "Date paid", validators=[InputRequired("Enter the date it was paid")], noun="The date"
    )
    method = SelectField(
        "How it was paid",
        choices=enum_choices(PaymentMethod),
        validators=[InputRequired("Choose how it was paid")],
    )
    reference = required_text(
        "Finance system reference",
        "Enter the finance system's reference for this payment",
        100,
    )
    # The entries the totals on the page were worked out for: recording waits until the
    # organiser has seen the totals of exactly what is ticked.
    summarised = HiddenField()
    check = SubmitField("Work out the totals")
    submit = SubmitField("Record the payment")


class GuidanceForm(BaseForm):
    title = required_text("Title", "Enter a title")
    body = TextAreaField(
        "Wording",
        description="Write to the contributor, as “you”: organisers see a line about the "
        "contributor before it. Signpost, never advise. {threshold} is replaced by the tax-year "
        "threshold.",
        validators=[
            DataRequired("Enter the wording people see"),
            Length(max=4000, message="The wording must be 4,000 characters or fewer"),
        ],
    )
    link_text = optional_text("Link words (optional)", 200, "The link words")
    link_url = URLField(
        "Link address (optional)",
        validators=[Length(max=500, message="The address must be 500 characters or fewer")],
    )
    submit = SubmitField("Save the wording")


class RecognitionForm(BaseForm):
    kind = RadioField(
        "What kind of recognition?",
        choices=enum_choices(RecognitionKind),
        validators=[InputRequired("Choose what kind of recognition this is")],
    )
    title = required_text(
        "Title",
        "Enter a title, like “Co-facilitated the equity workshop”",
        description="What the contributor will see on their portfolio.",
    )
    body = TextAreaField(
        "Message (optional)",
        description="A thank-you, or “you said, we did”: what changed because of their input.",
        validators=[Length(max=4000, message="The message must be 4,000 characters or fewer")],
    )
    event_id = _event_field("Event (a credit appears on this event's page, by the name they chose)")
    submit = SubmitField("Issue the recognition")
