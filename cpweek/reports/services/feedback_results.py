"""An event's feedback for organisers and co-producers: how many answered, each question's
answers counted per option (with the option's words), and the free text. Four queries,
however many responses there are. Raw free text is for organisers and co-producers only
(the page's permission); the counts are not suppressed here, as the page is not public."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from cpweek.extensions import db
from cpweek.programme.models import Event, EventStatus
from cpweek.reports.feedback_models import (
    FeedbackAnswer,
    FeedbackResponse,
    FeedbackSource,
    OutcomeMeasure,
)
from cpweek.reports.services.feedback import OVERALL_OPTIONS, OVERALL_QUESTION
from cpweek.reports.services.outcomes import adopted_measures
from cpweek.timezones import utcnow


@dataclass(frozen=True)
class QuestionResult:
    question: str
    audience: str  # who it is for, in words ('' for the overall question)
    counts: list[tuple[str, int]]  # each option's words and how many chose it, in scale order

    @property
    def answered(self) -> int:
        return sum(count for _, count in self.counts)


@dataclass(frozen=True)
class Comment:
    """What someone wrote, and nothing else: no source, Easy Read mark or day beside it (with
    the registrations page's access needs, "the Easy Read comment" could name its writer), and
    listed in the order of the words, not of when they came."""

    what_worked: str
    could_be_better: str


@dataclass(frozen=True)
class EventResults:
    responses: int
    by_source: list[tuple[str, int]]
    questions: list[QuestionResult]
    comments: list[Comment]


def _counts(options: list[str] | tuple[str, ...], found: dict[int, int]) -> list[tuple[str, int]]:
    return [(words, found.get(number, 0)) for number, words in enumerate(options, start=1)]


def results_for(event: Event) -> EventResults:
    measures: list[OutcomeMeasure] = adopted_measures(event.edition_id)
    per_measure: dict[int, dict[int, int]] = {}
    for measure_id, option, count in db.session.execute(
        select(FeedbackAnswer.measure_id, FeedbackAnswer.option, func.count())
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(FeedbackResponse.event_id == event.id)
        .group_by(FeedbackAnswer.measure_id, FeedbackAnswer.option)
    ):
        per_measure.setdefault(measure_id, {})[option] = count
    overall: dict[int, int] = {
        option: count
        for option, count in db.session.execute(
            select(FeedbackResponse.overall, func.count())
            .where(FeedbackResponse.event_id == event.id, FeedbackResponse.overall.is_not(None))
            .group_by(FeedbackResponse.overall)
        )
        if option is not None
    }
    rows = db.session.execute(
        select(
            FeedbackResponse.what_worked,
            FeedbackResponse.could_be_better,
            FeedbackResponse.source,
        ).where(FeedbackResponse.event_id == event.id)
    ).all()
    sources: dict[str, int] = {}
    for row in rows:
        sources[row.source] = sources.get(row.source, 0) + 1
    questions = [QuestionResult(OVERALL_QUESTION, "", _counts(OVERALL_OPTIONS, overall))]
    questions += [
        QuestionResult(
            measure.question,
            measure.audience_label,
            _counts(measure.options, per_measure.get(measure.id, {})),
        )
        for measure in measures
    ]
    return EventResults(
        responses=len(rows),
        by_source=[(source.label, sources.get(source.value, 0)) for source in FeedbackSource],
        questions=questions,
        comments=sorted(
            (
                Comment(row.what_worked, row.could_be_better)
                for row in rows
                if row.what_worked or row.could_be_better
            ),
            key=lambda comment: (comment.what_worked.casefold(), comment.could_be_better),
        ),
    )


def events_with_feedback(edition_id: int) -> list[tuple[Event, int]]:
    """The edition's published events that have ended, each with how many answered, in the
    order they ran: one query (the way co-producers reach each event's results)."""
    return [
        (event, count)
        for event, count in db.session.execute(
            select(Event, func.count(FeedbackResponse.id))
            .outerjoin(FeedbackResponse, FeedbackResponse.event_id == Event.id)
            .where(
                Event.edition_id == edition_id,
                Event.status == EventStatus.PUBLISHED.value,
                Event.ends_at <= utcnow(),
            )
            .group_by(Event.id)
            .order_by(Event.starts_at, Event.id)
        )
    ]
