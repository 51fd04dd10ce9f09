"""The other two stages: a proposer is offered the questions once after sending a proposal,
and a new contributor once after first saving their profile; each invitation knows its edition
and stage only. And answering while signed in writes nothing else in that transaction."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from cpweek.auth.models import Role, UserSession
from cpweek.extensions import db
from cpweek.reports.models import EqualityInvitation, EqualityResponse
from cpweek.reports.services import monitoring
from cpweek.timezones import utcnow
from tests.a11y import problems
from tests.coproduction.conftest import open_call
from tests.factories import make_edition, make_user

OFFER = "Help us see who takes part: answer a few optional questions"
LINK = re.compile(r'<a href="(/equality/[A-Za-z0-9_-]{43})" rel="noreferrer">')
PROPOSAL = {
    "title": "Carers' own evidence",
    "summary": "A workshop.",
    "kind": "workshop",
    "format": "online",
    "length_minutes": "90",
    "lived_experience_involvement": "Led by carers.",
    "lived_experience": "yes",
}
PROFILE = {"preferred_name": "Sam", "preference": "payment", "public_credit": "name"}


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_proposer_is_offered_the_questions_once(browser):
    organiser = make_user(email="organiser@example.org", roles=(Role.ORGANISER,))
    proposer = make_user(email="asha@example.org", name="Asha")
    edition = make_edition(2027)
    open_call(edition, organiser)
    browser.sign_in(proposer.email)
    response = browser.submit("/2027/call/propose", PROPOSAL)
    assert response.status_code == 302
    page = _text(browser.get(response.headers["Location"]))
    assert OFFER in page and "apart from your name and this proposal" in page
    assert problems(page) == []
    [link] = LINK.findall(page)
    assert OFFER not in _text(browser.get(response.headers["Location"]))
    [invitation] = db.session.scalars(select(EqualityInvitation))
    assert (invitation.edition_id, invitation.stage) == (edition.id, "proposal")
    assert browser.submit(link, {"age_band": "35_44", "submit": "1"}).status_code == 302
    assert db.session.scalar(select(EqualityResponse.stage)) == "proposal"


def test_a_new_contributor_is_offered_the_questions_once(browser):
    edition = make_edition(2027)
    contributor = make_user(email="sam@example.org", roles=(Role.CONTRIBUTOR,))
    browser.sign_in(contributor.email)
    response = browser.submit("/involvement/profile", PROFILE)
    assert response.status_code == 302
    page = _text(browser.get(response.headers["Location"]))
    assert OFFER in page and problems(page) == []
    [invitation] = db.session.scalars(select(EqualityInvitation))
    assert (invitation.edition_id, invitation.stage) == (edition.id, "contributor")
    # Saving the profile again offers nothing more.
    browser.submit("/involvement/profile", {**PROFILE, "preferred_name": "Samira"})
    assert OFFER not in _text(browser.get("/involvement/"))
    assert len(db.session.scalars(select(EqualityInvitation)).all()) == 1


def test_answering_while_signed_in_writes_nothing_else(browser):
    """The page never loads the person: had it moved their session's last-seen time in the
    same transaction, the two rows would share one PostgreSQL transaction id (xmin)."""
    person = make_user(email="p@example.org")
    browser.sign_in(person.email)
    token = monitoring.invite(make_edition(2099).id, "proposal")
    db.session.commit()
    url = f"/equality/{token}"
    csrf = browser.csrf_token(url)
    long_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(UserSession).values(last_seen_at=long_ago))
    db.session.commit()
    answered = browser.client.post(url, data={"csrf_token": csrf, "sex": "male", "submit": "1"})
    assert answered.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(UserSession.last_seen_at)) == long_ago
    assert db.session.scalar(select(EqualityResponse.sex)) == "male"
