"""What the public website shows, as plain data: its pages, their paths and every text.

:func:`plan_site` turns the published versions' public manifests
(:func:`beslut.site.manifests.published_versions`) into a :class:`SitePlan`: the organs with
their meetings (newest first), per meeting its latest version's agenda, documents and protokoll,
and every version with its change log, plus the public files to copy. Paths are relative to
``webb/`` and ASCII only (:func:`beslut.model.models.slug`); :mod:`beslut.site.render` writes
them as HTML, Atom and JSON. Every Swedish date, time and size is written here, through
:mod:`beslut.model.formatting`, and every withheld item's notice through
:func:`beslut.disclosure.notice_text`.

Layout of ``webb/``::

    index.html                              the organs and their meetings
    om-webbplatsen.html                     tillgänglighetsredogörelse, how the site is made
    <organ>/index.html                      one organ's meetings
    <organ>/<möte>/index.html               the meeting (its latest version)
    <organ>/<möte>/protokoll.html           the protokoll's §§ (latest version that has one)
    <organ>/<möte>/version-<N>/index.html   one version: its change log and its files
    <organ>/<möte>/version-<N>/<fil>        the version's public files (offentlig/… slugged)
    flode.atom  manifest.json  stil.css
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from beslut.disclosure import WithheldReason, notice_text
from beslut.errors import PublishError
from beslut.model.formatting import clock, iso_date, long_date, number, span, weekday_date
from beslut.model.models import slug
from beslut.site.manifests import PublicFile, PublicItem, PublicVersion

START = "index.html"
ABOUT = "om-webbplatsen.html"
FEED = "flode.atom"
SITE_MANIFEST = "manifest.json"
STYLE = "stil.css"

_FIXED_LABELS = {
    "kallelse": "Kallelse",
    "tilläggslista": "Tilläggslista",
    "handlingar": "Alla handlingar",
    "protokoll": "Protokoll",
}
"""Link texts of a version's own documents, by file stem (the version folder's names)."""
_DOCUMENT_ORDER = ("kallelse", "tilläggslista", "handlingar")
_FILE_TYPES = {".pdf": "PDF", ".docx": "Word", ".odt": "OpenDocument", ".json": "JSON"}


@dataclass(frozen=True)
class FileLink:
    """A link to a public file: where it is on the site, what it is, its type and size."""

    target: str
    label: str
    detail: str
    """"PDF, 120 kB"."""


@dataclass(frozen=True)
class ItemEntry:
    """One agenda item on a meeting page."""

    number: int
    title: str
    diary_number: str | None
    supplement: str | None
    """"Tillägg 2022-06-10" for an item on the tilläggslista."""
    lead: str | None
    """The proposal's first line ("Hälso- och sjukvårdsnämnden beslutar")."""
    points: tuple[str, ...]
    """The proposal's att-satser (or numbered points)."""
    pages: str | None
    """Where the item is in the whole packet: "Sidorna 12–30 i alla handlingar"."""
    files: tuple[FileLink, ...]
    notice: str | None
    """Why the papers are not published (withheld items only)."""


@dataclass(frozen=True)
class ChangeEntry:
    """A line of a change log, with a link to the file it names when the version has it."""

    text: str
    link: FileLink | None


@dataclass(frozen=True)
class VersionEntry:
    """One published version of a meeting."""

    number: int
    previous: int | None
    path: str
    published: str
    """"3 december 2026 kl. 09.41"."""
    published_iso: str
    changes: tuple[ChangeEntry, ...]
    files: tuple[FileLink, ...]


@dataclass(frozen=True)
class ParagraphEntry:
    """A § on the protokoll page."""

    number: int
    title: str
    notice: str | None


@dataclass(frozen=True)
class MeetingEntry:
    """A meeting and everything its pages show (from its latest version)."""

    id: str
    path: str
    organ_name: str
    organ_path: str
    heading: str
    """"Hälso- och sjukvårdsnämnden 14 juni 2022": link texts, titles, the feed."""
    date_iso: str
    date_text: str
    """"tisdagen den 14 juni 2022"."""
    time_text: str | None
    place: str | None
    sent_text: str | None
    items: tuple[ItemEntry, ...]
    documents: tuple[FileLink, ...]
    """Kallelse, tilläggslista, the whole packet (latest version)."""
    versions: tuple[VersionEntry, ...]
    """Newest first."""
    minutes_path: str | None
    minutes_file: FileLink | None
    paragraphs: tuple[ParagraphEntry, ...]
    first_published: datetime
    last_published: datetime

    @property
    def latest(self) -> VersionEntry:
        return self.versions[0]


@dataclass(frozen=True)
class OrganEntry:
    """An organ and its meetings, newest first."""

    id: str
    name: str
    path: str
    meetings: tuple[MeetingEntry, ...]


@dataclass(frozen=True)
class SitePlan:
    """The whole site as data: what :mod:`beslut.site.render` writes."""

    organisation: str
    organs: tuple[OrganEntry, ...]
    copies: dict[str, PublicFile]
    """Site path → the public file of a version it is a copy of."""

    @property
    def meetings(self) -> list[MeetingEntry]:
        """Every meeting, newest first (date, then id)."""
        found = [m for organ in self.organs for m in organ.meetings]
        return sorted(found, key=lambda m: (m.date_iso, m.id), reverse=True)


def plan_site(versions: Sequence[PublicVersion]) -> SitePlan:
    """Plan the site from every published version (at least one)."""
    if not versions:
        raise PublishError("Det finns inga publicerade versioner att bygga webbplatsen av.")
    by_meeting: dict[str, list[PublicVersion]] = {}
    for version in versions:
        by_meeting.setdefault(version.meeting.id, []).append(version)
    copies: dict[str, PublicFile] = {}
    meetings = [
        _meeting(sorted(group, key=lambda v: v.version), copies) for group in by_meeting.values()
    ]
    organs = []
    for organ_id in sorted({m.organ_path for m in meetings}):
        mine = sorted(
            (m for m in meetings if m.organ_path == organ_id),
            key=lambda m: (m.date_iso, m.id),
            reverse=True,
        )
        organs.append(OrganEntry(organ_id, mine[0].organ_name, organ_id + "/" + START, tuple(mine)))
    organs.sort(key=lambda o: o.name)
    newest = max(versions, key=lambda v: v.published)
    return SitePlan(newest.meeting.organisation, tuple(organs), copies)


def relative(from_page: str, target: str) -> str:
    """The relative link from the page at ``from_page`` to ``target`` (both site paths)."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(target, start)


def moment(value: datetime) -> str:
    """A publication time in Swedish: "3 december 2026 kl. 09.41" (the time as it was given)."""
    return f"{long_date(value.date())} {clock(value.time())}"


def file_detail(file: PublicFile) -> str:
    """A file's type and size in Swedish: "PDF, 120 kB", "PDF, 1,2 MB" (SI units)."""
    kind = _FILE_TYPES.get(PurePosixPath(file.path).suffix.lower(), "Fil")
    if file.size < 1_000_000:
        size = f"{max(1, round(file.size / 1000))}\u00a0kB"
    else:
        size = f"{number(file.size / 1_000_000, 1)}\u00a0MB"
    return f"{kind}, {size}"


def withheld_notice(reason: str | None, provision: str | None, subject: str | None = None) -> str:
    """Why a withheld item's papers (or a §) are not on the site: the packets' own notice."""
    plural = subject is None  # an item's papers; a § is one
    if reason == WithheldReason.SECRECY and provision:
        return notice_text(WithheldReason.SECRECY, provision, plural=plural, subject=subject)
    if reason == WithheldReason.SECRECY:
        return f"{subject or 'Handlingarna'} omfattas av sekretess och publiceras inte."
    return notice_text(WithheldReason.NOT_PUBLISHED, None, plural=plural, subject=subject)


def _meeting(versions: list[PublicVersion], copies: dict[str, PublicFile]) -> MeetingEntry:
    latest = versions[-1]
    info = latest.meeting
    organ_path = slug(info.organ)
    path = f"{organ_path}/{slug(info.id)}"
    entries = [_version(v, path, copies) for v in versions]
    current = entries[-1]
    links = {f.path: link for f, link in zip(latest.files, current.files, strict=True)}
    documents = tuple(
        links[f.path]
        for stem in _DOCUMENT_ORDER
        for f in latest.files
        if PurePosixPath(f.path).stem == stem and f.path.count("/") == 1
    )
    with_minutes = [(v, e) for v, e in zip(versions, entries, strict=True) if v.minutes]
    minutes_path = minutes_file = None
    paragraphs: tuple[ParagraphEntry, ...] = ()
    if with_minutes:
        version, entry = with_minutes[-1]
        assert version.minutes is not None
        minutes_path = f"{path}/protokoll.html"
        by_path = {f.path: link for f, link in zip(version.files, entry.files, strict=True)}
        minutes_file = by_path.get(version.minutes.file or "")
        items = {item.id: item for item in version.items}
        paragraphs = tuple(
            ParagraphEntry(
                p.number,
                p.title,
                None if p.open else _paragraph_notice(items.get(p.item or "")),
            )
            for p in version.minutes.paragraphs
        )
    return MeetingEntry(
        id=info.id,
        path=f"{path}/{START}",
        organ_name=info.organ_name,
        organ_path=organ_path,
        heading=f"{info.organ_name} {long_date(info.date)}",
        date_iso=iso_date(info.date),
        date_text=weekday_date(info.date),
        time_text=clock(info.time) if info.time else None,
        place=info.place,
        sent_text=long_date(info.sent) if info.sent else None,
        items=tuple(_item(item, links) for item in latest.items),
        documents=documents,
        versions=tuple(reversed(entries)),
        minutes_path=minutes_path,
        minutes_file=minutes_file,
        paragraphs=paragraphs,
        first_published=versions[0].published,
        last_published=latest.published,
    )


def _paragraph_notice(item: PublicItem | None) -> str:
    if item is None:
        return withheld_notice(None, None, subject="Paragrafen")
    return withheld_notice(item.withheld_reason, item.provision, subject="Paragrafen")


def _version(
    version: PublicVersion, meeting_path: str, copies: dict[str, PublicFile]
) -> VersionEntry:
    folder = f"{meeting_path}/version-{version.version}"
    taken: set[str] = set()
    links = []
    for file in version.files:
        target = f"{folder}/{_site_name(file.path, taken)}"
        copies[target] = file
        links.append(FileLink(target, _label(version, file), file_detail(file)))
    by_path = {f.path: link for f, link in zip(version.files, links, strict=True)}
    changes = tuple(ChangeEntry(c.text, by_path.get(c.file or "")) for c in version.changes)
    return VersionEntry(
        number=version.version,
        previous=version.previous,
        path=f"{folder}/{START}",
        published=moment(version.published),
        published_iso=version.published.isoformat(),
        changes=changes,
        files=tuple(links),
    )


def _site_name(path: str, taken: set[str]) -> str:
    """An ASCII name for a public file: ``offentlig/ärende-04.pdf`` → ``arende-04.pdf``."""
    parts = path.split("/")[1:]
    folders = [slug(p) for p in parts[:-1]]
    name = PurePosixPath(parts[-1])
    suffix = "." + slug(name.suffix) if name.suffix else ""
    stem = slug(name.stem)
    candidate = "/".join([*folders, stem + suffix])
    n = 2
    while candidate in taken or candidate == START:
        candidate = "/".join([*folders, f"{stem}-{n}{suffix}"])
        n += 1
    taken.add(candidate)
    return candidate


def _label(version: PublicVersion, file: PublicFile) -> str:
    stem = PurePosixPath(file.path).stem
    if file.path.count("/") == 1 and stem in _FIXED_LABELS:
        return _FIXED_LABELS[stem]
    item = next((i for i in version.items if file.path in i.files), None)
    if item is not None:
        return f"Punkt {item.number}: {item.title}"
    return PurePosixPath(file.path).name


def _pages(pages: tuple[int, int] | None) -> str | None:
    """The item's stamped pages in the packet (as printed on them, so readers find them)."""
    if pages is None:
        return None
    first, last = pages
    if first == last:
        return f"Sidan {first} i alla handlingar"
    return f"Sidorna {span(first, last)} i alla handlingar"


def _item(item: PublicItem, links: dict[str, FileLink]) -> ItemEntry:
    lead: str | None = None
    points: tuple[str, ...] = ()
    if item.open and item.proposal:
        if len(item.proposal) == 1:
            lead = item.proposal[0]
        else:
            lead, points = item.proposal[0], item.proposal[1:]
    files = tuple(
        FileLink(links[f].target, f"Handlingar till punkt {item.number}", links[f].detail)
        for f in item.files
        if f in links
    )
    return ItemEntry(
        number=item.number,
        title=item.title,
        diary_number=item.diary_number,
        supplement=f"Tillägg {iso_date(item.supplement)}" if item.supplement else None,
        lead=lead,
        points=points,
        pages=_pages(item.pages) if item.open else None,
        files=files,
        notice=None if item.open else withheld_notice(item.withheld_reason, item.provision),
    )
