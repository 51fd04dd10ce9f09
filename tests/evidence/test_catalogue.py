"""The catalogue's rules without HTTP: collections, items (DOI, dates, links, terms), edits that
keep an item's status, vocabularies as data, related items, citations and the audit trail."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.evidence.errors import ItemInvalid
from cpweek.evidence.models import EventCitation, EvidenceItem, EvidenceTerm, ItemStatus
from cpweek.evidence.services import catalogue, citations, fields, vocabularies
from cpweek.extensions import db
from tests.evidence.factories import make_collection, make_item, term
from tests.factories import make_edition, make_event, make_user


@pytest.fixture
def organiser():
    return make_user(roles=(Role.ORGANISER,))


@pytest.fixture
def hub():
    return make_collection()


def details(**changes) -> catalogue.ItemDetails:
    values = {
        "title": "Carers in rural areas",
        "summary": "What carers told us.",
        "url": "https://example.org/study",
        "terms": {"type": [term("type", "research").id]},
    }
    return catalogue.ItemDetails(**{**values, **changes})


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- DOIs, dates, links, authors ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "10.1234/ABC.def",
        "https://doi.org/10.1234/abc.DEF",
        "http://dx.doi.org/10.1234/abc.def",
        "doi:10.1234/abc.def",
        "DOI: 10.1234/abc.def",
        "  10.1234/abc.def  ",
    ],
)
def test_dois_are_stored_bare_and_lower_case(typed):
    assert fields.normalise_doi(typed) == "10.1234/abc.def"


@pytest.mark.parametrize(
    "typed",
    [
        "10.12/abc",
        "11.1234/abc",
        "10.1234/",
        "10.1234/a b",
        "doi",
        "https://example.org/10.1234/x",
        "10.1234567890/abc",
        "x" * 10_000,
        "10.1234/" + "x" * 300,
        "😀",
        "' OR 1=1 --",
    ],
)
def test_anything_not_a_doi_is_refused(typed):
    with pytest.raises(ItemInvalid) as refused:
        fields.normalise_doi(typed)
    assert refused.value.field == "doi"


def test_an_empty_doi_is_allowed():
    assert fields.normalise_doi("   ") == ""


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2024", (2024, None)),
        ("1900", (1900, None)),
        ("2100", (2100, None)),
        ("2024-06-29", (2024, date(2024, 6, 29))),
        ("29/06/2024", (2024, date(2024, 6, 29))),
        ("5/3/2024", (2024, date(2024, 3, 5))),
        ("", (None, None)),
    ],
)
def test_a_year_or_a_full_date(typed, expected):
    assert fields.parse_published(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "20250",
        "1899",
        "2101",
        "24",
        "two thousand",
        "2024-02-30",
        "31/04/2024",
        "9" * 40,
        "2024-99999999999999999999-01",
        "-2024",
    ],
)
def test_years_and_dates_that_cannot_be(typed):
    with pytest.raises(ItemInvalid) as refused:
        fields.parse_published(typed)
    assert refused.value.field == "published_year"


def test_date_boxes():
    assert fields.published_from_boxes("", "", "2024") == (2024, None)
    assert fields.published_from_boxes("29", "6", "2024") == (2024, date(2024, 6, 29))
    assert fields.published_from_boxes("", "", "2024-06-29") == (2024, date(2024, 6, 29))
    assert fields.published_from_boxes("", "", "") == (None, None)
    for day, month, year in [
        ("29", "", "2024"),
        ("", "6", "2024"),
        ("29", "6", ""),
        ("31", "2", "2024"),
        ("99999999999999999999", "1", "2024"),
        ("1", "1", "20250"),
    ]:
        with pytest.raises(ItemInvalid):
            fields.published_from_boxes(day, month, year)


@pytest.mark.parametrize(
    "typed",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/x",
        "example.org",
        "https://",
        "https://exa mple.org",
        "https://example.org/" + "x" * 2000,
    ],
)
def test_links_must_be_http_or_https(typed):
    with pytest.raises(ItemInvalid) as refused:
        fields.check_url(typed)
    assert refused.value.field == "url"


def test_authors_one_a_line():
    assert fields.clean_authors("  Smith,  J.\n\n Jones, K. \r\n") == "Smith, J.\nJones, K."


# --- collections -----------------------------------------------------------------------------


def test_organisers_make_and_edit_a_collection_linked_to_an_edition(organiser):
    edition = make_edition(2026)
    made = catalogue.create_collection(
        catalogue.CollectionDetails(
            "Care Equity Evidence Hub",
            "care-equity",
            "Care equity",
            "Intro",
            "Criteria",
            edition.id,
        ),
        organiser,
    )
    assert catalogue.collections_for_edition(edition.id) == [made]
    assert catalogue.edition_of(made).year == 2026
    assert db.session.scalar(select(func.count()).select_from(EvidenceTerm)) > 40
    catalogue.update_collection(
        made, catalogue.CollectionDetails("Renamed hub", "care-equity"), organiser
    )
    assert made.title == "Renamed hub" and made.edition_id is None
    assert audit_actions() == ["evidence_collection.create", "evidence_collection.update"]


@pytest.mark.parametrize(
    ("slug", "why"),
    [
        ("", "Enter a web address"),
        ("Care Equity", "lower-case"),
        ("care--equity", "lower-case"),
        ("-care", "lower-case"),
        ("x" * 81, "lower-case"),
        ("new", "used by the site"),
        ("taken", "already uses"),
        ("<script>", "lower-case"),
    ],
)
def test_a_collection_slug_is_checked_and_unique(organiser, slug, why):
    make_collection(slug="taken")
    with pytest.raises(catalogue.CollectionInvalid) as refused:
        catalogue.create_collection(catalogue.CollectionDetails("Hub", slug), organiser)
    assert refused.value.field == "slug" and why in refused.value.message


def test_a_collection_keeps_its_own_slug_when_edited(organiser, hub):
    catalogue.update_collection(hub, catalogue.CollectionDetails("Hub", hub.slug), organiser)
    assert hub.title == "Hub"


def test_an_edition_that_does_not_exist_is_refused(organiser):
    with pytest.raises(catalogue.CollectionInvalid) as refused:
        catalogue.create_collection(
            catalogue.CollectionDetails("Hub", "hub", edition_id=999), organiser
        )
    assert refused.value.field == "edition_id"


# --- items ---------------------------------------------------------------------------------


def test_a_new_item_is_a_draft_with_its_terms_and_is_audited(organiser, hub):
    item = catalogue.create_item(
        hub,
        details(
            doi="https://doi.org/10.5555/ABC",
            authors="Smith, J.\nJones, K.",
            published_on=date(2024, 6, 29),
            terms={
                "type": [term("type", "research").id],
                "topic": [term("topic", "unpaid-carers").id],
                "dimension": [term("dimension", "rurality").id, term("dimension", "ethnicity").id],
            },
        ),
        organiser,
    )
    assert item.status == ItemStatus.DRAFT.value and item.source == "organiser"
    assert item.doi == "10.5555/abc" and item.published_year == 2024
    assert item.created_by_id == organiser.id
    assert {t.slug for t in catalogue.item_terms(item)["dimension"]} == {"rurality", "ethnicity"}
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "evidence_item.create" and entry.object_id == item.id
    assert entry.after["doi"] == "10.5555/abc"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"summary": ""}, "summary"),
        ({"title": "x" * 501}, "title"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "", "doi": ""}, "url"),
        ({"doi": "not a doi"}, "doi"),
        ({"published_year": 20250}, "published_year"),
        ({"terms": {}}, "type"),
        ({"terms": {"type": [term_id for term_id in (-1,)]}}, "type"),
    ],
)
def test_a_bad_item_is_refused_naming_the_field(organiser, hub, changes, field):
    with pytest.raises(ItemInvalid) as refused:
        catalogue.create_item(hub, details(**changes), organiser)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(EvidenceItem)) == 0


def test_terms_must_belong_to_their_vocabulary_and_type_is_one(organiser, hub):
    rurality = term("dimension", "rurality").id
    with pytest.raises(ItemInvalid) as refused:
        catalogue.create_item(
            hub, details(terms={"type": [term("type", "data").id], "topic": [rurality]}), organiser
        )
    assert refused.value.field == "topic"
    with pytest.raises(ItemInvalid) as refused:
        catalogue.create_item(
            hub,
            details(terms={"type": [term("type", "data").id, term("type", "tool").id]}),
            organiser,
        )
    assert refused.value.field == "type"


def test_editing_an_included_item_keeps_it_included_and_audits_before_and_after(organiser, hub):
    item = make_item(hub, "Old title", terms={"type": ["research"], "topic": ["housing"]})
    catalogue.update_item(
        item,
        details(title="New title", terms={"type": [term("type", "data").id]}),
        organiser,
    )
    assert item.status == ItemStatus.INCLUDED.value and item.included_at is not None
    assert set(catalogue.item_terms(item)) == {"type"}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "evidence_item.update"))
    assert entry.before["title"] == "Old title" and entry.after["title"] == "New title"
    assert entry.before["status"] == entry.after["status"] == "included"
    assert len(entry.before["terms"]) == 2 and len(entry.after["terms"]) == 1


def test_how_to_cite():
    item = EvidenceItem(
        title="Carers in rural areas",
        authors="Smith, J.\nJones, K.\nPatel, R.",
        published_year=2024,
        publisher="Example Press",
        doi="10.5555/abc",
        url="https://example.org/x",
    )
    assert catalogue.how_to_cite(item) == (
        "Smith, J., Jones, K. and Patel, R. (2024) Carers in rural areas. Example Press. "
        "https://doi.org/10.5555/abc"
    )
    bare = EvidenceItem(title="Untitled note.", authors="", url="https://example.org/y")
    assert catalogue.how_to_cite(bare) == "(n.d.) Untitled note. https://example.org/y"


def test_related_items_share_the_most_topics_and_dimensions(hub):
    item = make_item(
        hub,
        "Me",
        terms={
            "topic": ["unpaid-carers", "housing"],
            "dimension": ["rurality"],
            "type": ["research"],
        },
    )
    best = make_item(
        hub, "Best", terms={"topic": ["unpaid-carers", "housing"], "dimension": ["rurality"]}
    )
    good = make_item(hub, "Good", terms={"topic": ["housing"], "dimension": ["rurality"]})
    make_item(hub, "Type only", terms={"type": ["research"]})  # type is not a reason
    make_item(hub, "Draft", status="draft", terms={"topic": ["housing"]})
    other_hub = make_collection(slug="other")
    make_item(other_hub, "Elsewhere", terms={"topic": ["housing"]})
    for n in range(6):
        make_item(hub, f"Weak {n}", terms={"topic": ["unpaid-carers"]})
    related = catalogue.related_items(item)
    assert [r.id for r in related[:2]] == [best.id, good.id]
    assert len(related) == 5 and {r.shared for r in related[2:]} == {1}
    assert "Type only" not in {r.title for r in related}


# --- citations -----------------------------------------------------------------------------


def test_citations_both_ways_only_public_things(organiser):
    edition = make_edition(2026)
    hub = make_collection(edition_id=edition.id)
    launch = make_event(edition, title="Hub launch")
    workshop = make_event(edition, title="Gap map workshop")
    draft_event = make_event(edition, title="Not yet", status="draft")
    item = make_item(hub, "Included")
    draft = make_item(hub, "Draft", status="draft")
    offered = {event_id for event_id, _ in citations.event_choices(hub)}
    assert offered == {launch.id, workshop.id}
    catalogue.update_item(
        item, details(title="Included", event_ids=[launch.id, workshop.id]), organiser
    )
    db.session.add(EventCitation(event_id=draft_event.id, item_id=item.id))
    citations.set_citing_events(draft, [launch.id], organiser, hub)
    assert [e.title for e in citations.events_citing(item.id)] == ["Hub launch", "Gap map workshop"]
    assert [i.title for i in citations.items_cited_by(launch.id)] == ["Included"]
    # Taking one off keeps the citation by an event the form did not offer.
    citations.set_citing_events(item, [workshop.id], organiser, hub)
    assert set(citations.cited_event_ids(item.id)) == {workshop.id, draft_event.id}
    assert "evidence_item.citations" in audit_actions()
    with pytest.raises(ItemInvalid) as refused:
        citations.set_citing_events(item, [draft_event.id, 10**9], organiser, hub)
    assert refused.value.field == "events"


def test_a_collection_without_an_edition_offers_every_public_event(organiser, hub):
    old = make_event(make_edition(2024), title="Old")
    new = make_event(make_edition(2025), title="New")
    assert [event_id for event_id, _ in citations.event_choices(hub)] == [new.id, old.id]


# --- vocabularies --------------------------------------------------------------------------


def test_terms_are_added_renamed_reordered_and_removed_when_unused(organiser, hub):
    added = vocabularies.add_term("topic", "  Loneliness  and isolation ", organiser)
    assert added.slug == "loneliness-and-isolation" and added.label == "Loneliness and isolation"
    last = max(
        t.position
        for t in db.session.scalars(
            select(EvidenceTerm).where(
                EvidenceTerm.vocabulary == "topic", EvidenceTerm.id != added.id
            )
        )
    )
    assert added.position == last + 1
    vocabularies.change_term(added, "Loneliness", -1, organiser)
    from cpweek.evidence.services.vocabularies import Vocabulary, terms

    assert terms(Vocabulary.TOPIC)[0].label == "Loneliness"
    assert added.slug == "loneliness-and-isolation"  # shared links keep working
    vocabularies.remove_term(added, organiser)
    assert vocabularies.get_term(added.id) is None
    assert audit_actions() == ["evidence_term.add", "evidence_term.change", "evidence_term.remove"]


def test_a_term_in_use_cannot_be_removed(organiser, hub):
    make_item(hub, terms={"topic": ["housing"]})
    make_item(hub, terms={"topic": ["housing"]})
    with pytest.raises(vocabularies.TermInvalid) as refused:
        vocabularies.remove_term(term("topic", "housing"), organiser)
    assert "used by 2 items" in refused.value.message
    assert vocabularies.term_usage()[term("topic", "housing").id] == 2


@pytest.mark.parametrize(
    ("vocabulary", "label", "slug", "field"),
    [
        ("topic", "", "", "label"),
        ("topic", "x" * 121, "", "label"),
        ("topic", "housing and independent LIVING", "", "label"),
        ("topic", "New", "housing", "slug"),
        ("topic", "New", "Not A Slug", "slug"),
        ("topic", "😀", "", "slug"),
        ("colour", "Red", "", "vocabulary"),
    ],
)
def test_bad_terms_are_refused(organiser, hub, vocabulary, label, slug, field):
    with pytest.raises(vocabularies.TermInvalid) as refused:
        vocabularies.add_term(vocabulary, label, organiser, slug=slug)
    assert refused.value.field == field


def test_a_position_out_of_range_is_refused(organiser, hub):
    with pytest.raises(vocabularies.TermInvalid) as refused:
        vocabularies.change_term(term("topic", "housing"), "Housing", 10**9, organiser)
    assert refused.value.field == "position"


def test_a_slug_taken_a_moment_ago_is_a_refusal_not_a_crash(organiser, hub, monkeypatch):
    # Another organiser's request saved the same slug between our check and our flush.
    db.session.commit()
    monkeypatch.setattr(catalogue, "collection_by_slug", lambda slug: None)
    with pytest.raises(catalogue.CollectionInvalid) as refused:
        catalogue.create_collection(catalogue.CollectionDetails("Twin", hub.slug), organiser)
    assert refused.value.field == "slug"
    db.session.rollback()
    assert [c.title for c in catalogue.collections()] == ["Care Equity Evidence Hub"]
