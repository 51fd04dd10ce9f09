"""`insert_unless_present` says whether this call inserted the row, on both databases: through
the ORM psycopg answers a row count for an INSERT that conflicted, so the answer comes from
RETURNING, not from a count."""

from __future__ import annotations

from sqlalchemy import func, select

from cpweek.equality_offers import MonitoringOffer, first_offer
from cpweek.extensions import db
from cpweek.inserts import insert_unless_present
from cpweek.resources.models import EventFollowUp
from tests.factories import make_edition, make_user, make_webinar


def test_the_second_insert_of_the_same_key_inserts_nothing_and_says_so(app):
    event = make_webinar()
    values = {"event_id": event.id}
    first = insert_unless_present(EventFollowUp, values, [EventFollowUp.event_id])
    again = insert_unless_present(EventFollowUp, values, [EventFollowUp.event_id])
    assert first is not None and again is None
    assert db.session.scalar(select(func.count()).select_from(EventFollowUp)) == 1


def test_an_equality_offer_is_first_once_per_person_edition_and_stage(app):
    person = make_user(email="p@example.org")
    edition = make_edition(year=2098)
    assert first_offer(person.id, edition.id, "registration") is True
    assert first_offer(person.id, edition.id, "registration") is False
    assert first_offer(person.id, edition.id, "attended") is True
    assert db.session.scalar(select(func.count()).select_from(MonitoringOffer)) == 2
