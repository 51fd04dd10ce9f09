"""monitoring offers and population shares: monitoring_offers (a person was offered the
equality questions at a stage of an edition: once only; no time column) and population_shares
(a characteristic's group, its share of the population in tenths of a per cent or NULL for not
yet entered, the source and its date), seeded with the five high-level ethnic groups of the
ONS's Census 2021 bulletin for England and Wales

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 03:16:25.786451

"""

from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# The ONS's published figures for England and Wales together (not England alone: those were
# not to hand, and no figure is invented). The source words say which population it is, and
# the page shows them; organisers can replace them with England's at /manage/reports/population.
SOURCE = (
    "England and Wales, not England alone: Office for National Statistics, "
    "Ethnic group, England and Wales: Census 2021 (29 November 2022)"
)
SOURCE_URL = (
    "https://www.ons.gov.uk/peoplepopulationandcommunity/culturalidentity/ethnicity/"
    "bulletins/ethnicgroupenglandandwales/census2021"
)
ETHNIC_GROUPS = (("asian", 93), ("black", 40), ("mixed", 29), ("white", 817), ("other", 21))


def upgrade():
    shares = op.create_table(
        "population_shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("per_mille", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("source_url", sa.String(length=500), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "per_mille IS NULL OR (per_mille >= 0 AND per_mille <= 1000)",
            name=op.f("ck_population_shares_per_mille_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_population_shares")),
        sa.UniqueConstraint("question", "category", name=op.f("uq_population_shares_question")),
    )
    op.create_table(
        "monitoring_offers",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["editions.id"],
            name=op.f("fk_monitoring_offers_edition_id_editions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["users.id"],
            name=op.f("fk_monitoring_offers_person_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "person_id", "edition_id", "stage", name=op.f("pk_monitoring_offers")
        ),
    )
    op.bulk_insert(
        shares,
        [
            {
                "question": "ethnic_group",
                "category": category,
                "per_mille": per_mille,
                "source": SOURCE,
                "source_url": SOURCE_URL,
                "as_of": date(2021, 3, 21),  # Census Day
            }
            for category, per_mille in ETHNIC_GROUPS
        ],
    )


def downgrade():
    op.drop_table("monitoring_offers")
    op.drop_table("population_shares")
