"""An open call for 2027 with reviewing and deciding under way today, two weighted criteria,
an organiser, a co-producer, and a proposer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from cpweek.auth.models import Role, User
from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import Call, Criterion
from cpweek.programme.services import today_in
from cpweek.timezones import utcnow
from tests.factories import make_edition, make_user


@dataclass
class Panel:
    call: Call
    criteria: list[Criterion]
    organiser: User
    co_producer: User
    proposer: User

    def propose(self, person=None, **changes):
        details = coproduction.ProposalDetails(
            title=changes.pop("title", "Carers' own evidence"),
            summary=changes.pop("summary", "A workshop on evidence carers collect."),
            kind=changes.pop("kind", "workshop"),
            format=changes.pop("format", "online"),
            length_minutes=changes.pop("length_minutes", 90),
            lived_experience_involvement=changes.pop("involvement", "Led by unpaid carers."),
            **changes,
        )
        return coproduction.submit_proposal(self.call, person or self.proposer, details)

    def scores(self, *values):
        return {c.id: v for c, v in zip(self.criteria, values, strict=True)}

    def review(self, proposal, reviewer, *values, comment="Good."):
        return coproduction.submit_review(proposal, reviewer, self.scores(*values), comment)


def open_call(edition, organiser, **changes) -> Call:
    today, now = today_in(), utcnow()
    details = coproduction.CallDetails(
        opens_at=changes.pop("opens_at", now - timedelta(days=1)),
        closes_at=changes.pop("closes_at", now + timedelta(days=10)),
        reviewing_starts_on=changes.pop("reviewing_starts_on", today - timedelta(days=1)),
        reviewing_ends_on=changes.pop("reviewing_ends_on", today + timedelta(days=20)),
        deciding_starts_on=changes.pop("deciding_starts_on", today - timedelta(days=1)),
        deciding_ends_on=changes.pop("deciding_ends_on", today + timedelta(days=30)),
        **changes,
    )
    return coproduction.save_call(edition, details, organiser)


@pytest.fixture
def panel() -> Panel:
    organiser = make_user(email="organiser@example.org", roles=(Role.ORGANISER,), name="Helen")
    co_producer = make_user(email="marcus@example.org", roles=(Role.CO_PRODUCER,), name="Marcus")
    proposer = make_user(email="asha@example.org", name="Asha")
    edition = make_edition(2027)
    call = open_call(edition, organiser)
    coproduction.add_criterion(call, "Co-produced", "", 3, organiser)
    coproduction.add_criterion(call, "On theme", "", 1, organiser)
    return Panel(call, coproduction.criteria_of(call), organiser, co_producer, proposer)
