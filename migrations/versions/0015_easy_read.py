"""easy read: an event's Easy Read text and picture, and registrations made in Easy Read

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 14:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # Added columns only, with server defaults: SQLite adds them without rebuilding the tables,
    # and existing events and registrations migrate as "no Easy Read yet".
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('easy_read', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('easy_read_image_url', sa.String(length=500), server_default='', nullable=False))
        batch_op.add_column(sa.Column('easy_read_image_alt', sa.String(length=300), server_default='', nullable=False))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('easy_read', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('easy_read')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('easy_read_image_alt')
        batch_op.drop_column('easy_read_image_url')
        batch_op.drop_column('easy_read')
