"""TODO (issue 13)."""

from cpweek.resources.views.common import bp  # noqa: F401
