"""Mail: messages are built (`message`), queued in the outbox with the change that causes them
(`outbox.queue_mail`), and delivered by a worker outside any web request (`flask send-mail`)."""

from cpweek.mail.message import Attachment, build_message, render_mail
from cpweek.mail.models import OutboxMessage, OutboxStatus
from cpweek.mail.outbox import DeliveryReport, deliver_due, queue_mail

__all__ = [
    "Attachment",
    "DeliveryReport",
    "OutboxMessage",
    "OutboxStatus",
    "build_message",
    "deliver_due",
    "queue_mail",
    "render_mail",
]
