"""The reports room: impact and equity. Equality monitoring: the optional questions
(`questions.py`), the answers kept apart from anyone's identity (`models.py`: a response knows
its edition, its stage and the month it was given, nothing else), the single-use invitations
that lead to them. Outcome measures chosen together and anonymous feedback after events
(`feedback_models.py`). The services that record and count them, and the pages (`views/`).
The stage comparison and the impact report are to come.

How a count of equality data may be published (small numbers hidden, with secondary
suppression, and rounding) is `cpweek/suppression.py`, a core module: the "how it was made"
page of coproduction, a lower room, needs it too."""
