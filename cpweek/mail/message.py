"""Building a message: plain text with an HTML alternative and attachments, and the templates
that write its two bodies. Nothing here sends: `cpweek.mail.outbox` queues and delivers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import cast

from flask import current_app, render_template


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    data: bytes


def _split_type(content_type: str) -> tuple[str, str, dict[str, str]]:
    maintype, _, rest = content_type.partition("/")
    subtype, *pairs = [part.strip() for part in rest.split(";")]
    params = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        params[key.strip().lower()] = value.strip().strip('"')
    return maintype.strip().lower(), subtype.lower(), params


def _invitation(attachments: list[Attachment]) -> Attachment | None:
    """The one calendar invitation a message can carry as a body, if it carries exactly one.

    iMIP (RFC 6047) allows one METHOD per message, so a message with a REQUEST and a CANCEL (a
    schedule release) keeps both as plain attachments, which every client can still open."""
    calendars = [a for a in attachments if _split_type(a.content_type)[:2] == ("text", "calendar")]
    if len(calendars) != 1 or not _split_type(calendars[0].content_type)[2].get("method"):
        return None
    return calendars[0]


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    maintype, subtype, params = _split_type(attachment.content_type)
    message.add_attachment(
        attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
    )
    # After add_attachment the message is multipart: its payload is the list of its parts.
    part = cast("list[EmailMessage]", message.get_payload())[-1]
    for key, value in params.items():
        part.set_param(key, value)


def build_message(
    to: str | Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Iterable[Attachment] = (),
    reply_to: str | None = None,
) -> EmailMessage:
    """A message: text, HTML alternative, attachments.

    A message carrying one calendar invitation is laid out as Google Calendar lays out its own,
    which is what Outlook and Gmail act on (showing Yes/No/Maybe or updating the event):

        multipart/mixed
          multipart/alternative
            text/plain
            text/html
            text/calendar; method=REQUEST|CANCEL; charset="UTF-8"
          application/ics  (the same file, e.g. invite.ics: for clients that only offer files)
    """
    config = current_app.config
    attachments = list(attachments)
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
    invitation = _invitation(attachments)
    if invitation is not None:
        method = _split_type(invitation.content_type)[2]["method"].upper()
        # Text, not bytes: the calendar is UTF-8 text, and a text part lets the email package
        # pick a transfer encoding that keeps its CRLF line ends.
        message.add_alternative(
            invitation.data.decode("utf-8"), subtype="calendar", params={"method": method}
        )
        message.make_mixed()
        message.add_attachment(
            invitation.data,
            maintype="application",
            subtype="ics",
            filename=invitation.filename,
            params={"name": invitation.filename},
        )
        attachments = [a for a in attachments if a is not invitation]
    for attachment in attachments:
        _attach(message, attachment)
    return message


def render_mail(template: str, **context) -> tuple[str, str]:
    """The plain-text and HTML bodies of `templates/mail/<template>.txt` and `.html`."""
    context.setdefault("config", current_app.config)
    return (
        render_template(f"mail/{template}.txt", **context),
        render_template(f"mail/{template}.html", **context),
    )
