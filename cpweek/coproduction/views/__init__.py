"""The coproduction pages: one blueprint (`common.bp`), one module per concept, each adding
its routes to it: `proposals` (the public call, proposers, invitations), `panel` (reviews and
shared decisions), `calls` (organisers' call settings) and `scheduling` (the schedule draft,
releases and the change log)."""

from cpweek.coproduction.views import calls, panel, proposals, scheduling  # noqa: F401 (routes)
from cpweek.coproduction.views.common import bp

__all__ = ["bp"]
