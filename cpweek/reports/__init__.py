"""The reports room: impact and equity (feedback after events, outcome measures chosen together, equality monitoring, the impact report)."""
