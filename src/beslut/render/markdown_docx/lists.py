"""List items: numbered first paragraphs, continuation paragraphs, and opening lists."""

from __future__ import annotations

from markdown_it.token import Token

from beslut.render.markdown_docx.inline import _InlineConverter
from beslut.render.markdown_docx.numbering import _ListLevel
from beslut.render.markdown_docx.xml import Element

_MAX_LIST_LEVEL = 2

MSG_DEEP_LIST = "Listor med fler än tre nivåer stöds inte; djupare nivåer skrivs som nivå 3."


class _ListConverter(_InlineConverter):
    def list_paragraph(self) -> Element:
        """A paragraph inside the current list item: numbered first, then continuation."""
        item = self.items[-1]
        level = item.list_level.level
        suffix = "" if level == 0 else f" {level + 1}"
        if item.pending:
            item.pending = False
            base = "List Number" if item.list_level.ordered else "List Bullet"
            style = self.style(base + suffix, base)
            return self.paragraph(style, num=(item.list_level.num_id, level))
        style = self.style("List Continue" + suffix, "List Continue")
        return self.paragraph(style)

    def body_paragraph(self) -> Element:
        if self.items and self.items[-1].pending:
            return self.list_paragraph()
        if self.quote_depth:
            return self.paragraph(self.style("Quote", "Citat", "Quotations"))
        if self.items:
            return self.list_paragraph()
        return self.paragraph(None)

    def flush_item_marker(self) -> None:
        """A list item starting with something other than a paragraph still gets its number."""
        if self.items and self.items[-1].pending:
            self.list_paragraph()

    def open_list(self, token: Token) -> None:
        self.flush_item_marker()
        depth = len(self.lists)
        if depth > _MAX_LIST_LEVEL and not self.deep_list_warned:
            self.deep_list_warned = True
            self.warn_block(token, "lista-för-djup", MSG_DEEP_LIST)
        level = min(depth, _MAX_LIST_LEVEL)
        if token.type == "ordered_list_open":
            start = int(str(token.attrGet("start") or 1))
            num_id = self.numbering.restart(level, start)
            self.lists.append(_ListLevel(True, level, num_id))
        else:
            self.lists.append(_ListLevel(False, level, str(self.numbering.bullet_num)))
