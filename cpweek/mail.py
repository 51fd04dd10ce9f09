"""Sending mail: one function, plain text with an HTML alternative and attachments.

With MAIL_SERVER set, messages go over SMTP (STARTTLS or SSL, optional login). Without it
(development), each message is written as an .eml file to MAIL_OUTBOX, where any mail client
can open it.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template

from cpweek.timezones import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    data: bytes


def build_message(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: str | None = None,
) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join([to] if isinstance(to, str) else to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="cpweek")
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, rest = attachment.content_type.partition("/")
        subtype, *params = [part.strip() for part in rest.split(";")]
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
        part = message.get_payload()[-1]
        for param in params:
            key, _, value = param.partition("=")
            part.set_param(key.strip(), value.strip())
    return message


def send_mail(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: str | None = None,
) -> EmailMessage:
    """Send one message now; raises smtplib/OSError errors for the caller to handle."""
    message = build_message(to, subject, text, html, attachments, reply_to)
    config = current_app.config
    if config["MAIL_SERVER"]:
        _send_smtp(message, config)
    else:
        _write_to_outbox(message, Path(config["MAIL_OUTBOX"]))
    return message


def send_or_log(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> bool:
    """Send a message that follows an action already saved: a mail server that fails is
    logged (False) and never undoes the action."""
    try:
        send_mail(to, subject, text, html, attachments=attachments)
    except (smtplib.SMTPException, OSError):
        log.exception("could not send %r to %s", subject, to)
        return False
    return True


def render_mail(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of `templates/mail/<template>.txt` and `.html`."""
    context.setdefault("config", current_app.config)
    return (
        render_template(f"mail/{template}.txt", **context),
        render_template(f"mail/{template}.html", **context),
    )


def _send_smtp(message: EmailMessage, config) -> None:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def _write_to_outbox(message: EmailMessage, outbox: Path) -> None:
    outbox.mkdir(parents=True, exist_ok=True)
    # Sortable by time, unique when several are written in the same second.
    name = f"{utcnow():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    (outbox / name).write_bytes(bytes(message))
