"""Prose with positions: the text a reader sees, cut into blocks that remember where every
character stands in the source file.

Content checks look at prose only. Code, link targets, URLs, footnote labels, HTML and
structured-table fences are masked: their characters are replaced by :data:`MASK`, so every
column still points at the right place in the file and no rule matches inside them.

A block is a paragraph, heading, list item, table cell or YAML string. It is made of spans, one
per source line. A span is *fixable* when its text is exactly what the file holds at that
position, so a replacement can be written back without touching anything else.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from beslut.diagnostics import Fix
from beslut.load.yamlpos import PathKey
from beslut.model.markdown import parse_body

MASK = "\ue000"
"""Replaces characters that are not prose (code, URLs, markup)."""

# Keys whose string values are identifiers, paths, settings or contact data, not prose.
NOT_PROSE_KEYS: frozenset[str] = frozenset(
    {
        "$schema",
        "typ",
        "diarienummer",
        "instans",
        "datum",
        "fil",
        "id",
        "e-post",
        "telefon",
        "webbplats",
        "stil",
        "skiljetecken",
        "delges_rubrik",
        "enhet",
        "lagrum",
        "tid",
        "utskicksdatum",
        "regel",
        "skäl",
        "text",  # the Markdown body of a YAML case is read as Markdown, not as one string
        "efterskrift",  # Markdown too: see Document.postscript_blocks
        "källor",
    }
)


@dataclass(frozen=True)
class Span:
    """A piece of one source line."""

    line: int
    column: int
    text: str
    fixable: bool


@dataclass(frozen=True)
class Block:
    """A unit of prose: kind is ``rubrik``, ``stycke``, ``listpunkt``, ``tabellcell``,
    ``fotnot`` or ``fält`` (a YAML string)."""

    kind: str
    spans: tuple[Span, ...]
    section: str | None = None
    """The ``##`` section the block is in (None before the first one and for YAML fields)."""
    path: PathKey = ()
    """For YAML strings: the key path of the value."""

    @cached_property
    def text(self) -> str:
        """The block's text, source lines joined with a newline."""
        return "\n".join(s.text for s in self.spans)

    @cached_property
    def _ends(self) -> tuple[list[int], list[int]]:
        """Return where each span starts and ends in :attr:`text` (spans joined by newlines)."""
        starts, ends = [], []
        start = 0
        for span in self.spans:
            starts.append(start)
            ends.append(start + len(span.text))
            start += len(span.text) + 1
        return starts, ends

    def _locate(self, offset: int) -> tuple[int, int]:
        """Return (span index, offset inside the span) for an offset into :attr:`text`: the
        first span that ends at or after it (its end included), found by bisection, so a
        block of many lines with many findings is not walked once per finding; past the last
        span, the last span's end."""
        starts, ends = self._ends
        index = bisect_left(ends, offset)
        if index == len(ends):
            last = len(self.spans) - 1
            return last, len(self.spans[last].text)
        return index, offset - starts[index]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the file (line, column) of an offset into :attr:`text`."""
        index, inner = self._locate(offset)
        span = self.spans[index]
        return span.line, span.column + inner

    def fix(self, start: int, end: int, replacement: str) -> Fix | None:
        """Return a fix replacing ``text[start:end]``, or None if it cannot be written back
        safely (the range crosses a line or the span does not match the file)."""
        first, inner_start = self._locate(start)
        last, inner_end = self._locate(end)
        span = self.spans[first]
        if first != last or not span.fixable:
            return None
        if MASK in span.text[inner_start:inner_end]:
            return None
        return Fix(
            span.line,
            span.column + inner_start,
            span.line,
            span.column + inner_end,
            replacement,
        )


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


# Inline constructs that are not prose, masked in place.
_INLINE_MASKS = (
    re.compile(r"(`+)(?:(?!\1).)+?\1"),  # code spans
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # link and image targets: ](url "title")
    re.compile(r"\{\s*bredd\s*=[^}]*\}"),  # an image's width: ](bild.png){bredd=60%}
    re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]*:[^>\s]*>"),  # autolinks
    re.compile(r"<[^>\s@]+@[^>\s]+>"),  # e-mail autolinks
    re.compile(r"</?[A-Za-z][^>]*>|<!--.*?-->"),  # inline HTML and comments
    re.compile(r"\bhttps?://\S+|\bwww\.\S+\.\S+"),  # bare URLs
    # e-mail addresses; each part starts where its run of characters starts, so that a long
    # line without an address is scanned once (\S+@\S+ took seconds on a 40 000-character line)
    re.compile(r"(?<![\w.%+-])[\w.%+-]+@[^\s@]+\.\w+"),
    re.compile(r"\[\^[^\]]+\]:?"),  # footnote references and labels
    re.compile(r"\\[\\`*_{}\[\]()#+\-.!|]"),  # backslash escapes
    re.compile(r"^\s*(?:#{1,6}\s+|>\s*|(?:[-*+]|\d{1,9}[.)])\s+)+"),  # block markers
    re.compile(r"\\sidbrytning\b"),  # beslut's own page-break command
)


_MASK_NEEDS: tuple[tuple[str, ...], ...] = (
    ("`",),
    ("](",),
    ("bredd",),
    ("<",),
    ("<",),
    ("<",),
    ("http", "www."),
    ("@",),
    ("[^",),
    ("\\",),
    (),  # block markers: anchored at the start, so cheap; always tried
    ("\\sidbrytning",),
)
"""For each pattern of :data:`_INLINE_MASKS`, strings of which a match must contain one (empty:
always try the pattern). A line holding none of them cannot match, so the pattern is skipped:
most lines have no code, link, URL or escape, and twelve substitutions per line were a third
of cutting a body into blocks."""


def _mask(match: re.Match[str]) -> str:
    return MASK * len(match.group(0))


@lru_cache(maxsize=256)
def mask_inline(text: str) -> str:
    """Return ``text`` with non-prose inline parts replaced by :data:`MASK` (same length).

    Cached: every span of a line masks the whole line, and a line with thousands of links or
    table cells would otherwise be masked thousands of times (minutes for one long line).
    """
    for pattern, needs in zip(_INLINE_MASKS, _MASK_NEEDS, strict=True):
        if not needs or any(need in text for need in needs):
            text = pattern.sub(_mask, text)
    return text


@dataclass
class _Lines:
    """Body lines and where each one stands in the file."""

    body: list[str]
    file: list[str]
    first_line: int  # file line number of body line 0
    indent: int  # columns the body is indented by in the file (YAML block scalars)

    def span(self, index: int, start: int, end: int) -> Span | None:
        """Return the span of body line ``index`` from ``start`` to ``end`` (body columns)."""
        if not 0 <= index < len(self.body):
            return None
        line = self.body[index]
        text = mask_inline(line)[start:end]
        file_index = self.first_line - 1 + index
        raw = self.file[file_index] if 0 <= file_index < len(self.file) else None
        fixable = raw is not None and raw[self.indent :] == line
        return Span(self.first_line + index, self.indent + start + 1, text, fixable)


def _block_markers_end(line: str) -> int:
    """Return the column where a line's text starts after quote, list and heading markers."""
    match = _INLINE_MASKS[-2].match(line)
    return match.end() if match else len(line) - len(line.lstrip())


_CONTAINERS = frozenset({"heading_open", "list_item_open", "td_open", "th_open", "footnote_open"})


def markdown_blocks(
    body: str, file_lines: list[str], first_line: int, indent: int = 0
) -> list[Block]:
    """Cut a Markdown body into prose blocks located in the file.

    ``first_line`` is the file line number of the body's first line and ``indent`` the number
    of columns the body is indented by in the file (for a YAML ``text: |`` block).
    """
    lines = _Lines(body.split("\n"), file_lines, first_line, indent)
    tokens = parse_body(body).tokens  # the outline's parse, when validation just made it
    blocks: list[Block] = []
    section: str | None = None
    kinds: list[str] = []
    for index, token in enumerate(tokens):
        if token.type in ("heading_open",):
            kinds.append("rubrik")
        elif token.type == "list_item_open":
            kinds.append("listpunkt")
        elif token.type in ("td_open", "th_open"):
            kinds.append("tabellcell")
        elif token.type == "footnote_open":
            kinds.append("fotnot")
        elif kinds and token.type.replace("_close", "_open") in _CONTAINERS:
            kinds.pop()
        if token.type != "inline" or token.map is None:
            continue
        kind = kinds[-1] if kinds else "stycke"
        if kind == "rubrik" and tokens[index - 1].tag == "h2" and tokens[index - 1].level == 0:
            section = token.content.strip()
        spans = _inline_spans(token.content, token.map, lines, cell=kind == "tabellcell")
        if spans:
            blocks.append(Block(kind, tuple(spans), section))
    return blocks


def _inline_spans(content: str, line_map: list[int], lines: _Lines, *, cell: bool) -> list[Span]:
    """Locate each line of an inline token's content in the body lines."""
    spans: list[Span] = []
    cursor: dict[int, int] = {}
    for offset, part in enumerate(content.split("\n")):
        index = line_map[0] + offset
        if index >= line_map[1] or index >= len(lines.body):
            break
        raw = lines.body[index]
        stripped = part.strip()
        if not stripped:
            continue
        start_from = cursor.get(index, 0 if cell else _block_markers_end(raw))
        column = raw.find(stripped, start_from)
        if column < 0:
            column = raw.find(stripped)
        if column < 0:
            continue
        cursor[index] = column + len(stripped)
        span = lines.span(index, column, column + len(stripped))
        if span is not None:
            spans.append(span)
    return spans


# ---------------------------------------------------------------------------------------------
# YAML strings
# ---------------------------------------------------------------------------------------------


def yaml_strings(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Yield (key path, value) for every string value in parsed YAML data."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from yaml_strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from yaml_strings(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def is_prose_path(path: PathKey) -> bool:
    """Return True for strings a reader sees as text (not identifiers, paths or settings)."""
    keys = [p for p in path if isinstance(p, str)]
    return bool(keys) and not any(k in NOT_PROSE_KEYS for k in keys)


def string_block(value: str, line: int, column: int, file_lines: list[str], path: PathKey) -> Block:
    """Return a block for a YAML string value whose value starts at (line, column).

    The block is fixable when the file holds the value verbatim on one line, plain or quoted
    without escapes; otherwise it is located at the value's start and not fixable.
    """
    raw = file_lines[line - 1] if 0 < line <= len(file_lines) else ""
    rest = raw[column - 1 :]
    text = mask_inline(value)
    if "\n" not in value:
        if rest.startswith(value):
            return Block("fält", (Span(line, column, text, True),), path=path)
        if rest[:1] in ("'", '"') and rest[1:].startswith(value):
            quote = rest[0]
            tail = rest[1 + len(value) :]
            escapes = "\\" in value if quote == '"' else "'" in value
            if tail.startswith(quote) and not escapes:
                return Block("fält", (Span(line, column + 1, text, True),), path=path)
    return Block("fält", (Span(line, column, text.replace("\n", " "), False),), path=path)


def yaml_blocks(data: Any, positions: Any, file_lines: list[str]) -> list[Block]:
    """Return a block for every prose string in parsed YAML data (see :data:`NOT_PROSE_KEYS`)."""
    blocks = []
    for path, value in yaml_strings(data):
        if not is_prose_path(path) or not value.strip():
            continue
        pos = positions.find(path)
        blocks.append(string_block(value, pos.line, pos.column, file_lines, path))
    return blocks


def all_string_blocks(data: Any, positions: Any, file_lines: list[str]) -> list[Block]:
    """Return a block for every string in the data, identifiers and contact data included."""
    blocks = []
    for path, value in yaml_strings(data):
        if path[-1:] == ("text",) or not value.strip():
            continue
        pos = positions.find(path)
        blocks.append(string_block(value, pos.line, pos.column, file_lines, path))
    return blocks
