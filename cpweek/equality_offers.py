"""Whether a person has been offered the equality questions at a stage of an edition, so a
later offer (a proposal accepted, a payment recorded) is shown once per person, edition and
stage, whichever browser they use.

Core, like audit.py: any room that offers the questions records here, and it imports no room
(the foreign keys name tables, not models). It says only that the offer was made, never
whether or how the person answered; it has no time column, so it cannot be lined up with
answers by time (the answers keep only a month, and no key to anyone).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model
from cpweek.inserts import insert_unless_present


class MonitoringOffer(Model):
    __tablename__ = "monitoring_offers"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)


def first_offer(person_id: int, edition_id: int, stage: str) -> bool:
    """Record the offer; True only the first time for this person, edition and stage (two
    requests at once: INSERT ... ON CONFLICT DO NOTHING lets one of them through)."""
    return (
        insert_unless_present(
            MonitoringOffer,
            {"person_id": person_id, "edition_id": edition_id, "stage": stage},
            [MonitoringOffer.person_id, MonitoringOffer.edition_id, MonitoringOffer.stage],
        )
        is not None
    )
