"""The resources room's forms."""
