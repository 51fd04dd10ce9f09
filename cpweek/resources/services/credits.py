"""Credits: who made a resource and how. (Issue 13: the credits helper fills in; `ShownCredit`
and `shown_credits` are the contract the public pages use.)"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class ShownCredit:
    """A credit as the public sees it: the name the person chose (or "A contributor with lived
    experience"), and the role's words."""

    name: str
    role: str


def shown_credits(resource_ids: Collection[int]) -> dict[int, list[ShownCredit]]:
    """Each resource's credits as the public sees them, in one or two queries."""
    return {resource_id: [] for resource_id in resource_ids}
