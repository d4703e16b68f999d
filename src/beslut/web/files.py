"""Reading and saving content files for the browser app: the files stay the source of truth.

A form is filled from a file and carries the file's version (a SHA-256 of its bytes). Saving
merges the form's plain data into the file's round-trip YAML (ruamel.yaml), so comments, key
order, quoting and every untouched line stay as they were; only values that differ are
rewritten. The write is atomic (a temporary file and a rename, :mod:`beslut.atomic`) and made
under a lock, after checking that the file is still the version the form was loaded from; a
newer file gives a :class:`Conflict` with both texts, never a silent overwrite. Before anything
is written, the new text is parsed again the way ``beslut check`` reads it and must give exactly
the data the form sent.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import difflib
import fcntl
import hashlib
import io
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import Resolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from beslut.atomic import write_bytes_atomic
from beslut.diagnostics import Diagnostic
from beslut.errors import UserError, os_error_text
from beslut.load.paths import CACHE_DIR
from beslut.load.source import _split_front_matter as split_front_matter
from beslut.load.source import forget
from beslut.load.yamlpos import MAX_DEPTH, YamlSyntaxError, plain_scalar
from beslut.load.yamlpos import _Composer as RefusingComposer
from beslut.load.yamlpos import load as load_checked
from beslut.web.paths import resolve_inside

__all__ = [
    "CaseSource",
    "Conflict",
    "NotReadable",
    "YamlSource",
    "create_file",
    "merge",
    "plain",
    "read_case",
    "read_meeting",
    "read_yaml",
    "save_case",
    "save_meeting",
    "save_text",
    "save_yaml",
    "version_of",
]

FENCE = "---"
LOCK_NAME = "web-save.lock"
"""The lock file in the build cache that serialises saves from the app (all files at once:
a save holds it for milliseconds)."""
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOM = b"\xef\xbb\xbf"
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (4, 6, 4))
"""(mapping, sequence, offset) indentations tried for a file; the one that reproduces the file
is used, so a save rewrites only what changed."""


# ----------------------------------------------------------------------------------------------
# Errors


class Conflict(UserError):
    """The file changed since the form was loaded; nothing was written.

    Carries both versions so the page can show them side by side: ``proposed`` (the user's
    change applied to the file as it is now, or None when that cannot be made) and ``current``
    (the text now on disk, with its ``current_version``; None when the file was removed).
    """

    def __init__(
        self, rel: str, proposed: str | None, current: str | None, current_version: str | None
    ) -> None:
        if current is None:
            message = (
                f"Filen {rel} har tagits bort eller flyttats sedan du öppnade den, så dina "
                "ändringar sparades inte. Kopiera din text härifrån och skapa filen igen, eller "
                "gå tillbaka till listan."
            )
        else:
            message = (
                f"Filen har ändrats sedan du öppnade den ({rel}): någon annan, eller en "
                "textredigerare, har sparat en nyare version. Dina ändringar sparades inte. "
                "Jämför din version med den som nu finns i filen, för över det du vill behålla "
                "och spara igen."
            )
        super().__init__(message)
        self.rel = rel
        self.proposed = proposed
        self.current = current
        self.current_version = current_version

    def diff(self) -> list[str]:
        """The lines that differ, from the file now on disk to the user's version (a unified
        diff without file headers), for showing the two side by side or one under the other."""
        lines = difflib.unified_diff(
            (self.current or "").splitlines(),
            (self.proposed or "").splitlines(),
            fromfile="i filen nu",
            tofile="din version",
            lineterm="",
        )
        return [line for line in lines if not line.startswith(("---", "+++"))]


class NotReadable(UserError):
    """The file cannot be read into a form (syntax error, not UTF-8, no front matter)."""


# ----------------------------------------------------------------------------------------------
# Round-trip YAML


class DateText(str):
    """A YAML timestamp (``datum: 2025-09-10``) kept as its text, written back unquoted.

    The loader reads timestamps as text (an impossible date reaches validation, not a crash);
    the app does the same, so a form shows and compares exactly what ``check`` sees.
    """


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that keeps timestamps as :class:`DateText`."""


def _construct_timestamp(constructor: Any, node: Any) -> DateText:
    return DateText(constructor.construct_scalar(node))


_Constructor.add_constructor(_TIMESTAMP, _construct_timestamp)


class _Representer(RoundTripRepresenter):
    """Round-trip representer that writes :class:`DateText` as a plain timestamp."""


def _represent_date_text(representer: Any, data: DateText) -> Any:
    return representer.represent_scalar(_TIMESTAMP, str(data))


_Representer.add_representer(DateText, _represent_date_text)


def _yaml(layout: tuple[int, int, int] = _LAYOUTS[0]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = sys.maxsize  # never fold a long line that the file has on one line
    yaml.allow_unicode = True
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


_RESOLVER = Resolver()  # YAML 1.2 rules, as the loader reads; no state of a load or dump


def _is_timestamp(text: str) -> bool:
    return str(_RESOLVER.resolve(ScalarNode, text, (True, False))) == _TIMESTAMP


def _load_rt(text: str) -> Any:
    """Parse round-trip, refusing what the loader refuses (anchors, unknown tags, too many
    values, too deep nesting: its own composer and limit); raises YAMLError."""
    yaml = _yaml()
    yaml.Composer = RefusingComposer
    yaml.max_depth = MAX_DEPTH
    return yaml.load(text)


def _dump(data: Any, layout: tuple[int, int, int]) -> str:
    out = io.StringIO()
    _yaml(layout).dump(data, out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------
# Plain data and comparison


def plain(node: Any) -> Any:
    """Return round-trip data as plain dicts, lists and scalars, as the loader sees them."""
    if isinstance(node, dict):
        return {str(key): plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(item) for item in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    return plain_scalar(node)


def _same(a: Any, b: Any) -> bool:
    """Plain equality that tells True from 1 and 1 from 1.0 (YAML writes them differently)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and str(a) == str(b)
    return type(a) is type(b) and bool(a == b)


def _fresh(value: Any) -> Any:
    """Turn plain form data into round-trip data (block style; dates and long texts readable)."""
    if isinstance(value, dict):
        result = CommentedMap()
        for key, item in value.items():
            result[str(key)] = _fresh(item)
        return result
    if isinstance(value, list | tuple):
        seq = CommentedSeq()
        seq.extend(_fresh(item) for item in value)
        return seq
    if isinstance(value, dt.date):
        return DateText(value.isoformat())
    if isinstance(value, str):
        if "\n" in value.strip("\n"):
            return LiteralScalarString(value)
        if _is_timestamp(value):
            return DateText(value)
        return value
    return value


_STYLES = (
    DoubleQuotedScalarString,
    SingleQuotedScalarString,
    LiteralScalarString,
    FoldedScalarString,
)


def _replacement(old: Any, new: Any) -> Any:
    """The new value for a changed scalar, in the old one's quoting or block style if it was
    a string written that way."""
    if isinstance(new, str) and not isinstance(new, DateText):
        for style in _STYLES:
            if isinstance(old, style):
                if style in (LiteralScalarString, FoldedScalarString) and "\n" not in new:
                    return _fresh(new)
                return style(new)
    return _fresh(new)


# ----------------------------------------------------------------------------------------------
# Comments: ruamel keeps the comment lines (and blank lines) that come *before* an element in
# the token after the *previous* element's value (its "tail"). Moving or deleting elements
# must therefore move those lines along, or a comment ends up above the wrong key.


def _tail_slot(container: Any, key: Any) -> tuple[list[Any], int] | None:
    """Return (comment list, index) where the comments after ``container[key]`` live."""
    value = container[key]
    if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
        last = list(value.keys())[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail_slot(value, last)
    slot = 2 if isinstance(container, CommentedMap) else 0
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    if len(entry) <= slot:
        entry.extend([None] * (slot + 1 - len(entry)))
    return entry, slot


def _take_rest(container: Any, key: Any) -> str:
    """Remove and return the full lines (comments, blank lines) after an element's own line."""
    found = _tail_slot(container, key)
    if found is None:
        return ""
    entry, slot = found
    token = entry[slot]
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return ""
    first, rest = token.value.split("\n", 1)
    if first.strip():
        token.value = first + "\n"
    else:
        entry[slot] = None
    return str(rest)


def _give_rest(container: Any, key: Any, rest: str) -> None:
    """Put full comment lines after an element (before whatever follows it)."""
    if not rest:
        return
    found = _tail_slot(container, key)
    if found is None:
        return
    entry, slot = found
    token = entry[slot]
    if isinstance(token, CommentToken):
        token.value = token.value + rest
    else:
        entry[slot] = CommentToken("\n" + rest, CommentMark(0))


def _give_first(container: Any, rest: str) -> None:
    """Put full comment lines before a container's first element (its first was removed)."""
    if not rest:
        return
    tokens = [
        CommentToken(
            line.lstrip(" ") if line.strip() else "\n",
            CommentMark(len(line) - len(line.lstrip(" "))),
        )
        for line in rest.splitlines(True)
    ]
    if container.ca.comment is None:
        container.ca.comment = [None, []]
    if container.ca.comment[1] is None:
        container.ca.comment[1] = []
    container.ca.comment[1].extend(tokens)


# ----------------------------------------------------------------------------------------------
# Merging


def merge(data: Any, new: Any) -> None:
    """Update round-trip ``data`` (a CommentedMap or CommentedSeq) in place to equal ``new``.

    Comments, key order and the quoting of untouched scalars stay; a scalar is replaced only
    when its value differs (in its old quoting style); new keys are appended; removed keys and
    items go with their own comments. Lists are compared item by item (difflib): unchanged items
    keep their place and comments, a moved item keeps its comment, a changed item is merged
    into the one at its place.
    """
    new = plain(_fresh(new))  # tuples, dates and keys as the file will hold them
    if _same(plain(data), new):
        return
    if isinstance(data, CommentedMap) and isinstance(new, dict):
        _merge_map(data, new)
    elif isinstance(data, CommentedSeq) and isinstance(new, list):
        _merge_seq(data, new)
    else:
        raise TypeError("merge needs a mapping with a dict or a sequence with a list")


def _merge_value(container: Any, key: Any, new: Any) -> None:
    old = container[key]
    if _same(plain(old), new):
        return
    if (isinstance(old, CommentedMap) and isinstance(new, dict)) or (
        isinstance(old, CommentedSeq) and isinstance(new, list)
    ):
        merge(old, new)
        first = old.ca.comment[1] if old.ca.comment else None
        entry = container.ca.items.get(key) if isinstance(container, CommentedMap) else None
        if first and entry is not None:
            # ruamel writes a group's leading comments from its key's entry when the key has
            # one (the same list when read from a file); keep the two the same.
            entry.extend([None] * (4 - len(entry)))
            entry[3] = first
        return
    container[key] = _replacement(old, new)


def _merge_map(data: CommentedMap, new: dict[Any, Any]) -> None:
    old_keys = [k for k in data if str(k) in {str(n) for n in new}]
    before = _collect_rests(data)
    after = before.pop(None, "")
    for key in list(data.keys()):
        if str(key) not in {str(n) for n in new}:
            del data[key]
            data.ca.items.pop(key, None)
    by_text = {str(k): k for k in data}
    for name, value in new.items():
        key = by_text.get(str(name))
        if key is None:
            data[str(name)] = _fresh(value)
        else:
            _merge_value(data, key, value)
    keys = list(data.keys())
    for position, key in enumerate(keys[1:], start=1):
        if key in old_keys:
            _give_rest(data, keys[position - 1], before.get(key, ""))
    if keys and keys[0] in old_keys:
        _give_first(data, before.get(keys[0], ""))  # the old first key was removed
    if keys:
        _give_rest(data, keys[-1], after)


def _collect_rests(container: Any) -> dict[Any, str]:
    """Take the comment lines between elements: element → the lines before it; None → the
    lines after the last element."""
    keys = (
        list(container.keys())
        if isinstance(container, CommentedMap)
        else list(range(len(container)))
    )
    rests: dict[Any, str] = {}
    for position, key in enumerate(keys):
        rest = _take_rest(container, key)
        following = keys[position + 1] if position + 1 < len(keys) else None
        rests[following] = rest
    return rests


def _item_key(value: Any) -> str:
    return repr(plain(value))


def _merge_seq(data: CommentedSeq, new: list[Any]) -> None:
    old_items = list(data)
    old_keys = [_item_key(item) for item in old_items]
    new_keys = [repr(item) for item in new]
    # Plan: for each new position, the old index it continues (or None for a fresh item).
    plan: list[int | None] = [None] * len(new)
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    opcodes = [op for op in matcher.get_opcodes()]
    free: set[int] = set()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            plan[j1:j2] = range(i1, i2)
        else:
            free.update(range(i1, i2))
    # A moved item: a new value equal to an old item outside the unchanged runs is that item
    # (it keeps its comment).
    for position, origin in enumerate(plan):
        if origin is None:
            match = min((i for i in free if old_keys[i] == new_keys[position]), default=None)
            if match is not None:
                plan[position] = match
                free.discard(match)
    # A changed item: paired with the old item at its place in the same changed run.
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "replace":
            olds = [i for i in range(i1, i2) if i in free]
            news = [j for j in range(j1, j2) if plan[j] is None]
            for i, j in zip(olds, news, strict=False):
                plan[j] = i
                free.discard(i)
    rests = _collect_rests(data)
    after = rests.pop(None, "")
    own = {index: data.ca.items.get(index) for index in range(len(old_items))}
    data.clear()
    data.ca.items.clear()
    for position, origin in enumerate(plan):
        if origin is None:
            data.append(_fresh(new[position]))
            continue
        data.append(old_items[origin])
        if own.get(origin) is not None:
            data.ca.items[position] = own[origin]
        _merge_value(data, position, new[position])
    for position, origin in enumerate(plan):
        if position > 0 and origin is not None and origin > 0:
            _give_rest(data, position - 1, rests.get(origin, ""))
    if plan and plan[0] is not None and plan[0] > 0 and 0 not in plan:
        _give_first(data, rests.get(plan[0], ""))  # the old first item was removed
    if len(data):
        _give_rest(data, len(data) - 1, after)


# ----------------------------------------------------------------------------------------------
# Text of a file


@dataclass(frozen=True)
class _Text:
    """A file's text with its line ends normalised to LF; how to write it back."""

    text: str
    bom: bool
    crlf: bool

    def encode(self, text: str) -> bytes:
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return (_BOM if self.bom else b"") + text.encode("utf-8")


def _decode(raw: bytes, rel: str) -> _Text:
    bom = raw.startswith(_BOM)
    try:
        text = raw[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        raise NotReadable(
            f"{rel} är inte sparad som UTF-8 och kan inte visas här. Spara om den som UTF-8 "
            "i en textredigerare (eller kör ”beslut check” för att se var)."
        ) from None
    crlf = text.count("\r\n") * 2 > text.count("\n")
    return _Text(text.replace("\r\n", "\n"), bom, crlf)


def version_of(path: Path) -> str:
    """Return the version of a file: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _parse_yaml(text: str, rel: str, offset: int) -> CommentedMap:
    """Parse YAML round-trip, refusing exactly what ``check`` refuses.

    One parse when the text is fine; when it is not (or has a tab, which the loader checks
    before parsing), the loader's own parse explains where and why, in Swedish.
    """
    try:
        if "\t" in text:
            load_checked(text, line_offset=offset)
        data = _load_rt(text)
    except (YAMLError, YamlSyntaxError):
        try:
            load_checked(text, line_offset=offset)
        except YamlSyntaxError as exc:
            raise NotReadable(
                f"{rel}:{exc.pos.line}:{exc.pos.column}: {exc.message} Rätta filen i en "
                "textredigerare; sedan kan den öppnas här."
            ) from None
        raise NotReadable(  # pragma: no cover - both parsers refuse the same texts
            f"{rel}: filen kan inte läsas. Kontrollera den med ”beslut check”."
        ) from None
    if data is None:
        return CommentedMap()
    if not isinstance(data, CommentedMap):
        raise NotReadable(
            f"{rel}: innehållet ska vara nycklar med värden, en per rad (nyckel: värde). "
            "Rätta filen i en textredigerare."
        )
    return data


@dataclass(frozen=True)
class _Split:
    """A case file cut into its fences, front matter and body."""

    opening: str
    front: str
    closing: str
    body: str
    front_offset: int
    body_offset: int
    ends_at_fence: bool = False
    """The file ends on the closing ``---`` without a line end."""

    def join(self, front: str | None = None, body: str | None = None) -> str:
        body = self.body if body is None else body
        end = "" if self.ends_at_fence and not body else "\n"
        return f"{self.opening}\n{self.front if front is None else front}{self.closing}{end}{body}"


def _split(text: str, rel: str) -> _Split:
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        raise NotReadable(
            f"{rel}:1:1: front matter saknas: filen ska börja med en rad med tre bindestreck "
            "(---). Rätta filen i en textredigerare."
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            front = "".join(line + "\n" for line in lines[1:index])
            body = "\n".join(lines[index + 1 :])
            last = index == len(lines) - 1
            return _Split(lines[0], front, lines[index], body, 1, index + 1, last)
    raise NotReadable(
        f"{rel}: front matter avslutas aldrig. Lägg till en rad med --- efter ärendets "
        "uppgifter i en textredigerare."
    )


# ----------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class YamlSource:
    """A YAML content file (a meeting, the profile) as a form sees it."""

    rel: str
    version: str
    text: str
    """The whole file, line ends as LF."""
    data: CommentedMap
    line_offset: int = 0
    """Lines before the YAML's first line (0 for a YAML file)."""


@dataclass(frozen=True)
class CaseSource:
    """A case file (Markdown with YAML front matter) as a form sees it."""

    rel: str
    version: str
    text: str
    """The whole file, line ends as LF."""
    front: CommentedMap
    body: str
    """The Markdown after the closing ``---`` line (LF line ends)."""
    front_offset: int
    """Lines before the front matter's first line (the opening ``---``: 1)."""
    body_offset: int = 0
    """Lines before the body's first line (add to a 1-based line of the body)."""


def _read(root: Path, rel: str) -> tuple[Path, bytes]:
    path = resolve_inside(root, rel)
    try:
        return path, path.read_bytes()
    except OSError as exc:
        raise NotReadable(f"{rel} kan inte läsas ({exc.strerror}).") from None


def read_case(root: Path, rel: str) -> CaseSource:
    """Read a case file; raises NotReadable (Swedish, with file:line) if it cannot be parsed."""
    _, raw = _read(root, rel)
    decoded = _decode(raw, rel)
    split = _split(decoded.text, rel)
    front = _parse_yaml(split.front, rel, split.front_offset)
    return CaseSource(
        rel, _version(raw), decoded.text, front, split.body, split.front_offset, split.body_offset
    )


def read_yaml(root: Path, rel: str) -> YamlSource:
    """Read a YAML content file (meeting, profile)."""
    _, raw = _read(root, rel)
    decoded = _decode(raw, rel)
    return YamlSource(rel, _version(raw), decoded.text, _parse_yaml(decoded.text, rel, 0))


def read_meeting(root: Path, rel: str) -> YamlSource:
    """Read a meeting file (``content/möten/*.yaml``)."""
    return read_yaml(root, rel)


# ----------------------------------------------------------------------------------------------
# Writing


def _layout(text: str, data: Any) -> tuple[tuple[int, int, int], str]:
    """Return the indentation that best reproduces ``text`` and that dump of ``data``."""
    best: tuple[int, tuple[int, int, int], str] | None = None
    for layout in _LAYOUTS:
        dumped = _dump(data, layout)
        if dumped == text:
            return layout, dumped
        changed = sum(
            1 for line in difflib.unified_diff(text.splitlines(), dumped.splitlines(), n=0)
        )
        if best is None or changed < best[0]:
            best = (changed, layout, dumped)
    assert best is not None
    return best[1], best[2]


def _patch(original: str, before: str, after: str) -> str:
    """Apply the change from ``before`` to ``after`` (two dumps) to ``original``.

    ruamel reproduces the example files exactly; for a file it does not (unusual spacing, a
    text continued on the next line, a flow group with extra spaces), only the lines the change
    touches are taken from the new dump, together with the neighbouring lines that ruamel
    writes differently from the file (they belong to the same stretch); every other line stays
    as the user wrote it. This is a three-way merge with the first dump as the common base.
    """
    if before == original:
        return after
    old, lines, new = before.splitlines(True), original.splitlines(True), after.splitlines(True)
    # Align the first dump with the file by the lines' text without any spaces, so a line
    # that differs only in spacing (``typ:    x``, ``{ a: 1 }``, ``-   punkt``) still pairs.
    where: dict[int, int] = {}
    shapes = ["".join(line.split()) for line in old], ["".join(line.split()) for line in lines]
    for block in difflib.SequenceMatcher(None, *shapes, autojunk=False).get_matching_blocks():
        for offset in range(block.size):
            where[block.a + offset] = block.b + offset
    mapped = sorted(where)
    regions: list[list[int]] = []  # [old start, old end, new start, new end]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, old, new, autojunk=False
    ).get_opcodes():
        if tag == "equal":
            continue
        below = bisect.bisect_left(mapped, i1) - 1
        lo = mapped[below] if below >= 0 else -1  # the last line before that is in the file
        above = bisect.bisect_left(mapped, i2)
        hi = mapped[above] if above < len(mapped) else len(old)  # the first one after
        region = [lo + 1, hi, j1 - (i1 - lo - 1), j2 + (hi - i2)]
        if regions and region[0] < regions[-1][1]:
            regions[-1][1], regions[-1][3] = region[1], region[3]  # overlapping: one stretch
        else:
            regions.append(region)
    for start, end, new_start, new_end in reversed(regions):
        first = where[start - 1] + 1 if start > 0 else 0
        last = where[end] if end < len(old) else len(lines)
        lines[first:last] = new[new_start:new_end]
    return "".join(lines)


_EXACT: dict[str, tuple[int, int, int]] = {}
"""SHA-256 of a YAML text this process wrote → the layout whose dump it is (the next save of
the same file then needs no trial dump). Bounded; cleared when full."""
_EXACT_LIMIT = 1024


def _new_yaml(text: str, data: CommentedMap, new: Any) -> str:
    """The YAML text after merging ``new`` into ``data`` (parsed from ``text``)."""
    new = plain(_fresh(new))
    if _same(plain(data), new):
        return text
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    known = _EXACT.get(digest)
    layout, before = (known, text) if known is not None else _layout(text, data)
    merge(data, new)
    after = _dump(data, layout)
    if before != text:
        return _patch(text, before, after)
    if len(_EXACT) >= _EXACT_LIMIT:
        _EXACT.clear()
    _EXACT[hashlib.sha256(after.encode("utf-8")).hexdigest()] = layout
    return after


def _check_written(text: str, rel: str, offset: int, expected: Any) -> None:
    """The text to be written must load as exactly the data the form sent."""
    try:
        loaded = (
            load_checked(text, line_offset=offset)[0] if "\t" in text else plain(_load_rt(text))
        )
    except (YAMLError, YamlSyntaxError):
        loaded = object()
    if not _same(loaded if loaded is not None else {}, plain(_fresh(expected))):
        raise UserError(
            f"{rel} sparades inte: ändringen kunde inte skrivas så att filen läses likadant "
            "igen (ett fel i beslut). Filen är oförändrad; gör ändringen i en textredigerare."
        )


@contextlib.contextmanager
def _locked(root: Path) -> Iterator[None]:
    """Hold the workspace's save lock (fcntl, so other processes wait too)."""
    folder = root.resolve() / CACHE_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise UserError(os_error_text(exc, f"{CACHE_DIR}/{LOCK_NAME}")) from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _save(root: Path, rel: str, base_version: str, make: Callable[[_Text], str]) -> str:
    """Check the version and write under the lock; return the file's new version."""
    path = resolve_inside(root, rel, must_exist=False)
    with _locked(root):
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise Conflict(rel, None, None, None) from None
        except OSError as exc:
            raise NotReadable(f"{rel} kan inte läsas ({exc.strerror}).") from None
        current = _version(raw)
        decoded = _decode(raw, rel)
        if current != base_version:
            try:
                proposed: str | None = make(decoded)
            except UserError:
                proposed = None
            raise Conflict(rel, proposed, decoded.text, current)
        text = make(decoded)
        if text == decoded.text:
            return current
        data = decoded.encode(text)
        try:
            write_bytes_atomic(path, data)
        except OSError as exc:
            raise UserError(os_error_text(exc, rel)) from None
        forget(path)
        return _version(data)


def save_text(root: Path, rel: str, *, base_version: str, change: Callable[[str], str]) -> str:
    """Rewrite a file's text with ``change`` (the text as read: LF line ends, no byte-order
    mark; both are restored when written) under the save lock, after checking that the file is
    still ``base_version``; return the new version. How every save of the app writes: raises
    Conflict when the file is newer, writes nothing when ``change`` changes nothing.
    """
    return _save(root, rel, base_version, lambda decoded: change(decoded.text))


def save_case(
    root: Path,
    rel: str,
    *,
    base_version: str,
    front: dict[str, Any] | None,
    body: str | None,
) -> str:
    """Save a case's front matter (plain data, merged) and/or body; return the new version.

    Raises Conflict when the file is no longer ``base_version``; writes nothing when nothing
    changed (and returns the unchanged version).
    """

    def make(decoded: _Text) -> str:
        split = _split(decoded.text, rel)
        new_front = split.front
        if front is not None:
            data = _parse_yaml(split.front, rel, split.front_offset)
            new_front = _new_yaml(split.front, data, front)
            if new_front != split.front:
                _check_written(new_front, rel, split.front_offset, front)
        new_body = None if body is None else body.replace("\r\n", "\n")
        text = split.join(new_front, new_body)
        cut = split_front_matter(text, rel)  # exactly as ``check`` will cut the file
        if isinstance(cut, Diagnostic) or cut[0] != new_front:
            where = f" {cut.format()}" if isinstance(cut, Diagnostic) else ""
            raise UserError(
                f"{rel} sparades inte: en rad med bara --- i texten skulle flytta gränsen "
                f"mellan ärendets uppgifter och texten.{where} Ta bort raden eller skriv något "
                "mer på den."
            )
        return text

    return _save(root, rel, base_version, make)


def save_yaml(root: Path, rel: str, *, base_version: str, data: dict[str, Any]) -> str:
    """Save a YAML content file's data (plain, merged into the file); return the new version."""

    def make(decoded: _Text) -> str:
        parsed = _parse_yaml(decoded.text, rel, 0)
        text = _new_yaml(decoded.text, parsed, data)
        if text != decoded.text:
            _check_written(text, rel, 0, data)
        return text

    return _save(root, rel, base_version, make)


def save_meeting(root: Path, rel: str, *, base_version: str, data: dict[str, Any]) -> str:
    """Save a meeting file (``content/möten/*.yaml``); see :func:`save_yaml`."""
    return save_yaml(root, rel, base_version=base_version, data=data)


def create_file(root: Path, rel: str, text: str) -> str:
    """Create a new file (UTF-8, LF) atomically; refuse to overwrite one. Return its version."""
    path = resolve_inside(root, rel, must_exist=False)
    data = text.replace("\r\n", "\n").encode("utf-8")
    with _locked(root):
        if path.exists() or path.is_symlink():
            raise UserError(
                f"Filen {rel} finns redan och skrivs inte över. Välj ett annat namn, eller "
                "öppna den befintliga filen."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.ny")
        try:
            write_bytes_atomic(temporary, data)
            os.link(temporary, path)  # fails if the name appeared meanwhile: never overwrites
        except FileExistsError:
            raise UserError(f"Filen {rel} finns redan och skrivs inte över.") from None
        except OSError as exc:
            raise UserError(os_error_text(exc, rel)) from None
        finally:
            temporary.unlink(missing_ok=True)
    forget(path)
    return _version(data)
