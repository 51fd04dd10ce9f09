"""Organisers' forms for resources: the details, a format (a link or a file) and publishing
with the reasons for a missing accessible format. The rules (a known kind, a licence from the
list, an https link, a date in the future) live in the services; these forms take what was
typed, keep it, and show the services' refusals next to their fields."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from cpweek.forms import (
    BaseForm,
    CheckboxListField,
    CountField,
    DateInputField,
    enum_choices,
    optional_text,
    required_text,
)
from cpweek.resources.models import AccessNeed, FormatRole, ResourceKind
from cpweek.resources.services.drafting import DURATION_HINT, LICENCES
from cpweek.resources.services.publishing import REASON_LENGTH

MARKDOWN_HINT = (
    "Markdown: **bold**, [a link](https://...), lists with -, a blank line between paragraphs."
)


def _optional_int(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: the service says so


def _int_or_minus_one(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _long_text(label: str, description: str, limit: int, rows: int = 8) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")],
        description=description,
        render_kw={"rows": rows},
    )


class ResourceForm(BaseForm):
    title = required_text("Title", "Enter a title", 300, noun="The title")
    kind = RadioField(
        "What kind of resource is it?",
        choices=enum_choices(ResourceKind),
        validate_choice=False,  # an unknown kind is refused by the service, next to the field
    )
    summary = _long_text(
        "Summary", "A paragraph or two saying what it is and who it is for.", 5_000, rows=5
    )
    topics = CheckboxListField(
        "Topics (optional)",
        coerce=_int_or_minus_one,
        validate_choice=False,
        description="The evidence hub's topics, so people find resources and evidence by the "
        "same words.",
    )
    edition_id = SelectField(
        "Which year's Co-production Week it came from (optional)",
        coerce=_optional_int,
        validate_choice=False,
    )
    events = CheckboxListField(
        "Events it came from (optional)",
        coerce=_int_or_minus_one,
        validate_choice=False,
        description="Choose events from the year chosen above.",
    )
    evidence = StringField(
        "Evidence items it draws on (optional)",
        description="The items' numbers, separated by commas, like 12, 15. An item's number is "
        "at the end of its page's address in the evidence hub. Only included items.",
        render_kw={"maxlength": 500, "spellcheck": "false", "inputmode": "numeric"},
    )
    licence = RadioField(
        "Licence",
        choices=[SelectChoice(licence.id, licence.name) for licence in LICENCES.values()],
        validate_choice=False,
        description="What others may do with it.",
    )
    published_on = DateInputField(
        "Publication date (optional)",
        validators=[Optional()],
        description="The date the resource page shows. Left empty, it is the day you publish.",
        noun="The publication date",
    )
    plain_summary = _long_text(
        "Plain-English summary (optional)",
        "Short sentences, everyday words. For a report this counts as its accessible "
        f"summary. {MARKDOWN_HINT}",
        200_000,
    )
    transcript = _long_text(
        "Transcript (optional)",
        "Everything said, for a recording or podcast episode. It counts as the transcript and "
        f"is searched. {MARKDOWN_HINT}",
        200_000,
        rows=12,
    )
    captions_by_host = BooleanField(
        "The video host captions this recording (for example, YouTube or Vimeo captions)"
    )
    duration = optional_text(
        "How long it lasts (optional)",
        40,
        "The length",
        description=f"For a recording or podcast episode. {DURATION_HINT}.",
    )
    episode = CountField(
        "Episode number (optional)",
        validators=[Optional()],
        description="For a podcast episode.",
        render_kw={"inputmode": "numeric", "maxlength": 6},
    )
    illustrative = BooleanField("This is illustrative demo content, not a real resource")

    def set_choices(
        self, topics: list[tuple[int, str]], editions: list[tuple[int, str]], events
    ) -> None:
        self.topics.choices = [SelectChoice(i, label) for i, label in topics]
        self.edition_id.choices = [SelectChoice("", "None")] + [
            SelectChoice(str(i), label) for i, label in editions
        ]
        self.events.choices = [SelectChoice(i, label) for i, label in events]


# Roles a file or a link can have; captions only as a file (WebVTT).
LINK_ROLES = [SelectChoice(r.value, r.label) for r in FormatRole if r != FormatRole.CAPTIONS]


class LinkForm(BaseForm):
    role = SelectField("What is it?", choices=LINK_ROLES, validate_choice=False)
    url = StringField(
        "Link",
        description="A web address starting with https://, like a video host's page or a "
        "publisher's.",
        render_kw={"maxlength": 2000, "spellcheck": "false", "inputmode": "url"},
    )
    label = optional_text(
        "Label (optional)", 200, "The label", description="Like “Watch on YouTube”."
    )


class FileForm(BaseForm):
    role = SelectField("What is it?", choices=enum_choices(FormatRole), validate_choice=False)
    file = FileField(
        "File",
        description="Documents (PDF, Word, OpenDocument, text), audio or video for a "
        "recording or podcast episode, captions as a WebVTT (.vtt) file.",
    )
    label = optional_text(
        "Label (optional)", 200, "The label", description="Like “Full report” or “Large print”."
    )


def _reason(need: AccessNeed) -> TextAreaField:
    return TextAreaField(
        f"Why is there no {need.label.lower()} yet?",
        validators=[
            Length(
                max=REASON_LENGTH,
                message=f"The reason must be {REASON_LENGTH:,} characters or fewer",
            )
        ],
        description="The public page says this, with the date below if you give one.",
        render_kw={"rows": 3},
    )


def _expected_by(need: AccessNeed) -> DateInputField:
    return DateInputField(
        f"When will the {need.label.lower()} be ready? (optional)",
        validators=[Optional()],
        noun="The date",
    )


class PublishForm(BaseForm):
    """Publishing, with a reason (and a date, if known) for each accessible format the
    resource's kind needs and does not have yet. The template shows only the missing ones."""

    published_on = DateInputField(
        "Publication date (optional)",
        validators=[Optional()],
        description="Left empty: the date already given, or today.",
        noun="The publication date",
    )
    reason_captions = _reason(AccessNeed.CAPTIONS)
    expected_by_captions = _expected_by(AccessNeed.CAPTIONS)
    reason_transcript = _reason(AccessNeed.TRANSCRIPT)
    expected_by_transcript = _expected_by(AccessNeed.TRANSCRIPT)
    reason_easy_read = _reason(AccessNeed.EASY_READ)
    expected_by_easy_read = _expected_by(AccessNeed.EASY_READ)

    def reason_fields(self, need: AccessNeed):
        return getattr(self, f"reason_{need.value}"), getattr(self, f"expected_by_{need.value}")
