"""The account rules, tested without HTTP."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth import services
from cpweek.auth.models import Role, User, UserSession
from cpweek.auth.services import links, sessions
from cpweek.extensions import db
from cpweek.timezones import utcnow
from tests.factories import PASSWORD, expired_reset_token, make_user


def _sign_up_link(mailbox, address: str) -> str:
    [message] = mailbox.to(address)
    return mailbox.text(message).split("/sign-up/")[1].split()[0]


def test_sign_up_emails_a_link_and_the_link_makes_the_account(mailbox):
    services.sign_up("  Aisha Khan ", "  Aisha.Khan@Example.ORG ")
    assert db.session.scalar(select(User)) is None  # nothing until the owner opens the link
    token = _sign_up_link(mailbox, "aisha.khan@example.org")
    assert services.sign_up_details(token).name == "Aisha Khan"
    user = services.finish_sign_up(token, "lantern orchard pebble")
    db.session.flush()
    assert user.email == "aisha.khan@example.org"
    assert user.name == "Aisha Khan"
    assert user.password_hash.startswith("scrypt:")
    assert "lantern" not in user.password_hash
    assert user.roles == {Role.ATTENDEE}
    with pytest.raises(services.SignUpLinkInvalid, match="already been used"):
        services.finish_sign_up(token, "another good passphrase")


def test_the_name_typed_at_sign_up_never_reaches_the_inbox(mailbox):
    # A stranger can type any address: their words must not be mailed to its owner.
    services.sign_up("Visit evil.example now", "owner@example.org")
    [message] = mailbox.to("owner@example.org")
    assert "evil.example" not in mailbox.text(message)
    assert "evil.example" not in mailbox.html(message)


def test_an_email_cannot_have_two_accounts_whatever_its_case(mailbox):
    services.sign_up("A", "dup@example.org")
    services.sign_up("B", "DUP@example.org")
    first, second = (
        mailbox.text(m).split("/sign-up/")[1].split()[0] for m in mailbox.to("dup@example.org")
    )
    services.finish_sign_up(first, "lantern orchard pebble")
    db.session.commit()
    with pytest.raises(services.SignUpLinkInvalid):
        services.finish_sign_up(second, "another good passphrase")
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_sign_up_for_a_registration_only_address_must_be_confirmed_by_email(mailbox):
    record = make_user(email="phoned@example.org", password=None)
    services.sign_up("Intruder", "phoned@example.org")
    db.session.refresh(record)
    assert record.password_hash is None and record.name == "Test Person"
    [message] = mailbox.to("phoned@example.org")
    assert "registered for events with it before" in mailbox.text(message)
    token = mailbox.text(message).split("/password-reset/")[1].split()[0]
    services.reset_password(token, "owner chooses this")
    assert services.authenticate("phoned@example.org", "owner chooses this").id == record.id


def test_sign_up_for_an_address_with_an_account_tells_its_owner_and_changes_nothing(mailbox):
    user = make_user(email="has@example.org", name="Hana")
    services.sign_up("Someone Else", "has@example.org")
    [message] = mailbox.to("has@example.org")
    text = mailbox.text(message)
    assert "Hello Hana" in text and "you already have one" in text
    assert "http://cpweek.test/sign-in" in text and "/password-reset/" in text
    db.session.refresh(user)
    assert services.authenticate("has@example.org", PASSWORD).id == user.id


def test_a_link_opened_after_registering_for_an_event_completes_that_record(mailbox):
    services.sign_up("Typed Name", "later@example.org")
    token = _sign_up_link(mailbox, "later@example.org")
    record = make_user(email="later@example.org", name="Registered Name", password=None)
    user = services.finish_sign_up(token, "lantern orchard pebble")
    assert user.id == record.id and user.name == "Registered Name" and user.has_password


def test_bad_sign_up_links_say_what_to_do(mailbox, monkeypatch):
    with pytest.raises(services.SignUpLinkInvalid, match="not valid"):
        services.sign_up_details("nonsense")
    forged = URLSafeTimedSerializer("not our key", salt=services.SIGN_UP_SALT).dumps(
        {"email": "x@example.org", "name": "X", "next": None}
    )
    with pytest.raises(services.SignUpLinkInvalid, match="not valid"):
        services.sign_up_details(forged)
    two_hours_ago = time.time() - 7200
    with monkeypatch.context() as patched:
        patched.setattr("itsdangerous.timed.time.time", lambda: two_hours_ago)
        services.sign_up("Old", "old@example.org")
        db.session.flush()
    with pytest.raises(services.SignUpLinkInvalid, match="expired"):
        services.sign_up_details(_sign_up_link(mailbox, "old@example.org"))


@pytest.mark.parametrize(
    "password, expected",
    [
        ("short", "at least 10 characters"),
        ("1234567890", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("x" * 129, "128 characters or fewer"),
        ("samsmith123", "too easy to guess"),  # the address itself
    ],
)
def test_weak_passwords_are_refused_with_a_reason(mailbox, password, expected):
    services.sign_up("Sam", "samsmith123@example.org")
    token = _sign_up_link(mailbox, "samsmith123@example.org")
    with pytest.raises(services.WeakPassword) as raised:
        services.finish_sign_up(token, password)
    assert expected in raised.value.message
    assert db.session.scalar(select(User)) is None
    assert services.sign_up_details(token).email == "samsmith123@example.org"  # still usable


def test_a_password_equal_to_the_email_is_refused():
    assert services.password_problems("sam.smith@example.org", "sam.smith@example.org")
    assert services.password_problems("samsmith123", "samsmith123@example.org")


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Enter your email address"),
        ("name @example.org", "cannot contain spaces"),
        ("not-an-email", "correct format"),
        ("a@b", "correct format"),
        ("<script>@example.org", "correct format"),
    ],
)
def test_bad_email_addresses_get_a_clear_message(email, message):
    with pytest.raises(services.InvalidEmail) as raised:
        services.normalise_email(email)
    assert message in raised.value.message


def test_authenticate_accepts_the_right_password_only():
    user = make_user(email="jo@example.org")
    assert services.authenticate("JO@example.org", PASSWORD).id == user.id
    assert services.authenticate("jo@example.org", "wrong password here") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    assert services.authenticate("not an email", PASSWORD) is None
    assert make_user(email="nopass@example.org", password=None)
    assert services.authenticate("nopass@example.org", "") is None


def _session_id(user: User) -> str:
    """A new signed-in browser for `user`, as the cookie names it."""
    services.start_session(user, remembered=False)
    session_id = user.get_id()
    db.session.commit()
    return session_id


def _sessions_of(user: User) -> int:
    return db.session.scalar(
        select(db.func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


def test_a_session_is_stored_by_the_hash_of_its_token():
    user = make_user()
    session_id = _session_id(user)
    token = session_id.rsplit(":", 1)[1]
    row = db.session.scalar(select(UserSession))
    assert len(token) >= 40 and token not in row.token_hash
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    loaded = services.load_session_user(session_id)
    assert loaded.id == user.id and loaded.current_session.id == row.id
    # Without the token, the user's id and login version open nothing.
    assert services.load_session_user(f"{user.id}:0:") is None
    assert services.load_session_user(f"{user.id}:0") is None


def test_ending_a_session_signs_out_that_browser_only():
    user = make_user()
    here, there = _session_id(user), _session_id(user)
    services.end_session(services.load_session_user(here))
    db.session.commit()
    assert services.load_session_user(here) is None
    assert services.load_session_user(there).id == user.id


def test_ending_every_session_signs_out_everywhere():
    user, other = make_user(), make_user()
    ids = [_session_id(user), _session_id(user)]
    elsewhere = _session_id(other)
    services.end_sessions(user)
    db.session.commit()
    assert all(services.load_session_user(session_id) is None for session_id in ids)
    assert services.load_session_user(elsewhere).id == other.id


def test_changing_the_password_ends_other_sessions_but_keeps_this_one():
    user = make_user()
    other = _session_id(user)
    this = _session_id(user)
    current = services.load_session_user(this)
    services.change_password(current, PASSWORD, "new long passphrase")
    db.session.commit()
    assert _sessions_of(user) == 1
    assert services.load_session_user(other) is None
    # This browser's session stays; its cookie is re-issued with the new login version.
    assert services.load_session_user(user.get_id()).id == user.id
    assert services.authenticate(user.email, "new long passphrase") is not None


def test_a_password_reset_ends_every_session():
    user = make_user()
    ids = [_session_id(user), _session_id(user)]
    services.reset_password(services.make_reset_token(user), "brand new passphrase")
    db.session.commit()
    assert _sessions_of(user) == 0
    assert all(services.load_session_user(session_id) is None for session_id in ids)


def test_changing_roles_keeps_people_signed_in():
    admin, person = make_user(roles=(Role.ADMIN,)), make_user()
    session_id = _session_id(person)
    services.set_roles(admin, person, {Role.ORGANISER})
    db.session.commit()
    assert services.load_session_user(session_id).has_role(Role.ORGANISER)


def test_old_sessions_are_refused_and_removed_at_the_next_sign_in(monkeypatch):
    user, other = make_user(), make_user()
    old = _session_id(user)
    others_old = _session_id(other)
    later = utcnow() + services.session_lifetime() + timedelta(minutes=1)
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    assert services.load_session_user(old) is None
    assert _sessions_of(user) == 1  # still there until they sign in again
    _session_id(user)
    assert _sessions_of(user) == 1  # the old one went when the new one came
    assert _sessions_of(other) == 1  # someone else's are theirs to clear
    assert services.load_session_user(others_old) is None


def test_last_seen_is_written_every_few_minutes_not_every_request(monkeypatch):
    user = make_user()
    session_id = _session_id(user)
    row = db.session.scalar(select(UserSession))
    first_seen = row.last_seen_at
    soon = first_seen + timedelta(minutes=1)
    monkeypatch.setattr(sessions, "utcnow", lambda: soon)
    services.load_session_user(session_id)
    assert row.last_seen_at == first_seen and not db.session.dirty
    later = first_seen + services.LAST_SEEN_EVERY
    monkeypatch.setattr(sessions, "utcnow", lambda: later)
    services.load_session_user(session_id)
    assert row.last_seen_at == later


def test_change_password_needs_the_current_one():
    user = make_user()
    with pytest.raises(services.WrongPassword):
        services.change_password(user, "not my password", "new long passphrase")


@pytest.mark.parametrize(
    "value",
    ["", "abc", "1", "1:x", ":1", "99999:0", "1:0:0", "1:0:", "x:0:abc", "9" * 40 + ":0:abc"],
)
def test_session_loader_ignores_rubbish(value):
    assert services.load_session_user(value) is None


# --- password reset -----------------------------------------------------------------------


def test_reset_link_is_emailed_and_works_once(mailbox):
    user = make_user(email="reset@example.org", name="Rosa")
    services.request_password_reset("Reset@Example.org")
    [message] = mailbox.to("reset@example.org")
    text = mailbox.text(message)
    assert "Hello Rosa" in text and "http://cpweek.test/password-reset/" in text
    assert "020 7946 0123" in text  # every mail says how to get help by phone
    token = text.split("/password-reset/")[1].split()[0]
    services.reset_password(token, "brand new passphrase")
    assert services.authenticate(user.email, "brand new passphrase") is not None
    with pytest.raises(services.ResetLinkInvalid) as raised:
        services.reset_password(token, "another new passphrase")
    assert "already been used" in raised.value.message


def test_reset_for_an_unknown_email_says_no_account_uses_it_and_how_to_make_one(mailbox):
    services.request_password_reset("Stranger@Example.org")
    [message] = mailbox.to("stranger@example.org")
    text = mailbox.text(message)
    assert "no account uses it" in text and "http://cpweek.test/sign-up" in text
    assert "/password-reset/" not in text
    with pytest.raises(services.InvalidEmail):
        services.request_password_reset("not an email at all")


def test_an_expired_reset_link_says_so(app, monkeypatch):
    user = make_user()

    token = expired_reset_token(user, monkeypatch)
    with pytest.raises(services.ResetLinkExpired) as raised:
        services.user_for_reset_token(token)
    assert "expired" in raised.value.message


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "", lambda t: "." * 500]
)
def test_a_tampered_reset_link_is_refused(mangle):
    token = services.make_reset_token(make_user())
    with pytest.raises(services.ResetLinkInvalid):
        services.user_for_reset_token(mangle(token))


def test_a_reset_link_signed_with_another_key_is_refused():
    user = make_user()
    forged = URLSafeTimedSerializer("not our key", salt=services.RESET_SALT).dumps(
        {"uid": user.id, "fp": links._password_fingerprint(user)}
    )
    with pytest.raises(services.ResetLinkInvalid):
        services.user_for_reset_token(forged)


def test_a_weak_new_password_leaves_the_link_usable():
    user = make_user()
    token = services.make_reset_token(user)
    with pytest.raises(services.WeakPassword):
        services.reset_password(token, "short")
    assert services.user_for_reset_token(token).id == user.id


# --- roles --------------------------------------------------------------------------------


def test_set_roles_grants_and_revokes_and_is_audited():
    admin = make_user(roles=(Role.ADMIN,))
    person = make_user()
    services.set_roles(admin, person, {Role.CO_PRODUCER, Role.CONTRIBUTOR})
    db.session.commit()  # the test is the unit of work: services never commit
    assert person.roles == {Role.ATTENDEE, Role.CO_PRODUCER, Role.CONTRIBUTOR}
    assert {g.granted_by_id for g in person.grants} == {admin.id}
    services.set_roles(admin, person, {Role.CONTRIBUTOR})
    db.session.commit()
    assert person.roles == {Role.ATTENDEE, Role.CONTRIBUTOR}
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.object_id) for e in entries] == [
        ("roles.set", admin.id, person.id),
        ("roles.set", admin.id, person.id),
    ]
    assert entries[1].before == ["co_producer", "contributor"]
    assert entries[1].after == ["contributor"]


def test_the_last_admin_cannot_be_removed():
    admin = make_user(roles=(Role.ADMIN,))
    with pytest.raises(services.LastAdmin):
        services.set_roles(admin, admin, set())
    db.session.rollback()
    assert admin.has_role(Role.ADMIN)
    second = make_user(roles=(Role.ADMIN,))
    services.set_roles(second, admin, set())
    db.session.commit()
    assert not admin.has_role(Role.ADMIN)


def test_attendee_cannot_be_granted_or_removed():
    admin = make_user(roles=(Role.ADMIN,))
    person = make_user()
    services.set_roles(admin, person, {Role.ATTENDEE})
    assert person.grants == [] and person.roles == {Role.ATTENDEE}


def test_create_admin_makes_a_new_account_or_promotes_one():
    user, created = services.create_admin(
        "First@Example.org", "First Admin", "first admin passphrase"
    )
    assert created and user.email == "first@example.org" and user.has_role(Role.ADMIN)
    existing = make_user(email="later@example.org")
    user, created = services.create_admin("later@example.org", "", None)
    assert not created and user.id == existing.id and user.has_role(Role.ADMIN)
    with pytest.raises(services.WeakPassword):
        services.create_admin("third@example.org", "Third", "short")
    with pytest.raises(services.WeakPassword):
        services.create_admin("fourth@example.org", "Fourth", None)


def test_people_search_matches_name_or_email_and_treats_wildcards_literally():
    make_user(email="amara@example.org", name="Amara Osei")
    make_user(email="ben@example.org", name="Ben 100% Jones")
    make_user(email="cat_dog@example.org", name="Cat")
    people, total = services.search_people("amara")
    assert total == 1 and people[0].name == "Amara Osei"
    assert services.search_people("%")[1] == 1
    assert services.search_people("_")[1] == 1
    assert services.search_people("'; DROP TABLE users; --")[1] == 0
    assert services.search_people("")[1] == 3
    people, total = services.search_people("", page=2, per_page=2)
    assert total == 3 and len(people) == 1
    assert services.search_people("", page=10**9, per_page=50) == ([], 3)
