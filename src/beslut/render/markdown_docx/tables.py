"""Tables: GFM tables and the case's structured tables, with Swedish cell formatting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from markdown_it.token import Token

from beslut.model import formatting
from beslut.model.models import ColumnKind, StructuredTable, TableColumn
from beslut.render.markdown_docx.lists import _ListConverter
from beslut.render.markdown_docx.xml import Element, _clean, _el

_SPACE = "[ \u00a0\u202f]"
_NUMERIC_CELL = re.compile(
    rf"^[\u2212\u2013+-]?{_SPACE}?\d{{1,3}}(?:{_SPACE}?\d{{3}})*(?:,\d+)?"
    rf"(?:{_SPACE}?(?:%|{'|'.join(formatting.AMOUNT_UNITS)}))?$"
)


@dataclass
class _Cell:
    children: list[Token]
    align: str | None
    line: int
    raw: str


class _TableConverter(_ListConverter):
    def _column_widths(self, weights: Sequence[int]) -> list[int]:
        total = sum(weights) or 1
        widths = [max(self.text_width * w // total, 400) for w in weights]
        return widths

    def _table_element(
        self, widths: Sequence[int], *, caption: str | None, has_sum: bool
    ) -> Element:
        tbl = OxmlElement("w:tbl")
        tbl_pr = _el("w:tblPr", tbl)
        style = self.styles.find("Tabell", "Table Grid", "TableGrid") or self.styles.ensure(
            "TableGrid", "Table Grid"
        )
        _el("w:tblStyle", tbl_pr, val=style)
        _el("w:tblW", tbl_pr, w=str(sum(widths)), type="dxa")
        _el("w:tblLayout", tbl_pr, type="fixed")
        look = 0x0020 | 0x0200 | 0x0400 | (0x0040 if has_sum else 0)
        _el(
            "w:tblLook",
            tbl_pr,
            val=f"{look:04X}",
            firstRow="1",
            lastRow="1" if has_sum else "0",
            firstColumn="0",
            lastColumn="0",
            noHBand="1",
            noVBand="1",
        )
        if caption:
            _el("w:tblCaption", tbl_pr, val=_clean(caption))
        grid = _el("w:tblGrid", tbl)
        for width in widths:
            _el("w:gridCol", grid, w=str(width))
        return tbl

    def _row(self, tbl: Element, *, header: bool = False) -> Element:
        tr = _el("w:tr", tbl)
        tr_pr = _el("w:trPr", tr)
        _el("w:cantSplit", tr_pr)
        if header:
            _el("w:tblHeader", tr_pr)
        return tr

    def _cell(self, tr: Element, width: int, style: str | None, right: bool) -> Element:
        tc = _el("w:tc", tr)
        _el("w:tcW", _el("w:tcPr", tc), w=str(width), type="dxa")
        p = self._paragraph_element(style, jc="right" if right else None)
        tc.append(p)
        return p

    def _cell_styles(self) -> tuple[str | None, str | None, bool]:
        body = self.style("Tabelltext")
        head = self.style("Tabellhuvud")
        head_bold = head is None
        if head is None:
            head = self.style("Tabellrubrik") or body
        return head, body, head_bold

    def gfm_table(self, tokens: Sequence[Token], start: int) -> int:
        """Convert a GFM table starting at ``tokens[start]``; return the index after it."""
        self.flush_item_marker()
        rows: list[list[_Cell]] = []
        header_rows = 0
        index = start + 1
        in_head = False
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif token.type in ("th_open", "td_open"):
                style = str(token.attrGet("style") or "")
                align = style.split(":", 1)[1].strip() if "text-align" in style else None
                inline = tokens[index + 1]
                line0 = inline.map[0] if inline.map else (token.map[0] if token.map else 0)
                rows[-1].append(_Cell(inline.children or [], align, line0, inline.content))
            index += 1
        if not rows:
            return index + 1
        ncols = max(len(row) for row in rows)
        body = rows[header_rows:]
        numeric: list[bool] = []
        for col in range(ncols):
            values = [re.sub(r"[*_`]", "", row[col].raw).strip() for row in body if col < len(row)]
            filled = [v for v in values if v]
            numeric.append(bool(filled) and all(_NUMERIC_CELL.match(v) for v in filled))
        weights = [
            min(max(max((len(row[col].raw) for row in rows if col < len(row)), default=3), 4), 40)
            for col in range(ncols)
        ]
        widths = self._column_widths(weights)
        tbl = self._table_element(widths, caption=None, has_sum=False)
        head_style, body_style, head_bold = self._cell_styles()
        for row_index, row in enumerate(rows):
            is_head = row_index < header_rows
            tr = self._row(tbl, header=is_head)
            for col in range(ncols):
                cell = row[col] if col < len(row) else None
                align = cell.align if cell else None
                right = align == "right" or (align is None and numeric[col])
                jc_right = right and align != "center"
                p = self._cell(tr, widths[col], head_style if is_head else body_style, jc_right)
                if align == "center":
                    ppr = p.find(qn("w:pPr"))
                    _el("w:jc", ppr if ppr is not None else _el("w:pPr", p), val="center")
                if cell is not None:
                    self.inline(p, cell.children, cell.line, bold=is_head and head_bold)
        self.insert(tbl)
        return index + 1

    def structured_table(self, table: StructuredTable) -> None:
        if table.caption:
            p = self.paragraph(self.style("Tabellrubrik", "caption"))
            self.run(p, table.caption)
        columns = table.columns
        formatted = [
            [_format_cell(row[i] if i < len(row) else None, col) for i, col in enumerate(columns)]
            for row in table.rows
        ]
        sum_row: list[str] | None = None
        if table.sum_label:
            sums = table.column_sums()
            sum_row = [
                _format_cell(value, col) if value is not None else ""
                for value, col in zip(sums, columns, strict=True)
            ]
            label_col = next((i for i, c in enumerate(columns) if not c.numeric), None)
            if label_col is not None:
                sum_row[label_col] = table.sum_label
        weights = []
        for i, col in enumerate(columns):
            longest = max([len(col.heading), *(len(r[i]) for r in formatted)], default=4)
            weights.append(min(max(longest, 4), 40))
        widths = self._column_widths(weights)
        tbl = self._table_element(widths, caption=table.caption, has_sum=sum_row is not None)
        head_style, body_style, head_bold = self._cell_styles()
        tr = self._row(tbl, header=True)
        for i, col in enumerate(columns):
            p = self._cell(tr, widths[i], head_style, col.numeric)
            self.run(p, col.heading, bold=head_bold)
        for values in formatted:
            tr = self._row(tbl)
            for i, col in enumerate(columns):
                p = self._cell(tr, widths[i], body_style, col.numeric)
                if values[i]:
                    self.run(p, values[i])
        if sum_row is not None:
            tr = self._row(tbl)
            for i, col in enumerate(columns):
                p = self._cell(tr, widths[i], body_style, col.numeric)
                if sum_row[i]:
                    self.run(p, sum_row[i], bold=True)
        self.insert(tbl)


def _format_cell(value: object, column: TableColumn) -> str:
    """Format one structured-table cell the Swedish way."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return str(value)
    if column.kind is ColumnKind.BELOPP:
        unit = column.unit.value if column.unit is not None else None
        if unit is None or column.heading.rstrip().endswith(f"({unit})"):
            # The heading already says "Belopp (tkr)": print bare numbers, as the seeds do.
            return formatting.number(value, column.decimals)
        return formatting.amount(value, unit, column.decimals)
    if column.kind is ColumnKind.TAL:
        return formatting.number(value, column.decimals)
    if column.kind is ColumnKind.PROCENT:
        return formatting.percent(value, column.decimals)
    return str(value)
