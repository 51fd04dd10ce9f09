"""`flask seed-demo` loads the real programmes once; `flask create-admin` makes the first admin."""

from __future__ import annotations

from sqlalchemy import func, select

from cpweek.auth.models import Role, User
from cpweek.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from cpweek.extensions import db
from cpweek.programme.models import Edition, Event


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0
    assert (
        "Demo data loaded: 5 editions, 30 events, 6 accounts, 7 ledger entries, 4 proposals, "
        "45 evidence items, 2 evidence suggestions, 21 resources, 1491 past registrations, "
        "524 feedback responses, 981 equality answers."
    ) in first.output
    counts = (_count(Edition), _count(Event), _count(User))
    second = runner.invoke(args=["seed-demo"])
    assert "nothing added" in second.output
    assert (_count(Edition), _count(Event), _count(User)) == counts


def test_seed_demo_if_empty_leaves_a_used_database_alone(runner):
    db.session.add(User(email="someone@example.org", name="Someone"))
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already holds data" in result.output
    assert _count(Edition) == 0


def test_create_admin_makes_the_first_admin(runner, browser):
    result = runner.invoke(
        args=[
            "create-admin",
            "First@Example.org",
            "--name",
            "First Admin",
            "--password",
            "first admin passphrase",
        ]
    )
    assert result.exit_code == 0 and "Created first@example.org: now an admin." in result.output
    browser.sign_in("first@example.org", "first admin passphrase")
    assert browser.get("/admin/people").status_code == 200


def test_create_admin_prompts_for_a_password_and_refuses_a_weak_one(runner):
    result = runner.invoke(args=["create-admin", "new@example.org"], input="short\nshort\n")
    assert result.exit_code != 0 and "at least 10 characters" in result.output
    result = runner.invoke(
        args=["create-admin", "new@example.org"],
        input="a good long passphrase\na good long passphrase\n",
    )
    assert result.exit_code == 0
    assert db.session.scalar(select(User).where(User.email == "new@example.org")).has_role(
        Role.ADMIN
    )


def test_create_admin_refuses_a_bad_address(runner):
    result = runner.invoke(
        args=["create-admin", "not an email", "--password", "a good long passphrase"]
    )
    assert result.exit_code != 0 and "cannot contain spaces" in result.output


def test_demo_info_prints_the_address_and_sign_ins(runner):
    output = runner.invoke(args=["demo-info"]).output
    assert "http://cpweek.test" in output and DEMO_PASSWORD in output
    for email, _, _ in DEMO_ACCOUNTS:
        assert email in output
