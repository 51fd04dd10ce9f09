"""The population's shares (Census 2021), kept as data organisers update, each with its
source: what the "who takes part" table is set beside.

A share is typed as a per cent with at most one decimal (81.7) and kept in tenths of a per cent
(817): whole numbers, so sums are exact. An empty box is "not yet entered": the page then says
"no population figure" rather than showing a guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cpweek import audit
from cpweek.auth.models import Role, User
from cpweek.extensions import db
from cpweek.reports.errors import NotAllowed, PopulationInvalid
from cpweek.reports.models import PopulationShare
from cpweek.reports.questions import Question
from cpweek.reports.services.stages import categories

_PERCENT = re.compile(r"(\d{1,3})(?:\.(\d))?")
SOURCE_LENGTH = 300
URL_LENGTH = 500


def share_field(code: str) -> str:
    """The form field of a group's share."""
    return f"share_{code}"


def parse_percent(typed: str, field: str, words: str) -> int | None:
    """Tenths of a per cent from what was typed ("81.7", "81.7%", "4"), None for nothing typed."""
    text = (typed or "").strip().removesuffix("%").strip()
    if not text:
        return None
    found = _PERCENT.fullmatch(text)
    if found is None:
        raise PopulationInvalid(
            f"Enter the share for {words} as a per cent, like 81.7, with at most one decimal",
            field,
        )
    tenths = int(found.group(1)) * 10 + int(found.group(2) or 0)
    if tenths > 1000:
        raise PopulationInvalid(f"The share for {words} must be between 0% and 100%", field)
    return tenths


@dataclass
class SharesInput:
    typed: Mapping[str, str]  # each group's code -> the per cent typed ("" for none)
    source: str
    source_url: str
    as_of: date | None


def save_shares(question: Question, given: SharesInput, by: User) -> None:
    """Replace the question's shares with those given, all or nothing. Refused: a share that
    is not a per cent from 0 to 100, shares adding to more than 100 %, a figure without its
    source, a link that is not a web address."""
    if not by.has_role(Role.ORGANISER):
        raise NotAllowed("Only organisers change the population figures.")
    groups = [category for category in categories(question) if category.is_group]
    values = {
        category.code: parse_percent(
            given.typed.get(category.code, ""), share_field(category.code), category.words
        )
        for category in groups
    }
    total = sum(value for value in values.values() if value is not None)
    if total > 1000:
        whole, tenth = divmod(total, 10)
        raise PopulationInvalid(
            f"These shares add up to {whole}.{tenth}%: the shares of one question can add up to "
            "100% at most. Check each figure against the source.",
            share_field(groups[0].code),
        )
    source = given.source.strip()
    url = given.source_url.strip()
    if any(value is not None for value in values.values()) and not source:
        raise PopulationInvalid(
            "Say where the figures come from, and for which population (England, or England "
            "and Wales)",
            "source",
        )
    if len(source) > SOURCE_LENGTH:
        raise PopulationInvalid(
            f"Write the source in {SOURCE_LENGTH} characters or fewer", "source"
        )
    if url and (not re.fullmatch(r"https?://\S+", url) or len(url) > URL_LENGTH):
        raise PopulationInvalid(
            "Enter the source's web address starting with https://, or leave it empty",
            "source_url",
        )
    existing = {
        share.category: share
        for share in db.session.scalars(
            select(PopulationShare).where(PopulationShare.question == question.key)
        )
    }
    before = {code: share.per_mille for code, share in existing.items()}
    for code, value in values.items():
        share = existing.get(code)
        if share is None:
            share = PopulationShare(question=question.key, category=code)
            db.session.add(share)
        share.per_mille = value
        share.source = source
        share.source_url = url
        share.as_of = given.as_of
    db.session.flush()
    audit.record(
        by.id,
        "reports.population_changed",
        "question",
        None,
        before={"question": question.key, "shares": before},
        after={"question": question.key, "shares": values, "source": source},
    )


def _typed(per_mille: int | None) -> str:
    if per_mille is None:
        return ""
    whole, tenth = divmod(per_mille, 10)
    return f"{whole}.{tenth}" if tenth else str(whole)


def current_shares(question: Question) -> SharesInput:
    """What the form shows before a change."""
    shares = list(
        db.session.scalars(select(PopulationShare).where(PopulationShare.question == question.key))
    )
    typed = {share.category: _typed(share.per_mille) for share in shares}
    first = shares[0] if shares else None
    return SharesInput(
        typed,
        first.source if first else "",
        first.source_url if first else "",
        first.as_of if first else None,
    )
