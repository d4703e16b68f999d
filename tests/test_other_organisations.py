"""Papers from three other organisations, written as input without touching template tags.

Each workspace in ``tests/fixtures/organisationer/`` is built with the default templates that
``beslut mallar --bygg`` writes; only the profile and the case file say what the house style is.
The tests read the .docx with python-docx and the PDF with pypdf, and run the layout check.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from beslut import api
from beslut.convert.layout import layout_problems
from conftest import need_libreoffice

FIXTURES = Path(__file__).parent / "fixtures" / "organisationer"
NBSP = "\u00a0"
MINUS = "\u2212"


def build(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    need_libreoffice()
    root = tmp_path_factory.mktemp(name) / name
    shutil.copytree(FIXTURES / name, root)
    api.build_templates(root)  # the default templates, untouched
    diagnostics = api.check(root)
    assert [d.format() for d in diagnostics] == []  # clean: no errors and no warnings
    report = api.build(root, formats=("docx", "pdf"))
    assert report.ok, [d.format() for d in report.diagnostics]
    return root / "output" / "ärenden"


def texts(path: Path) -> list[str]:
    return [p.text.replace(NBSP, " ") for p in docx.Document(str(path)).paragraphs if p.text]


def header_lines(path: Path) -> list[str]:
    """The first page header's table, cell by cell, line by line."""
    header = docx.Document(str(path)).sections[0].first_page_header
    return [
        p.text.replace(NBSP, " ")
        for table in header.tables
        for cell in table.rows[0].cells
        for p in cell.paragraphs
        if p.text.strip()
    ]


def pdf_text(path: Path) -> str:
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages).replace(NBSP, " ")
    return "\n".join(line.strip() for line in text.splitlines())


def no_layout_problems(path: Path) -> None:
    assert [p.message for p in layout_problems(path)] == []


@pytest.fixture(scope="module")
def norras(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory, "norras-stad")


@pytest.fixture(scope="module")
def vasterland(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory, "region-vasterland")


@pytest.fixture(scope="module")
def bjorkvik(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory, "bjorkviks-kommun")


@pytest.mark.libreoffice
def test_stad_tjansteutlatande_with_one_unnumbered_sentence(norras: Path) -> None:
    stem = norras / "IFN-2018-00256-yttrande-granskning"
    assert header_lines(stem.with_suffix(".docx"))[:5] == [
        "Individ- och familjeförvaltningen",
        "Individ- och familjenämnden",
        "TJÄNSTEUTLÅTANDE",
        "Datum 2018-05-15",
        "Diarienr IFN 2018/00256-1.6.1",
    ]
    lines = texts(stem.with_suffix(".docx"))
    assert lines[1:5] == [
        "Diarienr: IFN 2018/00256-1.6.1",
        "Datum: 15 maj 2018",
        "Handläggare: Lena Ahlström, Enhetschef, 021-39 12 34",
        "Handläggare: Per Ek, Utredare, 021-39 12 40",
    ]
    document = docx.Document(str(stem.with_suffix(".docx")))
    sentence = next(p for p in document.paragraphs if p.text.startswith("Individ- och"))
    assert sentence.style.name == "Beslutsmening"
    assert sentence.text.replace(NBSP, " ") == (
        "Individ- och familjenämnden godkänner yttrandet och överlämnar det till "
        "kommunstyrelsen samt kommunrevisionen."
    )
    assert "Kopia till" in lines
    text = pdf_text(stem.with_suffix(".pdf"))
    assert "Sida 1 (1)" in text
    assert "TJÄNSTEUTLÅTANDE" in text and "Diarienummer" not in text
    no_layout_problems(stem.with_suffix(".pdf"))


@pytest.mark.libreoffice
def test_region_proposal_to_fullmaktige_with_list_and_table(vasterland: Path) -> None:
    stem = vasterland / "RS-2022-00613-arsredovisning-2021"
    lines = texts(stem.with_suffix(".docx"))
    start = lines.index("Förslag till beslut")
    assert lines[start : start + 6] == [
        "Förslag till beslut",
        "Regionstyrelsen föreslår att regionfullmäktige beslutar följande:",
        "1.\tRegionfullmäktige godkänner årsredovisning för Region Västerland 2021.",
        "2.\tRegionfullmäktige beslutar att årets resultat disponeras så att:",
        "120 mnkr avsätts till resultatutjämningsreserven",
        "30 mnkr förs till eget kapital.",
    ]
    document = docx.Document(str(stem.with_suffix(".docx")))
    styles = {p.text.replace(NBSP, " "): p.style.name for p in document.paragraphs}
    assert styles["30 mnkr förs till eget kapital."] == "Beslutslista"
    assert styles["Tjänsteskrivelse den 29 mars 2022"] == "Numrerad förteckning"
    # closing order from the profile: beslutsunderlag, mottagare, signatures
    assert lines.index("Beslutsunderlag") < lines.index("Expedieras till")
    table = document.tables[0]
    rows = [[c.text.replace(NBSP, " ") for c in row.cells] for row in table.rows]
    assert ["Specialiserad vård", f"{MINUS}20 mnkr", f"{MINUS}35 mnkr"] in rows
    assert ["Summa hälso- och sjukvård", "20 mnkr", "20 mnkr"] in rows
    assert rows[-1] == ["Totalt", "30 mnkr", "30 mnkr"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    text = pdf_text(stem.with_suffix(".pdf"))
    pages = len(PdfReader(stem.with_suffix(".pdf")).pages)
    assert f"1({pages})" in text
    assert "Expedieras till" in text
    no_layout_problems(stem.with_suffix(".pdf"))


@pytest.mark.libreoffice
def test_kommun_ordforandeforslag_var_beteckning_svg_logo(bjorkvik: Path) -> None:
    stem = bjorkvik / "KS-2014-742-svar-pa-motion"
    document = docx.Document(str(stem.with_suffix(".docx")))
    header = document.sections[0].first_page_header
    assert header_lines(stem.with_suffix(".docx")) == [
        "Björkviks kommun",
        "Kommunstyrelsens förvaltning",
        "1 september 2014",
        "Vår beteckning KS-2014/742.912",
        "Er beteckning M2014/0031",
        "1 (1)",
    ]
    alts = [d.get("descr") for d in header._element.iter(qn("wp:docPr"))]
    assert alts == ["Björkviks kommuns logotyp"]  # the SVG logo, rasterised, with alt text
    lines = texts(stem.with_suffix(".docx"))
    assert not any(line.startswith(("Handläggare", "Vår beteckning:")) for line in lines)
    start = lines.index("Ordförandens förslag")
    assert lines[start : start + 5] == [
        "Ordförandens förslag",
        "Kommunstyrelsen föreslår kommunfullmäktige besluta",
        "att 1\tbifalla motionens första att-sats,",
        "att 2\tanse motionens andra att-sats besvarad, samt",
        "att 3\tuppdra åt kommunstyrelsen att återrapportera antalet nya laddplatser i "
        "årsredovisningen för 2015.",
    ]
    # the signature stands right after the proposal, the efterskrift after the recipients
    signature = document.tables[0]
    body = list(document.element.body)
    assert body.index(signature._tbl) < body.index(
        next(p for p in document.paragraphs if p.text == "Ärendet")._p
    )
    assert lines[-1].startswith("Förslaget har beretts utan tjänsteskrivelse.")
    assert lines[lines.index("Beslut sänds till") + 1] == "Samhällsbyggnadsförvaltningen"
    text = pdf_text(stem.with_suffix(".pdf"))
    assert "Vår beteckning KS-2014/742.912" in text
    assert "1 september 2014" in text
    no_layout_problems(stem.with_suffix(".pdf"))
