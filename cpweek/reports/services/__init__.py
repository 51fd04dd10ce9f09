"""The rules of the reports room, one module per concept: `monitoring` (invitations to the
equality questions, recording answers apart from identity, counting them), `outcomes` and
`feedback`. Callers import the module they need (`from cpweek.reports.services import
monitoring`)."""
