"""Content checks: personal data (personnummer and samordningsnummer in published text).

Every string of a case or meeting file is searched, identifiers and contact data included, as
are the Markdown body and the text of the attachments. A number is only a finding when the
paper is published: a case with ``sekretess`` or whose agenda items are all withheld, and a
withheld item's own strings and papers, are left alone. Messages never show the full number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from beslut.checks.attachment_text import attachment_text
from beslut.checks.base import Context, Document
from beslut.checks.catalogue import RULES
from beslut.checks.prose import Block
from beslut.diagnostics import Diagnostic, Level
from beslut.load.source import relative

if TYPE_CHECKING:
    from beslut.model.models import AgendaItem
    from beslut.validate.workspace import CaseDocument, MeetingDocument

# Ten digits (YYMMDD, optional -, + or space, NNNN) or twelve (YYYYMMDD, optional - or space,
# NNNN), not part of a longer run of digits, nor of a code (letters or / right before or after).
_NUMBER = re.compile(
    r"(?<![\w/])(?P<date>\d{8}|\d{6})(?P<sep>[-+ \u00a0]?)(?P<serial>\d{4})(?![\w/]|[.,]\d)"
)
_SIX_DIGITS = re.compile(r"\d{6}")
"""What every match of :data:`_NUMBER` holds."""
_CENTURIES = ("18", "19", "20")
# A phone number written as ten digits may pass the date and checksum tests by chance.
_PHONE = re.compile(
    r"(?:tel|telefon|mobil|mobiltelefon|fax|växel|sms)[.:]?\s*(?:nr\.?:?\s*)?$", re.I
)

_WHY = "Personnummer och samordningsnummer får inte publiceras (SKR:s vägledning, GDPR)."
_FIX_CASE = (
    "Ta bort numret. Ska handlingarna inte publiceras: ange sekretess: i ärendefilen eller "
    "markera punkten i mötesfilen med sekretess: eller publiceras_inte: true."
)
_FIX_ITEM = (
    "Ta bort numret, eller markera punkten med sekretess: eller publiceras_inte: true om "
    "handlingarna inte ska publiceras."
)
_FIX_MEETING = "Ta bort numret."
_FIX_TITLE = (
    "Ärendets rubrik visas i den offentliga kallelsen även när handlingarna inte publiceras. "
    "Ta bort numret ur rubriken, eller ge punkten en offentlig_rubrik: i mötesfilen."
)
_FIX_PROPOSAL = (
    "Förslaget till beslut visas i den offentliga kallelsen för en punkt som inte är "
    "markerad. Ta bort numret, eller markera punkten i mötesfilen med sekretess: eller "
    "publiceras_inte: true."
)


@dataclass(frozen=True)
class Hit:
    """A personnummer or samordningsnummer found in a text."""

    start: int
    end: int
    kind: str
    """``personnummer`` or ``samordningsnummer``."""
    masked: str
    """The number as written, with the last four digits replaced by X."""


def number_kind(written: str) -> str | None:
    """Return ``personnummer`` or ``samordningsnummer`` for a valid number, else None.

    ``written`` is YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDD-NNNN or YYYYMMDDNNNN (a space
    may stand for the -). The date must exist (samordningsnummer: day plus 60) and the ten
    digits pass the Luhn check; python-stdnum decides both.
    """
    compact = re.sub(r"[\s\u00a0]", "-", written)
    digits = re.sub(r"[-+]", "", compact)
    if len(digits) not in (10, 12) or not digits.isdigit():
        return None
    if len(digits) == 12 and (digits[:2] not in _CENTURIES or "+" in compact):
        return None
    if "+" not in compact:
        compact = f"{digits[:-4]}-{digits[-4:]}"
    # python-stdnum (with pydoc) only once a candidate is found: most builds find none.
    from stdnum import luhn
    from stdnum.exceptions import ValidationError
    from stdnum.se import personnummer

    day = int(digits[-6:-4])
    if day <= 60:
        return "personnummer" if personnummer.is_valid(compact) else None
    # Samordningsnummer: the day plus 60; stdnum checks the date with the real day.
    shifted = f"{compact[:-7]}{day - 60:02d}{compact[-5:]}"
    try:
        personnummer.get_birth_date(shifted)
    except ValidationError:
        return None
    return "samordningsnummer" if luhn.is_valid(digits[-10:]) else None


def _looks_like_something_else(text: str, start: int, end: int, sep: str) -> bool:
    """A number in a group of spaced digits (an amount, a table row) or after "tel." is not
    taken for a personnummer."""
    before, after = text[max(0, start - 30) : start], text[end : end + 2]
    if (
        sep.strip() == ""
        and sep
        and (re.search(r"\d[ \u00a0]$", before) or re.match(r"[ \u00a0]\d", after))
    ):
        return True
    return not sep and _PHONE.search(before) is not None


def find_numbers(text: str) -> list[Hit]:
    """Return the personnummer and samordningsnummer in a text."""
    hits = []
    for match in _NUMBER.finditer(text):
        if _looks_like_something_else(text, match.start(), match.end(), match.group("sep")):
            continue
        kind = number_kind(match.group(0))
        if kind is not None:
            masked = match.group(0)[:-4] + "XXXX"
            hits.append(Hit(match.start(), match.end(), kind, masked))
    return hits


def _message(hit: Hit, fix: str, attachment: str | None = None, place: str = "") -> str:
    where = f"Bilagan ”{attachment}”" if attachment else "Texten"
    place = f" {place}" if place else ""
    return f"{where} innehåller ett {hit.kind} (”{hit.masked}”){place}. {_WHY} {fix}"


def _value(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _string_hits(document: Document, block: Block) -> list[tuple[int, int, Hit]]:
    """Return (line, column, hit) in a YAML string, located exactly when the file allows
    (found once per unchanged file)."""
    hits: dict[tuple[str | int, ...], list[tuple[int, int, Hit]]] = document.memo(
        "personnummer-fält", dict
    )
    if block.path not in hits:
        hits[block.path] = list(_search_string(document, block))
    return hits[block.path]


def _search_string(document: Document, block: Block) -> Iterator[tuple[int, int, Hit]]:
    value = _value(document.source.data, block.path)
    exact = len(block.spans) == 1 and block.spans[0].fixable
    for hit in find_numbers(value):
        line, column = block.position(hit.start if exact else 0)
        yield line, column, hit


def _body_hits(document: Document) -> list[tuple[int, int, Hit]]:
    """Return (line, column, hit) in the Markdown body (found once per unchanged file)."""
    return document.memo("personnummer-text", lambda: list(_search_body(document)))


def _search_body(document: Document) -> Iterator[tuple[int, int, Hit]]:
    """Yield (line, column, hit) in the Markdown body, code and tables included."""
    if _SIX_DIGITS.search(document.body) is None:
        return  # every number has six digits in a row: none in the body, none on a line
    first = document.source.body_offset + 1
    for index, text in enumerate(document.body.split("\n")):
        for hit in find_numbers(text):
            line = first + index
            lines = document.file_lines
            raw = lines[line - 1] if 0 < line <= len(lines) else ""
            column = len(raw) - len(text) + hit.start + 1
            if raw[column - 1 : column - 1 + hit.end - hit.start] != text[hit.start : hit.end]:
                line, column = document.at(("text",))
            yield line, column, hit


def _attachment_hits(
    context: Context, document: Document, files: Iterator[tuple[tuple[str | int, ...], Path]]
) -> Iterator[tuple[int, int, Hit, str, str]]:
    """Yield (line, column, hit, file name, place) for every channel of the attachments."""
    for key, path in files:
        line, column = document.at(key)
        for part in attachment_text(path, context.root).parts:
            for hit in find_numbers(part.text):
                yield line, column, hit, path.name, part.place


_UNREAD_PUBLISHED = (
    "Bilagan publiceras, så den måste gå att granska: spara den som PDF med sökbar text (eller "
    "som Word- eller ODT-fil) utan lösenord, eller markera punkten i mötesfilen med sekretess: "
    "eller publiceras_inte: true om den inte ska publiceras."
)
_UNREAD_WITHHELD = (
    "Den publiceras inte, men granska den själv innan den lämnas ut eller skickas vidare."
)


def _unread(
    context: Context,
    rel: str,
    document: Document,
    files: Iterable[tuple[tuple[str | int, ...], Path]],
    *,
    published: bool,
) -> Iterator[Diagnostic]:
    """Report every attachment that could not be read: nothing passes the check unread."""
    for key, path in files:
        problem = attachment_text(path, context.root).problem
        if problem is None or _unusable(path, context.root):
            continue  # a damaged or locked file is already an error of its own (bilaga-*)
        line, column = document.at(key)
        message = (
            f"Bilagan ”{path.name}” {problem} och kunde inte granskas för personnummer och "
            f"samordningsnummer. {_UNREAD_PUBLISHED if published else _UNREAD_WITHHELD}"
        )
        level = Level.ERROR if published else Level.WARNING
        yield Diagnostic(rel, line, column, level, message, UNREAD)


UNREAD = "bilaga-ej-granskad"


def _unusable(path: Path, root: Path) -> bool:
    """True when the attachment inspection already reports the file as an error."""
    from beslut.validate.attachments import Severity, inspect_attachment

    findings = inspect_attachment(path, relative(path, root), root)
    return any(f.severity is Severity.ERROR for f in findings)


def _in_kallelse(entries: list[tuple[MeetingDocument, int, AgendaItem]]) -> dict[str, str]:
    """Return the case keys a public kallelse still shows, with the fix for each: the title
    when an item has no title of its own, the proposal when an item is not withheld."""
    shown = {}
    for _, _, item in entries:
        if item.title is None and not (item.withheld and item.public_title):
            shown["rubrik"] = _FIX_TITLE
        if not item.withheld:
            shown["förslag"] = _FIX_PROPOSAL
    return shown


def _case(context: Context, case: CaseDocument) -> Iterator[Diagnostic]:
    document = context.case_document(case)
    entries = context.agenda_entries(case.case.diary_number)
    withheld = case.case.secrecy is not None or (
        bool(entries) and all(item.withheld for _, _, item in entries)
    )
    rule = RULES["personnummer"]
    case_files = [
        (("bilagor", index, "fil"), path)
        for index, path in enumerate(case.attachment_files)
        if path is not None
    ]
    yield from _unread(context, case.rel, document, case_files, published=not withheld)
    if withheld:
        shown = _in_kallelse(entries)
        for block in document.every_string:
            fix = shown.get(str(block.path[0]))
            if fix is not None:
                for line, column, hit in _string_hits(document, block):
                    yield rule.at(case.rel, line, column, _message(hit, fix))
        return
    for block in document.every_string:
        for line, column, hit in _string_hits(document, block):
            yield rule.at(case.rel, line, column, _message(hit, _FIX_CASE))
    for line, column, hit in _body_hits(document):
        yield rule.at(case.rel, line, column, _message(hit, _FIX_CASE))
    for line, column, hit, name, place in _attachment_hits(context, document, iter(case_files)):
        yield rule.at(case.rel, line, column, _message(hit, _FIX_CASE, name, place))


def _shown(item: AgendaItem, key: str | int | None) -> bool:
    """Return True when a withheld item's string at ``key`` is still in the public kallelse."""
    return key == "offentlig_rubrik" or (key == "rubrik" and not item.public_title)


def _meeting(context: Context, meeting: MeetingDocument) -> Iterator[Diagnostic]:
    document = context.meeting_document(meeting)
    items = meeting.meeting.items
    rule = RULES["personnummer"]
    for block in document.every_string:
        path = block.path
        fix = _FIX_MEETING
        if len(path) > 1 and path[0] == "ärenden" and isinstance(path[1], int):
            item = items[path[1]]
            if item.withheld and not _shown(item, path[2] if len(path) > 2 else None):
                continue
            fix = _FIX_MEETING if item.withheld else _FIX_ITEM
        for line, column, hit in _string_hits(document, block):
            yield rule.at(meeting.rel, line, column, _message(hit, fix))
    for index, item in enumerate(items):
        item_files = [
            (("ärenden", index, "handlingar", number, "fil"), path)
            for number, path in enumerate(meeting.attachment_files[index])
            if path is not None
        ]
        yield from _unread(context, meeting.rel, document, item_files, published=not item.withheld)
    files = (
        (("ärenden", index, "handlingar", number, "fil"), path)
        for index, item in enumerate(items)
        if not item.withheld
        for number, path in enumerate(meeting.attachment_files[index])
        if path is not None
    )
    for line, column, hit, name, place in _attachment_hits(context, document, files):
        yield rule.at(meeting.rel, line, column, _message(hit, _FIX_ITEM, name, place))


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield a finding for every personnummer or samordningsnummer that would be published."""
    for case in context.cases:
        yield from _case(context, case)
    for meeting in context.meetings:
        yield from _meeting(context, meeting)
