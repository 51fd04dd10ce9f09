"""Forms of the review queue: proposing include or exclude for a draft item."""

from __future__ import annotations

from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from cpweek.evidence.models import DecisionOutcome
from cpweek.forms import BaseForm, enum_choices


class InclusionForm(BaseForm):
    outcome = RadioField(
        "Decision",
        choices=enum_choices(DecisionOutcome),
        validators=[InputRequired("Choose include or exclude")],
    )
    reason = TextAreaField(
        "Reason",
        description="Needed to exclude: say which of the criteria it does not meet. "
        "It is kept with the item.",
        validators=[Length(max=4000, message="The reason must be 4,000 characters or fewer")],
        render_kw={"rows": 4},
    )
    propose = SubmitField("Put this decision to the panel")
