"""Every message where the eyes are (issue 11, point 1).

After a form inside a longer page is sent, the browser lands on the fragment of the form's
action (a page shown again with errors) or of the redirect (when the redirect has none, the
browser keeps the form's). These tests send each in-page form the way a browser does (its
action, its hidden fields) and check the page the person lands on: the element with the
fragment's id is followed first by what happened (the message or the error summary); when the
page has no such element the browser stays at the top, and the message is the first thing in
<main>. The title starts "Error:" whenever the page shows an error."""

# ruff: noqa: F811 (the fixtures imported from the domains' conftests are test parameters)
from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from cpweek.auth.models import Role
from cpweek.coproduction import schedule
from cpweek.coproduction.models import DraftSlot
from cpweek.extensions import db
from cpweek.programme import services as programme
from cpweek.programme.models import Registration
from cpweek.reciprocity import services as ledger
from tests.a11y import problems
from tests.coproduction.conftest import panel  # noqa: F401 (a fixture)
from tests.coproduction.test_schedule import week  # noqa: F401 (a fixture)
from tests.factories import make_edition, make_event, make_user
from tests.reciprocity.conftest import books  # noqa: F401 (a fixture)

MESSAGE_CLASSES = ("notice", "error-summary")


class _Elements(HTMLParser):
    """Start tags in document order, and the page title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _parse(page: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(page)
    return parsed


def title_of(page: str) -> str:
    return _parse(page).title.strip()


def in_view(page: str, fragment: str) -> dict:
    """The first element after where the browser lands: the element with the fragment's id,
    or the top of <main> when the page has none."""
    tags = _parse(page).tags
    landing = [i for i, (_, attrs) in enumerate(tags) if fragment and attrs.get("id") == fragment]
    if landing:
        assert len(landing) == 1, f"two elements with id {fragment!r}"
        start = landing[0]
    else:
        start = next(i for i, (tag, _) in enumerate(tags) if tag == "main")
    return tags[start + 1][1]


def assert_message_in_view(page: str, fragment: str, kind: str, words: str) -> None:
    first = in_view(page, fragment)
    classes = first.get("class", "").split()
    assert kind in classes, f"landed on #{fragment or 'top'} and first saw {first}"
    # The words are those of the first message block after the landing point.
    block = page[page.index(f'class="{first["class"]}"') :]
    block = block[: block.index("</div>")] if kind != "error-summary" else block[:3000]
    assert words in unescape(block), block[:500]


class Sent:
    """A form sent the way a browser sends it, and where the browser then lands."""

    def __init__(self, browser, page_url: str, section: str, data: dict):
        page = browser.get(page_url).get_data(as_text=True)
        action, hidden = _form_with_section(page, section)
        self.response = browser.client.post(action, data={**hidden, **data})
        fragment = section
        if self.response.status_code in (301, 302, 303):
            location = self.response.headers["Location"]
            fragment = urlsplit(location).fragment or fragment
            self.response = browser.get(urlsplit(location)._replace(fragment="").geturl())
        self.fragment = fragment
        self.page = self.response.get_data(as_text=True)
        self.title = title_of(self.page)


def _form_with_section(page: str, section: str) -> tuple[str, dict]:
    for match in re.finditer(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', page, re.S):
        action = unescape(match.group(1))
        if urlsplit(action).fragment != section:
            continue
        hidden = dict(
            re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', match[2])
        )
        hidden.update(
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', match.group(2))
        )
        return urlsplit(action)._replace(fragment="").geturl(), hidden
    raise AssertionError(f"no form posts to #{section}")


# --- the pattern itself -------------------------------------------------------------------------


def test_a_section_form_posts_to_its_fragment_after_its_messages(browser):
    edition = make_edition(2099)
    make_event(edition, datetime(2099, 6, 30, 10), datetime(2099, 6, 30, 11), slug="talk")
    page = browser.get("/2099/events/talk").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/2099/events/talk#register"', page)
    assert '<input type="hidden" name="_section" value="register">' in page
    assert page.count('id="register"') == 1 and problems(page) == []
    assert not title_of(page).startswith("Error")


# --- the event page: #register ------------------------------------------------------------------

REGISTRATION = {
    "name": "Ama Mensah",
    "email": "ama@example.org",
    "organisation": "Carers First",
    "access_needs": ["live_captions"],
    "access_notes": "A seat near the door",
    "consent_to_contact": "y",
}


@pytest.fixture
def talk():
    edition = make_edition(2099)
    return make_event(
        edition, datetime(2099, 6, 30, 10), datetime(2099, 6, 30, 11), slug="talk", capacity=5
    )


def test_registering_with_a_mistake_lands_on_the_error_summary_with_the_typing_kept(browser, talk):
    sent = Sent(browser, "/2099/events/talk", "register", {**REGISTRATION, "email": "ama@"})
    assert sent.response.status_code == 200 and sent.fragment == "register"
    assert_message_in_view(sent.page, "register", "error-summary", "email address")
    assert sent.title.startswith("Error: ")
    assert 'value="Ama Mensah"' in sent.page and "A seat near the door</textarea>" in sent.page
    assert problems(sent.page) == []


def test_an_email_already_registered_keeps_the_typing_and_says_what_to_do(browser, talk, mailbox):
    programme.register(talk, programme.Applicant(name="Ama", email="ama@example.org"))
    db.session.commit()
    mailbox.messages.clear()
    sent = Sent(browser, "/2099/events/talk", "register", REGISTRATION)
    assert sent.response.status_code == 200
    assert_message_in_view(
        sent.page, "register", "error-summary", "already registered for this event"
    )
    assert "emailed that address the link to see, change or cancel" in sent.page
    assert sent.title.startswith("Error: ")
    assert 'value="Ama Mensah"' in sent.page and 'value="ama@example.org"' in sent.page
    assert "A seat near the door</textarea>" in sent.page
    assert "/registrations/" not in sent.page  # the manage link goes only to the mailbox
    assert [m["X-Envelope-To"] for m in mailbox.messages] == ["ama@example.org"]  # kept, sent
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_registering_lands_on_the_message_at_the_top_of_the_next_page(browser, talk):
    sent = Sent(browser, "/2099/events/talk", "register", REGISTRATION)
    assert sent.response.status_code == 200 and "/registrations/" in sent.response.request.path
    assert 'id="register"' not in sent.page  # so the browser stays at the top
    assert_message_in_view(sent.page, "register", "notice", "Your place is booked")
    assert not sent.title.startswith("Error")


# --- the review page: #review, #decision ----------------------------------------------------


def test_review_and_decision_forms_land_on_their_messages(browser, panel):
    proposal = panel.propose()
    db.session.commit()
    browser.sign_in(panel.organiser.email)
    url = f"/review/proposals/{proposal.id}"

    missing = Sent(browser, url, "review", {"comment": "Fine"})
    assert missing.response.status_code == 200
    assert_message_in_view(missing.page, "review", "error-summary", "There is a problem")
    assert missing.title.startswith("Error: ")
    assert "Fine</textarea>" in missing.page

    scores = {f"score_{c.id}": "4" for c in panel.criteria}
    reviewed = Sent(browser, url, "review", {**scores, "comment": "Good"})
    assert reviewed.fragment == "review"  # the redirect keeps the form's fragment
    assert_message_in_view(reviewed.page, "review", "notice", "Review saved")

    no_reason = Sent(browser, url, "propose-decision", {"outcome": "accept"})
    assert no_reason.response.status_code == 200
    assert_message_in_view(no_reason.page, "propose-decision", "error-summary", "rationale")
    assert no_reason.title.startswith("Error: ")

    proposed = Sent(
        browser, url, "propose-decision", {"outcome": "accept", "rationale": "Strong and on theme"}
    )
    assert proposed.fragment == "decision"
    assert_message_in_view(proposed.page, "decision", "notice", "Decision put to the panel")
    assert not proposed.title.startswith("Error") and problems(proposed.page) == []


def test_agreeing_to_a_decision_that_changed_is_refused_in_view_with_an_error_title(
    browser,
    panel,
):
    from cpweek.coproduction import services as coproduction

    proposal = panel.propose()
    coproduction.propose_decision(proposal, "accept", "Good", panel.organiser)
    db.session.commit()
    browser.sign_in(panel.co_producer.email)
    url = f"/review/proposals/{proposal.id}"
    token = browser.csrf_token(url)
    response = browser.client.post(
        f"{url}/agree", data={"csrf_token": token, "decision_id": "999999"}
    )
    assert urlsplit(response.headers["Location"]).fragment == "decision"
    page = browser.get(url).get_data(as_text=True)
    first = in_view(page, "decision")
    assert "notice--error" in first["class"]
    assert title_of(page).startswith("Error: ")


# --- the schedule draft ------------------------------------------------------------------------


def test_placing_with_mistakes_lands_on_the_error_summary(browser, panel, week):
    browser.sign_in(panel.organiser.email)
    sent = Sent(browser, "/manage/2027/schedule", "place-session", {"track": "Room 4"})
    assert sent.response.status_code == 200
    assert_message_in_view(sent.page, "place-session", "error-summary", "There is a problem")
    assert sent.title.startswith("Error: ") and 'value="Room 4"' in sent.page
    assert problems(sent.page) == []


def test_cancel_in_the_draft_is_its_own_form_and_needs_a_tick(browser, panel, week):
    _, morning, _ = week
    browser.sign_in(panel.organiser.email)
    url = "/manage/2027/schedule"
    page = browser.get(url).get_data(as_text=True)
    forms = re.findall(r"<form method=\"post\".*?</form>", page, re.S)
    [undo_form] = [f for f in forms if "#undo-change" in f]
    [cancel_form] = [f for f in forms if "#cancel-session" in f]
    assert "Undo the change" in undo_form and "Cancel" not in undo_form
    assert "Undo" not in cancel_form and 'type="checkbox"' in cancel_form
    assert "Yes, cancel this session when the next release is signed off" in cancel_form

    unticked = Sent(browser, url, "cancel-session", {"cancel_event_id": morning.id})
    assert unticked.response.status_code == 200
    assert_message_in_view(
        unticked.page, "cancel-session", "error-summary", "Tick the box to say you want to cancel"
    )
    assert unticked.title.startswith("Error: ")
    assert f'selected value="{morning.id}"' in unticked.page  # the choice is kept
    assert db.session.scalar(select(func.count()).select_from(DraftSlot)) == 0

    cancelled = Sent(
        browser, url, "cancel-session", {"cancel_event_id": morning.id, "confirm": "y"}
    )
    assert cancelled.fragment == "cancel-session"
    assert_message_in_view(
        cancelled.page, "cancel-session", "notice", "cancelled in the draft. Nobody is told"
    )
    db.session.expire_all()
    assert db.session.scalar(select(DraftSlot.cancel).where(DraftSlot.event_id == morning.id))

    undone = Sent(browser, url, "undo-change", {"change_event_id": morning.id})
    assert_message_in_view(undone.page, "undo-change", "notice", "Change undone")
    assert db.session.scalar(select(func.count()).select_from(DraftSlot)) == 0


def test_cancelling_in_the_draft_is_for_organisers_only(browser, panel, week):
    _, morning, _ = week
    browser.sign_in(panel.co_producer.email)
    page = browser.get("/manage/2027/schedule").get_data(as_text=True)
    assert "#cancel-session" not in page
    response = browser.submit(
        "/manage/2027/schedule/cancel",
        {"cancel_event_id": morning.id, "confirm": "y"},
        form_url="/manage/2027/schedule",
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(DraftSlot)) == 0


def test_a_draft_session_cannot_be_chosen_for_cancelling(browser, panel, week):
    edition = week[0]
    draft = make_event(
        edition,
        datetime(2027, 6, 30, 10),
        datetime(2027, 6, 30, 11),
        title="Draft talk",
        status="draft",
    )
    browser.sign_in(panel.organiser.email)
    sent = Sent(
        browser,
        "/manage/2027/schedule",
        "cancel-session",
        {"cancel_event_id": draft.id, "confirm": "y"},
    )
    assert sent.response.status_code == 200 and sent.title.startswith("Error: ")
    assert_message_in_view(sent.page, "cancel-session", "error-summary", "Not a valid choice")


def test_preparing_a_release_lands_on_the_release_section(browser, panel, week):
    _, morning, _ = week
    schedule.cancel_in_draft(morning, panel.organiser)
    db.session.commit()
    browser.sign_in(panel.organiser.email)
    sent = Sent(browser, "/manage/2027/schedule", "prepare-release", {})
    assert sent.fragment == "release"
    assert_message_in_view(sent.page, "release", "notice", "Release prepared")


# --- the ledger: approving without the tick, asking, reversing, answering ----------------------


@pytest.fixture
def warned_entry(books):
    ledger.save_profile(
        books.contributor,
        ledger.ProfileDetails("Priya Shah", benefits_guidance=True),
        books.contributor,
    )
    entry = books.log(day=date(2026, 5, 12))
    db.session.commit()
    return entry


def test_approving_without_the_tick_lands_on_the_error_summary(
    browser,
    books,
    warned_entry,
):
    browser.sign_in(books.organiser.email)
    url = f"/ledger/entries/{warned_entry.id}"
    sent = Sent(browser, url, "approve-entry", {"approve": "Approve"})
    assert sent.response.status_code == 200
    assert_message_in_view(sent.page, "approve-entry", "error-summary", "tick the box")
    assert sent.title.startswith("Error: ") and problems(sent.page) == []

    approved = Sent(browser, url, "approve-entry", {"acknowledge": "y", "approve": "Approve"})
    # The approve section has gone, so the browser stays at the top, where the message is.
    assert 'id="approve-entry"' not in approved.page
    assert_message_in_view(approved.page, "approve-entry", "notice", "Approved.")


def test_a_refused_action_is_in_view_and_the_title_says_error(
    browser,
    books,
    warned_entry,
):
    browser.sign_in(books.organiser.email)
    url = f"/ledger/entries/{warned_entry.id}"
    page = browser.get(url).get_data(as_text=True)
    action, hidden = _form_with_section(page, "approve-entry")
    ledger.approve(ledger.get_entry(warned_entry.id), books.organiser, warnings_acknowledged=True)
    db.session.commit()  # someone else approved it meanwhile
    response = browser.client.post(action, data={**hidden, "acknowledge": "y"})
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    first = in_view(page, "approve-entry")
    assert "notice--error" in first["class"]
    assert title_of(page).startswith("Error: ")


def test_asking_and_answering_a_question_land_on_their_messages(
    browser,
    books,
    warned_entry,
):
    browser.sign_in(books.organiser.email)
    url = f"/ledger/entries/{warned_entry.id}"
    empty = Sent(browser, url, "ask-question", {"question": "  "})
    assert_message_in_view(empty.page, "ask-question", "error-summary", "Write the question")
    assert empty.title.startswith("Error: ")
    asked = Sent(browser, url, "ask-question", {"question": "Which meeting was it?"})
    assert_message_in_view(asked.page, "ask-question", "notice", "Question sent")

    browser.sign_out()
    browser.sign_in(books.contributor.email)
    mine = f"/involvement/entries/{warned_entry.id}"
    blank = Sent(browser, mine, "answer-question", {"answer": ""})
    assert_message_in_view(blank.page, "answer-question", "error-summary", "Write your answer")
    assert blank.title.startswith("Error: ") and problems(blank.page) == []
    answered = Sent(browser, mine, "answer-question", {"answer": "The May steering meeting"})
    assert_message_in_view(answered.page, "answer-question", "notice", "Answer sent")


def test_reversing_an_entry_lands_on_its_messages(browser, books):
    entry = books.approved()
    db.session.commit()
    browser.sign_in(books.organiser.email)
    url = f"/ledger/entries/{entry.id}"
    blank = Sent(browser, url, "correct-entry", {"correction": ""})
    assert_message_in_view(blank.page, "correct-entry", "error-summary", "Give the reason")
    assert blank.title.startswith("Error: ")
    reversed_ = Sent(browser, url, "correct-entry", {"correction": "Logged twice"})
    assert_message_in_view(reversed_.page, "correct-entry", "notice", "reversing entry")


def test_the_ledger_forms_are_for_organisers_only(browser, books, warned_entry):
    browser.sign_in(books.contributor.email)
    response = browser.submit(
        f"/ledger/entries/{warned_entry.id}/approve",
        {"acknowledge": "y", "_section": "approve-entry"},
        form_url=f"/involvement/entries/{warned_entry.id}",
    )
    assert response.status_code == 403


# --- rates, check-in ---------------------------------------------------------------------------


def test_adding_an_activity_lands_on_the_rate_form_with_the_message(browser, books):
    browser.sign_in(books.organiser.email)
    blank = Sent(browser, "/ledger/rates", "add-activity", {"name": ""})
    assert_message_in_view(blank.page, "add-activity", "error-summary", "There is a problem")
    added = Sent(browser, "/ledger/rates", "add-activity", {"name": "Speaking at an event"})
    assert added.fragment == "add-rate"
    assert_message_in_view(added.page, "add-rate", "notice", "Activity added. Give it a rate below")


def test_checking_someone_in_lands_on_their_line(browser, talk):
    registration = programme.register(
        talk, programme.Applicant(name="Bea Jones", email="bea@example.org")
    )
    make_user(email="o@example.org", roles=(Role.ORGANISER,))
    db.session.commit()
    browser.sign_in("o@example.org")
    response = browser.submit(
        f"/manage/registrations/{registration.id}/check-in",
        {"arrived": "yes"},
        form_url=f"/manage/events/{talk.id}/check-in",
    )
    fragment = urlsplit(response.headers["Location"]).fragment
    assert fragment == f"registration-{registration.id}"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert_message_in_view(page, fragment, "notice", "Bea Jones: arrived")
    assert problems(page) == []


# --- what no section shows goes to the top of <main> -------------------------------------------


def test_a_message_for_a_section_the_page_lacks_is_shown_at_the_top(browser, talk):
    """A page without the section the message was meant for shows it first in <main>, so
    nothing is lost, and shows it once."""
    programme.register(talk, programme.Applicant(name="Ama", email="ama@example.org"))
    make_user(email="o@example.org", roles=(Role.ORGANISER,))
    db.session.commit()
    browser.sign_in("o@example.org")
    registration = db.session.scalar(select(Registration))
    response = browser.submit(
        f"/manage/registrations/{registration.id}/check-in",
        {"arrived": "yes"},
        form_url=f"/manage/events/{talk.id}/check-in",
    )
    assert response.status_code == 302
    page = browser.get("/").get_data(as_text=True)  # not the page the message was meant for
    assert in_view(page, "")["class"].startswith("notice")
    assert page.count("Ama: arrived") == 1


# --- evidence: the inclusion decision ----------------------------------------------------------


def test_an_evidence_decision_lands_on_its_messages(browser):
    from tests.evidence.factories import make_collection, make_item

    collection = make_collection()
    draft = make_item(collection, "Carers in rural areas", status="draft")
    make_user("org@example.org", (Role.ORGANISER,))
    db.session.commit()
    browser.sign_in("org@example.org")
    url = f"/review/evidence/items/{draft.id}"
    unreasoned = Sent(browser, url, "propose-decision", {"outcome": "exclude", "reason": ""})
    assert unreasoned.response.status_code == 200
    assert_message_in_view(unreasoned.page, "propose-decision", "error-summary", "reason")
    assert unreasoned.title.startswith("Error: ") and problems(unreasoned.page) == []
    proposed = Sent(browser, url, "propose-decision", {"outcome": "include", "reason": "Fits"})
    assert proposed.fragment == "decision"
    assert_message_in_view(proposed.page, "decision", "notice", "Decision put to the panel")


def test_registering_someone_by_phone_twice_keeps_the_typing_and_speaks_to_the_organiser(
    browser, talk
):
    programme.register(talk, programme.Applicant(name="Bea", email="bea@example.org"))
    make_user(email="o@example.org", roles=(Role.ORGANISER,))
    db.session.commit()
    browser.sign_in("o@example.org")
    url = f"/manage/events/{talk.id}/registrations/new"
    response = browser.submit(
        url, {"name": "Bea Jones", "email": "bea@example.org", "contact_phone": "01632 960123"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and title_of(page).startswith("Error: ")
    assert "Someone with this email address is already registered" in page
    assert "You are already" not in page
    assert 'value="Bea Jones"' in page and 'value="01632 960123"' in page
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1


# --- guards: a template or a view cannot quietly leave the pattern ------------------------------

ROOT = Path(__file__).resolve().parent.parent
SECTION_RE = re.compile(r"section(?:_top\(|=)'([a-z-]+)'")


def _sections() -> set[str]:
    found = set()
    for template in (ROOT / "templates").rglob("*.html"):
        found.update(SECTION_RE.findall(template.read_text()))
    return found


def test_every_fragment_a_view_redirects_to_is_a_section_with_its_messages():
    sections = _sections() | {"registration"}  # check-in: 'registration-' ~ its id
    fragments = set()
    for module in (ROOT / "cpweek").rglob("*.py"):
        for fragment in re.findall(r'\+ f?"#([a-z-]+)', module.read_text()):
            fragments.add(fragment.rstrip("-"))
    assert fragments and fragments <= sections, fragments - sections


def test_no_template_gives_a_sections_id_to_anything_else():
    sections = _sections()
    for template in (ROOT / "templates").rglob("*.html"):
        ids = set(re.findall(r'id="([a-z-]+)"', template.read_text()))
        assert not ids & sections, f"{template.name}: {ids & sections}"
