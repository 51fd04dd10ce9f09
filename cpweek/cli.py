"""Flask commands: `flask seed-demo`, `flask create-admin EMAIL`, `flask demo-info`,
`flask send-reminders`, `flask send-feedback`, `flask send-mail`, `flask equality-tidy`.

Each command is one unit of work: it commits once at the end (`uow.unit_of_work`)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from cpweek.errors import DomainError
from cpweek.uow import unit_of_work


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_info_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(send_feedback_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(equality_tidy_command)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database holds no data yet.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo editions, events and accounts (a second run adds nothing)."""
    from cpweek import demo

    if if_empty and not demo.database_is_empty():
        click.echo("The database already holds data: demo data not loaded.")
        return
    with unit_of_work():
        result = demo.seed_demo()
    if result.added_anything:
        click.echo(
            f"Demo data loaded: {result.editions} editions, {result.events} events, "
            f"{result.accounts} accounts, {result.ledger_entries} ledger entries, "
            f"{result.proposals} proposals, {result.evidence_items} evidence items, "
            f"{result.suggestions} evidence suggestions, {result.resources} resources, "
            f"{result.past_registrations} past registrations, "
            f"{result.feedback_responses} feedback responses, "
            f"{result.equality_answers} equality answers."
        )
    else:
        click.echo("Demo data already present: nothing added.")


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="", help="Name for a new account.")
@click.option(
    "--password",
    default=None,
    help="Password for a new account (asked for when not given). Leave out for an existing one.",
)
def create_admin_command(email: str, name: str, password: str | None) -> None:
    """Make EMAIL an admin, creating the account when there is none."""
    from cpweek.auth import services

    existing = services.find_user_by_email(email)
    if existing is None and password is None:
        password = click.prompt(
            "Password for the new account", hide_input=True, confirmation_prompt=True
        )
    try:
        with unit_of_work():
            user, created = services.create_admin(email, name, password)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    verb = "Created" if created else "Updated"
    click.echo(f"{verb} {user.email}: now an admin.")


@click.command("demo-info")
def demo_info_command() -> None:
    """Print where the site is and how to sign in as each demo person."""
    from cpweek.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    config = current_app.config
    click.echo("")
    click.echo(f"  cpweek is starting at {config['CPWEEK_BASE_URL']}")
    click.echo(f"  Demo sign-ins (password for all: {DEMO_PASSWORD!r}):")
    for email, name, roles in DEMO_ACCOUNTS:
        held = ", ".join(role.label.lower() for role in roles) or "attendee"
        click.echo(f"    {email:<26} {name:<14} {held}")
    if not config["MAIL_SERVER"]:
        click.echo(f"  Mail is not sent: messages are written to {config['MAIL_OUTBOX']}")
    click.echo("")


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Email tomorrow's reminders (run it every hour: nobody is reminded twice)."""
    from cpweek.programme import services

    with unit_of_work():
        sent = services.send_reminders()
    click.echo(f"Reminders sent: {sent}.")


@click.command("send-feedback")
def send_feedback_command() -> None:
    """Email the feedback form to everyone who came to an event that ended yesterday (run it
    every hour: nobody is asked twice)."""
    from cpweek.reports.services import feedback_sending

    with unit_of_work():
        sent = feedback_sending.send_feedback_requests()
    click.echo(f"Feedback requests sent: {sent}.")


@click.command("send-mail")
@click.option("--watch", is_flag=True, help="Keep running: deliver whatever becomes due.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds between looks with --watch (default MAIL_POLL_SECONDS).",
)
def send_mail_command(watch: bool, interval: float | None) -> None:
    """Deliver the outbox: one pass (for cron), or --watch as a long-running worker."""
    from cpweek.mail import outbox

    if not watch:
        report = outbox.deliver_due()
        click.echo(
            f"Mail sent: {report.sent}; to try again later: {report.retrying}; "
            f"given up: {report.failed}."
        )
        return
    where = current_app.config["MAIL_SERVER"] or current_app.config["MAIL_OUTBOX"]
    click.echo(f"Mail worker delivering to {where}; Ctrl+C stops it.")

    def said(report: outbox.DeliveryReport) -> None:
        if report.sent or report.retrying or report.failed:
            click.echo(
                f"sent {report.sent}, to try again {report.retrying}, given up {report.failed}"
            )

    try:
        outbox.watch(interval, on_pass=said)
    except KeyboardInterrupt:
        click.echo("Mail worker stopped.")


@click.command("equality-tidy")
def equality_tidy_command() -> None:
    """Remove expired links to the equality questions, and write the answers and the links
    again in a random order (run it daily): see reports.services.monitoring.reshuffle. Used
    feedback links are written again too, so none shares a transaction with the anonymous
    response saved beside it (reports.services.feedback.unlink_used_requests)."""
    from sqlalchemy import text

    from cpweek.extensions import db
    from cpweek.reports.services import feedback, monitoring

    with unit_of_work():
        purged = monitoring.purge_expired_invitations()
        rewritten, kept = monitoring.reshuffle()
        unlinked = feedback.unlink_used_requests()
    if db.engine.dialect.name == "postgresql":
        # The old rows stay in the tables' pages as dead tuples until VACUUM (a used
        # invitation's, its xmax the answer's transaction, links the two); FULL writes each
        # table into new files (a short exclusive lock on a small table).
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(
                text("VACUUM FULL equality_responses, equality_invitations, feedback_requests")
            )
    click.echo(
        f"{purged} expired links removed; {rewritten} responses and {kept} links rewritten "
        f"in a new order; {unlinked} used feedback links rewritten."
    )
