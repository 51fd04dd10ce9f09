"""What a contributor could log that they have not logged yet, offered as a pre-filled entry.

The ledger does not know what a review panel, an evidence suggestion or a resource credit is:
it asks (`signals.involvement_prompts`) and the domains above it answer with
`InvolvementPrompt`s (coproduction/involvement.py, evidence/receivers.py,
resources/receivers.py). Each prompt has a key, and an entry logged from it keeps that key
(`Involvement.prompt_key`): a prompt is logged once a still-counting entry carries its key,
whatever the entry's words say. Nothing is logged without the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from cpweek import signals
from cpweek.auth.models import User
from cpweek.extensions import db
from cpweek.reciprocity.models import Involvement
from cpweek.reciprocity.services.contributors import is_contributor
from cpweek.reciprocity.services.standing import still_counts


class PromptKind(StrEnum):
    """The log page's query parameter that picks a prompt (`?reviewing=2027`), and the home
    page's section that lists it."""

    REVIEWING = "reviewing"
    SUGGESTION = "suggestion"
    CREDIT = "credit"  # credited on a published resource (resources/receivers.py)


@dataclass(frozen=True)
class InvolvementPrompt:
    """Something a contributor did that the ledger offers to log. Receivers subclass it to
    carry what the home page says about it."""

    key: str  # kept by the entry logged from it: "call:12", "evidence-suggestion:7"
    kind: PromptKind
    ref: int  # the value of its query parameter: a call's year, a suggestion's number
    related_to: str  # the entry's "related to" words, which the person may change
    minutes: int  # the time to start from (the person corrects it)
    activity_names: tuple[str, ...]  # lower-case: the first of these activities that exists


def _offered(person: User) -> list[InvolvementPrompt]:
    if not is_contributor(person):
        return []
    answers = signals.answers(signals.involvement_prompts, person)
    return [prompt for answer in answers for prompt in answer]


def involvement_prompts(person: User) -> list[InvolvementPrompt]:
    """Everything the other domains offer the person to log, less what they have logged."""
    offered = _offered(person)
    if not offered:
        return []
    logged = set(
        db.session.scalars(
            select(Involvement.prompt_key).where(
                Involvement.contributor_id == person.id,
                Involvement.prompt_key.in_([prompt.key for prompt in offered]),
                still_counts(),
            )
        )
    )
    return [prompt for prompt in offered if prompt.key not in logged]


def prompts_of_kind(person: User, kind: PromptKind) -> list[InvolvementPrompt]:
    return [prompt for prompt in involvement_prompts(person) if prompt.kind == kind]


def reviewing_prompts(person: User) -> list[InvolvementPrompt]:
    """Review panels the contributor sat on with no reviewing time logged for that call."""
    return prompts_of_kind(person, PromptKind.REVIEWING)


def suggestion_prompts(person: User) -> list[InvolvementPrompt]:
    """The contributor's accepted evidence suggestions with nothing logged for them."""
    return prompts_of_kind(person, PromptKind.SUGGESTION)


def credit_prompts(person: User) -> list[InvolvementPrompt]:
    """Credits of the contributor's on published resources with nothing logged for them."""
    return prompts_of_kind(person, PromptKind.CREDIT)


def prompt_for(person: User, kind: PromptKind, ref: int) -> InvolvementPrompt | None:
    """The open prompt a log page's query string names, else None (logged already, or never
    the person's)."""
    return next((p for p in prompts_of_kind(person, kind) if p.ref == ref), None)


def is_open_prompt(person: User, key: str) -> bool:
    """Whether the person has an open prompt with this key: an entry keeps the key a form
    carried only then, so a key typed into the form links nothing."""
    return any(prompt.key == key for prompt in involvement_prompts(person))
