"""What coproduction offers a contributor to log in the ledger: the time they spent on a
review panel (issue 5: reviewing and panel time count as involvement). The ledger asks
through `signals.involvement_prompts` and keeps the prompt's key on the entry logged from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cpweek import signals
from cpweek.auth.models import User
from cpweek.coproduction import services
from cpweek.reciprocity.services.prompts import InvolvementPrompt, PromptKind

MINUTES_A_PROPOSAL = 30  # to start from: the person corrects it


@dataclass(frozen=True)
class ReviewingPrompt(InvolvementPrompt):
    year: int
    reviews: int


@signals.involvement_prompts.connect
def review_panels(person: User) -> list[InvolvementPrompt]:
    """One prompt per call whose proposals the person reviewed, oldest call first."""
    prompts: list[InvolvementPrompt] = []
    reviewed = [
        (services.edition_of(call).year, call, count) for call, count in services.reviews_by(person)
    ]
    for year, call, count in sorted(reviewed, key=lambda row: row[0]):
        prompts.append(
            ReviewingPrompt(
                key=f"call:{call.id}",
                kind=PromptKind.REVIEWING,
                ref=year,
                related_to=f"Reviewing {count} proposals for the {year} call",
                minutes=MINUTES_A_PROPOSAL * count,
                activity_names=("reviewing proposals",),
                year=year,
                reviews=count,
            )
        )
    return prompts
