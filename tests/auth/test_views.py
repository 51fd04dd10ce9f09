"""Accounts through the browser: sign up, sign in, reset, roles; and what bad input gets."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cpweek.auth import services
from cpweek.auth.models import Role, User, UserSession
from cpweek.extensions import db
from cpweek.mail import OutboxMessage
from tests.conftest import CSRF_RE
from tests.factories import PASSWORD, expired_reset_token, make_user


def _page(response) -> str:
    return response.get_data(as_text=True)


def _comparable(page: str, typed: str) -> str:
    return re.sub(r'value="[^"]{40,}"', "", page.replace(typed, ""))


def _sign_up_link(mailbox, address: str) -> str:
    [message] = mailbox.to(address)
    return "/sign-up/" + mailbox.text(message).split("/sign-up/")[1].split()[0]


def _finish(browser, link: str, password: str = "lantern orchard pebble"):
    return browser.submit(link, {"password": password, "confirm": password})


def test_sign_up_emails_a_link_that_creates_the_account_and_signs_in(browser, mailbox):
    response = browser.submit("/sign-up", {"name": "Aisha Khan", "email": "Aisha@Example.org"})
    assert response.status_code == 200 and "Check your email" in _page(response)
    assert db.session.scalar(select(User)) is None
    link = _sign_up_link(mailbox, "aisha@example.org")
    page = _page(browser.get(link))
    assert "Choose a password" in page and "aisha@example.org" in page
    response = _finish(browser, link)
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    page = _page(browser.get("/account"))
    assert "Aisha Khan" in page and "aisha@example.org" in page
    browser.sign_out()
    response = browser.get(link)
    assert response.status_code == 400 and "already been used" in _page(response)


def test_sign_up_keeps_where_the_person_was_going(browser, mailbox):
    browser.submit(
        "/sign-up?next=%2F2027%2F",
        {"name": "Going", "email": "going@example.org"},
        form_url="/sign-up",
    )
    response = _finish(browser, _sign_up_link(mailbox, "going@example.org"))
    assert response.headers["Location"] == "/2027/"


def test_sign_up_errors_are_shown_in_the_summary_and_by_the_field_keeping_what_was_typed(browser):
    response = browser.submit("/sign-up", {"name": "Sam <b>Bold</b>", "email": "sam.example.org"})
    page = _page(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#email">Enter an email address in the correct format' in page
    assert 'id="email-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Sam &lt;b&gt;Bold&lt;/b&gt;"' in page  # kept, and escaped
    assert 'value="sam.example.org"' in page
    assert "<title>Error: Create an account" in page


def test_a_weak_password_and_a_mismatched_confirmation_on_the_sign_up_link(browser, mailbox):
    browser.submit("/sign-up", {"name": "Sam", "email": "sam@example.org"})
    link = _sign_up_link(mailbox, "sam@example.org")
    page = _page(browser.submit(link, {"password": "short", "confirm": "different"}))
    assert "Password must be at least 10 characters" in page
    assert "The two passwords are not the same" in page
    page = _page(_finish(browser, link, "sam@example.org"))
    assert "too easy to guess" in page  # the address itself, checked by the service
    assert db.session.scalar(select(User)) is None


def test_a_broken_sign_up_link_gets_a_clear_page_with_the_form(browser):
    response = browser.get("/sign-up/not-a-real-link")
    page = _page(response)
    assert response.status_code == 400
    assert "This link is not valid" in page and 'action="/sign-up"' in page
    assert browser.get("/sign-up/" + "A" * 3000).status_code == 400


def _same_but_csrf(page: str) -> str:
    return CSRF_RE.sub('name="csrf_token" value="-"', page)


def _answer(browser, count_queries, mailbox, url: str, data: dict) -> tuple[str, int, int]:
    """The page, the number of SQL statements the request ran, and the messages it queued."""
    token = browser.csrf_token(url)
    before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    with count_queries() as queries:
        response = browser.client.post(url, data={**data, "csrf_token": token})
    assert response.status_code == 200
    queued = db.session.scalar(select(func.count()).select_from(OutboxMessage)) - before
    return _same_but_csrf(_page(response)), len(queries), queued


@pytest.mark.parametrize(
    "url, data",
    [
        ("/sign-up", {"name": "Pat", "email": "pat@example.org"}),
        ("/password-reset", {"email": "pat@example.org"}),
    ],
)
@pytest.mark.parametrize("password", [PASSWORD, None], ids=["account", "registrations-only"])
def test_the_answer_is_the_same_whether_or_not_the_address_is_known(
    browser, count_queries, mailbox, url, data, password
):
    mailbox.deliver = False  # mail is only queued in the request, so it cannot differ
    unknown = _answer(browser, count_queries, mailbox, url, data)
    make_user(email="pat@example.org", password=password)
    known = _answer(browser, count_queries, mailbox, url, data)
    # Byte for byte the same page, after the same work: the same statements, one message each.
    assert known[0] == unknown[0]
    assert known[1] == unknown[1]
    assert known[2] == unknown[2] == 1
    assert "Check your email" in known[0] and "pat@example.org" in known[0]


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
    response = browser.submit("/sign-up", {"name": name, "email": email})
    assert response.status_code == 200
    page = _page(response)
    assert "<script>alert(1)</script>" not in page
    assert "There is a problem" in page or "Check your email" in page


def test_unicode_names_are_kept_exactly(browser, mailbox):
    browser.submit("/sign-up", {"name": "Zoë Ødegård 王小明", "email": "zoe@example.org"})
    _finish(browser, _sign_up_link(mailbox, "zoe@example.org"))
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
    assert "We have sent an email to <strong>forgot@example.org</strong>" in _page(response)
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


def test_reset_request_for_an_unknown_email_tells_the_address_how_to_sign_up(browser, mailbox):
    page = _page(browser.submit("/password-reset", {"email": "ghost@example.org"}))
    assert "We have sent an email to <strong>ghost@example.org</strong>" in page
    [message] = mailbox.to("ghost@example.org")
    assert "no account uses it" in mailbox.text(message)
    assert "http://cpweek.test/sign-up" in mailbox.text(message)


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


def test_control_characters_in_form_fields_are_dropped(browser, mailbox):
    browser.submit("/sign-up", {"name": "Nu\x00ll Byte", "email": "nul@example.org"})
    _finish(browser, _sign_up_link(mailbox, "nul@example.org"))
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
    page = _page(browser.submit("/sign-up", {"name": "Someone", "email": "registered@example.org"}))
    assert "Check your email" in page
    assert browser.get("/account").status_code == 302  # not signed in
    [message] = mailbox.to("registered@example.org")
    assert "/password-reset/" in mailbox.text(message)  # only the owner can set the password


# --- sessions end on the server -----------------------------------------------------------


def _copy_cookies(app, source) -> object:
    """Another browser holding copies of `source`'s cookies, as someone who took them would."""
    thief = app.test_client()
    for name in ("session", "remember_token"):
        cookie = source.client.get_cookie(name)
        if cookie is not None:
            thief.set_cookie(name, cookie.value)
    return thief


def _sessions() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(UserSession))


def test_a_session_cookie_copied_before_signing_out_opens_nothing_after(app, browser):
    make_user(email="copied@example.org")
    browser.sign_in("copied@example.org")
    thief = _copy_cookies(app, browser)
    assert thief.get("/account").status_code == 200  # the copy works while signed in
    assert browser.sign_out().status_code == 302
    assert _sessions() == 0
    response = thief.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_a_remember_cookie_copied_before_signing_out_opens_nothing_after(app, browser):
    make_user(email="kept@example.org")
    browser.sign_in("kept@example.org", remember="y")
    remembered = browser.client.get_cookie("remember_token").value
    browser.sign_out()
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get("/account").status_code == 302


def test_signing_out_leaves_the_persons_other_browsers_signed_in(app, browser):
    make_user(email="two-places@example.org")
    browser.sign_in("two-places@example.org")
    other = type(browser)(app.test_client())
    other.sign_in("two-places@example.org")
    browser.sign_out()
    assert other.get("/account").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_person_only(app, browser):
    make_user(email="everywhere@example.org")
    bystander = make_user(email="bystander@example.org")
    phone = type(browser)(app.test_client())
    phone.sign_in("everywhere@example.org", remember="y")
    laptop_copy = None
    browser.sign_in("everywhere@example.org")
    laptop_copy = _copy_cookies(app, browser)
    someone_else = type(browser)(app.test_client())
    someone_else.sign_in(bystander.email)
    page = _page(browser.get("/account"))
    assert 'action="/account/sign-out-everywhere"' in page and "Sign out everywhere" in page
    assert browser.client.post("/account/sign-out-everywhere").status_code == 400  # no token
    response = browser.submit("/account/sign-out-everywhere", {}, form_url="/account")
    assert response.status_code == 302
    assert "signed out on every device" in _page(browser.get(response.headers["Location"]))
    for device in (browser.client, phone.client, laptop_copy):
        assert device.get("/account").status_code == 302
    assert someone_else.get("/account").status_code == 200
    assert _sessions() == 1


def test_a_password_reset_signs_out_every_browser(app, browser, mailbox):
    make_user(email="reset-all@example.org")
    browser.sign_in("reset-all@example.org", remember="y")
    stranger = type(browser)(app.test_client())
    stranger.submit("/password-reset", {"email": "reset-all@example.org"})
    link = mailbox.text(mailbox.to("reset-all@example.org")[0]).split("http://cpweek.test")[1]
    stranger.submit(
        link.split()[0], {"password": "fresh passphrase", "confirm": "fresh passphrase"}
    )
    assert browser.get("/account").status_code == 302
    assert _sessions() == 0


def test_changing_the_password_keeps_this_browser_remembered(app, browser):
    make_user(email="remembered@example.org")
    browser.sign_in("remembered@example.org", remember="y")
    other = _copy_cookies(app, type(browser)(app.test_client()))
    browser.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "better passphrase now",
            "confirm": "better passphrase now",
        },
    )
    assert _sessions() == 1
    # With the browser closed (the session cookie gone), the new remember cookie still works.
    returning = app.test_client()
    returning.set_cookie("remember_token", browser.client.get_cookie("remember_token").value)
    assert returning.get("/account").status_code == 200
    assert other.get("/account").status_code == 302


def test_signing_in_records_the_browser(browser):
    user = make_user(email="device@example.org")
    browser.client.get("/sign-in")
    browser.submit(
        "/sign-in",
        {"email": "device@example.org", "password": PASSWORD},
        headers={"User-Agent": "Firefox/140 " + "x" * 500},
    )
    row = db.session.scalar(select(UserSession))
    assert row.user_id == user.id and row.user_agent.startswith("Firefox/140")
    assert len(row.user_agent) == 200 and not row.remembered


def test_each_signed_in_page_still_loads_person_and_session_in_one_query(browser, count_queries):
    make_user(email="one-query@example.org")
    browser.sign_in("one-query@example.org")
    with count_queries() as queries:
        assert browser.get("/account").status_code == 200
    loads = [q for q in queries if "user_sessions" in q]
    assert len(loads) == 1 and "users" in loads[0] and "JOIN" in loads[0].upper()
    assert not [q for q in queries if q.lstrip().upper().startswith(("UPDATE", "INSERT"))]


# --- bad page numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "page, status",
    [
        ("99999999999999999999", 404),
        ("9" * 5000, 404),
        ("1000000000", 404),
        ("2", 404),
        ("-1", 200),
        ("-99999999999999999999", 200),
        ("0", 200),
        ("abc", 200),
        ("1.5", 200),
        ("１", 200),  # a full-width digit is not a page number
        ("", 200),
        ("1", 200),
    ],
)
def test_page_numbers_of_any_size_are_the_first_page_or_a_404(browser, page, status):
    admin = make_user(email="pages@example.org", roles=(Role.ADMIN,))
    browser.sign_in(admin.email)
    response = browser.get("/admin/people", query_string={"page": page})
    assert response.status_code == status
    if status == 200:
        assert "pages@example.org" in _page(response)  # the first page


def test_the_last_page_is_found_and_the_one_after_is_a_404(browser):
    admin = make_user(email="paging@example.org", roles=(Role.ADMIN,))
    for number in range(50):
        make_user(email=f"p{number:02}@example.org", name=f"Person {number:02}")
    browser.sign_in(admin.email)
    page = _page(browser.get("/admin/people?page=2"))
    # 51 people by name: the admin, "Test Person", is alone on page 2.
    assert "paging@example.org" in page and "p49@example.org" not in page
    assert browser.get("/admin/people?page=3").status_code == 404


def test_the_new_pages_pass_the_accessibility_checks(browser, mailbox):
    from tests.a11y import problems

    sent = _page(browser.submit("/sign-up", {"name": "Ada", "email": "ada@example.org"}))
    link = _sign_up_link(mailbox, "ada@example.org")
    pages = {
        "sent": sent,
        "reset sent": _page(browser.submit("/password-reset", {"email": "ada@example.org"})),
        "choose": _page(browser.get(link)),
        "choose with errors": _page(browser.submit(link, {"password": "x", "confirm": "y"})),
        "broken link": _page(browser.get("/sign-up/broken")),
    }
    _finish(browser, link)
    pages["account"] = _page(browser.get("/account"))
    for name, page in pages.items():
        assert problems(page) == [], name
