"""Atom 1.0 feeds, written once for every room that has news (the evidence hub's newly included
items, the resources library's newly published resources), and the two things every XML feed
needs: text XML can hold, and instants in the form feeds use.

A feed's ids are tag: URIs (RFC 4151) that never change, made by the caller from the site's host
name; entries carry what feed readers show (title, link, summary, authors, categories) and, for a
file to download, an `enclosure` link with its type and length (what podcast apps and feed
readers fetch)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree

ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str | None) -> str:
    """`text` without the characters XML 1.0 cannot hold at all (one would make the whole feed
    unreadable)."""
    return _NOT_XML.sub("", text or "")


def stamp(moment: datetime) -> str:
    """An instant as RFC 3339 in UTC ("2026-07-01T09:30:00Z"), as Atom wants it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


@dataclass(frozen=True)
class Enclosure:
    """A file an entry offers: its full URL, real type and size in bytes."""

    url: str
    media_type: str
    length: int | None
    title: str = ""


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    updated: datetime
    link: str
    summary: str = ""
    published: datetime | None = None
    authors: Sequence[str] = ()
    categories: Sequence[str] = ()
    enclosures: Sequence[Enclosure] = ()


def atom_feed(
    *,
    id: str,
    title: str,
    updated: datetime,
    feed_url: str,
    page_url: str,
    entries: Iterable[Entry],
    subtitle: str = "",
    author: str = "Co-production Week",
) -> bytes:
    """The feed as UTF-8 XML, entries in the order given."""
    ElementTree.register_namespace("", ATOM)

    def add(parent, tag: str, text: str | None = None, **attributes: str):
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = xml_text(text)
        return element

    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    add(feed, "id", id)
    add(feed, "title", title)
    if subtitle:
        add(feed, "subtitle", subtitle)
    add(feed, "updated", stamp(updated))
    add(feed, "link", rel="self", href=feed_url, type="application/atom+xml")
    add(feed, "link", rel="alternate", href=page_url, type="text/html")
    add(add(feed, "author"), "name", author)
    for entry in entries:
        element = add(feed, "entry")
        add(element, "id", entry.id)
        add(element, "title", entry.title)
        add(element, "updated", stamp(entry.updated))
        if entry.published is not None:
            add(element, "published", stamp(entry.published))
        add(element, "link", rel="alternate", href=entry.link, type="text/html")
        for enclosure in entry.enclosures:
            attributes = {"rel": "enclosure", "href": enclosure.url, "type": enclosure.media_type}
            if enclosure.length is not None:
                attributes["length"] = str(enclosure.length)
            if enclosure.title:
                attributes["title"] = xml_text(enclosure.title)
            add(element, "link", **attributes)
        for name in entry.authors:
            add(add(element, "author"), "name", name)
        for category in entry.categories:
            add(element, "category", term=xml_text(category))
        add(element, "summary", entry.summary, type="text")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
