"""Organisers' forms for collections, items (with the events that cite them) and vocabulary
terms. The rules (a DOI's shape, a real date, a known term) live in the catalogue service; these
forms take what was typed, keep it, and show the service's refusals next to their fields."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from cpweek.evidence.models import Vocabulary
from cpweek.forms import BaseForm, CheckboxListField, optional_text, required_text


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


def _markdown(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[Length(max=20_000, message=f"{label} must be 20,000 characters or fewer")],
        description=description,
        render_kw={"rows": 8},
    )


class CollectionForm(BaseForm):
    title = required_text("Title", "Enter a title", noun="The title")
    slug = StringField(
        "Web address",
        description="The last part of the hub's address: lower-case letters, numbers and "
        "hyphens, like care-equity.",
        render_kw={"maxlength": 80, "spellcheck": "false", "autocapitalize": "none"},
    )
    theme = optional_text("Theme (optional)", 200, "The theme")
    introduction = _markdown(
        "Introduction",
        "What the hub is and how to use it. Markdown: **bold**, [a link](https://...), "
        "lists with -.",
    )
    criteria = _markdown(
        "Inclusion criteria",
        "What the panel looks for before including an item, such as an equity focus and "
        "robust methods. Markdown.",
    )
    edition_id = SelectField(
        "Part of which year's Co-production Week (optional)",
        coerce=_optional_int,
        validate_choice=False,
    )

    def set_editions(self, editions: list[tuple[int, str]]) -> None:
        self.edition_id.choices = [("", "None")] + [(str(i), label) for i, label in editions]


# Vocabulary fields: the item form has one per vocabulary, named by its value, so the service's
# ItemInvalid(field="topic") lands next to the topic checkboxes.
CHECKBOX_VOCABULARIES = (
    Vocabulary.TOPIC,
    Vocabulary.DIMENSION,
    Vocabulary.FOCUS,
    Vocabulary.SETTING,
    Vocabulary.GEOGRAPHY,
    Vocabulary.DESIGN,
)


class ItemForm(BaseForm):
    title = required_text("Title", "Enter a title", 500, noun="The title")
    summary = TextAreaField(
        "Summary",
        description="What it found or offers, in plain words. Markdown.",
        render_kw={"rows": 6},
    )
    easy_read = TextAreaField(
        "Easy Read summary (optional)",
        description="Short sentences and everyday words. Shown first on the item's page.",
        render_kw={"rows": 5},
    )
    type = RadioField("Type", coerce=_optional_int, validate_choice=False)
    publisher = optional_text("Publisher or source (optional)", 300, "The publisher")
    authors = TextAreaField(
        "Authors (optional)",
        description="One a line, as they should be cited, like Smith, J.",
        render_kw={"rows": 4, "spellcheck": "false"},
    )
    url = StringField(
        "Link",
        description="Where people can read it: starts with https://",
        render_kw={"maxlength": 2000, "spellcheck": "false", "inputmode": "url"},
    )
    doi = StringField(
        "DOI (optional)",
        description="Like 10.1234/abcd or https://doi.org/10.1234/abcd. Give a link, a DOI "
        "or both.",
        render_kw={"maxlength": 220, "spellcheck": "false"},
    )
    published_day = StringField("Day", render_kw={"inputmode": "numeric", "maxlength": 2})
    published_month = StringField("Month", render_kw={"inputmode": "numeric", "maxlength": 2})
    published_year = StringField("Year", render_kw={"inputmode": "numeric", "maxlength": 10})
    topic = CheckboxListField("Topics", coerce=_int_or_minus_one, validate_choice=False)
    dimension = CheckboxListField(
        "Equity dimensions", coerce=_int_or_minus_one, validate_choice=False
    )
    focus = CheckboxListField(
        "About access, experience or outcomes", coerce=_int_or_minus_one, validate_choice=False
    )
    setting = CheckboxListField("Care settings", coerce=_int_or_minus_one, validate_choice=False)
    geography = CheckboxListField("Where", coerce=_int_or_minus_one, validate_choice=False)
    design = CheckboxListField("Study design", coerce=_int_or_minus_one, validate_choice=False)
    illustrative = BooleanField("This is an illustrative example, not real evidence")
    events = CheckboxListField(
        "Events that use this evidence (optional)",
        coerce=_int_or_minus_one,
        validate_choice=False,
        description="The item's page lists these events, and each event's page lists it.",
    )

    def set_choices(self, known: dict, events: list[tuple[int, str]]) -> None:
        self.type.choices = [(term.id, term.label) for term in known.get("type", [])]
        for vocabulary in CHECKBOX_VOCABULARIES:
            getattr(self, vocabulary.value).choices = [
                (term.id, term.label) for term in known.get(vocabulary.value, [])
            ]
        self.events.choices = events

    def chosen_terms(self) -> dict[str, list[int]]:
        chosen = {v.value: list(getattr(self, v.value).data or []) for v in CHECKBOX_VOCABULARIES}
        if self.type.data is not None:
            chosen["type"] = [self.type.data]
        return chosen


class TermForm(BaseForm):
    """One vocabulary action: add a term, change one (label and position), or remove one."""

    action = HiddenField()
    vocabulary = HiddenField()
    term_id = HiddenField()
    label = StringField("Label", render_kw={"maxlength": 120})
    slug = StringField("Short name (optional)", render_kw={"maxlength": 80})
    position = StringField("Position", render_kw={"inputmode": "numeric", "maxlength": 6})
