"""The shared-decision rule: a decision of the week's co-production stands only when someone
with lived experience (a co-producer) and a member of staff (an organiser) have both agreed.

Used by the panel's decisions on proposals, sign-offs of schedule releases and the evidence
hub's inclusion decisions, so the rule is written once: `standing` says whether the agreements
stand and, if not, who is still needed; `standing_of` reads the agreements' perspectives, and
`agreed_by` the agreements with the people who gave them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute

from cpweek.auth.models import Role, User
from cpweek.extensions import db

CO_PRODUCER = "co_producer"
ORGANISER = "organiser"
DECIDERS = (Role.CO_PRODUCER, Role.ORGANISER)
# Each perspective a decision needs, with the words a page uses for someone who holds it.
NEEDED = {CO_PRODUCER: "a co-producer", ORGANISER: "an organiser"}


def perspective_of(person: User) -> str | None:
    """Which side a person agrees for: a co-producer who is also an organiser counts as a
    co-producer; None for someone who takes no part in shared decisions."""
    if person.has_role(Role.CO_PRODUCER):
        return CO_PRODUCER
    if person.has_role(Role.ORGANISER):
        return ORGANISER
    return None


@dataclass(frozen=True)
class Standing:
    """Where a shared decision is: who is still needed ("a co-producer", "an organiser")."""

    needed: tuple[str, ...]

    @property
    def stands(self) -> bool:
        return not self.needed


def standing(perspectives: Iterable[str]) -> Standing:
    """The rule itself, over the perspectives of everyone who agreed so far."""
    agreed = set(perspectives)
    return Standing(tuple(words for side, words in NEEDED.items() if side not in agreed))


def standing_of(perspective: InstrumentedAttribute[Any], *where: ColumnElement[bool]) -> Standing:
    """The standing of the agreements stored in rows: their `perspective` column, filtered
    to one decision (or release) by `where`."""
    return standing(db.session.scalars(select(perspective).where(*where)))


def agreed_by(
    at: InstrumentedAttribute[Any], *where: ColumnElement[bool]
) -> list[tuple[Any, User]]:
    """Agreement rows (of the model `at` belongs to, which has a `user_id`) filtered by
    `where`, each with the person who gave it, in the order they were given (`at`)."""
    model = at.class_
    return [
        (row, person)
        for row, person in db.session.execute(
            select(model, User)
            .join(User, User.id == model.user_id)
            .where(*where)
            .order_by(at, model.id)
        )
    ]


def both_agreed(perspectives: Iterable[str]) -> bool:
    """True once both a co-producer and an organiser are among those who agreed."""
    return standing(perspectives).stands
