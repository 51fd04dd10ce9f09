"""One path for mail: queued in the outbox, delivered by the worker over real SMTP on 127.0.0.1, or
to the outbox folder."""

from __future__ import annotations

from email import message_from_bytes, policy

from cpweek.extensions import db
from cpweek.mail import Attachment, queue_mail, render_mail
from cpweek.mail.outbox import deliver_due


def test_a_message_with_text_html_and_an_attachment_arrives_over_smtp(mailbox):
    queue_mail(
        ["Ama Mensah <ama@example.org>", "kofi@example.org"],
        "Your place at the conference – confirmed",
        "Hello Ama,\nYour place is confirmed.",
        "<p>Hello Ama,</p><p>Your place is confirmed.</p>",
        attachments=[Attachment("notes.pdf", "application/pdf", b"%PDF-1.4 notes")],
        reply_to="help@example.org",
    )
    [message] = mailbox.messages
    assert set(message["X-Envelope-To"].split(", ")) == {"ama@example.org", "kofi@example.org"}
    assert message["Subject"] == "Your place at the conference – confirmed"
    assert message["Reply-To"] == "help@example.org"
    assert message["From"] == "Co-production Week <no-reply@example.org>"
    assert "Your place is confirmed." in mailbox.text(message)
    assert "<p>Your place is confirmed.</p>" in mailbox.html(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "notes.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_payload(decode=True) == b"%PDF-1.4 notes"


def test_without_a_mail_server_messages_go_to_the_outbox(app, tmp_path, mailbox):
    app.config.update(MAIL_SERVER="", MAIL_OUTBOX=str(tmp_path / "outbox"))
    try:
        queue_mail("sam@example.org", "Outbox test", "Plain words", "<p>Rich words</p>")
        queue_mail("sam@example.org", "Second", "Again")
        db.session.commit()
        deliver_due()  # as `flask send-mail` would, while there is no mail server
    finally:
        app.config["MAIL_SERVER"] = "127.0.0.1"
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    subjects = set()
    for file in files:
        message = message_from_bytes(file.read_bytes(), policy=policy.default)
        subjects.add(message["Subject"])
        assert message["To"] == "sam@example.org"
    assert subjects == {"Outbox test", "Second"}
    assert mailbox.messages == []  # nothing went over SMTP


def test_mail_templates_carry_the_help_line_in_both_parts(app):
    from types import SimpleNamespace

    text, html = render_mail(
        "password_reset", user=SimpleNamespace(name="Ola"), link="http://x/y", minutes=60
    )
    assert "Hello Ola" in text and "Hello Ola" in html
    for body in (text, html):
        assert app.config["CPWEEK_HELP_PHONE"] in body and "Relay UK" in body
    assert "<p>" not in text
