"""``beslut publicera MÖTE``: build, describe and freeze a numbered version of a meeting.

:func:`publish_meeting` is the one function to read:

1. a normal build (``pipeline.build``); any error stops it and nothing is frozen;
2. under the output lock: the meeting's files from the build's ``manifest.json`` (every file
   under ``output/möten/<möte>/``: kallelse, tilläggslista, handlingar, item PDFs, protokoll,
   utdrag, their public versions), the manifests of the new version (:func:`describe`, for each
   audience) and, when a version exists, its check (:func:`versions.verify_version`) and the
   change log against it (:func:`changes_between`);
3. nothing differs (same items, same files and checksums): no version, one Swedish line;
4. from version 2: the page "Ändringar sedan version N-1" (``render.changes``), converted as
   every paper, put in front of both packets (``assemble.front``);
5. ``publish.versions.freeze`` writes the version whole, read-only, or nothing.

With ``sent_first`` (``--kallelsen-först``) a meeting with supplement items and no version yet
first gets version 1 as the kallelse was sent: the workspace is built again, with
``Meeting.as_sent()``, into a temporary folder (``pipeline.build(as_sent=…)``), never into
``output/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from beslut.assemble.front import prepend_front_matter
from beslut.assemble.model import AssemblyError
from beslut.convert.libreoffice import ConversionJob, Converter, LibreOfficeConverter
from beslut.disclosure import public_view
from beslut.errors import PublishError, UserError
from beslut.load import paths
from beslut.load.paths import CACHE_DIR, CONTENT_DIR, MEETINGS_DIR, default_out_dir
from beslut.model import formatting
from beslut.model.models import Meeting, Profile
from beslut.model.publication import (
    FORMAT,
    FORMAT_VERSION,
    Audience,
    Change,
    ChangeKind,
    MinutesParagraph,
    Publication,
    PublishedFile,
    PublishedItem,
    PublishedMeeting,
    PublishedMinutes,
    Withheld,
)
from beslut.pipeline import BuildReport, Progress
from beslut.pipeline import build as run_build
from beslut.publish import versions
from beslut.publish.files import output_lock, read_manifest, sha256
from beslut.publish.website import publish_site
from beslut.render.case import RenderError, proposal_parts
from beslut.render.changes import changes_context, changes_title, render_changes
from beslut.render.minutes import in_organ_voice, paragraph_titles
from beslut.validate.workspace import MeetingDocument, Workspace, load_workspace

PUBLIC = "offentlig/"
PACKET = "handlingar.pdf"
PUBLIC_PACKET = PUBLIC + PACKET
MINUTES_FILES = ("protokoll.pdf", "offentlig/protokoll.pdf")
_ITEM_FILE = re.compile(r"^(?:offentlig/)?ärende-(\d+)\.pdf$")
_EXTRACT_FILE = re.compile(r"^protokollsutdrag/paragraf-(\d+)\.pdf$")
_ITEM_BOOKMARK = re.compile(r"^Ärende (\d+): ")


class UnknownMeeting(UserError):
    """No meeting file has that id (the message lists the known ones)."""


class Renumbered(UserError):
    """Items of the last published version would get other numbers (or be gone)."""


class BuildFailed(UserError):
    """The build before publishing had errors; nothing was frozen."""

    def __init__(self, message: str, report: BuildReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Published:
    """What one publishing step did."""

    meeting: str
    version: int | None
    """The new version's number, or None when nothing differed from the last one."""
    folder: Path | None
    changes: tuple[Change, ...] = ()
    message: str = ""
    """One Swedish line for people."""


@dataclass(frozen=True)
class PublishOutcome:
    """Everything ``beslut publicera`` did: the build's report and each step."""

    report: BuildReport
    steps: tuple[Published, ...]
    notes: tuple[str, ...] = field(default=())
    site: Path | None = None
    """The public website (``output/webb``), rebuilt from every published version."""


def meeting_id(document: MeetingDocument) -> str:
    """A meeting's id: its output folder under ``möten/`` (``2022-06-14-hsn``)."""
    return paths.output_stem(document.rel).removeprefix(f"{MEETINGS_DIR}/")


def find_meeting(workspace: Workspace, wanted: str) -> MeetingDocument:
    """The meeting with id (or file name) ``wanted``; :class:`UnknownMeeting` lists the known."""
    name = PurePosixPath(wanted.replace("\\", "/")).name.removesuffix(".yaml")
    for document in workspace.meetings:
        if wanted in (meeting_id(document), document.rel) or meeting_id(document) == name:
            return document
    known = sorted(meeting_id(d) for d in workspace.meetings)
    listed = ", ".join(known) if known else "inga (lägg en mötesfil i content/möten/)"
    raise UnknownMeeting(
        f"Det finns inget möte som heter {wanted}. Kända möten: {listed}. Ange mötesfilens namn "
        "utan .yaml."
    )


def version_list(out_dir: Path, meeting: str) -> list[Publication]:
    """The meeting's published versions (internal manifests), oldest first."""
    return [
        versions.read_manifest(versions.version_folder(out_dir, meeting, n))
        for n in versions.list_versions(out_dir, meeting)
    ]


def publish_meeting(
    root: Path,
    wanted: str,
    *,
    out_dir: Path | None = None,
    sent_first: bool = False,
    renumber: bool = False,
    converter: Converter | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> PublishOutcome:
    """Build the workspace and publish a new version of meeting ``wanted`` when it changed.

    ``renumber`` allows a version in which items of the last version have other numbers or are
    gone (:class:`Renumbered` otherwise).

    Raises :class:`UnknownMeeting`, :class:`BuildFailed` (nothing frozen), :class:`Renumbered`,
    :class:`beslut.errors.BuildLocked` and :class:`versions.DamagedVersion` (Swedish).
    """
    root = root.resolve()
    out_dir = (out_dir or default_out_dir(root)).resolve()
    paths.check_out_dir(root, out_dir)
    try:
        document = find_meeting(load_workspace(root), wanted)
    except UnknownMeeting:
        # A meeting file with errors does not load: the build says what is wrong with it.
        name = PurePosixPath(wanted).name.removesuffix(".yaml")
        if not (root / CONTENT_DIR / MEETINGS_DIR / f"{name}.yaml").is_file():
            raise
        report = run_build(root, out_dir=out_dir, converter=converter, progress=progress)
        if report.ok:
            raise
        raise BuildFailed(
            f"Bygget hade fel (se ovan), så ingen version publicerades. Rätta felen och kör "
            f"beslut publicera {name} igen.",
            report,
        ) from None
    ident = meeting_id(document)
    report = run_build(root, out_dir=out_dir, converter=converter, progress=progress)
    if not report.ok:
        raise BuildFailed(
            "Bygget hade fel (se ovan), så ingen version publicerades. Rätta felen och kör "
            f"beslut publicera {ident} igen.",
            report,
        )
    workspace = load_workspace(root)
    document = find_meeting(workspace, document.rel)
    when = (now or dt.datetime.now().astimezone()).replace(microsecond=0)
    steps: list[Published] = []
    notes: list[str] = []
    owned: LibreOfficeConverter | None = None
    try:

        def get_converter() -> Converter:
            nonlocal owned
            if converter is not None:
                return converter
            if owned is None:
                owned = LibreOfficeConverter(profile_root=root / CACHE_DIR / "libreoffice")
            return owned

        if sent_first:
            existing = versions.list_versions(out_dir, ident)
            if existing:
                notes.append(
                    f"--kallelsen-först gör inget: {ident} har redan publicerade versioner."
                )
            elif not document.meeting.supplements:
                notes.append(
                    f"--kallelsen-först gör inget: {ident} har inga punkter från en tilläggslista."
                )
            else:
                side = Path(tempfile.mkdtemp(prefix="beslut-kallelsen-"))
                try:
                    sent_report = run_build(
                        root,
                        out_dir=side,
                        converter=converter,
                        progress=progress,
                        as_sent=(document.rel,),
                    )
                    if not sent_report.ok:
                        raise BuildFailed(
                            "Kallelsen som den skickades (utan tilläggslistans punkter) kunde "
                            "inte byggas, så ingen version publicerades.",
                            sent_report,
                        )
                    sent_doc = MeetingDocument(
                        document.source,
                        document.meeting.as_sent(),
                        document.attachment_files[: len(document.meeting.sent_items)],
                    )
                    steps.append(
                        _publish_from(
                            workspace, sent_doc, side, out_dir, when, get_converter, False
                        )
                    )
                finally:
                    shutil.rmtree(side, ignore_errors=True)
        steps.append(
            _publish_from(
                workspace, document, out_dir, out_dir, when, get_converter, True, renumber
            )
        )
    finally:
        if owned is not None:
            owned.close()
    return PublishOutcome(report, tuple(steps), tuple(notes), _site(out_dir, steps))


def _site(out_dir: Path, steps: Sequence[Published]) -> Path:
    """Rebuild the public website from every published version (also when this run made no
    new version: the site may be missing or from an older beslut)."""
    try:
        return publish_site(out_dir)
    except PublishError as exc:
        made = [s.version for s in steps if s.version is not None]
        if not made:
            raise
        raise PublishError(
            f"Version {', '.join(map(str, made))} är publicerad, men webbplatsen kunde inte "
            f"byggas om: {exc} Rätta felet och kör beslut webb."
        ) from None


def _publish_from(
    workspace: Workspace,
    document: MeetingDocument,
    built: Path,
    out_dir: Path,
    when: dt.datetime,
    get_converter: Callable[[], Converter],
    with_minutes: bool,
    renumber: bool = False,
) -> Published:
    """Freeze the meeting's files in ``built`` as the next version in ``out_dir``."""
    ident = meeting_id(document)
    prefix = f"{paths.output_stem(document.rel)}/"
    with output_lock(out_dir):
        entries = {
            e["path"].removeprefix(prefix): e
            for e in read_manifest(built)
            if e["path"].startswith(prefix)
        }
        if not with_minutes:
            entries = {r: e for r, e in entries.items() if not _is_minutes_file(r)}
        numbers = versions.list_versions(out_dir, ident)
        previous = numbers[-1] if numbers else None
        before = versions.verify_version(out_dir, ident, previous) if previous else None
        before_public = (
            versions.read_manifest(
                versions.version_folder(out_dir, ident, previous), versions.PUBLIC_MANIFEST
            )
            if previous
            else None
        )
        number = (previous or 0) + 1
        folder = built / paths.output_stem(document.rel)
        internal = describe(
            workspace, document, folder, entries, Audience.INTERNAL, number, previous, when
        )
        public = describe(
            workspace, document, folder, entries, Audience.PUBLIC, number, previous, when
        )
        if before is not None and _same(before, internal):
            return Published(
                ident,
                None,
                None,
                message=f"{ident}: inget har ändrats sedan version {previous}; ingen ny version.",
            )
        if before is not None and not renumber:
            _check_numbers(before, internal)
        files = [
            versions.FileToFreeze(folder / rel, rel, entry["sha256"])
            for rel, entry in sorted(entries.items())
        ]
        staging = Path(tempfile.mkdtemp(prefix="beslut-version-"))
        try:
            if before is not None and before_public is not None and previous is not None:
                internal = internal.model_copy(
                    update={"changes": changes_between(before, internal)}
                )
                public = public.model_copy(
                    update={"changes": changes_between(before_public, public)}
                )
                internal, public, files = _with_change_pages(
                    workspace, document, internal, public, files, staging, get_converter
                )
            manifests = {
                versions.MANIFEST: internal.to_json(),
                versions.PUBLIC_MANIFEST: public.to_json(),
            }
            target = versions.freeze(out_dir, ident, number, files, manifests)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    what = "första versionen" if previous is None else f"{len(internal.changes)} ändringar"
    return Published(
        ident,
        number,
        target,
        internal.changes,
        f"{ident}: publicerade version {number} ({what}) i {target}.",
    )


def _check_numbers(before: Publication, now: Publication) -> None:
    """Every item of the last published version keeps its number (the Madison rule: readers,
    minutes and references use the numbers of the kallelse that was sent)."""
    numbers = {item.id: item.number for item in now.items}
    moved = []
    for item in before.items:
        number = numbers.get(item.id)
        if number is None:
            moved.append(f"punkt {item.number} {item.title} finns inte längre")
        elif number != item.number:
            moved.append(f"punkt {item.number} {item.title} är nu punkt {number}")
    if moved:
        raise Renumbered(
            f"Version {now.version} skulle ändra numren i version {before.version}, som redan "
            f"är publicerad: {'; '.join(moved)}. Ingen version publicerades. Låt de publicerade "
            "punkterna stå kvar i samma ordning: lägg nya punkter sist med ”tillägg”, och låt "
            "en punkt som inte ska behandlas stå kvar (den utgår i protokollet). Ska numren "
            "ändå ändras, kör beslut publicera med --nya-nummer."
        )


def _is_minutes_file(rel: str) -> bool:
    return rel.startswith(("protokoll", "offentlig/protokoll", "protokollsutdrag/"))


def _same(before: Publication, now: Publication) -> bool:
    """Nothing to publish: the same items and the same files with the same content as built."""
    if [i.id for i in before.items] != [i.id for i in now.items]:
        return False
    return _built_sums(before) == _built_sums(now)


def _built_sums(publication: Publication) -> dict[str, str]:
    return {f.path: _sum(f) for f in publication.files}


# -- describing a version ---------------------------------------------------------------------


def describe(
    workspace: Workspace,
    document: MeetingDocument,
    folder: Path,
    entries: Mapping[str, Mapping[str, str]],
    audience: Audience,
    number: int,
    previous: int | None,
    when: dt.datetime,
) -> Publication:
    """The manifest of a version for one audience (without its change log).

    The public one has only files under ``offentlig/`` and, for a withheld item, its number,
    id, public title, reason and provision: no proposal, no diarienummer, no file of its own.
    """
    assert workspace.profile is not None
    profile: Profile = workspace.profile
    meeting: Meeting = document.meeting
    public = audience is Audience.PUBLIC
    first = profile.agenda.first_number
    cases = [
        workspace.case_by_dnr(i.diary_number) if i.diary_number and i.has_case else None
        for i in meeting.items
    ]
    view = public_view(meeting, [c.case if c else None for c in cases], first=first)
    ids = meeting.item_ids()
    organ = profile.organ(meeting.organ)
    organ_name = organ.name if organ else meeting.organ
    by_number = {shown.number: ident for shown, ident in zip(view.items, ids, strict=True)}
    packet = PUBLIC_PACKET if public else PACKET
    pages = _item_pages(folder / packet) if packet in entries else {}

    withheld_numbers = {shown.number for shown in view.items if shown.withheld}
    listed: list[PublishedFile] = []
    for rel, entry in sorted(entries.items()):
        item_number = _file_item(rel)
        if public and (not rel.startswith(PUBLIC) or item_number in withheld_numbers):
            continue
        path = folder / rel
        listed.append(
            PublishedFile(
                path=rel,
                kind=entry.get("kind", PurePosixPath(rel).suffix[1:]),
                sha256=entry["sha256"],
                content_sha256=content_digest(path),
                bytes=path.stat().st_size,
                pages=_page_count(path) if rel.endswith(".pdf") else None,
                open=rel.startswith(PUBLIC),
                item=None if item_number is None else by_number.get(item_number),
            )
        )
    minutes = _minutes(workspace, document, entries, public, first, ids, listed)
    if minutes is not None and minutes.paragraphs:
        extract_items = {p.number: p.item for p in minutes.paragraphs}
        listed = [_with_item(f, extract_items) for f in listed]
    items = []
    for shown, item, case, ident in zip(view.items, meeting.items, cases, ids, strict=True):
        hidden = public and shown.withheld
        own = [f.path for f in listed if f.item == ident and _file_item(f.path) is not None]
        proposal = None
        if case is not None and not hidden and (not public or not shown.withheld):
            _, parts = proposal_parts(case.case, profile)
            proposal = tuple(_proposal_lines(in_organ_voice(parts, organ_name)))
        items.append(
            PublishedItem(
                id=ident,
                number=shown.number,
                kind=item.kind.value,
                title=shown.public_title if public else shown.title,
                diary_number=None if hidden else (item.diary_number or None),
                open=not shown.withheld,
                withheld_reason=Withheld(shown.reason.value) if shown.reason else None,
                provision=shown.provision,
                supplement=item.supplement,
                proposal=proposal,
                pages=None if hidden or not own else pages.get(shown.number),
                files=() if hidden else tuple(own),
            )
        )
    return Publication(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        audience=audience,
        meeting=PublishedMeeting(
            id=meeting_id(document),
            organ=meeting.organ,
            organ_name=organ_name,
            organisation=profile.organisation.name,
            date=meeting.date,
            time=meeting.time,
            place=meeting.place,
            sent=meeting.sent,
        ),
        version=number,
        previous=previous,
        published=when,
        items=tuple(items),
        files=tuple(listed),
        changes=(),
        minutes=minutes,
    )


def _proposal_lines(blocks: Sequence[Mapping[str, object]]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines.extend(str(block[k]) for k in ("rubrik", "inledning") if block.get(k))
        points = block.get("punkter")
        for point in points if isinstance(points, list) else []:
            label, text = str(point.get("etikett") or ""), str(point.get("text") or "")
            lines.append(f"{label} {text}".strip())
            lines.extend(f"\u2013 {entry}" for entry in point.get("lista") or [])
    return lines


def _with_item(file: PublishedFile, by_paragraph: Mapping[int, str | None]) -> PublishedFile:
    """A protokollsutdrag's entry with the item of its §."""
    number = _extract_number(file.path)
    if number is None:
        return file
    return file.model_copy(update={"item": by_paragraph.get(number)})


def _file_item(rel: str) -> int | None:
    found = _ITEM_FILE.match(rel)
    return int(found.group(1)) if found else None


def _extract_number(rel: str) -> int | None:
    found = _EXTRACT_FILE.match(rel)
    return int(found.group(1)) if found else None


def content_digest(path: Path) -> str | None:
    """A file's content without dates and metadata (see ``PublishedFile.content_sha256``): a
    PDF's page content streams and the images and forms they draw, in page order; a .docx's
    parts except ``docProps/`` (the core properties hold the time of rendering). None for
    other files or a file that cannot be read (its bytes are compared instead)."""
    digest = hashlib.sha256()
    try:
        if path.suffix == ".pdf":
            from pypdf import PdfReader

            for page in PdfReader(path).pages:
                contents = page.get_contents()
                digest.update(contents.get_data() if contents is not None else b"")
                _digest_xobjects(digest, page.get("/Resources"), depth=0)
                digest.update(b"\x00page")
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as archive:
                for name in sorted(archive.namelist()):
                    if not name.startswith("docProps/"):
                        digest.update(name.encode("utf-8") + b"\x00" + archive.read(name))
        else:
            return None
    except Exception:  # an output beslut made; a damaged one is caught by its checksum
        return None
    return digest.hexdigest()


def _digest_xobjects(digest: Any, resources: Any, depth: int) -> None:
    """Add the images and forms a page (or a form, two levels deep) draws."""
    if resources is None or depth > 2:
        return
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return
    xobjects = xobjects.get_object()
    for name in sorted(xobjects):
        stream = xobjects[name].get_object()
        digest.update(str(name).encode("utf-8") + stream._data)
        if stream.get("/Subtype") == "/Form":
            _digest_xobjects(digest, stream.get("/Resources"), depth + 1)


def _page_count(path: Path) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(path).pages)
    except Exception:  # an output beslut made; a damaged one is caught by its checksum
        return None


def _item_pages(packet: Path) -> dict[int, tuple[int, int]]:
    """Item number → (first, last) stamped page in the packet, from its top-level outline.

    The packet's page labels equal its stamps and its physical pages (``assemble``), and each
    item's bookmark opens its first page; an item without papers points at the kallelse.
    """
    from pypdf import PdfReader

    reader = PdfReader(packet)
    total = len(reader.pages)
    starts: list[tuple[int, int | None]] = []
    for node in reader.outline:
        if isinstance(node, list):
            continue
        page = reader.get_destination_page_number(node)
        if page is None:
            continue
        found = _ITEM_BOOKMARK.match(str(node.title or ""))
        starts.append((page, int(found.group(1)) if found else None))
    result: dict[int, tuple[int, int]] = {}
    beginnings = sorted({page for page, _ in starts})
    for page, number in starts:
        if number is None or page == 0:
            continue
        later = [b for b in beginnings if b > page]
        last = (later[0] if later else total) - 1
        result[number] = (page + 1, last + 1)
    return result


def _minutes(
    workspace: Workspace,
    document: MeetingDocument,
    entries: Mapping[str, object],
    public: bool,
    first: int,
    ids: Sequence[str],
    listed: Sequence[PublishedFile],
) -> PublishedMinutes | None:
    found = next((m for m in workspace.minutes if m.meeting_rel == document.rel), None)
    internal_file, public_file = MINUTES_FILES
    if found is None or internal_file not in entries:
        return None
    file = public_file if public else internal_file
    paragraphs = []
    for p in paragraph_titles(found, workspace):
        index = p.agenda_number - first if p.agenda_number is not None else None
        paragraphs.append(
            MinutesParagraph(
                number=p.number,
                item=ids[index] if index is not None and 0 <= index < len(ids) else None,
                title=p.public_title if public else p.title,
                open=not p.withheld,
            )
        )
    present = any(f.path == file for f in listed)
    return PublishedMinutes(file=file if present else None, paragraphs=tuple(paragraphs))


# -- the change log ---------------------------------------------------------------------------


def _item_change(item: PublishedItem, kind: ChangeKind, **fields: Any) -> Change:
    """A change of one agenda item: its id and number, and ``fields`` (the text, a file)."""
    return Change(kind=kind, item=item.id, number=item.number, **fields)


def changes_between(before: Publication, now: Publication) -> tuple[Change, ...]:
    """What changed from ``before`` to ``now`` (the same audience), each with a sentence."""
    changes: list[Change] = []
    old_items = {i.id: i for i in before.items}
    new_items = {i.id: i for i in now.items}
    for item in now.items:
        old = old_items.get(item.id)
        if old is None:
            via = (
                f" genom tilläggslistan {formatting.iso_date(item.supplement)}"
                if item.supplement
                else ""
            )
            changes.append(
                _item_change(
                    item,
                    ChangeKind.ITEM_ADDED,
                    text=f"Punkt {item.number} {item.title} har lagts till{via}.",
                )
            )
            continue
        if old.title != item.title:
            changes.append(
                _item_change(
                    item,
                    ChangeKind.ITEM_CHANGED,
                    text=f"Punkt {item.number} heter nu ”{item.title}” (tidigare ”{old.title}”).",
                )
            )
        if old.number != item.number:
            changes.append(
                _item_change(
                    item,
                    ChangeKind.ITEM_CHANGED,
                    text=f"{item.title} är nu punkt {item.number} (tidigare {old.number}).",
                )
            )
        if old.pages and item.pages and old.pages != item.pages:
            changes.append(
                _item_change(
                    item,
                    ChangeKind.PAGES_MOVED,
                    file=PUBLIC_PACKET if now.audience is Audience.PUBLIC else PACKET,
                    text=f"Handlingarna till punkt {item.number} står nu på "
                    f"{_pages(item.pages)} i handlingarna (tidigare {_pages(old.pages)}).",
                )
            )
    for item in before.items:
        if item.id not in new_items:
            changes.append(
                _item_change(
                    item,
                    ChangeKind.ITEM_REMOVED,
                    text=f"Punkt {item.number} {item.title} har tagits bort från "
                    "föredragningslistan.",
                )
            )
    minutes_now = now.minutes.file if now.minutes else None
    minutes_before = before.minutes.file if before.minutes else None
    if minutes_now and not minutes_before:
        changes.append(
            Change(
                kind=ChangeKind.MINUTES_ADDED,
                file=minutes_now,
                text="Protokollet har lagts till.",
            )
        )
    old_files = {f.path: f for f in before.files}
    new_files = {f.path: f for f in now.files}
    items = new_items | {k: v for k, v in old_items.items() if k not in new_items}
    for path, file in new_files.items():
        old_file = old_files.get(path)
        if path == minutes_now and old_file is not None and _sum(old_file) != _sum(file):
            changes.append(
                Change(
                    kind=ChangeKind.MINUTES_REPLACED,
                    file=path,
                    text="Protokollet har ersatts av en ny version.",
                )
            )
            continue
        if _quiet(path, now.audience) or (old_file is not None and _sum(old_file) == _sum(file)):
            continue
        what = _what(file, items)
        owner = items.get(file.item) if file.item else None
        kind = ChangeKind.DOCUMENT_ADDED if old_file is None else ChangeKind.DOCUMENT_REPLACED
        verb = "har lagts till" if old_file is None else "har ersatts av en ny version"
        changes.append(
            Change(
                kind=kind,
                item=file.item,
                number=owner.number if owner else None,
                file=path,
                text=f"{what} {verb}.",
            )
        )
    for path, file in old_files.items():
        if path not in new_files and not _quiet(path, now.audience):
            owner = items.get(file.item) if file.item else None
            changes.append(
                Change(
                    kind=ChangeKind.DOCUMENT_REMOVED,
                    item=file.item,
                    number=owner.number if owner else None,
                    file=path,
                    text=f"{_what(file, items)} har tagits bort.",
                )
            )
    # Readers first want the agenda (items added, removed, renamed), then the protokoll and
    # the documents, then where pages moved.
    order = [
        ChangeKind.ITEM_ADDED,
        ChangeKind.ITEM_REMOVED,
        ChangeKind.ITEM_CHANGED,
        ChangeKind.MINUTES_ADDED,
        ChangeKind.MINUTES_REPLACED,
        ChangeKind.DOCUMENT_ADDED,
        ChangeKind.DOCUMENT_REPLACED,
        ChangeKind.DOCUMENT_REMOVED,
        ChangeKind.PAGES_MOVED,
    ]
    return tuple(sorted(changes, key=lambda c: order.index(c.kind)))


def _quiet(path: str, audience: Audience) -> bool:
    """Files the change log does not name one by one: the protokoll's (one line says it was
    added or replaced), Word files (each mirrors a PDF that is named) and, in the internal log,
    the public renditions (each mirrors an internal file that is named)."""
    public_copy = audience is Audience.INTERNAL and path.startswith("offentlig/")
    return _is_minutes_file(path) or path.endswith(".docx") or public_copy


def _sum(file: PublishedFile) -> str:
    """What is compared between versions: the content (a rebuild that changes only dates and
    metadata is no change), else the file as built (before a change page), else its bytes."""
    return file.content_sha256 or file.built_sha256 or file.sha256


def _pages(pages: tuple[int, int]) -> str:
    """ "sidan 18" or "sidorna 18–22"."""
    if pages[0] == pages[1]:
        return f"sidan {pages[0]}"
    return f"sidorna {pages[0]}\u2013{pages[1]}"


_KIND_NAMES = {
    "kallelse": "Kallelsen",
    "tilläggslista": "Tilläggslistan",
    "packet": "Handlingarna",
    "packet-public": "Handlingarna",
    "protokoll": "Protokollet",
}


def _what(file: PublishedFile, items: Mapping[str, PublishedItem]) -> str:
    """A file as readers name it: "Handlingarna till punkt 4 Månadsrapport" (no folder or file
    name: the page and the website link the file)."""
    owner = items.get(file.item) if file.item else None
    if owner is not None and _file_item(file.path) is not None:
        return f"Handlingarna till punkt {owner.number} {owner.title}"
    if owner is not None:
        return f"Protokollsutdraget för punkt {owner.number} {owner.title}"
    label = _KIND_NAMES.get(file.kind) or _KIND_NAMES.get(PurePosixPath(file.path).stem)
    return label or f"Filen {PurePosixPath(file.path).name}"


# -- the change pages -------------------------------------------------------------------------


def _with_change_pages(
    workspace: Workspace,
    document: MeetingDocument,
    internal: Publication,
    public: Publication,
    files: list[versions.FileToFreeze],
    staging: Path,
    get_converter: Callable[[], Converter],
) -> tuple[Publication, Publication, list[versions.FileToFreeze]]:
    """Put "Ändringar sedan version N-1" in front of both packets (each audience its own)."""
    assert workspace.profile is not None and internal.previous is not None
    profile = workspace.profile
    meeting = internal.meeting
    jobs = []
    plans: list[tuple[Publication, str, Path, Path]] = []
    for publication, packet in ((internal, PACKET), (public, PUBLIC_PACKET)):
        if publication.file(packet) is None:
            continue
        name = "offentlig" if publication is public else "intern"
        docx = staging / f"ändringar-{name}.docx"
        context = changes_context(
            document.meeting,
            profile,
            previous=internal.previous,
            version=internal.version,
            published=internal.published,
            changes=[c.text for c in publication.changes],
        )
        title = f"{changes_title(internal.previous)} – {meeting.organ_name} "
        title += formatting.iso_date(meeting.date)
        try:
            docx.write_bytes(render_changes(workspace.root, profile, context, title))
        except RenderError as exc:
            raise UserError(str(exc)) from None
        pdf = docx.with_suffix(".pdf")
        jobs.append(ConversionJob(docx, pdf, f"{changes_title(internal.previous)} ({name})"))
        plans.append((publication, packet, pdf, staging / f"{name}-{PACKET}"))
    if not jobs:
        return internal, public, files
    converter = get_converter()
    for result in converter.convert(jobs):
        if not result.ok:
            raise UserError(f"Sidan {result.job.label} kunde inte göras till PDF: {result.message}")
    sources = {f.rel: f for f in files}
    updated: dict[int, Publication] = {}
    for publication, packet, front, target in plans:
        built = sources[packet]
        title = f"Handlingar {meeting.organ_name} {formatting.iso_date(meeting.date)}, version {internal.version}"
        if publication is public:
            title += " (offentlig version)"
        try:
            prepend_front_matter(
                front,
                built.source,
                target,
                outline_title=changes_title(internal.previous),
                title=title,
                lang=profile.language,
            )
        except AssemblyError as exc:
            raise UserError(str(exc)) from None
        digest = sha256(target)
        sources[packet] = versions.FileToFreeze(target, packet, digest)
        entry = publication.file(packet)
        assert entry is not None
        new_entry = entry.model_copy(
            update={
                "sha256": digest,
                "built_sha256": entry.sha256,
                "bytes": target.stat().st_size,
                "pages": _page_count(target),
            }
        )
        for other in (internal, public):
            current = updated.get(id(other), other)
            if current.file(packet) is not None:
                updated[id(other)] = current.model_copy(
                    update={
                        "files": tuple(new_entry if f.path == packet else f for f in current.files)
                    }
                )
    return (
        updated.get(id(internal), internal),
        updated.get(id(public), public),
        [sources[f.rel] for f in files],
    )
