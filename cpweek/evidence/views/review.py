"""review pages of the evidence room."""

from cpweek.evidence.views import bp  # noqa: F401
