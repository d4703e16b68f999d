"""Diagnostics next to the field they concern: from file:line:column to a form field.

A form names its fields by their key path in the file, joined with dots: ``rubrik``,
``handläggare.e-post``, ``förslag.block.0.beslutspunkter.1`` (list items by their 0-based
index). Lines in a case's Markdown body map to ``brödtext``, or ``brödtext:<rubrik>`` under the
nearest heading above. The positions come from :mod:`beslut.load.yamlpos`, the same map the
validator uses to place its diagnostics, so a diagnostic lands on exactly the key or value it
was reported at.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from beslut.diagnostics import Diagnostic
from beslut.load.yamlpos import Located, PathKey, Pos, YamlSyntaxError
from beslut.load.yamlpos import load as load_positions
from beslut.web.files import CaseSource, YamlSource

__all__ = ["BODY", "WHOLE_FILE", "field_for", "field_name", "fields_with_diagnostics"]

BODY = "brödtext"
"""The field of a case's Markdown body; ``brödtext:<rubrik>`` for a line under a heading."""
WHOLE_FILE = ""
"""The key :func:`fields_with_diagnostics` uses for diagnostics that concern no one field."""

_MISSING_CODE = "saknas"
_QUOTED = re.compile(r"”([^”]+)”")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def field_name(path: PathKey) -> str:
    """Return the dotted field name of a key path (``("förslag", "beslutspunkter", 1)``)."""
    return ".".join(str(part) for part in path)


def _yaml_text(source: CaseSource | YamlSource) -> tuple[str, int]:
    """The YAML part of a source and the number of file lines before it."""
    if isinstance(source, YamlSource):
        return source.text, source.line_offset
    lines = source.text.split("\n")
    front = "".join(line + "\n" for line in lines[source.front_offset : source.body_offset - 1])
    return front, source.front_offset


_POSITIONS: dict[tuple[str, str], tuple[Any, dict[PathKey, Located]]] = {}
"""(file, version) → its plain data and position map: a page maps many diagnostics of the same
file, and parsing a long front matter takes a while. Bounded; cleared when full."""
_POSITIONS_LIMIT = 64


def _positions(source: CaseSource | YamlSource) -> tuple[Any, dict[PathKey, Located]]:
    """The plain data of a source's YAML and its position map (empty if it cannot be read)."""
    key = (source.rel, source.version)
    found = _POSITIONS.get(key)
    if found is not None:
        return found
    text, offset = _yaml_text(source)
    try:
        data, positions = load_positions(text, line_offset=offset)
        found = data, positions.entries
    except YamlSyntaxError:
        found = None, {}
    if len(_POSITIONS) >= _POSITIONS_LIMIT:
        _POSITIONS.clear()
    _POSITIONS[key] = found
    return found


def _value_at(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _body_field(source: CaseSource, line: int) -> str:
    """``brödtext`` or ``brödtext:<heading>`` for a 1-based file line in the body.

    Only ATX headings (``## Rubrik``), which is how case bodies are written; headings inside
    fenced code blocks are skipped. A regular expression suffices: the nearest heading above a
    line is all that is needed, not a parse of the whole body.
    """
    heading = None
    fenced = None
    for text in source.body.split("\n")[: max(line - source.body_offset, 0)]:
        fence = _FENCE.match(text)
        if fence:
            fenced = None if fenced == fence.group(1) else fenced or fence.group(1)
            continue
        if fenced:
            continue
        match = _HEADING.match(text)
        if match and (match.group(2) or "").strip():
            heading = (match.group(2) or "").strip()
    return f"{BODY}:{heading}" if heading else BODY


def _at(pos: Pos) -> tuple[int, int]:
    return pos.line, pos.column


def _located_path(entries: dict[PathKey, Located], line: int, column: int) -> PathKey | None:
    """The key path a position belongs to: a value starting there, else a key starting there,
    else the last key or item that starts before it (a position inside a long value)."""
    point = (line, column)
    for want_value in (True, False):
        exact = [
            path
            for path, located in entries.items()
            if _at(located.value if want_value else located.key) == point
        ]
        if exact:
            return max(exact, key=len)
    best: PathKey | None = None
    best_start = (0, 0)
    for path, located in entries.items():
        start = (located.key.line, located.key.column)
        if start <= point and (
            best is None or start > best_start or (start == best_start and len(path) > len(best))
        ):
            best, best_start = path, start
    return best


def field_for(diagnostic: Diagnostic, source: CaseSource | YamlSource) -> str | None:
    """Return the form field a diagnostic concerns, or None (another file, or the file as a
    whole: its first line, a fence, a syntax error)."""
    same_file = unicodedata.normalize("NFC", diagnostic.path) == unicodedata.normalize(
        "NFC", source.rel
    )
    if not same_file:
        return None
    if isinstance(source, CaseSource) and diagnostic.line > source.body_offset:
        return _body_field(source, diagnostic.line)
    data, entries = _positions(source)
    if diagnostic.code == _MISSING_CODE:
        # A missing key is reported at the group it is missing from (its key or the start of
        # its value; the top level at the file's first line): name the missing key itself.
        quoted = _QUOTED.search(diagnostic.message)
        if quoted:
            point = (diagnostic.line, diagnostic.column)
            groups = [
                path
                for path, located in entries.items()
                if point in (_at(located.key), _at(located.value))
                and isinstance(_value_at(data, path), dict)
            ]
            base = max(groups, key=len) if groups else ()
            return field_name((*base, quoted.group(1)))
    if isinstance(source, CaseSource) and diagnostic.line <= source.front_offset:
        return None  # the opening ---: the front matter as a whole
    path = _located_path(entries, diagnostic.line, diagnostic.column)
    return None if path is None else field_name(path)


def fields_with_diagnostics(
    diagnostics: Iterable[Diagnostic], source: CaseSource | YamlSource
) -> dict[str, list[Diagnostic]]:
    """Group a file's diagnostics by field; those about the whole file under ``WHOLE_FILE``.

    Diagnostics of other files are left out; each list keeps the order given.
    """
    grouped: dict[str, list[Diagnostic]] = {}
    rel = unicodedata.normalize("NFC", source.rel)
    for diagnostic in diagnostics:
        if unicodedata.normalize("NFC", diagnostic.path) != rel:
            continue
        field = field_for(diagnostic, source)
        grouped.setdefault(WHOLE_FILE if field is None else field, []).append(diagnostic)
    return grouped
