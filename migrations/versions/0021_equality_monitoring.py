"""equality monitoring: the answers to the optional equality questions, apart from identity,
and the single-use invitations to give them

Neither table has a foreign key or a column naming a person, a registration or a proposal; a
response's key is a random UUID (no sequence) and its time is the month only. On SQLite both
are WITHOUT ROWID, so rows are stored in key order, not in the order they were written.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 02:34:29.742816

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('equality_invitations',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_equality_invitations_edition_id_editions')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_equality_invitations')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('equality_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equality_invitations_edition_id'), ['edition_id'], unique=False)

    op.create_table('equality_responses',
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('ethnic_group', sa.String(length=40), nullable=True),
    sa.Column('long_condition', sa.String(length=40), nullable=True),
    sa.Column('condition_reduces', sa.String(length=40), nullable=True),
    sa.Column('sex', sa.String(length=40), nullable=True),
    sa.Column('gender_same', sa.String(length=40), nullable=True),
    sa.Column('age_band', sa.String(length=40), nullable=True),
    sa.Column('sexual_orientation', sa.String(length=40), nullable=True),
    sa.Column('unpaid_care', sa.String(length=40), nullable=True),
    sa.Column('draws_on_care', sa.String(length=40), nullable=True),
    sa.Column('region', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_equality_responses_edition_id_editions')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_equality_responses')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('equality_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_equality_responses_edition_id'), ['edition_id'], unique=False)



def downgrade():
    with op.batch_alter_table('equality_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equality_responses_edition_id'))

    op.drop_table('equality_responses')
    with op.batch_alter_table('equality_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_equality_invitations_edition_id'))

    op.drop_table('equality_invitations')
