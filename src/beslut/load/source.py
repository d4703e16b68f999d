"""Stage 1, load: read content files into raw sources with line positions.

Nothing here knows the models; it only turns bytes into YAML data, a Markdown body and a
position map, and reports unreadable files (encoding, empty file, front matter, YAML syntax).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beslut.diagnostics import Diagnostic, error
from beslut.load.yamlpos import Pos, PositionMap, YamlSyntaxError
from beslut.load.yamlpos import load as load_yaml

FRONT_MATTER_FENCE = "---"
CASE_SUFFIXES = (".md", ".yaml", ".yml")
MAX_FILE_BYTES = 1_000_000
"""Largest content file read (case, meeting, profile): a long case is about 50 kB."""
MAX_BODY_LINES = 10_000
"""Most lines in a case's text. The longest example case has about 600; parsing Markdown costs
time and memory per block (a 1 MB file of 250 000 one-line list items takes 50 s and 1 GB), so
the file-size limit alone does not bound a check."""
MAX_TABLE_BARS = 20_000
"""Most ``|`` (table cell borders) in a case's text: a table of 500 rows and 8 columns has
4 500. Every cell is parsed, checked and rendered on its own (a 20 000-column row took half a
minute), so the number of cells bounds a check's time more than the number of lines does."""
MAX_REPORTED_CHARACTERS = 10
"""Control characters reported per file; the rest are summed up in the last message."""

_CONTROL_NAMES = {
    0x00: "NUL-tecken (U+0000)",
    0x08: "backsteg (U+0008)",
    0x0B: "vertikal tabb (U+000B, radbrytning från Word)",
    0x0C: "sidmatning (U+000C, sidbrytning från Word)",
    0x1B: "escape-tecken (U+001B)",
    0x7F: "delete-tecken (U+007F)",
}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters other than tab, line feed and carriage return."""


def _control_name(char: str) -> str:
    code = ord(char)
    return _CONTROL_NAMES.get(code, f"U+{code:04X}")


@dataclass(frozen=True)
class Source:
    """A content file, parsed but not yet validated."""

    path: Path
    rel: str
    data: dict[str, Any]
    positions: PositionMap
    body: str
    body_offset: int
    """Number of file lines before the body's first line (add to 1-based body lines)."""
    text: str = ""
    """The whole file as read (byte-order mark removed, line ends normalised to LF)."""


def relative(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` with ``/`` and NFC-normalised Unicode."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        rel = path
    return unicodedata.normalize("NFC", rel.as_posix())


def control_characters(text: str, rel: str) -> list[Diagnostic]:
    """Report control characters (often pasted from Word) at their line and column.

    Tab, line feed and carriage return are allowed; every other C0 or C1 control character is
    an error: it would be printed invisibly into the document, and a Word file cannot even
    contain most of them.
    """
    found: list[Diagnostic] = []
    count = 0
    for match in CONTROL_CHARACTERS.finditer(text):
        count += 1
        if count <= MAX_REPORTED_CHARACTERS:
            char = match.group()
            start = text.rfind("\n", 0, match.start()) + 1
            found.append(
                error(
                    rel,
                    text.count("\n", 0, match.start()) + 1,
                    match.start() - start + 1,
                    f"Här står ett osynligt styrtecken: {_control_name(char)}, troligen "
                    "inklistrat från Word eller en webbsida. Ta bort tecknet (skriv om ordet "
                    "om du inte ser det i editorn).",
                    "styrtecken",
                )
            )
    if count > MAX_REPORTED_CHARACTERS:
        last = found[-1]
        more = count - MAX_REPORTED_CHARACTERS
        found[-1] = error(
            rel,
            last.line,
            last.column,
            f"{last.message} Filen har {more} styrtecken till efter det här.",
            "styrtecken",
        )
    return found


def read_text(path: Path, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """Read a UTF-8 file; report a missing, empty, too large or non-UTF-8 file with its position.

    Control characters are reported (``control_characters``) and replaced by spaces in the
    returned text, so the rest of the file is still checked at unchanged positions.
    """
    if path.is_dir():
        message = (
            "Det här är en mapp, inte en fil, men namnet slutar som en ärendefil. Byt namn på "
            "mappen (t.ex. utan .md/.yaml) eller flytta den."
        )
        return None, [error(rel, 1, 1, message, "läsfel")]
    if path.is_symlink() and not path.exists():
        message = (
            "Filen är en genväg (symbolisk länk) till en fil som inte finns. Ta bort genvägen "
            "eller låt den peka på en befintlig fil."
        )
        return None, [error(rel, 1, 1, message, "läsfel")]
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            megabytes = f"{size / 1_000_000:.1f}".replace(".", ",")
            message = (
                f"Filen är för stor ({megabytes} MB); beslut läser filer på högst "
                f"{MAX_FILE_BYTES // 1_000_000} MB. Kontrollera att det är rätt fil; långa "
                "bilagor läggs som PDF under bilagor: i stället för i texten."
            )
            return None, [error(rel, 1, 1, message, "för-stor-fil")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(rel, 1, 1, f"Filen kunde inte läsas ({exc.strerror}).", "läsfel")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        message = (
            f"Filen är inte sparad som UTF-8 (ogiltig byte 0x{raw[exc.start]:02X}). "
            "Spara om den som UTF-8 i din editor."
        )
        return None, [error(rel, line, column, message, "inte-utf8")]
    if not text.strip():
        message = (
            "Filen är tom. En ärendefil börjar med front matter: en rad med ---, "
            "ärendets uppgifter och en avslutande rad med ---."
            if path.suffix.lower() == ".md"
            else "Filen är tom. Den ska innehålla nycklar med värden, t.ex. ”typ: …” (en "
            "organisationsprofil skapas med ”beslut init”)."
        )
        return None, [error(rel, 1, 1, message, "tom-fil")]
    text = text.replace("\r\n", "\n")
    problems = control_characters(text, rel)
    if problems:
        text = CONTROL_CHARACTERS.sub(" ", text)
    return text, problems


def _split_front_matter(text: str, rel: str) -> tuple[str, str, int] | Diagnostic:
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        return error(
            rel,
            1,
            1,
            "Front matter saknas: filen ska börja med en rad med tre bindestreck (---), "
            "följd av ärendets uppgifter och en avslutande rad med ---.",
            "front-matter-saknas",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FRONT_MATTER_FENCE, "..."):
            stray = _stray_fence(lines, index)
            if stray is not None:
                return stray_fence_error(rel, stray)
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 1
    return error(
        rel,
        1,
        1,
        "Front matter avslutas aldrig: lägg till en rad med --- efter ärendets uppgifter.",
        "front-matter-oavslutad",
    )


_KEY_LINE = re.compile(r"^[\w-]+:(?:\s|$)")
_YAML_LINE = re.compile(r"^(?:[\w-]+:(?:\s|$)|\s+\S|\s*$)")
"""A line that looks like front matter: ``nyckel: …``, an indented line or a blank line."""


def _stray_fence(lines: list[str], index: int) -> int | None:
    """Return ``index`` if the fence there is a stray ``---`` inside the front matter: the lines
    after it, up to another ``---``, are keys rather than Markdown (so they would be lost)."""
    for after in range(index + 1, len(lines)):
        if lines[after].rstrip() == FRONT_MATTER_FENCE:
            between = lines[index + 1 : after]
            keys = [line for line in between if _KEY_LINE.match(line)]
            if keys and all(_YAML_LINE.match(line) for line in between):
                return index
            return None
    return None


def stray_fence_error(rel: str, index: int) -> Diagnostic:
    """The error for a stray ``---`` at 0-based line ``index`` of a Markdown file."""
    return error(
        rel,
        index + 1,
        1,
        "YAML-syntaxfel: den här raden med --- avslutar front matter för tidigt; nycklarna "
        "under den, fram till nästa ---, skulle annars läsas som brödtext. Ta bort raden.",
        "yaml-syntax",
    )


def _parse_yaml(text: str, rel: str, offset: int) -> tuple[Any, PositionMap] | Diagnostic:
    try:
        return load_yaml(text, line_offset=offset)
    except YamlSyntaxError as exc:
        return error(rel, exc.pos.line, exc.pos.column, exc.message, exc.code)


def _too_many_lines(body: str, body_offset: int, rel: str) -> Diagnostic | None:
    lines = body.count("\n") + 1
    if lines <= MAX_BODY_LINES:
        return None
    return error(
        rel,
        body_offset + MAX_BODY_LINES + 1,
        1,
        f"Texten är för lång ({lines} rader); beslut läser högst {MAX_BODY_LINES} rader text "
        "i en handling. Lägg långa underlag och tabeller som en bilaga (PDF under bilagor:) "
        "och sammanfatta dem i texten.",
        "för-lång-text",
    )


def _too_many_cells(body: str, body_offset: int, rel: str) -> Diagnostic | None:
    bars = body.count("|")
    if bars <= MAX_TABLE_BARS:
        return None
    at = -1
    for _ in range(MAX_TABLE_BARS + 1):
        at = body.index("|", at + 1)
    line = body.count("\n", 0, at)
    column = at - (body.rfind("\n", 0, at) + 1) + 1
    return error(
        rel,
        body_offset + line + 1,
        column,
        f"Texten har för många tabellceller ({bars} lodstreck |); beslut läser högst "
        f"{MAX_TABLE_BARS} i en handling, och här passeras gränsen. Lägg stora tabeller som en "
        "bilaga (PDF under bilagor:) och visa en sammanfattning i texten.",
        "för-lång-text",
    )


def _mapping_or_error(data: Any, rel: str, pos: Pos) -> Diagnostic | None:
    if isinstance(data, dict):
        return None
    return error(
        rel,
        pos.line,
        pos.column,
        "Innehållet ska vara nycklar med värden, en per rad (nyckel: värde).",
        "inte-nycklar",
    )


_CACHE: dict[tuple[Path, Path], tuple[tuple[int, ...], Source | None, list[Diagnostic]]] = {}
_CACHE_LIMIT = 4096


def forget(path: Path) -> None:
    """Drop a file from the parse cache (after beslut itself rewrote it)."""
    for key in [k for k in _CACHE if k[0] == path]:
        del _CACHE[key]


def load_source(path: Path, root: Path) -> tuple[Source | None, list[Diagnostic]]:
    """Load a content file: Markdown with front matter, or pure YAML (body under ``text``).

    Results are cached in the process by file, modification time, size, change time and inode,
    so repeated builds (watch mode) parse only what changed; the change time, which no program
    can set back, catches an edit that keeps the size and restores the modification time.
    """
    try:
        info = path.stat()
        stamp: tuple[int, ...] = (info.st_mtime_ns, info.st_size, info.st_ctime_ns, info.st_ino)
    except OSError:
        stamp = ()
    cached = _CACHE.get((path, root))
    if cached is not None and cached[0] == stamp and stamp:
        return cached[1], list(cached[2])
    source, problems = _load_source(path, root)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[(path, root)] = (stamp, source, list(problems))
    return source, problems


def _load_source(path: Path, root: Path) -> tuple[Source | None, list[Diagnostic]]:
    rel = relative(path, root)
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    source, found = source_from_text(path, rel, text)
    return source, [*problems, *found]


def source_from_text(path: Path, rel: str, text: str) -> tuple[Source | None, list[Diagnostic]]:
    """Parse a content file's text as read (LF line ends, no byte-order mark); ``path`` gives
    its kind (.md: front matter and body; else YAML). Not cached: see :func:`load_source`."""
    problems: list[Diagnostic] = []
    if path.suffix.lower() == ".md":
        split = _split_front_matter(text, rel)
        if isinstance(split, Diagnostic):
            return None, [*problems, split]
        front, body, body_offset = split
        parsed = _parse_yaml(front, rel, offset=1)
        if isinstance(parsed, Diagnostic):
            return None, [*problems, parsed]
        data, positions = parsed
        if data is None:
            data = {}
        positions = PositionMap(root=Pos(1, 1), entries=positions.entries)
    else:
        parsed = _parse_yaml(text, rel, offset=0)
        if isinstance(parsed, Diagnostic):
            return None, [*problems, parsed]
        data, positions = parsed
        body, body_offset = "", 0
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            body = data["text"]
            # A block scalar (text: |) starts on the line after its key.
            body_offset = positions.entries[("text",)].key.line
    bad = _mapping_or_error(data, rel, positions.root)
    if bad is not None:
        return None, [*problems, bad]
    too_long = _too_many_lines(body, body_offset, rel) or _too_many_cells(body, body_offset, rel)
    if too_long is not None:
        return None, [*problems, too_long]
    return Source(path, rel, data, positions, body, body_offset, text), problems
