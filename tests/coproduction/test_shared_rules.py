"""Rules written once and used by several rooms: overridden conflicts known by their kind and
the events in them (not their words), the shared-decision rule (`cpweek.perspectives`), and the
signal a decision that stands sends."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from cpweek import signals
from cpweek.coproduction import schedule
from cpweek.coproduction import services as coproduction
from cpweek.coproduction.models import ProposalStatus, Release
from cpweek.extensions import db
from cpweek.perspectives import CO_PRODUCER, ORGANISER, standing
from cpweek.programme.models import EventHost
from tests.coproduction.test_schedule import uk, week  # noqa: F401 (week is a fixture)
from tests.factories import make_edition, make_event

# --- overridden conflicts -------------------------------------------------------------------


def _two_sessions_at_once(panel, edition, morning, afternoon):
    """The afternoon moved onto the morning, in the same stream, with the same host: a host
    and a room conflict, released anyway with a reason."""
    for event in (morning, afternoon):
        db.session.add(EventHost(event_id=event.id, name="Asha", person_id=panel.proposer.id))
    db.session.commit()
    schedule.place(
        afternoon, uk(2027, 6, 29, 10, 30), uk(2027, 6, 29, 11, 30), "Stream A", panel.organiser
    )
    release = schedule.prepare_release(edition, panel.organiser, "One host, two rooms")
    keys = [{"kind": "host", "event_ids": sorted((morning.id, afternoon.id))}]
    assert release.overridden_keys == [*keys, {**keys[0], "kind": "room"}]
    return release


def test_retitling_an_event_keeps_its_overridden_conflict(panel, week):  # noqa: F811
    edition, morning, afternoon = week
    release = _two_sessions_at_once(panel, edition, morning, afternoon)
    morning.title = "Morning webinar: carers"  # the words of both conflicts change
    db.session.commit()
    assert schedule.sign_off(release, panel.organiser) is False
    assert schedule.sign_off(release, panel.co_producer) is True
    assert release.status == "published"


def test_a_new_conflict_of_the_same_kind_between_other_events_is_not_overridden(
    panel,
    week,  # noqa: F811
):
    edition, morning, afternoon = week
    release = _two_sessions_at_once(panel, edition, morning, afternoon)
    # A third session in the same stream at the same time, published outside the draft.
    make_event(edition, datetime(2027, 6, 29, 10), datetime(2027, 6, 29, 11), track="Stream A")
    with pytest.raises(schedule.ReleaseOutdated) as error:
        schedule.sign_off(release, panel.co_producer)
    assert "A conflict appeared" in error.value.message and "Stream A" in error.value.message
    assert release.status == "outdated"


def test_a_conflicts_key_is_its_kind_and_sorted_event_ids():
    conflict = schedule.Conflict("room", "words that may change", (9, 4))
    assert conflict.key == {"kind": "room", "event_ids": [4, 9]}


def _migration():
    path = Path(__file__).parents[2] / "migrations/versions/0017_conflict_override_keys.py"
    spec = importlib.util.spec_from_file_location("overrides_0017", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "message, key",
    [
        (
            "Asha hosts “Morning” and “Afternoon”, which overlap (Tuesday 29 June 2027 10:30).",
            {"kind": "host", "event_ids": [1, 2]},
        ),
        (
            "“Afternoon” and “Morning” are both in Stream A at once (Tuesday 29 June 2027).",
            {"kind": "room", "event_ids": [1, 2]},
        ),
        (
            "“Morning” (Monday 5 July 2027 10:00) is outside the week (28 June to 2 July).",
            {"kind": "outside", "event_ids": [1]},
        ),
        (
            "“Workshop” (Wednesday 10:00) is outside its conference “Conference” (Thursday).",
            {"kind": "parent", "event_ids": [3, 4]},
        ),
        (
            "“Workshop” runs into the conference's lunch (12:30 to 13:15).",
            {"kind": "break", "event_ids": [3]},
        ),
        ("“Renamed since” and “Morning” are both in Stream A at once (Tuesday).", None),
    ],
)
def test_existing_overrides_are_given_the_keys_their_words_name(message, key):
    ids = {"Morning": 1, "Afternoon": 2, "Workshop": 3, "Conference": 4}
    assert _migration()._key(message, ids) == key


def test_upgrading_gives_existing_overrides_the_keys_their_words_name(base_config, tmp_path):
    from flask_migrate import downgrade, upgrade

    from cpweek import create_app

    config = {**base_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite'}"}
    config.pop("SQLALCHEMY_ENGINE_OPTIONS", None)
    with create_app(config).app_context():
        upgrade()
        edition = make_edition(2027)
        ids = sorted(make_event(edition, title=title).id for title in ("Morning", "Afternoon"))
        words = [
            "“Afternoon” and “Morning” are both in Stream A at once (Tuesday 29 June 2027).",
            "“Since renamed” (Monday 5 July 2027) is outside the week (28 June to 2 July).",
        ]
        db.session.add(Release(edition_id=edition.id, conflicts_overridden=words))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0015")  # as it was before: the words only
        upgrade()
        assert db.session.scalar(select(Release.overridden_keys)) == [
            {"kind": "room", "event_ids": ids}
        ]
        db.session.remove()
        db.engine.dispose()


# --- both perspectives agreed ---------------------------------------------------------------


def test_a_shared_decision_stands_once_both_perspectives_agreed():
    assert standing([]).needed == ("a co-producer", "an organiser")
    assert standing([ORGANISER, ORGANISER]).needed == ("a co-producer",)
    assert not standing([CO_PRODUCER]).stands
    assert (
        standing([ORGANISER, CO_PRODUCER]).stands
        and standing([CO_PRODUCER, ORGANISER]).needed == ()
    )


# --- decision_stood -------------------------------------------------------------------------


def test_a_decision_that_stands_is_announced_once(panel):
    heard = []

    def receiver(proposal, outcome):
        heard.append((proposal.id, outcome))

    proposal = panel.propose()
    with signals.decision_stood.connected_to(receiver):
        decision = coproduction.propose_decision(proposal, "accept", "Strong", panel.organiser)
        assert heard == []  # an organiser alone: it does not stand yet
        assert coproduction.agree(decision, panel.co_producer) is True
    assert heard == [(proposal.id, ProposalStatus.ACCEPTED)]
