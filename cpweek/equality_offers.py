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
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from cpweek.extensions import Model, db


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
    requests at once: INSERT ... ON CONFLICT DO NOTHING lets one of them through).

    RETURNING says whether a row went in, not the row count: through the ORM, psycopg answered
    a row count of 1 for an insert that conflicted (the second offer was shown again)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = db.session.execute(
        dialect.insert(MonitoringOffer)
        .values(person_id=person_id, edition_id=edition_id, stage=stage)
        .on_conflict_do_nothing(
            index_elements=[
                MonitoringOffer.person_id,
                MonitoringOffer.edition_id,
                MonitoringOffer.stage,
            ]
        )
        .returning(MonitoringOffer.stage)
    ).first()
    return inserted is not None
