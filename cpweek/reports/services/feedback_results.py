"""An event's feedback for organisers and co-producers: how many answered, each question's
answers counted per option (with the option's words), and the free text a page at a time
(`cpweek/paging.py`: only the page's comments are fetched). Four queries, however many
responses there are. Raw free text is for organisers and co-producers only (the page's
permission); the counts are not suppressed here, as the page is not public."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, or_, select

from cpweek.extensions import db
from cpweek.paging import Paging
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

COMMENTS_PER_PAGE = 50


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
    comments: list[Comment]  # this page's comments only
    comment_pages: Paging  # which of all the comments they are (`total`: every one)


def _counts(options: list[str] | tuple[str, ...], found: dict[int, int]) -> list[tuple[str, int]]:
    return [(words, found.get(number, 0)) for number, words in enumerate(options, start=1)]


def results_for(event: Event, page: int = 1) -> EventResults:
    """The counts, all of them, and page `page` of the comments (COMMENTS_PER_PAGE to a page,
    in the order of their words). Raises PageNotFound for a page past the last (page 1 is
    always there, even with no comments). Four queries, whichever the page and however many
    responses: the measures, the answers per measure and option, the responses per source and
    overall answer (with how many wrote something), and the page's comments alone."""
    measures: list[OutcomeMeasure] = adopted_measures(event.edition_id)
    per_measure: dict[int, dict[int, int]] = {}
    for measure_id, option, count in db.session.execute(
        select(FeedbackAnswer.measure_id, FeedbackAnswer.option, func.count())
        .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
        .where(FeedbackResponse.event_id == event.id)
        .group_by(FeedbackAnswer.measure_id, FeedbackAnswer.option)
    ):
        per_measure.setdefault(measure_id, {})[option] = count
    wrote = or_(FeedbackResponse.what_worked != "", FeedbackResponse.could_be_better != "")
    overall: dict[int, int] = {}
    sources: dict[str, int] = {}
    responses = with_comments = 0
    for source, overall_answer, count, commented in db.session.execute(
        select(
            FeedbackResponse.source,
            FeedbackResponse.overall,
            func.count(),
            func.count(case((wrote, 1))),
        )
        .where(FeedbackResponse.event_id == event.id)
        .group_by(FeedbackResponse.source, FeedbackResponse.overall)
    ):
        sources[source] = sources.get(source, 0) + count
        if overall_answer is not None:
            overall[overall_answer] = overall.get(overall_answer, 0) + count
        responses += count
        with_comments += commented
    paging = Paging(max(page, 1), COMMENTS_PER_PAGE, with_comments).check("comments")
    # In the order of the words (case aside), then the rest of the words: rows that tie are
    # the same words, so a page is the same whichever of them the database puts first, and
    # nothing of when or how a comment came decides where it stands.
    comments = [
        Comment(row.what_worked, row.could_be_better)
        for row in db.session.execute(
            select(FeedbackResponse.what_worked, FeedbackResponse.could_be_better)
            .where(FeedbackResponse.event_id == event.id, wrote)
            .order_by(
                func.lower(FeedbackResponse.what_worked),
                FeedbackResponse.could_be_better,
                FeedbackResponse.what_worked,
            )
            .limit(paging.per_page)
            .offset(paging.offset)
        )
    ]
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
        responses=responses,
        by_source=[(source.label, sources.get(source.value, 0)) for source in FeedbackSource],
        questions=questions,
        comments=comments,
        comment_pages=paging,
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
