"""Forms for suggestions: the public form (one per kind, with a honeypot) and moderation."""

from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from cpweek.evidence.services.suggestions import MAX_LINK, MAX_TEXT, MAX_TITLE
from cpweek.forms import BaseForm, CountField, NormalisedEmail, optional_text


def _paragraph(label: str, noun: str, **kwargs) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Length(max=MAX_TEXT, message=f"{noun} must be {MAX_TEXT:,} characters or fewer")
        ],
        render_kw={"rows": 6, **kwargs.pop("render_kw", {})},
        **kwargs,
    )


class OptionalEmail(NormalisedEmail):
    def __call__(self, form, field) -> None:
        field.normalised = ""
        if (field.data or "").strip():
            super().__call__(form, field)


class SuggestionForm(BaseForm):
    """Fields are shown by kind; the service says which are needed."""

    kind = HiddenField()
    title = optional_text("Title", MAX_TITLE, "The title")
    link = optional_text(
        "Link or DOI",
        MAX_LINK,
        "The link",
        description="A web address starting with https://, or a DOI such as 10.1234/abcd.",
        render_kw={"spellcheck": "false", "autocomplete": "url"},
    )
    topic = SelectField("Topic", choices=[], validate_choice=False)
    dimension = SelectField("Equity dimension", choices=[], validate_choice=False)
    item_id = HiddenField()
    evidence = optional_text(
        "Which evidence was used", MAX_TITLE, "Which evidence", description="Its title or a link."
    )
    text = _paragraph("Why it matters", "What you wrote")
    name = optional_text(
        "Your name (optional)", 200, "Your name", render_kw={"autocomplete": "name"}
    )
    email = StringField(
        "Your email address (optional)",
        validators=[OptionalEmail()],
        description="Only to tell you what happened to your suggestion.",
        render_kw={
            "autocomplete": "email",
            "spellcheck": "false",
            "maxlength": 320,
            "type": "email",
        },
    )
    # A honeypot: hidden from sight, labelled for anyone whose screen reader finds it.
    website = StringField(
        "Leave this field empty",
        render_kw={"autocomplete": "off", "tabindex": "-1"},
    )
    send = SubmitField("Send your suggestion")


class AcceptEvidenceForm(BaseForm):
    title = optional_text("Title", MAX_TITLE, "The title")
    summary = _paragraph("Summary", "The summary")
    link = optional_text("Link or DOI", MAX_LINK, "The link", render_kw={"spellcheck": "false"})
    published_year = CountField("Year published (optional)", validators=[Optional()])
    accept = SubmitField("Make a draft item for the panel")


class AcceptExampleForm(BaseForm):
    item_id = CountField(
        "Item number",
        validators=[InputRequired("Enter the number of the item it used")],
        description="The number in the item's address: /items/<number>.",
    )
    organisation = optional_text("Where it was used (organisation or place)", 300, "Where")
    text = _paragraph("How it was used", "The example")
    link = optional_text("Link (optional)", MAX_LINK, "The link", render_kw={"spellcheck": "false"})
    accept = SubmitField("Publish on the item's page")


class NoteForm(BaseForm):
    reply = _paragraph(
        "Reply (optional)",
        "The reply",
        description="Emailed to the suggester if they left an address.",
    )
    accept = SubmitField("Accept and note it")


class DeclineForm(BaseForm):
    reason = _paragraph(
        "Reason", "The reason", description="Emailed to the suggester if they left an address."
    )
    decline = SubmitField("Decline")


class MergeForm(BaseForm):
    into = SelectField(
        "Duplicate of",
        coerce=int,
        choices=[],
        validators=[InputRequired("Choose the suggestion it duplicates")],
    )
    merge = SubmitField("Merge into it")
