"""The outline of a Markdown body: its ## sections, structured-table references and figures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.token import Token

from beslut.model.markdown import TOO_DEEP, parse

FIGURE_WIDTH = re.compile(r"^\{\s*bredd\s*=\s*([^}]*?)\s*\}")
"""A width written right after an image: ``{bredd=60%}`` or ``{bredd=8 cm}``."""

_WIDTH_VALUE = re.compile(r"^(\d{1,3}(?:[.,]\d{1,2})?)\s*(%|cm)$")


@dataclass(frozen=True)
class FigureRef:
    """An image in the body: ``![alt](src "caption"){bredd=60%}``, at a 1-based file position.

    ``width`` is (number, "%" or "cm") or None for the full text width; ``width_text`` is what
    was written between ``bredd=`` and ``}`` (None without a width), so a bad value is reported.
    """

    src: str
    alt: str
    caption: str
    width: tuple[float, str] | None
    width_text: str | None
    line: int
    column: int


@dataclass(frozen=True)
class BodyOutline:
    """Sections (heading, file line) and table references (id, file line) of a body."""

    sections: tuple[tuple[str, int], ...]
    table_refs: tuple[tuple[str, int], ...]
    figures: tuple[FigureRef, ...] = ()
    too_deep: tuple[int, int] | None = None
    """(file line, column) of the first block nested deeper than the parser reads, whose text
    would be lost (see :mod:`beslut.model.markdown`); None when nothing is lost."""


def normal_heading(heading: str) -> str:
    """Return a heading without its number ("2.1 ") and case, for comparing section names."""
    return re.sub(r"^\d+(\.\d+)*\.?\s+", "", heading).strip().casefold()


def figure_width(text: str) -> tuple[float, str] | None:
    """Return (number, unit) for ``60%``, ``60 %``, ``8 cm`` or ``8,5cm``; None when invalid
    (a percentage over 100 or zero, a length over 30 cm)."""
    match = _WIDTH_VALUE.match(text.strip().replace("\u00a0", " "))
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    unit = match.group(2)
    if value <= 0 or (unit == "%" and value > 100) or (unit == "cm" and value > 30):
        return None
    return value, unit


def figure_refs(
    children: Sequence[Token] | None, lines: Sequence[str], line0: int
) -> list[tuple[int, FigureRef]]:
    """Return (index of the image token, reference) for the images among inline ``children``;
    positions are 0-based lines in ``lines`` (the caller adds its offset) and 1-based columns."""
    found: list[tuple[int, FigureRef]] = []
    line, col = line0, 0
    items = list(children or ())
    for index, child in enumerate(items):
        if child.type in ("softbreak", "hardbreak"):
            line, col = line + 1, 0
            continue
        if child.type != "image":
            continue
        text = lines[line] if 0 <= line < len(lines) else ""
        at = text.find("![", col)
        if at >= 0:
            col = at + 2
        alt = "".join(c.content for c in child.children or () if c.type in ("text", "code_inline"))
        width_text = None
        following = items[index + 1] if index + 1 < len(items) else None
        if following is not None and following.type == "text":
            match = FIGURE_WIDTH.match(following.content)
            if match:
                width_text = match.group(1)
        found.append(
            (
                index,
                FigureRef(
                    src=unquote(str(child.attrGet("src") or "")),
                    alt=alt.strip(),
                    caption=str(child.attrGet("title") or "").strip(),
                    width=figure_width(width_text) if width_text is not None else None,
                    width_text=width_text,
                    line=line,
                    column=max(at, 0) + 1,
                ),
            )
        )
    return found


def outline(text: str, line_offset: int = 0) -> BodyOutline:
    """Return the ## headings, ```tabell id``` fences and images of a body, with 1-based file
    lines."""
    tokens, env = parse(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections: list[tuple[str, int]] = []
    refs: list[tuple[str, int]] = []
    figures: list[FigureRef] = []
    for index, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + 1 + line_offset
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            # Top level only: a "## …" inside a quote or list is not a section.
            text = "".join(
                child.content
                for child in tokens[index + 1].children or []
                if child.type in ("text", "code_inline")
            )
            sections.append((text.strip(), line))
        elif token.type == "fence":
            parts = token.info.split()
            if len(parts) == 2 and parts[0] == "tabell":
                refs.append((parts[1], line))
        elif token.type == "inline" and token.children:
            line0 = token.map[0] if token.map else 0
            for _, ref in figure_refs(token.children, lines, line0):
                figures.append(
                    FigureRef(
                        ref.src,
                        ref.alt,
                        ref.caption,
                        ref.width,
                        ref.width_text,
                        ref.line + 1 + line_offset,
                        ref.column,
                    )
                )
    too_deep = None
    if TOO_DEEP in env:
        deep = env[TOO_DEEP]
        line_text = lines[deep] if deep < len(lines) else ""
        too_deep = (deep + 1 + line_offset, len(line_text) - len(line_text.lstrip()) + 1)
    return BodyOutline(tuple(sections), tuple(refs), tuple(figures), too_deep)
