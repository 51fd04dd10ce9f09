"""What the evidence room answers when other domains ask (cpweek/signals.py): the ledger asks
what a contributor could log, and each accepted suggestion of theirs is offered (issue 10)."""

from __future__ import annotations

from dataclasses import dataclass

from cpweek import signals
from cpweek.auth.models import User
from cpweek.evidence.services import suggestions
from cpweek.reciprocity.services.prompts import InvolvementPrompt, PromptKind


@dataclass(frozen=True)
class SuggestionPrompt(InvolvementPrompt):
    collection: str
    title: str

    @property
    def suggestion_id(self) -> int:
        return self.ref


@signals.involvement_prompts.connect
def accepted_suggestions(person: User) -> list[InvolvementPrompt]:
    """An hour to start from for each accepted suggestion, with an activity named for
    contributing evidence if the organisers made one."""
    return [
        SuggestionPrompt(
            key=f"evidence-suggestion:{suggestion.id}",
            kind=PromptKind.SUGGESTION,
            ref=suggestion.id,
            related_to=f"Evidence suggestion #{suggestion.id} to the {collection}"[:300],
            minutes=60,
            activity_names=("contributing evidence", "suggesting evidence"),
            collection=collection,
            title=suggestion.title or suggestion.text[:80],
        )
        for suggestion, collection in suggestions.accepted_from(person.id)
    ]
