"""conflict override keys: a release's overridden conflicts are matched by their kind and the
ids of the events in them, not by their words, so retitling an event does not outdate it

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 17:40:00.000000

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


# The words each kind of conflict was written in (cpweek/coproduction/schedule/conflicts.py),
# with the titles of the events in it, in the order its ids were stored.
_T = r"“(.+?)”"
_KINDS = (
    ("host", re.compile(rf"^.* hosts {_T} and {_T}, which overlap \(")),
    ("room", re.compile(rf"^{_T} and {_T} are both in .+ at once \(")),
    ("parent", re.compile(rf"^{_T} is a workshop of {_T}, which the draft cancels")),
    ("parent", re.compile(rf"^{_T} \(.*\) is outside its conference {_T} \(")),
    ("outside", re.compile(rf"^{_T} \(.*\) is outside the week \(")),
    ("unavailable", re.compile(rf"^{_T} \(.*\) is when its presenters said they cannot present")),
    ("break", re.compile(rf"^{_T} runs into the conference\'s ")),
)


def _key(message, ids_by_title):
    """The key of a conflict from its words, or None when its titles no longer name exactly
    one event each (that conflict then counts as new, as it did before)."""
    for kind, pattern in _KINDS:
        match = pattern.match(message)
        if match is None:
            continue
        ids = [ids_by_title.get(title) for title in match.groups()]
        if any(found is None for found in ids):
            return None
        return {"kind": kind, "event_ids": sorted(ids)}
    return None


def upgrade():
    # An added column with a server default: SQLite adds it without rebuilding the table.
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("overridden_keys", sa.JSON(), server_default="[]", nullable=False)
        )

    # Existing releases get the keys their stored messages name, where the titles still name
    # one event each in the release's edition.
    releases = sa.table(
        "releases",
        sa.column("id", sa.Integer),
        sa.column("edition_id", sa.Integer),
        sa.column("conflicts_overridden", sa.JSON),
        sa.column("overridden_keys", sa.JSON),
    )
    events = sa.table(
        "events",
        sa.column("id", sa.Integer),
        sa.column("edition_id", sa.Integer),
        sa.column("title", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(releases.c.id, releases.c.edition_id, releases.c.conflicts_overridden)
    ).all()
    for release_id, edition_id, messages in rows:
        if not messages:
            continue
        titles = {}
        for event_id, title in connection.execute(
            sa.select(events.c.id, events.c.title).where(events.c.edition_id == edition_id)
        ):
            titles.setdefault(title, []).append(event_id)
        ids_by_title = {title: ids[0] for title, ids in titles.items() if len(ids) == 1}
        keys = [key for key in (_key(message, ids_by_title) for message in messages) if key]
        connection.execute(
            releases.update().where(releases.c.id == release_id).values(overridden_keys=keys)
        )


def downgrade():
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_column("overridden_keys")
