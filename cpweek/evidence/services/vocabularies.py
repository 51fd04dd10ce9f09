"""The vocabularies items are described with: rows organisers can edit (add, rename, reorder,
remove while unused), with defaults from shared DOMAIN.md ("Evidence collections") installed
once."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cpweek import audit
from cpweek.auth.models import User
from cpweek.evidence.errors import EvidenceError
from cpweek.evidence.models import EvidenceItemTerm, EvidenceTerm, Vocabulary
from cpweek.extensions import db

# A slug: lower-case words joined by single hyphens (terms and collections alike).
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

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


# --- organisers edit them ----------------------------------------------------------------


class TermInvalid(EvidenceError):
    """A vocabulary change that cannot be made; `field` names what to put right."""


def term_usage() -> dict[int, int]:
    """How many items use each term, in one query."""
    return dict(
        db.session.execute(
            select(EvidenceItemTerm.term_id, func.count()).group_by(EvidenceItemTerm.term_id)
        ).all()
    )


def get_term(term_id: int) -> EvidenceTerm | None:
    return db.session.get(EvidenceTerm, term_id)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def _check_label(vocabulary: str, label: str, current: EvidenceTerm | None) -> str:
    label = " ".join(label.split())
    if not label:
        raise TermInvalid("Enter the words people will see", "label")
    if len(label) > 120:
        raise TermInvalid("The label must be 120 characters or fewer", "label")
    same = db.session.scalar(
        select(EvidenceTerm).where(
            EvidenceTerm.vocabulary == vocabulary,
            func.lower(EvidenceTerm.label) == label.lower(),
        )
    )
    if same is not None and (current is None or same.id != current.id):
        raise TermInvalid(f"“{label}” is already in this list", "label")
    return label


def _check_position(position: int | None) -> int:
    if position is None:
        return 0
    if not -10_000 <= position <= 10_000:
        raise TermInvalid("Enter a position between 0 and 10,000", "position")
    return position


def add_term(
    vocabulary: str, label: str, actor: User, slug: str = "", position: int | None = None
) -> EvidenceTerm:
    if vocabulary not in {v.value for v in Vocabulary}:
        raise TermInvalid("Choose a list to add to", "vocabulary")
    label = _check_label(vocabulary, label, None)
    slug = (slug or "").strip() or slugify(label)
    if not slug or len(slug) > 80 or not SLUG.match(slug):
        raise TermInvalid(
            "The short name can use lower-case letters, numbers and single hyphens", "slug"
        )
    taken = db.session.scalar(
        select(EvidenceTerm.id).where(
            EvidenceTerm.vocabulary == vocabulary, EvidenceTerm.slug == slug
        )
    )
    if taken is not None:
        raise TermInvalid(f"“{slug}” is already in this list: choose another short name", "slug")
    if position is None:
        last = db.session.scalar(
            select(func.max(EvidenceTerm.position)).where(EvidenceTerm.vocabulary == vocabulary)
        )
        position = (last or 0) + 1 if last is not None else 0
    term = EvidenceTerm(
        vocabulary=vocabulary, slug=slug, label=label, position=_check_position(position)
    )
    db.session.add(term)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # added a moment ago in another tab
        raise TermInvalid(f"“{slug}” is already in this list", "slug") from None
    audit.record(
        actor.id,
        "evidence_term.add",
        "evidence_term",
        term.id,
        after={"vocabulary": vocabulary, "slug": slug, "label": label, "position": position},
    )
    return term


def change_term(term: EvidenceTerm, label: str, position: int | None, actor: User) -> EvidenceTerm:
    """Rename a term (its slug, and so every shared link, stays) and set its place in the list."""
    label = _check_label(term.vocabulary, label, term)
    position = _check_position(position if position is not None else term.position)
    before = {"label": term.label, "position": term.position}
    term.label, term.position = label, position
    db.session.flush()
    audit.record(
        actor.id,
        "evidence_term.change",
        "evidence_term",
        term.id,
        before=before,
        after={"label": label, "position": position},
    )
    return term


def remove_term(term: EvidenceTerm, actor: User) -> None:
    """Only a term no item uses can go: an item's description is never changed by surprise."""
    used = db.session.scalar(
        select(func.count())
        .select_from(EvidenceItemTerm)
        .where(EvidenceItemTerm.term_id == term.id)
    )
    if used:
        raise TermInvalid(
            f"“{term.label}” is used by {used} {'item' if used == 1 else 'items'}, so it "
            "cannot be removed. Take it off those items first, or rename it.",
            "remove",
        )
    audit.record(
        actor.id,
        "evidence_term.remove",
        "evidence_term",
        term.id,
        before={"vocabulary": term.vocabulary, "slug": term.slug, "label": term.label},
    )
    db.session.delete(term)
    db.session.flush()
