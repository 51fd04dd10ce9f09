from __future__ import annotations

from datetime import datetime

from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cpweek.coproduction.models import SCORE_MAX, SCORE_MIN, LivedExperience, Outcome
from cpweek.forms import (
    BaseForm,
    CountField,
    DateInputField,
    DateTimeInputField,
    TimeInputField,
    enum_choices,
    optional_text,
    required_text,
)
from cpweek.programme.models import EventFormat, EventKind
from cpweek.timezones import AmbiguousLocalTime, NonexistentLocalTime, from_local

FOLD_WORDS = {0: "before the clocks go back", 1: "after the clocks go back"}


def which_one() -> RadioField:
    """The companion of a UK time field: shown only when the time typed happens twice (the
    night the clocks go back), to say which of the two is meant."""
    return RadioField(
        "Which one do you mean?", choices=[], validate_choice=False, validators=[Optional()]
    )


def uk_instant(form, name: str, wall_clock: datetime, zone: str) -> datetime | None:
    """The instant meant by the UK time typed in `form.<name>`, or None with the reason next
    to the field. A time that happens twice is never guessed: the field's `<name>_fold`
    companion offers BST or GMT, and once one is chosen that reading is taken."""
    field, chooser = getattr(form, name), getattr(form, f"{name}_fold")
    try:
        return from_local(wall_clock, zone)
    except NonexistentLocalTime as error:
        field.errors = [*field.errors, str(error)]
        return None
    except AmbiguousLocalTime as error:
        typed = f"{wall_clock:%H:%M}"
        chooser.choices = [
            (str(fold), f"{typed} {label}, {FOLD_WORDS[fold]}") for fold, label in error.choices
        ]
        if chooser.data in ("0", "1"):
            return from_local(wall_clock, zone, fold=int(chooser.data))
        field.errors = [*field.errors, str(error)]
        return None


def _paragraph(label: str, missing: str | None, noun: str, **kwargs) -> TextAreaField:
    required = [DataRequired(missing)] if missing else [Optional()]
    return TextAreaField(
        label,
        validators=[
            *required,
            Length(max=4000, message=f"{noun} must be 4,000 characters or fewer"),
        ],
        **kwargs,
    )


class CallForm(BaseForm):
    guidance = _paragraph(
        "Guidance for proposers",
        None,
        "The guidance",
        description="What the week is looking for, and how proposals are judged.",
        render_kw={"rows": 8},
    )
    opens_at = DateTimeInputField(
        "Opens (UK time)",
        validators=[InputRequired("Enter when the call opens")],
        noun="When the call opens",
    )
    opens_at_fold = which_one()
    closes_at = DateTimeInputField(
        "Closes (UK time)",
        validators=[InputRequired("Enter when the call closes")],
        noun="When the call closes",
    )
    closes_at_fold = which_one()
    reviewing_starts_on = DateInputField(
        "Reviewing starts",
        validators=[InputRequired("Enter when reviewing starts")],
        noun="The day reviewing starts",
    )
    reviewing_ends_on = DateInputField(
        "Reviewing ends",
        validators=[InputRequired("Enter when reviewing ends")],
        noun="The day reviewing ends",
    )
    deciding_starts_on = DateInputField(
        "Deciding starts",
        validators=[InputRequired("Enter when deciding starts")],
        noun="The day deciding starts",
    )
    deciding_ends_on = DateInputField(
        "Deciding ends",
        validators=[InputRequired("Enter when deciding ends")],
        noun="The day deciding ends",
    )
    shared_decisions = BooleanField(
        "A decision stands only once a co-producer and an organiser have both agreed to it",
        default=True,
    )
    submit = SubmitField("Save the call")


class CriterionForm(BaseForm):
    name = required_text("Criterion", "Enter the criterion's name", 120)
    description = optional_text("What reviewers should look for (optional)", 300, "The description")
    weight = CountField(
        "How much it counts in the ranking, from 1 to 10",
        default=1,
        validators=[
            InputRequired("Enter how much it counts, from 1 to 10"),
            NumberRange(min=1, max=10, message="Enter how much it counts, from 1 to 10"),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 2},
    )
    add_criterion = SubmitField("Add the criterion")


class CriterionWeightForm(BaseForm):
    weight = CountField(
        "How much it counts in the ranking, from 1 to 10",
        validators=[
            InputRequired("Enter how much it counts, from 1 to 10"),
            NumberRange(min=1, max=10, message="Enter how much it counts, from 1 to 10"),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 2},
    )


class ProposalForm(BaseForm):
    title = required_text("Title", "Enter a title")
    summary = _paragraph(
        "Summary",
        "Enter a summary",
        "The summary",
        description="What happens in the session, and who it is for.",
        render_kw={"rows": 6},
    )
    kind = RadioField(
        "Kind of session",
        choices=enum_choices(EventKind),
        validators=[InputRequired("Choose what kind of session it is")],
    )
    format = RadioField(
        "Where it happens",
        choices=enum_choices(EventFormat),
        validators=[InputRequired("Choose online, in person or both")],
    )
    length_minutes = CountField(
        "Length, in minutes",
        validators=[
            InputRequired("Enter the length in minutes"),
            NumberRange(min=15, max=480, message="Enter a length from 15 to 480 minutes"),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 3},
    )
    lived_experience_involvement = _paragraph(
        "How are people with lived experience involved in it?",
        "Say how people with lived experience are involved in it",
        "This",
        description="For example: co-designed with, co-presented by, or led by people who draw "
        "on care and support or unpaid carers.",
    )
    lived_experience = RadioField(
        "Is this proposal from people with lived experience of care and support or of caring?",
        choices=enum_choices(LivedExperience),
        default=LivedExperience.PREFER_NOT.value,
        description="Only counted, never shown with your name, on the page that says how the "
        "programme was made.",
        validators=[InputRequired("Choose an answer, or “prefer not to say”")],
    )
    access_needs = _paragraph(
        "Presenters' access needs (optional)",
        None,
        "This",
        description="Only the organisers and the panel see this.",
    )
    unavailable = _paragraph(
        "Times you cannot present (optional)",
        None,
        "This",
        description="One per line, in UK time: the date, then the times on the 24-hour clock, "
        "like 29 6 2027 09:00-12:00",
    )
    co_proposers = _paragraph(
        "Co-proposers (optional)",
        None,
        "This",
        description="One per line: name, then email, like “Asha Patel, asha@example.org”. Each "
        "is emailed a link to confirm.",
    )
    submit = SubmitField("Send the proposal")

    def co_proposer_list(self) -> list[tuple[str, str]]:
        people = []
        for line in (self.co_proposers.data or "").splitlines():
            if not line.strip():
                continue
            name, _, email = line.rpartition(",")
            if not name:
                name, email = "", line
            people.append((name.strip(), email.strip().strip("<>")))
        return people


class ReviewForm(BaseForm):
    """Built per call: one 1-5 radio group per criterion is added by `review_form`."""

    comment = _paragraph(
        "Comment for the panel",
        "Write a comment for the panel",
        "The comment",
        render_kw={"rows": 5},
    )
    submit = SubmitField("Submit the review")


# A score is said in words as well as a number, so nobody has to guess which end is good.
SCORE_WORDS = {1: "not at all", 2: "a little", 3: "partly", 4: "mostly", 5: "very"}


def score_label(value: int) -> str:
    """'1 – not at all' ... '5 – very': how a score is shown and chosen."""
    return f"{value} – {SCORE_WORDS[value]}"


class ScoreField(RadioField):
    """A 1-5 score, each choice worded; anything else is refused with the scale in the message."""

    def pre_validate(self, form) -> None:
        if self.data not in {str(n) for n in range(SCORE_MIN, SCORE_MAX + 1)}:
            raise ValidationError(
                f"Choose a score from {score_label(SCORE_MIN)} to {score_label(SCORE_MAX)}"
            )


def review_form(criteria, **kwargs) -> ReviewForm:
    class Form(ReviewForm):
        pass

    for criterion in criteria:
        importance = f"How much it counts in the ranking: {criterion.weight} out of 10."
        setattr(
            Form,
            f"score_{criterion.id}",
            ScoreField(
                f"{criterion.name}: how well does the proposal do this?",
                description=" ".join(filter(None, [criterion.description, importance])),
                choices=[
                    SelectChoice(str(n), score_label(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)
                ],
                validators=[
                    InputRequired(
                        f"Choose a score for “{criterion.name}”, from {score_label(SCORE_MIN)} "
                        f"to {score_label(SCORE_MAX)}"
                    )
                ],
            ),
        )
    return Form(**kwargs)


class DecisionForm(BaseForm):
    outcome = RadioField(
        "Decision",
        choices=enum_choices(Outcome),
        validators=[InputRequired("Choose accept, reject or hold")],
    )
    rationale = _paragraph(
        "Why: the reasons for this decision",
        "Give the reasons for the decision: the proposer will read them",
        "The reasons",
        description="The proposer reads this.",
    )
    propose = SubmitField("Put this decision to the panel")


class PlaceForm(BaseForm):
    """Put a session at a time, in a room or stream, in the draft."""

    event_id = SelectField("Session", coerce=int, validators=[InputRequired("Choose a session")])
    day = DateInputField("Date", validators=[InputRequired("Enter the date")], noun="The date")
    start = TimeInputField(
        "Starts (UK time)",
        validators=[InputRequired("Enter the start time")],
        noun="The start time",
    )
    start_fold = which_one()
    end = TimeInputField(
        "Ends (UK time)", validators=[InputRequired("Enter the end time")], noun="The end time"
    )
    end_fold = which_one()
    track = optional_text("Room or online stream (optional)", 100, "The room")
    place = SubmitField("Put it in the draft")


class DraftChangeForm(BaseForm):
    """Forget the draft's change to a session: it goes back to how it is published."""

    change_event_id = SelectField(
        "Session", coerce=int, validators=[InputRequired("Choose a session")]
    )
    undo = SubmitField("Undo the change")


class CancelInDraftForm(BaseForm):
    """Cancel a published session in the draft. Its own form, apart from "Undo", with a tick
    that must be given: a slip of the finger cancels nothing."""

    cancel_event_id = SelectField(
        "Session to cancel", coerce=int, validators=[InputRequired("Choose a session")]
    )
    confirm = BooleanField(
        "Yes, cancel this session when the next release is signed off",
        validators=[DataRequired("Tick the box to say you want to cancel this session")],
    )
    cancel_event = SubmitField("Cancel this session")


class BreakForm(BaseForm):
    conference_id = SelectField(
        "Conference", coerce=int, validators=[InputRequired("Choose the conference")]
    )
    break_day = DateInputField(
        "Date", validators=[InputRequired("Enter the date")], noun="The date"
    )
    break_start = TimeInputField(
        "Starts (UK time)", validators=[InputRequired("Enter the start")], noun="The start time"
    )
    break_start_fold = which_one()
    break_end = TimeInputField(
        "Ends (UK time)", validators=[InputRequired("Enter the end")], noun="The end time"
    )
    break_end_fold = which_one()
    label = optional_text("What it is (optional)", 100, "This", default="Lunch")
    add_break = SubmitField("Add the break")


class ReleaseForm(BaseForm):
    override_reason = _paragraph(
        "Reason to publish despite conflicts (only if some remain)",
        None,
        "The reason",
        description="Recorded with the release, for everyone to see.",
    )
    prepare = SubmitField("Prepare a release for sign-off")
