"""Suggestions from anyone (four kinds, honeypot, rate limit, hostile input) and their
moderation (accept into a draft or an example of use, note, decline, merge), the emails to
suggesters and the ledger's offer to a contributor."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role
from cpweek.evidence.models import EvidenceItem, ExampleOfUse, Suggestion
from cpweek.evidence.services import catalogue, suggestions
from cpweek.extensions import db
from tests.a11y import problems
from tests.evidence.factories import make_collection, make_item, term
from tests.factories import make_user

SLUG = "care-equity"
URL = f"/evidence/{SLUG}/suggest"


@pytest.fixture
def hub():
    collection = make_collection(slug=SLUG)
    item = make_item(collection, "Direct payments and rural carers")
    db.session.commit()
    return collection, item


@pytest.fixture
def moderator():
    return make_user("co@example.org", (Role.CO_PRODUCER,), name="Cleo")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def send(browser, kind: str, data: dict, query: str = ""):
    return browser.submit(URL, {"kind": kind, **data}, form_url=f"{URL}?kind={kind}{query}")


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- the public form --------------------------------------------------------------------------


def test_the_chooser_offers_all_four_kinds(client, hub):
    page = client.get(URL).get_data(as_text=True)
    for words in (
        "Suggest new evidence",
        "Point out a gap",
        "An example of evidence used",
        "Feedback on the hub",
    ):
        assert words in page
    assert problems(page) == []


@pytest.mark.parametrize("kind", ["new_evidence", "gap", "example_of_use", "feedback"])
def test_each_kind_of_form_passes_the_accessibility_checks(client, hub, kind):
    response = client.get(f"{URL}?kind={kind}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert problems(page) == []
    assert 'for="website"' in page and "Leave this field empty" in page


def test_a_gap_from_the_map_is_pre_filled_and_kept_for_moderation(browser, hub):
    page = browser.get(f"{URL}?kind=gap&topic=unpaid-carers&dimension=rurality").get_data(
        as_text=True
    )
    assert "You are pointing to: Unpaid carers × Rurality" in page
    assert '<option selected value="unpaid-carers">' in page
    response = send(
        browser,
        "gap",
        {"topic": "unpaid-carers", "dimension": "rurality", "text": "Nothing on Cornwall"},
        "&topic=unpaid-carers&dimension=rurality",
    )
    assert response.status_code == 200
    assert "What happens next" in response.get_data(as_text=True)
    [saved] = db.session.scalars(select(Suggestion)).all()
    assert saved.kind == "gap" and saved.status == "pending"
    assert saved.topic_id == term("topic", "unpaid-carers").id
    assert saved.dimension_id == term("dimension", "rurality").id
    assert saved.user_id is None
    assert "evidence.suggestion_received" in actions()


def test_new_evidence_needs_a_title_and_a_link_or_doi(browser, hub):
    response = send(browser, "new_evidence", {"title": "", "link": "not a link"})
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter the title of the evidence" in page
    assert problems(page) == []
    response = send(browser, "new_evidence", {"title": "A study", "link": "not a link"})
    page = response.get_data(as_text=True)
    assert "Enter a web address starting with https://" in page
    assert 'value="A study"' in page  # what was typed is kept
    assert count(Suggestion) == 0
    response = send(browser, "new_evidence", {"title": "A study", "link": "doi:10.1234/ABC.9"})
    assert "What happens next" in response.get_data(as_text=True)
    assert count(Suggestion) == 1


def test_an_example_of_use_names_its_item_from_the_url(browser, hub):
    _, item = hub
    page = browser.get(f"{URL}?kind=example_of_use&item={item.id}").get_data(as_text=True)
    assert f"About: <strong>{item.title}</strong>" in page
    send(
        browser,
        "example_of_use",
        {"item_id": str(item.id), "title": "Kent County Council", "text": "Shaped a policy"},
        f"&item={item.id}",
    )
    [saved] = db.session.scalars(select(Suggestion)).all()
    assert saved.item_id == item.id and saved.title == "Kent County Council"
    assert count(ExampleOfUse) == 0  # nothing published without moderation


def test_a_draft_item_is_not_offered_in_an_example_of_use(browser, hub):
    collection, _ = hub
    draft = make_item(collection, "Secret draft", status="draft")
    db.session.commit()
    page = browser.get(f"{URL}?kind=example_of_use&item={draft.id}").get_data(as_text=True)
    assert "Secret draft" not in page


@pytest.mark.parametrize(
    "query",
    [
        "?kind=example_of_use&item=99999999999999999999999",
        "?kind=example_of_use&item=-3",
        "?kind=example_of_use&item=abc",
        "?kind=gap&topic=" + "x" * 10_000 + "&dimension=%F0%9F%92%A5",
        "?kind=gap&topic=' OR 1=1 --",
        "?kind=nonsense",
        "?kind=" + "k" * 5000,
    ],
)
def test_hostile_urls_get_a_page_not_a_500(client, hub, query):
    assert client.get(URL + query).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {"text": "x" * 100_000},
        {"text": "🙂 Ünïcødé feedback 🌍"},
        {"text": "<script>alert(1)</script>"},
        {"text": "'; DROP TABLE evidence_items; --"},
    ],
)
def test_hostile_feedback_is_kept_safely_or_refused_clearly(browser, hub, data):
    response = send(browser, "feedback", data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    if len(data["text"]) > 5000:
        assert "must be 5,000 characters or fewer" in page
        assert count(Suggestion) == 0
    else:
        assert "What happens next" in page
        [saved] = db.session.scalars(select(Suggestion)).all()
        assert saved.text == data["text"]


def test_an_unknown_kind_posted_is_a_400(browser, hub):
    response = browser.submit(URL, {"kind": "spam"}, form_url=f"{URL}?kind=feedback")
    assert response.status_code == 400
    assert count(Suggestion) == 0


def test_a_huge_item_id_posted_is_ignored(browser, hub):
    response = send(
        browser,
        "example_of_use",
        {"item_id": "9" * 30, "text": "Used", "evidence": ""},
    )
    assert response.status_code == 200
    assert "Say which evidence was used" in response.get_data(as_text=True)
    assert count(Suggestion) == 0


def test_a_bot_filling_the_honeypot_gets_the_thank_you_and_nothing_is_saved(browser, hub):
    response = send(browser, "feedback", {"text": "Buy things", "website": "http://spam"})
    assert response.status_code == 200
    assert "What happens next" in response.get_data(as_text=True)
    assert count(Suggestion) == 0
    assert count(AuditEntry) == 0


def test_suggestions_are_rate_limited_per_address(app, browser, hub):
    app.config["SUGGESTION_LIMIT_PER_ADDRESS"] = "3 per hour"
    try:
        token = browser.csrf_token(f"{URL}?kind=feedback")
        for number in range(3):
            response = browser.client.post(
                URL, data={"kind": "feedback", "text": f"Note {number}", "csrf_token": token}
            )
            assert response.status_code == 200
        response = browser.client.post(
            URL, data={"kind": "feedback", "text": "One more", "csrf_token": token}
        )
        assert response.status_code == 429
        assert "Retry-After" in response.headers
        assert browser.get(f"{URL}?kind=feedback").status_code == 200  # reading still works
    finally:
        del app.config["SUGGESTION_LIMIT_PER_ADDRESS"]
    assert count(Suggestion) == 3


def test_a_signed_in_suggester_is_recorded(browser, hub):
    person = make_user("sam@example.org", (Role.CONTRIBUTOR,))
    browser.sign_in(person.email)
    send(browser, "feedback", {"text": "Good hub"})
    [saved] = db.session.scalars(select(Suggestion)).all()
    assert saved.user_id == person.id


# --- moderation -----------------------------------------------------------------------------


def _suggest(collection, kind="feedback", **fields) -> Suggestion:
    suggestion = Suggestion(collection_id=collection.id, kind=kind, **fields)
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def test_accepting_new_evidence_makes_a_draft_that_goes_to_the_panel(
    browser, hub, moderator, mailbox
):
    collection, _ = hub
    suggestion = _suggest(
        collection,
        "new_evidence",
        title="Rural carers' study",
        text="It matters",
        link="https://doi.org/10.5555/Rural.1",
        topic_id=term("topic", "unpaid-carers").id,
        email="suggester@example.org",
    )
    browser.sign_in(moderator.email)
    page = browser.get(f"/review/evidence/suggestions/{suggestion.id}").get_data(as_text=True)
    assert 'value="Rural carers&#39; study"' in page  # pre-filled
    assert problems(page) == []
    response = browser.submit(
        f"/review/evidence/suggestions/{suggestion.id}/accept",
        {
            "title": "Rural carers' study",
            "summary": "It matters",
            "link": suggestion.link,
            "published_year": "2023",
        },
        form_url=f"/review/evidence/suggestions/{suggestion.id}",
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Suggestion, suggestion.id)
    item = db.session.get(EvidenceItem, saved.created_item_id)
    assert saved.status == "accepted" and saved.decided_by_id == moderator.id
    assert item.status == "draft" and item.source == "suggestion"
    assert item.doi == "10.5555/rural.1" and item.published_year == 2023
    assert response.headers["Location"].endswith(f"/review/evidence/items/{item.id}")
    [message] = mailbox.to("suggester@example.org")
    assert "accepted" in message["Subject"] or "used it" in message["Subject"]
    assert "once they both agree, it appears in the hub" in mailbox.text(message)
    assert "evidence.suggestion_accepted" in actions()


def test_accepting_an_example_of_use_publishes_it_on_its_item(browser, hub, moderator, mailbox):
    collection, item = hub
    suggestion = _suggest(
        collection,
        "example_of_use",
        title="Kent",
        text="Used in the carers' strategy",
        item_id=item.id,
        email="user@example.org",
    )
    browser.sign_in(moderator.email)
    response = browser.submit(
        f"/review/evidence/suggestions/{suggestion.id}/accept",
        {
            "item_id": str(item.id),
            "organisation": "Kent",
            "text": "Used in the strategy",
            "link": "",
        },
        form_url=f"/review/evidence/suggestions/{suggestion.id}",
    )
    assert response.status_code == 302
    [example] = catalogue.examples_of_use(item)
    assert example.organisation == "Kent" and example.suggestion_id == suggestion.id
    from cpweek.audit import AuditEntry

    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "evidence.suggestion_accepted")
    )
    assert entry.after == {"status": "accepted", "example_id": example.id, "item_id": item.id}
    [message] = mailbox.to("user@example.org")
    assert item.title in mailbox.text(message)


@pytest.mark.parametrize("item_id", ["99999999999999999999", "0", "abc"])
def test_an_example_of_use_needs_a_real_included_item(browser, hub, moderator, item_id):
    collection, _ = hub
    suggestion = _suggest(collection, "example_of_use", text="Used somewhere")
    browser.sign_in(moderator.email)
    response = browser.submit(
        f"/review/evidence/suggestions/{suggestion.id}/accept",
        {"item_id": item_id, "text": "Used"},
        form_url=f"/review/evidence/suggestions/{suggestion.id}",
    )
    assert response.status_code == 200
    assert "There is a problem" in response.get_data(as_text=True)
    assert count(ExampleOfUse) == 0
    assert db.session.get(Suggestion, suggestion.id).status == "pending"


def test_a_gap_is_noted_with_a_reply(browser, hub, moderator, mailbox):
    collection, _ = hub
    suggestion = _suggest(collection, "gap", text="Nothing on Wales", email="g@example.org")
    browser.sign_in(moderator.email)
    browser.submit(
        f"/review/evidence/suggestions/{suggestion.id}/accept",
        {"reply": "We are looking for studies from Wales."},
        form_url=f"/review/evidence/suggestions/{suggestion.id}",
    )
    db.session.expire_all()
    saved = db.session.get(Suggestion, suggestion.id)
    assert saved.status == "accepted" and saved.response.startswith("We are looking")
    [message] = mailbox.to("g@example.org")
    assert "We are looking for studies from Wales." in mailbox.text(message)


def test_declining_needs_a_reason_and_tells_the_suggester(browser, hub, moderator, mailbox):
    collection, _ = hub
    suggestion = _suggest(collection, text="Off topic", email="d@example.org")
    browser.sign_in(moderator.email)
    url = f"/review/evidence/suggestions/{suggestion.id}"
    response = browser.submit(f"{url}/decline", {"reason": " "}, form_url=url)
    assert response.status_code == 200 and "Give the reason" in response.get_data(as_text=True)
    assert db.session.get(Suggestion, suggestion.id).status == "pending"
    assert mailbox.to("d@example.org") == []
    response = browser.submit(f"{url}/decline", {"reason": "Not about care"}, form_url=url)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Suggestion, suggestion.id).status == "declined"
    [message] = mailbox.to("d@example.org")
    assert "Not about care" in mailbox.text(message)
    assert "Not about care" in mailbox.html(message)
    # A second click finds it decided and changes nothing.
    response = browser.submit(f"{url}/decline", {"reason": "Again"}, form_url=url)
    assert "already been declined" in response.get_data(as_text=True)
    assert actions().count("evidence.suggestion_declined") == 1


def test_merging_a_duplicate(browser, hub, moderator, mailbox):
    collection, _ = hub
    first = _suggest(collection, text="Wales")
    other_hub = make_collection(slug="other", title="Other hub")
    elsewhere = _suggest(other_hub, text="Elsewhere")
    duplicate = _suggest(collection, text="Wales again", email="dup@example.org")
    browser.sign_in(moderator.email)
    url = f"/review/evidence/suggestions/{duplicate.id}"
    response = browser.submit(f"{url}/merge", {"into": str(elsewhere.id)}, form_url=url)
    assert response.status_code == 200
    response = browser.submit(f"{url}/merge", {"into": "9" * 30}, form_url=url)
    assert response.status_code == 200
    response = browser.submit(f"{url}/merge", {"into": str(first.id)}, form_url=url)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Suggestion, duplicate.id)
    assert saved.status == "merged" and saved.merged_into_id == first.id
    assert len(mailbox.to("dup@example.org")) == 1
    assert "evidence.suggestion_merged" in actions()


def test_no_email_is_sent_without_an_address(browser, hub, moderator, mailbox):
    collection, _ = hub
    suggestion = _suggest(collection, text="Anonymous")
    browser.sign_in(moderator.email)
    url = f"/review/evidence/suggestions/{suggestion.id}"
    browser.submit(f"{url}/decline", {"reason": "Duplicate"}, form_url=url)
    assert mailbox.messages == []


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, None])
def test_only_co_producers_and_organisers_moderate(browser, hub, role):
    collection, _ = hub
    suggestion = _suggest(collection, text="Hello")
    person = make_user("p@example.org", (role,) if role else ())
    browser.sign_in(person.email)
    url = f"/review/evidence/suggestions/{suggestion.id}"
    assert browser.get(url).status_code == 403
    assert browser.submit(f"{url}/decline", {"reason": "x"}, form_url="/").status_code == 403
    assert db.session.get(Suggestion, suggestion.id).status == "pending"
    with pytest.raises(suggestions.EvidenceError):
        suggestions.decline(suggestion, "x", person)
    db.session.rollback()


def test_the_queue_lists_pending_suggestions_oldest_first(browser, hub, moderator):
    collection, _ = hub
    _suggest(collection, text="First one")
    _suggest(collection, text="Second one")
    _suggest(collection, text="Done already", status="declined")
    browser.sign_in(moderator.email)
    page = browser.get(f"/review/evidence/{SLUG}/").get_data(as_text=True)
    assert page.index("First one") < page.index("Second one")
    assert "Done already" not in page


# --- the ledger's offer ---------------------------------------------------------------------


def test_an_accepted_contributor_is_offered_an_involvement_entry(browser, hub, moderator):
    from cpweek.reciprocity import services as ledger
    from cpweek.reciprocity.models import Involvement

    collection, _ = hub
    contributor = make_user("priya@example.org", (Role.CONTRIBUTOR,))
    suggestion = _suggest(collection, text="A gap in Wales", kind="gap", user_id=contributor.id)
    assert ledger.suggestion_prompts(contributor) == []  # pending: nothing offered
    suggestions.note(suggestion, "", moderator)
    db.session.commit()
    [prompt] = ledger.suggestion_prompts(contributor)
    assert prompt.suggestion_id == suggestion.id
    assert count(Involvement) == 0  # nothing logged without them

    browser.sign_in(contributor.email)
    home = browser.get("/involvement/").get_data(as_text=True)
    assert "accepted your suggestion" in home and problems(home) == []
    page = browser.get(f"/involvement/log?suggestion={suggestion.id}").get_data(as_text=True)
    assert f"Evidence suggestion #{suggestion.id} to the Care Equity Evidence Hub" in page
    assert browser.get("/involvement/log?suggestion=424242").status_code == 404
    assert count(Involvement) == 0


def test_attendees_and_organisers_get_no_ledger_offer(hub, moderator):
    from cpweek.reciprocity import services as ledger

    collection, _ = hub
    attendee = make_user("a@example.org")
    suggestion = _suggest(collection, text="Feedback", user_id=attendee.id)
    suggestions.note(suggestion, "", moderator)
    assert ledger.suggestion_prompts(attendee) == []
