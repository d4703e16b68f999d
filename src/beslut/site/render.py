"""Writing the planned site as files: HTML pages (Jinja), the Atom feed, the site manifest.

:func:`render_site` returns ``{path in webb/: bytes}`` for every file it makes; the public
files it links to are in :attr:`beslut.site.pages.SitePlan.copies` (copied by
:mod:`beslut.publish.website`, checked against their SHA-256). The output depends only on the
manifests (no clock, no absolute path), so the same versions give the same site byte for byte.
Every link is relative and names ``index.html`` explicitly, so the site works from
``file://`` as well as from any static web server.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jinja2

from beslut.model.models import slug
from beslut.site.pages import (
    ABOUT,
    FEED,
    SITE_MANIFEST,
    START,
    STYLE,
    MeetingEntry,
    SitePlan,
    relative,
)

TEMPLATES = Path(__file__).parent / "templates"
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MANIFEST_FORMAT = "beslut-webb"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["lower_first"] = lower_first
    return env


def lower_first(text: str) -> str:
    """An organ's name inside a sentence: "Hälso- och sjukvårdsnämnden" → "hälso- och …"."""
    return text[:1].lower() + text[1:]


def render_site(plan: SitePlan) -> dict[str, bytes]:
    """Every page, the style sheet, the feed and the site manifest, by path in ``webb/``."""
    env = _environment()
    common: dict[str, Any] = {"organisation": plan.organisation, "organs": plan.organs}
    files: dict[str, bytes] = {}

    def page(path: str, template: str, **context: Any) -> None:
        url: Callable[[str], str] = lambda target: relative(path, target)  # noqa: E731
        html = env.get_template(template).render(url=url, **common, **context)
        files[path] = html.encode("utf-8")

    page(START, "start.html", nav="start")
    page(ABOUT, "about.html", nav="")
    for organ in plan.organs:
        page(organ.path, "organ.html", nav=organ.path, organ=organ)
        for meeting in organ.meetings:
            context = {"nav": organ.path, "organ": organ, "meeting": meeting}
            page(meeting.path, "meeting.html", **context)
            if meeting.minutes_path:
                page(meeting.minutes_path, "minutes.html", **context)
            for version in meeting.versions:
                page(version.path, "version.html", version=version, **context)
    files[STYLE] = (TEMPLATES / STYLE).read_bytes()
    files[FEED] = atom_feed(plan)
    files[SITE_MANIFEST] = site_manifest(plan, files)
    return files


def atom_feed(plan: SitePlan) -> bytes:
    """The Atom 1.0 feed of meetings, newest first: one entry per meeting, updated with each
    new version. Ids are tag: URIs (RFC 4151); links are relative to the feed (RFC 4287 §5.4)."""
    ET.register_namespace("", ATOM)
    meetings = plan.meetings
    organisation = slug(plan.organisation)
    first_year = min(m.first_published for m in meetings).year
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: "sv"})
    _text(feed, "id", f"tag:beslut,{first_year}:{organisation}")
    _text(feed, "title", f"Sammanträden – {plan.organisation}")
    _text(feed, "subtitle", "Nya och ändrade sammanträdeshandlingar")
    _text(feed, "updated", max(m.last_published for m in meetings).isoformat())
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", plan.organisation)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": FEED})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": START})
    ET.SubElement(feed, f"{{{ATOM}}}generator").text = "beslut"
    for meeting in meetings:
        feed.append(_entry(meeting, organisation))
    ET.indent(feed)
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def _entry(meeting: MeetingEntry, organisation: str) -> ET.Element:
    entry = ET.Element(f"{{{ATOM}}}entry")
    year = meeting.first_published.year
    _text(entry, "id", f"tag:beslut,{year}:{organisation}/{slug(meeting.id)}")
    _text(entry, "title", meeting.heading)
    _text(entry, "published", meeting.first_published.isoformat())
    _text(entry, "updated", meeting.last_published.isoformat())
    ET.SubElement(
        entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": meeting.path}
    )
    where = ", ".join(p for p in (meeting.time_text, meeting.place) if p)
    latest = meeting.latest
    summary = f"Sammanträde {meeting.date_text}{', ' + where if where else ''}. "
    summary += f"Version {latest.number}, publicerad {latest.published}."
    if latest.previous is not None and latest.changes:
        summary += " Ändringar: " + " ".join(c.text for c in latest.changes)
    _text(entry, "summary", summary)
    return entry


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = text


def site_manifest(plan: SitePlan, made: dict[str, bytes]) -> bytes:
    """``webb/manifest.json``: every file of the site with its SHA-256 and size, and for each
    public document the meeting, version and file of the publication it is a copy of."""
    entries: list[dict[str, Any]] = []
    for path, data in sorted(made.items()):
        entries.append(
            {
                "path": path,
                "kind": "feed" if path == FEED else "style" if path == STYLE else "page",
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        )
    for path, file in sorted(plan.copies.items()):
        entries.append(
            {
                "path": path,
                "kind": "document",
                "sha256": file.sha256,
                "bytes": file.size,
                "meeting": file.meeting,
                "version": file.version,
                "source": file.path,
            }
        )
    entries.sort(key=lambda e: e["path"])
    manifest = {
        "format": MANIFEST_FORMAT,
        "format_version": 1,
        "organisation": plan.organisation,
        "updated": max(m.last_published for m in plan.meetings).isoformat(),
        "files": entries,
    }
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
