"""The reports room: impact and equity. Feedback, outcome measures, equality monitoring and
the impact report will come here.

It will read registrations, proposals and the ledger, so it stands above coproduction, and no
lower room may import it. Suppression (how a count of equality data may be published) is
therefore a core module, cpweek/suppression.py, that every room can use (the "how it was made"
page does); it is re-exported here so the reports room's own pages name it from their room.
"""

from cpweek.suppression import (
    SECONDARY,
    Figure,
    Published,
    Rule,
    publish,
    publish_breakdown,
    rule_from,
)

__all__ = ["SECONDARY", "Figure", "Published", "Rule", "publish", "publish_breakdown", "rule_from"]
