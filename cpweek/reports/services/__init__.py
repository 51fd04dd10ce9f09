"""The reports room's rules, one module per concept; callers import the module they need
(`from cpweek.reports.services import outcomes`)."""
