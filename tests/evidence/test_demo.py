"""The demo's Care Equity Evidence Hub: illustrative items only, a map with dense cells and real
gaps, inclusion by the shared-decision rule, suggestions waiting, events citing the hub; a
second seed adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import User
from cpweek.demo import seed_demo
from cpweek.demo.evidence_hub import HUB_SLUG
from cpweek.evidence.models import (
    EventCitation,
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    InclusionAgreement,
    InclusionDecision,
    Suggestion,
)
from cpweek.extensions import db
from cpweek.perspectives import both_agreed
from cpweek.programme.models import Edition, Event

# The demo is loaded once for the module (`demo_world`); each test loses what it adds.
pytestmark = pytest.mark.usefixtures("demo_world")

COUNTED = (
    EvidenceCollection,
    EvidenceItem,
    EvidenceItemTerm,
    EvidenceTerm,
    InclusionDecision,
    InclusionAgreement,
    Suggestion,
    EventCitation,
)


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in COUNTED
    }


def hub() -> EvidenceCollection:
    return db.session.scalar(select(EvidenceCollection).where(EvidenceCollection.slug == HUB_SLUG))


def test_seeding_twice_adds_nothing_the_second_time(runner):
    # What the first seed prints is checked in tests/test_demo_and_cli.py, on an empty database.
    before = counts()
    descriptions = dict(db.session.execute(select(Event.slug, Event.description)).all())
    second = seed_demo()
    db.session.commit()
    assert (second.evidence_items, second.suggestions) == (0, 0)
    assert counts() == before
    assert dict(db.session.execute(select(Event.slug, Event.description)).all()) == descriptions
    assert "Demo data already present" in runner.invoke(args=["seed-demo"]).output
    assert before["evidence_collections"] == 1 and before["evidence_suggestions"] == 2


def test_the_hub_belongs_to_2026_and_says_how_to_use_it():
    found = hub()
    edition = db.session.scalar(select(Edition).where(Edition.year == 2026))
    assert found.title == "Care Equity Evidence Hub" and found.edition_id == edition.id
    assert "How to use it" in found.introduction and "point out a gap" in found.introduction
    assert "/evidence/care-equity-evidence-hub/map" in found.introduction
    assert "equity focus" in found.criteria.lower() and "Robust methods" in found.criteria
    assert "sexual orientation" in " ".join(found.criteria.split())


def test_every_item_is_an_illustrative_example_with_an_example_org_link():
    items = list(db.session.scalars(select(EvidenceItem)))
    assert len(items) >= 40
    for item in items:
        assert item.illustrative and item.title.startswith("Illustrative example: ")
        assert "illustrative example" in item.summary.lower()
        assert item.url.startswith("https://example.org/") and item.doi == ""
        assert item.publisher.startswith("Example ")
        assert 2015 <= item.published_year <= 2026
    assert len({item.url for item in items}) == len(items)
    assert sum(1 for item in items if item.easy_read) >= 5
    assert len({item.published_year for item in items}) >= 10
    # Every facet is populated on every item.
    vocabularies = db.session.execute(
        select(
            EvidenceItemTerm.item_id, func.count(func.distinct(EvidenceItemTerm.vocabulary))
        ).group_by(EvidenceItemTerm.item_id)
    ).all()
    assert {n for _, n in vocabularies} == {7} and len(vocabularies) == len(items)


def test_included_items_stand_on_a_co_producer_and_an_organiser_and_one_waits():
    people = {u.email: u.id for u in db.session.scalars(select(User))}
    included = list(
        db.session.scalars(select(EvidenceItem).where(EvidenceItem.status == "included"))
    )
    assert len(included) >= 40
    assert all(item.included_at and item.reviewed_at for item in included)
    for item in included:
        [decision] = db.session.scalars(
            select(InclusionDecision).where(InclusionDecision.item_id == item.id)
        )
        agreements = list(
            db.session.scalars(
                select(InclusionAgreement).where(InclusionAgreement.decision_id == decision.id)
            )
        )
        assert decision.outcome == "include" and decision.stands_at is not None
        assert both_agreed(a.perspective for a in agreements)
        assert {a.user_id for a in agreements} == {
            people["organiser@example.org"],
            people["coproducer@example.org"],
        }
    [waiting] = db.session.scalars(select(EvidenceItem).where(EvidenceItem.status == "draft"))
    [decision] = db.session.scalars(
        select(InclusionDecision).where(InclusionDecision.item_id == waiting.id)
    )
    perspectives = list(
        db.session.scalars(
            select(InclusionAgreement.perspective).where(
                InclusionAgreement.decision_id == decision.id
            )
        )
    )
    assert decision.stands_at is None and perspectives == ["organiser"]
    assert waiting.illustrative and waiting.included_at is None


def test_the_map_has_dense_cells_and_real_gaps():
    topic = EvidenceItemTerm.__table__.alias("topic")
    dimension = EvidenceItemTerm.__table__.alias("dimension")
    cells = dict(
        (tuple(key), n)
        for *key, n in db.session.execute(
            select(topic.c.term_id, dimension.c.term_id, func.count(func.distinct(EvidenceItem.id)))
            .join(topic, (topic.c.item_id == EvidenceItem.id) & (topic.c.vocabulary == "topic"))
            .join(
                dimension,
                (dimension.c.item_id == EvidenceItem.id) & (dimension.c.vocabulary == "dimension"),
            )
            .where(EvidenceItem.status == "included")
            .group_by(topic.c.term_id, dimension.c.term_id)
        ).all()
    )
    terms = {(t.vocabulary, t.slug): t.id for t in db.session.scalars(select(EvidenceTerm))}
    topics = [tid for (v, _), tid in terms.items() if v == "topic"]
    dimensions = [tid for (v, _), tid in terms.items() if v == "dimension"]
    assert max(cells.values()) >= 3
    assert cells[(terms["topic", "unpaid-carers"], terms["dimension", "ethnicity"])] >= 3
    assert cells[(terms["topic", "access-to-care"], terms["dimension", "deprivation"])] >= 3
    empty = [(t, d) for t in topics for d in dimensions if (t, d) not in cells]
    assert len(empty) >= 5
    # The gap suggested from the map is a cell that is empty.
    gap = db.session.scalar(select(Suggestion).where(Suggestion.kind == "gap"))
    assert (gap.topic_id, gap.dimension_id) in empty and gap.status == "pending"


def test_two_suggestions_wait_one_from_someone_anonymous():
    suggestions = list(db.session.scalars(select(Suggestion).order_by(Suggestion.id)))
    assert [s.kind for s in suggestions] == ["gap", "new_evidence"]
    assert {s.status for s in suggestions} == {"pending"}
    anonymous = suggestions[1]
    assert anonymous.user_id is None and anonymous.email == "" and anonymous.name == ""
    assert anonymous.link.startswith("https://example.org/")


def test_the_launch_and_the_gap_map_workshop_cite_items_and_link_into_the_hub():
    for slug, path in (
        ("evidence-hub-launch-2026", "/evidence/care-equity-evidence-hub/"),
        ("gap-map-2026", "/evidence/care-equity-evidence-hub/map"),
    ):
        event = db.session.scalar(select(Event).where(Event.slug == slug))
        assert f"]({path})" in event.description
        cited = db.session.scalar(
            select(func.count())
            .select_from(EventCitation)
            .where(EventCitation.event_id == event.id)
        )
        assert cited == 3
