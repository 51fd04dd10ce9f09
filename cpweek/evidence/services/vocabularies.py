"""The vocabularies items are described with: rows organisers can edit, with defaults from
shared DOMAIN.md ("Evidence collections") installed once."""

from __future__ import annotations

from sqlalchemy import func, select

from cpweek.evidence.models import EvidenceTerm, Vocabulary
from cpweek.extensions import db

# (slug, label) in the order pages list them.
DEFAULT_TERMS: dict[Vocabulary, list[tuple[str, str]]] = {
    Vocabulary.TYPE: [
        ("research", "Research"),
        ("data", "Data"),
        ("case-study", "Case study"),
        ("analysis", "Analysis"),
        ("tool", "Tool"),
        ("policy", "Policy"),
    ],
    Vocabulary.TOPIC: [
        ("unpaid-carers", "Unpaid carers"),
        ("access-to-care", "Access to care and support"),
        ("commissioning", "Commissioning"),
        ("workforce", "Workforce"),
        ("co-production", "Co-production and involvement"),
        ("housing", "Housing and independent living"),
        ("mental-health", "Mental health and wellbeing"),
        ("digital", "Digital and technology"),
        ("funding", "Funding and charging"),
        ("safeguarding", "Safeguarding"),
    ],
    Vocabulary.DIMENSION: [
        ("ethnicity", "Ethnicity"),
        ("disability", "Disability"),
        ("age", "Age"),
        ("sex-gender", "Sex and gender"),
        ("sexual-orientation", "Sexual orientation"),
        ("deprivation", "Deprivation"),
        ("rurality", "Rurality"),
        ("language", "Language"),
        ("digital-access", "Digital access"),
        ("carer-status", "Carer status"),
    ],
    Vocabulary.SETTING: [
        ("home-care", "Care at home"),
        ("residential", "Residential and nursing care"),
        ("community", "Community and day services"),
        ("direct-payments", "Direct payments and personal budgets"),
        ("hospital-discharge", "Hospital discharge"),
        ("informal-care", "Unpaid (informal) care"),
    ],
    Vocabulary.GEOGRAPHY: [
        ("england", "England"),
        ("north-east", "North East"),
        ("north-west", "North West"),
        ("yorkshire-humber", "Yorkshire and the Humber"),
        ("east-midlands", "East Midlands"),
        ("west-midlands", "West Midlands"),
        ("east-of-england", "East of England"),
        ("london", "London"),
        ("south-east", "South East"),
        ("south-west", "South West"),
        ("wales", "Wales"),
        ("scotland", "Scotland"),
        ("northern-ireland", "Northern Ireland"),
        ("uk", "The whole UK"),
    ],
    Vocabulary.FOCUS: [
        ("access", "Access"),
        ("experience", "Experience"),
        ("outcomes", "Outcomes"),
    ],
    Vocabulary.DESIGN: [
        ("systematic-review", "Systematic review"),
        ("trial", "Trial"),
        ("cohort", "Cohort or longitudinal study"),
        ("survey", "Survey"),
        ("qualitative", "Qualitative study"),
        ("mixed-methods", "Mixed methods"),
        ("secondary-data", "Secondary data analysis"),
        ("evaluation", "Evaluation"),
        ("lived-experience", "Lived-experience led enquiry"),
        ("other", "Other"),
    ],
}


def install_default_vocabularies() -> int:
    """Add the default terms of any vocabulary that has none yet; returns how many were added.
    A vocabulary organisers have started editing is left as it is."""
    present = set(db.session.scalars(select(EvidenceTerm.vocabulary).distinct()))
    added = 0
    for vocabulary, terms in DEFAULT_TERMS.items():
        if vocabulary.value in present:
            continue
        for position, (slug, label) in enumerate(terms):
            db.session.add(
                EvidenceTerm(vocabulary=vocabulary.value, slug=slug, label=label, position=position)
            )
            added += 1
    db.session.flush()
    return added


def terms(vocabulary: Vocabulary) -> list[EvidenceTerm]:
    return list(
        db.session.scalars(
            select(EvidenceTerm)
            .where(EvidenceTerm.vocabulary == vocabulary.value)
            .order_by(EvidenceTerm.position, EvidenceTerm.label)
        )
    )


def all_terms() -> dict[str, list[EvidenceTerm]]:
    """Every vocabulary's terms in one query, keyed by vocabulary value, in page order."""
    found: dict[str, list[EvidenceTerm]] = {v.value: [] for v in Vocabulary}
    for term in db.session.scalars(
        select(EvidenceTerm).order_by(
            EvidenceTerm.vocabulary, EvidenceTerm.position, EvidenceTerm.label
        )
    ):
        found.setdefault(term.vocabulary, []).append(term)
    return found


def term_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceTerm)) or 0
