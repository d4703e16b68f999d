"""Front matter before a finished packet: the page "Ändringar sedan version N" of a version.

:func:`prepend_front_matter` puts a tagged PDF (a converted page) in front of a packet that was
assembled and stamped already, with the packet machinery (:class:`~.builder._Builder`):

* the packet's pages are copied as they are, so its stamps ("Ärende 5 · Sida 37 av 212") and
  its page references stay; the front pages get no stamp;
* the outline: the front's bookmark first, then the packet's own outline unchanged (top level);
* page labels: the front pages "Ä1", "Ä2" …, the packet's pages 1, 2, 3 … again, so that a
  reader's page number still equals the stamp;
* both structure trees under one ``/Document`` (each a ``/Part``), the parent tree renumbered;
* PDF/A-2b and PDF/UA-1 are claimed only when both files are (as for any packet).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from beslut.assemble.builder import _Builder
from beslut.assemble.conformance import _inspect
from beslut.assemble.model import AssemblyError
from beslut.assemble.packet import _collector_paused
from beslut.assemble.parts import _boxes, _open, _Part, _release_parts
from beslut.assemble.writer import _deduplicate, _write_atomic

FRONT_LABEL_PREFIX = "Ä"
"""Page label prefix of the front pages (the packet's own pages keep 1, 2, 3 …)."""


class _FrontBuilder(_Builder):
    """The packet's outline goes to the top level, not under a bookmark of its own."""

    def _outline(self, part: _Part) -> None:
        if part.item is not None or part.title != _PACKET:
            super()._outline(part)
            return
        reader = part.reader
        assert reader is not None
        try:
            outline = reader.outline
        except MemoryError:
            raise
        except Exception:
            return
        self._import_outline(part, outline, None, 0)  # type: ignore[arg-type]


_PACKET = "\0packet"


def prepend_front_matter(
    front: Path,
    packet: Path,
    target: Path,
    *,
    outline_title: str,
    title: str,
    lang: str = "sv-SE",
) -> tuple[int, tuple[str, ...]]:
    """Write ``front`` + ``packet`` to ``target`` (atomically); return the front's page count
    and why the result is not claimed as PDF/A-2b and PDF/UA-1 (empty when it is).

    Raises :class:`AssemblyError` (Swedish) when a file is damaged.
    """
    with _collector_paused():
        parts: list[_Part] = []
        for path, part_title, label in (
            (front, outline_title, f"{outline_title} (”{front.name}”)"),
            (packet, _PACKET, f"Handlingarna (”{packet.name}”)"),
        ):
            opened = _open(path, label)
            part = _Part(label, part_title, None, opened.reader, None, opened.page_count)
            part.opened = opened
            if opened.boxes is None:
                opened.boxes = _boxes(part)
            part.boxes = list(opened.boxes)
            parts.append(part)
        problems, _warnings, profile, _known = _inspect(parts, lang)
        claim = not problems
        builder = _FrontBuilder(PdfWriter(), lang, parts[0].reader, "Ärende")  # type: ignore[arg-type]
        for part in parts:
            builder.add(part)
        front_pages = parts[0].page_count
        if builder.total_pages != front_pages + parts[1].page_count:
            raise AssemblyError(f"{target.name} fick fel antal sidor; publicera igen.")
        # The packet's /Part keeps its own title (the packet's, not the marker).
        kids = cast(ArrayObject, builder.document["/K"])
        packet_holder = cast(DictionaryObject, kids[-1].get_object())
        packet_holder[NameObject("/T")] = TextStringObject(title)
        builder.finish_structure()
        builder.set_catalog(title=title, intent=profile if claim else None, claim=claim)
        builder.writer.root_object[NameObject("/PageLabels")] = DictionaryObject(
            {
                NameObject("/Nums"): ArrayObject(
                    [
                        NumberObject(0),
                        DictionaryObject(
                            {
                                NameObject("/S"): NameObject("/D"),
                                NameObject("/P"): TextStringObject(FRONT_LABEL_PREFIX),
                            }
                        ),
                        NumberObject(front_pages),
                        DictionaryObject({NameObject("/S"): NameObject("/D")}),
                    ]
                )
            }
        )
        _deduplicate(builder.writer)
        _write_atomic(builder.writer, target)
        builder.writer._objects.clear()
        _release_parts(parts)
    return front_pages, tuple(problems)
