"""/2027/how-it-was-made: the proposers' answers about lived experience go through suppression
(cpweek/suppression.py), and only once the call has closed (a stable snapshot)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from cpweek.coproduction import services as coproduction
from cpweek.timezones import utcnow
from tests.a11y import problems


def text(response) -> str:
    return response.get_data(as_text=True)


def answers_line(page: str) -> str:
    """The words of the page's "From people with lived experience" answer, tags removed."""
    found = re.search(r"<dt>From people with lived experience</dt><dd>(.*?)</dd>", page, re.S)
    assert found, "the line is on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def propose(panel, yes: int, no: int, prefer_not: int) -> None:
    for answer, times in (("yes", yes), ("no", no), ("prefer_not", prefer_not)):
        for n in range(times):
            panel.propose(title=f"Session {answer} {n}", lived_experience=answer)


def close(panel) -> None:
    panel.call.closes_at = utcnow() - timedelta(seconds=1)


def test_while_the_call_is_open_no_answer_is_counted(client, panel):
    propose(panel, 12, 11, 1)
    page = text(client.get("/2027/how-it-was-made"))
    line = answers_line(page)
    assert line.startswith("Shown once suggestions have closed")
    assert not re.search(r"\d", line) and problems(page) == []


def test_fewer_than_ten_proposers_are_not_counted_at_all(client, panel):
    propose(panel, 2, 1, 0)
    close(panel)
    page = text(client.get("/2027/how-it-was-made"))
    line = answers_line(page)
    assert line == (
        "Not shown: fewer than 10 proposers answered, too few to show without singling people out"
    )
    assert "2 of the 3" not in page and "chose to say" not in page
    assert problems(page) == []


def test_enough_proposers_are_counted_rounded_with_small_groups_hidden(client, panel):
    propose(panel, 14, 12, 3)
    close(panel)
    page = text(client.get("/2027/how-it-was-made"))
    line = answers_line(page)
    # 14 reads 15; the 3 is hidden, and the 12 beside it, or 29 - 14 would give it away.
    assert "Yes: 15" in line
    assert "No: not shown (hidden so a hidden number cannot be worked out)" in line
    assert "Prefer not to say: not shown (fewer than 10)" in line
    assert "Numbers are rounded to the nearest 5. Groups of fewer than 10 people" in line
    assert "<dt>Proposals</dt><dd>29</dd>" in page  # the number of proposals stays exact
    assert problems(page) == []


def test_the_answers_are_a_snapshot_that_a_withdrawal_does_not_change(client, panel):
    propose(panel, 14, 12, 3)
    close(panel)
    before = coproduction.how_it_was_made(panel.call).lived_experience
    withdrawn = coproduction.proposals_for_review(panel.call)[0]
    coproduction.withdraw_proposal(withdrawn, panel.proposer)
    made = coproduction.how_it_was_made(panel.call)
    assert made.proposals == 28 and made.lived_experience == before


def test_the_threshold_is_a_setting(app, client, panel):
    propose(panel, 7, 9, 9)
    close(panel)
    app.config["REPORTS_SUPPRESSION_THRESHOLD"] = 5
    line = answers_line(text(client.get("/2027/how-it-was-made")))
    assert "Yes: 5" in line and "No: 10" in line and "Prefer not to say: 10" in line
    assert "Groups of fewer than 5 people" in line


def test_a_closed_call_cannot_open_again(panel):
    # Reopened, the answers would be published a second time one proposal apart, and the two
    # tables read together could give a hidden number away.
    close(panel)
    details = coproduction.CallDetails(
        opens_at=panel.call.opens_at,
        closes_at=utcnow() + timedelta(days=7),
        reviewing_starts_on=panel.call.reviewing_starts_on,
        reviewing_ends_on=panel.call.reviewing_ends_on,
        deciding_starts_on=panel.call.deciding_starts_on,
        deciding_ends_on=panel.call.deciding_ends_on,
    )
    edition = coproduction.edition_of(panel.call)
    with pytest.raises(coproduction.CoproductionError, match="cannot open again") as refused:
        coproduction.save_call(edition, details, panel.organiser)
    assert refused.value.field == "closes_at"
    # Its other dates may still change, the closing time kept.
    kept = coproduction.CallDetails(**{**details.__dict__, "closes_at": panel.call.closes_at})
    coproduction.save_call(edition, kept, panel.organiser)
