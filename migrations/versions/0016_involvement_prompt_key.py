"""involvement prompt key: an entry logged from a prompt keeps the prompt's key

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 17:30:00.000000

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

# The words prompts wrote into `related_to` until now, which were how a prompt knew it was
# logged: "Reviewing 3 proposals for the 2027 call", "Evidence suggestion #12 to the ...".
REVIEWING = re.compile(r' for the (\d{4}) call$')
SUGGESTION = re.compile(r'^Evidence suggestion #(\d+) to the ')


def upgrade():
    # An added column with a server default: SQLite adds it without rebuilding the table.
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prompt_key', sa.String(length=60), server_default='', nullable=False))

    connection = op.get_bind()
    calls = dict(connection.execute(sa.text(
        'SELECT editions.year, calls.id FROM calls JOIN editions ON editions.id = calls.edition_id'
    )).all())
    suggestions = set(connection.execute(sa.text('SELECT id FROM evidence_suggestions')).scalars())
    rows = connection.execute(sa.text(
        "SELECT id, related_to FROM involvements "
        "WHERE related_to LIKE '% for the % call' OR related_to LIKE 'Evidence suggestion #%'"
    )).all()
    for involvement_id, related_to in rows:
        key = ''
        if (found := REVIEWING.search(related_to)) and int(found[1]) in calls:
            key = f'call:{calls[int(found[1])]}'
        elif (found := SUGGESTION.match(related_to)) and int(found[1]) in suggestions:
            key = f'evidence-suggestion:{found[1]}'
        if key:
            connection.execute(
                sa.text('UPDATE involvements SET prompt_key = :key WHERE id = :id'),
                {'key': key, 'id': involvement_id},
            )


def downgrade():
    with op.batch_alter_table('involvements', schema=None) as batch_op:
        batch_op.drop_column('prompt_key')
