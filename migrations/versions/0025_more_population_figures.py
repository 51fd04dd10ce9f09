"""more population figures: Census 2021 shares for sex, unpaid care, sexual orientation,
disability (limited a lot, a little) and gender identity, each with its source and which
population it describes; no schema change

Only a figure not yet entered is filled: a row an organiser has saved is left as it is.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 06:00:00

"""

from datetime import date

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

CENSUS_DAY = date(2021, 3, 21)

# Each figure was read from the page named, never estimated. Counts were turned into tenths of a
# per cent here (28,833,712 of 56,490,048 = 51.04% -> 510); the words say which population and
# which table, so the page can say how far the comparison holds.
FIGURES = (
    (
        "sex",
        (("female", 510), ("male", 490)),
        "England, all usual residents (28,833,712 female, 27,656,336 male of 56,490,048): "
        "Office for National Statistics, Census 2021, as reproduced by censusdata.uk",
        "https://censusdata.uk/e92000001-england/ts039-provision-of-unpaid-care",
    ),
    (
        "unpaid_care",
        (
            ("no", 912),
            ("up_to_9", 31),
            ("10_19", 12),
            ("20_34", 8),
            ("35_49", 10),
            ("50_more", 26),
        ),
        "England, usual residents aged 5 and over (53,413,098): Office for National "
        "Statistics, Census 2021 table TS039, Provision of unpaid care, as reproduced by "
        "censusdata.uk",
        "https://censusdata.uk/e92000001-england/ts039-provision-of-unpaid-care",
    ),
    (
        "sexual_orientation",
        (("straight", 894), ("gay_lesbian", 15), ("bisexual", 13), ("other", 3)),
        "England, usual residents aged 16 and over, 7.5% of whom did not answer: Census 2021 "
        "table TS077, Sexual orientation, England's column as tabled by Buckinghamshire "
        "Council's Joint Strategic Needs Assessment",
        "https://buckinghamshire.gov.uk/health-wellbeing-and-sports/joint-strategic-needs-"
        "assessment/population-of-buckinghamshire/jsna-data-profile-protected-characteristics/"
        "sexual-orientation-south-east",
    ),
    (
        "condition_reduces",
        (("a_lot", 75), ("a_little", 102)),
        "England, all usual residents, age-standardised proportions (not counts; a condition "
        "that does not limit day-to-day activities is not shown apart): Census 2021 table "
        "TS038ASP, Disability, as reproduced by censusdata.uk",
        "https://censusdata.uk/e92000001-england/ts038asp-disability-age-standardised-proportions",
    ),
    (
        "gender_same",
        (("yes", 935), ("no", 5)),
        "England and Wales, not England alone, usual residents aged 16 and over, 6.0% of whom "
        "did not answer: Office for National Statistics, Gender identity, England and Wales: "
        "Census 2021 (6 January 2023)",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/culturalidentity/genderidentity/"
        "bulletins/genderidentityenglandandwales/census2021",
    ),
)

shares = sa.table(
    "population_shares",
    sa.column("question", sa.String),
    sa.column("category", sa.String),
    sa.column("per_mille", sa.Integer),
    sa.column("source", sa.String),
    sa.column("source_url", sa.String),
    sa.column("as_of", sa.Date),
)


def upgrade():
    bind = op.get_bind()
    entered = {
        (question, category)
        for question, category in bind.execute(
            sa.select(shares.c.question, shares.c.category).where(shares.c.per_mille.is_not(None))
        )
    }
    for question, figures, source, url in FIGURES:
        for category, per_mille in figures:
            if (question, category) in entered:
                continue
            row = {"per_mille": per_mille, "source": source, "source_url": url, "as_of": CENSUS_DAY}
            where = (shares.c.question == question) & (shares.c.category == category)
            if bind.execute(sa.update(shares).where(where).values(**row)).rowcount == 0:
                bind.execute(sa.insert(shares).values(question=question, category=category, **row))


def downgrade():
    for question, _, source, _ in FIGURES:
        op.execute(
            sa.delete(shares).where(shares.c.question == question, shares.c.source == source)
        )
