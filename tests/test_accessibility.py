"""Every page, as every kind of person sees it, passes the structural checks in tests/a11y.py;
forms with errors get a summary whose links reach their fields."""

from __future__ import annotations

import re

import pytest

from cpweek.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.a11y import problems

PUBLIC_PAGES = [
    "/",
    "/editions",
    "/2022/",
    "/2022/events/impact-of-coproduction-webinar-2022",
    "/2024/",
    "/2025/",
    "/2026/",
    "/2027/",
    "/2025/events/innovation-conference-2025",
    "/2025/events/arf-unpaid-carers-2025",
    "/sign-in",
    "/sign-up",
    "/password-reset",
    "/no-such-page",
]
SIGNED_IN_PAGES = ["/", "/2025/", "/account", "/account/password", "/manage/", "/admin/people"]
HUB = "/evidence/care-equity-evidence-hub"
EVIDENCE_PAGES = [
    "/evidence/",
    f"{HUB}/",
    f"{HUB}/?q=carers&dimension=ethnicity&sort=oldest",
    f"{HUB}/map",
    f"{HUB}/map?rows=focus&cols=setting",
    f"{HUB}/suggest",
    f"{HUB}/suggest?kind=gap&topic=unpaid-carers&dimension=rurality",
    f"{HUB}/suggest?kind=new_evidence",
]


def test_the_checker_catches_what_it_should():
    bad = (
        "<html><head><title></title></head><body><h1>A</h1><h3>B</h3><h1>C</h1><input name=q id=q>"
        "<a href='#gone'></a><img src=x></body></html>"
    )
    found = " | ".join(problems(bad))
    for expected in [
        "no lang",
        "empty <title>",
        "2 <h1>",
        "skips from h1 to h3",
        "has no label",
        "missing anchor #gone",
        "without alt",
        "link without text",
        "0 <main>",
    ]:
        assert expected in found


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages(client, url, demo_world):
    response = client.get(url)
    assert response.status_code in (200, 404)
    assert problems(response.get_data(as_text=True)) == []


def test_the_evidence_hub_pages_of_the_demo(client, demo_world):
    for url in EVIDENCE_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert problems(response.get_data(as_text=True)) == [], url
    first = client.get(f"{HUB}/").get_data(as_text=True)
    item = first.split(f'href="{HUB}/items/', 1)[1].split('"', 1)[0]
    page = client.get(f"{HUB}/items/{item}")
    assert page.status_code == 200 and problems(page.get_data(as_text=True)) == []


def test_the_evidence_pages_for_the_panel(browser, demo_world):
    for email in ("organiser@example.org", "coproducer@example.org"):
        browser.sign_in(email, DEMO_PASSWORD)
        urls = ["/review/evidence/care-equity-evidence-hub/"]
        if email.startswith("organiser"):
            urls += [
                "/manage/evidence/",
                "/manage/evidence/vocabularies",
                "/manage/evidence/care-equity-evidence-hub/import",
            ]
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert problems(response.get_data(as_text=True)) == [], url
        browser.sign_out()


@pytest.mark.parametrize("email", [email for email, _, _ in DEMO_ACCOUNTS])
def test_pages_for_each_role(browser, email, demo_world):
    browser.sign_in(email, DEMO_PASSWORD)
    for url in SIGNED_IN_PAGES:
        response = browser.get(url)
        assert response.status_code in (200, 403), url
        assert problems(response.get_data(as_text=True)) == [], url


def test_admin_role_page(browser, demo_world):
    browser.sign_in("admin@example.org", DEMO_PASSWORD)
    page = browser.get("/admin/people").get_data(as_text=True)
    first = re.search(r'href="(/admin/people/\d+)"', page).group(1)
    roles_page = browser.get(first).get_data(as_text=True)
    assert problems(roles_page) == []
    assert '<fieldset class="fieldset"' in roles_page and "<legend" in roles_page


@pytest.mark.parametrize(
    "url, data, fields",
    [
        (
            "/sign-up",
            {"name": "", "email": "bad"},
            ["name", "email"],
        ),
        ("/sign-in", {"email": "", "password": ""}, ["email", "password"]),
        ("/password-reset", {"email": "nope"}, ["email"]),
    ],
)
def test_error_summary_links_reach_each_field(browser, url, data, fields):
    page = browser.submit(url, data).get_data(as_text=True)
    assert problems(page) == []
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</ul>", page.index('class="error-summary"')
        )
    ]
    assert (
        'role="alert"'
        in page[page.index("error-summary") - 200 : page.index("error-summary") + 200]
    )
    for field in fields:
        assert f'href="#{field}"' in summary
        assert f'id="{field}-error"' in page
        assert re.search(
            rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', page
        ) or re.search(
            rf'<input[^>]*aria-describedby="[^"]*{field}-error[^"]*"[^>]*id="{field}"', page
        )
    assert page.index("error-summary") < page.index("<form")


def test_error_page_for_the_wrong_role_is_helpful(browser, demo_world):
    browser.sign_in("attendee@example.org", DEMO_PASSWORD)
    response = browser.get("/manage/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and problems(page) == []
    assert "ask an organiser or an admin" in page


def test_every_page_has_the_print_stylesheet_and_help_line(client):
    page = client.get("/").get_data(as_text=True)
    assert 'media="print"' in page and "print.css" in page
    assert "Relay UK" in page


def test_roles_in_navigation_are_not_shown_by_colour_alone(browser, demo_world):
    browser.sign_in("organiser@example.org", DEMO_PASSWORD)
    page = browser.get("/manage/").get_data(as_text=True)
    assert 'aria-current="page">Manage programme' in page


EASY_READ_PAGES = [
    "/2027/events/birmingham-gathering-2027",  # Easy Read text and picture (demo)
    "/2027/events/sharing-power-conference-2027",
    "/2025/events/innovation-conference-2025",  # no Easy Read text yet: the facts only
]


def test_the_easy_read_event_pages(browser, demo_world):
    for url in EASY_READ_PAGES:
        browser.submit("/reading-version", {"version": "easy", "next": url}, form_url=url)
        page = browser.get(url).get_data(as_text=True)
        assert problems(page) == [], url
        assert "You are reading the <strong>Easy Read</strong> version" in page, url
    page = browser.get(EASY_READ_PAGES[0]).get_data(as_text=True)
    assert 'alt="Three people talking around a table"' in page
    errors = browser.submit(EASY_READ_PAGES[0], {"name": "", "email": ""}).get_data(as_text=True)
    assert problems(errors) == [] and "<title>Error:" in errors
