"""TODO (issue 13)."""
