"""The packet's outline: "Kallelse och föredragningslista", then "Ärende N: titel" → each
document → that document's own heading outline; an item whose papers are not in the packet
("Handlingar lämnas senare") gets one bookmark to the kallelse. Bookmarks to one place share
their action."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pypdf import PdfWriter
from pypdf.generic import (
    Destination,
    DictionaryObject,
    Fit,
    IndirectObject,
    NameObject,
    PdfObject,
)

from beslut.assemble.model import PacketItem
from beslut.assemble.objects import _MAX_TREE_DEPTH
from beslut.assemble.parts import _Part


class _Bookmarks:
    """The outline part of :class:`~.builder._Builder`."""

    writer: PdfWriter
    item_outline: IndirectObject | None
    current_outline_item: int | None
    actions: dict[tuple[int, str, tuple[str, ...]], IndirectObject]

    if TYPE_CHECKING:

        def _add(self, obj: PdfObject) -> IndirectObject: ...

        def _item_title(self, item: PacketItem) -> str: ...

    def _outline(self, part: _Part) -> None:
        if part.item is None:
            parent = self._outline_item(part.title, part.start, None, Fit.fit(), is_open=False)
        else:
            if self.item_outline is None or self.current_outline_item != part.item.number:
                self.item_outline = self._outline_item(
                    self._item_title(part.item), part.start, None, Fit.fit(), is_open=True
                )
                self.current_outline_item = part.item.number
            parent = self._outline_item(
                part.title, part.start, self.item_outline, Fit.fit(), is_open=False
            )
        if part.reader is not None:
            memo = part.opened.memo if part.opened is not None else {}
            if "outline" not in memo:  # read once per file's bytes (see parts._ReaderCache)
                try:
                    memo["outline"] = part.reader.outline
                except MemoryError:
                    raise
                except Exception:
                    memo["outline"] = None
            outline = memo["outline"]
            if outline is None:
                return
            self._import_outline(part, outline, parent, 0)

    def _outline_without_papers(self, item: PacketItem, page: int = 0) -> None:
        """A bookmark for an item without documents, at the page that lists it: the kallelse's
        first (0), or the tilläggslista's for an item it added."""
        title = self._item_title(item) + (f" – {item.note}" if item.note else "")
        self._outline_item(title, page, None, Fit.fit(), is_open=False)
        self.current_outline_item = None

    def _import_outline(self, part: _Part, nodes: Any, parent: IndirectObject, depth: int) -> None:
        reader = part.reader
        assert reader is not None
        if depth > _MAX_TREE_DEPTH:
            return
        last: IndirectObject | None = None
        for node in nodes:
            if isinstance(node, list):
                if last is not None:
                    self._import_outline(part, node, last, depth + 1)
                continue
            try:
                index = reader.get_destination_page_number(node)
                array = node.dest_array
                fit = Fit(fit_type=str(array[1]), fit_args=list(array[2:]))
            except MemoryError:
                raise
            except Exception:
                index, fit = None, Fit.fit()
            if index is None or not 0 <= index < part.page_count:
                index, fit = 0, Fit.fit()
            last = self._outline_item(
                str(node.title or ""), part.start + index, parent, fit, is_open=False
            )

    def _outline_item(
        self, title: str, page: int, parent: IndirectObject | None, fit: Fit, *, is_open: bool
    ) -> IndirectObject:
        """``add_outline_item``, but bookmarks to the same place share one ``/GoTo`` action.

        An item's bookmark and its first document's bookmark both open the item's first page.
        """
        writer = self.writer
        item = writer.add_outline_item(
            title=title, page_number=None, parent=parent, is_open=is_open
        )
        key = (page, str(fit.fit_type), tuple(repr(arg) for arg in fit.fit_args))
        action = self.actions.get(key)
        if action is None:
            page_ref = writer.pages[page].indirect_reference
            assert page_ref is not None
            destination = Destination(NameObject(f"/{title} outline item"), page_ref, fit)
            action = self._add(
                DictionaryObject(
                    {
                        NameObject("/D"): destination.dest_array,
                        NameObject("/S"): NameObject("/GoTo"),
                    }
                )
            )
            self.actions[key] = action
        cast(DictionaryObject, item.get_object())[NameObject("/A")] = action
        return item
