"""Messages to proposers and co-proposers, queued with the action they follow."""

from __future__ import annotations

from typing import Any

from cpweek.mail import queue_mail, render_mail


def tell(to: str, subject: str, template: str, **context: Any) -> None:
    """Queue a message in the outbox: it leaves only if the action it follows is committed."""
    text, html = render_mail(template, **context)
    queue_mail(to, subject, text, html)
