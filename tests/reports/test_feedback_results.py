"""An event's feedback results without HTTP (`services/feedback_results.py`): the counts are
all the responses' on every page; the comments come 50 to a page, in the order of their words
(not of when they came), only the page's rows fetched; a page past the last is PageNotFound."""

from __future__ import annotations

import pytest

from cpweek.paging import PageNotFound
from cpweek.reports.services.feedback_results import COMMENTS_PER_PAGE, Comment, results_for
from tests.reports.conftest import add_responses, adopt


@pytest.fixture
def measure(edition, people):
    return adopt(edition, "confidence", people)


def test_the_comments_come_a_page_at_a_time_and_the_counts_whole(webinar, measure):
    # Written last-first, so an order by time would be the reverse of the order of the words.
    add_responses(webinar, measure, [(f"Comment {n:03}", "") for n in reversed(range(120))])
    add_responses(webinar, measure, [("", "")] * 7, source="phone")  # answers, no words
    pages = [results_for(webinar, page) for page in (1, 2, 3)]
    for results in pages:
        assert results.responses == 127
        assert results.by_source == [("Online form", 120), ("By phone", 7), ("On paper", 0)]
        overall = results.questions[0]
        assert overall.answered == 127 and dict(overall.counts)["Good"] == 127
        assert results.questions[1].answered == 127
        assert results.comment_pages.total == 120 and results.comment_pages.pages == 3
    assert [len(results.comments) for results in pages] == [COMMENTS_PER_PAGE, 50, 20]
    assert [(r.comment_pages.first, r.comment_pages.last) for r in pages] == [
        (1, 50),
        (51, 100),
        (101, 120),
    ]
    shown = [comment.what_worked for results in pages for comment in results.comments]
    assert shown == [f"Comment {n:03}" for n in range(120)]  # each once, by its words


def test_the_order_is_the_words_case_aside_then_the_second_box(webinar, measure):
    add_responses(
        webinar,
        measure,
        [
            ("banana", ""),
            ("", "Only the second box"),
            ("Apple", "z"),
            ("apple", "a"),
            ("Cherry", ""),
        ],
    )
    assert results_for(webinar).comments == [
        Comment("", "Only the second box"),
        Comment("apple", "a"),
        Comment("Apple", "z"),
        Comment("banana", ""),
        Comment("Cherry", ""),
    ]


def test_only_the_page_of_comments_is_fetched_in_four_queries(webinar, measure, count_queries):
    add_responses(webinar, measure, [(f"Words {n:03}", "More") for n in range(120)])
    assert webinar.edition_id  # the event itself loaded, as the page has it
    with count_queries() as queries:
        results = results_for(webinar, 2)
    assert len(queries) == 4
    [fetch] = [q for q in queries if "ORDER BY LOWER(FEEDBACK_RESPONSES.WHAT" in q.upper()]
    assert "LIMIT" in fetch.upper() and "OFFSET" in fetch.upper()
    assert [c.what_worked for c in results.comments] == [f"Words {n:03}" for n in range(50, 100)]


def test_page_one_is_there_without_comments_and_a_page_past_the_last_is_not(webinar, measure):
    empty = results_for(webinar)
    assert (empty.responses, empty.comments) == (0, [])
    assert (empty.comment_pages.total, empty.comment_pages.pages) == (0, 1)
    assert (empty.comment_pages.first, empty.comment_pages.last) == (0, 0)
    with pytest.raises(PageNotFound, match=r"There is no page 2: there is 1 page of comments\."):
        results_for(webinar, 2)
    add_responses(webinar, measure, [(f"Note {n}", "") for n in range(51)])
    assert [c.what_worked for c in results_for(webinar, 2).comments] == ["Note 9"]
    with pytest.raises(PageNotFound, match="there are 2 pages of comments"):
        results_for(webinar, 3)
    with pytest.raises(PageNotFound):
        results_for(webinar, 10**9)  # never asked of the database as an OFFSET
    assert len(results_for(webinar, 0).comments) == 50  # below 1: the first page
