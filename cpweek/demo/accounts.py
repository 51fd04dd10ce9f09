"""The demo's accounts: one per role, and the longest name the demo holds. Matched by email, so a
second run adds nothing."""

from __future__ import annotations

from sqlalchemy import select

from cpweek.auth.models import Role, RoleGrant, User
from cpweek.auth.services import hash_password
from cpweek.extensions import db

DEMO_PASSWORD = "kettle river lamp"

# The longest name the demo holds (60 characters, one word of 35 letters), so every page that
# shows a name is seen fitting a phone with it (issue 11).
LONG_NAME = "Ama Efua Venkataraghavan-Wolfeschlegelsteinhausenbergerdorff"

DEMO_ACCOUNTS = [
    # email, name, granted roles
    ("attendee@example.org", "Sam Taylor", ()),
    ("contributor@example.org", "Priya Shah", (Role.CONTRIBUTOR,)),
    ("coproducer@example.org", "Marcus Bell", (Role.CO_PRODUCER, Role.CONTRIBUTOR)),
    ("organiser@example.org", "Helen Okafor", (Role.ORGANISER,)),
    ("admin@example.org", "Jo Whitfield", (Role.ADMIN,)),
    ("ama@example.org", LONG_NAME, (Role.CONTRIBUTOR,)),
]


def add_accounts() -> int:
    added = 0
    for email, name, roles in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            continue
        user = User(email=email, name=name, password_hash=hash_password(DEMO_PASSWORD))
        user.grants = [RoleGrant(role=role.value) for role in roles]
        db.session.add(user)
        added += 1
    return added
