"""``beslut check --fix``: write the safe fixes of content checks back into the source files.

A fix replaces a few characters on one line, or a run of whole lines (a list or table pasted
from Word). Everything else in the file stays byte for byte
as it was: comments, indentation, quoting, line endings (LF or CRLF) and a byte-order mark.
Before a changed file replaces the old one it is parsed again, and it must give the same data
apart from the repaired text; otherwise nothing is written. Files are replaced atomically.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beslut.diagnostics import Diagnostic, Fix
from beslut.load.source import Source, _load_source, source_from_text

__all__ = ["FileChange", "FixFailed", "apply", "fix_text", "plan", "unified_diff"]

_BOM = "\ufeff"


class FixFailed(Exception):
    """A fix would have changed more than text; nothing was written to the file."""


@dataclass(frozen=True)
class FileChange:
    """The repaired text of one file, and how many fixes went into it."""

    path: Path
    rel: str
    before: str
    after: str
    fixes: int


def _split_lines(text: str) -> list[str]:
    """Split at "\n" only, keeping line ends, like the loader counts lines."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _apply_to_text(text: str, fixes: list[Fix]) -> tuple[str, int]:
    """Apply non-overlapping fixes (earliest wins) to ``text``; return it and the count.

    A fix may span lines (a pasted list rewritten as Markdown); a "\n" in its replacement is
    written with the line end of the line it starts on, so CRLF files stay CRLF.
    """
    bom = text.startswith(_BOM)
    body = text[1:] if bom else text
    lines = _split_lines(body)
    starts = [0]
    for raw in lines:
        starts.append(starts[-1] + len(raw))

    def offset(line: int, column: int) -> int | None:
        if not 0 < line <= len(lines):
            return None
        content = lines[line - 1].rstrip("\r\n")
        if not 0 < column <= len(content) + 1:
            return None
        return starts[line - 1] + column - 1

    chosen: list[tuple[int, int, str]] = []
    for fix in sorted(fixes, key=lambda f: (f.line, f.column, f.end_line, f.end_column)):
        start, end = offset(fix.line, fix.column), offset(fix.end_line, fix.end_column)
        if start is None or end is None or end < start:
            continue
        previous = chosen[-1] if chosen else None
        if previous is not None and start < max(previous[1], previous[0] + 1):
            continue  # overlaps the previous fix; the next run of --fix takes it
        replacement = fix.replacement
        if lines[fix.line - 1].endswith("\r\n"):
            replacement = replacement.replace("\n", "\r\n")
        chosen.append((start, end, replacement))
    for start, end, replacement in reversed(chosen):
        body = body[:start] + replacement + body[end:]
    return (_BOM + body if bom else body), len(chosen)


def plan(root: Path, diagnostics: Iterable[Diagnostic]) -> list[FileChange]:
    """Return the change every file with fixable findings would get, without writing."""
    by_file: dict[str, list[Fix]] = {}
    for item in diagnostics:
        if item.fix is not None:
            by_file.setdefault(item.path, []).append(item.fix)
    changes = []
    for rel, fixes in sorted(by_file.items()):
        path = root / rel
        before = path.read_bytes().decode("utf-8")
        after, count = _apply_to_text(before, fixes)
        if after != before:
            changes.append(FileChange(path, rel, before, after, count))
    return changes


def unified_diff(changes: Iterable[FileChange]) -> str:
    """Return the changes as one unified diff (a/… b/… paths, like git)."""
    parts: list[str] = []
    for change in changes:
        parts.extend(
            difflib.unified_diff(
                _split_lines(change.before),
                _split_lines(change.after),
                fromfile=f"a/{change.rel}",
                tofile=f"b/{change.rel}",
            )
        )
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts)


def _shape(value: Any) -> Any:
    """The data with every string replaced by a marker: what a fix must not change."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "<text>" if isinstance(value, str) else value


def apply(root: Path, changes: Iterable[FileChange]) -> list[FileChange]:
    """Write each change atomically after checking that it changed only text.

    Raises :class:`FixFailed` (in Swedish) for the first file whose repaired version would
    parse differently; files before it have been written, files after it have not.
    """
    written = []
    for change in changes:
        folder = change.path.parent
        fd, name = tempfile.mkstemp(prefix=".beslut-fix-", suffix=change.path.suffix, dir=folder)
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(change.after.encode("utf-8"))
            _verify(change, tmp, root)
            os.chmod(tmp, change.path.stat().st_mode & 0o7777)
            os.replace(tmp, change.path)
        finally:
            tmp.unlink(missing_ok=True)
        written.append(change)
    return written


def fix_text(path: Path, rel: str, text: str, fixes: Iterable[Fix]) -> str:
    """Return ``text`` (a content file's text as read: LF line ends, no byte-order mark) with
    ``fixes`` applied, after checking that it changed only text, like :func:`apply`; for a
    writer that holds its own lock (the browser app writes through ``web.files``).

    ``path`` gives the file's kind (.md or YAML). Raises :class:`FixFailed` (in Swedish).
    """
    after, _ = _apply_to_text(text, list(fixes))
    if after != text:
        old, _ = source_from_text(path, rel, text)
        new, _ = source_from_text(path, rel, after)
        _same_data(rel, old, new)
    return after


def _verify(change: FileChange, candidate: Path, root: Path) -> None:
    old, _ = _load_source(change.path, root)
    new, _ = _load_source(candidate, root)
    _same_data(change.rel, old, new)


def _same_data(rel: str, old: Source | None, new: Source | None) -> None:
    if old is None or new is None or _shape(old.data) != _shape(new.data):
        raise FixFailed(
            f"{rel}: rättningarna skulle ha ändrat mer än texten, så filen lämnades orörd. "
            "Rätta problemen för hand."
        )
    if old.body_offset != new.body_offset:
        raise FixFailed(f"{rel}: rättningarna skulle ha flyttat brödtexten; filen lämnades orörd.")
