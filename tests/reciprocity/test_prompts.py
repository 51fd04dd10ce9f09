"""What other domains offer a contributor to log (review panels here): each prompt has a key,
the entry logged from it keeps the key, and a prompt is logged by that key, never by the
entry's words."""

from __future__ import annotations

import re

import pytest

from cpweek.auth.models import Role
from cpweek.coproduction import services as coproduction
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.reciprocity.models import Involvement
from tests.boxes import date_boxes
from tests.coproduction.conftest import open_call
from tests.factories import make_edition, make_user
from tests.reciprocity.conftest import RATE_START


@pytest.fixture
def reviewer(books):
    """A contributor who reviewed two proposals of the 2026 call and one of the 2027 call."""
    person = make_user(email="rev@example.org", roles=(Role.CO_PRODUCER, Role.CONTRIBUTOR))
    activity = ledger.add_activity("Reviewing proposals", books.organiser)
    ledger.add_rate(
        ledger.RateDetails(activity.id, "hour", 2000, RATE_START, "NIHR example"), books.organiser
    )
    for year, titles in ((2026, ("One", "Two")), (2027, ("Three",))):
        call = open_call(make_edition(year), books.organiser)
        criterion = coproduction.add_criterion(call, "Co-produced", "", 1, books.organiser)
        for title in titles:
            proposer = make_user(email=f"{title.lower()}@example.org")
            details = coproduction.ProposalDetails(
                title=title,
                summary="A workshop.",
                kind="workshop",
                format="online",
                length_minutes=60,
                lived_experience_involvement="Led by carers.",
            )
            proposal = coproduction.submit_proposal(call, proposer, details)
            coproduction.submit_review(proposal, person, {criterion.id: 4}, "Good.")
    db.session.commit()
    return person


def _log(person, prompt, **changes):
    details = ledger.prefill_prompt(person, prompt)
    for name, value in changes.items():
        setattr(details, name, value)
    return ledger.log_involvement(person, details, person)


def test_each_call_is_prompted_separately(reviewer):
    prompts = ledger.reviewing_prompts(reviewer)
    assert [(p.year, p.reviews) for p in prompts] == [(2026, 2), (2027, 1)]
    assert len({p.key for p in prompts}) == 2
    _log(reviewer, prompts[0])
    [left] = ledger.reviewing_prompts(reviewer)
    assert left.year == 2027


def test_rewording_a_logged_entry_does_not_bring_its_prompt_back(reviewer):
    first, _ = ledger.reviewing_prompts(reviewer)
    involvement = _log(reviewer, first, related_to="Panel day in the spring")
    assert involvement.prompt_key == first.key
    assert [p.year for p in ledger.reviewing_prompts(reviewer)] == [2027]


def test_the_same_words_typed_by_hand_log_nothing_for_the_prompt(reviewer):
    _, second = ledger.reviewing_prompts(reviewer)
    typed = ledger.prefill_prompt(reviewer, second)
    typed.prompt_key = ""
    ledger.log_involvement(reviewer, typed, reviewer)
    assert [p.year for p in ledger.reviewing_prompts(reviewer)] == [2026, 2027]


def test_a_withdrawn_entry_offers_its_prompt_again(reviewer):
    first, _ = ledger.reviewing_prompts(reviewer)
    involvement = _log(reviewer, first)
    ledger.withdraw(ledger.entry_for_involvement(involvement.id), reviewer)
    assert [p.year for p in ledger.reviewing_prompts(reviewer)] == [2026, 2027]


def test_a_key_the_person_was_not_offered_is_not_kept(reviewer, books):
    first, _ = ledger.reviewing_prompts(reviewer)
    involvement = _log(reviewer, first, prompt_key="call:424242")
    assert involvement.prompt_key == ""
    # Someone else's prompt is not theirs to log either.
    other = books.log(choice="decline", prompt_key=first.key)
    assert other is None
    kept = db.session.scalar(
        db.select(Involvement.prompt_key).where(Involvement.contributor_id == books.contributor.id)
    )
    assert kept == ""


def test_the_prefilled_form_carries_the_key_to_the_entry(browser, reviewer):
    browser.sign_in(reviewer.email)
    first, _ = ledger.reviewing_prompts(reviewer)
    page = browser.get("/involvement/log?reviewing=2026").get_data(as_text=True)
    shown = re.search(r'name="prompt_key" type="hidden" value="([^"]*)"', page)
    assert shown and shown.group(1) == first.key
    activity = re.search(r'<option selected value="(\d+)">Reviewing proposals', page)
    logged = browser.submit(
        "/involvement/log",
        {
            "activity_id": activity.group(1),
            **date_boxes("activity_on", "12", "5", "2026"),
            "hours": "1",
            "event_id": "",
            "related_to": "Reworded",
            "choice": "decline",
            "prompt_key": first.key,
            "submit": "Log this activity",
        },
        form_url="/involvement/log?reviewing=2026",
    )
    assert logged.status_code == 302
    assert [p.year for p in ledger.reviewing_prompts(reviewer)] == [2027]
    assert browser.get("/involvement/log?reviewing=2026").status_code == 404


def test_the_migration_keys_entries_logged_from_prompts_before_it(base_config, tmp_path):
    """0016 reads today's words: "... for the 2027 call" is that call's, "Evidence suggestion
    #N to the ..." that suggestion's (if it exists); anything else stays unkeyed."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from cpweek import create_app

    config = {**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}"}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    app = create_app(config)
    rows = [
        "INSERT INTO users (id, email, name, login_version, created_at) "
        "VALUES (1, 'rev@example.org', 'Rev', 0, :at)",
        "INSERT INTO editions (id, year, theme, summary, starts_on, ends_on, timezone, status, "
        "created_at) VALUES (7, 2027, 'T', '', '2027-07-01', '2027-07-07', 'Europe/London', "
        "'draft', :at)",
        "INSERT INTO calls (id, edition_id, guidance, opens_at, closes_at, reviewing_starts_on, "
        "reviewing_ends_on, deciding_starts_on, deciding_ends_on, shared_decisions, created_at) "
        "VALUES (3, 7, '', :at, '2026-02-01 00:00:00', '2026-02-01', '2026-03-01', "
        "'2026-03-01', '2026-04-01', 1, :at)",
        "INSERT INTO activities (id, name, for_hosting) VALUES (1, 'Reviewing proposals', 0)",
    ]
    involvement = (
        "INSERT INTO involvements (id, contributor_id, activity_id, activity_on, minutes, units, "
        "rate_pence, rate_unit, offered_pence, choice, charity, related_to, note, logged_at) "
        "VALUES (:id, 1, 1, '2026-05-01', 60, 1, 0, '', 0, 'decline', '', :words, '', :at)"
    )
    words = [
        "Reviewing 2 proposals for the 2027 call",
        "Reviewing 1 proposals for the 2031 call",  # no call that year
        "Evidence suggestion #99 to the Care Equity Evidence Hub",  # no such suggestion
        "A meeting",
    ]
    at = "2026-01-01 00:00:00"
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as connection:
            for row in rows:
                connection.execute(text(row), {"at": at})
            for number, related_to in enumerate(words, start=1):
                connection.execute(text(involvement), {"id": number, "words": related_to, "at": at})
        upgrade(revision="0016")
        with db.engine.connect() as connection:
            keys = connection.execute(text("SELECT prompt_key FROM involvements ORDER BY id"))
            assert list(keys.scalars()) == ["call:3", "", "", ""]
        db.engine.dispose()
