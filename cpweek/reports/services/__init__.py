"""The rules of the reports room, one module per concept. So far `monitoring`: invitations to
the equality questions, recording answers apart from identity, and counting them. Callers
import the module they need (`from cpweek.reports.services import monitoring`)."""
