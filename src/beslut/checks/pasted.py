"""Text pasted from Word into a Markdown body: bullet glyphs, "1)" + tab and tab-separated
tables at line starts. Markdown merges such lines into one paragraph without a word, so each run
of them is reported, with a fix that writes it as a Markdown list or pipe table when the
conversion is certain. Ragged tab rows and lists that mix glyphs (probably several levels) get
a warning that says what to do by hand.

The scan works on the raw lines of the body (a case's Markdown body or its YAML ``text``
block), skipping fenced code, so positions are the file's own lines and columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from beslut.checks.base import Context, Document
from beslut.checks.catalogue import RULES
from beslut.diagnostics import Diagnostic, Fix

_GLYPHS = "•◦▪▫●○■□‣⁃∙·"
_BULLET = re.compile(rf"^([ \t]*)(?:([{_GLYPHS}])[ \t]+|([-–—o])\t[ \t]*)(?=\S)")
_NUMBER = re.compile(r"^([ \t]*)(\d{1,3})([.)])\t[ \t]*(?=\S)")
_MARKDOWN_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)]) ")
_BY_FIX = " (beslut check --fix gör det)"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class _Line:
    number: int
    """The line's number in the file."""
    text: str
    """The line without the block's indentation (YAML block scalars) and without "\\r"."""


def _body_lines(document: Document) -> tuple[list[_Line], int, bool]:
    """Return the body's lines with their file line numbers, the block's indentation, and
    whether lines may be rewritten (a Markdown file or a literal ``text: |`` block; in a folded
    ``>`` block new line breaks would not survive)."""
    if not document.body.strip():
        return [], 0, False
    first = document.source.body_offset + 1
    indent = 0
    literal = True
    if document.source.path.suffix.lower() != ".md":
        key_line = document.file_lines[first - 2] if first >= 2 else ""
        literal = key_line.split("#", 1)[0].rstrip().endswith(("|", "|-", "|+"))
        for line in document.file_lines[first - 1 :]:
            if line.strip():
                indent = len(line) - len(line.lstrip(" "))
                break
    count = len(document.body.split("\n"))
    if document.source.path.suffix.lower() != ".md":  # to the end of the YAML block
        count = 0
        for line in document.file_lines[first - 1 :]:
            if line.strip() and len(line) - len(line.lstrip(" ")) < max(indent, 1):
                break
            count += 1
    lines = []
    for number in range(first, min(first + count, len(document.file_lines) + 1)):
        raw = document.file_lines[number - 1].rstrip("\r")
        lines.append(_Line(number, raw[indent:] if raw[:indent].strip() == "" else raw))
    return lines, indent, literal


def _kind(text: str) -> tuple[str, str, int] | None:
    """Return (kind, marker, length of the pasted prefix) of a pasted list line or table row."""
    if m := _BULLET.match(text):
        return "bullet", m.group(2) or m.group(3), m.end()
    if m := _NUMBER.match(text):
        return "number", m.group(3), m.end()
    stripped = text.lstrip(" \t")
    if _MARKDOWN_ITEM.match(stripped) or stripped.startswith(("|", "#", ">")):
        return None
    if "\t" in stripped.rstrip(" \t"):
        return "row", "", 0
    return None


def _runs(lines: list[_Line]) -> Iterator[tuple[str, list[tuple[_Line, str, int]], int]]:
    """Yield (kind, lines with marker and prefix length, index of the first line) of each run."""
    fence: str | None = None
    run: list[tuple[_Line, str, int]] = []
    kind = ""
    start = 0
    for index, line in enumerate(lines):
        found = None
        if m := _FENCE.match(line.text):
            mark = m.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
        elif fence is None:
            found = _kind(line.text)
        if found is not None and run and found[0] == kind:
            run.append((line, found[1], found[2]))
            continue
        if run:
            yield kind, run, start
        run = []
        if found is not None:
            kind, start = found[0], index
            run = [(line, found[1], found[2])]
    if run:
        yield kind, run, start


def _cells(text: str) -> list[str]:
    return [c.strip(" ") for c in text.lstrip(" \t").rstrip(" ").split("\t")]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _span(run: list[tuple[_Line, str, int]]) -> str:
    first, last = run[0][0].number, run[-1][0].number
    return f"Raden {first}" if first == last else f"Raderna {first}–{last}"


def check_document(_: Context, document: Document) -> Iterator[Diagnostic]:
    """Yield a finding for every run of pasted list lines or tab-separated rows in a body."""
    if document.case is None:
        return
    lines, indent, literal = _body_lines(document)
    for kind, run, start in _runs(lines):
        if kind == "row" and len(run) < 2:
            continue  # one line with a tab is not a table
        before = lines[start - 1].text.strip() if start > 0 else ""
        after_index = start + len(run)
        after = lines[after_index].text.strip() if after_index < len(lines) else ""
        first = run[0][0]
        lead = len(first.text) - len(first.text.lstrip(" \t"))
        line, column = first.number, indent + lead + 1
        at = (line, column)
        diagnostics = (
            _table(document.rel, run, at, (before, after), indent)
            if kind == "row"
            else _list(document.rel, kind, run, at, (before, after), indent)
        )
        for item in diagnostics:
            if not literal:
                item = replace(item, fix=None, message=item.message.replace(_BY_FIX, ""))
            yield item


def _fix(
    run: list[tuple[_Line, str, int]], new: list[str], around: tuple[str, str], indent: int
) -> Fix:
    pad = " " * indent
    text = "\n".join(pad + line for line in new)
    if around[0]:
        text = "\n" + text
    if around[1]:
        text += "\n"
    last = run[-1][0]
    return Fix(run[0][0].number, 1, last.number, indent + len(last.text) + 1, text)


def _list(
    rel: str,
    kind: str,
    run: list[tuple[_Line, str, int]],
    at: tuple[int, int],
    around: tuple[str, str],
    indent: int,
) -> Iterator[Diagnostic]:
    rule = RULES["inklistrad-lista"]
    markers = list(dict.fromkeys(marker for _, marker, _ in run))
    span = _span(run)
    leads = {line.text[: len(line.text) - len(line.text.lstrip(" \t"))] for line, _, _ in run}
    if len(markers) > 1 or len(leads) > 1:
        shown = " och ".join(f"”{m}”" for m in markers)
        differ = f"olika punkttecken ({shown})" if len(markers) > 1 else "olika indrag"
        yield rule.at(
            rel,
            *at,
            f"{span} ser ut som en lista inklistrad från Word med {differ}, "
            "troligen flera nivåer, och Markdown slår ihop dem till ett stycke. beslut kan inte "
            "avgöra nivåerna: skriv varje punkt som ”- text” och en underpunkt som ”  - text” "
            "(två mellanslag in), med en tom rad före och efter listan.",
        )
        return
    if kind == "bullet":
        new = ["- " + line.text[prefix:].rstrip(" \t") for line, _, prefix in run]
        what, how = f"en punktlista inklistrad från Word (”{markers[0]}” och tabb)", "”- text”"
    else:
        new = []
        for line, _, prefix in run:
            number = line.text.lstrip(" \t").split(markers[0], 1)[0]
            new.append(f"{number}. " + line.text[prefix:].rstrip(" \t"))
        what, how = (
            f"en numrerad lista inklistrad från Word (”1{markers[0]}” och tabb)",
            "”1. text”",
        )
    yield rule.at(
        rel,
        *at,
        f"{span} är {what}; Markdown slår ihop raderna till ett stycke. Skriv varje punkt som "
        f"{how} med en tom rad före och efter listan{_BY_FIX}.",
        _fix(run, new, around, indent),
    )


def _table(
    rel: str,
    run: list[tuple[_Line, str, int]],
    at: tuple[int, int],
    around: tuple[str, str],
    indent: int,
) -> Iterator[Diagnostic]:
    rule = RULES["inklistrad-tabell"]
    rows = [_cells(line.text) for line, _, _ in run]
    counts = [len(r) for r in rows]
    span = _span(run)
    if len(set(counts)) > 1:
        shown = ", ".join(str(c) for c in counts[:-1]) + f" och {counts[-1]}"
        yield rule.at(
            rel,
            *at,
            f"{span} har tabbar mellan kolumnerna men olika många celler per rad ({shown}), så "
            "beslut kan inte göra om dem till en tabell och Markdown slår ihop dem till ett "
            "stycke. Skriv tabellen för hand med | mellan cellerna och lika många celler på varje "
            "rad, eller ta bort tabbarna om det är vanlig text.",
        )
        return
    new = [_row(rows[0]), "| " + " | ".join("---" for _ in rows[0]) + " |"]
    new += [_row(r) for r in rows[1:]]
    yield rule.at(
        rel,
        *at,
        f"{span} är en tabell med tabbar mellan kolumnerna ({counts[0]} kolumner), inklistrad från "
        "Word; Markdown slår ihop raderna till ett stycke. Skriv den som en Markdown-tabell med | "
        f"mellan cellerna och första raden som rubrikrad{_BY_FIX}.",
        _fix(run, new, around, indent),
    )
