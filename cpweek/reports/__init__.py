"""The reports room: impact and equity. So far, equality monitoring: the optional questions
(`questions.py`), the answers kept apart from anyone's identity (`models.py`: a response knows
its edition, its stage and the month it was given, nothing else), the single-use invitations
that lead to them, the services that record them and count them, and the pages where people
answer (`views/`). Feedback, outcome measures, suppression and the impact report are to come."""
