"""In a warm process (``watch``, the build service), reuse the validation of unchanged case files.

``load_workspace`` validates every case file on every build: the pydantic model, the Markdown
outline, figures and attachments. After an edit, only the edited file has changed; this memo
hands back the earlier result of every other file.

What validating one case file reads, and so what a result is kept under:

* the file itself — its path, its name in the workspace and the SHA-256 of its text (the memo
  is looked up by path, but a result is only reused when the text hash matches: never by path
  alone);
* the organisation profile — the SHA-256 of the profile file's text (the profile model is made
  from that text alone);
* the workspace root (paths are resolved and checked against it);
* every other file: the figure images and attachment files the case names. For each, the
  resolved path and a stamp of the file (device, inode, size, mtime_ns, ctime_ns; ``None``
  when it is missing) are taken *before* it is read, and a result is reused only when every
  stamp is still the same. A replaced image or attachment, a new file where one was missing,
  or a symbolic link pointing elsewhere all give a new stamp.

Cross-file rules (duplicate diarienummer, meetings, the content checks) are not memoised; they
run on every build. The memo holds one entry per (root, file), at most ``LIMIT`` entries and
``TEXT_BUDGET`` characters of file text, least recently used dropped first; entries are
immutable values (frozen models and dataclasses), so a hit can be shared. Written by hand
rather than with ``functools.lru_cache`` because an entry is replaced when its key changes
(one slot per file, so old versions never pile up) and the bound is also on text size.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from beslut.diagnostics import Diagnostic

T = TypeVar("T")

LIMIT = 4096
TEXT_BUDGET = 64 * 1024 * 1024

FileStamp = tuple[str, tuple[int, int, int, int, int] | None]
"""A file another file's validation read: its resolved path and (dev, inode, size, mtime_ns,
ctime_ns), or None when it could not be found."""


def text_digest(text: str) -> str:
    """Return the SHA-256 of a text (as UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stamp(path: Path) -> FileStamp:
    """Return where ``path`` leads now and a stamp of that file, without reading it."""
    try:
        resolved = os.path.realpath(path)
        info = os.stat(path)
    except (OSError, ValueError):  # missing, unreadable, or a name with a NUL byte
        try:
            return os.path.realpath(path), None
        except (OSError, ValueError):
            return "", None
    return resolved, (
        info.st_dev,
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
        info.st_ctime_ns,
    )


def stamps(paths: Sequence[Path]) -> tuple[tuple[Path, FileStamp], ...]:
    """Stamp each file (in order, duplicates once)."""
    return tuple((p, stamp(p)) for p in dict.fromkeys(paths))


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One remembered validation: what it was made from, and what it found."""

    key: tuple[str, ...]
    value: T
    diagnostics: tuple[Diagnostic, ...]
    files: tuple[tuple[Path, FileStamp], ...]
    size: int

    def fresh(self, key: tuple[str, ...]) -> bool:
        """Return True when the key matches and every file read is unchanged."""
        return self.key == key and all(stamp(p) == s for p, s in self.files)


class Memo(Generic[T]):
    """The bounded, thread-safe memo: one slot per (root, file)."""

    def __init__(self, limit: int = LIMIT, text_budget: int = TEXT_BUDGET) -> None:
        self.limit = limit
        self.text_budget = text_budget
        self._entries: OrderedDict[tuple[Path, Path], Entry[T]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()
            self._size = 0

    def get(
        self,
        slot: tuple[Path, Path],
        key: tuple[str, ...],
        compute: Callable[[], tuple[T, list[Diagnostic], tuple[tuple[Path, FileStamp], ...]]],
        size: int,
    ) -> tuple[T, list[Diagnostic]]:
        """Return the remembered result for ``slot`` when fresh, else ``compute()`` and keep it.

        ``compute`` returns the value, its diagnostics and the stamps of the other files it read
        (taken before reading them). ``size`` is the length of the file's text, for the bound.
        """
        with self._lock:
            entry = self._entries.get(slot)
        if entry is not None and entry.fresh(key):
            with self._lock:
                self.hits += 1
                if slot in self._entries:
                    self._entries.move_to_end(slot)
            return entry.value, list(entry.diagnostics)
        value, diagnostics, files = compute()
        new = Entry(key, value, tuple(diagnostics), files, size)
        with self._lock:
            self.misses += 1
            old = self._entries.pop(slot, None)
            if old is not None:
                self._size -= old.size
            if size <= self.text_budget:
                self._entries[slot] = new
                self._size += size
            while self._entries and (
                len(self._entries) > self.limit or self._size > self.text_budget
            ):
                _, dropped = self._entries.popitem(last=False)
                self._size -= dropped.size
        return value, list(diagnostics)
