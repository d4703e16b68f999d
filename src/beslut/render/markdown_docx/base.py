"""Converter state: styles, warnings, and inserting paragraphs and tables after the anchor."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from docx.document import Document
from docx.shared import Emu
from markdown_it.token import Token

from beslut.model.models import StructuredTable
from beslut.render.images import LoadedImage
from beslut.render.markdown_docx.footnotes import _Footnotes
from beslut.render.markdown_docx.numbering import _Item, _ListLevel, _Numbering
from beslut.render.markdown_docx.styles import _Styles
from beslut.render.markdown_docx.xml import Element, _clean, _el, qn

_DEFAULT_TEXT_WIDTH = 9072  # 16 cm in twips
_SPACE_AFTER_TABLE = 160  # twips (8 pt) before a paragraph that follows a table


class MissingStyleError(Exception):
    """The document lacks a style the body needs (a heading level); the caller words the message.

    ``style`` is the style's name as Word knows it (``heading 2``), ``line`` the 1-based line
    in the file of the first Markdown element that needs it.
    """

    def __init__(self, style: str, line: int) -> None:
        super().__init__(style, line)
        self.style = style
        self.line = line


@dataclass(frozen=True)
class BodyWarning:
    """A problem in the body text; ``line`` and ``column`` are 1-based positions in the file."""

    line: int
    column: int
    code: str
    message: str


class _ConverterBase:
    """State shared by the conversion steps, and the helpers that insert into the body."""

    def __init__(
        self,
        document: Document,
        anchor: Element,
        text: str,
        tables: Mapping[str, StructuredTable],
        line_offset: int,
        images: Mapping[str, LoadedImage] | None = None,
    ) -> None:
        self.document = document
        self.images: Mapping[str, LoadedImage] = images or {}
        self.figure_count = 0
        self.cursor = anchor
        self.anchor = anchor
        self.tables = tables
        self.line_offset = line_offset
        self.source = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = self.source.split("\n")
        self.warnings: list[BodyWarning] = []
        self.styles = _Styles(document)
        self.numbering = _Numbering(document, self.styles)
        settings = document.settings.element if document.settings is not None else None
        self.footnotes = _Footnotes(document, settings)
        self.footnote_defs: dict[int, list[Token]] = {}
        self.lists: list[_ListLevel] = []
        self.items: list[_Item] = []
        self.quote_depth = 0
        self.page_break = False
        self.deep_list_warned = False
        self.last_was_table = False
        self.link_ids: dict[tuple[int, str], str] = {}
        self._style_cache: dict[tuple[str, ...], str | None] = {}
        self.text_width = self._text_width()

    # ----------------------------------------------------------------- helpers

    def _text_width(self) -> int:
        try:
            section = self.document.sections[-1]
            dims = (section.page_width, section.left_margin, section.right_margin)
            if any(d is None for d in dims):
                return _DEFAULT_TEXT_WIDTH
            emu = int(dims[0] or 0) - int(dims[1] or 0) - int(dims[2] or 0)
        except (AttributeError, IndexError, TypeError):
            return _DEFAULT_TEXT_WIDTH
        return emu // 635 if emu > 0 else _DEFAULT_TEXT_WIDTH  # 635 EMU per twip

    def _own_spacing(self) -> set[str | None]:
        return {
            self.style("heading 1", "Heading1"),
            self.style("heading 2", "Heading2"),
            self.style("heading 3", "Heading3"),
            self.style("Tabellrubrik", "caption"),
            self.style("Bildtext", "caption"),
        } - {None}

    def style(self, *names: str) -> str | None:
        key = tuple(names)
        if key not in self._style_cache:
            self._style_cache[key] = self.styles.find(*names)
        return self._style_cache[key]

    def warn(self, line0: int, col0: int, code: str, message: str) -> None:
        self.warnings.append(BodyWarning(line0 + 1 + self.line_offset, col0 + 1, code, message))

    def warn_block(self, token: Token, code: str, message: str) -> None:
        line0 = token.map[0] if token.map else 0
        text = self.lines[line0] if line0 < len(self.lines) else ""
        self.warn(line0, len(text) - len(text.lstrip()), code, message)

    def insert(self, element: Element) -> Element:
        is_table = element.tag == qn("w:tbl")
        if is_table and self.last_was_table:
            self._insert_raw(self._paragraph_element(None))
        if is_table and self.page_break:
            self.page_break = False
            breaker = self._paragraph_element(None)
            _el("w:br", _el("w:r", breaker), type="page")
            self._insert_raw(breaker)
        self._insert_raw(element)
        self.last_was_table = is_table
        return element

    def picture(
        self, run: Element, image: LoadedImage, alt: str, width: tuple[float, str] | None
    ) -> None:
        """Put ``image`` in ``run`` as an inline picture with ``alt`` as its description (the
        PDF's /Alt): ``width`` is (percent of the text width, "%") or (centimetres, "cm");
        without one the picture keeps its size at 96 dpi, at most the text width."""
        text_emu = self.text_width * 635
        if width is None:
            emu = min(text_emu, image.width_px * 914400 // 96)
        elif width[1] == "%":
            emu = int(text_emu * width[0] / 100)
        else:
            emu = min(int(width[0] * 360000), text_emu)
        height = emu * image.height_px // image.width_px
        inline = self.document.part.new_pic_inline(io.BytesIO(image.data), Emu(emu), Emu(height))
        self.figure_count += 1
        doc_pr = inline.find(qn("wp:docPr"))
        doc_pr.set("name", f"Bild {self.figure_count}")
        doc_pr.set("descr", _clean(alt))
        c_nv_pr = inline.find(".//" + qn("pic:cNvPr"))
        if c_nv_pr is not None:
            c_nv_pr.set("descr", _clean(alt))
        _el("w:drawing", run).append(inline)

    def keep_with_next(self, p: Element) -> None:
        """Give paragraph ``p`` keep-with-next (right after its style, where Word wants it)."""
        ppr = p.find(qn("w:pPr"))
        if ppr is None:
            ppr = _el("w:pPr")
            p.insert(0, ppr)
        keep = _el("w:keepNext")
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            style.addnext(keep)
        else:
            ppr.insert(0, keep)

    def _insert_raw(self, element: Element) -> None:
        self.cursor.addnext(element)
        self.cursor = element

    def _paragraph_element(
        self,
        style_id: str | None,
        *,
        num: tuple[str, int] | None = None,
        jc: str | None = None,
        page_break: bool = False,
        space_before: int | None = None,
    ) -> Element:
        p = _el("w:p")
        if style_id or num or jc or page_break or space_before is not None:
            ppr = _el("w:pPr", p)
            if style_id:
                _el("w:pStyle", ppr, val=style_id)
            if page_break:
                _el("w:pageBreakBefore", ppr)
            if num is not None:
                num_pr = _el("w:numPr", ppr)
                _el("w:ilvl", num_pr, val=str(num[1]))
                _el("w:numId", num_pr, val=num[0])
            if space_before is not None:
                _el("w:spacing", ppr, before=str(space_before))
            if jc:
                _el("w:jc", ppr, val=jc)
        return p

    def paragraph(
        self, style_id: str | None, *, num: tuple[str, int] | None = None, jc: str | None = None
    ) -> Element:
        """Insert a new body paragraph (carrying a pending page break).

        A paragraph right after a table gets some space before it, unless its style has its
        own (headings, captions): Word has no spacing below tables.
        """
        space_before = None
        if self.last_was_table and style_id not in self._own_spacing():
            space_before = _SPACE_AFTER_TABLE
        p = self._paragraph_element(
            style_id, num=num, jc=jc, page_break=self.page_break, space_before=space_before
        )
        self.page_break = False
        return self.insert(p)
