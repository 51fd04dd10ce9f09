"""The population figures' form: one box a group of the characteristic (a per cent, or empty
for "not yet entered"), the source and its date. The boxes are checked by
`population.save_shares`, which says what is wrong next to the box."""

from __future__ import annotations

from wtforms import StringField, SubmitField
from wtforms.validators import Optional

from cpweek.forms import BaseForm, DateInputField, optional_text
from cpweek.reports.questions import Question
from cpweek.reports.services import population
from cpweek.reports.services.stages import categories


class _SharesForm(BaseForm):
    source = optional_text(
        "Source",
        population.SOURCE_LENGTH,
        "The source",
        description="Who published the figures, the title and date, and for which population: "
        "England, or England and Wales.",
    )
    source_url = optional_text(
        "Link to the source (optional)",
        population.URL_LENGTH,
        "The link",
        render_kw={"type": "url"},
    )
    as_of = DateInputField(
        "The date the figures describe (optional)",
        validators=[Optional()],
        noun="The date the figures describe",
        description="For the Census, Census Day: 21 3 2021.",
    )
    submit = SubmitField("Save the figures")

    def shares_input(self, question: Question) -> population.SharesInput:
        typed = {
            category.code: self[population.share_field(category.code)].data or ""
            for category in categories(question)
            if category.is_group
        }
        return population.SharesInput(
            typed, self.source.data or "", self.source_url.data or "", self.as_of.data
        )


def shares_form(question: Question, current: population.SharesInput | None = None) -> _SharesForm:
    """A form with one box a group of `question`, filled from `current` on a first visit."""

    class SharesForm(_SharesForm):
        pass

    for category in categories(question):
        if category.is_group:
            setattr(
                SharesForm,
                population.share_field(category.code),
                StringField(
                    f"{category.words} (%)",
                    description="A per cent, like 81.7. Leave empty if you have no figure.",
                    render_kw={"inputmode": "decimal", "spellcheck": "false"},
                ),
            )
    form = SharesForm()
    if current is not None and not form.is_submitted():
        for code, typed in current.typed.items():
            name = population.share_field(code)
            if name in form:
                form[name].data = typed
        form.source.data = current.source
        form.source_url.data = current.source_url
        form.as_of.data = current.as_of
    return form
