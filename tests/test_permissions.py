"""Every route is declared public or protected, and every protected route x role behaves:
anonymous -> sign in, wrong role -> 403, right role -> the page."""

from __future__ import annotations

from itertools import count

import pytest
from flask import Blueprint
from sqlalchemy import select

from cpweek.auth.models import Role, User
from cpweek.auth.permissions import owned_or_404, requires
from cpweek.extensions import db
from tests.conftest import keep_rows, release_rows
from tests.factories import make_edition, make_event, make_user

ROLES = list(Role)

# Every protected route, with the roles that may use it and sample URL values.
PROTECTED = {
    "auth.sign_out": ({Role.ATTENDEE}, "POST", {}),
    "auth.sign_out_everywhere": ({Role.ATTENDEE}, "POST", {}),
    "auth.account": ({Role.ATTENDEE}, "GET", {}),
    "auth.change_password": ({Role.ATTENDEE}, "GET", {}),
    "auth.people": ({Role.ADMIN}, "GET", {}),
    "auth.person_roles": ({Role.ADMIN}, "GET", {"user_id": "self"}),
    "programme.manage": ({Role.ORGANISER}, "GET", {}),
    "programme.my_calendar": ({Role.ATTENDEE}, "GET", {}),
    "programme.access_profile": ({Role.ATTENDEE}, "GET", {}),
    "programme.manage_edition": ({Role.ORGANISER}, "GET", {"year": 2027}),
    "programme.new_edition": ({Role.ORGANISER}, "GET", {}),
    "programme.edit_edition": ({Role.ORGANISER}, "GET", {"year": 2027}),
    "programme.new_event": ({Role.ORGANISER}, "GET", {"year": 2027}),
    "programme.edit_event": ({Role.ORGANISER}, "GET", {"event_id": "event"}),
    "programme.publish_event": ({Role.ORGANISER}, "POST", {"event_id": "event"}),
    "programme.cancel_event": ({Role.ORGANISER}, "GET", {"event_id": "event"}),
    "programme.event_registrations": ({Role.ORGANISER}, "GET", {"event_id": "event"}),
    "programme.event_registrations_csv": ({Role.ORGANISER}, "GET", {"event_id": "event"}),
    "programme.assisted_registration": ({Role.ORGANISER}, "GET", {"event_id": "event"}),
    "programme.check_in": ({Role.ORGANISER}, "GET", {"event_id": "event"}),
    "programme.mark_arrived": ({Role.ORGANISER}, "POST", {"registration_id": "registration"}),
    "mail.undelivered": ({Role.ORGANISER, Role.ADMIN}, "GET", {}),
    "mail.try_again": ({Role.ORGANISER, Role.ADMIN}, "POST", {"message_id": "outbox_message"}),
}
_C = {Role.CONTRIBUTOR, Role.CO_PRODUCER}
_O = {Role.ORGANISER}
PROTECTED.update(
    {
        "reciprocity.home": (_C, "GET", {}),
        "reciprocity.profile": (_C, "GET", {}),
        "reciprocity.log": (_C, "GET", {}),
        "reciprocity.dismiss_prompt": (_C, "POST", {"event_id": "hosted_event"}),
        "reciprocity.claim_expense": (_C, "GET", {}),
        "reciprocity.entry": (_C, "GET", {"entry_id": "own_entry"}),
        "reciprocity.answer": (_C, "POST", {"entry_id": "own_entry"}),
        "reciprocity.withdraw": (_C, "POST", {"entry_id": "own_entry"}),
        "reciprocity.add_receipt": (_C | _O, "POST", {"entry_id": "own_entry"}),
        "reciprocity.receipt": (_C | _O, "GET", {"receipt_id": "receipt"}),
        "reciprocity.statement": (_C, "GET", {}),
        "reciprocity.statement_csv": (_C, "GET", {}),
        "reciprocity.portfolio": (_C, "GET", {}),
        "reciprocity.certificate": (_C, "GET", {}),
        "reciprocity.ledger": (_O, "GET", {}),
        "reciprocity.review_entry": (_O, "GET", {"entry_id": "own_entry"}),
        "reciprocity.approve_entry": (_O, "POST", {"entry_id": "own_entry"}),
        "reciprocity.query_entry": (_O, "POST", {"entry_id": "own_entry"}),
        "reciprocity.reject_entry": (_O, "POST", {"entry_id": "own_entry"}),
        "reciprocity.reverse_entry": (_O, "POST", {"entry_id": "own_entry"}),
        "reciprocity.answer_for": (_O, "POST", {"entry_id": "own_entry"}),
        "reciprocity.contributor": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.contributor_profile": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.log_for": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.expense_for": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.contributor_statement": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.contributor_statement_csv": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.recognise": (_O, "GET", {"user_id": "contributor"}),
        "reciprocity.rates": (_O, "GET", {}),
        "reciprocity.add_activity": (_O, "POST", {}),
        "reciprocity.confirm_rate": (_O, "POST", {"rate_id": "rate"}),
        "reciprocity.new_payment_run": (_O, "GET", {}),
        "reciprocity.payment_run": (_O, "GET", {"run_id": "run"}),
        "reciprocity.payment_run_csv": (_O, "GET", {"run_id": "run"}),
        "reciprocity.guidance": (_O, "GET", {}),
        "reciprocity.edit_guidance": (_O, "GET", {"code": "benefits"}),
    }
)
_R = {Role.CO_PRODUCER, Role.ORGANISER}
_A = {Role.ATTENDEE}
PROTECTED.update(
    {
        "coproduction.propose": (_A, "GET", {"year": 2027}),
        "coproduction.my_proposals": (_A, "GET", {}),
        "coproduction.proposal": (_A, "GET", {"proposal_id": "own_proposal"}),
        "coproduction.edit_proposal": (_A, "GET", {"proposal_id": "own_proposal"}),
        "coproduction.withdraw_proposal": (_A, "POST", {"proposal_id": "own_proposal"}),
        "coproduction.invitation": (_A, "GET", {"token": "invitation"}),
        "coproduction.review_queue": (_R, "GET", {"year": 2027}),
        "coproduction.review": (_R, "GET", {"proposal_id": "others_proposal"}),
        "coproduction.propose_decision": (_R, "POST", {"proposal_id": "others_proposal"}),
        "coproduction.agree": (_R, "POST", {"proposal_id": "others_proposal"}),
        "coproduction.panel": (_R, "GET", {"year": 2027}),
        "coproduction.manage_call": (_O, "GET", {"year": 2027}),
        "coproduction.add_criterion": (_O, "POST", {"year": 2027}),
        "coproduction.schedule_draft": (_R, "GET", {"year": 2027}),
        "coproduction.place": (_O, "POST", {"year": 2027}),
        "coproduction.change_draft": (_O, "POST", {"year": 2027}),
        "coproduction.cancel_in_draft": (_O, "POST", {"year": 2027}),
        "coproduction.add_break": (_O, "POST", {"year": 2027}),
        "coproduction.prepare_release": (_O, "POST", {"year": 2027}),
        "coproduction.sign_off": (_R, "POST", {"release_id": "release"}),
        "coproduction.set_weight": (_R, "POST", {"criterion_id": "criterion"}),
    }
)


# --- the evidence room: one block per part, so each is added to on its own ---------------
# Sample values (see _evidence_samples): "collection" (a slug), "item" (an included item's id),
# "draft_item", "suggestion", "import_batch".
_CO = {Role.CO_PRODUCER, Role.ORGANISER}

# evidence: catalogue (collections, items, vocabularies, citations)
PROTECTED.update(
    {
        "evidence.manage": (_O, "GET", {}),
        "evidence.new_collection": (_O, "GET", {}),
        "evidence.edit_collection": (_O, "GET", {"slug": "collection"}),
        "evidence.new_item": (_O, "GET", {"slug": "collection"}),
        "evidence.edit_item": (_O, "GET", {"item_id": "draft_item"}),
        "evidence.vocabularies": (_O, "GET", {}),
    }
)
EVIDENCE_CATALOGUE_END = "catalogue"

# evidence: finding (search, facets, feeds, exports)
# None: evidence.collection, evidence.feed and evidence.export are public (@public) and show
# included items only (tests/evidence/test_finding.py).
PROTECTED.update({})
EVIDENCE_FINDING_END = "finding"

# evidence: the gap map
# (evidence.gap_map and evidence.gap_map_csv are public: anyone may see the map and its CSV)
PROTECTED.update({})
EVIDENCE_GAPMAP_END = "gapmap"

# evidence: inclusion decisions and suggestions
PROTECTED.update(
    {
        "evidence.review_queue": (_CO, "GET", {"slug": "collection"}),
        "evidence.review_item": (_CO, "GET", {"item_id": "draft_item"}),
        "evidence.propose_inclusion": (_CO, "POST", {"item_id": "draft_item"}),
        "evidence.agree_inclusion": (_CO, "POST", {"item_id": "draft_item"}),
        "evidence.suggestion": (_CO, "GET", {"suggestion_id": "suggestion"}),
        "evidence.accept_suggestion": (_CO, "POST", {"suggestion_id": "suggestion"}),
        "evidence.decline_suggestion": (_CO, "POST", {"suggestion_id": "suggestion"}),
        "evidence.merge_suggestion": (_CO, "POST", {"suggestion_id": "suggestion"}),
    }
)
EVIDENCE_REVIEW_END = "review"

# evidence: import
PROTECTED.update(
    {
        "evidence.import_items": (_O, "GET", {"slug": "collection"}),
        "evidence.import_batch": (
            _O,
            "GET",
            {"slug": "collection", "batch_id": "import_batch"},
        ),
        "evidence.confirm_import": (
            _O,
            "POST",
            {"slug": "collection", "batch_id": "import_batch"},
        ),
        "evidence.import_template": (_O, "GET", {}),
    }
)
EVIDENCE_IMPORT_END = "import"

# --- the resources room: one block per part ---------------------------------------------------
# resources: credits. Samples (see _credit_samples): "credited_resource" (a draft resource's
# id), "resource_credit" (a credit on it).
PROTECTED.update(
    {
        "resources.credits": (_O, "GET", {"resource_id": "credited_resource"}),
        "resources.remove_credit": (
            _O,
            "POST",
            {"resource_id": "credited_resource", "credit_id": "resource_credit"},
        ),
    }
)
RESOURCES_CREDITS_END = "credits"

# --- the resources room: one block per part, so each is added to on its own -------------
# Sample values (see _resource_samples): "resource" (a draft's id), "resource_format" (a link
# format of that draft), "resource_file" (a stored PDF of that draft).

# resources: authoring (drafts, editing, formats, publishing)
_RF = {"resource_id": "resource", "format_id": "resource_format"}
PROTECTED.update(
    {
        "resources.manage": (_O, "GET", {}),
        "resources.new_resource": (_O, "GET", {}),
        "resources.edit_resource": (_O, "GET", {"resource_id": "resource"}),
        "resources.manage_resource": (_O, "GET", {"resource_id": "resource"}),
        "resources.add_link": (_O, "POST", {"resource_id": "resource"}),
        "resources.add_file": (_O, "POST", {"resource_id": "resource"}),
        "resources.remove_format": (_O, "POST", _RF),
        "resources.move_format": (_O, "POST", {**_RF, "direction": "up"}),
        "resources.stored_file": (
            _O,
            "GET",
            {"resource_id": "resource", "format_id": "resource_file"},
        ),
        "resources.publish": (_O, "POST", {"resource_id": "resource"}),
        "resources.unpublish": (_O, "POST", {"resource_id": "resource"}),
    }
)
RESOURCES_AUTHORING_END = "authoring"

# resources: the public side (library, resource page, transcript, files, feeds)
# None: resources.library, resources.resource, resources.transcript, resources.file,
# resources.feed and resources.podcast are public (@public) and show published resources only;
# a draft is 404 (tests/resources/test_resource_page.py, test_feeds.py).
PROTECTED.update({})
RESOURCES_PUBLIC_END = "resources public"

# resources: after an event ("event" is one still to come: the page says why it must wait)
PROTECTED.update(
    {
        "resources.follow_up": (_O, "GET", {"event_id": "event"}),
    }
)

# reports: equality monitoring
# None: reports.equality (/equality/<token>) and reports.equality_thanks are public (@public):
# the single-use token is the permission, and the page must not learn who answers (signing in
# would tie the answers to an account). A bad, used or expired token is a 404 in words
# (tests/reports/test_monitoring_pages.py).
PROTECTED.update({})
REPORTS_MONITORING_END = "reports monitoring"


# --- the reports room: one block per part ---------------------------------------------------
# reports: outcome measures. Sample "measure": a measure an organiser proposed for 2027.
PROTECTED.update(
    {
        "reports.outcomes": (_CO, "GET", {"year": 2027}),
        "reports.propose_from_bank": (_CO, "POST", {"year": 2027}),
        "reports.agree_measure": (_CO, "POST", {"measure_id": "measure"}),
        "reports.withdraw_agreement": (_CO, "POST", {"measure_id": "measure"}),
    }
)
REPORTS_OUTCOMES_END = "outcomes"

# reports: feedback after events. None for reports.feedback_form and reports.feedback_thanks:
# public (@public), the link's token is the permission (tests/reports/test_feedback_pages.py).
PROTECTED.update(
    {
        "reports.enter_feedback": (_O, "GET", {"event_id": "event"}),
        "reports.event_feedback": (_CO, "GET", {"event_id": "event"}),
    }
)
REPORTS_FEEDBACK_END = "feedback"

# reports: the impact report. None for reports.impact_public, reports.impact_csv and
# reports.you_said_feed: public, aggregate figures and published entries only
# (tests/reports/test_impact_pages.py). "event" is one still to come: the access page says
# marking waits for the end. Sample "you_said_entry": a draft entry for 2027.
PROTECTED.update(
    {
        "reports.impact_report": (_CO, "GET", {"year": 2027}),
        "reports.access_met_page": (_O, "GET", {"event_id": "event"}),
        "reports.you_said_we_did": (_O, "GET", {"year": 2027}),
        "reports.publish_you_said": (_O, "POST", {"entry_id": "you_said_entry"}),
    }
)
REPORTS_IMPACT_END = "impact"

# reports: who takes part (the stage comparison). reports.who_takes_part (/<year>/who-takes-part)
# is public (@public): it shows the same suppressed numbers as the organisers' page
# (tests/reports/test_stages_pages.py).
PROTECTED.update(
    {
        "reports.who_takes_part_manage": (_CO, "GET", {"year": 2027}),
        "reports.population_figures": (_O, "GET", {}),
    }
)
REPORTS_STAGES_END = "stages"


def _view_access(app, endpoint):
    return getattr(app.view_functions[endpoint], "access", None)


def test_every_view_declares_who_may_use_it(app):
    undeclared = [
        endpoint
        for endpoint in app.view_functions
        if endpoint != "static" and _view_access(app, endpoint) is None
    ]
    assert undeclared == [], "views without @public or @requires: " + ", ".join(undeclared)


def test_the_matrix_covers_every_protected_view(app):
    protected = {
        endpoint
        for endpoint in app.view_functions
        if endpoint != "static" and _view_access(app, endpoint) not in (None, "public")
    }
    assert protected == set(PROTECTED)
    for endpoint, (roles, _, _) in PROTECTED.items():
        assert set(_view_access(app, endpoint)) == roles, endpoint


LEDGER_SAMPLES = {"own_entry", "receipt", "rate", "run", "hosted_event", "contributor"}
CALL_SAMPLES = {"own_proposal", "others_proposal", "invitation", "release", "criterion"}
EVIDENCE_SAMPLES = {"collection", "item", "draft_item", "suggestion", "import_batch"}
RESOURCE_SAMPLES = {"resource", "resource_format", "resource_file"}
_hubs = count(1)  # collection slugs and activity names are unique
_activities = count(1)


CREDIT_SAMPLES = {"credited_resource", "resource_credit"}


ALL_SAMPLES = {2027, "event", "registration", "outbox_message"}
ALL_SAMPLES |= LEDGER_SAMPLES | CALL_SAMPLES | EVIDENCE_SAMPLES | CREDIT_SAMPLES
ALL_SAMPLES |= RESOURCE_SAMPLES
ALL_SAMPLES |= {"measure"}
ALL_SAMPLES |= {"you_said_entry"}


def _samples(user, needed: set) -> dict:
    """The records `needed` names, for `user` ('self'): 'event' an event of 2027."""
    from cpweek.programme import services
    from cpweek.programme.services import get_edition

    samples: dict = {"self": user.id}
    if needed & {2027, "event", "registration"} or needed & CALL_SAMPLES:
        edition = get_edition(2027) or make_edition(2027)
    if needed & {"event", "registration"}:
        event = make_event(edition)
        samples["event"] = event.id
    if "registration" in needed:
        applicant = services.Applicant(name="Sample", email=f"sample{event.id}@example.org")
        samples["registration"] = services.register(event, applicant).id
    if "outbox_message" in needed:
        samples["outbox_message"] = _failed_message().id
    if needed & LEDGER_SAMPLES:
        samples.update(_ledger_samples(user))
    if needed & CALL_SAMPLES:
        samples.update(_call_samples(user, edition, needed))
    if needed & EVIDENCE_SAMPLES:
        samples.update(_evidence_samples(user))
    if needed & CREDIT_SAMPLES:
        samples.update(_credit_samples())
    if needed & RESOURCE_SAMPLES:
        samples.update(_resource_samples())
    if "measure" in needed:
        samples["measure"] = _measure_sample()
    if "you_said_entry" in needed:
        samples["you_said_entry"] = _you_said_sample()
    return samples


def _measure_sample() -> int:
    """A measure proposed for 2027 by an organiser who never signs in (open for agreement)."""
    from cpweek.programme.services import get_edition
    from cpweek.reports.services import outcomes

    organiser = make_user(roles=(Role.ORGANISER,), password=None)
    edition = get_edition(2027) or make_edition(2027)
    details = outcomes.MeasureInput(
        "How was it?", "everyone", ("Awful", "Poor", "OK", "Good", "Great")
    )
    measure = outcomes.propose_own(edition, details, organiser)
    db.session.commit()
    return measure.id


def _you_said_sample() -> int:
    """A draft "you said, we did" entry for 2027, by an organiser who never signs in."""
    from cpweek.programme.services import get_edition
    from cpweek.reports.services import you_said

    organiser = make_user(roles=(Role.ORGANISER,), password=None)
    edition = get_edition(2027) or make_edition(2027)
    entry = you_said.add_entry(edition, "It was hard to find", "We added signs", False, organiser)
    db.session.commit()
    return entry.id


def _url(app, endpoint, values, samples) -> str:
    from flask import url_for

    with app.test_request_context():
        return url_for(
            endpoint, **{key: samples.get(value, value) for key, value in values.items()}
        )


@pytest.fixture(scope="module")
def world(app):
    """Built once for the matrix: a person per role (and one for the anonymous cases), each
    with every record a route names. Reading cases share it, as the cleaner between tests
    removes only the rows a case adds (tests/conftest.py `keep_rows`); a case that posts gets
    records of its own, as a post may change what it names."""
    with app.app_context():
        people = {
            role: make_user(email=f"{role.value}@example.org", roles=(role,)) for role in ROLES
        }
        people[None] = make_user(password=None)  # never signs in
        built = {role: {"email": p.email, **_samples(p, ALL_SAMPLES)} for role, p in people.items()}
        keep_rows()
    yield built
    with app.app_context():
        release_rows()


def _evidence_samples(user) -> dict:
    """A collection with an included item, a draft item, a pending suggestion and a checked
    import batch."""
    from cpweek.evidence.models import ImportBatch, Suggestion
    from tests.evidence.factories import make_collection, make_item

    collection = make_collection(slug=f"hub-{next(_hubs)}")
    item = make_item(collection, "Included", terms={"topic": ["unpaid-carers"]})
    draft = make_item(collection, "Draft", status="draft")
    suggestion = Suggestion(collection_id=collection.id, kind="gap", text="A gap")
    batch = ImportBatch(collection_id=collection.id, filename="x.csv", format="csv", data=b"")

    db.session.add_all([suggestion, batch])
    db.session.flush()
    return {
        "collection": collection.slug,
        "item": item.id,
        "draft_item": draft.id,
        "suggestion": suggestion.id,
        "import_batch": batch.id,
    }


def _credit_samples() -> dict:
    """A draft resource with one credit (someone without an account, with consent noted)."""
    from cpweek.resources.models import Credit, Resource

    resource = Resource(slug=f"credited-{next(_hubs)}", title="Toolkit", kind="guide")
    db.session.add(resource)
    db.session.flush()
    credit = Credit(resource_id=resource.id, role="speaker", name="Jo", consent_note="By phone")
    db.session.add(credit)
    db.session.commit()
    return {"credited_resource": resource.id, "resource_credit": credit.id}


def _resource_samples() -> dict:
    """A draft resource with a link format and a stored file."""
    from tests.resources.factories import make_link_format, make_resource
    from tests.resources.public_factories import PDF, add_file

    resource = make_resource()
    link = make_link_format(resource)
    stored = add_file(resource, PDF, "draft.pdf")
    db.session.commit()
    return {"resource": resource.id, "resource_format": link.id, "resource_file": stored.id}


def _failed_message():
    from cpweek.mail import queue_mail

    message = queue_mail("someone@example.org", "Undelivered", "Words")
    message.status = "failed"
    db.session.flush()
    return message


def _ledger_samples(user) -> dict:
    """Ledger records written straight to the tables (the services would refuse a person
    without the contributor role): the signed-in person's own expense entry and receipt."""
    from datetime import date

    from cpweek.programme.models import EventHost
    from cpweek.reciprocity.models import (
        Activity,
        ExpenseClaim,
        LedgerEntry,
        PaymentRun,
        Rate,
        Receipt,
    )

    claim = ExpenseClaim(
        contributor_id=user.id,
        category="travel",
        spent_on=date(2026, 6, 1),
        pence=500,
        description="Bus",
    )
    db.session.add(claim)
    db.session.flush()
    entry = LedgerEntry(
        contributor_id=user.id,
        kind="expense",
        amount=500,
        occurred_on=date(2026, 6, 1),
        description="Bus",
        expense_id=claim.id,
    )
    receipt = Receipt(
        expense_id=claim.id,
        filename="r.pdf",
        content_type="application/pdf",
        size=5,
        sha256="0" * 64,
        data=b"%PDF-",
    )
    activity = Activity(name=f"Sample {next(_activities)}")
    db.session.add_all([entry, receipt, activity])
    db.session.flush()
    rate = Rate(
        activity_id=activity.id,
        unit="hour",
        pence=100,
        starts_on=date(2024, 4, 6),
        source="s",
        is_example=True,
    )
    run = PaymentRun(paid_on=date(2026, 7, 1), method="cash", reference="R")
    from cpweek.programme.services import get_edition

    past = make_event(get_edition(2020) or make_edition(2020))  # hosted, and over
    host = EventHost(event_id=past.id, name=user.name, person_id=user.id)
    contributor = make_user(roles=(Role.CONTRIBUTOR,), password=None)  # never signs in
    db.session.add_all([rate, run, host])
    db.session.commit()
    return {
        "own_entry": entry.id,
        "receipt": receipt.id,
        "rate": rate.id,
        "run": run.id,
        "hosted_event": past.id,
        "contributor": contributor.id,
    }


def _call_samples(user, edition, needed: set) -> dict:
    """An open 2027 call and, for the routes that name them: the signed-in person's proposal
    (with an invitation to someone), someone else's proposal with a decision proposed, a
    release waiting for sign-off and a criterion."""
    import hashlib

    from cpweek.coproduction import services as coproduction
    from cpweek.coproduction.models import CoProposer, Release
    from tests.coproduction.conftest import open_call

    organiser = make_user(roles=(Role.ORGANISER,), password=None)  # never signs in
    call = coproduction.get_call(edition) or open_call(edition, organiser)
    details = coproduction.ProposalDetails("Mine", "Summary", "webinar", "online", 60, "Led by")
    samples: dict = {}
    if needed & {"own_proposal", "invitation"}:
        own = coproduction.submit_proposal(call, user, details)
        token = f"sample-token-{own.id}"
        db.session.add(
            CoProposer(
                proposal_id=own.id,
                name="Bo",
                email=f"bo{own.id}@example.org",
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
            )
        )
        samples.update(own_proposal=own.id, invitation=token)
    if "others_proposal" in needed:
        others = coproduction.submit_proposal(call, make_user(password=None), details)
        coproduction.propose_decision(others, "hold", "Wait", organiser)
        samples["others_proposal"] = others.id
    if "release" in needed:
        release = Release(edition_id=edition.id, status="pending", changes=[])
        db.session.add(release)
        db.session.flush()
        samples["release"] = release.id
    if "criterion" in needed:
        criteria = coproduction.criteria_of(call)
        criterion = criteria[0] if criteria else None
        samples["criterion"] = (
            criterion or coproduction.add_criterion(call, "Sample", "", 1, organiser)
        ).id
    db.session.commit()
    return samples


# --- ownership: someone else's record is a 404 ----------------------------------------------


@pytest.fixture
def probe(app, base_config):
    """A second app with a tiny 'my record' page that uses the real ownership mechanism."""
    from cpweek import create_app
    from tests.conftest import Browser

    probe_app = create_app(base_config)
    blueprint = Blueprint("ownership_probe", __name__)

    @blueprint.route("/_probe/records/<int:owner_id>")
    @requires(Role.ATTENDEE)
    def record(owner_id: int):
        owned_or_404(object(), owner_id, staff=(Role.ORGANISER,))
        return "yours"

    probe_app.register_blueprint(blueprint)
    probe_app.test_client_class = app.test_client_class
    return Browser(probe_app.test_client())


def test_own_record_is_shown_and_someone_elses_is_404(probe):
    browser = probe
    me = make_user(email="me@example.org")
    other = make_user(email="other@example.org")
    browser.sign_in(me.email)
    assert browser.get(f"/_probe/records/{me.id}").get_data(as_text=True) == "yours"
    response = browser.get(f"/_probe/records/{other.id}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_staff_role_may_see_other_peoples_records(probe):
    browser = probe
    organiser = make_user(roles=(Role.ORGANISER,))
    other = make_user()
    browser.sign_in(organiser.email)
    assert browser.get(f"/_probe/records/{other.id}").status_code == 200


def test_public_pages_are_public(client):
    make_edition(2027)
    for url in ("/", "/editions", "/2027/", "/sign-in", "/sign-up", "/password-reset"):
        assert client.get(url).status_code == 200, url


def test_requires_needs_a_role():
    with pytest.raises(ValueError):
        requires()


# --- the matrix: last in the module, as its world stays until the module ends ---------------


@pytest.mark.parametrize("endpoint", sorted(PROTECTED))
def test_anonymous_people_are_sent_to_sign_in(app, client, world, endpoint):
    _, method, values = PROTECTED[endpoint]
    url = _url(app, endpoint, values, world[None])
    # CSRF is checked before the view; the sign-out form is the only protected POST here.
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        response = client.open(url, method=method)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("endpoint", sorted(PROTECTED))
def test_each_role_gets_the_page_or_403(app, browser, world, endpoint, role):
    allowed, method, values = PROTECTED[endpoint]
    samples = world[role]
    browser.sign_in(samples["email"])
    if method == "POST":
        user = db.session.scalar(select(User).where(User.email == samples["email"]))
        samples = {**samples, **_samples(user, set(values.values()))}
    url = _url(app, endpoint, values, samples)
    response = browser.submit(url, {}, form_url="/") if method == "POST" else browser.get(url)
    if role in allowed or Role.ATTENDEE in allowed:
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 302:
            assert "/sign-in" not in response.headers["Location"]
    else:
        assert response.status_code == 403
        assert "You do not have permission" in response.get_data(as_text=True)
