"""Line-aware YAML loading with ruamel.yaml.

Returns plain Python data plus a map from key path to the (line, column) of each key and value,
so validation errors can point at the exact place in the file, also inside Markdown front matter
(``line_offset`` is added to every line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column in a file."""

    line: int
    column: int


@dataclass(frozen=True)
class Located:
    """Where a key and its value start."""

    key: Pos
    value: Pos


@dataclass
class PositionMap:
    """Key path → position of the key and of its value. ``()`` is the document itself."""

    root: Pos
    entries: dict[PathKey, Located] = field(default_factory=dict)

    def find(self, path: PathKey, *, want_key: bool = False) -> Pos:
        """Return the position of the longest existing prefix of ``path``."""
        for end in range(len(path), 0, -1):
            found = self.entries.get(tuple(path[:end]))
            if found is not None:
                if end == len(path):
                    return found.key if want_key else found.value
                return found.key
        return self.root


class YamlSyntaxError(Exception):
    """A YAML text could not be parsed; carries a Swedish explanation and its position."""

    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _Constructor(RoundTripConstructor):
    """Keeps timestamps as text so that impossible dates reach validation, not a crash."""


def _timestamp_as_text(constructor: Any, node: Any) -> str:
    return str(constructor.construct_scalar(node))


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

# ruamel's English problem texts → Swedish explanations (first match wins).
_PROBLEMS: tuple[tuple[str, str], ...] = (
    (
        "found duplicate key",
        "samma nyckel förekommer två gånger i samma grupp. Ta bort eller byt namn på den ena.",
    ),
    (
        "mapping values are not allowed",
        "ett kolon står på fel ställe. Sätt värdet inom citattecken om det innehåller ”: ”.",
    ),
    ("could not find expected ':'", "ett kolon saknas efter nyckeln (skriv nyckel: värde)."),
    ("found character '\\t'", "tabbtecken är inte tillåtet; använd mellanslag för indrag."),
    ("expected <block end>", "indraget stämmer inte med raderna ovanför."),
    (
        "expected <document start>",
        "texten kan inte tolkas som nycklar med värden; kontrollera indraget.",
    ),
    ("found unexpected end of stream", "ett citattecken avslutas aldrig."),
    ("unexpected end of stream", "ett citattecken avslutas aldrig."),
    ("expected ',' or ']'", "en lista inom [ ] avslutas aldrig med ]."),
    ("expected ',' or '}'", "en grupp inom { } avslutas aldrig med }."),
    ("expected the node content", "ett värde saknas."),
    ("found undefined alias", "en hänvisning med * pekar på ett ankare (&) som inte finns."),
    ("found character", "ett tecken kan inte inleda ett värde här; sätt värdet inom citattecken."),
    ("did not find expected key", "en nyckel saknas eller indraget är fel."),
    ("did not find expected", "indraget eller skiljetecknen stämmer inte."),
)


def _swedish_problem(exc: MarkedYAMLError) -> str:
    text = f"{exc.problem or ''} {exc.context or ''}"
    for needle, swedish in _PROBLEMS:
        if needle in text:
            return swedish
    return "texten kunde inte tolkas här. Kontrollera indrag, kolon och citattecken."


MAX_CHARACTERS = 1_000_000
MAX_DEPTH = 40
MAX_VALUES = 20_000
"""Limits that stop hostile YAML (alias bombs, deep nesting) before it costs time or memory."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain(node: Any, path: PathKey, positions: PositionMap, offset: int) -> Any:
    if len(path) > MAX_DEPTH or len(positions.entries) > MAX_VALUES:
        where = positions.entries.get(path)
        raise YamlSyntaxError(
            f"Filen är för djupt nästlad eller har för många värden (högst {MAX_DEPTH} nivåer "
            f"och {MAX_VALUES} värden, alias inräknade). Skriv ut värdena utan & och *.",
            where.value if where else positions.root,
        )
    if isinstance(node, CommentedMap):
        result: dict[str, Any] = {}
        for key in node:
            child = (*path, str(key))
            kl, kc = node.lc.key(key)
            vl, vc = node.lc.value(key)
            positions.entries[child] = Located(
                Pos(kl + 1 + offset, kc + 1), Pos(vl + 1 + offset, vc + 1)
            )
            result[str(key)] = _plain(node[key], child, positions, offset)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, item in enumerate(node):
            child = (*path, index)
            il, ic = node.lc.item(index)
            pos = Pos(il + 1 + offset, ic + 1)
            positions.entries[child] = Located(pos, pos)
            items.append(_plain(item, child, positions, offset))
        return items
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def load(text: str, *, line_offset: int = 0) -> tuple[Any, PositionMap]:
    """Parse YAML text; return plain data and the position map (lines shifted by offset)."""
    if len(text) > MAX_CHARACTERS:
        raise YamlSyntaxError(
            f"Filen är för stor ({len(text)} tecken; högst {MAX_CHARACTERS}). Dela upp den "
            "eller lägg stora texter i bilagor.",
            Pos(1 + line_offset, 1),
        )
    control = _CONTROL.search(text)
    if control is not None:
        row = text.count("\n", 0, control.start()) + 1
        column = control.start() - (text.rfind("\n", 0, control.start()) + 1) + 1
        raise YamlSyntaxError(
            f"Osynligt styrtecken U+{ord(control.group()):04X} (ofta inklistrat från Word). "
            "Ta bort tecknet.",
            Pos(row + line_offset, column),
        )
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise YamlSyntaxError(
                "Tabbtecken används för indrag; YAML kräver mellanslag. Byt tabben mot mellanslag.",
                Pos(number + line_offset, indent.index("\t") + 1),
            )
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1 + line_offset, mark.column + 1) if mark else Pos(1 + line_offset, 1)
        raise YamlSyntaxError(f"YAML-syntaxfel: {_swedish_problem(exc)}", pos) from None
    except (YAMLError, RecursionError):
        raise YamlSyntaxError(
            "YAML-syntaxfel: filen kunde inte tolkas (för djupt nästlad eller en okänd tagg "
            "som !!python/…). Skriv värdena som vanlig text, listor och nycklar.",
            Pos(1 + line_offset, 1),
        ) from None
    positions = PositionMap(root=Pos(1 + line_offset, 1))
    try:
        return _plain(data, (), positions, line_offset), positions
    except RecursionError:
        raise YamlSyntaxError(
            f"Filen är för djupt nästlad (högst {MAX_DEPTH} nivåer).", Pos(1 + line_offset, 1)
        ) from None
