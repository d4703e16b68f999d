"""Page layout: the layout check (``convert.layout``) and the templates' paragraph properties.

* The checker on small PDFs made to have each defect (and on clean ones, which must pass).
* The checker on a PDF LibreOffice made of a narrow table (the real producer).
* The example workspace built once with LibreOffice: every paper, the kallelse and the packets
  are checked, whatever the build produces.
* The templates and the Markdown body: keep-with-next, keep-lines, widow control, hard hyphens.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from beslut import api
from beslut.convert.layout import LayoutProblem, layout_problems, page_lines
from conftest import REPO, need_libreoffice
from test_render import copy_example_workspace

# --------------------------------------------------------------------------------------------
# Small PDFs with one defect each
# --------------------------------------------------------------------------------------------

Text = tuple[float, float, str] | tuple[float, float, str, float, bool]

LEFT = 71.0
TOP = 746.0
LINE = 14.7
PROSE = (
    "Förvaltningen bedömer att arbetet med planen nu har en gemensam struktur i länet, med en ",
    "övergripande plan, en prioriterad tidplan och ett tydligt ansvar för genomförandet i de ",
    "lokala samverkansgrupperna. Revisorernas sammanfattning av granskningen bifogas ",
    "handlingarna till sammanträdet. Förvaltningen föreslår att nämnden godkänner ",
    "uppföljningen och anser att uppdraget är återrapporterat.",
)


def header(page: int) -> list[Text]:
    """The running header, as the templates print it (9 pt, top band)."""
    return [
        (LEFT, 797.7, "Region Skåne", 9, False),
        (326.1, 797.7, "TJÄNSTESKRIVELSE", 9, True),
        (503.3, 797.7, f"{page} (2)", 9, False),
        (LEFT, 786.7, "Regionkansliet", 9, False),
        (326.1, 786.7, "Datum 2022-05-20", 9, False),
        (326.1, 775.7, "Diarienummer 22HSN5103", 9, False),
    ]


def prose(top: float, lines: int) -> list[Text]:
    """``lines`` lines of body text wrapped at spaces (each wrapped line ends with its space)."""
    return [(LEFT, top - i * LINE, PROSE[i % len(PROSE)]) for i in range(lines)]


def full_page(page: int) -> list[Text]:
    return header(page) + prose(TOP, 45)


def make_pdf(*pages: list[Text]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in pages:
        for item in page:
            x, y, text = item[0], item[1], item[2]
            size, bold = (item[3], item[4]) if len(item) == 5 else (11.0, False)  # type: ignore[misc]
            pdf.setFont("Helvetica-Bold" if bold else "Helvetica", size)
            pdf.drawString(x, y, text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def codes(problems: tuple[LayoutProblem, ...]) -> list[tuple[int, str]]:
    return [(p.page, p.code) for p in problems]


def test_page_lines_read_positions_sizes_bold_and_the_running_header() -> None:
    pages = page_lines(make_pdf([*header(1), (LEFT, TOP, "Delges", 14, True), *prose(720, 2)]))
    lines = pages[0]
    body = [line for line in lines if not line.running]
    assert [line.stripped for line in body] == ["Delges", PROSE[0].strip(), PROSE[1].strip()]
    assert body[0].size == 14 and body[0].bold and not body[1].bold
    assert body[1].text.endswith(" ")  # wrapped at a space
    running = [line.stripped for line in lines if line.running]
    assert "Diarienummer 22HSN5103" in running and "TJÄNSTESKRIVELSE" in running


def test_a_last_page_with_two_recipient_names_is_sparse() -> None:
    last = [
        *header(2),
        (LEFT, TOP, "Regiondirektören"),
        (LEFT, TOP - LINE, "Hälso- och sjukvårdsdirektören"),
    ]
    problems = layout_problems(make_pdf(full_page(1), last))
    assert codes(problems) == [(2, "gles-sida")]
    assert "Regiondirektören | Hälso- och sjukvårdsdirektören" in problems[0].message
    assert problems[0].format().startswith("sida 2: sidan har bara 2 rad(er) text")


def test_a_page_holding_only_the_delges_block_is_sparse() -> None:
    last = [
        *header(2),
        (LEFT, TOP, "Delges", 14, True),
        (LEFT, TOP - 20, "Regionens revisorer"),
        (LEFT, TOP - 20 - LINE, "SVOM"),
        (LEFT, TOP - 20 - 2 * LINE, "Länets kommuner"),
    ]
    assert codes(layout_problems(make_pdf(full_page(1), last))) == [(2, "gles-sida")]


def test_the_closing_blocks_with_the_last_lines_of_the_body_are_accepted() -> None:
    last = (
        header(2)
        + prose(TOP, 2)
        + [
            (LEFT, 700, "Beslutsunderlag", 14, True),
            (LEFT, 680, "Tjänsteskrivelse 2022-05-20"),
            (LEFT, 650, "Delges", 14, True),
            (LEFT, 630, "Regionens revisorer"),
            (LEFT, 630 - LINE, "SVOM"),
        ]
    )
    assert layout_problems(make_pdf(full_page(1), last)) == ()


def test_a_short_one_page_document_is_not_sparse() -> None:
    assert layout_problems(make_pdf(header(1) + prose(TOP, 2))) == ()


def test_the_sparse_check_can_be_left_out() -> None:
    last = [*header(2), (LEFT, TOP, "Handling 1")]
    pdf = make_pdf(full_page(1), last)
    assert codes(layout_problems(pdf)) == [(2, "gles-sida")]
    assert layout_problems(pdf, check_sparse=False) == ()


@pytest.mark.parametrize(
    ("head", "tail", "why"),
    [
        ("213 mnk", "r", "en enhet bruten mitt i"),
        ("42 500 t", "kr", "en enhet bruten mitt i"),
        ("2019-", "09", "ett datum eller diarienummer brutet"),
        ("2019", "-09", "ett datum eller diarienummer brutet"),
        ("Person", "al", "ett ord brutet mitt i"),
        ("400 ", "000 kr", "ett tal delat mellan siffergrupperna"),
        ("3 ", "mnkr", "ett tal skilt från sin enhet"),
        ("6,0 ", "%", "ett tal skilt från sin enhet"),
        ("RS/730/", "2018", "ett datum eller diarienummer brutet"),
        ("25HSN", "3392", "ett tal eller diarienummer brutet mitt i"),
        ("400", "000", "ett tal delat mellan siffergrupperna"),
    ],
)
def test_a_value_broken_in_a_narrow_table_cell_is_found(head: str, tail: str, why: str) -> None:
    size, step = 10.0, 12.2
    table = [
        (75.5, 674.2, "Åtgärd", size, True),
        (250.0, 674.2, "Belopp", size, True),
        (75.5, 658.7, "Digitala utskick", size, False),
        (250.0, 658.7, head, size, False),
        (250.0, 658.7 - step, tail, size, False),
        (75.5, 630.0, "RPA", size, False),
        (250.0, 630.0, "5 000 tkr", size, False),
    ]
    problems = layout_problems(make_pdf(header(1) + prose(TOP, 4) + table))
    assert codes(problems) == [(1, "avbrutet-värde")]
    assert problems[0].message.startswith(why), problems[0].message
    assert f"{head.strip()} / {tail}" in problems[0].text


def test_a_date_broken_at_its_hyphen_in_body_text_is_found() -> None:
    lines = [
        *header(1),
        (
            LEFT,
            TOP,
            "Ett färdigt förslag till programplan ska överlämnas till beställaren 2021-01-",
        ),
        (LEFT, TOP - LINE, "25. Vid presentationstillfället ska ett bildpresentationsmaterial"),
    ]
    problems = layout_problems(make_pdf(lines))
    assert codes(problems) == [(1, "avbrutet-värde")]
    assert "2021-01- / 25." in problems[0].text


def test_ordinary_line_breaks_are_not_defects() -> None:
    lines = (
        header(1)
        + prose(TOP, 5)
        + [
            # a compound broken at its own hyphen, a range at its dash, a paragraph ending
            # without a space followed by a numbered point, a number and its word
            (LEFT, 650, "Planen gäller för regionens alla verksamheter inom hälso- "),
            (LEFT, 650 - LINE, "och sjukvården under perioden 2022–"),
            (LEFT, 650 - 2 * LINE, "2025 med uppföljning varje år."),
            (LEFT, 600, "Förvaltningens förslag till beslut", 11, True),
            (LEFT, 600 - LINE, "1. Hälso- och sjukvårdsnämnden godkänner planen"),
            (LEFT, 560, "Budgeten ökas med 20 "),
            (LEFT, 560 - LINE, "miljoner kronor inom verksamhetsområdet."),
            # table rows: the next row is no continuation of the cell above it
            (75.5, 500, "2020", 10, False),
            (250, 500, "86 mnkr", 10, False),
            (75.5, 484.5, "2021", 10, False),
            (250, 484.5, "40 mnkr", 10, False),
            (75.5, 469, "Summa", 10, True),
            (250, 469, "126 mnkr", 10, True),
            # a one-word line of a narrow cell wrapped at its space
            (400, 500, "Kostnadsreducering ", 10, True),
            (400, 487.8, "per år", 10, True),
        ]
    )
    assert layout_problems(make_pdf(lines)) == ()


@pytest.mark.parametrize(
    ("heading", "size", "bold"),
    [("Förvaltningens bedömning", 14, True), ("Förvaltningens förslag till beslut", 11, True)],
)
def test_a_heading_as_the_last_line_of_a_page_is_found(
    heading: str, size: float, bold: bool
) -> None:
    first = header(1) + prose(TOP, 40) + [(LEFT, TOP - 41 * LINE - 10, heading, size, bold)]
    second = header(2) + prose(TOP, 10)
    problems = layout_problems(make_pdf(first, second))
    assert codes(problems) == [(1, "ensam-rubrik")]
    assert heading in problems[0].message


def test_a_heading_with_its_text_at_the_foot_of_a_page_is_accepted() -> None:
    first = (
        header(1)
        + prose(TOP, 38)
        + [(LEFT, TOP - 39 * LINE - 10, "Förvaltningens bedömning", 14, True)]
        + [(LEFT, TOP - 41 * LINE + 2, PROSE[0]), (LEFT, TOP - 42 * LINE + 2, PROSE[1])]
    )
    assert layout_problems(make_pdf(first, header(2) + prose(TOP, 10))) == ()


def table_rows(top: float, rows: list[tuple[str, str]], bold_last: bool = False) -> list[Text]:
    """Two-column table rows, 15.5 pt apart (10 pt text), the first being the header."""
    out: list[Text] = []
    for i, (label, value) in enumerate(rows):
        bold = i == 0 or (bold_last and i == len(rows) - 1)
        out += [(75.5, top - i * 15.5, label, 10, bold), (437.9, top - i * 15.5, value, 10, bold)]
    return out


HEAD = ("År", "Kostnadsreducering")


def test_a_sum_row_alone_at_the_top_of_a_page_is_found() -> None:
    first = (
        header(1)
        + prose(TOP, 40)
        + table_rows(140, [HEAD, ("2020", "86 mnkr"), ("2021", "40 mnkr")])
    )
    second = header(2) + table_rows(TOP, [HEAD, ("Summa", "126 mnkr")], bold_last=True)
    second += prose(TOP - 60, 10)
    problems = layout_problems(make_pdf(first, second))
    assert codes(problems) == [(2, "ensam-tabellrad")]
    assert problems[0].message.startswith("tabellens summarad står ensam överst på sidan")
    assert problems[0].text == "Summa 126 mnkr"


def test_two_rows_of_a_split_table_at_the_top_of_a_page_are_found() -> None:
    first = header(1) + prose(TOP, 40) + table_rows(140, [HEAD, ("2020", "86 mnkr")])
    rows = [HEAD, ("2021", "40 mnkr"), ("Summa", "126 mnkr")]
    second = header(2) + table_rows(TOP, rows) + prose(TOP - 70, 10)
    assert codes(layout_problems(make_pdf(first, second))) == [(2, "ensam-tabellrad")]


def test_a_table_split_with_enough_rows_or_an_agenda_line_is_accepted() -> None:
    first = header(1) + prose(TOP, 40) + table_rows(140, [HEAD, ("2020", "86 mnkr")])
    rows = [HEAD, ("2021", "40 mnkr"), ("2022", "39 mnkr"), ("Summa", "165 mnkr")]
    second = header(2) + table_rows(TOP, rows) + prose(TOP - 80, 10)
    # an agenda item of the kallelse: number, title and page on tab stops, then its details
    third = [
        *header(3),
        (LEFT, TOP, "13.", 11, True),
        (99.0, TOP, "Övriga frågor", 11, True),
        (LEFT, TOP - 30, "Ledamöter", 14, True),
        *prose(TOP - 50, 8),
    ]
    assert layout_problems(make_pdf(first, second, third)) == ()


# --------------------------------------------------------------------------------------------
# The checker on LibreOffice's own output
# --------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_the_check_finds_values_broken_by_libreoffice_in_a_narrow_column(
    tmp_path: Path,
) -> None:
    need_libreoffice()
    from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter

    document = docx.Document()
    document.add_paragraph("Kostnader per åtgärd.")
    table = document.add_table(rows=2, cols=3)
    for row, values in enumerate(
        (("Åtgärd", "Personal", "Belopp"), ("Digitala utskick", "2019-09", "213\u00a0mnkr"))
    ):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.autofit = False  # a fixed layout: LibreOffice keeps the narrow widths
    for column, width in enumerate((Cm(6), Cm(1.2), Cm(1.2))):
        table.columns[column].width = width
        for cell in table.columns[column].cells:
            cell.width = width
    source = tmp_path / "smal.docx"
    document.save(str(source))
    converter = LibreOfficeConverter(workers=1, profile_root=tmp_path / "profiler")
    try:
        [result] = converter.convert([ConversionJob(source, tmp_path / "smal.pdf", "smal")])
    finally:
        converter.close()
    assert result.ok, result.message
    found = [p.text for p in layout_problems(tmp_path / "smal.pdf")]
    # every value of the narrow columns is broken, and every one is found
    assert any(t.startswith("Per") for t in found), found
    assert any(t.startswith("201") for t in found), found
    assert any(t.startswith("mn") or t.startswith("213") for t in found), found
    assert not any("Digitala" in t or "Åtgärd" in t for t in found), found


# --------------------------------------------------------------------------------------------
# The example workspace, built once
# --------------------------------------------------------------------------------------------

MEETING = "möten/2022-06-14-hsn"
CASES = sorted(p.stem for p in (REPO / "content" / "ärenden").glob("*.md"))

MEETING_PDFS = (
    "kallelse.pdf",
    "offentlig/kallelse.pdf",
    "handlingar.pdf",
    "offentlig/handlingar.pdf",
)


@dataclass(frozen=True)
class Example:
    out: Path


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Example]:
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("layout") / "arbetsyta")
    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    yield Example(root / "output")


def problems_text(problems: tuple[LayoutProblem, ...]) -> list[str]:
    return [p.format() for p in problems]


@pytest.mark.libreoffice
@pytest.mark.parametrize("stem", CASES)
def test_every_example_paper_passes_the_layout_check(example: Example, stem: str) -> None:
    pdf = example.out / "ärenden" / f"{stem}.pdf"
    assert pdf.is_file()
    assert problems_text(layout_problems(pdf)) == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", MEETING_PDFS)
def test_the_kallelse_and_the_packets_pass_the_layout_check(example: Example, name: str) -> None:
    pdf = example.out / MEETING / name
    assert pdf.is_file()
    # A packet also holds attachments beslut did not make (their last pages may be short, and
    # the public packet has a one-line page in place of a secret document): no sparse-page
    # check there; the case pages are checked as papers above.
    packet = "handlingar" in name
    assert problems_text(layout_problems(pdf, check_sparse=not packet)) == []


@pytest.mark.libreoffice
def test_every_item_pdf_passes_the_layout_check(example: Example) -> None:
    items = sorted((example.out / MEETING).rglob("ärende-*.pdf"))
    assert len(items) >= 7
    found = {
        str(pdf.relative_to(example.out)): problems_text(layout_problems(pdf, check_sparse=False))
        for pdf in items
    }
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.libreoffice
def test_every_produced_pdf_is_checked(example: Example) -> None:
    """Whatever the build produces (papers added later, another organ's folder) is checked."""
    pdfs = sorted(example.out.rglob("*.pdf"))
    assert len(pdfs) >= len(CASES) + 4
    found = {}
    for pdf in pdfs:
        name = pdf.relative_to(example.out).as_posix()
        ours = not ("handlingar" in name or "ärende-" in name)  # packets hold attachments
        found[name] = problems_text(layout_problems(pdf, check_sparse=ours))
    assert {k: v for k, v in found.items() if v} == {}


@pytest.mark.libreoffice
def test_the_orphaned_delges_of_seed_000_is_gone(example: Example) -> None:
    """Seed 000's example: the last page held only two recipient names."""
    pdf = example.out / "ärenden" / "25HSN3392-direktiv-strukturförändring.pdf"
    pages = page_lines(pdf)
    last = [line.stripped for line in pages[-1] if not line.running]
    assert "Delges" in last
    assert last.index("Delges") < last.index("Regional utveckling")
    assert len(last) > 3


# --------------------------------------------------------------------------------------------
# The templates and the body: the properties that keep things together
# --------------------------------------------------------------------------------------------


def _ppr_flags(paragraph: docx.text.paragraph.Paragraph) -> set[str]:
    ppr = paragraph._p.find(qn("w:pPr"))
    if ppr is None:
        return set()
    return {child.tag.split("}")[1] for child in ppr}


def _style_flags(document: docx.document.Document, style_id: str) -> set[str]:
    style = document.styles.element.find(f"{qn('w:style')}[@{qn('w:styleId')}='{style_id}']")
    assert style is not None, style_id
    ppr = style.find(qn("w:pPr"))
    return set() if ppr is None else {child.tag.split("}")[1] for child in ppr}


@pytest.mark.parametrize("name", ["tjänsteskrivelse", "beslutsförslag", "direktiv"])
def test_the_templates_keep_headings_proposal_and_closing_blocks_together(name: str) -> None:
    document = docx.Document(str(REPO / "templates" / f"{name}.docx"))
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}")
    assert defaults is not None
    assert defaults.find(f"{qn('w:pPr')}/{qn('w:widowControl')}") is not None
    assert "widowControl" in _style_flags(document, "Normal")
    for style in (
        "Heading1",
        "Heading2",
        "Heading3",
        "Beslutsinledning",
        "Beslutspunkt",
        "Beslutsmening",
        "Beslutslista",
    ):
        assert {"keepNext", "keepLines"} <= _style_flags(document, style), style
    # the items of Beslutsunderlag (rows, numbered or bulleted), Bilagor and the recipients
    # keep with the next line
    texts = {"{{ underlag }}", "{{ namn }}"}
    items = [p for p in document.paragraphs if p.text in texts or p.text.startswith("Bilaga {{")]
    assert len(items) == 5
    for paragraph in items:
        assert {"keepNext", "keepLines"} <= _ppr_flags(paragraph), paragraph.text


def _rendered(make_workspace: object, body: str, extra: str = "") -> docx.document.Document:
    from conftest import case_file

    root = make_workspace({"content/ärenden/25HSN1-test.md": case_file(body, extra=extra)})  # type: ignore[operator]
    report = api.build(root, formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    return docx.Document(str(root / "output" / "ärenden" / "25HSN1-test.docx"))


def test_the_last_body_paragraph_keeps_with_the_closing_blocks(make_workspace: object) -> None:
    document = _rendered(
        make_workspace,
        "## Sammanfattning\n\nFörsta stycket.\n\nSista stycket före avslutningen.\n",
        extra="delges:\n  - Regionstyrelsen\n  - Regiondirektören\n",
    )
    paragraphs = document.paragraphs
    last_body = next(p for p in paragraphs if p.text == "Sista stycket före avslutningen.")
    first_body = next(p for p in paragraphs if p.text == "Första stycket.")
    assert "keepNext" in _ppr_flags(last_body)
    assert "keepNext" not in _ppr_flags(first_body)
    names = [p for p in paragraphs if p.text in ("Regionstyrelsen", "Regiondirektören")]
    assert len(names) == 2
    assert all("keepNext" in _ppr_flags(p) for p in names)


def test_dates_and_diarienummer_in_the_body_get_hard_hyphens(make_workspace: object) -> None:
    document = _rendered(
        make_workspace,
        "## Sammanfattning\n\nBeslut 2021-01-25 i ärende RS-730-2018, hälso- och sjukvård.\n",
    )
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Beslut 2021"))
    # python-docx reads a hard hyphen back as "-": the text is unchanged
    assert paragraph.text == "Beslut 2021-01-25 i ärende RS-730-2018, hälso- och sjukvård."
    hard = paragraph._p.findall(f".//{qn('w:noBreakHyphen')}")
    assert len(hard) == 4  # 2021‑01‑25 and RS‑730‑2018; not the compound "hälso-"
    assert "hälso-" in "".join(t.text for t in paragraph._p.iter(qn("w:t")))


def test_a_date_after_a_line_break_in_the_source_keeps_its_hard_hyphens(
    make_workspace: object,
) -> None:
    """Text after a soft line break is appended to the run before it when their formatting
    is the same; a date or diarienummer in it must still get its non-breaking hyphens."""
    document = _rendered(
        make_workspace,
        "## Sammanfattning\n\nNämnden beslutade den\n2025-09-10 i ärende\nRS-730 och\n"
        "**fet** text.\n",
    )
    paragraph = next(p for p in document.paragraphs if p.text.startswith("Nämnden"))
    assert paragraph.text == "Nämnden beslutade den 2025-09-10 i ärende RS-730 och fet text."
    hard = paragraph._p.findall(f".//{qn('w:noBreakHyphen')}")
    assert len(hard) == 3  # 2025‑09‑10 and RS‑730
    assert "2025-09" not in "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))
