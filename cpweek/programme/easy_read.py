"""Easy Read: the version of an event's page, registration form and emails for people who find
standard text hard (the UK social care way: large clear text, one idea a line, a picture beside
the words). Organisers write it beside the standard text; a person's choice is a cookie.

The rules live here, not in services.py, so that the event services only call `check`."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import Request, Response, current_app

from cpweek.errors import DomainError
from cpweek.timezones import format_date, local_date, to_local

COOKIE = "reading_version"
EASY, STANDARD = "easy", "standard"
COOKIE_DAYS = 365

MAX_TEXT = 3000
MAX_LINES = 30
LONG_LINE_WORDS = 20  # Easy Read guides ask for about 15 words a sentence: past 20, say so
PICTURE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
# A picture on this site: a plain path under /static/ (no "..", no query), so an image tag can
# never be pointed at a page that does something.
_SITE_PICTURE = re.compile(r"^/static/(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_.-]+$")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")


class EasyReadInvalid(DomainError):
    pass


# --- what the organiser writes -----------------------------------------------------------------


def lines(text: str | None) -> list[str]:
    """The ideas, one a line, without blank lines or surrounding spaces."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def picture_problem(address: str) -> str | None:
    """Why a picture address cannot be used, or None when it can: a full https address, or a
    picture on this site (/static/...)."""
    if not address:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in address) or "\\" in address:
        return "The picture's address cannot contain spaces"
    if address.startswith("/"):
        if ".." in address or not _SITE_PICTURE.match(address):
            return (
                "A picture on this site has an address starting /static/, like "
                "/static/img/easy-read/meeting.svg"
            )
        return None
    parts = urlsplit(address)
    if parts.scheme.lower() != "https":
        return "Enter a picture address starting https:// (pictures must come over a secure link)"
    if not parts.hostname or "@" in parts.netloc or not _HOST.match(parts.netloc):
        return "Enter a full picture address, like https://example.org/picture.png"
    return None


def check(text: str, picture: str, alt: str) -> list[str]:
    """Refuse what cannot be shown (a bad picture address, a picture without alt text, alt text
    without a picture, too much text); return warnings for lines too long for Easy Read."""
    if len(text) > MAX_TEXT:
        raise EasyReadInvalid(
            f"Easy Read text must be {MAX_TEXT:,} characters or fewer", "easy_read"
        )
    if len(lines(text)) > MAX_LINES:
        raise EasyReadInvalid(
            f"Easy Read text must be {MAX_LINES} lines or fewer: keep to the main ideas",
            "easy_read",
        )
    problem = picture_problem(picture)
    if problem:
        raise EasyReadInvalid(problem, "easy_read_image_url")
    if picture and not alt:
        raise EasyReadInvalid(
            "Describe the picture for people who cannot see it (alt text)", "easy_read_image_alt"
        )
    if alt and not picture:
        raise EasyReadInvalid(
            "Give the picture's address, or leave the description empty", "easy_read_image_url"
        )
    if picture and not text.strip():
        raise EasyReadInvalid("Write the Easy Read text the picture goes with", "easy_read")
    return [
        f"Easy Read line {number} has {len(line.split())} words. Easy Read works best with "
        "short lines: try 15 words or fewer."
        for number, line in enumerate(lines(text), start=1)
        if len(line.split()) > LONG_LINE_WORDS
    ]


def picture_origin(address: str) -> str | None:
    """The https origin a page must allow images from to show this picture (None: this site)."""
    if not address or address.startswith("/") or picture_problem(address):
        return None
    parts = urlsplit(address)
    return f"https://{parts.netloc.lower()}"


def picture_for_mail(address: str) -> str:
    """A picture address that works in an email: a picture on this site gets the site's host."""
    if address.startswith("/"):
        return current_app.config["CPWEEK_BASE_URL"].rstrip("/") + address
    return address


# --- the words Easy Read pages and emails use ---------------------------------------------------

KIND_WORDS = {
    "conference": "A conference. A day of talks and small groups.",
    "workshop": "A workshop. A small group where everyone can talk.",
    "webinar": "A webinar. A talk you watch and listen to online.",
    "q_and_a": "A question and answer session. You can ask questions.",
    "launch": "A launch. We share something new.",
    "other": "An event.",
}


def easy_time(instant: datetime, zone_name: str | None = None) -> str:
    """'10am', '1:30pm', '12 noon', '12 midnight': how Easy Read writes a time."""
    local = to_local(instant, zone_name)
    if local.minute == 0 and local.hour in (0, 12):
        return "12 midnight" if local.hour == 0 else "12 noon"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def easy_when(starts: datetime, ends: datetime, zone_name: str | None = None) -> list[str]:
    """The day and the times as short lines: ['Tuesday 29 June 2027.', '10am to 4pm.'] (no line
    starts "From ": mail servers would turn it into ">From")."""
    first, last = local_date(starts, zone_name), local_date(ends, zone_name)
    if first == last:
        return [
            f"{format_date(first)}.",
            f"{easy_time(starts, zone_name)} to {easy_time(ends, zone_name)}.",
        ]
    return [
        f"Starts: {format_date(first)} at {easy_time(starts, zone_name)}.",
        f"Ends: {format_date(last)} at {easy_time(ends, zone_name)}.",
    ]


# --- the person's choice ---------------------------------------------------------------------


def asked_in_link(request: Request) -> str | None:
    """`?version=easy|standard` on a link (an Easy Read email's, or one someone shared): it
    works as the switch does, so the form sent from that page is read the same way."""
    asked = request.args.get("version")
    return asked if asked in (EASY, STANDARD) else None


def wanted(request: Request) -> bool:
    """Easy Read for this page? The link's choice, else the one kept in the cookie."""
    asked = asked_in_link(request)
    if asked is not None:
        return asked == EASY
    return request.cookies.get(COOKIE) == EASY


def remember(response: Response, version: str) -> None:
    """Keep the choice for a year (the standard version is the default, so it clears it)."""
    if version == EASY:
        response.set_cookie(
            COOKIE,
            EASY,
            max_age=COOKIE_DAYS * 24 * 60 * 60,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    else:
        response.delete_cookie(
            COOKIE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
