"""The secretary's view of meetings, as plain data: the list, the items, what is withheld.

Nothing here talks HTTP. The page module (``meetings.py``) renders these values and applies the
item actions (:func:`apply_action`) to the meeting file's plain data, which
``beslut.web.files.save_meeting`` merges back into the YAML round-trip. What the public may see
comes from ``beslut.disclosure`` through ``render.kallelse.meeting_view``, the same call the build
makes, so the withheld list on the page and the public packet cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from beslut import __version__
from beslut.diagnostics import Diagnostic, Level
from beslut.disclosure import MeetingView, WithheldReason, item_title
from beslut.load.paths import default_out_dir, output_stem
from beslut.load.yamlpos import YamlSyntaxError
from beslut.load.yamlpos import load as load_positions
from beslut.model.models import PROCEDURAL_TITLES, ItemKind, Papers
from beslut.publish import state as build_state
from beslut.render.kallelse import meeting_view
from beslut.validate.workspace import MeetingDocument, Workspace, case_files, sniff
from beslut.web.fieldmap import fields_with_diagnostics
from beslut.web.files import YamlSource
from beslut.web.state import state_of

KIND_LABELS: dict[str, str] = {
    ItemKind.BESLUT.value: "Beslutsärende",
    **{kind.value: title for kind, title in PROCEDURAL_TITLES.items()},
}
"""The item kinds the model knows, with the label the page shows for each."""

TOPIC_KINDS = frozenset(
    {ItemKind.INFORMATION.value, ItemKind.DELEGATIONSBESLUT.value, ItemKind.MEDDELANDEN.value}
)
"""Kinds whose item lists its points (``punkter``)."""

PAPERS_LABELS: dict[str, str] = {
    Papers.ELSEWHERE.value: "Handlingarna finns utanför arbetsytan",
    Papers.LATER.value: "Handlingarna lämnas senare",
}

COMMON_GROUNDS: tuple[tuple[str, str], ...] = (
    ("19 kap. 3 §", "upphandling: anbud före tilldelningsbeslut"),
    ("19 kap. 1 §", "myndighetens affärsverksamhet"),
    ("31 kap. 16 §", "enskildas affärsförhållanden i avtal med myndigheten"),
    ("25 kap. 1 §", "hälso- och sjukvård: enskildas hälsa"),
    ("26 kap. 1 §", "socialtjänst: enskildas personliga förhållanden"),
    ("23 kap. 1 §", "förskola och skola: enskildas personliga förhållanden"),
    ("39 kap. 3 §", "personaladministration: enskildas personliga förhållanden"),
    ("18 kap. 8 §", "säkerhets- och bevakningsåtgärder"),
    ("21 kap. 7 §", "personuppgifter vars utlämnande strider mot dataskyddsreglerna"),
)
"""OSL provisions offered in the secrecy select. Neither the model (``Secrecy.provision`` is
free text) nor the profile keeps a list of grounds, so the page offers the provisions committees
use most, every provision already used in the workspace, and a free field for any other."""


def grounds(workspace: Workspace, data: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    """Return (provision, label) for the secrecy select: common ones and those in use."""
    known = dict(COMMON_GROUNDS)
    used: list[str] = [c.case.secrecy.provision for c in workspace.cases if c.case.secrecy]
    for meeting in workspace.meetings:
        used.extend(i.secrecy.provision for i in meeting.meeting.items if i.secrecy)
    for item in (data or {}).get("ärenden") or []:
        provision = _provision(item)
        if provision:
            used.append(provision)
    for provision in used:
        known.setdefault(provision, "används i arbetsytan")
    return [(p, f"{p} OSL – {label}") for p, label in known.items()]


def _provision(item: Any) -> str:
    if isinstance(item, dict) and isinstance(item.get("sekretess"), dict):
        return str(item["sekretess"].get("lagrum") or "")
    return ""


# ----------------------------------------------------------------------------------------------
# The list of meetings


@dataclass(frozen=True)
class MeetingRow:
    """One meeting file as the list shows it."""

    rel: str
    organ: str
    organ_name: str
    date: str
    errors: int
    warnings: int

    @property
    def state(self) -> str:
        """``fel``, ``varningar`` or ``klar`` (the same words as the case list)."""
        return state_of(self.errors, self.warnings)


def meeting_rows(workspace: Workspace, diagnostics: Sequence[Diagnostic]) -> list[MeetingRow]:
    """Every meeting file of the workspace, also those that do not load, newest first."""
    loaded = {m.rel: m for m in workspace.meetings}
    cases = {c.rel for c in workspace.cases}
    profile = workspace.profile
    rows = []
    for path in case_files(workspace.root):
        rel = path.relative_to(workspace.root).as_posix()
        if rel in cases:
            continue
        document = loaded.get(rel)
        if document is not None:
            organ, date = document.meeting.organ, document.meeting.date.isoformat()
        else:
            try:
                text = path.read_text("utf-8", errors="replace")
            except OSError:
                continue
            if not sniff(text[: 64 * 1024])[0]:
                continue
            organ, date = _lenient_head(text)
        found = profile.organ(organ) if profile and organ else None
        mine = [d for d in diagnostics if d.path == rel]
        errors = sum(d.level is Level.ERROR for d in mine)
        rows.append(
            MeetingRow(rel, organ, found.name if found else organ, date, errors, len(mine) - errors)
        )
    rows.sort(key=lambda r: (r.date, r.rel), reverse=True)
    return rows


def _lenient_head(text: str) -> tuple[str, str]:
    try:
        data, _ = load_positions(text)
    except (YamlSyntaxError, ValueError):
        return "", ""
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("instans") or ""), str(data.get("datum") or "")


def meeting_document(workspace: Workspace, rel: str) -> MeetingDocument | None:
    """The loaded (valid) meeting at ``rel``, or None when it does not load."""
    return next((m for m in workspace.meetings if m.rel == rel), None)


# ----------------------------------------------------------------------------------------------
# Items and their diagnostics


def split_diagnostics(
    diagnostics: Sequence[Diagnostic], source: YamlSource
) -> tuple[list[Diagnostic], dict[int, list[Diagnostic]]]:
    """Split a meeting file's diagnostics into those of the file and those per agenda item.

    Each diagnostic is placed by ``fieldmap`` (the same position map the validator reports
    with): a field ``ärenden.3…`` belongs to item 3; every other field, and the file as a whole,
    to the meeting. The page also lists all of them at the top, so nothing is missed.
    """
    per_item: dict[int, list[Diagnostic]] = {}
    whole: list[Diagnostic] = []
    for name, found in fields_with_diagnostics(diagnostics, source).items():
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "ärenden" and parts[1].isdigit():
            per_item.setdefault(int(parts[1]), []).extend(found)
        else:
            whole.extend(found)
    return whole, per_item


def describe(item: Mapping[str, Any]) -> str:
    """A one-line heading for an item on the page (before the meeting validates)."""
    title = str(item.get("rubrik") or "")
    kind = str(item.get("typ") or "")
    if not title:
        title = KIND_LABELS.get(kind, kind or "Punkt utan typ")
    dnr = item.get("diarienummer")
    return f"{title} ({dnr})" if dnr and str(dnr) not in title else title


# ----------------------------------------------------------------------------------------------
# Actions on the items (the page's buttons)


class ActionRefused(ValueError):
    """The form asked for something that cannot be done; the message is Swedish."""


def _index(items: Sequence[Any], raw: str) -> int:
    try:
        index = int(raw)
    except ValueError:
        raise ActionRefused("Punkten finns inte längre; ladda om sidan.") from None
    if not 0 <= index < len(items):
        raise ActionRefused("Punkten finns inte längre; ladda om sidan.")
    return index


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def new_item(form: Mapping[str, str]) -> dict[str, Any]:
    """Return the item the add form describes, or raise :class:`ActionRefused`."""
    kind = form.get("typ", "")
    if kind not in KIND_LABELS:
        raise ActionRefused("Välj vilken sorts punkt du vill lägga till.")
    item: dict[str, Any] = {"typ": kind}
    title = form.get("rubrik", "").strip()
    dnr = form.get("diarienummer", "").strip()
    papers = form.get("underlag", "")
    if kind == ItemKind.BESLUT.value:
        if papers and papers not in PAPERS_LABELS:
            raise ActionRefused("Välj var handlingarna finns.")
        if papers and not title:
            raise ActionRefused(
                "Ett beslutsärende vars handlingar finns någon annanstans behöver en rubrik: "
                "skriv den i fältet Rubrik."
            )
        if not papers and not dnr:
            raise ActionRefused(
                "Ange ärendets diarienummer (sök efter ärendet ovan), eller välj att "
                "handlingarna finns någon annanstans och skriv en rubrik."
            )
        if dnr:
            item["diarienummer"] = dnr
        if title:
            item["rubrik"] = title
        if papers:
            item["underlag"] = papers
    elif title:
        item["rubrik"] = title
    if kind in TOPIC_KINDS:
        topics = _lines(form.get("punkter", ""))
        if topics:
            item["punkter"] = topics
    for key in ("föredragande", "notering"):
        value = form.get(key, "").strip()
        if value:
            item[key] = value
    return item


def disclosure_fields(item: dict[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """Return ``item`` with secrecy, public title and publication set as the form says."""
    changed = dict(item)
    provision = form.get("lagrum", "").strip()
    if provision == "annat":
        provision = form.get("annat_lagrum", "").strip()
        if not provision:
            raise ActionRefused(
                "Skriv lagrummet i fältet Annat lagrum, t.ex. 19 kap. 3 §, eller välj ett i listan."
            )
    provision = provision.removesuffix("OSL").strip()
    if provision:
        secrecy = (
            dict(changed.get("sekretess") or {})
            if isinstance(changed.get("sekretess"), dict)
            else {}
        )
        secrecy["lagrum"] = provision
        changed["sekretess"] = secrecy
    else:
        changed.pop("sekretess", None)
    if form.get("publiceras_inte"):
        changed["publiceras_inte"] = True
    else:
        changed.pop("publiceras_inte", None)
    public_title = form.get("offentlig_rubrik", "").strip()
    if public_title:
        changed["offentlig_rubrik"] = public_title
    else:
        changed.pop("offentlig_rubrik", None)
    return changed


ACTIONS = ("upp", "ned", "bort", "ny", "offentlighet")
CREATE_MINUTES = "protokoll"
"""The meeting page's "Skapa protokoll" (handled by ``minutes_data.create_minutes``, not by
:func:`apply_action`: it writes a new file, not the meeting file)."""


def apply_action(data: Mapping[str, Any], action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """Return the meeting's plain data after one of the page's actions.

    ``upp``/``ned`` move item ``index`` one step, ``bort`` removes it, ``ny`` appends
    the item of the add form to the kallelse's items (before the tilläggslista's items, which
    stand last, and before ``Övriga frågor`` when the kallelse's items end with it),
    ``offentlighet`` sets item ``index``'s secrecy and publication.
    """
    new = dict(data)
    items = list(new.get("ärenden") or [])
    if action == "ny":
        item = new_item(form)
        at = next(
            (i for i, x in enumerate(items) if isinstance(x, dict) and "tillägg" in x), len(items)
        )
        last = items[at - 1] if at else None
        if isinstance(last, dict) and last.get("typ") == ItemKind.OVRIGT.value:
            at -= 1
        items.insert(at, item)
    elif action in ("upp", "ned", "bort", "offentlighet"):
        index = _index(items, form.get("index", ""))
        if action == "bort":
            if len(items) == 1:
                raise ActionRefused(
                    "Ett sammanträde måste ha minst en punkt; lägg till en annan först."
                )
            del items[index]
        elif action == "offentlighet":
            if not isinstance(items[index], dict):
                raise ActionRefused("Punkten går inte att ändra här; rätta den i filen.")
            items[index] = disclosure_fields(items[index], form)
        else:
            other = index - 1 if action == "upp" else index + 1
            if not 0 <= other < len(items):
                raise ActionRefused("Punkten kan inte flyttas längre åt det hållet.")
            items[index], items[other] = items[other], items[index]
    else:
        raise ActionRefused("Okänd åtgärd; ladda om sidan och försök igen.")
    new["ärenden"] = items
    return new


def moved_to(action: str, form: Mapping[str, str], count: int) -> int | None:
    """The index of the item to focus after an action (the moved one, or the added one)."""
    try:
        index = int(form.get("index", ""))
    except ValueError:
        index = -1
    if action == "upp":
        return index - 1
    if action == "ned":
        return index + 1
    if action == "offentlighet":
        return index
    if action == "bort":
        return min(index, count - 1)
    return None


# ----------------------------------------------------------------------------------------------
# What the public does not see


@dataclass(frozen=True)
class Withheld:
    """One item whose papers are left out of the public versions."""

    number: int
    title: str
    public_title: str
    reason: str
    """Swedish: why (secrecy with the provision, or not published)."""
    left_out: str | None
    """The line the public kallelse prints for it (None when the item has no papers)."""


def view_of(workspace: Workspace, document: MeetingDocument) -> MeetingView:
    """The meeting as each audience sees it: the same call the build makes."""
    first = workspace.profile.agenda.first_number if workspace.profile else 1
    cases = [
        workspace.case_by_dnr(i.diary_number) if i.diary_number and i.has_case else None
        for i in document.meeting.items
    ]
    return meeting_view(document.meeting, cases, first)


def withheld_items(view: MeetingView) -> list[Withheld]:
    """Every item the public versions withhold, in agenda order, with its ground."""
    rows = []
    for item in view.items:
        if item.reason is None:
            continue
        if item.reason is WithheldReason.SECRECY:
            why = f"Sekretess enligt {item.provision} OSL"
        else:
            why = "Publiceras inte på webben (kan begäras ut)"
        rows.append(Withheld(item.number, item.title, item.public_title, why, item.left_out))
    return rows


# ----------------------------------------------------------------------------------------------
# The built packet: page numbers and files in output/


@dataclass(frozen=True)
class Built:
    """What the last build left in output/ for one meeting."""

    folder: str
    """The meeting's folder inside output/, e.g. ``möten/2022-06-14-hsn``."""
    packet: bool
    public_packet: bool
    built_at: str | None
    """When the internal packet was written (local time, for people), or None."""
    current: bool
    """True when nothing changed since that build (``publish.state.up_to_date``)."""
    newer_than_packet: tuple[str, ...] = ()
    """Input files modified after the packet was written (why it may be stale)."""
    pages: dict[int, str] = field(default_factory=dict)
    """Item number → page label where its papers start in the internal packet."""
    public_pages: dict[int, str] = field(default_factory=dict)
    item_pdfs: dict[int, str] = field(default_factory=dict)
    """Item number → the item's own PDF, relative to output/."""
    public_item_pdfs: dict[int, str] = field(default_factory=dict)
    supplement: bool = False
    """The meeting's folder has a tilläggslista (``tilläggslista.pdf``)."""


_PAGES_CACHE: dict[str, tuple[tuple[int, int, int], dict[int, str]]] = {}
_PAGES_LOCK = threading.Lock()


def packet_pages(pdf: Path) -> dict[int, str]:
    """Item number → the page label of its bookmark ("Ärende N: …") in a built packet.

    Bookmarks of items without papers point to the first page and end with the note that their
    papers are elsewhere; the caller shows pages only for items that have papers. Reading a
    packet's outline takes pypdf a few hundred milliseconds, so the answer is kept per file
    until the file changes (publishing replaces it: a new inode, size or mtime).
    """
    try:
        info = pdf.stat()
    except OSError:
        return {}
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
    with _PAGES_LOCK:
        cached = _PAGES_CACHE.get(str(pdf))
    if cached is not None and cached[0] == stamp:
        return dict(cached[1])
    pages = _read_packet_pages(pdf)
    with _PAGES_LOCK:
        if len(_PAGES_CACHE) >= 32:
            _PAGES_CACHE.clear()
        _PAGES_CACHE[str(pdf)] = (stamp, pages)
    return dict(pages)


def _read_packet_pages(pdf: Path) -> dict[int, str]:
    try:
        reader = PdfReader(pdf)
        labels = reader.page_labels
        pages: dict[int, str] = {}
        for entry in reader.outline:
            if isinstance(entry, list):
                continue
            title = str(entry.title)
            if not title.startswith("Ärende "):
                continue
            number_text = title.removeprefix("Ärende ").split(":", 1)[0]
            if not number_text.isdigit():
                continue
            index = reader.get_destination_page_number(entry)
            if index is None:
                continue
            pages[int(number_text)] = labels[index] if index < len(labels) else str(index + 1)
        return pages
    except (OSError, PyPdfError, ValueError, KeyError, AttributeError):
        return {}


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def built(root: Path, workspace: Workspace, rel: str) -> Built:
    """Read what output/ holds for the meeting at ``rel`` and whether it is current."""
    out_dir = default_out_dir(root)
    folder = output_stem(rel)
    base = out_dir / folder
    packet = base / "handlingar.pdf"
    public_packet = base / "offentlig" / "handlingar.pdf"
    written = _mtime(packet)
    current = (
        written is not None
        and build_state.up_to_date(root, out_dir, ("docx", "pdf"), __version__) is not None
    )
    newer: list[str] = []
    if written is not None:
        document = meeting_document(workspace, rel)
        inputs = [root / rel, root / "content" / "profil.yaml"]
        if document is not None:
            for item in document.meeting.items:
                case = (
                    workspace.case_by_dnr(item.diary_number)
                    if item.diary_number and item.has_case
                    else None
                )
                if case is not None:
                    inputs.append(root / case.rel)
        for path in inputs:
            modified = _mtime(path)
            if modified is not None and modified > written:
                newer.append(path.relative_to(root).as_posix())

    def items(folder_path: Path, prefix: str) -> dict[int, str]:
        found: dict[int, str] = {}
        if folder_path.is_dir():
            for pdf in sorted(folder_path.glob("ärende-*.pdf")):
                number = pdf.stem.removeprefix("ärende-")
                if number.isdigit():
                    found[int(number)] = f"{prefix}{pdf.name}"
        return found

    return Built(
        folder=folder,
        packet=packet.is_file(),
        public_packet=public_packet.is_file(),
        built_at=(
            dt.datetime.fromtimestamp(written).strftime("%Y-%m-%d %H:%M") if written else None
        ),
        current=current and not newer,
        newer_than_packet=tuple(newer),
        pages=packet_pages(packet) if packet.is_file() else {},
        public_pages=packet_pages(public_packet) if public_packet.is_file() else {},
        item_pdfs=items(base, f"{folder}/"),
        public_item_pdfs=items(base / "offentlig", f"{folder}/offentlig/"),
        supplement=(base / "tilläggslista.pdf").is_file(),
    )


__all__ = [
    "ACTIONS",
    "COMMON_GROUNDS",
    "CREATE_MINUTES",
    "KIND_LABELS",
    "PAPERS_LABELS",
    "TOPIC_KINDS",
    "ActionRefused",
    "Built",
    "MeetingRow",
    "Withheld",
    "apply_action",
    "built",
    "describe",
    "disclosure_fields",
    "grounds",
    "item_title",
    "meeting_document",
    "meeting_rows",
    "moved_to",
    "new_item",
    "packet_pages",
    "split_diagnostics",
    "view_of",
    "withheld_items",
]
