"""What the resources room answers (cpweek/signals.py). When the ledger asks: each credit of a
contributor's on a published resource is offered as an involvement entry to log (nothing is
logged without them), and their portfolio lists the published resources that credit them.
When a resource is published (from its own page or after an event): a recording of an ended
event is announced to the people who came."""

from __future__ import annotations

from dataclasses import dataclass

from cpweek import signals
from cpweek.auth.models import User
from cpweek.reciprocity.services.prompts import InvolvementPrompt, PromptKind
from cpweek.reciprocity.services.recognition import PortfolioWork
from cpweek.resources.models import CreditRole, Resource, ResourceKind
from cpweek.resources.services.credits import published_credits_of
from cpweek.resources.services.follow_up.announcing import recording_published
from cpweek.urls import absolute_url

# Time to start from (the person corrects it): writing takes longer than the rest.
MINUTES = {CreditRole.CO_AUTHOR.value: 120}
MINUTES_OTHERWISE = 60

# Activities to try, lower-case, as the organisers may have named them (the demo's are
# "Speaking at an event", "Co-facilitating a workshop", "Preparation time", ...).
MAKING = ("co-producing resources", "co-production", "writing", "preparation time")
ACTIVITY_NAMES = {
    CreditRole.SPEAKER.value: ("speaking at an event", "speaking", *MAKING),
    CreditRole.FACILITATOR.value: ("co-facilitating a workshop", "facilitating", *MAKING),
    CreditRole.REVIEWER.value: ("reviewing resources", *MAKING),
}


@dataclass(frozen=True)
class CreditPrompt(InvolvementPrompt):
    title: str  # the resource's
    role: str  # the role's words: "Co-author"

    @property
    def credit_id(self) -> int:
        return self.ref


def _role_label(role: str) -> str:
    return CreditRole(role).label if role in CreditRole._value2member_map_ else role


@signals.involvement_prompts.connect
def credits_to_log(person: User) -> list[InvolvementPrompt]:
    """A prompt for each of the person's credits on a published resource (one query)."""
    return [
        CreditPrompt(
            key=f"resource-credit:{credit.id}",
            kind=PromptKind.CREDIT,
            ref=credit.id,
            related_to=f"{_role_label(credit.role)} on {resource.title}"[:300],
            minutes=MINUTES.get(credit.role, MINUTES_OTHERWISE),
            activity_names=ACTIVITY_NAMES.get(credit.role, MAKING),
            title=resource.title,
            role=_role_label(credit.role),
        )
        for credit, resource in published_credits_of(person.id)
    ]


def _public_url(resource: Resource) -> str:
    # Full, under CPWEEK_BASE_URL: the portfolio is read in requests and outside them (a
    # certificate made by a command), and a link in it must work wherever it is read.
    return absolute_url("resources.resource", slug=resource.slug)


@signals.portfolio_works.connect
def credited_works(person: User) -> list[PortfolioWork]:
    """The published resources that credit the person, a line per credit (one query)."""
    return [
        PortfolioWork(
            title=resource.title,
            kind=ResourceKind(resource.kind).label
            if resource.kind in ResourceKind._value2member_map_
            else resource.kind,
            role=_role_label(credit.role),
            url=_public_url(resource),
            published_on=resource.published_on
            or (resource.published_at.date() if resource.published_at else None),
        )
        for credit, resource in published_credits_of(person.id)
    ]


@signals.resource_published.connect
def recording_ready(resource: Resource, **_: object) -> None:
    recording_published(resource)
