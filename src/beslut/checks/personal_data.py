"""Content checks: personal data (personnummer and samordningsnummer in published text).

Every string of a case or meeting file is searched, identifiers and contact data included, as
are the Markdown body and the text of the attachments. A number is only a finding when the
paper is published: a case with ``sekretess`` or whose agenda items are all withheld, and a
withheld item's own strings and papers, are left alone. Messages never show the full number.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic
from .attachment_text import text_parts
from .base import Context, Document
from .catalogue import RULES
from .prose import Block

if TYPE_CHECKING:
    from ..models import AgendaItem
    from ..workspace import CaseDocument, MeetingDocument

# Ten digits (YYMMDD, optional - or +, NNNN) or twelve (YYYYMMDD, optional -, NNNN),
# not part of a longer run of digits.
_NUMBER = re.compile(r"(?<!\d)(?:\d{8}-?\d{4}|\d{6}[-+]?\d{4})(?!\d)")
_CENTURIES = ("18", "19", "20")

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


def luhn_valid(digits: str) -> bool:
    """Return True when a string of digits passes the Luhn checksum."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def number_kind(written: str) -> str | None:
    """Return ``personnummer`` or ``samordningsnummer`` for a valid number, else None.

    ``written`` is YYMMDD-NNNN, YYMMDD+NNNN, YYMMDDNNNN, YYYYMMDD-NNNN or YYYYMMDDNNNN. The
    date must exist (samordningsnummer: day plus 60) and the ten digits pass the Luhn check.
    """
    digits = re.sub(r"[-+]", "", written)
    century = digits[:2] if len(digits) == 12 else None
    if century is not None and (century not in _CENTURIES or "+" in written):
        return None
    ten = digits[-10:]
    year, month, day = int(ten[:2]), int(ten[2:4]), int(ten[4:6])
    kind = "personnummer"
    if day > 60:
        day -= 60
        kind = "samordningsnummer"
    years = [int(century) * 100 + year] if century else [1900 + year, 2000 + year]
    if not any(_is_date(y, month, day) for y in years):
        return None
    return kind if luhn_valid(ten) else None


def find_numbers(text: str) -> list[Hit]:
    """Return the personnummer and samordningsnummer in a text."""
    hits = []
    for match in _NUMBER.finditer(text):
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
    """Yield (line, column, hit, file name, place) for the attachments' text."""
    for key, path in files:
        line, column = document.at(key)
        for part in text_parts(path, context.root):
            for hit in find_numbers(part.text):
                yield line, column, hit, path.name, part.place


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
    files = (
        (("bilagor", index, "fil"), path)
        for index, path in enumerate(case.attachment_files)
        if path is not None
    )
    for line, column, hit, name, place in _attachment_hits(context, document, files):
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
