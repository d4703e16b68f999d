"""Layout check of a produced PDF: the defects a secretary would not accept on a printed page.

:func:`layout_problems` reads the text of a PDF with its positions (pypdf's text visitor) and
returns located problems, page by page:

* ``gles-sida``: a page of a document of several pages that holds only a few lines of body
  text, or only one short closing block (a heading and a short list, such as ``Delges`` and two
  names);
* ``avbrutet-värde``: a number, amount, date, diarienummer or unit broken across two lines
  (``213 mnk`` / ``r``, ``2019-`` / ``09``, ``400`` / ``000 kr``, ``Person`` / ``al`` in a
  narrow table cell);
* ``ensam-rubrik``: a heading as the last line of a page, cut off from its text;
* ``ensam-tabellrad``: a table split so that only its sum row, or one or two of its rows
  (under the repeated header row), begin the next page.

The check is pure: it reads only the PDF it is given. The running header and footer (small
text in the top and bottom bands of the page) are not body text. It is written for the PDFs
LibreOffice makes of beslut's templates: a line that wraps at a space ends with that space (as
text or as a separate space), so a line that ends without one and continues on the next was
broken inside a word. Headings are told by their size (larger than the body text) or by being
a short line set wholly in bold at body size (the proposal's lead-in).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader

__all__ = [
    "LayoutProblem",
    "Line",
    "layout_problems",
    "page_lines",
]

SPARSE_LINES = 3
"""A page of a longer document with at most this many body lines is a sparse page."""

SHORT_BLOCK_LINES = 6
"""A page holding only a heading and at most this many short lines is a lone closing block."""

UNITS = frozenset(
    {"kr", "mnkr", "mkr", "tkr", "mdkr", "msek", "%", "‰", "st", "°C", "km", "kg", "tim", "§"}
)
"""Units (and the section sign) that must stay on the line of their number."""

_WORD_END = re.compile(r"(\S+)$")
_WORD_START = re.compile(r"^(\S+)")
_NUMBER_END = re.compile(r"(?:^|[\s(])[-−–]?\d+(?:[,.]\d+)?$")
_GROUP_END = re.compile(r"(?:^|[\s(])[-−–]?\d{1,3}$")
_GROUP_START = re.compile(r"^\d{3}(?!\d)")


@dataclass(frozen=True)
class Line:
    """One run of text on a page: the fragments on one baseline that stand next to each other.

    A table row gives one line per cell; a paragraph one per printed line.
    """

    page: int
    """1-based page number."""
    y: float
    """Baseline, in points from the bottom of the page."""
    x0: float
    x1: float
    """Left edge and (estimated) right edge, in points."""
    size: float
    """The largest font size in the run."""
    bold: bool
    """True when every visible character of the run is set in a bold font."""
    text: str
    """The text as printed; ends with a space when the line was wrapped at one."""
    running: bool = False
    """True for the running header and footer (not body text)."""

    @property
    def stripped(self) -> str:
        return self.text.strip()


@dataclass(frozen=True)
class LayoutProblem:
    """One layout defect, located by page."""

    page: int
    code: str
    """``gles-sida``, ``avbrutet-värde``, ``ensam-rubrik`` or ``ensam-tabellrad``."""
    text: str
    """The text concerned (the lines of a sparse page, the two halves of a broken value)."""
    message: str
    """What is wrong, in Swedish."""

    def format(self) -> str:
        return f"sida {self.page}: {self.message} [{self.code}]"


@dataclass
class _Fragment:
    x: float
    y: float
    size: float
    bold: bool
    text: str
    fresh: bool = False
    """True when the fragment starts a new run: pypdf reported a new line or a jump of the pen
    (a new table cell, a tab stop) right before it."""


def _reader(pdf: Path | bytes | PdfReader) -> PdfReader:
    if isinstance(pdf, PdfReader):
        return pdf
    if isinstance(pdf, bytes):
        return PdfReader(BytesIO(pdf))
    return PdfReader(str(pdf))


def _fragments(page: Any) -> list[_Fragment]:
    found: list[_Fragment] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text:
            return
        # the text matrix times the current transformation matrix (pypdf.mult, inlined)
        a = tm[0] * cm[0] + tm[1] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = max(abs(a), abs(d)) or 1.0
        name = str(font.get("/BaseFont", "")) if font else ""
        found.append(_Fragment(x, y, float(size) * scale, "Bold" in name, text))

    page.extract_text(visitor_text=visit)
    kept: list[_Fragment] = []
    fresh = True
    for index, fragment in enumerate(found):
        if "\n" in fragment.text and not fragment.text.strip():
            fresh = True
            continue
        if not fragment.text.strip():
            following = next((f for f in found[index + 1 :] if f.text.strip()), None)
            if following is not None and abs(following.x - fragment.x) < 0.05:
                # pypdf reports a jump of the pen as a space at the place the text goes on
                fresh = True
                continue
            if not kept or fresh:
                continue
        starts_line = fragment.text.startswith("\n")
        ends_line = fragment.text.endswith("\n")
        fragment.text = fragment.text.replace("\n", "")
        fragment.fresh = fresh or starts_line
        fresh = ends_line
        kept.append(fragment)
    return kept


def _width(text: str, size: float) -> float:
    """An estimate of the printed width of ``text``: half an em a character."""
    return len(text) * size * 0.5


def _runs(fragments: list[_Fragment], page: int, height: float) -> list[Line]:
    """Group fragments into lines: same baseline, and no wide gap between them."""
    by_row: dict[float, list[_Fragment]] = {}
    for fragment in fragments:
        if fragment.y == 0 and fragment.x == 0 and not fragment.text.strip():
            continue
        for y in by_row:
            if abs(y - fragment.y) < 1.0:
                by_row[y].append(fragment)
                break
        else:
            by_row[fragment.y] = [fragment]
    lines: list[Line] = []
    for y, row in sorted(by_row.items(), key=lambda item: -item[0]):
        row.sort(key=lambda f: f.x)
        groups: list[list[_Fragment]] = []
        end = float("-inf")
        for fragment in row:
            near = fragment.x - end <= 2.0 * max(fragment.size, 1.0)
            if groups and near and not fragment.fresh:
                groups[-1].append(fragment)
            else:
                groups.append([fragment])
            end = max(end, fragment.x + _width(fragment.text, fragment.size))
        for group in groups:
            lines.append(_line(group, page, y, height))
    return lines


def _line(group: list[_Fragment], page: int, y: float, height: float) -> Line:
    text = ""
    for fragment in group:
        if text and not text[-1].isspace() and not fragment.text[:1].isspace():
            # a fragment that starts further right than the text so far reaches
            previous = group[group.index(fragment) - 1]
            if fragment.x - (previous.x + _width(previous.text, previous.size)) > fragment.size:
                text += " "
        text += fragment.text
    visible = [f for f in group if f.text.strip()]
    size = max(f.size for f in visible)
    bold = all(f.bold for f in visible)
    x0 = group[0].x
    x1 = max(f.x + _width(f.text.rstrip(), f.size) for f in group)
    small = size < 9.5
    running = (
        y > 0.9 * height or y < 0.08 * height or (small and (y > 0.8 * height or y < 0.15 * height))
    )
    return Line(page, round(y, 2), round(x0, 2), round(x1, 2), size, bold, text, running)


def page_lines(pdf: Path | bytes | PdfReader) -> list[list[Line]]:
    """Every page's lines, top to bottom and left to right."""
    reader = _reader(pdf)
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        height = float(page.mediabox.height)
        pages.append(_runs(_fragments(page), number, height))
    return pages


def _body_size(pages: Iterable[list[Line]]) -> float:
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            if not line.running:
                sizes[round(line.size)] += len(line.stripped)
    return float(sizes.most_common(1)[0][0]) if sizes else 11.0


def _is_heading(line: Line, body: float, row: list[Line]) -> bool:
    if line.size >= body * 1.08 and len(line.stripped) >= 2:
        return True
    # a short line set wholly in bold at body size, alone on its baseline (not a table row)
    return line.bold and line.size >= body * 0.95 and len(row) == 1 and len(line.stripped) <= 60


def _continuation(line: Line, lines: list[Line]) -> Line | None:
    """The line printed right below ``line`` in the same column (its next line), if any."""
    candidates = [
        other
        for other in lines
        if 0.5 * line.size <= line.y - other.y <= 1.45 * line.size
        and min(line.x1, other.x1) - max(line.x0, other.x0) >= -2.0
    ]
    if not candidates:
        return None
    top = max(other.y for other in candidates)
    nearest = [other for other in candidates if other.y == top]
    return max(nearest, key=lambda other: min(line.x1, other.x1) - max(line.x0, other.x0))


def _broken(first: Line, second: Line) -> str | None:
    """Why the end of ``first`` and the start of ``second`` are one value broken in two."""
    wrapped_at_space = first.text[-1:].isspace() and first.text[-1:] != "\u00a0"
    head = first.text.rstrip(" \t") if wrapped_at_space else first.text
    tail = second.stripped
    end = _WORD_END.search(head.replace("\u00a0", " "))
    start = _WORD_START.search(tail.replace("\u00a0", " "))
    if end is None or start is None:
        return None
    last, first_word = end.group(1), start.group(1)
    head_plain = head.replace("\u00a0", " ").rstrip()
    unit = first_word.rstrip(".,;:)")
    if _NUMBER_END.search(head_plain) and unit in UNITS:
        return "ett tal skilt från sin enhet"
    if last == "§" and first_word[:1].isdigit():
        return "paragraftecknet skilt från sitt nummer"
    if _GROUP_END.search(head_plain) and _GROUP_START.match(tail):
        return "ett tal delat mellan siffergrupperna"
    if wrapped_at_space:
        return None
    if head.endswith("\u00a0"):
        return "en rad bruten vid ett hårt mellanslag"
    if re.search(r"\d[-/]$", head) and re.match(r"[0-9A-ZÅÄÖ]", tail):
        return "ett datum eller diarienummer brutet"
    if re.search(r"[/]$", head) and tail[:1].isdigit():
        return "ett diarienummer brutet"
    if (last + unit) in UNITS:
        return "en enhet bruten mitt i"
    if re.search(r"\d$", head) and re.match(r"[-/–]\d", tail):
        return "ett datum eller diarienummer brutet"
    if " " in head.strip():
        # LibreOffice breaks inside a word only when the word alone is wider than the line
        return None
    if re.search(r"[^\W\d_]$", head) and re.match(r"[a-zåäöü]", tail):
        return "ett ord brutet mitt i"
    if re.search(r"\w$", head) and re.match(r"\d", tail) and not re.match(r"\d+[.)]\s", tail):
        return "ett tal eller diarienummer brutet mitt i"
    return None


def layout_problems(
    pdf: Path | bytes | PdfReader,
    *,
    sparse_lines: int = SPARSE_LINES,
    check_sparse: bool = True,
) -> tuple[LayoutProblem, ...]:
    """Return the layout defects of a PDF, by page (see the module docstring).

    ``check_sparse`` off leaves out sparse pages, for PDFs whose pages are not all beslut's
    (a packet's attachments).
    """
    pages = page_lines(pdf)
    body_size = _body_size(pages)
    every = [line for lines in pages for line in lines if not line.running]
    width = (min(ln.x0 for ln in every), max(ln.x1 for ln in every)) if every else (0.0, 1.0)
    problems: list[LayoutProblem] = []
    for index, lines in enumerate(pages):
        number = index + 1
        body = [line for line in lines if not line.running]
        rows: dict[float, list[Line]] = {}
        for line in body:
            rows.setdefault(line.y, []).append(line)
        for line in body:
            below = _continuation(line, body)
            if below is None:
                continue
            why = _broken(line, below)
            if why:
                text = f"{line.stripped[-30:]} / {below.stripped[:30]}"
                problems.append(LayoutProblem(number, "avbrutet-värde", text, f"{why}: ”{text}”."))
        if check_sparse and len(pages) > 1 and body:
            problem = _sparse(number, rows, body_size, sparse_lines, width)
            if problem:
                problems.append(problem)
        if body and number < len(pages):
            last_y = min(line.y for line in body)
            last = [line for line in body if line.y == last_y]
            if len(last) == 1 and _is_heading(last[0], body_size, last):
                problems.append(
                    LayoutProblem(
                        number,
                        "ensam-rubrik",
                        last[0].stripped,
                        f"rubriken ”{last[0].stripped}” står sist på sidan, skild från sin text.",
                    )
                )
        if index and body:
            problem = _lone_table_row(number, body, pages[index - 1])
            if problem:
                problems.append(problem)
    return tuple(problems)


def _table_rows(lines: list[Line]) -> list[str]:
    """The table rows a page begins with, as text, each with its cells' wrapped lines.

    A row is a baseline holding several runs (cells); lines right below a row, closer than a
    row apart, are its cells' next lines.
    """
    by_y: dict[float, list[Line]] = {}
    for line in lines:
        by_y.setdefault(line.y, []).append(line)
    rows: list[list[Line]] = []
    previous: Line | None = None
    for y in sorted(by_y, reverse=True):
        row = sorted(by_y[y], key=lambda line: line.x0)
        size = max(line.size for line in row)
        if rows and previous is not None and previous.y - y <= 1.45 * size:
            rows[-1].extend(row)  # a cell's next line
        elif len(row) >= 2:
            rows.append(list(row))
        else:
            break
        previous = row[0]
    return [" ".join(line.stripped for line in row) for row in rows]


_TOTAL = re.compile(r"(summa|totalt|total|s:a)\b", re.IGNORECASE)


def _lone_table_row(number: int, body: list[Line], before: list[Line]) -> LayoutProblem | None:
    """A table split so that only its sum row, or one or two rows, begin the next page."""
    rows = _table_rows(body)
    continued = bool(rows) and rows[0] in _header_rows(before)
    if continued:
        rows = rows[1:]  # the repeated header row
    lone_total = len(rows) == 1 and _TOTAL.match(rows[0]) is not None
    if not rows or not (lone_total or (continued and len(rows) <= 2)):
        return None
    text = " | ".join(rows)
    what = "tabellens summarad" if lone_total else f"{len(rows)} rad(er) av en tabell"
    return LayoutProblem(
        number,
        "ensam-tabellrad",
        text,
        f"{what} står ensam överst på sidan, skild från resten av tabellen: ”{text}”.",
    )


def _header_rows(lines: list[Line]) -> list[str]:
    """The text of every multi-cell baseline of a page (where a repeated header comes from)."""
    by_y: dict[float, list[Line]] = {}
    for line in lines:
        by_y.setdefault(line.y, []).append(line)
    return [
        " ".join(line.stripped for line in sorted(row, key=lambda ln: ln.x0))
        for row in by_y.values()
        if len(row) >= 2
    ]


def _sparse(
    number: int,
    rows: dict[float, list[Line]],
    body_size: float,
    limit: int,
    width: tuple[float, float],
) -> LayoutProblem | None:
    count = len(rows)
    text = " | ".join(" ".join(line.stripped for line in rows[y]) for y in rows)
    if count <= limit:
        return LayoutProblem(
            number, "gles-sida", text, f"sidan har bara {count} rad(er) text: ”{text}”."
        )
    left, right = width
    first = rows[max(rows)]
    short = all(
        max(line.x1 for line in row) - left < 0.55 * (right - left)
        or _is_heading(row[0], body_size, row)
        for row in rows.values()
    )
    if count <= limit + SHORT_BLOCK_LINES and short and _is_heading(first[0], body_size, first):
        return LayoutProblem(
            number,
            "gles-sida",
            text,
            f"sidan har bara ett kort avsnitt ({count} korta rader): ”{text}”.",
        )
    return None
