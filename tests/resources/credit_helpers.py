"""What the credits tests share: resources as model rows (until the authoring helper's
`tests/resources/factories.py` make_resource is merged), publishing one, and the people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

from sqlalchemy import func, select

from cpweek.audit import AuditEntry
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.reciprocity import services as ledger
from cpweek.resources.models import Resource, ResourceStatus
from tests.factories import make_user

_slugs = count(1)


def make_resource(title: str = "Co-production toolkit", kind: str = "guide", **fields) -> Resource:
    """A draft resource, committed."""
    resource = Resource(
        slug=fields.pop("slug", f"resource-{next(_slugs)}"),
        title=title,
        summary=fields.pop("summary", "A toolkit made with carers."),
        kind=kind,
        **fields,
    )
    db.session.add(resource)
    db.session.commit()
    return resource


def publish(resource: Resource, on: date = date(2026, 11, 2)) -> Resource:
    """Published as the authoring room would (its publishing rules are tested there)."""
    resource.status = ResourceStatus.PUBLISHED.value
    resource.published_on = on
    resource.published_at = datetime(on.year, on.month, on.day, 10, 0, tzinfo=UTC)
    db.session.commit()
    return resource


def organiser() -> User:
    return make_user("organiser@example.org", (Role.ORGANISER,), name="Helen")


def contributor(name: str = "Priya Shah", email: str = "priya@example.org", **profile) -> User:
    """A contributor; with `public_credit=...` (and `pseudonym=`) a saved profile."""
    person = make_user(email, (Role.CONTRIBUTOR,), name=name)
    if profile:
        ledger.save_profile(person, ledger.ProfileDetails(preferred_name=name, **profile), person)
        db.session.commit()
    return person


def count_rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
