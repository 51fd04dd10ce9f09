"""The equality questions as a form: one group of radio buttons a question, none chosen at
first (skipping is the default), "Prefer not to say" last in each. The choices are not checked
here: `monitoring.clean_answers` refuses an unknown code with words for the person."""

from __future__ import annotations

from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from cpweek.forms import BaseForm
from cpweek.reports.questions import QUESTIONS, Question


def _radios(question: Question, *, easy: bool) -> RadioField:
    return RadioField(
        question.easy_words if easy else question.words,
        choices=[SelectChoice(option.code, option.words) for option in question.options],
        description=question.easy_hint if easy else question.hint,
        validate_choice=False,
        validators=[Optional()],
    )


class EqualityForm(BaseForm):
    submit = SubmitField("Submit answers")
    skip = SubmitField("Skip all questions")

    def answers(self) -> dict[str, str | None]:
        """Each question's chosen code, or None; nothing at all when the person skipped all."""
        if self.skip.data:
            return {}
        return {question.key: self[question.key].data or None for question in QUESTIONS}


class EasyEqualityForm(EqualityForm):
    """The same questions in Easy Read words: the same fields and codes."""

    submit = SubmitField("Send my answers")
    skip = SubmitField("Skip all the questions")


for _question in QUESTIONS:
    setattr(EqualityForm, _question.key, _radios(_question, easy=False))
    setattr(EasyEqualityForm, _question.key, _radios(_question, easy=True))
