"""The runs of packet pages: the front, each document, or the notice page for a withheld one.

Opens the files (a withheld document's file is never opened), counts their pages (remembered
between plans) and reads each page's visible box for its stamp. Opened files are kept in
:data:`READERS`, keyed by their bytes' hash, so that a process that assembles again (``watch``,
the build service) parses only the files that changed.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from beslut.assemble.model import (
    FRONT_OUTLINE_TITLE,
    SUPPLEMENT_OUTLINE_TITLE,
    AssemblyError,
    PacketDocument,
    PacketItem,
    _reading,
)
from beslut.assemble.stamp import Notice, PageBox


@dataclass
class _Part:
    """One run of packet pages: the front, a document, or the notice for a withheld one."""

    label: str
    """Swedish name for messages, e.g. 'Bilaga 1 Programdirektiv (”x.pdf”, ärende 3)'."""
    title: str
    """Outline and structure title."""
    item: PacketItem | None
    reader: PdfReader | None
    notice: Notice | None
    page_count: int
    start: int = 0
    boxes: list[PageBox] = field(default_factory=list)
    tagged: bool = False
    inspected: bool = False
    """Its own conformance problems were reported before assembly (see PacketDocument)."""
    opened: _Opened | None = None
    """The cache entry of ``reader``; given back to :data:`READERS` after a good assembly."""
    stamp: str | None = None
    """The stamp's label of a front part ("Tilläggslista"); None: the kallelse's or the item's."""


@dataclass
class _Opened:
    """A parsed PDF and what was read from it, all of which depends only on the file's bytes."""

    digest: bytes
    size: int
    reader: PdfReader
    page_count: int
    boxes: list[PageBox] | None = None
    memo: dict[str, Any] = field(default_factory=dict)
    """Other things read from the file once (its outline, its conformance), by name."""


class _ReaderCache:
    """Parsed PDFs by the SHA-256 of their bytes, least recently used dropped first.

    Parsing a PDF (its cross-reference table, then every object the packet copies, which pypdf
    remembers inside the reader) is most of the cost of assembling a packet. A long-lived process
    that assembles the same meeting again after one case changed finds every other part here.

    Why it is safe: the key is the hash of the whole file, read just before, so a changed file
    is a new key and is never answered by a stale reader; the path plays no part. Assembly only
    reads from a reader (``clone`` and ``append`` copy into the writer; objects pypdf or
    :func:`~.plain._parse_plain` parse on demand are cached by the reader the same way on a
    first use), so a reused reader gives the same packet. A reader is taken out while it is used
    and given back after, so two threads never share one (the second parses its own copy).
    Bounded by the bytes of the files held and by their number (a parsed file takes a few times
    its size in memory; a 40-item meeting's files are a few MB).
    """

    def __init__(self, max_bytes: int = 128 * 1024 * 1024, max_entries: int = 256) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.lock = threading.Lock()
        self.entries: OrderedDict[bytes, _Opened] = OrderedDict()
        self.held = 0
        self.parsed = 0
        """How many files were parsed (not found here): for tests and benchmarks."""

    def take(self, digest: bytes) -> _Opened | None:
        with self.lock:
            opened = self.entries.pop(digest, None)
            if opened is not None:
                self.held -= opened.size
            return opened

    def give(self, opened: _Opened) -> None:
        if opened.size > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(opened.digest, None)
            if old is not None:
                self.held -= old.size
            self.entries[opened.digest] = opened
            self.held += opened.size
            while self.entries and (
                self.held > self.max_bytes or len(self.entries) > self.max_entries
            ):
                _, dropped = self.entries.popitem(last=False)
                self.held -= dropped.size

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.held = 0

    def _after_fork(self) -> None:
        # A forked assembly worker has only the thread that forked: a lock another thread held
        # at the fork would never be released in the child.
        self.lock = threading.Lock()


READERS = _ReaderCache()
"""The process's parsed PDFs (see :class:`_ReaderCache`)."""
os.register_at_fork(after_in_child=READERS._after_fork)


def _check_items(items: Sequence[PacketItem]) -> None:
    seen: set[int] = set()
    for item in items:
        if item.number in seen:
            raise AssemblyError(f"Ärende {item.number} finns två gånger i paketet.")
        seen.add(item.number)


def _front_label(front: Path) -> str:
    return f"Kallelsen (”{front.name}”)"


def _supplement_label(supplement: Path) -> str:
    return f"Tilläggslistan (”{supplement.name}”)"


def _document_label(item: PacketItem, document: PacketDocument) -> str:
    return f"{document.title} (”{document.path.name}”, ärende {item.number})"


def packet_order(
    front: Path | None, items: Sequence[PacketItem], supplement: Path | None = None
) -> Iterator[tuple[PacketItem | None, PacketDocument | Path]]:
    """The packet's parts in order: the kallelse, the sent items' documents, the tilläggslista,
    then the supplement items' documents (``(None, path)`` for the kallelse and the
    tilläggslista, ``(item, document)`` for an item's document).

    The tilläggslista stands right before the items it adds (at the end when none of them has
    papers), so the kallelse and every sent item keep their pages when a tilläggslista comes:
    page references in a published version stay valid in the next.
    """
    if front is not None:
        yield None, front
    pending = supplement if front is not None else None
    for item in items:
        if item.supplement and pending is not None and item.documents:
            yield None, pending
            pending = None
        for document in item.documents:
            yield item, document
    if pending is not None:
        yield None, pending


def _open_parts(
    front: Path | None,
    items: Sequence[PacketItem],
    stamp_label: str,
    supplement: Path | None = None,
) -> list[_Part]:
    parts: list[_Part] = []
    for item, document in packet_order(front, items, supplement):
        if isinstance(document, Path):
            if document == front:
                label, title, stamp = _front_label(document), FRONT_OUTLINE_TITLE, None
            else:
                label, title = _supplement_label(document), SUPPLEMENT_OUTLINE_TITLE
                stamp = title
            opened = _open(document, label)
            parts.append(
                _Part(
                    label, title, None, opened.reader, None, opened.page_count,
                    opened=opened, stamp=stamp,
                )
            )  # fmt: skip
            continue
        assert item is not None
        label = _document_label(item, document)
        if document.withheld_notice is not None:
            notice = Notice(
                title=document.title,
                notice=document.withheld_notice,
                context=_sentence(
                    f"Handlingen hör till {stamp_label.lower()} {item.number}: {item.title}"
                ),
            )
            parts.append(_Part(label, document.title, item, None, notice, 1))
        else:
            opened = _open(document.path, label)
            parts.append(
                _Part(
                    label,
                    document.title,
                    item,
                    opened.reader,
                    None,
                    opened.page_count,
                    inspected=document.inspected,
                    opened=opened,
                )
            )
    for part in parts:
        if part.opened is not None:
            if part.opened.boxes is None:
                part.opened.boxes = _boxes(part)
            part.boxes = list(part.opened.boxes)
    return parts


def _release_parts(parts: Sequence[_Part]) -> None:
    """Give the parts' readers back to :data:`READERS` (after the packet was assembled)."""
    for part in parts:
        if part.opened is not None:
            READERS.give(part.opened)
            part.opened = None


def _open(path: Path, label: str) -> _Opened:
    """The file parsed, from :data:`READERS` when a file with the same bytes was parsed before.

    The caller owns the entry: give it back with ``READERS.give`` when done with it.
    """
    if not path.is_file():
        raise AssemblyError(f"{label}: hittar inte filen {path}.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AssemblyError(f"{label}: filen {path} kan inte läsas ({exc.strerror}).") from exc
    return _open_data(data, label)


def _open_data(data: bytes, label: str) -> _Opened:
    """:func:`_open` for bytes in memory."""
    digest = hashlib.sha256(data).digest()
    cached = READERS.take(digest)
    if cached is not None:
        return cached
    READERS.parsed += 1
    with _reading(label):
        # The same as PdfReader(path), which also reads the whole file into a BytesIO.
        reader = PdfReader(io.BytesIO(data))
        # Only an owner password (permissions): it opens without one, so it is taken in.
        opened = not reader.is_encrypted or bool(reader.decrypt(""))
    if not opened:
        raise AssemblyError(
            f"{label}: PDF-filen är krypterad eller lösenordsskyddad och kan inte tas med i "
            "paketet; spara den utan skydd och försök igen."
        )
    return _Opened(digest, len(data), reader, _page_count(reader, label))


_COUNTS: dict[Path, tuple[tuple[int, int, int, int], int]] = {}


def _counted_pages(path: Path, label: str) -> int:
    """Page count of a file, remembered by (device, inode, modification time, size): plans run
    often. A file replaced or rewritten gets another inode or modification time, so the count
    is read again; the path alone is never trusted."""
    try:
        info = path.stat()
    except OSError:
        return _count_once(path, label)
    stamp = (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
    known = _COUNTS.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    count = _count_once(path, label)
    if len(_COUNTS) > 4096:
        _COUNTS.clear()
    _COUNTS[path] = (stamp, count)
    return count


def _count_once(path: Path, label: str) -> int:
    opened = _open(path, label)
    READERS.give(opened)
    return opened.page_count


def _page_count(reader: PdfReader, label: str) -> int:
    with _reading(label):
        count = len(reader.pages)
    if count < 1:
        raise AssemblyError(f"{label}: PDF-filen har inga sidor.")
    return count


def _boxes(part: _Part) -> list[PageBox]:
    assert part.reader is not None
    boxes: list[PageBox] = []
    with _reading(part.label):
        for page in part.reader.pages:
            media = _rect(page.mediabox)
            crop = _rect(page.cropbox)
            x0, y0 = max(media[0], crop[0]), max(media[1], crop[1])
            x1, y1 = min(media[2], crop[2]), min(media[3], crop[3])
            if x1 - x0 < 1 or y1 - y0 < 1:
                x0, y0, x1, y1 = media
            rotation = int(page.rotation) % 360
            boxes.append(PageBox(x0, y0, x1, y1, rotation if rotation % 90 == 0 else 0))
    return boxes


def _rect(box: Any) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in box)
    return min(a, c), min(b, d), max(a, c), max(b, d)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."
