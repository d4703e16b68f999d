"""The secretary's view of a meeting's protokoll, as plain data: the meeting page's Protokoll.

Nothing here talks HTTP. :func:`minutes_view` finds the protokoll of a meeting (the one
``beslut check`` loaded for it, else ``content/protokoll/<möte>.yaml`` when that file exists but
does not load), lists its diagnostics, its paragraphs with what is special about each, the
justering and the anslag dates, and what the build left in output/. The titles and the secrecy
of each § are the protokoll's own (``render.minutes.minutes_context``, the context the build
renders) and the anslag dates come from ``render.minutes.anslag_dates``, the function the
protokoll prints them with, so the page and the protokoll cannot disagree.
:func:`create_minutes` is the page's "Skapa protokoll" (``api.new_minutes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from beslut.diagnostics import Diagnostic, Level
from beslut.errors import UserError
from beslut.load.paths import CONTENT_DIR, default_out_dir, output_stem
from beslut.model.minutes import Paragraph, span_text
from beslut.model.posting import PostingDates
from beslut.publish.signed import signed_path, still_signs
from beslut.render.case import RenderError
from beslut.render.images import ImageProblem
from beslut.render.minutes import EXTRACT_TEMPLATE, MINUTES_TEMPLATE, anslag_dates, minutes_context
from beslut.validate.minutes import MinutesDocument, meeting_stem
from beslut.validate.workspace import Workspace

MINUTES_FOLDER = "protokoll"
"""Where ``beslut new protokoll`` writes a protokoll: ``content/protokoll/<möte>.yaml``."""

MARK_SECRECY = "sekretess"
MARK_CHANGED = "ändrat beslut"
MARK_BALLOT = "omröstning"
MARK_RESERVATION = "reservation"
MARK_DISQUALIFIED = "jäv"
MARK_IMMEDIATE = "omedelbart justerad"
MARK_ADDED = "tillagt"


@dataclass(frozen=True)
class ParagraphRow:
    """One § as the page's table shows it."""

    number: int
    agenda_number: int | None
    """The item's number on the föredragningslista (None: added at the meeting)."""
    title: str
    diary_number: str
    marks: tuple[str, ...]
    secrecy: str
    """The protokoll's secrecy marking, e.g. "Sekretess enligt 19 kap. 3 § OSL", or ""."""


@dataclass(frozen=True)
class BuiltMinutes:
    """What the last build left in output/ for a meeting's protokoll (paths inside output/)."""

    pdf: str | None = None
    docx: str | None = None
    public_pdf: str | None = None
    signed_pdf: str | None = None
    signed_current: bool = False
    """The signed copy is a signature on exactly the current protokoll.pdf."""
    extracts: tuple[tuple[int, str], ...] = ()
    """(§ number, path) of each protokollsutdrag, in § order."""
    built_at: str | None = None
    """When protokoll.pdf was written (local time, for people), or None."""
    newer: tuple[str, ...] = ()
    """Input files modified after protokoll.pdf was written (rebuild to bring it up to date)."""


@dataclass(frozen=True)
class MinutesView:
    """The Protokoll section of a meeting page."""

    meeting_rel: str
    rel: str
    """The protokoll file (also where a new one would be written)."""
    exists: bool
    loaded: bool
    """The file loaded as this meeting's protokoll (False: it has errors that stop it)."""
    diagnostics: tuple[Diagnostic, ...] = ()
    paragraphs: tuple[ParagraphRow, ...] = ()
    span: str = ""
    """"§§ 41–55" (empty when not loaded)."""
    adjustment_date: dt.date | None = None
    adjustment_time: str = ""
    adjustment_place: str = ""
    adjusters: tuple[str, ...] = ()
    posting: PostingDates | None = None
    dropped: tuple[int, ...] = ()
    """Agenda items marked ``utgår`` (no §)."""
    problem: str = ""
    """Why the paragraphs' titles could not be taken from the protokoll's context, or ""."""
    built: BuiltMinutes = field(default_factory=BuiltMinutes)

    @property
    def errors(self) -> int:
        return sum(d.level is Level.ERROR for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors


def default_rel(meeting_rel: str) -> str:
    """Where ``beslut new protokoll`` puts the protokoll of ``meeting_rel``."""
    return f"{CONTENT_DIR}/{MINUTES_FOLDER}/{meeting_stem(meeting_rel)}.yaml"


def minutes_document(workspace: Workspace, meeting_rel: str) -> MinutesDocument | None:
    """The protokoll that loaded for the meeting at ``meeting_rel``, or None."""
    return next((m for m in workspace.minutes if m.meeting_rel == meeting_rel), None)


def marks(paragraph: Paragraph, secret: bool) -> tuple[str, ...]:
    """What is special about a §, in the words of the page's table."""
    entry = paragraph.entry
    found: list[str] = []
    if secret:
        found.append(MARK_SECRECY)
    if entry is None:
        return tuple(found)
    if entry.added:
        found.append(MARK_ADDED)
    # A beslut written in the protokoll changes the förslag only where there is one: an item
    # whose papers are outside the workspace has its beslut written there without changing any.
    if entry.decision is not None and paragraph.case is not None:
        found.append(MARK_CHANGED)
    if entry.ballot is not None:
        found.append(MARK_BALLOT)
    if entry.reservations:
        found.append(MARK_RESERVATION)
    if entry.disqualified:
        found.append(MARK_DISQUALIFIED)
    if entry.immediate:
        found.append(MARK_IMMEDIATE)
    return tuple(found)


def paragraph_rows(
    document: MinutesDocument, workspace: Workspace
) -> tuple[tuple[ParagraphRow, ...], str]:
    """The table's rows and a Swedish problem ("" when none).

    Titles and secrecy markings are those of the protokoll's context (the case's title with the
    item's marker, a secret case making its § secret); when that context cannot be made, the
    agenda item's own title stands in and the problem says why.
    """
    titles: dict[int, tuple[str, str]] = {}
    problem = ""
    if workspace.profile is not None:
        try:
            context = minutes_context(document, workspace, public=False)
        except (RenderError, ImageProblem, ValueError, KeyError) as exc:
            problem = f"Protokollets text kunde inte ställas samman: {exc}"
        else:
            for paragraph, shown in zip(document.paragraphs, context["paragrafer"], strict=True):
                titles[paragraph.number] = (str(shown["rubrik"]), str(shown["sekretess"]))
    rows = []
    for paragraph in document.paragraphs:
        fallback = (paragraph.entry.title if paragraph.entry else None) or (
            paragraph.item.title if paragraph.item else None
        )
        title, secrecy = titles.get(
            paragraph.number,
            (fallback or "", "Sekretess" if paragraph.secrecy is not None else ""),
        )
        rows.append(
            ParagraphRow(
                paragraph.number,
                paragraph.agenda_number,
                title,
                paragraph.diary_number or "",
                marks(paragraph, bool(secrecy)),
                secrecy,
            )
        )
    return tuple(rows), problem


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def built_minutes(
    root: Path,
    meeting_rel: str,
    inputs: Sequence[str],
) -> BuiltMinutes:
    """Read what output/ holds for the meeting's protokoll; ``inputs`` are the workspace files
    (relative) it is made from, each compared with protokoll.pdf's time."""
    out_dir = default_out_dir(root)
    folder = output_stem(meeting_rel)
    base = out_dir / folder

    def present(name: str) -> str | None:
        return f"{folder}/{name}" if (base / name).is_file() else None

    pdf_name = f"{MINUTES_TEMPLATE}.pdf"
    pdf = base / pdf_name
    written = _mtime(pdf)
    signed_name = signed_path(pdf_name)
    signed = present(signed_name)
    extracts: list[tuple[int, str]] = []
    extract_dir = base / EXTRACT_TEMPLATE
    if extract_dir.is_dir():
        for path in extract_dir.glob("paragraf-*.pdf"):
            number = path.stem.removeprefix("paragraf-")
            if number.isdigit():
                extracts.append((int(number), f"{folder}/{EXTRACT_TEMPLATE}/{path.name}"))
    newer: list[str] = []
    if written is not None:
        for rel in inputs:
            modified = _mtime(root / rel)
            if modified is not None and modified > written:
                newer.append(rel)
    return BuiltMinutes(
        pdf=present(pdf_name),
        docx=present(f"{MINUTES_TEMPLATE}.docx"),
        public_pdf=present(f"offentlig/{pdf_name}"),
        signed_pdf=signed,
        signed_current=signed is not None and still_signs(out_dir, signed, pdf),
        extracts=tuple(sorted(extracts)),
        built_at=(
            dt.datetime.fromtimestamp(written).strftime("%Y-%m-%d %H:%M") if written else None
        ),
        newer=tuple(newer),
    )


def minutes_view(
    root: Path, workspace: Workspace, diagnostics: Sequence[Diagnostic], meeting_rel: str
) -> MinutesView:
    """The Protokoll section for the meeting at ``meeting_rel``.

    ``diagnostics`` are the workspace's (``beslut check``'s); those of the protokoll file are
    shown.
    """
    document = minutes_document(workspace, meeting_rel)
    rel = document.rel if document is not None else default_rel(meeting_rel)
    exists = document is not None or (root / rel).is_file()
    mine = tuple(d for d in diagnostics if d.path == rel)
    if document is None:
        inputs = [rel, meeting_rel] if exists else []
        return MinutesView(
            meeting_rel,
            rel,
            exists,
            False,
            mine,
            built=built_minutes(root, meeting_rel, inputs),
        )
    rows, problem = paragraph_rows(document, workspace)
    minutes = document.minutes
    inputs = [rel, meeting_rel, "content/profil.yaml"]
    for paragraph in document.paragraphs:
        if paragraph.case is not None:
            case = workspace.case_by_dnr(paragraph.case.diary_number)
            if case is not None and case.rel not in inputs:
                inputs.append(case.rel)
    span = span_text([p.number for p in document.paragraphs])
    return MinutesView(
        meeting_rel,
        rel,
        True,
        True,
        mine,
        rows,
        span,
        minutes.adjustment.date,
        minutes.adjustment.time or "",
        minutes.adjustment.place,
        tuple(minutes.adjusters),
        anslag_dates(minutes),
        tuple(sorted(e.item for e in minutes.paragraphs if e.dropped and e.item is not None)),
        problem,
        built_minutes(root, meeting_rel, inputs),
    )


def create_minutes(root: Path, meeting_rel: str) -> tuple[str, str]:
    """Write the meeting's protokoll with ``api.new_minutes``: (its path relative to the
    workspace, "") or ("", the API's Swedish reason, e.g. the meeting file's errors with
    file:line, or that the protokoll already exists; nothing is then overwritten)."""
    from beslut import api

    try:
        path = api.new_minutes(root, root / meeting_rel)
    except UserError as exc:
        return "", str(exc)
    return path.resolve().relative_to(root.resolve()).as_posix(), ""


__all__ = [
    "MARK_ADDED",
    "MARK_BALLOT",
    "MARK_CHANGED",
    "MARK_DISQUALIFIED",
    "MARK_IMMEDIATE",
    "MARK_RESERVATION",
    "MARK_SECRECY",
    "BuiltMinutes",
    "MinutesView",
    "ParagraphRow",
    "built_minutes",
    "create_minutes",
    "default_rel",
    "marks",
    "minutes_document",
    "minutes_view",
    "paragraph_rows",
]
