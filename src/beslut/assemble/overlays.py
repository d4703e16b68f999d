"""The stamps and notice pages: drawn into one overlay PDF (see :mod:`.stamp`), then each stamp
page's content stream is copied onto its packet page as a pagination artifact."""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from beslut.assemble.model import FRONT_STAMP_LABEL
from beslut.assemble.objects import _content_refs, _raw_contents
from beslut.assemble.parts import _Part
from beslut.assemble.stamp import PageBox, Stamp, font_name, render_overlays

_RL_FONT = re.compile(rb"/(F\d+\+\d+)(?=\s+[\d.]+\s+Tf\b)")  # only in "/F1+0 8 Tf"


def _render_overlays(parts: Sequence[_Part], total: int, stamp_label: str) -> bytes:
    notices = [part.notice for part in parts if part.notice is not None]
    stamps: list[Stamp] = []
    a4 = PageBox(0.0, 0.0, 595.2756, 841.8898)
    for part in parts:
        if part.item is not None:
            prefix = f"{stamp_label} {part.item.number}"
        else:
            prefix = part.stamp or FRONT_STAMP_LABEL
        boxes = part.boxes or [a4] * part.page_count
        for offset, box in enumerate(boxes):
            page = part.start + offset + 1
            stamps.append(Stamp(f"{prefix} · Sida {page} av {total}", box))
    # Why it is safe: the key is every input of render_overlays (frozen dataclasses of str and
    # float, whose repr is exact) and reportlab runs with invariant=1, so equal keys give equal
    # bytes; the font is the one font_name() registered once per process.
    key = hashlib.sha256(repr((font_name(), notices, stamps)).encode("utf-8")).digest()
    with _OVERLAY_LOCK:
        data = _OVERLAYS.get(key)
        if data is not None:
            _OVERLAYS.move_to_end(key)
            return data
    data = render_overlays(notices, stamps)
    with _OVERLAY_LOCK:
        _OVERLAYS[key] = data
        while len(_OVERLAYS) > _OVERLAYS_KEPT:
            _OVERLAYS.popitem(last=False)
    return data


_OVERLAYS: OrderedDict[bytes, bytes] = OrderedDict()
"""Overlay PDFs by the hash of what was drawn (a packet rebuilt with its page numbers unchanged
draws the same stamps); the few last used, a few hundred kB each."""
_OVERLAYS_KEPT = 8
_OVERLAY_LOCK = threading.Lock()


def _new_overlay_lock() -> None:
    """A forked assembly worker gets a fresh lock (another thread may have held it at the fork)."""
    global _OVERLAY_LOCK
    _OVERLAY_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_new_overlay_lock)


class _Stamps:
    """The stamping part of :class:`~.builder._Builder`."""

    writer: PdfWriter
    overlay: PdfReader
    notices_used: int
    untagged_pages: set[int]

    if TYPE_CHECKING:

        def _add(self, obj: PdfObject) -> IndirectObject: ...

    def stamp_all(self) -> None:
        writer = self.writer
        overlay = self.overlay
        first_stamp = self.notices_used
        fonts: dict[bytes, IndirectObject] = {}
        sample = overlay.pages[first_stamp] if len(overlay.pages) > first_stamp else None
        if sample is not None:
            resources = cast(DictionaryObject, sample["/Resources"].get_object())
            font_dict = cast(DictionaryObject, resources["/Font"].get_object())
            for name, ref in font_dict.items():
                copy = ref.clone(writer)
                fonts[name[1:].encode()] = (
                    copy if isinstance(copy, IndirectObject) else self._add(copy)
                )
        plain = self._stream(b"q\n")
        wrapped = self._stream(b"q\n/Div <</MCID 0>> BDC\n") if self.untagged_pages else plain
        for index, page in enumerate(writer.pages):
            data = cast(
                StreamObject, overlay.pages[first_stamp + index]["/Contents"].get_object()
            ).get_data()
            names = self._font_names(page, fonts)
            data = _rename_fonts(data, names)
            head = b"EMC\nQ\n" if index in self.untagged_pages else b"Q\n"
            stream = self._stream(
                head
                + b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n"
                + data
                + b"\nQ\nEMC\n"
            )
            before = wrapped if index in self.untagged_pages else plain
            page[NameObject("/Contents")] = ArrayObject(
                [before, *_content_refs(_raw_contents(page)), stream]
            )

    def _stream(self, data: bytes) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(data)
        return self._add(stream)

    def _font_names(self, page: Any, fonts: Mapping[bytes, IndirectObject]) -> dict[bytes, bytes]:
        """Add the stamp fonts to the page's resources under names no page font uses."""
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        font_dict = resources.get("/Font")
        if font_dict is None:
            font_dict = DictionaryObject()
            resources[NameObject("/Font")] = font_dict
        font_dict = font_dict.get_object()
        names: dict[bytes, bytes] = {}
        for number, (rl_name, ref) in enumerate(sorted(fonts.items())):
            suffix = 0
            while True:
                name = f"/BeslutStamp{number}" + (f"_{suffix}" if suffix else "")
                existing = font_dict.get(name)
                if existing is None:
                    font_dict[NameObject(name)] = ref
                    break
                if isinstance(existing, IndirectObject) and existing.idnum == ref.idnum:
                    break
                suffix += 1
            names[rl_name] = name[1:].encode()
        return names


def _rename_fonts(data: bytes, names: Mapping[bytes, bytes]) -> bytes:
    """Replace reportlab's font resource names in a stamp content stream."""

    def rename(match: re.Match[bytes]) -> bytes:
        return b"/" + names[match.group(1)]

    return _RL_FONT.sub(rename, data)
