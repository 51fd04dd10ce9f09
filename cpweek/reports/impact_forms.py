"""Forms of the impact report: marking one access request met, and a "you said, we did"
entry. The services check every value again, so a tampered one gets a message, not a 500."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, TextAreaField

from cpweek.forms import BaseForm, enum_choices
from cpweek.reports.impact_models import MetOutcome
from cpweek.reports.services.access_met import NOTE_LIMIT
from cpweek.reports.services.you_said import TEXT_LIMIT


class AccessMetForm(BaseForm):
    outcome = RadioField(
        "Were their access needs met?",
        choices=enum_choices(MetOutcome),
        validate_choice=False,
    )
    note = TextAreaField(
        "Note (optional)",
        description=f"What was or was not in place. Up to {NOTE_LIMIT:,} characters.",
        render_kw={"rows": 2},
    )


class YouSaidForm(BaseForm):
    said = TextAreaField(
        "You said",
        description=f"What people told us, in their words or a fair summary. Up to "
        f"{TEXT_LIMIT:,} characters. Never a name or anything that shows who said it.",
        render_kw={"rows": 4},
    )
    did = TextAreaField(
        "We did",
        description=f"What changed because of it. Up to {TEXT_LIMIT:,} characters.",
        render_kw={"rows": 4},
    )
    publish = BooleanField("Publish it now on the public impact report")
