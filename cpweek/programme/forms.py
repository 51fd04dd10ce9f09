from __future__ import annotations

from datetime import datetime

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from cpweek.forms import (
    BaseForm,
    CheckboxListField,
    DateInputField,
    DateTimeInputField,
    TimeInputField,
    email_field,
    required_text,
)
from cpweek.programme.easy_read import MAX_TEXT as EASY_READ_MAX_TEXT
from cpweek.programme.models import (
    ATTENDANCE_LABELS,
    ATTENDANCE_MODES,
    AccessNeed,
    EditionStatus,
    EventFormat,
    EventKind,
)
from cpweek.timezones import AmbiguousLocalTime, NonexistentLocalTime, format_date, from_local


def _access_needs_field() -> CheckboxListField:
    return CheckboxListField(
        "Access needs (optional)",
        # A personal assistant or carer gets a place of their own: the companion question.
        choices=[
            SelectChoice(need.value, need.label)
            for need in AccessNeed
            if need is not AccessNeed.PERSONAL_ASSISTANT
        ],
        description="Tick anything that would help you take part. Only the organisers see this.",
    )


def _access_notes_field() -> TextAreaField:
    return TextAreaField(
        "Anything else we should know? (optional)",
        validators=[Length(max=2000, message="Tell us in 2,000 characters or fewer")],
        description="For example dietary needs, a language, or how we can make it easier for you.",
        render_kw={"rows": 4, "maxlength": 2000},
    )


def _attendance_field(label: str) -> RadioField:
    """In the room or online: asked only for hybrid events (views remove it otherwise); the
    service says what is missing when it matters."""
    return RadioField(
        label,
        choices=[SelectChoice(mode, ATTENDANCE_LABELS[mode]) for mode in ATTENDANCE_MODES],
        validate_choice=False,
    )


class AccessNeedsForm(BaseForm):
    access_needs = _access_needs_field()
    access_notes = _access_notes_field()
    submit = SubmitField("Save access needs")


class RegistrationForm(BaseForm):
    """Signed-in people see only the access questions: we know their name and email."""

    name = required_text("Your name", "Enter your name", render_kw={"autocomplete": "name"})
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
    workshops = CheckboxListField(
        "Workshops (optional)",
        choices=[],
        description="Each workshop has its own places. Choose ones that do not overlap.",
    )
    companion = BooleanField(
        "A personal assistant or carer will come with me (they get a free place of their own)"
    )
    attendance = _attendance_field("How will you take part?")
    save_profile = BooleanField("Save my access needs for next time")
    submit = SubmitField("Register")

    def for_signed_in_person(self, person) -> RegistrationForm:
        """No name or email (we know them); the saved access profile filled in."""
        del self.name
        del self.email
        if not self.is_submitted():
            self.access_needs.data = list(person.access_needs)
            self.access_notes.data = person.access_notes
        return self

    def for_anonymous_person(self) -> RegistrationForm:
        del self.save_profile
        return self

    def in_easy_read(self) -> RegistrationForm:
        """Simpler questions and hints for the Easy Read page: the same fields and the same
        checks, so nothing about what is saved depends on the version read."""
        for name, (label, hint) in EASY_READ_WORDS.items():
            if name in self._fields:
                self[name].label.text = label
                self[name].description = hint
        return self


# The registration form's words in Easy Read: (label, hint). Short sentences, one idea each.
EASY_READ_WORDS = {
    "name": ("Your name", ""),
    "email": ("Your email address", "We send you an email about your place."),
    "organisation": (
        "Your group or organisation",
        "You do not have to fill this in.",
    ),
    "attendance": ("Will you come in person or join online?", "Choose 1."),
    "workshops": (
        "Workshops you want to go to",
        "A workshop is a small group. Do not choose 2 at the same time.",
    ),
    "companion": (
        "A support worker or carer will come with me. They get a free place.",
        "",
    ),
    "access_needs": (
        "Do you need help to take part?",
        "Tick anything that helps you. Only the organisers see this.",
    ),
    "access_notes": (
        "Anything else that would help you?",
        "For example food you cannot eat, or your language. You do not have to fill this in.",
    ),
    "save_profile": ("Remember what I need for next time", ""),
    "consent_to_contact": (
        "Email me about other Co-production Week events. I can stop this at any time.",
        "",
    ),
}


class ConfirmForm(BaseForm):
    submit = SubmitField("Yes, cancel my registration")


class RenewFeedForm(BaseForm):
    """Only the CSRF token: the button's words depend on whether a feed exists."""


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# The event form's UK times. Each has a question, shown only when its time happens twice
# (the night the clocks go back): which of the two is meant.
LOCAL_TIMES = ("start_time", "end_time", "registration_opens_at", "registration_closes_at")


def _which_one_field() -> RadioField:
    # Choices are set when the time typed is ambiguous; any other answer means "not said".
    return RadioField("Which one do you mean?", choices=[], validate_choice=False)


class EventForm(BaseForm):
    """An event as organisers enter it: day and times in UK time. A time that happens twice is
    never guessed: `local_instants` asks which one (BST or GMT), keeping what was typed."""

    title = required_text("Title", "Enter a title", noun="The title")
    slug = StringField(
        "Web address (optional)",
        validators=[Length(max=100, message="The web address must be 100 characters or fewer")],
        description="The last part of the event's address. Left blank, it is made from the title.",
        render_kw={"maxlength": 100, "spellcheck": "false"},
    )
    kind = RadioField(
        "Kind of event",
        choices=[SelectChoice(k.value, k.label) for k in EventKind],
        validators=[DataRequired("Choose the kind of event")],
    )
    format = RadioField(
        "Format",
        choices=[SelectChoice(f.value, f.label) for f in EventFormat],
        validators=[DataRequired("Choose online, in person or both")],
    )
    parent_id = SelectField(
        "Part of a conference (optional)", coerce=_optional_int, validate_choice=False
    )
    day = DateInputField(
        "Date", validators=[InputRequired("Enter the date of the event")], noun="The date"
    )
    start_time = TimeInputField(
        "Starts (UK time)",
        validators=[InputRequired("Enter a start time, like 10 00")],
        noun="The start time",
    )
    end_time = TimeInputField(
        "Ends (UK time)",
        validators=[InputRequired("Enter an end time, like 16 00")],
        noun="The end time",
    )
    venue = StringField(
        "Venue (for in person and hybrid events)",
        validators=[Length(max=300)],
        render_kw={"maxlength": 300},
    )
    online_platform = StringField(
        "Online platform (for example Zoom)",
        validators=[Length(max=100)],
        render_kw={"maxlength": 100},
    )
    join_url = URLField(
        "Joining link (optional)",
        validators=[
            Optional(),
            URL(message="Enter a full web address starting https://"),
            Length(max=500),
        ],
        description="Only people with a confirmed place see it: in their email, on their "
        "registration page and in their own calendar feed.",
    )
    capacity = IntegerField(
        "Places (optional)",
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message="Enter a number of places from 0 to 100,000"),
        ],
        description="Leave blank for no limit. For a hybrid event: the places in the room.",
    )
    online_capacity = IntegerField(
        "Online places (hybrid events only, optional)",
        validators=[
            Optional(),
            NumberRange(min=0, max=100000, message="Enter a number of places from 0 to 100,000"),
        ],
        description="Leave blank for no limit online.",
    )
    registration_opens_at = DateTimeInputField(
        "Registration opens (optional)",
        validators=[Optional()],
        noun="When registration opens",
        description="Leave empty to open registration as soon as the event is published.",
    )
    registration_closes_at = DateTimeInputField(
        "Registration closes (optional)",
        validators=[Optional()],
        noun="When registration closes",
        description="Leave empty to keep registration open until the event starts.",
    )
    hosted_by = StringField(
        "Hosted by (as shown to the public)",
        validators=[Length(max=300)],
        render_kw={"maxlength": 300},
    )
    hosts = TextAreaField(
        "Hosts (optional)",
        description="One a line: a name, and their email after a comma if they have one.",
        validators=[Length(max=5000)],
        render_kw={"rows": 3},
    )
    access_offer = CheckboxListField(
        "What the event offers for access",
        choices=[
            SelectChoice(need.value, need.label)
            for need in AccessNeed
            if need is not AccessNeed.PERSONAL_ASSISTANT
        ],
    )
    summary = TextAreaField(
        "Summary",
        validators=[Length(max=1000)],
        description="One or two sentences for the programme page.",
        render_kw={"rows": 2, "maxlength": 1000},
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[Length(max=20000)],
        description="Markdown: a blank line between paragraphs, **bold**, [link](https://...).",
        render_kw={"rows": 8},
    )
    easy_read = TextAreaField(
        "Easy Read text (optional)",
        validators=[
            Length(
                max=EASY_READ_MAX_TEXT, message="Easy Read text must be 3,000 characters or fewer"
            )
        ],
        description="The main ideas in short, plain sentences: one idea a line, 15 words or "
        "fewer. Use everyday words, say “you” and “we”, and write numbers as digits. The date, "
        "time, place, how to book and the phone number are added for you.",
        render_kw={"rows": 8},
    )
    easy_read_image_url = StringField(
        "Picture address (optional)",
        validators=[
            Length(max=500, message="The picture's address must be 500 characters or fewer")
        ],
        description="One picture shown beside the Easy Read text, that shows its main idea. "
        "A full address starting https://, or a picture on this site starting /static/.",
        render_kw={"maxlength": 500, "spellcheck": "false", "inputmode": "url"},
    )
    easy_read_image_alt = StringField(
        "What the picture shows (alt text)",
        validators=[Length(max=300, message="The description must be 300 characters or fewer")],
        description="Needed when you give a picture, for people who cannot see it. For "
        "example: Three people talking around a table.",
        render_kw={"maxlength": 300},
    )
    start_time_fold = _which_one_field()
    end_time_fold = _which_one_field()
    registration_opens_at_fold = _which_one_field()
    registration_closes_at_fold = _which_one_field()
    submit = SubmitField("Save event")

    def wall_clock(self, name: str) -> datetime | None:
        """What was typed for one of LOCAL_TIMES, as a naive wall-clock time (None: nothing
        usable typed; the field's own validators say so)."""
        if name in ("start_time", "end_time"):
            day, time = self.day.data, self[name].data
            return datetime.combine(day, time) if day and time else None
        return self[name].data

    def local_instants(self, zone_name: str) -> dict[str, datetime | None] | None:
        """Each of LOCAL_TIMES as a UTC instant, or None after putting the problems on the form.

        A time skipped when the clocks go forward is refused next to its field. A time that
        happens twice shows its "which one" question (BST or GMT); without a valid answer the
        question carries the error, so the summary links to it."""
        instants: dict[str, datetime | None] = {}
        problems = False
        for name in LOCAL_TIMES:
            wall_clock = self.wall_clock(name)
            if wall_clock is None:
                instants[name] = None
                continue
            which = self[f"{name}_fold"]
            fold = {"0": 0, "1": 1}.get(str(which.data))
            try:
                from_local(wall_clock, zone_name)
            except NonexistentLocalTime as error:
                self[name].errors = [*self[name].errors, str(error)]
                problems = True
                continue
            except AmbiguousLocalTime as error:
                self._ask_which(which, wall_clock, error)
                if fold is None:
                    which.errors = [*which.errors, str(error)]
                    problems = True
                    continue
            else:
                fold = None  # a time that happens once needs no answer: any given is ignored
            instants[name] = from_local(wall_clock, zone_name, fold)
        return None if problems else instants

    @staticmethod
    def _ask_which(which: RadioField, wall_clock: datetime, error: AmbiguousLocalTime) -> None:
        at = f"{wall_clock:%H:%M}"
        (first, first_zone), (second, second_zone) = error.choices
        which.choices = [
            SelectChoice(str(first), f"{first_zone} (the first {at})"),
            SelectChoice(str(second), f"{second_zone} (the second {at})"),
        ]
        which.label.text = f"Which {at} on {format_date(wall_clock.date())} do you mean?"
        which.description = (
            f"The clocks go back that night, so {at} happens twice in UK time: first in "
            f"{first_zone}, then an hour later in {second_zone}."
        )


class AssistedRegistrationForm(BaseForm):
    """For organisers registering someone who phoned, wrote or came in person."""

    name = required_text("Their name", "Enter their name", noun="The name")
    email = StringField(
        "Email address (optional)",
        validators=[Length(max=320)],
        description="Leave blank if they have none: give a phone number or address instead.",
        render_kw={"maxlength": 320, "spellcheck": "false", "type": "email"},
    )
    contact_phone = StringField(
        "Phone number (optional)",
        validators=[Length(max=40)],
        render_kw={"maxlength": 40, "type": "tel"},
    )
    contact_address = TextAreaField(
        "Postal address (optional)", validators=[Length(max=1000)], render_kw={"rows": 3}
    )
    organisation = StringField(
        "Organisation (optional)", validators=[Length(max=200)], render_kw={"maxlength": 200}
    )
    access_needs = _access_needs_field()
    access_notes = _access_notes_field()
    companion = BooleanField(
        "A personal assistant or carer will come with them (a free place of their own)"
    )
    attendance = _attendance_field("How will they take part? (hybrid events)")
    consent_to_contact = BooleanField("They are happy to hear about future events")
    easy_read = BooleanField("Send them emails in Easy Read")
    submit = SubmitField("Register them")


class EditionForm(BaseForm):
    year = IntegerField(
        "Year",
        validators=[
            InputRequired("Enter the year, like 2028"),
            NumberRange(min=2000, max=2200, message="Enter a year between 2000 and 2200"),
        ],
    )
    theme = required_text("Theme", "Enter the theme", noun="The theme")
    starts_on = DateInputField(
        "First day", validators=[InputRequired("Enter the first day")], noun="The first day"
    )
    ends_on = DateInputField(
        "Last day", validators=[InputRequired("Enter the last day")], noun="The last day"
    )
    summary = TextAreaField("Summary", validators=[Length(max=2000)], render_kw={"rows": 4})
    status = RadioField(
        "Programme",
        choices=[
            SelectChoice(EditionStatus.DRAFT.value, "Draft: shown, marked as still changing"),
            SelectChoice(EditionStatus.PUBLISHED.value, "Published"),
        ],
        default=EditionStatus.DRAFT.value,
    )
    submit = SubmitField("Save")
