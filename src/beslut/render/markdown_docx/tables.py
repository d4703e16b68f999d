"""Tables: GFM tables and the case's structured tables, with Swedish cell formatting."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markdown_it.token import Token

from beslut.model import formatting
from beslut.model.models import (
    ColumnKind,
    StructuredTable,
    TableColumn,
    cell_number,
    written_decimals,
)
from beslut.model.typography import hard_spaces
from beslut.render.markdown_docx.inline import _plain
from beslut.render.markdown_docx.lists import _ListConverter
from beslut.render.markdown_docx.xml import Element, _clean, _el, qn

_SPACE = "[ \u00a0\u202f]"
_NUMERIC_CELL = re.compile(
    rf"^(?:\u2013|[\u2212\u2013+-]?{_SPACE}?\d{{1,3}}(?:{_SPACE}?\d{{3}})*(?:,\d+)?"
    rf"(?:{_SPACE}?(?:%|{'|'.join(formatting.AMOUNT_UNITS)}))?)$"
)


EMPTY_NUMBER = "\u2013"
"""What an empty cell in a number column prints (an en dash, as in printed tables)."""

KEEP_TOGETHER_ROWS = 14
"""Tables with at most this many rows (header and sum rows included, so about a dozen rows of
data) are kept on one page."""

_CHAR_TWIPS = 108  # a 10 pt Carlito character, generously (digits are 101)
_BOLD_CHAR_TWIPS = 116
_CELL_PADDING = 2 * 85 + 60  # the table style's cell margins, and some air
_NATURAL_CHARS = 60


def _words(text: str) -> list[str]:
    """Split at the places a line may break: ordinary spaces, and hyphens and slashes between
    letters ("lab-/röntgen"). No-break spaces keep "12 500 tkr" one word, and a date such as
    "2019-09" or a range "2020–2022" counts as one word: its column is made wide enough."""
    return [w for w in re.split(r"[ \t\n]+|(?<=[^\W\d][-/\u2013])(?=[^\W\d])", text) if w]


def _text_twips(chars: int, *, bold: bool = False) -> int:
    return chars * (_BOLD_CHAR_TWIPS if bold else _CHAR_TWIPS) + _CELL_PADDING


@dataclass
class _Cell:
    children: list[Token]
    align: str | None
    line: int
    raw: str


class _TableConverter(_ListConverter):
    def _content_widths(
        self, headings: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]
    ) -> list[int]:
        """Return column widths (twips) that fill the text width and never break a word.

        Every column is at least as wide as its longest word (an amount such as "12 500 tkr"
        or a date "2019-09" is one word: its spaces are no-break spaces), the heading's in
        bold; what is left goes to the columns whose text would otherwise wrap, in proportion
        to how much more they need.
        """
        ncols = len(headings)
        mins: list[int] = []
        wants: list[int] = []
        for col in range(ncols):
            cells = [row[col] for row in rows if col < len(row)]
            words = [len(w) for c in cells for w in _words(c)]
            head_words = [len(w) for w in _words(headings[col])]
            longest = max([*words, 1])
            head_longest = max([*head_words, 1])
            minimum = max(_text_twips(longest), _text_twips(head_longest, bold=True))
            if numeric[col]:
                minimum = max(minimum, _text_twips(max([len(c) for c in cells] + [1]), bold=True))
            natural = max(
                [_text_twips(min(len(c), _NATURAL_CHARS)) for c in cells]
                + [_text_twips(min(len(headings[col]), _NATURAL_CHARS), bold=True)]
            )
            mins.append(minimum)
            wants.append(max(minimum, natural))
        width = self.text_width
        if sum(mins) >= width:
            total = sum(mins)
            return [max(width * m // total, 300) for m in mins]
        extra = width - sum(mins)
        need = [w - m for w, m in zip(wants, mins, strict=True)]
        if sum(need) <= extra:
            rest = extra - sum(need)
            base = sum(wants)
            widths = [w + rest * w // base for w in wants]
        else:
            total_need = sum(need)
            widths = [m + extra * n // total_need for m, n in zip(mins, need, strict=True)]
        widths[-1] += width - sum(widths)
        return widths

    def _table_element(
        self, widths: Sequence[int], *, caption: str | None, has_sum: bool
    ) -> Element:
        tbl = _el("w:tbl")
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

    def _cell(
        self,
        tr: Element,
        width: int,
        style: str | None,
        right: bool,
        *,
        keep_next: bool = False,
        span: int = 1,
    ) -> Element:
        tc = _el("w:tc", tr)
        tc_pr = _el("w:tcPr", tc)
        _el("w:tcW", tc_pr, w=str(width), type="dxa")
        if span > 1:
            _el("w:gridSpan", tc_pr, val=str(span))
        p = self._paragraph_element(style, jc="right" if right else None)
        if keep_next:
            self.keep_with_next(p)
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
        texts = [[hard_spaces(_plain(c.children) or c.raw) for c in row] for row in rows]
        headings = [
            " ".join(texts[r][col] for r in range(header_rows) if col < len(texts[r]))
            for col in range(ncols)
        ]
        widths = self._content_widths(headings, texts[header_rows:], numeric)
        tbl = self._table_element(widths, caption=None, has_sum=False)
        head_style, body_style, head_bold = self._cell_styles()
        keep = _keep_rows(len(rows))
        for row_index, row in enumerate(rows):
            is_head = row_index < header_rows
            tr = self._row(tbl, header=is_head)
            for col in range(ncols):
                cell = row[col] if col < len(row) else None
                align = cell.align if cell else None
                right = align == "right" or (align is None and numeric[col])
                jc_right = right and align != "center"
                cell_style = head_style if is_head else body_style
                p = self._cell(tr, widths[col], cell_style, jc_right, keep_next=keep[row_index])
                if align == "center":
                    ppr = p.find(qn("w:pPr"))
                    _el("w:jc", ppr if ppr is not None else _el("w:pPr", p), val="center")
                if cell is not None and (cell.children or cell.raw.strip()):
                    self.inline(p, cell.children, cell.line, bold=is_head and head_bold)
                elif not is_head and numeric[col]:
                    self.run(p, EMPTY_NUMBER)
        self.insert(tbl)
        return index + 1

    def structured_table(self, table: StructuredTable) -> None:
        if table.caption:
            p = self.paragraph(self.style("Tabellrubrik", "caption"))
            self.run(p, hard_spaces(table.caption))
        columns = table.columns
        ncols = len(columns)
        label_col = next((i for i, c in enumerate(columns) if not c.numeric), None)
        subtotals = table.subtotals()
        # (cells or a full-width text, bold)
        body: list[tuple[list[str] | str, bool]] = []
        for index, row in enumerate(table.rows):
            if isinstance(row, tuple):
                body.append(
                    (
                        [
                            _format_cell(row[i] if i < len(row) else None, c)
                            for i, c in enumerate(columns)
                        ],
                        False,
                    )
                )
            elif row.description is not None:
                body.append((hard_spaces(row.description), True))
            else:
                body.append((_total_row(subtotals[index], columns, label_col, row.subtotal), True))
        if table.sum_label:
            cells = _total_row(table.column_sums(), columns, label_col, table.sum_label)
            if table.sum_comment:
                comment_col = next(
                    (
                        i
                        for i in range(ncols - 1, -1, -1)
                        if not columns[i].numeric and i != label_col
                    ),
                    None,
                )
                comment = hard_spaces(table.sum_comment)
                if comment_col is None:
                    at = label_col if label_col is not None else 0
                    cells[at] = f"{cells[at]} {comment}".strip()
                else:
                    cells[comment_col] = comment
            body.append((cells, True))
        headings = [hard_spaces(c.heading) for c in columns]
        grid_rows = [cells for cells, _ in body if isinstance(cells, list)]
        widths = self._content_widths(headings, grid_rows, [c.numeric for c in columns])
        has_sum = table.sum_label is not None
        tbl = self._table_element(widths, caption=table.caption, has_sum=has_sum)
        head_style, body_style, head_bold = self._cell_styles()
        keep = _keep_rows(len(body) + 1)
        tr = self._row(tbl, header=True)
        for i, col in enumerate(columns):
            p = self._cell(tr, widths[i], head_style, col.numeric, keep_next=keep[0])
            self.run(p, headings[i], bold=head_bold)
        for row_index, (content, bold) in enumerate(body, start=1):
            tr = self._row(tbl)
            if isinstance(content, str):
                p = self._cell(
                    tr, sum(widths), body_style, False, keep_next=keep[row_index], span=ncols
                )
                self.run(p, content, bold=True)
                continue
            for i, col in enumerate(columns):
                p = self._cell(tr, widths[i], body_style, col.numeric, keep_next=keep[row_index])
                if content[i]:
                    self.run(p, content[i], bold=bold)
        self.insert(tbl)


def _keep_rows(count: int) -> list[bool]:
    """Return, per row (header first), whether it keeps with the next row: every row of a
    table up to :data:`KEEP_TOGETHER_ROWS` rows (it moves to the next page whole), else the
    header and the row before the last (a split table never leaves its sum row alone)."""
    if count <= KEEP_TOGETHER_ROWS:
        return [index < count - 1 for index in range(count)]
    keep = [False] * count
    keep[0] = True
    if count >= 2:
        keep[count - 2] = True
    return keep


def _total_row(
    sums: Sequence[Decimal | None],
    columns: Sequence[TableColumn],
    label_col: int | None,
    label: str | None,
) -> list[str]:
    cells = [
        _format_cell(v, c) if v is not None else "" for v, c in zip(sums, columns, strict=True)
    ]
    if label_col is not None and label:
        cells[label_col] = hard_spaces(label)
    return cells


def _format_cell(value: object, column: TableColumn) -> str:
    """Format one structured-table cell the Swedish way.

    An empty cell in a number column prints "–". A number written as text ("6,0") keeps its
    decimals, whatever the column says; other text is printed with the hard spaces of body
    text. Negative numbers get a true minus sign (U+2212).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY_NUMBER if column.numeric else ""
    decimals = column.decimals
    if isinstance(value, str):
        written = written_decimals(value) if column.numeric else None
        number = cell_number(value) if written is not None else None
        if number is None:
            return hard_spaces(value)
        value, decimals = number, written
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return str(value)
    if column.kind is ColumnKind.BELOPP:
        unit = column.unit.value if column.unit is not None else None
        if unit is None or column.heading.rstrip().endswith(f"({unit})"):
            # The heading already says "Belopp (tkr)": print bare numbers, as the seeds do.
            return formatting.number(value, decimals)
        return formatting.amount(value, unit, decimals)
    if column.kind is ColumnKind.TAL:
        return formatting.number(value, decimals)
    if column.kind is ColumnKind.PROCENT:
        return formatting.percent(value, decimals)
    return str(value)
