"""Forms of the reports room: the feedback form (a worded scale per adopted measure, the event
overall, two free-text boxes), the organisers' phone or paper entry, and the outcome measures'
forms (one's own measure, a measure from the bank)."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from cpweek.forms import BaseForm, enum_choices, optional_text, required_text
from cpweek.reports.feedback_models import Audience, FeedbackSource, OutcomeMeasure
from cpweek.reports.services.feedback import (
    EASY_OVERALL_OPTIONS,
    EASY_OVERALL_QUESTION,
    MAX_TEXT,
    OVERALL_OPTIONS,
    OVERALL_QUESTION,
    FeedbackInput,
)
from cpweek.reports.services.outcomes import MAX_OPTION, MAX_QUESTION, MeasureInput

AUDIENCE_HINTS = {
    "lived_experience": "For people who draw on care and support, and unpaid carers.",
    "staff": "For people who work in care and support.",
    "organisation": "For people answering for an organisation.",
    "everyone": "",
}
EASY_AUDIENCE_HINTS = {
    "lived_experience": "For people who get care or support, and carers.",
    "staff": "For people who work in care.",
    "organisation": "For people who answer for a group or company.",
    "everyone": "",
}


def scale_field(label: str, options, **kwargs) -> RadioField:
    """Five options in words, kept as their place on the scale (1 to 5); may be skipped. The
    service checks the value, so a tampered one gets a message, not a 500."""
    return RadioField(
        label,
        choices=[SelectChoice(number, words) for number, words in enumerate(options, start=1)],
        coerce=int,
        validate_choice=False,
        invalid_value_message="Choose one of the answers shown",
        **kwargs,
    )


class FeedbackForm(BaseForm):
    what_worked = TextAreaField(
        "What worked well?",
        description=f"Optional. Up to {MAX_TEXT:,} characters.",
        render_kw={"rows": 5},
    )
    could_be_better = TextAreaField(
        "What could be better?",
        description=f"Optional. Up to {MAX_TEXT:,} characters.",
        render_kw={"rows": 5},
    )

    measure_names: list[str]

    def feedback(self, easy_read: bool) -> FeedbackInput:
        answers = {
            int(name.removeprefix("measure_")): getattr(self, name).data
            for name in self.measure_names
            if getattr(self, name).data is not None
        }
        overall = self.overall.data
        return FeedbackInput(
            answers=answers,
            overall=overall,
            what_worked=self.what_worked.data or "",
            could_be_better=self.could_be_better.data or "",
            easy_read=easy_read,
        )


class EnteredFeedbackForm(FeedbackForm):
    source = RadioField(
        "How were these answers given?",
        choices=[
            SelectChoice(FeedbackSource.PHONE.value, FeedbackSource.PHONE.label),
            SelectChoice(FeedbackSource.PAPER.value, FeedbackSource.PAPER.label),
        ],
        validate_choice=False,
    )
    easy_read = BooleanField("The person answered the Easy Read version")


def feedback_form(
    measures: list[OutcomeMeasure], *, easy_read: bool = False, entered: bool = False
) -> FeedbackForm:
    """The form for an edition's adopted measures, in standard words or Easy Read."""
    base = EnteredFeedbackForm if entered else FeedbackForm
    hints = EASY_AUDIENCE_HINTS if easy_read else AUDIENCE_HINTS
    fields: dict = {
        "overall": scale_field(
            EASY_OVERALL_QUESTION if easy_read else OVERALL_QUESTION,
            EASY_OVERALL_OPTIONS if easy_read else OVERALL_OPTIONS,
        )
    }
    for measure in measures:
        question = (measure.easy_question if easy_read else "") or measure.question
        fields[f"measure_{measure.id}"] = scale_field(
            question, measure.options, description=hints.get(measure.audience, "")
        )
    form_class = type("EditionFeedbackForm", (base,), fields)
    form = form_class()
    form.measure_names = [f"measure_{measure.id}" for measure in measures]
    if easy_read:
        form.what_worked.label.text = "What was good?"
        form.could_be_better.label.text = "What could be better?"
    return form


class OwnMeasureForm(BaseForm):
    question = required_text(
        "The question, as a person will read it",
        "Write the question as a person will read it",
        MAX_QUESTION,
        noun="The question",
        description="For example: After this event, how confident do you feel to take part "
        "in co-production?",
    )
    easy_question = optional_text(
        "The question in Easy Read words (optional)",
        MAX_QUESTION,
        "The Easy Read question",
        description="Short, everyday words. For example: Do you feel more sure you can take "
        "part now?",
    )
    audience = RadioField(
        "Who is the question for?", choices=enum_choices(Audience), validate_choice=False
    )
    option_1 = required_text(
        "Option 1 (the least)", "Give the words of option 1", MAX_OPTION, noun="Option 1"
    )
    option_2 = required_text("Option 2", "Give the words of option 2", MAX_OPTION, noun="Option 2")
    option_3 = required_text(
        "Option 3 (the middle)", "Give the words of option 3", MAX_OPTION, noun="Option 3"
    )
    option_4 = required_text("Option 4", "Give the words of option 4", MAX_OPTION, noun="Option 4")
    option_5 = required_text(
        "Option 5 (the most)", "Give the words of option 5", MAX_OPTION, noun="Option 5"
    )

    def measure(self) -> MeasureInput:
        return MeasureInput(
            question=self.question.data or "",
            audience=self.audience.data or "",
            options=tuple(getattr(self, f"option_{n}").data or "" for n in range(1, 6)),
            easy_question=self.easy_question.data or "",
        )


class BankMeasureForm(BaseForm):
    key = HiddenField()
