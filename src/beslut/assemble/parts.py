"""The runs of packet pages: the front, each document, or the notice page for a withheld one.

Opens the files (a withheld document's file is never opened), counts their pages (remembered
between plans) and reads each page's visible box for its stamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from beslut.assemble.model import (
    FRONT_OUTLINE_TITLE,
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


def _check_items(items: Sequence[PacketItem]) -> None:
    seen: set[int] = set()
    for item in items:
        if item.number in seen:
            raise AssemblyError(f"Ärende {item.number} finns två gånger i paketet.")
        seen.add(item.number)


def _front_label(front: Path) -> str:
    return f"Kallelsen (”{front.name}”)"


def _document_label(item: PacketItem, document: PacketDocument) -> str:
    return f"{document.title} (”{document.path.name}”, ärende {item.number})"


def _open_parts(front: Path | None, items: Sequence[PacketItem], stamp_label: str) -> list[_Part]:
    parts: list[_Part] = []
    if front is not None:
        label = _front_label(front)
        reader = _open(front, label)
        count = _page_count(reader, label)
        parts.append(_Part(label, FRONT_OUTLINE_TITLE, None, reader, None, count))
    for item in items:
        for document in item.documents:
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
                reader = _open(document.path, label)
                count = _page_count(reader, label)
                parts.append(
                    _Part(
                        label,
                        document.title,
                        item,
                        reader,
                        None,
                        count,
                        inspected=document.inspected,
                    )
                )
    for part in parts:
        part.boxes = _boxes(part) if part.reader is not None else []
    return parts


def _open(path: Path, label: str) -> PdfReader:
    if not path.is_file():
        raise AssemblyError(f"{label}: hittar inte filen {path}.")
    with _reading(label):
        reader = PdfReader(path)
        # Only an owner password (permissions): it opens without one, so it is taken in.
        opened = not reader.is_encrypted or bool(reader.decrypt(""))
    if not opened:
        raise AssemblyError(
            f"{label}: PDF-filen är krypterad eller lösenordsskyddad och kan inte tas med i "
            "paketet; spara den utan skydd och försök igen."
        )
    return reader


_COUNTS: dict[Path, tuple[tuple[int, int], int]] = {}


def _counted_pages(path: Path, label: str) -> int:
    """Page count of a file, remembered by modification time and size (plans run often)."""
    try:
        info = path.stat()
    except OSError:
        return _page_count(_open(path, label), label)
    stamp = (info.st_mtime_ns, info.st_size)
    known = _COUNTS.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    count = _page_count(_open(path, label), label)
    if len(_COUNTS) > 4096:
        _COUNTS.clear()
    _COUNTS[path] = (stamp, count)
    return count


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
