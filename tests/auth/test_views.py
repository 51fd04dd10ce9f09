"""Accounts through the browser: sign up, sign in, reset, roles; and what bad input gets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cpweek.auth import services
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from tests.factories import PASSWORD, expired_reset_token, make_user


def _page(response) -> str:
    return response.get_data(as_text=True)


def _comparable(page: str, typed: str) -> str:
    return re.sub(r'value="[^"]{40,}"', "", page.replace(typed, ""))


def test_sign_up_creates_an_account_and_signs_in(browser):
    response = browser.submit(
        "/sign-up",
        {
            "name": "Aisha Khan",
            "email": "aisha@example.org",
            "password": "lantern orchard pebble",
            "confirm": "lantern orchard pebble",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = _page(browser.get("/account"))
    assert "Aisha Khan" in page and "aisha@example.org" in page


def test_sign_up_errors_are_shown_in_the_summary_and_by_the_field_keeping_what_was_typed(browser):
    make_user(email="taken@example.org")
    response = browser.submit(
        "/sign-up",
        {
            "name": "Sam <b>Bold</b>",
            "email": "taken@example.org",
            "password": "lantern orchard pebble",
            "confirm": "lantern orchard pebble",
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#email">There is already an account with this email address' in page
    assert 'id="email-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Sam &lt;b&gt;Bold&lt;/b&gt;"' in page  # kept, and escaped
    assert 'value="taken@example.org"' in page
    assert "<title>Error: Create an account" in page
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_sign_up_with_a_weak_password_and_mismatched_confirmation(browser):
    page = _page(
        browser.submit(
            "/sign-up",
            {
                "name": "Sam",
                "email": "sam@example.org",
                "password": "short",
                "confirm": "different",
            },
        )
    )
    assert "Password must be at least 10 characters" in page
    assert "The two passwords are not the same" in page
    assert "sam@example.org" in page


@pytest.mark.parametrize(
    "name, email",
    [
        ("x" * 5000, "long@example.org"),
        ("Zoë Ødegård 王小明 🌻", "zoe@example.org"),
        ("<script>alert(1)</script>", "html@example.org"),
        ("Robert'); DROP TABLE users;--", "sql@example.org"),
        ("Sam", "x" * 400 + "@example.org"),
        ("Sam", "sam @example.org"),
        ("\x00\x01", "nul@example.org"),
    ],
)
def test_hostile_sign_up_input_never_errors(browser, name, email):
    response = browser.submit(
        "/sign-up",
        {
            "name": name,
            "email": email,
            "password": "lantern orchard pebble",
            "confirm": "lantern orchard pebble",
        },
    )
    assert response.status_code in (200, 302)
    assert "<script>alert(1)</script>" not in _page(response)
    if response.status_code == 200:
        assert "There is a problem" in _page(response)


def test_unicode_names_are_kept_exactly(browser):
    browser.submit(
        "/sign-up",
        {
            "name": "Zoë Ødegård 王小明",
            "email": "zoe@example.org",
            "password": "lantern orchard pebble",
            "confirm": "lantern orchard pebble",
        },
    )
    assert db.session.scalar(select(User.name)) == "Zoë Ødegård 王小明"


def test_sign_in_does_not_say_whether_the_email_has_an_account(browser):
    make_user(email="known@example.org")
    wrong_password = _page(
        browser.submit("/sign-in", {"email": "known@example.org", "password": "nope nope nope"})
    )
    unknown_email = _page(
        browser.submit("/sign-in", {"email": "unknown@example.org", "password": "nope nope nope"})
    )
    message = "The email address or password is not right"
    assert message in wrong_password and message in unknown_email
    # Apart from the address typed and the CSRF token, the two answers are the same page.
    assert _comparable(wrong_password, "known@example.org") == _comparable(
        unknown_email, "unknown@example.org"
    )


def test_remember_me_sets_a_lasting_secure_http_only_cookie(browser):
    make_user(email="keep@example.org")
    response = browser.sign_in("keep@example.org", PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "Expires=" in remember[0]


def test_without_remember_me_there_is_no_lasting_cookie(browser):
    make_user(email="once@example.org")
    response = browser.sign_in("once@example.org")
    assert not [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")
    ]


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/account", "/account"),
        ("/2027/?day=1", "/2027/?day=1"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("http:/evil.example", "/"),
        ("/%0d%0aSet-Cookie:x", "/%0d%0aSet-Cookie:x"),
    ],
)
def test_sign_in_next_never_leaves_the_site(browser, target, expected):
    make_user(email="next@example.org")
    from urllib.parse import quote

    response = browser.submit(
        f"/sign-in?next={quote(target, safe='')}",
        {"email": "next@example.org", "password": PASSWORD},
        form_url="/sign-in",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_protected_page_returns_after_sign_in(browser):
    make_user(email="back@example.org")
    response = browser.get("/account")
    assert response.headers["Location"] == "/sign-in?next=%2Faccount"
    response = browser.submit(
        "/sign-in?next=%2Faccount",
        {"email": "back@example.org", "password": PASSWORD},
        form_url="/sign-in",
    )
    assert response.headers["Location"] == "/account"


def test_sign_out_needs_a_post_with_a_csrf_token(browser):
    make_user(email="out@example.org")
    browser.sign_in("out@example.org")
    assert browser.get("/sign-out").status_code == 405
    assert browser.client.post("/sign-out").status_code == 400  # no token: refused
    assert browser.get("/account").status_code == 200
    assert browser.sign_out().status_code == 302
    assert browser.get("/account").status_code == 302


def test_a_form_without_a_csrf_token_is_refused_with_a_clear_page(client):
    make_user(email="csrf@example.org")
    response = client.post("/sign-in", data={"email": "csrf@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "The form had expired" in _page(response)


def test_repeated_failed_sign_ins_are_rate_limited(app, browser):
    make_user(email="target@example.org")
    for _ in range(5):
        response = browser.submit(
            "/sign-in", {"email": "target@example.org", "password": "guess guess guess"}
        )
        assert response.status_code == 200
    response = browser.submit("/sign-in", {"email": "target@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in _page(response)
    # Another account from the same address is not locked by those failures.
    make_user(email="colleague@example.org")
    assert browser.sign_in("colleague@example.org").status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(browser):
    make_user(email="often@example.org")
    for _ in range(7):
        assert browser.sign_in("often@example.org").status_code == 302
        browser.sign_out()


def test_password_reset_by_email_from_start_to_finish(browser, mailbox):
    make_user(email="forgot@example.org", name="Forgetful")
    response = browser.submit("/password-reset", {"email": "forgot@example.org"})
    assert "If <strong>forgot@example.org</strong> has an account" in _page(response)
    link = (
        mailbox.text(mailbox.to("forgot@example.org")[0]).split("http://cpweek.test")[1].split()[0]
    )
    assert "Choose a new password" in _page(browser.get(link))
    response = browser.submit(
        link, {"password": "fresh new passphrase", "confirm": "fresh new passphrase"}
    )
    assert response.headers["Location"] == "/sign-in"
    assert browser.sign_in("forgot@example.org", "fresh new passphrase")
    again = browser.get(link)
    assert again.status_code == 400 and "already been used" in _page(again)


def test_reset_request_for_unknown_email_looks_the_same(browser, mailbox):
    page = _page(browser.submit("/password-reset", {"email": "ghost@example.org"}))
    assert "If <strong>ghost@example.org</strong> has an account" in page
    assert mailbox.messages == []


def test_expired_and_tampered_reset_links_get_clear_pages(browser, monkeypatch):
    user = make_user()
    expired = expired_reset_token(user, monkeypatch)
    page = _page(browser.get(f"/password-reset/{expired}"))
    assert "This password reset link has expired" in page and 'id="email"' in page
    tampered = services.make_reset_token(user)[:-3] + "abc"
    response = browser.get(f"/password-reset/{tampered}")
    assert response.status_code == 400 and "This password reset link is not valid" in _page(
        response
    )
    assert browser.get("/password-reset/" + "A" * 3000).status_code == 400


def test_change_password_signs_out_other_devices(app, browser):
    make_user(email="two@example.org")
    browser.sign_in("two@example.org")
    other_device = type(browser)(app.test_client())
    other_device.sign_in("two@example.org")
    response = browser.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "better passphrase now",
            "confirm": "better passphrase now",
        },
    )
    assert response.headers["Location"] == "/account"
    assert browser.get("/account").status_code == 200  # this device stays signed in
    assert other_device.get("/account").status_code == 302  # the other is signed out


def test_change_password_with_the_wrong_current_password(browser):
    make_user(email="wrong@example.org")
    browser.sign_in("wrong@example.org")
    page = _page(
        browser.submit(
            "/account/password",
            {
                "current_password": "not it at all",
                "password": "better passphrase now",
                "confirm": "better passphrase now",
            },
        )
    )
    assert '<a href="#current_password">Your current password is not right' in page


def test_admin_grants_roles_from_the_page(browser):
    admin = make_user(email="boss@example.org", roles=(Role.ADMIN,))
    person = make_user(email="helper@example.org", name="Helper Person")
    browser.sign_in(admin.email)
    page = _page(browser.get("/admin/people?q=helper"))
    assert "Helper Person" in page and "boss@example.org" not in page
    response = browser.submit(f"/admin/people/{person.id}", {"roles": ["co_producer", "organiser"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == {
        Role.ATTENDEE,
        Role.CO_PRODUCER,
        Role.ORGANISER,
    }
    page = _page(browser.get(f"/admin/people/{person.id}"))
    assert 'checked id="roles-1" name="roles" type="checkbox" value="co_producer"' in page
    assert 'id="roles-0" name="roles" type="checkbox" value="contributor"' in page


def test_admin_cannot_remove_the_last_admin_and_is_told_why(browser):
    admin = make_user(email="only@example.org", roles=(Role.ADMIN,))
    browser.sign_in(admin.email)
    page = _page(browser.submit(f"/admin/people/{admin.id}", {}))
    assert "This is the only admin" in page
    assert db.session.get(User, admin.id).has_role(Role.ADMIN)


def test_unknown_roles_and_people_are_refused(browser):
    admin = make_user(email="root@example.org", roles=(Role.ADMIN,))
    browser.sign_in(admin.email)
    page = _page(browser.submit(f"/admin/people/{admin.id}", {"roles": ["admin", "emperor"]}))
    assert "There is a problem" in page
    assert browser.get("/admin/people/999999").status_code == 404
    assert browser.get("/admin/people/99999999999999999999999").status_code == 404
    assert browser.get("/admin/people?page=-3&q=" + "%" * 500).status_code == 200
    assert browser.get("/admin/people?page=abc").status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/people?q=%00", "/2025/events/a%00b", "/%00/", "/sign-in?next=/%00"]
)
def test_control_characters_in_urls_are_a_clear_400(browser, url):
    admin = make_user(email="nul-admin@example.org", roles=(Role.ADMIN,))
    browser.sign_in(admin.email)
    response = browser.get(url)
    assert response.status_code in (400, 404)
    assert (
        "Something in that request was not right" in _page(response) or response.status_code == 404
    )


def test_control_characters_in_form_fields_are_dropped(browser):
    browser.submit(
        "/sign-up",
        {
            "name": "Nu\x00ll Byte",
            "email": "nul@example.org",
            "password": "lantern orchard pebble",
            "confirm": "lantern orchard pebble",
        },
    )
    assert db.session.scalar(select(User.name)) == "Null Byte"


def test_sign_ups_from_one_address_are_rate_limited(browser):
    token = browser.csrf_token("/sign-up")
    for _ in range(20):
        response = browser.client.post("/sign-up", data={"csrf_token": token, "name": "Bot"})
        assert response.status_code == 200
    response = browser.client.post("/sign-up", data={"csrf_token": token, "name": "Bot"})
    assert response.status_code == 429 and "Too many attempts" in _page(response)


def test_signing_up_with_a_registration_only_address_asks_its_owner(browser, mailbox):
    make_user(email="registered@example.org", password=None)
    page = _page(
        browser.submit(
            "/sign-up",
            {
                "name": "Someone",
                "email": "registered@example.org",
                "password": "lantern orchard pebble",
                "confirm": "lantern orchard pebble",
            },
        )
    )
    assert "You have registered for events with this address before" in page
    assert browser.get("/account").status_code == 302  # not signed in
    assert len(mailbox.to("registered@example.org")) == 1
