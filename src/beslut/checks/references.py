"""Content checks on what a case refers to: its beslutsunderlag and the files beside it.

The beslutsunderlag is copied into the protokoll and starts with the paper itself, dated
(swedish-conventions.md §1.3). Every attachment-like file in content/ should be listed by a
case (``bilagor``) or a meeting (``handlingar``); a forgotten file is usually a forgotten bilaga.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from beslut.checks.base import Context
from beslut.checks.catalogue import RULES
from beslut.diagnostics import Diagnostic
from beslut.load.paths import CONTENT_DIR, PROFILE_FILE
from beslut.load.source import CASE_SUFFIXES, MAX_FILE_BYTES

if TYPE_CHECKING:
    from beslut.validate.workspace import CaseDocument

BASIS = "beslutsunderlag"
FILE_SUFFIXES = frozenset(
    {".pdf", ".docx", ".odt", ".xlsx", ".doc", ".pptx", ".txt", ".png", ".jpg", ".jpeg", ".svg"}
)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield beslutsunderlag in the wrong order and files that nothing lists."""
    for case in context.cases:
        yield from _basis(context, case)
    yield from _unlisted_files(context)


def _basis(context: Context, case: CaseDocument) -> Iterator[Diagnostic]:
    items = case.case.basis
    if not items:
        return
    document = context.case_document(case)
    doc_type = case.case.doc_type.value
    label = context.profile.type_settings(case.case.doc_type).label
    # The paper may be named by its type, its house label (TJÄNSTEUTLÅTANDE) or its proposal's
    # heading ("Ordförandens förslag den 1 september 2014").
    heading = case.case.proposal.heading or context.profile.decision_for(case.case.doc_type).heading
    names = {label.casefold(), doc_type, *([heading.casefold()] if heading else [])}
    own = [i for i, item in enumerate(items) if any(n in item.casefold() for n in names)]
    rule = RULES["beslutsunderlag-ordning"]
    date = case.case.date.isoformat()
    if not own:
        line, column = document.at((BASIS, 0))
        yield rule.at(
            case.rel,
            line,
            column,
            "Beslutsunderlaget ska börja med handlingen själv, men den finns inte med. Lägg till "
            f"”{label.capitalize()} {date}” först i listan.",
        )
    elif own[0] > 0:
        line, column = document.at((BASIS, own[0]))
        yield rule.at(
            case.rel,
            line,
            column,
            f"Beslutsunderlaget ska börja med handlingen själv, men ”{items[own[0]]}” står som "
            f"nummer {own[0] + 1}. Flytta den först i listan.",
        )
    else:
        found = _ISO_DATE.search(items[0])
        if found and found.group(0) != date:
            line, column = document.at((BASIS, 0))
            yield rule.at(
                case.rel,
                line,
                column,
                f"Första raden i beslutsunderlaget är handlingen själv och ska ha dess datum, "
                f"{date}, men har {found.group(0)}. Skriv ”{_ISO_DATE.sub(date, items[0], 1)}”.",
            )


class _Resolver:
    """``Path.resolve`` that resolves each folder once: resolving a path walks (``lstat``) every
    folder above it, and this check resolves every file of content/ and every file named.
    A path that is a link itself, or ends in ``..``, is resolved whole."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if path.name in ("", ".", "..") or path.is_symlink():
            return path.resolve()
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = path.parent.resolve()
        return folder / path.name


def _unlisted_files(context: Context) -> Iterator[Diagnostic]:
    content = context.root / CONTENT_DIR
    resolve = _Resolver()
    listed = _listed(context, resolve)
    by_file = {resolve(c.source.path): c for c in context.cases}
    profile = (context.root / PROFILE_FILE).resolve()
    for path in sorted(content.rglob("*")):
        parts = path.relative_to(content).parts
        if (
            not path.is_file()
            or path.suffix.lower() not in FILE_SUFFIXES
            or any(p.startswith((".", "_")) for p in parts)
            or resolve(path) in listed
        ):
            continue
        rel = path.relative_to(context.root).as_posix()
        case = by_file.get(_only_case_file(path.parent, profile) or Path())
        if case is None:
            yield RULES["fil-ej-listad"].at(
                rel,
                1,
                1,
                f"Filen ”{rel}” är inte listad som bilaga eller handling någonstans. Lista den "
                "under ”bilagor:” i ärendet den hör till (med titel och fil) eller under "
                "”handlingar:” på sammanträdet, eller ta bort filen.",
            )
            continue
        listing = "bilagor" in case.source.data
        pos = case.source.positions.find(("bilagor",) if listing else ("typ",), want_key=listing)
        yield RULES["fil-ej-listad"].at(
            case.rel,
            pos.line,
            pos.column,
            f"Filen ”{path.name}” ligger i ärendets mapp men är inte listad som bilaga. Lägg "
            f"till den under ”bilagor:” med titel och fil (fil: {path.name}), eller ta bort "
            "filen.",
        )


def _listed(context: Context, resolve: _Resolver) -> set[Path]:
    """Return every file a case or meeting lists or shows as a figure, resolved (also ones with
    other problems)."""
    listed: set[Path] = set()
    for case in context.cases:
        listed |= {resolve(p) for p in case.attachment_files if p is not None}
        folder = case.source.path.parent
        listed |= {resolve(folder / a.file) for a in case.case.attachments if a.file}
        listed |= {resolve(folder / f.src) for f in case.outline.figures if f.src}  # images
    for meeting in context.meetings:
        listed |= {resolve(p) for item in meeting.attachment_files for p in item if p is not None}
        folder = meeting.source.path.parent
        listed |= {
            resolve(folder / a.file) for item in meeting.meeting.items for a in item.attachments
        }
    listed |= _listed_by_unloaded(context, resolve)
    profile = context.profile
    logos = [profile.organisation.logo, *(a.logo for a in profile.administrations)]
    listed |= {(context.root / logo).resolve() for logo in logos if logo}  # the letterheads'
    return listed


_FILE_LINE = re.compile(
    r"^[ \t]*(?:-[ \t]+)?(?:fil|src):[ \t]*(?P<q>[\"']?)(?P<file>[^\"'#\n]+?)(?P=q)[ \t]*(?:#.*)?$",
    re.MULTILINE,
)
_IMAGE = re.compile(r"!\[[^\]]*\]\((?P<file>[^)\s]+)")


def _listed_by_unloaded(context: Context, resolve: _Resolver) -> set[Path]:
    """Files named by case or meeting files that could not be loaded or validated (a YAML
    syntax error …), read leniently from the raw text: that file's error is reported already,
    and its bilagor must not also be reported as unlisted (no follow-on errors)."""
    content = context.root / CONTENT_DIR
    loaded = {resolve(c.source.path) for c in context.cases}
    loaded |= {resolve(m.source.path) for m in context.meetings}
    loaded.add((context.root / PROFILE_FILE).resolve())
    listed: set[Path] = set()
    for path in content.rglob("*"):
        if (
            path.suffix.lower() not in CASE_SUFFIXES
            or not path.is_file()
            or resolve(path) in loaded
        ):
            continue
        try:
            with path.open("rb") as handle:  # a huge file: only what beslut would read
                text = handle.read(MAX_FILE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue
        names = [m.group("file") for m in _FILE_LINE.finditer(text)]
        names += [m.group("file") for m in _IMAGE.finditer(text)]
        listed |= {(path.parent / name.strip()).resolve() for name in names}
    return listed


def _only_case_file(folder: Path, profile: Path) -> Path | None:
    """Return the folder's case or meeting file if it holds exactly one, else None."""
    files = [
        p.resolve()
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in CASE_SUFFIXES and not p.name.startswith((".", "_"))
    ]
    files = [p for p in files if p != profile]
    return files[0] if len(files) == 1 else None
