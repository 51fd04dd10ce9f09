"""Editions of the week and their events: the public programme and its management."""
