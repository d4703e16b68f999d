"""Structured and Markdown tables: the rows seen in real papers, and a layout that holds.

Description rows over the full width, subtotals, a comment in the sum row, signs and decimals
from the data, "–" for an empty amount, no-break spaces in cells; columns wide enough that no
amount or date breaks; small tables kept on one page, split ones repeating their header.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.table import Table
from pypdf import PdfReader

from beslut.convert.libreoffice import FakeConverter
from beslut.pipeline import build
from beslut.render.markdown_docx.tables import _text_twips
from conftest import CASE, REPO, MakeWorkspace, findings, pdf_figures

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "\u2013"
CASE_REL = "content/ärenden/ok.md"

TABLES = """\
tabeller:
  - id: budget
    rubrik: Tabell 1. Budget 2020
    kolumner:
      - {rubrik: Post, typ: text}
      - {rubrik: Belopp, typ: belopp, enhet: mnkr}
      - {rubrik: Andel, typ: procent, decimaler: 1}
      - {rubrik: Kommentar, typ: text}
    rader:
      - beskrivning: Hälso- och sjukvård
      - [Vårdcentraler, 120, 6.04, Ökning med 5 %]
      - [Sjukhus, -3, "6,0", null]
      - {delsumma: Summa hälso- och sjukvård, angiven: [null, 117, null, null]}
      - beskrivning: Övrigt
      - [Lokaler, null, "12", null]
    summarad: Summa
    summarad_kommentar: Ej förbrukade medel återlämnas!
    angiven_summa: [null, 117, null, null]
"""


def case(tables: str, body: str) -> str:
    return CASE.replace("---\n\n## Sammanfattning", tables + "---\n\n## Sammanfattning").replace(
        "Text med å, ä och ö.\n", body
    )


def build_docx(root: Path) -> Any:
    report = build(root, formats=("docx",), converter=FakeConverter())
    assert report.ok, [d.format() for d in report.diagnostics]
    return docx.Document(str(root / "output" / "ärenden" / "ok.docx"))


def texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def keeps(table: Table) -> list[bool]:
    """Per row: do all its paragraphs keep with the next one?"""
    return [
        all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
        for row in table.rows
    ]


def row_flags(table: Table, tag: str) -> list[bool]:
    return [row._tr.find(f"{qn('w:trPr')}/{qn(tag)}") is not None for row in table.rows]


def grid(table: Table) -> list[int]:
    cols = table._tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    return [int(c.get(qn("w:w"))) for c in cols]


# --------------------------------------------------------------------------- rows


def test_structured_table_rows_as_in_real_papers(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({CASE_REL: case(TABLES, "Budgeten:\n\n```tabell budget\n```\n")})
    document = build_docx(root)
    (table,) = document.tables
    assert texts(table) == [
        ["Post", "Belopp", "Andel", "Kommentar"],
        ["Hälso- och sjukvård"] * 4,  # one cell over the full width
        ["Vårdcentraler", f"120{NBSP}mnkr", f"6,0{NBSP}%", f"Ökning med 5{NBSP}%"],
        # the sign from the data, a true minus; "6,0" keeps its decimal; empty → ""
        ["Sjukhus", f"{MINUS}3{NBSP}mnkr", f"6,0{NBSP}%", ""],
        ["Summa hälso- och sjukvård", f"117{NBSP}mnkr", f"12,0{NBSP}%", ""],
        ["Övrigt"] * 4,
        # an empty amount prints "–"; "12" written as text keeps no decimals
        ["Lokaler", DASH, f"12{NBSP}%", ""],
        ["Summa", f"117{NBSP}mnkr", f"24,0{NBSP}%", "Ej förbrukade medel återlämnas!"],
    ]
    description = table.rows[1]._tr.findall(qn("w:tc"))
    assert len(description) == 1
    assert description[0].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "4"
    assert all(r.bold for r in table.rows[1].cells[0].paragraphs[0].runs)
    for index in (4, 7):  # subtotal and sum rows are bold
        assert all(r.bold for c in table.rows[index].cells for p in c.paragraphs for r in p.runs)
    assert not any(r.bold for r in table.rows[2].cells[1].paragraphs[0].runs)
    # the header repeats on a new page, no row breaks across pages, and this small table
    # moves to the next page whole: every row keeps with the next but the last
    assert row_flags(table, "w:tblHeader") == [True] + [False] * 7
    assert row_flags(table, "w:cantSplit") == [True] * 8
    assert keeps(table) == [True] * 7 + [False]


def test_subtotal_and_numbers_as_text_are_checked(make_workspace: MakeWorkspace) -> None:
    wrong = TABLES.replace("angiven: [null, 117, null, null]", "angiven: [null, 118, null, null]")
    wrong = wrong.replace('[Lokaler, null, "12", null]', '[Lokaler, null, "tolv", null]')
    root = make_workspace({CASE_REL: case(wrong, "```tabell budget\n```\n")})
    found = findings(root, "delsumma-stämmer-inte", "inte-ett-tal")
    assert [f.split(": ", 2)[2] for f in found] == [
        "Delsumman ”Summa hälso- och sjukvård” har 118 i kolumnen ”Belopp”, men raderna sedan "
        "förra delsumman eller beskrivande raden summerar till 117. Rätta delsumman eller "
        "raderna. [delsumma-stämmer-inte]",
        "”tolv” i kolumnen ”Andel” är inte ett tal. Skriv talet utan enhet, t.ex. 1300 eller "
        '12.5, eller inom citattecken med de decimaler som ska synas, t.ex. "6,0". [inte-ett-tal]',
    ]
    line = (
        case(wrong, "")
        .splitlines()
        .index("      - {delsumma: Summa hälso- och sjukvård, angiven: [null, 118, null, null]}")
    )
    assert found[0].startswith(f"{CASE_REL}:{line + 1}:")
    root = make_workspace({CASE_REL: case(TABLES, "```tabell budget\n```\n")})
    assert findings(root, "delsumma-stämmer-inte", "inte-ett-tal", "summa-stämmer-inte") == []


def test_a_special_row_is_one_kind(make_workspace: MakeWorkspace) -> None:
    both = TABLES.replace(
        "      - beskrivning: Övrigt\n", "      - {beskrivning: Övrigt, delsumma: Summa}\n"
    )
    root = make_workspace({CASE_REL: case(both, "```tabell budget\n```\n")})
    (found,) = findings(root, "ogiltigt-värde")
    assert "antingen beskrivning eller delsumma" in found


# --------------------------------------------------------------------------- layout


WIDE = """\
tabeller:
  - id: atgarder
    kolumner:
      - {rubrik: Åtgärd, typ: text}
      - {rubrik: Personal, typ: belopp, enhet: tkr}
      - {rubrik: Drift, typ: belopp, enhet: tkr}
      - {rubrik: Start, typ: text}
      - {rubrik: Slut, typ: text}
      - {rubrik: Uppföljningsmått, typ: text}
    rader:
ROWS
"""


def wide_rows(count: int) -> str:
    row = (
        '      - ["Samla systemutveckling och konsolidera it-funktioner {n}", {amount}, 0, '
        '"2019-09", "2021-06", "Antal utvecklare, antal system och pappersförbrukning"]\n'
    )
    return "".join(row.format(n=n, amount=42500 + n) for n in range(count))


def test_columns_are_wide_enough_for_every_amount_and_date(make_workspace: MakeWorkspace) -> None:
    tables = WIDE.replace("ROWS\n", wide_rows(3))
    root = make_workspace({CASE_REL: case(tables, "```tabell atgarder\n```\n")})
    document = build_docx(root)
    (table,) = document.tables
    widths = grid(table)
    section = document.sections[-1]
    text_width = (section.page_width - section.left_margin - section.right_margin) // 635
    assert abs(sum(widths) - text_width) <= 6
    # "42 502 tkr" (10 characters) in bold would fit; so do the dates and the long heading
    assert widths[1] >= _text_twips(10, bold=True)
    assert widths[3] >= _text_twips(len("2019-09")) and widths[4] >= _text_twips(len("2021-06"))
    assert widths[5] >= _text_twips(len("Uppföljningsmått"), bold=True)
    assert widths[1] >= _text_twips(len("Personal"), bold=True)


def test_long_tables_split_with_the_sum_row_never_alone(make_workspace: MakeWorkspace) -> None:
    tables = (
        WIDE.replace("ROWS\n", wide_rows(20)).replace(
            "      - {rubrik: Personal, typ: belopp, enhet: tkr}",
            "      - {rubrik: Personal, typ: belopp, enhet: tkr}",
        )
        + "    summarad: Totalt\n"
    )
    root = make_workspace({CASE_REL: case(tables, "```tabell atgarder\n```\n")})
    document = build_docx(root)
    (table,) = document.tables
    assert len(table.rows) == 22
    # header with the first row, and the last data row with Totalt; the rest may split
    assert keeps(table) == [True] + [False] * 19 + [True, False]
    assert row_flags(table, "w:tblHeader") == [True] + [False] * 21


def test_markdown_pipe_tables_get_the_same_treatment(make_workspace: MakeWorkspace) -> None:
    body = (
        "| Åtgärd | Personal | Start |\n"
        "|---|---:|---|\n"
        "| Utskrift och kopiering | 12 000 tkr | 2019-09 |\n"
        "| RPA |  | 2019-06 |\n"
        "| Summa | 12 000 tkr | |\n"
    )
    root = make_workspace({CASE_REL: case("", body)})
    document = build_docx(root)
    (table,) = document.tables
    assert texts(table) == [
        ["Åtgärd", "Personal", "Start"],
        ["Utskrift och kopiering", f"12{NBSP}000{NBSP}tkr", "2019-09"],
        ["RPA", DASH, "2019-06"],  # an empty amount prints "–"
        ["Summa", f"12{NBSP}000{NBSP}tkr", ""],
    ]
    assert keeps(table) == [True, True, True, False]
    assert row_flags(table, "w:tblHeader") == [True, False, False, False]
    widths = grid(table)
    assert widths[1] >= _text_twips(len("12 000 tkr"), bold=True)
    assert widths[2] >= _text_twips(len("2019-09"))


# --------------------------------------------------------------------------- the PDFs


@pytest.fixture(scope="module")
def example_pdfs(
    tmp_path_factory: pytest.TempPathFactory, require_libreoffice_module: None
) -> dict[str, tuple[Any, PdfReader]]:
    root = tmp_path_factory.mktemp("exempel") / "arbetsyta"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    report = build(root, formats=("docx", "pdf"))
    assert report.ok, [d.format() for d in report.diagnostics]
    out = root / "output" / "ärenden"
    return {
        p.stem: (docx.Document(str(p)), PdfReader(str(p.with_suffix(".pdf"))))
        for p in sorted(out.glob("*.docx"))
    }


def _unbreakable(cell: str) -> list[str]:
    """The values in a cell that must never break: amounts, percentages and dates."""
    pattern = rf"[{MINUS}]?\d{{1,3}}(?:{NBSP}\d{{3}})*(?:,\d+)?(?:{NBSP}(?:%|tkr|mnkr|kr|mdkr))?"
    return [
        m.group(0)
        for m in re.finditer(rf"\d{{4}}-\d{{2}}(?:-\d{{2}})?|{pattern}", cell)
        if NBSP in m.group(0) or "-" in m.group(0) or m.group(0).startswith(MINUS)
    ]


@pytest.mark.libreoffice
def test_no_amount_or_date_in_a_table_breaks_across_lines(
    example_pdfs: dict[str, tuple[Any, PdfReader]],
) -> None:
    checked = 0
    for stem, (document, reader) in example_pdfs.items():
        lines = {
            re.sub(r"[ \u00a0]+", " ", line).strip()
            for page in reader.pages
            for line in page.extract_text().split("\n")
        }
        text = "\n".join(lines)
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    for value in _unbreakable(cell.text):
                        checked += 1
                        assert value.replace(NBSP, " ") in text, (stem, value)
    assert checked > 200


@pytest.mark.libreoffice
def test_seed_004_tables_keep_their_totals_and_signs(
    example_pdfs: dict[str, tuple[Any, PdfReader]],
) -> None:
    _, reader = example_pdfs["25HSN4120-omställning-hållbar-ekonomi"]
    pages = [re.sub(r"[ \u00a0]+", " ", p.extract_text()) for p in reader.pages]
    text = "\n".join(pages)
    assert "2020 −3 mnkr" in text  # seed 004: "2020: Kostnadsreduceringar – 3 mkr"
    assert "Totalt −213 mnkr −163 mnkr −152 mnkr −528 mnkr" in text
    # the Totalt row shares its page with the row above it
    (page,) = [p for p in pages if "Totalt −213 mnkr" in p]
    assert "Samordna lokaler och medarbetare" in page
    # every small per-year table is on one page: its header and its sum
    for p in pages:
        starts, sums = p.count("År Kostnadsreducering"), len(re.findall(r"\nSumma −\d", p))
        assert starts <= sums


@pytest.mark.libreoffice
def test_seed_002_chart_is_a_figure_with_caption_and_alt_text(
    example_pdfs: dict[str, tuple[Any, PdfReader]],
) -> None:
    # (here because this module builds the example PDFs once; figures: tests/test_figures.py)
    document, reader = example_pdfs["RS-730-2018-programdirektiv-nära-vård"]
    (shape,) = document.inline_shapes
    alt = shape._inline.docPr.get("descr")
    assert alt.startswith("Ytdiagram: från 1920 till 2020 minskar andelen akuta tillstånd")
    paragraphs = document.paragraphs
    index = next(
        i for i, p in enumerate(paragraphs) if p._p.find(".//" + qn("w:drawing")) is not None
    )
    caption = paragraphs[index + 1]
    assert (caption.style.name, caption.text) == (
        "Bildtext",
        "Bild: Svensk hälso- och sjukvård under 100 år",
    )
    assert paragraphs[index - 1].text.startswith("Det är känt att många av de kroniska")
    figures = pdf_figures(reader)
    assert [str(f["/Alt"]) for f in figures] == [alt]
    # the cost table's sum row carries the original's comment
    table = next(t for t in document.tables if t.rows[1].cells[0].text == "Samordnare")
    assert texts(table)[-1] == ["Summa", f"6{NBSP}550", "Ej förbrukade medel återlämnas!"]
