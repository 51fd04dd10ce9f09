"""Every signal one domain sends and others answer, in one place (blinker, as Flask's own).

Domains stand in layers: auth, then programme, then reciprocity, coproduction and evidence
above it, then resources, then reports. A domain imports only those below it. When a lower one
needs something from a higher one (programme must know whether an edition's events change only
through co-signed releases; the ledger offers involvement from review panels and evidence
suggestions; a registration offers the equality questions), it sends a signal here and whoever
listens answers. Receivers live in each domain's `receivers.py` and
are connected by `connect_receivers()`, which `create_app` calls once (RECEIVERS names them).

Signals that ask a question (`send` returns each receiver's answer) say so, and each has a
small function below that asks it and reads the answers, so no caller handles blinker's
(receiver, answer) pairs itself.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace

_signals = Namespace()

# --- programme ------------------------------------------------------------------------------

#: Sent after an event's details change. sender: the Event; changed: set of field names.
event_changed = _signals.signal("event-changed")

#: A question: may this event be published, moved or cancelled outside a co-signed release?
#: sender: the Event. A receiver answers None (no objection) or the sentence refusing it.
change_outside_release = _signals.signal("change-outside-release")

# --- coproduction ---------------------------------------------------------------------------

#: Sent once a decision on a proposal stands (a co-producer and an organiser both agreed).
#: sender: the Proposal; outcome: the ProposalStatus it now has.
decision_stood = _signals.signal("decision-stood")

# --- resources ------------------------------------------------------------------------------

#: Sent once a resource is published (a draft becomes public). sender: the Resource.
resource_published = _signals.signal("resource-published")

# --- reciprocity ----------------------------------------------------------------------------

#: A question: what involvement could this contributor log that they have not logged yet?
#: sender: the User. A receiver answers a list of prompts (reciprocity's InvolvementPrompt).
involvement_prompts = _signals.signal("involvement-prompts")

#: A question: which published works credit this person, for their portfolio?
#: sender: the User. A receiver answers a list of reciprocity's PortfolioWork.
portfolio_works = _signals.signal("portfolio-works")


# --- reports --------------------------------------------------------------------------------

#: A question: where can the person who just registered, proposed or became a contributor
#: answer the optional equality questions? sender: the edition's id; stage: "registration",
#: "proposal" or "contributor". A receiver answers the path of a single-use page, or None.
#: Nothing about the person is sent: the answers are kept apart from identity.
monitoring_invitation = _signals.signal("monitoring-invitation")


def monitoring_link(edition_id: int, stage: str) -> str | None:
    """The first answer to `monitoring_invitation`, or None when nobody answers."""
    found = answers(monitoring_invitation, edition_id, stage=stage)
    return found[0] if found else None


def answers(signal, sender: Any, **kwargs: Any) -> list[Any]:
    """Each connected receiver's answer to a question signal, in the order they connected,
    leaving out receivers that answered None."""
    return [answer for _receiver, answer in signal.send(sender, **kwargs) if answer is not None]


# The modules whose receivers answer these signals: importing one connects its receivers.
RECEIVERS = (
    "cpweek.coproduction.receivers",
    "cpweek.coproduction.involvement",
    "cpweek.evidence.receivers",
    "cpweek.resources.receivers",
    "cpweek.reports.receivers",
)


def connect_receivers() -> None:
    """Import every module of receivers (importing connects them); idempotent. A module named
    here that does not exist yet is skipped; any other import error is raised."""
    import importlib

    for name in RECEIVERS:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
