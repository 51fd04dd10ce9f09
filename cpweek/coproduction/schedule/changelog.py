"""The public change log of an edition's programme: what each published release did, as the
page and its Atom feed say it."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from cpweek.coproduction.schedule.releases import releases
from cpweek.programme.models import Edition
from cpweek.timezones import utcnow
from cpweek.urls import absolute_url

KIND_WORDS = {"added": "Added", "moved": "Moved", "cancelled": "Cancelled", "changed": "Changed"}


def change_details(change: dict[str, Any]) -> str:
    """What a release did to a session, after its title, as the change log and its feed say
    it: where it was before and where it is now ("on" for a session that is new)."""
    before = change["before"] if change["kind"] not in ("added", "cancelled") else None
    words = f" (was {before})" if before else ""
    if change["after"]:
        words += f", {'on' if change['kind'] == 'added' else 'now'} {change['after']}"
    return words


def atom_feed(edition: Edition) -> bytes:
    """The change log as an Atom feed: one entry per release."""
    ns = "http://www.w3.org/2005/Atom"
    ElementTree.register_namespace("", ns)
    feed = ElementTree.Element(f"{{{ns}}}feed")
    page = absolute_url("coproduction.changes", year=edition.year)

    def add(
        parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str
    ) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    published = releases(edition)
    add(feed, "title", f"Co-production Week {edition.year}: what changed")
    add(feed, "id", page)
    add(feed, "link", href=page)
    add(feed, "link", rel="self", href=absolute_url("coproduction.changes_feed", year=edition.year))
    updated = (published[0].published_at if published else None) or utcnow()
    add(feed, "updated", updated.isoformat())
    add(add(feed, "author"), "name", "Co-production Week")
    for release in published:
        entry = add(feed, "entry")
        add(entry, "title", f"Release {release.number}")
        add(entry, "id", f"{page}#release-{release.number}")
        add(entry, "link", href=f"{page}#release-{release.number}")
        add(entry, "updated", (release.published_at or updated).isoformat())
        lines = [
            f"{KIND_WORDS[c['kind']]}: {c['title']}{change_details(c)}" for c in release.changes
        ]
        add(entry, "content", "\n".join(lines), type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
