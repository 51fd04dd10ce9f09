"""The impact report: an edition's figures, for the public and for organisers, and the
headline figures of every edition side by side.

Every figure is an aggregate counted from the rows as they stand: registrations, attendance
and waiting lists (programme's registrations, joined here as the reports room does), access
requests and whether they were met (`AccessMet`), hours and payments (reciprocity's
`ledger_figures`), and feedback (answers counted per option per measure; free text counted,
and shown to organisers only). No equality data is shown, so nothing here needs
`cpweek/suppression.py`. The number of queries does not grow with registrations, responses
or editions: each figure is one grouped query for every edition at once."""

from __future__ import annotations

import copy
import time
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import ColumnElement, String, and_, case, cast, func, or_, select

from cpweek.cache import VersionedCache
from cpweek.extensions import db
from cpweek.programme.models import (
    HOLDING_A_PLACE,
    ONLINE,
    AccessNeed,
    Edition,
    Event,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from cpweek.reciprocity import services as reciprocity
from cpweek.reciprocity.services.figures import LedgerFigures
from cpweek.reports.feedback_models import FeedbackAnswer, FeedbackResponse
from cpweek.reports.impact_models import AccessMet, MetOutcome, YouSaidWeDid
from cpweek.reports.services.feedback import OVERALL_OPTIONS, OVERALL_QUESTION
from cpweek.reports.services.outcomes import adopted_measures
from cpweek.reports.services.you_said import entries_of

WRITTEN = "written"  # an access request in words only (no need ticked)
WRITTEN_LABEL = "Something else, in their own words"


@dataclass
class Places:
    registered: int = 0  # every registration made, cancelled ones too
    cancelled: int = 0
    with_place: int = 0  # confirmed or arrived at the end
    checked_in: int = 0
    online: int = 0  # places online (an online event, or online at a hybrid one)
    waited: int = 0  # joined a waiting list
    got_place: int = 0  # of those, later given a place


@dataclass
class NeedCount:
    label: str
    requested: int = 0
    met: int = 0
    partly: int = 0
    not_met: int = 0

    @property
    def unmarked(self) -> int:
        return self.requested - self.met - self.partly - self.not_met


@dataclass
class Access:
    requests: int = 0  # registrations with a place that asked for something
    marked: int = 0
    met: int = 0
    partly: int = 0
    not_met: int = 0
    needs: list[NeedCount] = field(default_factory=list)  # only needs someone asked for


@dataclass(frozen=True)
class MeasureCounts:
    question: str
    audience: str
    counts: list[tuple[str, int]]  # each option's words and how many chose it

    @property
    def answered(self) -> int:
        return sum(count for _, count in self.counts)


@dataclass
class Feedback:
    responses: int = 0
    comments: int = 0  # responses with any free text
    questions: list[MeasureCounts] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # organisers only


@dataclass
class Headline:
    edition: Edition
    places: Places
    access: Access
    ledger: LedgerFigures
    responses: int


@dataclass
class ImpactReport:
    edition: Edition
    headline: Headline
    feedback: Feedback
    you_said: list[YouSaidWeDid]
    history: list[Headline]  # every edition, oldest first: the year-on-year table


def _live_events():
    return Event.status != EventStatus.DRAFT.value


def _places(edition_ids: list[int]) -> dict[int, Places]:
    place = Registration.status.in_(HOLDING_A_PLACE)
    online = and_(
        place,
        or_(Event.format == EventFormat.ONLINE.value, Registration.attendance == ONLINE),
    )
    # Joined the waiting list: never confirmed, or confirmed after joining the queue (someone
    # given a place straight away is confirmed at the moment they queue). A cancelled
    # registration keeps its confirmed_at, so it still says which it was.
    got_place = Registration.confirmed_at > Registration.queued_at
    waited = or_(Registration.confirmed_at.is_(None), got_place)
    checked_in = and_(
        place,
        or_(
            Registration.checked_in_at.is_not(None),
            Registration.status == RegistrationStatus.ATTENDED.value,
        ),
    )

    def total(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    rows = db.session.execute(
        select(
            Event.edition_id,
            func.count(Registration.id),
            total(Registration.status == RegistrationStatus.CANCELLED.value),
            total(place),
            total(checked_in),
            total(online),
            total(waited),
            total(got_place),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Event.edition_id.in_(edition_ids), _live_events())
        .group_by(Event.edition_id)
    )
    found = {row[0]: Places(*(int(value or 0) for value in row[1:])) for row in rows}
    return {edition_id: found.get(edition_id, Places()) for edition_id in edition_ids}


def _access(edition_ids: list[int]) -> dict[int, Access]:
    """Registrations holding a place that asked for something, with their marks. The needs
    are a JSON list, read here rather than in SQL (one query either way)."""
    rows = db.session.execute(
        select(
            Event.edition_id,
            Registration.access_needs,
            Registration.access_notes,
            AccessMet.outcome,
        )
        .join(Event, Event.id == Registration.event_id)
        .outerjoin(AccessMet, AccessMet.registration_id == Registration.id)
        .where(
            Event.edition_id.in_(edition_ids),
            _live_events(),
            Registration.status.in_(HOLDING_A_PLACE),
            # Only those who asked for something: reading every registration's JSON in Python
            # was most of the report's time at 50,000 registrations (bench/reports.py).
            or_(cast(Registration.access_needs, String) != "[]", Registration.access_notes != ""),
        )
    )
    access = {edition_id: Access() for edition_id in edition_ids}
    needs: dict[int, dict[str, NeedCount]] = defaultdict(dict)
    for edition_id, codes, notes, outcome in rows:
        asked = [code for code in (codes or []) if code in AccessNeed.__members__.values()]
        if not asked and (notes or "").strip():
            asked = [WRITTEN]
        if not asked:
            continue
        figures = access[edition_id]
        figures.requests += 1
        if outcome:
            figures.marked += 1
            _add(figures, outcome)
        for code in asked:
            label = WRITTEN_LABEL if code == WRITTEN else AccessNeed(code).label
            need = needs[edition_id].setdefault(code, NeedCount(label))
            need.requested += 1
            if outcome:
                _add(need, outcome)
    order = [need.value for need in AccessNeed] + [WRITTEN]
    for edition_id, counted in needs.items():
        access[edition_id].needs = [counted[code] for code in order if code in counted]
    return access


def _add(figures: Access | NeedCount, outcome: str) -> None:
    name = {MetOutcome.MET: "met", MetOutcome.PARTLY: "partly", MetOutcome.NOT_MET: "not_met"}[
        MetOutcome(outcome)
    ]
    setattr(figures, name, getattr(figures, name) + 1)


def _responses(edition_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(FeedbackResponse.edition_id, func.count())
        .where(FeedbackResponse.edition_id.in_(edition_ids))
        .group_by(FeedbackResponse.edition_id)
    )
    found: dict[int, int] = {edition_id: count for edition_id, count in rows}
    return {edition_id: found.get(edition_id, 0) for edition_id in edition_ids}


Figures = tuple[dict[int, Places], dict[int, Access], dict[int, int], dict[int, LedgerFigures]]

# The public report's figures, kept per worker for REPORTS_PUBLIC_CACHE_SECONDS (cpweek/cache.py):
# counting every edition's registrations is most of the report's time (bench/reports.py), and
# public totals a minute old are as good as new. Plain values only: the editions themselves
# come from each request's own session.
public_figures = VersionedCache(size=16)


def clock() -> float:
    """Seconds now; tests replace it rather than wait."""
    return time.time()


def _figures(editions: list[Edition]) -> Figures:
    ids = [edition.id for edition in editions]
    ledger = reciprocity.ledger_figures((edition.id, edition.year) for edition in editions)
    return _places(ids), _access(ids), _responses(ids), ledger


def _public_figures(editions: list[Edition]) -> Figures:
    seconds = int(current_app.config["REPORTS_PUBLIC_CACHE_SECONDS"])
    if not seconds:
        return _figures(editions)
    key = (tuple(edition.id for edition in editions), int(clock() // seconds))
    # A copy: the report's figures are dataclasses a caller could change.
    return copy.deepcopy(public_figures.get(key, lambda: _figures(editions)))


def headlines(editions: list[Edition], *, fresh: bool = True) -> list[Headline]:
    """The headline figures of each edition given, in their order: four queries, or none when
    not `fresh` and the public figures were worked out less than
    REPORTS_PUBLIC_CACHE_SECONDS ago."""
    places, access, responses, ledger = _figures(editions) if fresh else _public_figures(editions)
    return [
        Headline(
            edition,
            places[edition.id],
            access[edition.id],
            ledger[edition.id],
            responses[edition.id],
        )
        for edition in editions
    ]


def _feedback(edition: Edition, *, with_texts: bool) -> Feedback:
    measures = adopted_measures(edition.id)
    per_measure: dict[int, dict[int, int]] = defaultdict(dict)
    for measure_id, option, count in db.session.execute(
        select(FeedbackAnswer.measure_id, FeedbackAnswer.option, func.count())
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(FeedbackResponse.edition_id == edition.id)
        .group_by(FeedbackAnswer.measure_id, FeedbackAnswer.option)
    ):
        per_measure[measure_id][option] = count
    has_text = or_(FeedbackResponse.what_worked != "", FeedbackResponse.could_be_better != "")
    overall: dict[int, int] = {}
    responses = comments = 0
    for option, count, with_text in db.session.execute(
        select(FeedbackResponse.overall, func.count(), func.sum(case((has_text, 1), else_=0)))
        .where(FeedbackResponse.edition_id == edition.id)
        .group_by(FeedbackResponse.overall)
    ):
        responses += count
        comments += int(with_text or 0)
        if option is not None:
            overall[option] = count

    def counted(options, found: dict[int, int]) -> list[tuple[str, int]]:
        return [(words, found.get(number, 0)) for number, words in enumerate(options, start=1)]

    feedback = Feedback(responses, comments)
    feedback.questions = [MeasureCounts(OVERALL_QUESTION, "", counted(OVERALL_OPTIONS, overall))]
    feedback.questions += [
        MeasureCounts(m.question, m.audience_label, counted(m.options, per_measure[m.id]))
        for m in measures
    ]
    if with_texts:
        feedback.texts = [
            (worked, better)
            for worked, better in db.session.execute(
                select(FeedbackResponse.what_worked, FeedbackResponse.could_be_better)
                .where(FeedbackResponse.edition_id == edition.id, has_text)
                .order_by(FeedbackResponse.created_on, FeedbackResponse.id)
            )
        ]
    return feedback


def all_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).order_by(Edition.year)))


def report(edition: Edition, *, for_organisers: bool) -> ImpactReport:
    """The whole report. The public one (`for_organisers=False`) carries no free text and no
    draft "you said, we did" entries; the figures are the same."""
    editions = all_editions()
    history = headlines(editions, fresh=for_organisers)
    headline = next(item for item in history if item.edition.id == edition.id)
    you_said = entries_of(edition, published_only=not for_organisers)
    return ImpactReport(
        edition, headline, _feedback(edition, with_texts=for_organisers), you_said, history
    )
