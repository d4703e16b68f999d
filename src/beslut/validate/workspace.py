"""A workspace: the organisation profile, the case files and everything checked about them.

``load_workspace`` runs the load and validate stages over the whole ``content/`` folder and
collects every diagnostic before returning, so one run reports every mistake.
"""

from __future__ import annotations

import difflib
import re
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from beslut.diagnostics import Diagnostic, Level, error, has_errors, sort, warning
from beslut.load.paths import (
    CONTENT_DIR,
    PROFILE_FILE,
    TEMPLATES_DIR,
    NotAWorkspace,
    find_root,
    output_stem,
)
from beslut.load.source import CASE_SUFFIXES, MAX_FILE_BYTES, Source, load_source, relative
from beslut.model.markdown import MAX_NESTING
from beslut.model.minutes import MINUTES_TYPE
from beslut.model.models import (
    GENERATED_SECTIONS,
    KNOWN_SECTIONS,
    MEETING_TYPE,
    AgendaItem,
    Case,
    ItemKind,
    Meeting,
    Papers,
    Profile,
    cell_number,
    item_title,
)
from beslut.model.outline import BodyOutline, normal_heading, outline
from beslut.validate.attachments import Severity, inspect_attachment
from beslut.validate.case_memo import FileStamp, Memo, stamps, text_digest
from beslut.validate.figures import check_figures
from beslut.validate.minutes import MinutesDocument, load_minutes
from beslut.validate.models import build_model, check_attachment_path, duplicates, note

__all__ = [
    "CONTENT_DIR",
    "PROFILE_FILE",
    "TEMPLATES_DIR",
    "CaseDocument",
    "MeetingDocument",
    "NotAWorkspace",
    "Workspace",
    "find_root",
    "load_workspace",
]


@dataclass(frozen=True)
class CaseDocument:
    """A validated case with where it came from and what its body contains."""

    source: Source
    case: Case
    outline: BodyOutline
    attachment_files: tuple[Path | None, ...]

    @property
    def rel(self) -> str:
        """Return the case file's path relative to the workspace."""
        return self.source.rel

    @property
    def body(self) -> str:
        """Return the Markdown body (after front matter, or the YAML ``text``)."""
        return _body(self.source, self.case)


@dataclass(frozen=True)
class MeetingDocument:
    """A validated meeting with its source and the resolved files of extra attachments."""

    source: Source
    meeting: Meeting
    attachment_files: tuple[tuple[Path | None, ...], ...]
    """Per agenda item, the resolved path of each extra attachment."""

    @property
    def rel(self) -> str:
        """Return the meeting file's path relative to the workspace."""
        return self.source.rel


@dataclass(frozen=True)
class Workspace:
    """Everything loaded from a workspace, valid or not, with all diagnostics."""

    root: Path
    profile: Profile | None
    cases: tuple[CaseDocument, ...]
    diagnostics: tuple[Diagnostic, ...]
    meetings: tuple[MeetingDocument, ...] = ()
    minutes: tuple[MinutesDocument, ...] = ()
    """The protokoll files (``typ: protokoll``), numbered and resolved."""

    def case_by_dnr(self, dnr: str) -> CaseDocument | None:
        """Return the case with this diarienummer, or None."""
        return next((c for c in self.cases if c.case.diary_number == dnr), None)

    @property
    def ok(self) -> bool:
        """Return True when there are no errors (warnings are allowed)."""
        return not has_errors(self.diagnostics)


def case_files(root: Path) -> list[Path]:
    """Return every case file under content/ (Markdown or YAML), sorted; skips the profile."""
    content = root / CONTENT_DIR
    profile = (root / PROFILE_FILE).resolve()
    folders: dict[Path, Path] = {}  # each folder resolved once, not every file in it

    def resolved(path: Path) -> Path:
        if path.is_symlink():
            return path.resolve()
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = path.parent.resolve()
        return folder / path.name

    files = [
        p
        for p in content.rglob("*")
        if p.suffix.lower() in CASE_SUFFIXES
        and not any(part.startswith((".", "_")) for part in p.relative_to(content).parts)
        and _listed_kind(p)  # odd ones are reported when read
        and resolved(p) != profile
    ]
    return sorted(files, key=lambda p: relative(p, root))


def _listed_kind(path: Path) -> bool:
    """A file, a folder or a symbolic link (dangling or not), with one ``lstat``."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)


def load_profile(root: Path) -> tuple[Profile | None, list[Diagnostic]]:
    """Load and validate content/profil.yaml."""
    profile, problems, _ = _load_profile(root)
    return profile, problems


def _load_profile(root: Path) -> tuple[Profile | None, list[Diagnostic], Source | None]:
    """Load and validate the profile; also return the source it was made from."""
    path = root / PROFILE_FILE
    if not path.is_file():
        rel = PROFILE_FILE.as_posix()
        return (
            None,
            [
                error(
                    rel,
                    1,
                    1,
                    "Organisationsprofilen saknas. Skapa den med ”beslut init” eller kopiera "
                    "content/profil.yaml från exemplet.",
                    "profil-saknas",
                )
            ],
            None,
        )
    source, problems = load_source(path, root)
    if source is None:
        return None, problems, None
    profile, found = build_model(Profile, source)
    if problems:  # readable, but with errors such as control characters
        return None, problems + found, source
    if profile is not None:
        found.extend(_administration_rules(source, profile))
    return profile, found, source


def _administration_rules(source: Source, profile: Profile) -> list[Diagnostic]:
    """Every organ's ``förvaltning`` names a förvaltning of the profile."""
    problems = []
    known = [a.id for a in profile.administrations]
    for index, organ in enumerate(profile.organs):
        if organ.administration is None or organ.administration in known:
            continue
        close = difflib.get_close_matches(organ.administration, known, n=1, cutoff=0.6)
        hint = f" Menade du ”{close[0]}”?" if close else ""
        listed = ", ".join(known) if known else "inga (lägg till listan ”förvaltningar”)"
        problems.append(
            note(
                source,
                ("organ", index, "förvaltning"),
                f"Förvaltningen ”{organ.administration}” finns inte under ”förvaltningar” i "
                f"profilen. Kända förvaltningar: {listed}.{hint}",
                "okänd-förvaltning",
                is_error=True,
            )
        )
    return problems


def load_workspace(root: Path) -> Workspace:
    """Load, validate and cross-check every file of a workspace.

    Each case body is parsed once (:func:`beslut.model.markdown.parse_body`) for the outline,
    the content checks and, later in a build, the conversion to Word.
    """
    root = root.resolve()
    profile, problems, profile_source = _load_profile(root)
    # What every case's validation reads of the profile: the text it was made from.
    profile_key = (
        "-" if profile is None or profile_source is None else text_digest(profile_source.text)
    )
    cases: list[CaseDocument] = []
    meeting_sources: list[Source] = []
    minutes_sources: list[Source] = []
    broken: dict[str, str] = {}  # diarienummer of case files that failed validation
    unreadable: list[str] = []  # case files that could not be read, diarienummer unknown
    files = case_files(root)
    for path in files:
        source, found = load_source(path, root)
        problems.extend(found)
        if source is None:
            _remember_unloadable(path, root, broken, unreadable)
            continue
        if source.data.get("typ") == MEETING_TYPE:
            meeting_sources.append(source)
            continue
        if source.data.get("typ") == MINUTES_TYPE:
            minutes_sources.append(source)
            continue
        document, found = _validate_case_memo(source, profile, profile_key, root)
        problems.extend(found)
        if document is not None:
            cases.append(document)
        elif isinstance(source.data.get("diarienummer"), str):
            broken[source.data["diarienummer"]] = source.rel
    meetings: list[MeetingDocument] = []
    for source in meeting_sources:
        meeting_doc, found = _validate_meeting(source, profile, root, cases, broken, unreadable)
        problems.extend(found)
        if meeting_doc is not None:
            meetings.append(meeting_doc)
    minutes, found = load_minutes(
        minutes_sources,
        profile,
        [(m.rel, m.meeting) for m in meetings],
        [c.case for c in cases],
    )
    for source in minutes_sources:  # a placeholder is reported as one, not as a wrong value
        placeholders = _placeholders(source, "")
        if placeholders:
            lines = {d.line for d in placeholders}
            found = [d for d in found if d.path != source.rel or d.line not in lines]
            found += placeholders
    problems.extend(found)
    problems.extend(
        duplicates([(d.case.diary_number, d.rel, *_at(d.source, ("diarienummer",))) for d in cases])
    )
    problems.extend(_same_outputs(root, files))
    if profile is not None:
        from beslut import checks

        profile_source, _ = load_source(root / PROFILE_FILE, root)
        problems = checks.run(root, profile, profile_source, cases, meetings, problems)
    from beslut.validate.codes import apply_levels

    problems = apply_levels(problems, profile)  # the one place the profile's levels apply
    failing = {d.path for d in problems if d.level is Level.ERROR}
    with_errors = broken | {c.case.diary_number: c.rel for c in cases if c.rel in failing}
    problems.extend(_items_with_failing_cases(meetings, with_errors))
    return Workspace(
        root, profile, tuple(cases), tuple(sort(problems)), tuple(meetings), tuple(minutes)
    )


_DIARY_NUMBER_LINE = re.compile(
    r"^diarienummer:[ \t]*(?P<q>[\"']?)(?P<dnr>[^\"'#\n\[\]{}]+?)(?P=q)[ \t]*(?:#.*)?$",
    re.MULTILINE,
)
_MEETING_LINE = re.compile(r"^typ:[ \t]*[\"']?sammanträde[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
_MINUTES_LINE = re.compile(r"^typ:[ \t]*[\"']?protokoll[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)


def is_minutes_text(text: str) -> bool:
    """Read leniently from a file that may not load: is it a protokoll (``typ: protokoll``)."""
    return _MINUTES_LINE.search(text) is not None


def sniff(text: str) -> tuple[bool, str | None]:
    """Read leniently from a file that may not load: is it a meeting, and its diarienummer."""
    if _MEETING_LINE.search(text):
        return True, None
    match = _DIARY_NUMBER_LINE.search(text)
    return False, match.group("dnr").strip() if match else None


def _remember_unloadable(
    path: Path, root: Path, broken: dict[str, str], unreadable: list[str]
) -> None:
    """A file that could not be read (YAML syntax, encoding …) is already reported; keep its
    diarienummer, read leniently from the raw text, so that a meeting naming it says the case
    has errors instead of "no case with diarienummer …" (no follow-on errors)."""
    rel = relative(path, root)
    try:
        with path.open("rb") as handle:  # at most the size read at all (a file may be huge)
            text = handle.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
    except OSError:
        unreadable.append(rel)
        return
    if _MEETING_LINE.search(text) or is_minutes_text(text):
        return
    match = _DIARY_NUMBER_LINE.search(text)
    if match is None:
        unreadable.append(rel)
    else:
        broken.setdefault(match.group("dnr").strip(), rel)


def _same_outputs(root: Path, files: list[Path] | None = None) -> list[Diagnostic]:
    """Two files whose names differ only in the suffix (a.md, a.yaml) would write the same
    output files: an error at each but the first, so neither silently replaces the other."""
    seen: dict[str, str] = {}
    problems = []
    for path in case_files(root) if files is None else files:
        rel = relative(path, root)
        stem = output_stem(rel)
        first = seen.setdefault(stem, rel)
        if first != rel:
            problems.append(
                error(
                    rel,
                    1,
                    1,
                    f"{rel} och {first} skulle ge samma filer i output/ ({stem}.docx och "
                    f"{stem}.pdf), eftersom namnen bara skiljer sig i filändelsen. Byt namn på "
                    "den ena.",
                    "samma-utdata",
                )
            )
    return problems


def _items_with_failing_cases(
    meetings: list[MeetingDocument], with_errors: dict[str, str]
) -> list[Diagnostic]:
    """Stop a meeting whose agenda has a case with errors (``with_errors``: diarienummer →
    case file), whether the case file is invalid or the content checks found an error such as
    a personnummer, so its packet is never assembled from an old version of that case."""
    found = []
    for meeting in meetings:
        for index, item in enumerate(meeting.meeting.items):
            rel = with_errors.get(item.diary_number or "") if item.has_case else None
            if rel is None:
                continue
            found.append(
                note(
                    meeting.source,
                    ("ärenden", index, "diarienummer"),
                    f"Ärendet {item.diary_number} har fel (se {rel}) och kan inte tas med "
                    "förrän de är rättade.",
                    "ärende-har-fel",
                    is_error=True,
                )
            )
    return found


def _at(source: Source, path: tuple[str | int, ...]) -> tuple[int, int]:
    pos = source.positions.find(path)
    return pos.line, pos.column


_CASES: Memo[CaseDocument | None] = Memo()
"""Validated case files of this process, reused while nothing they read has changed."""


def _validate_case_memo(
    source: Source, profile: Profile | None, profile_key: str, root: Path
) -> tuple[CaseDocument | None, list[Diagnostic]]:
    """:func:`_validate_case`, reused from an earlier build of this process when the file's
    text, the profile's text and every figure and attachment file it read are unchanged
    (``validate/case_memo.py`` lists what is read)."""
    key = (str(root), source.rel, source.path.suffix, text_digest(source.text), profile_key)
    document, problems = _CASES.get(
        (root, source.path),
        key,
        lambda: _validate_case(source, profile, root),
        len(source.text),
    )
    if document is not None and document.source is not source:
        document = replace(document, source=source)  # the same text, parsed again
    return document, problems


def _files_read(source: Source, case: Case, body_outline: BodyOutline) -> list[Path]:
    """The other files validating this case reads: its figures and its attachment files."""
    folder = source.path.parent
    files = [folder / ref.src for ref in body_outline.figures if ref.src]
    files += [folder / a.file for a in case.attachments if a.file is not None]
    return files


def _validate_case(
    source: Source, profile: Profile | None, root: Path
) -> tuple[CaseDocument | None, list[Diagnostic], tuple[tuple[Path, FileStamp], ...]]:
    """Validate one case file; also return the stamps of the other files read, taken before
    they were read (so a file changed while it was read is read again the next time)."""
    problems: list[Diagnostic] = []
    if source.path.suffix.lower() == ".md" and "text" in source.data:
        problems.append(
            note(
                source,
                ("text",),
                "”text” används bara i rena YAML-filer; i en .md-fil skrivs texten efter front matter.",
                "text-i-front-matter",
                is_error=True,
            )
        )
    case, found = build_model(Case, source)
    problems.extend(found)
    if case is None:
        return None, problems, ()
    body = _body(source, case)
    body_outline = outline(body, source.body_offset)
    problems.extend(_too_deep(source, body_outline))
    files_read = stamps(_files_read(source, case, body_outline))
    problems.extend(_placeholders(source, body))
    problems.extend(_tables(source, case, body_outline))
    problems.extend(check_figures(source, body_outline, root))
    problems.extend(_sections(source, case, profile, body_outline))
    files: list[Path | None] = []
    for index, attachment in enumerate(case.attachments):
        if attachment.file is None:
            files.append(None)
            continue
        resolved, problem, code = check_attachment_path(attachment.file, source.path, root)
        files.append(resolved)
        if problem:
            problems.append(note(source, ("bilagor", index, "fil"), problem, code, is_error=True))
        problems.extend(_attachment_findings(source, ("bilagor", index, "fil"), resolved, root))
    if profile is not None:
        problems.extend(_profile_rules(source, case, profile))
    return CaseDocument(source, case, body_outline, tuple(files)), problems, files_read


def _attachment_findings(
    source: Source, key: tuple[str | int, ...], path: Path | None, root: Path
) -> list[Diagnostic]:
    """Report what is wrong with an attachment file (damaged, encrypted, empty, no text, not
    A4, not PDF/A) at the line that names it, the same in ``check`` as in ``build``."""
    if path is None:
        return []
    try:
        name = path.relative_to(root).as_posix()
    except ValueError:
        name = path.name
    return [
        note(source, key, f.message, f.code, is_error=f.severity is Severity.ERROR)
        for f in inspect_attachment(path, name, root)
    ]


PLACEHOLDER = "[fyll i"


def _placeholder_message(text: str) -> str:
    start = text.index(PLACEHOLDER)
    end = text.find("]", start)
    shown = text[start : end + 1] if end != -1 else text[start:]
    return (
        f"Platshållaren ”{shown}” är kvar och skulle komma med i handlingen. Fyll i det som "
        "efterfrågas eller ta bort platshållaren."
    )


def _placeholders(source: Source, body: str) -> list[Diagnostic]:
    """Report scaffold placeholders ("[fyll i …]") that are still in the file: an error by
    default, so that a placeholder is never published (the profile may lower it)."""
    problems = []

    def walk(value: object, path: tuple[str | int, ...]) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                walk(child, (*path, key))
        elif isinstance(value, list):
            for index, child in enumerate(value):
                walk(child, (*path, index))
        elif isinstance(value, str) and PLACEHOLDER in value:
            message = _placeholder_message(value)
            problems.append(note(source, path, message, "platshållare", is_error=True))

    walk(source.data, ())
    for number, line in enumerate(body.splitlines(), start=1):
        if PLACEHOLDER in line:
            problems.append(
                error(
                    source.rel,
                    number + source.body_offset,
                    line.index(PLACEHOLDER) + 1,
                    _placeholder_message(line),
                    "platshållare",
                )
            )
    return problems


def _too_deep(source: Source, body_outline: BodyOutline) -> list[Diagnostic]:
    """The Markdown parser drops blocks nested too deeply; say where, so no text is lost."""
    if body_outline.too_deep is None:
        return []
    line, column = body_outline.too_deep
    message = (
        "Listorna eller citaten är nästlade i för många nivåer här: beslut läser högst "
        f"{MAX_NESTING // 2} listor i varandra eller {MAX_NESTING} citat (>) i varandra, och "
        "texten från den här raden och ut i listan eller citatet skulle inte komma med. Minska "
        "indraget eller antalet - och > i början av raderna."
    )
    return [error(source.rel, line, column, message, "för-djup-text")]


def _body(source: Source, case: Case) -> str:
    if source.path.suffix.lower() == ".md":
        return source.body
    return case.body or ""


def _profile_rules(source: Source, case: Case, profile: Profile) -> list[Diagnostic]:
    problems = []
    if not any(f.matches(case.diary_number) for f in profile.diary_formats):
        formats = "; ".join(f.description for f in profile.diary_formats)
        problems.append(
            note(
                source,
                ("diarienummer",),
                f"Diarienumret ”{case.diary_number}” följer inte organisationens format. "
                f"Tillåtna format: {formats}.",
                "diarienummer-format",
                is_error=True,
            )
        )
    if profile.organ(case.organ) is None:
        known = ", ".join(f"{o.id} ({o.name})" for o in profile.organs)
        close = [o.id for o in profile.organs if o.id.lower() == case.organ.lower()]
        hint = f" Menade du ”{close[0]}”?" if close else ""
        problems.append(
            note(
                source,
                ("instans",),
                f"Instansen ”{case.organ}” finns inte i profilen. Kända instanser: {known}.{hint}",
                "okänd-instans",
                is_error=True,
            )
        )
    settings = profile.type_settings(case.doc_type)
    if settings.officer_required and not case.officers:
        problems.append(
            note(
                source,
                ("handläggare",) if "handläggare" in source.data else ("typ",),
                f"Handläggare saknas; profilen kräver handläggare för {case.doc_type.value}. "
                "Lägg till ”handläggare:” med namn (och gärna titel, telefon och e-post), eller "
                f"sätt ”handläggare_krävs: nej” under dokumenttyper → {case.doc_type.value} i "
                "profilen om den här typen av handling inte har någon handläggare.",
                "saknas",
                is_error=True,
            )
        )
    return problems


def _generated_headings(case: Case, profile: Profile | None) -> set[str]:
    """Headings beslut prints itself: the fixed ones and those the case or profile chooses."""
    chosen = [case.recipients_heading, case.proposal.heading]
    chosen += [b.heading for b in case.proposal.blocks]
    if profile is not None:
        chosen.append(profile.closing_for(case.doc_type).recipients_heading)
        chosen.append(profile.decision_for(case.doc_type).heading)
    return {h.casefold() for h in (*GENERATED_SECTIONS, *chosen) if h}


def _tables(source: Source, case: Case, body: BodyOutline) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    ids = {t.id for t in case.tables}
    for table_id, line in body.table_refs:
        if table_id not in ids:
            known = ", ".join(sorted(ids)) or "inga"
            problems.append(
                error(
                    source.rel,
                    line,
                    1,
                    f"Texten hänvisar till tabellen ”{table_id}”, som inte finns under ”tabeller”. "
                    f"Kända tabeller: {known}.",
                    "okänd-tabell",
                )
            )
    referenced = {t for t, _ in body.table_refs}
    for index, table in enumerate(case.tables):
        where = ("tabeller", index)
        if table.id not in referenced:
            problems.append(
                note(
                    source,
                    (*where, "id"),
                    f"Tabellen ”{table.id}” används inte i texten. Skriv ```tabell {table.id}``` "
                    "där den ska stå.",
                    "oanvänd-tabell",
                    is_error=False,
                )
            )
        width = len(table.columns)
        for row_index, row in enumerate(table.rows):
            if not isinstance(row, tuple):
                continue  # a description or subtotal row
            if len(row) != width:
                problems.append(
                    note(
                        source,
                        (*where, "rader", row_index),
                        f"Raden har {len(row)} {'värde' if len(row) == 1 else 'värden'} men tabellen "
                        f"har {width} kolumner.",
                        "tabellrad-längd",
                        is_error=True,
                    )
                )
                continue
            for col_index, (column, value) in enumerate(zip(table.columns, row, strict=True)):
                if column.numeric and isinstance(value, str) and cell_number(value) is None:
                    problems.append(
                        note(
                            source,
                            (*where, "rader", row_index, col_index),
                            f"”{value}” i kolumnen ”{column.heading}” är inte ett tal. Skriv talet "
                            "utan enhet, t.ex. 1300 eller 12.5, eller inom citattecken med de decimaler som "
                            'ska synas, t.ex. "6,0".',
                            "inte-ett-tal",
                            is_error=True,
                        )
                    )
    return problems


def _sections(
    source: Source, case: Case, profile: Profile | None, body: BodyOutline
) -> list[Diagnostic]:
    problems = []
    present = {normal_heading(h) for h, _ in body.sections}
    if profile is not None:
        for required in profile.type_settings(case.doc_type).required_sections:
            if normal_heading(required) not in present:
                problems.append(
                    note(
                        source,
                        ("typ",),
                        f"Avsnittet ”{required}” saknas; profilen kräver det för "
                        f"{case.doc_type.value}. Lägg till rubriken ”## {required}” i texten.",
                        "avsnitt-saknas",
                        is_error=True,
                    )
                )
    generated = _generated_headings(case, profile)
    known = {normal_heading(k): k for k in KNOWN_SECTIONS}
    for heading, line in body.sections:
        normal = normal_heading(heading)
        if normal not in known and normal not in generated:
            close = difflib.get_close_matches(normal, list(known), n=1, cutoff=0.85)
            if close:
                problems.append(
                    warning(
                        source.rel,
                        line,
                        1,
                        f"Avsnittet ”{heading}” är inget känt avsnitt – menade du "
                        f"”{known[close[0]]}”? Det tas med som ett fritt avsnitt.",
                        "okänt-avsnitt",
                    )
                )
        if heading.casefold() in generated:
            problems.append(
                warning(
                    source.rel,
                    line,
                    1,
                    f"Avsnittet ”{heading}” skapas av beslut från front matter; skriv listan under "
                    "beslutsunderlag/bilagor/delges (eller förslaget under förslag) i stället för "
                    "i texten.",
                    "genererat-avsnitt",
                )
            )
    return problems


def _validate_meeting(
    source: Source,
    profile: Profile | None,
    root: Path,
    cases: list[CaseDocument],
    broken: dict[str, str],
    unreadable: tuple[str, ...] | list[str] = (),
) -> tuple[MeetingDocument | None, list[Diagnostic]]:
    meeting, problems = build_model(Meeting, source)
    placeholders = _placeholders(source, "")
    if placeholders:  # a placeholder is reported as one; not also as a wrong value (tid)
        lines = {d.line for d in placeholders}
        problems = [d for d in problems if d.line not in lines] + placeholders
    if meeting is None:
        return None, problems
    by_dnr = {c.case.diary_number: c for c in cases}
    if profile is not None and profile.organ(meeting.organ) is None:
        known = ", ".join(f"{o.id} ({o.name})" for o in profile.organs)
        problems.append(
            note(
                source,
                ("instans",),
                f"Instansen ”{meeting.organ}” finns inte i profilen. Kända instanser: {known}.",
                "okänd-instans",
                is_error=True,
            )
        )
    seen: dict[str, int] = {}
    files: list[tuple[Path | None, ...]] = []
    for index, item in enumerate(meeting.items):
        where = ("ärenden", index)
        first = profile.agenda.first_number if profile is not None else 1
        problems.extend(
            _item_rules(source, meeting, item, index, by_dnr, seen, broken, first, unreadable)
        )
        resolved: list[Path | None] = []
        for a_index, attachment in enumerate(item.attachments):
            path, problem, code = check_attachment_path(attachment.file, source.path, root)
            resolved.append(path)
            key = (*where, "handlingar", a_index, "fil")
            if problem:
                problems.append(note(source, key, problem, code, is_error=True))
            problems.extend(_attachment_findings(source, key, path, root))
        files.append(tuple(resolved))
    first = profile.agenda.first_number if profile is not None else 1
    problems.extend(_supplement_rules(source, meeting, by_dnr, first))
    return MeetingDocument(source, meeting, tuple(files)), problems


def _supplement_rules(
    source: Source, meeting: Meeting, by_dnr: dict[str, CaseDocument], first: int
) -> list[Diagnostic]:
    """Items added by a tilläggslista (``tillägg``) stand last, so that every number of the
    kallelse as sent stays; their date lies between the kallelse's and the meeting's."""
    problems: list[Diagnostic] = []

    def label(index: int) -> str:
        item = meeting.items[index]
        found = by_dnr.get(item.diary_number or "") if item.has_case else None
        title = item_title(item, found.case if found is not None else None)
        return f"punkt {index + first} ({title})"

    for index, item in enumerate(meeting.items):
        if item.supplement is None:
            continue
        where = ("ärenden", index, "tillägg")
        later = next(
            (i for i in range(index + 1, len(meeting.items)) if not meeting.items[i].supplement),
            None,
        )
        if later is not None:
            problems.append(
                note(
                    source,
                    where,
                    f"P{label(index)[1:]} har ”tillägg: {item.supplement.isoformat()}” "
                    f"men står före {label(later)}, som skickades med kallelsen. Punkter med "
                    "tillägg ska stå sist, så att numren i den utskickade kallelsen inte ändras. "
                    f"Flytta {label(index)} sist i ”ärenden”.",
                    "tillägg-inte-sist",
                    is_error=True,
                )
            )
        if meeting.sent is not None and item.supplement < meeting.sent:
            problems.append(
                note(
                    source,
                    where,
                    f"Tilläggsdatumet {item.supplement.isoformat()} för {label(index)} är före "
                    f"utskicksdatumet {meeting.sent.isoformat()}: en punkt som fanns när "
                    "kallelsen skickades står i kallelsen. Rätta datumet, eller ta bort "
                    "”tillägg” så att punkten står i kallelsen.",
                    "tillägg-före-utskick",
                    is_error=True,
                )
            )
        if item.supplement > meeting.date:
            problems.append(
                note(
                    source,
                    where,
                    f"Tilläggsdatumet {item.supplement.isoformat()} för {label(index)} är efter "
                    f"sammanträdet {meeting.date.isoformat()}: tilläggslistan skickas före "
                    "sammanträdet. Rätta datumet.",
                    "tillägg-efter-möte",
                    is_error=True,
                )
            )
    return problems


def _item_rules(
    source: Source,
    meeting: Meeting,
    item: AgendaItem,
    index: int,
    by_dnr: dict[str, CaseDocument],
    seen: dict[str, int],
    broken: dict[str, str],
    first: int = 1,
    unreadable: tuple[str, ...] | list[str] = (),
) -> list[Diagnostic]:
    where = ("ärenden", index)
    problems = []

    def add(path: tuple[str | int, ...], message: str, code: str) -> None:
        problems.append(note(source, path, message, code, is_error=True))

    if item.kind is ItemKind.BESLUT:
        key = item.diary_number or f"rubrik:{item.title}"
    else:
        key = f"{item.kind}:{item.title}"
    if key in seen and item.kind not in (ItemKind.INFORMATION, ItemKind.OVRIGT):
        add(
            where,
            f"Punkten finns redan som punkt {seen[key]} på föredragningslistan.",
            "dubblett-punkt",
        )
    seen.setdefault(str(key), index + first)
    if item.papers is Papers.LATER:
        problems.append(_papers_later(source, item, index + first, index))
    if item.kind is not ItemKind.BESLUT:
        if item.diary_number is not None:
            add(
                (*where, "diarienummer"),
                "Bara beslutsärenden (typ: beslut) har diarienummer.",
                "diarienummer-ej-beslut",
            )
        return problems
    if item.papers is not None:
        problems.extend(_paperless_rules(source, item, index, by_dnr, broken))
        return problems
    if item.diary_number is None:
        add(where, "Beslutsärendet saknar ”diarienummer”; ange ärendets diarienummer.", "saknas")
        return problems
    found = by_dnr.get(item.diary_number)
    if found is None and item.diary_number in broken:
        return problems  # reported once for every failing case: _items_with_failing_cases
    if found is None:
        close = difflib.get_close_matches(item.diary_number, list(by_dnr), n=1, cutoff=0.6)
        hint = f" Menade du ”{close[0]}”?" if close else ""
        if unreadable:
            files = ", ".join(unreadable)
            hint += (
                f" Ärendet kan finnas i en fil som inte kunde läsas ({files}); rätta felen där "
                "först."
            )
        add(
            (*where, "diarienummer"),
            f"Det finns inget ärende med diarienummer ”{item.diary_number}” i content/.{hint}",
            "okänt-diarienummer",
        )
        return problems
    if found.case.organ != meeting.organ:
        add(
            (*where, "diarienummer"),
            f"Ärendet {item.diary_number} ({found.rel}) gäller instansen ”{found.case.organ}”, "
            f"men sammanträdet är för ”{meeting.organ}”.",
            "fel-instans",
        )
    if found.case.secrecy is not None and not item.withheld:
        add(
            where,
            f"Ärendet {item.diary_number} är sekretessmarkerat ({found.case.secrecy.provision} "
            "OSL) men punkten skulle publiceras. Lägg till ”sekretess: {lagrum: "
            f"{found.case.secrecy.provision}}}” på punkten, eller ”publiceras_inte: true”.",
            "sekretess-på-punkt",
        )
    if found.case.date > meeting.date:
        add(
            (*where, "diarienummer"),
            f"Ärendet {item.diary_number} är daterat {found.case.date.isoformat()}, efter "
            f"sammanträdet {meeting.date.isoformat()}. Kontrollera datumen.",
            "ärende-efter-möte",
        )
    return problems


def _papers_later(source: Source, item: AgendaItem, number: int, index: int) -> Diagnostic:
    """The warning that an item's papers come later: the kallelse is not complete."""
    title = f" ({item.title})" if item.title else ""
    return note(
        source,
        ("ärenden", index, "underlag"),
        f"Handlingarna till punkt {number}{title} lämnas senare: kallelsen och handlingarna är "
        "inte kompletta. Skicka ut dem när handlingarna finns, eller skicka handlingarna som "
        "komplettering och ta då bort ”underlag: lämnas_senare”.",
        "handlingar-lämnas-senare",
        is_error=False,
    )


def _paperless_rules(
    source: Source,
    item: AgendaItem,
    index: int,
    by_dnr: dict[str, CaseDocument],
    broken: dict[str, str],
) -> list[Diagnostic]:
    """A beslut item whose papers are not a case file here: it needs its own title, and no
    case in the workspace may have its diarienummer (that case would silently be left out)."""
    where = ("ärenden", index)
    problems = []
    if item.title is None:
        problems.append(
            note(
                source,
                (*where, "underlag"),
                f"Punkten har ”underlag: {item.papers}” och inget ärende i content/ att hämta "
                "rubriken från. Lägg till ”rubrik: …” på punkten.",
                "punkt-utan-rubrik",
                is_error=True,
            )
        )
    dnr = item.diary_number
    case = by_dnr.get(dnr or "")
    found = case.rel if case is not None else broken.get(dnr or "")
    if dnr is not None and found is not None:
        problems.append(
            note(
                source,
                (*where, "underlag"),
                f"Ärendet {dnr} finns i arbetsytan ({found}), men punkten har ”underlag: "
                f"{item.papers}” och tar inte med det. Ta bort ”underlag: …” så att ärendet "
                "kommer med, eller rätta diarienumret.",
                "underlag-men-ärende-finns",
                is_error=True,
            )
        )
    return problems
