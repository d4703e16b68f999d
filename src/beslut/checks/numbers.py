"""Content checks, family "Tal": sums in structured tables.

* ``summa-stämmer-inte``: a stated sum (``angiven_summa``) must equal its column's sum.
* ``radsumma``: a row-sum column (``radsumma: true``, or a last numeric column headed Summa,
  Totalt or Total) must equal the sum of the row's other columns of the same type and unit.
* ``delsumma-stämmer-inte``: a subtotal row's stated values (``angiven``) must equal the sum of
  the rows since the previous subtotal or description row.
* ``dubblett-rad``: a row label appears twice in a table's first text column.
* ``källtabell``: a summary row linked with ``källor`` must agree with the tables it sums up.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from beslut.checks.base import Context
from beslut.checks.catalogue import RULES
from beslut.diagnostics import Diagnostic
from beslut.load.yamlpos import PathKey
from beslut.model.models import Cell, ColumnKind, StructuredTable, Unit, cell_number

if TYPE_CHECKING:
    from beslut.validate.workspace import CaseDocument

_SUM_HEADINGS = frozenset({"summa", "totalt", "total"})

Key = tuple[ColumnKind, Unit | None]
"""Columns are summed together only when they have the same type and unit."""


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield findings."""
    for case in context.cases:
        tables = {t.id: t for t in case.case.tables}
        for index, table in enumerate(case.case.tables):
            yield from _stated_sums(case, index, table)
            yield from _row_sums(case, index, table)
            yield from _duplicate_labels(case, index, table)
            yield from _subtotals(case, index, table)
            yield from _sources(case, index, table, tables)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _value(cell: Cell) -> Decimal | None:
    """Return a cell's number (also one written as text, "6,0"), or None for an empty or
    non-numeric cell."""
    return cell_number(cell)


def _show(value: Decimal) -> str:
    """Return a number as it is written in the YAML data (1700, 7.5, -50)."""
    return f"{value.normalize():f}"


def _quoted(items: Sequence[str]) -> str:
    """Return ”a”, ”b” och ”c”."""
    names = [f"”{item}”" for item in items]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def _key(table: StructuredTable, column: int) -> Key:
    found = table.columns[column]
    return found.kind, found.unit


def _rows(table: StructuredTable) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    """Yield (index, row) for the rows with one value per column; the others are an error of
    their own (``tabellrad-längd``)."""
    for index, row in table.data_rows():
        if len(row) == len(table.columns):
            yield index, row


def _label_column(table: StructuredTable) -> int | None:
    """Return the index of the first text column, which holds the row labels."""
    return next((i for i, c in enumerate(table.columns) if c.kind is ColumnKind.TEXT), None)


def _label(table: StructuredTable, row: object) -> str | None:
    if not isinstance(row, tuple):
        return None  # a description or subtotal row
    column = _label_column(table)
    if column is None or column >= len(row) or row[column] is None:
        return None
    text = str(row[column]).strip()
    return text or None


def _sum_columns(table: StructuredTable) -> list[int]:
    """Return the row-sum columns: those with ``radsumma: true``, else a last numeric column
    headed Summa, Totalt or Total (unless it says ``radsumma: false``)."""
    chosen = [i for i, c in enumerate(table.columns) if c.row_sum]
    last = table.columns[-1]
    if (
        not chosen
        and last.row_sum is None
        and last.numeric
        and last.heading.strip().casefold() in _SUM_HEADINGS
    ):
        chosen = [len(table.columns) - 1]
    return chosen


def _parts(table: StructuredTable, total: int) -> list[int]:
    """Return the columns a row-sum column adds up."""
    sums = _sum_columns(table)
    key = _key(table, total)
    return [
        i
        for i, c in enumerate(table.columns)
        if i not in sums and c.numeric and _key(table, i) == key
    ]


def _parts_sum(row: Sequence[Cell], parts: list[int]) -> Decimal:
    return sum((_value(row[i]) or Decimal(0) for i in parts), Decimal(0))


def _adds_up(table: StructuredTable, row: Sequence[Cell], total: int) -> bool:
    """Return False when a row-sum cell differs from the sum of the row's other amounts."""
    parts = _parts(table, total)
    stated = _value(row[total])
    return not parts or stated is None or stated == _parts_sum(row, parts)


def _column_sum(table: StructuredTable, column: int) -> Decimal:
    return sum((_value(row[column]) or Decimal(0) for _, row in _rows(table)), Decimal(0))


# ---------------------------------------------------------------------------------------------
# summa-stämmer-inte and radsumma
# ---------------------------------------------------------------------------------------------


def _stated_sums(case: CaseDocument, index: int, table: StructuredTable) -> Iterator[Diagnostic]:
    if table.stated_sum is None:
        return
    for column, (spec, stated) in enumerate(zip(table.columns, table.stated_sum, strict=False)):
        value = _value(stated)
        if value is None or not spec.numeric:
            continue
        computed = _column_sum(table, column)
        if value != computed:
            pos = case.source.positions.find(("tabeller", index, "angiven_summa", column))
            yield RULES["summa-stämmer-inte"].at(
                case.rel,
                pos.line,
                pos.column,
                f"Summan i kolumnen ”{spec.heading}” är {stated} i originalet men raderna summerar "
                f"till {computed.normalize():f}. Rätta raderna eller summan.",
            )


def _row_sums(case: CaseDocument, index: int, table: StructuredTable) -> Iterator[Diagnostic]:
    for total in _sum_columns(table):
        parts = _parts(table, total)
        if not parts:
            continue
        heading = table.columns[total].heading
        names = _quoted([table.columns[i].heading for i in parts])
        failed = False
        for row_index, row in _rows(table):
            if not _adds_up(table, row, total):
                failed = True
                stated, computed = _value(row[total]) or Decimal(0), _parts_sum(row, parts)
                label = _label(table, row)
                who = f"Raden ”{label}”" if label else f"Rad {row_index + 1}"
                pos = case.source.positions.find(("tabeller", index, "rader", row_index, total))
                yield RULES["radsumma"].at(
                    case.rel,
                    pos.line,
                    pos.column,
                    f"{who} har {_show(stated)} i kolumnen ”{heading}”, men radens belopp i "
                    f"{names} summerar till {_show(computed)}. Rätta summan eller beloppen.",
                )
        if not failed:  # otherwise the stated sum row is off by the same amount
            yield from _stated_row_sum(case, index, table, total, parts)


def _stated_row_sum(
    case: CaseDocument, index: int, table: StructuredTable, total: int, parts: list[int]
) -> Iterator[Diagnostic]:
    """Check the stated sum row like any row. Cells it leaves empty count as the computed
    column sum; a stated cell that differs from its column is ``summa-stämmer-inte`` already."""
    stated_row = table.stated_sum or ()
    if total >= len(stated_row) or (stated := _value(stated_row[total])) is None:
        return
    values: list[Decimal] = []
    for column in (total, *parts):
        computed = _column_sum(table, column)
        given = _value(stated_row[column]) if column < len(stated_row) else None
        if given is not None and given != computed:
            return
        values.append(computed if given is None else given)
    parts_sum = sum(values[1:], Decimal(0))
    if stated != parts_sum:
        label = f"Summaraden ”{table.sum_label}”" if table.sum_label else "Den angivna summaraden"
        names = _quoted([table.columns[i].heading for i in parts])
        pos = case.source.positions.find(("tabeller", index, "angiven_summa", total))
        yield RULES["radsumma"].at(
            case.rel,
            pos.line,
            pos.column,
            f"{label} har {_show(stated)} i kolumnen ”{table.columns[total].heading}”, men "
            f"summorna i {names} blir {_show(parts_sum)}. Rätta summan eller beloppen.",
        )


def _subtotals(case: CaseDocument, index: int, table: StructuredTable) -> Iterator[Diagnostic]:
    for row_index, sums in table.subtotals().items():
        row = table.rows[row_index]
        stated_row = getattr(row, "stated", None) or ()
        for column, (stated, computed) in enumerate(zip(stated_row, sums, strict=False)):
            value = _value(stated)
            if value is None or computed is None or value == computed:
                continue
            label = getattr(row, "subtotal", "")
            pos = case.source.positions.find(
                ("tabeller", index, "rader", row_index, "angiven", column)
            )
            yield RULES["delsumma-stämmer-inte"].at(
                case.rel,
                pos.line,
                pos.column,
                f"Delsumman ”{label}” har {_show(value)} i kolumnen "
                f"”{table.columns[column].heading}”, men raderna sedan förra delsumman eller beskrivande raden summerar "
                f"till {_show(computed)}. Rätta delsumman eller raderna.",
            )


# ---------------------------------------------------------------------------------------------
# dubblett-rad
# ---------------------------------------------------------------------------------------------

_YEAR = re.compile(r"(?:19|20)\d\d")


def _duplicate_labels(
    case: CaseDocument, index: int, table: StructuredTable
) -> Iterator[Diagnostic]:
    column = _label_column(table)
    if column is None:
        return
    labels = [_label(table, row) for row in table.rows]
    seen: dict[str, int] = {}
    for row_index, label in enumerate(labels):
        if label is None:
            continue
        first = seen.setdefault(label.casefold(), row_index)
        if first == row_index:
            continue
        if _YEAR.fullmatch(label):
            years = {int(x) for x in labels if x is not None and _YEAR.fullmatch(x)}
            free = next(y for y in range(min(years), max(years) + 2) if y not in years)
            hint = f"Troligen avser raden ett annat år, kanske {free}; rätta årtalet."
        else:
            hint = "Troligen är det ett skrivfel; rätta etiketten eller ta bort den ena raden."
        pos = case.source.positions.find(("tabeller", index, "rader", row_index, column))
        yield RULES["dubblett-rad"].at(
            case.rel,
            pos.line,
            pos.column,
            f"”{label}” står redan på rad {first + 1} i tabellen ”{table.id}”. {hint}",
        )


# ---------------------------------------------------------------------------------------------
# källtabell
# ---------------------------------------------------------------------------------------------


def _hint(word: str, known: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" Menade du ”{close[0]}”?" if close else ""


def _amount_columns(table: StructuredTable, key: Key) -> list[int]:
    """Return the columns holding a row's amount of type and unit ``key``: its row-sum column
    if it has one, else every numeric column of that type and unit."""
    sums = [i for i in _sum_columns(table) if _key(table, i) == key]
    return sums[:1] or [
        i for i, c in enumerate(table.columns) if c.numeric and _key(table, i) == key
    ]


def _linked_amount(table: StructuredTable, key: Key, label: str | None) -> Decimal:
    """Return a linked table's total (``label`` None) or the amount on its first row with this
    label (0 when it has none)."""
    columns = _amount_columns(table, key)
    total = Decimal(0)
    for _, row in _rows(table):
        if label is None or _label(table, row) == label:
            total += sum((_value(row[i]) or Decimal(0) for i in columns), Decimal(0))
            if label is not None:
                break
    return total


def _kind_text(key: Key) -> str:
    kind, unit = key
    return f"{kind.value} i {unit.value}" if unit else f"typen {kind.value}"


def _sources(
    case: CaseDocument,
    index: int,
    table: StructuredTable,
    tables: dict[str, StructuredTable],
) -> Iterator[Diagnostic]:
    if not table.sources:
        return
    where = ("tabeller", index, "källor")
    rows = {label: (i, row) for i, row in _rows(table) if (label := _label(table, row))}
    others = [t for t in tables if t != table.id]
    located: list[tuple[str, int, tuple[Cell, ...], list[tuple[StructuredTable, PathKey]]]] = []
    for key, refs in table.sources.items():
        label = key.strip()
        if label not in rows:
            pos = case.source.positions.find((*where, key), want_key=True)
            yield RULES["källtabell"].at(
                case.rel,
                pos.line,
                pos.column,
                f"”{key}” under ”källor” är ingen rad i tabellen ”{table.id}”."
                f"{_hint(label, list(rows))} Skriv radens etikett precis som i första kolumnen.",
            )
        names = (refs,) if isinstance(refs, str) else refs
        targets: list[tuple[StructuredTable, PathKey]] = []
        for n, name in enumerate(names):
            found = tables.get(name)
            path: PathKey = (*where, key) if isinstance(refs, str) else (*where, key, n)
            if found is None or found is table:
                pos = case.source.positions.find(path)
                yield RULES["källtabell"].at(
                    case.rel,
                    pos.line,
                    pos.column,
                    f"Det finns ingen annan tabell med id ”{name}” i ärendet.{_hint(name, others)}"
                    " Skriv id:t för tabellen som raden sammanfattar.",
                )
            else:
                targets.append((found, path))
        if label in rows and len(targets) == len(names):  # a wrong id would skew the sums
            located.append((label, *rows[label], targets))
    known = {
        label
        for *_, targets in located
        for t, _ in targets
        for _, row in _rows(t)
        if (label := _label(t, row))
    }
    sums = _sum_columns(table)
    compared = [
        i
        for i, c in enumerate(table.columns)
        if c.numeric and i not in sums and c.heading.strip() in known
    ]
    keys = {_key(table, column) for column in compared + sums}
    for label, row_index, row, targets in located:
        linked: list[StructuredTable] = []
        for t, at in targets:
            missing = [k for k in keys if not _amount_columns(t, k)]
            if missing:
                pos = case.source.positions.find(at)
                yield RULES["källtabell"].at(
                    case.rel,
                    pos.line,
                    pos.column,
                    f"Tabellen ”{t.id}” har ingen kolumn med {_kind_text(missing[0])} att jämföra "
                    f"med raden ”{label}”. Ange samma typ och enhet i båda tabellerna.",
                )
            else:
                linked.append(t)
        if len(linked) < len(targets):
            continue
        for column in compared + sums:
            heading = table.columns[column].heading.strip()
            if isinstance(row[column], str):
                continue
            if column in sums and not _adds_up(table, row, column):
                continue  # the row does not add up: that is radsumma's finding
            wanted = None if column in sums else heading
            kind = _key(table, column)
            computed = sum((_linked_amount(t, kind, wanted) for t in linked), Decimal(0))
            stated = _value(row[column])
            if (Decimal(0) if stated is None else stated) == computed:
                continue
            has = f"har {_show(stated)}" if stated is not None else "saknar belopp"
            ids = ("tabellen " if len(linked) == 1 else "tabellerna ") + _quoted(
                [t.id for t in linked]
            )
            what = (
                f"{ids} summerar till {_show(computed)}"
                if wanted is None
                else f"raden ”{heading}” i {ids} har {_show(computed)}"
            )
            pos = case.source.positions.find(("tabeller", index, "rader", row_index, column))
            yield RULES["källtabell"].at(
                case.rel,
                pos.line,
                pos.column,
                f"Raden ”{label}” {has} i kolumnen ”{heading}”, men {what}. "
                "Rätta beloppet här eller i källtabellen.",
            )
