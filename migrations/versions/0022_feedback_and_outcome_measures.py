"""feedback and outcome measures: outcome_measures (copied from the bank or written by
co-producers and organisers; one bank measure per edition) and their agreements; feedback
requests (one per registration, the token stored as its SHA-256 hash, used_on a day), anonymous
feedback responses (event and edition only, created_on a day) and their answers

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 02:40:50.088585

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outcome_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("bank_key", sa.String(length=40), nullable=True),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("easy_question", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_outcome_measures_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_outcome_measures_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_measures")),
        sa.UniqueConstraint("edition_id", "bank_key", name="uq_outcome_measures_edition_bank_key"),
    )
    with op.batch_alter_table("outcome_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_measures_edition_id"), ["edition_id"], unique=False
        )

    op.create_table(
        "feedback_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("overall", sa.SmallInteger(), nullable=True),
        sa.Column("what_worked", sa.Text(), nullable=False),
        sa.Column("could_be_better", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("easy_read", sa.Boolean(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "overall IS NULL OR overall BETWEEN 1 AND 5",
            name=op.f("ck_feedback_responses_overall_on_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_feedback_responses_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_feedback_responses_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_responses")),
    )
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_responses_edition_id"), ["edition_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_responses_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "outcome_measure_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("perspective", sa.String(length=20), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["outcome_measures.id"],
            name=op.f("fk_outcome_measure_agreements_measure_id_outcome_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_outcome_measure_agreements_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_measure_agreements")),
        sa.UniqueConstraint("measure_id", "user_id", name="one_measure_agreement_per_person"),
    )
    with op.batch_alter_table("outcome_measure_agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outcome_measure_agreements_measure_id"), ["measure_id"], unique=False
        )

    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "option BETWEEN 1 AND 5", name=op.f("ck_feedback_answers_option_on_scale")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"],
            ["outcome_measures.id"],
            name=op.f("fk_feedback_answers_measure_id_outcome_measures"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["feedback_responses.id"],
            name=op.f("fk_feedback_answers_response_id_feedback_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
        sa.UniqueConstraint("response_id", "measure_id", name="one_answer_per_measure"),
    )
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_measure_id"), ["measure_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_feedback_answers_response_id"), ["response_id"], unique=False
        )

    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_feedback_requests_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_requests")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_feedback_requests_registration_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feedback_requests_token_hash")),
    )


def downgrade():
    op.drop_table("feedback_requests")
    with op.batch_alter_table("feedback_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_answers_response_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_answers_measure_id"))

    op.drop_table("feedback_answers")
    with op.batch_alter_table("outcome_measure_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_measure_agreements_measure_id"))

    op.drop_table("outcome_measure_agreements")
    with op.batch_alter_table("feedback_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_responses_event_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_responses_edition_id"))

    op.drop_table("feedback_responses")
    with op.batch_alter_table("outcome_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_measures_edition_id"))

    op.drop_table("outcome_measures")
