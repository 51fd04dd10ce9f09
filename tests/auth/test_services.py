"""The account rules, tested without HTTP."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from cpweek.audit import AuditEntry
from cpweek.auth import services
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from tests.factories import PASSWORD, expired_reset_token, make_user


def test_sign_up_stores_a_normalised_email_and_a_scrypt_hash():
    user = services.sign_up("  Aisha Khan ", "  Aisha.Khan@Example.ORG ", "lantern orchard pebble")
    assert user.email == "aisha.khan@example.org"
    assert user.name == "Aisha Khan"
    assert user.password_hash.startswith("scrypt:")
    assert "lantern" not in user.password_hash
    assert user.roles == {Role.ATTENDEE}


def test_an_email_cannot_have_two_accounts_whatever_its_case():
    services.sign_up("A", "dup@example.org", "lantern orchard pebble")
    with pytest.raises(services.EmailInUse) as raised:
        services.sign_up("B", "DUP@example.org", "another good passphrase")
    assert raised.value.field == "email"
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_sign_up_for_a_registration_only_address_must_be_confirmed_by_email(mailbox):
    record = make_user(email="phoned@example.org", password=None)
    with pytest.raises(services.ConfirmByEmail, match="emailed it a link"):
        services.sign_up("Intruder", "phoned@example.org", "lantern orchard pebble")
    db.session.refresh(record)
    assert record.password_hash is None and record.name == "Test Person"
    [message] = mailbox.to("phoned@example.org")
    token = mailbox.text(message).split("/password-reset/")[1].split()[0]
    services.reset_password(token, "owner chooses this")
    assert services.authenticate("phoned@example.org", "owner chooses this").id == record.id


@pytest.mark.parametrize(
    "password, expected",
    [
        ("short", "at least 10 characters"),
        ("1234567890", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("x" * 129, "128 characters or fewer"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason(password, expected):
    with pytest.raises(services.WeakPassword) as raised:
        services.sign_up("Sam", "sam@example.org", password)
    assert expected in raised.value.message
    assert db.session.scalar(select(User)) is None


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


def test_changing_the_password_ends_other_sessions():
    user = make_user()
    old_session = user.get_id()
    assert services.load_session_user(old_session).id == user.id
    services.change_password(user, PASSWORD, "new long passphrase")
    assert services.load_session_user(old_session) is None
    assert services.load_session_user(user.get_id()).id == user.id
    assert services.authenticate(user.email, "new long passphrase") is not None


def test_change_password_needs_the_current_one():
    user = make_user()
    with pytest.raises(services.WrongPassword):
        services.change_password(user, "not my password", "new long passphrase")


@pytest.mark.parametrize("value", ["", "abc", "1", "1:x", ":1", "99999:0", "1:0:0"])
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


def test_reset_for_an_unknown_email_sends_nothing(mailbox):
    services.request_password_reset("stranger@example.org")
    services.request_password_reset("not an email at all")
    assert mailbox.messages == []


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
        {"uid": user.id, "fp": services._password_fingerprint(user)}
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
    db.session.expire_all()
    assert person.roles == {Role.ATTENDEE, Role.CO_PRODUCER, Role.CONTRIBUTOR}
    assert {g.granted_by_id for g in person.grants} == {admin.id}
    services.set_roles(admin, person, {Role.CONTRIBUTOR})
    db.session.expire_all()
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
    db.session.expire_all()
    assert admin.has_role(Role.ADMIN)
    second = make_user(roles=(Role.ADMIN,))
    services.set_roles(second, admin, set())
    db.session.expire_all()
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
