"""resources newest index: the library's newest-first page read from an index, not by sorting
every published resource

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 02:11:57.406436

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_resources_newest',
        'resources',
        ['status', 'published_on', 'published_at', 'id'],
        unique=False,
    )


def downgrade():
    op.drop_index('ix_resources_newest', table_name='resources')
