"""The demo's impact data (issue 14, point 8): outcome measures, feedback and equality answers
for 2025 and 2026, large enough that the reports show real numbers, and that a published
equality table shows some cells and hides others (threshold 10, rounding to 5).

- **Outcome measures**: four from the bank per edition, proposed by the demo organiser and
  agreed by the demo co-producer through `reports.services.outcomes`, so both perspectives
  agree, as the rule asks, and every step is audited.
- **Feedback**: a few hundred responses over the edition's events that have ended, with answers
  to each adopted measure on its worded scale (some skipped), the overall question, some free
  text (`impact_texts.py`, illustrative), and some entered "by phone" or "on paper". The rows
  are written directly: the services take a response through a single-use link sent to one
  registration (`submit`) or from a signed-in organiser's form (`enter_answers`), and the
  demo's hundreds of attendees are not registrations in the database. Every rule the services
  keep is kept: a response names the event and edition only, never a person (anonymity); one
  response stands for one person's one use of a link; answers only to the edition's adopted
  measures, one per measure, on the scale; at least one answer; the day (UK) falls within the
  form's open days after the event; phone and paper answers only for ended events, audited
  with the organiser as the one who typed them in (as `enter_answers` does).
- **Equality answers**: `EqualityResponse` rows (no invitations: they are used up by
  answering) at each stage, each with the month only and no key to anyone. The ethnic group
  answers at registration follow fixed counts per edition (White British and Asian Indian
  above the threshold; Gypsy or Irish Traveller, Roma and Arab in single digits; "Prefer not
  to say" and skipped too); the other questions are drawn from a `random.Random` seeded per
  edition and stage, so every run gives the same data. Answers pass `clean_answers`, so the
  follow-up disability question is kept only after a "yes".

Idempotent: a measure is matched by its bank key in the edition; an edition that has any
feedback response (or any equality answer) gets none added. Bulk inserts keep it fast.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from flask import current_app
from sqlalchemy import Table, insert, select

from cpweek import audit
from cpweek.auth.models import User
from cpweek.demo.impact_texts import COULD_BE_BETTER, WHAT_WORKED
from cpweek.extensions import Model, db
from cpweek.programme.models import Edition, Event, EventStatus
from cpweek.reports.feedback_models import (
    SCALE_SIZE,
    FeedbackAnswer,
    FeedbackResponse,
    FeedbackSource,
    MeasureAgreement,
    MeasureStatus,
    OutcomeMeasure,
)
from cpweek.reports.models import EqualityResponse, Stage
from cpweek.reports.questions import PREFER_NOT, QUESTIONS
from cpweek.reports.services import outcomes
from cpweek.reports.services.monitoring import clean_answers
from cpweek.timezones import local_date, utcnow

ORGANISER_EMAIL = "organiser@example.org"
CO_PRODUCER_EMAIL = "coproducer@example.org"

MEASURES: dict[int, tuple[str, ...]] = {
    2025: ("confidence", "empowerment", "motivation", "practice_and_design"),
    2026: ("confidence", "trust_in_services", "awareness_of_services", "practice"),
}

# How many people answered each event's feedback (events that have not ended get none).
RESPONSES: dict[int, dict[str, int]] = {
    2025: {
        "innovation-conference-2025": 90,
        "arf-unpaid-carers-2025": 22,
        "commissioning-innovation-2025": 18,
        "lived-experience-roles-2025": 24,
        "edi-in-coproduction-2025": 20,
        "impact-tools-local-authority-2025": 14,
        "digital-innovation-2025": 16,
        "coproduction-q-and-a-2025": 35,
        "lincolnshire-carers-webinar-2025": 48,
        "embracing-change-report-launch-2025": 26,
    },
    2026: {
        "evidence-hub-launch-2026": 55,
        "care-equity-conference-2026": 70,
        "ethnicity-and-care-2026": 20,
        "rural-carers-2026": 16,
        "gap-map-2026": 12,
        "digital-access-webinar-2026": 38,
    },
}

# Mostly kind, with a spread: from the worst option to the best.
OPTION_WEIGHTS = (3, 6, 24, 40, 27)
SOURCE_WEIGHTS = ((FeedbackSource.ONLINE, 84), (FeedbackSource.PHONE, 9), (FeedbackSource.PAPER, 7))

# Registration answers to the ethnic group question, per edition: exact counts, so the published
# table has cells above the threshold and cells in single digits. None: skipped.
REGISTRATION_ETHNIC: dict[int, dict[str | None, int]] = {
    2025: {
        "white_british": 160,
        "white_irish": 9,
        "white_gypsy_irish_traveller": 3,
        "white_roma": 2,
        "white_other": 16,
        "asian_indian": 18,
        "asian_pakistani": 13,
        "asian_bangladeshi": 6,
        "asian_chinese": 4,
        "asian_other": 5,
        "black_african": 12,
        "black_caribbean": 11,
        "black_other": 3,
        "mixed_white_asian": 3,
        "mixed_white_black_caribbean": 4,
        "mixed_white_black_african": 2,
        "mixed_other": 2,
        "other_arab": 4,
        "other_any": 2,
        PREFER_NOT: 9,
        None: 13,
    },
    2026: {
        "white_british": 148,
        "white_irish": 8,
        "white_gypsy_irish_traveller": 4,
        "white_roma": 3,
        "white_other": 17,
        "asian_indian": 21,
        "asian_pakistani": 16,
        "asian_bangladeshi": 9,
        "asian_chinese": 5,
        "asian_other": 6,
        "black_african": 15,
        "black_caribbean": 13,
        "black_other": 4,
        "mixed_white_asian": 4,
        "mixed_white_black_caribbean": 5,
        "mixed_white_black_african": 3,
        "mixed_other": 2,
        "other_arab": 5,
        "other_any": 3,
        PREFER_NOT: 8,
        None: 11,
    },
}

# Other stages are smaller: their answers are drawn from the registration mix.
STAGE_SIZES = {Stage.PROPOSAL: 60, Stage.CONTRIBUTOR: 35}
# The months (of the edition's year) answers were given in, per stage.
STAGE_MONTHS = {Stage.REGISTRATION: (4, 5, 6), Stage.PROPOSAL: (1, 2, 3), Stage.CONTRIBUTOR: (5, 6)}

# The other questions: each option's weight, by code; None is "skipped".
ANSWER_WEIGHTS: dict[str, dict[str | None, int]] = {
    "long_condition": {"yes": 38, "no": 50, PREFER_NOT: 5, None: 7},
    "condition_reduces": {"a_lot": 14, "a_little": 16, "not_at_all": 5, PREFER_NOT: 2, None: 3},
    "sex": {"female": 66, "male": 27, PREFER_NOT: 3, None: 4},
    "gender_same": {"yes": 86, "no": 3, PREFER_NOT: 5, None: 6},
    "age_band": {
        "16_24": 5,
        "25_34": 14,
        "35_44": 20,
        "45_54": 24,
        "55_64": 21,
        "65_74": 9,
        "75_over": 3,
        PREFER_NOT: 2,
        None: 2,
    },
    "sexual_orientation": {
        "straight": 76,
        "gay_lesbian": 5,
        "bisexual": 4,
        "other": 1,
        PREFER_NOT: 8,
        None: 6,
    },
    "unpaid_care": {
        "no": 52,
        "up_to_9": 12,
        "10_19": 7,
        "20_34": 6,
        "35_49": 5,
        "50_more": 10,
        PREFER_NOT: 3,
        None: 5,
    },
    "draws_on_care": {"yes": 27, "no": 63, PREFER_NOT: 4, None: 6},
    "region": {
        "north_east": 5,
        "north_west": 13,
        "yorkshire_humber": 10,
        "east_midlands": 9,
        "west_midlands": 10,
        "east": 8,
        "london": 17,
        "south_east": 13,
        "south_west": 9,
        "outside_england": 2,
        PREFER_NOT: 2,
        None: 2,
    },
}


@dataclass
class ImpactResult:
    measures: int = 0
    feedback_responses: int = 0
    equality_answers: int = 0


def add_impact() -> ImpactResult:
    """Whatever of the 2025 and 2026 measures, feedback and equality answers is missing."""
    result = ImpactResult()
    organiser = db.session.scalar(select(User).where(User.email == ORGANISER_EMAIL))
    co_producer = db.session.scalar(select(User).where(User.email == CO_PRODUCER_EMAIL))
    if organiser is None or co_producer is None:
        return result
    editions = {
        edition.year: edition
        for edition in db.session.scalars(select(Edition).where(Edition.year.in_(MEASURES)))
    }
    for _, edition in sorted(editions.items()):
        result.measures += _adopt_measures(edition, organiser, co_producer)
        result.feedback_responses += _add_feedback(edition, organiser)
        result.equality_answers += _add_equality(edition)
    return result


def _adopt_measures(edition: Edition, organiser: User, co_producer: User) -> int:
    """The edition's bank measures, proposed by the organiser and agreed by the co-producer."""
    adopted = 0
    for key in MEASURES[edition.year]:
        measure = db.session.scalar(
            select(OutcomeMeasure).where(
                OutcomeMeasure.edition_id == edition.id, OutcomeMeasure.bank_key == key
            )
        )
        if measure is not None and measure.status == MeasureStatus.ADOPTED.value:
            continue
        if measure is None or measure.status == MeasureStatus.WITHDRAWN.value:
            measure = outcomes.propose_from_bank(edition, key, organiser)
        # Proposed by someone (perhaps on the page): whoever has not agreed yet agrees.
        for person in (organiser, co_producer):
            if not measure.is_adopted and not _has_agreed(measure, person):
                outcomes.agree(measure, person)
        adopted += measure.is_adopted
    return adopted


def _table(model: type[Model]) -> Table:
    """A model's table, for Core's executemany (no ORM bookkeeping per row)."""
    return cast(Table, model.__table__)


def _has_agreed(measure: OutcomeMeasure, person: User) -> bool:
    return (
        db.session.scalar(
            select(MeasureAgreement.id).where(
                MeasureAgreement.measure_id == measure.id, MeasureAgreement.user_id == person.id
            )
        )
        is not None
    )


def _weighted(rng: random.Random, weights: dict) -> str | None:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _add_feedback(edition: Edition, organiser: User) -> int:
    if db.session.scalar(
        select(FeedbackResponse.id).where(FeedbackResponse.edition_id == edition.id).limit(1)
    ):
        return 0
    measures = outcomes.adopted_measures(edition.id)
    now = utcnow()
    events = {
        event.slug: event
        for event in db.session.scalars(
            select(Event).where(
                Event.edition_id == edition.id,
                Event.status == EventStatus.PUBLISHED.value,
                Event.ends_at <= now,  # feedback comes after an event, never before
            )
        )
    }
    zone = current_app.config["CPWEEK_TIMEZONE"]
    open_days = int(current_app.config["FEEDBACK_OPEN_DAYS"])
    today = local_date(now, zone)
    responses: list[tuple[FeedbackResponse, dict[int, int]]] = []
    for slug, how_many in RESPONSES[edition.year].items():
        event = events.get(slug)
        if event is None:
            continue
        rng = random.Random(f"feedback {slug}")  # noqa: S311 - made-up demo data
        ended_on = local_date(event.ends_at, zone)
        # The form takes answers from the day after the event for open_days days.
        last = min(ended_on + timedelta(days=open_days), today)
        span = max((last - ended_on).days, 1)
        for _ in range(how_many):
            responses.append(_response(rng, event, measures, ended_on + _days(rng, span)))
    rows = [response for response, _ in responses]
    db.session.add_all(rows)
    db.session.flush()
    answers = [
        {"response_id": response.id, "measure_id": measure_id, "option": option}
        for response, given in responses
        for measure_id, option in sorted(given.items())
    ]
    if answers:
        db.session.execute(insert(_table(FeedbackAnswer)), answers)  # Core: no ORM overhead
    for response in rows:
        if response.source != FeedbackSource.ONLINE.value:
            # As enter_answers does: who typed it in is in the audit log, not on the response.
            audit.record(
                organiser.id,
                "reports.feedback_entered",
                "event",
                response.event_id,
                after={"response_id": response.id, "source": response.source},
            )
    return len(rows)


def _days(rng: random.Random, span: int) -> timedelta:
    # Most answer in the first days after the event.
    return timedelta(days=min(int(rng.expovariate(1 / 2.5)) + 1, span))


def _response(
    rng: random.Random, event: Event, measures: list[OutcomeMeasure], day: date
) -> tuple[FeedbackResponse, dict[int, int]]:
    source = rng.choices(
        [source for source, _ in SOURCE_WEIGHTS], weights=[w for _, w in SOURCE_WEIGHTS]
    )[0]
    given = {
        measure.id: _option(rng) for measure in measures if rng.random() < 0.88
    }  # some skip a question
    overall = _option(rng) if rng.random() < 0.93 or not given else None
    what_worked = rng.choice(WHAT_WORKED) if rng.random() < 0.3 else ""
    could_be_better = rng.choice(COULD_BE_BETTER) if rng.random() < 0.2 else ""
    response = FeedbackResponse(
        event_id=event.id,
        edition_id=event.edition_id,
        overall=overall,
        what_worked=what_worked,
        could_be_better=could_be_better,
        source=source.value,
        easy_read=rng.random() < 0.08,
        created_on=day,
    )
    return response, given


def _option(rng: random.Random) -> int:
    return rng.choices(range(1, SCALE_SIZE + 1), weights=OPTION_WEIGHTS)[0]


def _add_equality(edition: Edition) -> int:
    if db.session.scalar(
        select(EqualityResponse.key).where(EqualityResponse.edition_id == edition.id).limit(1)
    ):
        return 0
    quotas = REGISTRATION_ETHNIC[edition.year]
    mix = [code for code, count in quotas.items() for _ in range(count)]
    rows: list[dict] = []
    for stage in Stage:
        rng = random.Random(f"equality {edition.year} {stage.value}")  # noqa: S311 - demo data
        if stage == Stage.REGISTRATION:
            groups = list(mix)
            rng.shuffle(groups)
        else:
            groups = [rng.choice(mix) for _ in range(STAGE_SIZES.get(stage, 30))]
        for group in groups:
            answers = {
                question.key: _weighted(rng, ANSWER_WEIGHTS[question.key])
                for question in QUESTIONS
                if question.key in ANSWER_WEIGHTS
            }
            answers["ethnic_group"] = group
            month = rng.choice(STAGE_MONTHS.get(stage, (6,)))
            rows.append(
                {
                    # Random-looking (version 4) like every key, drawn from the seeded rng.
                    "key": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "edition_id": edition.id,
                    "stage": stage.value,
                    "month": date(edition.year, month, 1),
                    **clean_answers(answers),
                }
            )
    db.session.execute(insert(_table(EqualityResponse)), rows)
    return len(rows)
