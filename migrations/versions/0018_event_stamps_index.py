"""event stamps index: a calendar feed's 304 answered from an index, without reading events' text

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 17:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # The columns a feed's fingerprint reads (cpweek/programme/calendar.py, STAMP_COLUMNS): the
    # database answers the query from the index alone, however long the events' text is.
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(
            'ix_events_stamps', ['edition_id', 'status', 'id', 'sequence', 'updated_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_stamps')
