"""What the reports room answers (cpweek/signals.py): when a person has registered, proposed
or become a contributor, the room that acted asks for a link to the optional equality
questions; the answer is a new single-use invitation's address. The invitation knows the
edition and the stage, never the person."""

from __future__ import annotations

from flask import url_for

from cpweek import signals
from cpweek.reports.models import Stage
from cpweek.reports.services import monitoring


@signals.monitoring_invitation.connect
def equality_link(edition_id: int, stage: str) -> str | None:
    """The path of a new invitation's page (relative: it is shown on the page that asked)."""
    if stage not in Stage._value2member_map_:
        return None
    return url_for("reports.equality", token=monitoring.invite(edition_id, stage))
