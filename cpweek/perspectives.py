"""The shared-decision rule: a decision of the week's co-production stands only when someone
with lived experience (a co-producer) and a member of staff (an organiser) have both agreed.

Used by the panel's decisions on proposals, sign-offs of schedule releases and the evidence
hub's inclusion decisions, so the rule is written once.
"""

from __future__ import annotations

from collections.abc import Iterable

from cpweek.auth.models import Role, User

CO_PRODUCER = "co_producer"
ORGANISER = "organiser"
DECIDERS = (Role.CO_PRODUCER, Role.ORGANISER)


def perspective_of(person: User) -> str | None:
    """Which side a person agrees for: a co-producer who is also an organiser counts as a
    co-producer; None for someone who takes no part in shared decisions."""
    if person.has_role(Role.CO_PRODUCER):
        return CO_PRODUCER
    if person.has_role(Role.ORGANISER):
        return ORGANISER
    return None


def both_agreed(perspectives: Iterable[str]) -> bool:
    """True once both a co-producer and an organiser are among those who agreed."""
    return {CO_PRODUCER, ORGANISER} <= set(perspectives)
