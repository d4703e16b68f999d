"""The letterhead from the profile: header fields and labels, date and page-number styles, the
metadata block, förvaltningar with their own name, address and logo, and the logo itself.

The .docx tests open the rendered documents with python-docx; the PDF tests (LibreOffice)
read the text, its positions and the marked content with pypdf.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from beslut import api
from beslut.model.letterhead import letterhead
from beslut.model.models import DocumentType, PageStyle, Profile
from beslut.validate.workspace import load_profile
from conftest import CASE, MEETING, PROFILE, MakeWorkspace, need_libreoffice, pdf_figures

REPO = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"
WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"

UNITS = """\
förvaltningar:
  - id: klk
    namn: Kommunledningskontoret
    organisation: Hedelunda kommun
    logotyp: content/bilder/logga.png
    logotyp_alt: Hedelunda kommuns vapen
    adress:
      postadress: Hedelunda kommun, 578 80 Hedelunda
    sidhuvud:
      nummeretikett: Dnr
      datumstil: ord
      sidnumrering: Sida 1 (4)
      fält: [organisation, förvaltning, etikett, datum, nummer]
  - id: hsf
    namn: Hälso- och sjukvårdsförvaltningen
"""

KS_ORGAN = """\
  - id: ks
    namn: Kommunstyrelsen
    kortnamn: KS
    förvaltning: klk
"""


def profile_text(extra: str = UNITS, *, organs: str = KS_ORGAN, head: str = "") -> str:
    text = PROFILE.replace(
        "diarienummer:\n",
        f"{organs}diarienummer:\n  - mönster: 'KS \\d{{4}}/\\d+'\n    beskrivning: t.ex. KS 2025/1\n",
        1,
    )
    return text + extra + head


KS_CASE = (
    CASE.replace("diarienummer: 25HSN1", "diarienummer: KS 2025/118")
    .replace("instans: hsn", "instans: ks")
    .replace("Hälso- och sjukvårdsnämnden godkänner", "Kommunstyrelsen godkänner")
)


def png(width: int = 300, height: int = 100) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 70, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def parse_profile(root: Path) -> Profile:
    profile, problems = load_profile(root)
    assert profile is not None, [p.format() for p in problems]
    return profile


def header_columns(header: Any) -> list[list[str]]:
    """The header table's three columns, each as its non-empty lines."""
    (table,) = header.tables
    return [[p.text for p in cell.paragraphs if p.text] for cell in table.rows[0].cells]


def logos(part: Any) -> list[Any]:
    """The docPr (name, alt text) of every picture in a header or footer."""
    return list(part._element.iter(WP_DOCPR))


# --------------------------------------------------------------------------- resolution


def test_resolution_order_profile_type_unit(make_workspace: MakeWorkspace) -> None:
    head = """\
sidnumrering: 1/4
sidhuvud:
  datumstil: ord
"""
    types = PROFILE.split("dokumenttyper:\n")[1]
    profile_yaml = profile_text(head=head).replace(
        "  tjänsteskrivelse:\n    etikett: TJÄNSTESKRIVELSE\n",
        "  tjänsteskrivelse:\n    etikett: TJÄNSTESKRIVELSE\n    sidhuvud:\n"
        "      nummeretikett: Ärendenummer\n      metadatablock: false\n",
    )
    assert "tjänsteskrivelse" in types
    profile = parse_profile(make_workspace(profile=profile_yaml))
    doc = DocumentType("tjänsteskrivelse")
    # profile (deprecated sidnumrering, sidhuvud) → document type
    region = letterhead(profile, "hsn", doc)
    assert (region.header.page_style, region.header.date_style.value) == (
        PageStyle.SNEDSTRECK,
        "ord",
    )
    assert (region.header.number_label, region.header.metadata) == ("Ärendenummer", False)
    assert (region.organisation, region.logo, region.logo_alt) == (
        "Testregionen",
        None,
        "Testregionen logotyp",
    )
    # … → förvaltning: its keys win, the rest is inherited from the type and the profile
    kommun = letterhead(profile, "ks", doc)
    assert kommun.header.number_label == "Dnr"
    assert kommun.header.page_style is PageStyle.SIDA_PARENTES
    assert kommun.header.metadata is False
    assert (kommun.organisation, kommun.administration) == (
        "Hedelunda kommun",
        "Kommunledningskontoret",
    )
    assert kommun.address.lines() == ["Postadress: Hedelunda kommun, 578 80 Hedelunda"]
    assert (kommun.logo, kommun.logo_alt) == ("content/bilder/logga.png", "Hedelunda kommuns vapen")
    assert kommun.logo_key == ("förvaltningar", 0, "logotyp")
    # a kallelse has no document type: profile and förvaltning only
    assert letterhead(profile, "hsn", None).header.number_label == "Diarienummer"


def test_unit_of_the_same_organisation_inherits_address_and_logo(
    make_workspace: MakeWorkspace,
) -> None:
    organs = "  - id: sn\n    namn: Socialnämnden\n    kortnamn: SN\n    förvaltning: hsf\n"
    profile_yaml = profile_text(organs=organs).replace(
        "organisation:\n  namn: Testregionen\n",
        "organisation:\n  namn: Testregionen\n  logotyp: content/logga.png\n",
    )
    profile = parse_profile(make_workspace(profile=profile_yaml))
    head = letterhead(profile, "sn", None)
    assert (head.organisation, head.administration) == (
        "Testregionen",
        "Hälso- och sjukvårdsförvaltningen",
    )
    assert head.address.lines() == ["Postadress: Box 1, 111 11 Teststad"]
    assert (head.logo, head.logo_key, head.logo_alt) == (
        "content/logga.png",
        ("organisation", "logotyp"),
        "Testregionen logotyp",
    )


def test_unknown_unit_is_a_located_error(make_workspace: MakeWorkspace) -> None:
    organs = KS_ORGAN.replace("förvaltning: klk", "förvaltning: kk")
    root = make_workspace(profile=profile_text(organs=organs))
    found = [d for d in api.check(root) if d.code == "okänd-förvaltning"]
    line = profile_text(organs=organs).splitlines().index("    förvaltning: kk") + 1
    assert [(d.path, d.line, d.column) for d in found] == [("content/profil.yaml", line, 18)]
    assert found[0].message == (
        "Förvaltningen ”kk” finns inte under ”förvaltningar” i profilen. Kända förvaltningar: "
        "klk, hsf. Menade du ”klk”?"
    )


# --------------------------------------------------------------------------- logo


def logo_line(text: str) -> tuple[int, int]:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "logotyp: content/bilder/logga.png" in line)
    return index + 1, lines[index].index("content/") + 1


@pytest.mark.parametrize(
    ("logo", "says"),
    [
        (
            None,
            "Bilden ”logga.png” finns inte. Kontrollera filnamnet (stora och små bokstäver "
            "räknas) och att sökvägen är relativ till arbetsytan.",
        ),
        (b"inte en bild", "Bilden ”logga.png” är ingen PNG-bild: innehållet känns inte igen"),
    ],
    ids=["saknas", "oläslig"],
)
def test_unusable_logo_is_a_located_error_in_check_and_build(
    make_workspace: MakeWorkspace, logo: bytes | None, says: str
) -> None:
    files: dict[str, str | bytes] = {
        "content/ärenden/ks.md": KS_CASE,
        "content/ärenden/hsn.md": CASE,
        "content/möten/ks.yaml": MEETING.replace("instans: hsn", "instans: ks"),
    }
    if logo is not None:
        files["content/bilder/logga.png"] = logo
    text = profile_text()
    root = make_workspace(files, profile=text)
    line, column = logo_line(text)
    found = [d for d in api.check(root) if d.code == "logotyp-fel"]
    assert [(d.path, d.line, d.column, d.level.value) for d in found] == [
        ("content/profil.yaml", line, column, "fel")
    ]
    assert found[0].message.startswith("Logotypen ”content/bilder/logga.png” kan inte användas: ")
    assert says in found[0].message
    report = api.build(root, out_dir=root / "ut", formats=("docx",))
    assert [d.format() for d in report.diagnostics if d.code in ("logotyp-fel", "mallfel")] == [
        found[0].format()
    ]
    # the other organ's papers are built; the kommun's are not, and nothing says mallfel
    assert (root / "ut" / "ärenden" / "hsn.docx").is_file()
    assert not (root / "ut" / "ärenden" / "ks.docx").exists()
    assert "content/ärenden/ks.md" in report.failed
    # the kommun's meeting is not built either: its kallelse carries the same logo
    assert "content/möten/ks.yaml" in report.failed
    assert not list((root / "ut").rglob("kallelse.*"))


@pytest.fixture
def kommun(make_workspace: MakeWorkspace) -> Path:
    their = KS_CASE.replace(
        "datum: 2025-09-10\n", "datum: 2025-09-10\ner_beteckning: Lst 512-4711-25\n"
    )
    return make_workspace(
        {
            "content/ärenden/ks.md": their,
            "content/ärenden/hsn.md": CASE,
            "content/bilder/logga.png": png(),
        },
        profile=profile_text(),
    )


def test_logo_on_the_first_page_with_alt_text(kommun: Path) -> None:
    report = api.build(kommun, out_dir=kommun / "ut", formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    section = docx.Document(str(kommun / "ut" / "ärenden" / "ks.docx")).sections[0]
    (picture,) = logos(section.first_page_header)
    assert picture.get("descr") == "Hedelunda kommuns vapen"
    assert logos(section.header) == []  # following pages: no logo
    blips = list(section.first_page_header._element.iter(qn("a:blip")))
    part = section.first_page_header.part.related_parts[blips[0].get(qn("r:embed"))]
    assert part.content_type == "image/png" and part.blob == png()
    # the region's papers have no logo at all
    region = docx.Document(str(kommun / "ut" / "ärenden" / "hsn.docx")).sections[0]
    assert logos(region.first_page_header) == []


def test_kommun_header_footer_and_metadata(kommun: Path) -> None:
    api.build(kommun, out_dir=kommun / "ut", formats=("docx",))
    document = docx.Document(str(kommun / "ut" / "ärenden" / "ks.docx"))
    section = document.sections[0]
    for header in (section.first_page_header, section.header):
        assert header_columns(header) == [
            ["Hedelunda kommun", "Kommunledningskontoret"],  # organ not among its fields
            ["TJÄNSTESKRIVELSE", f"Datum 10{NBSP}september 2025", "Dnr KS 2025/118"],
            [f"Sida 1{NBSP}(1)"],
        ]
    footer = [p.text for p in section.first_page_footer.paragraphs if p.text]
    assert footer == ["Postadress: Hedelunda kommun, 578 80 Hedelunda\t"]
    metadata = [p.text for p in document.paragraphs if p.style.name == "Metadata"]
    assert metadata == [
        "Dnr: KS 2025/118",
        "Er beteckning: Lst 512-4711-25",
        f"Datum: 10{NBSP}september 2025",
        "Handläggare: Åsa Öberg",
    ]
    # the region's paper in the same workspace keeps the default style
    region = docx.Document(str(kommun / "ut" / "ärenden" / "hsn.docx")).sections[0]
    assert header_columns(region.header) == [
        ["Testregionen", "Hälso- och sjukvårdsnämnden"],
        ["TJÄNSTESKRIVELSE", "Datum 2025-09-10", "Diarienummer 25HSN1"],
        [f"1{NBSP}(1)"],
    ]


def test_var_beteckning_and_er_beteckning(make_workspace: MakeWorkspace) -> None:
    head = (
        'sidhuvud:\n  nummeretikett: Vår beteckning\n  metadatablock: false\n  datumetikett: ""\n'
    )
    case = CASE.replace("datum: 2025-09-10\n", "datum: 2025-09-10\ner_beteckning: 2025/88\n")
    root = make_workspace({"content/ärenden/a.md": case}, profile=PROFILE + head)
    report = api.build(root, out_dir=root / "ut", formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    document = docx.Document(str(root / "ut" / "ärenden" / "a.docx"))
    assert header_columns(document.sections[0].header)[1] == [
        "TJÄNSTESKRIVELSE",
        "2025-09-10",  # datumetikett "": the date alone
        "Vår beteckning 25HSN1",
        "Er beteckning 2025/88",
    ]
    assert [p for p in document.paragraphs if p.style.name == "Metadata"] == []


def test_logo_is_an_input_of_the_papers_it_stands_on(kommun: Path) -> None:
    first = api.build(kommun, out_dir=kommun / "ut", formats=("docx",))
    assert first.ok
    (kommun / "content" / "bilder" / "logga.png").write_bytes(png(200, 100))
    second = api.build(kommun, out_dir=kommun / "ut", formats=("docx",))
    assert second.reasons == {"content/ärenden/ks.md": "content/bilder/logga.png har ändrats"}
    state = json.loads((kommun / ".beslut-cache" / "state.json").read_text("utf-8"))
    unit = state["units"]["content/ärenden/ks.md"]
    assert "content/bilder/logga.png" in unit["inputs"]
    # the logo counts as listed: no "fil-ej-listad" for it
    assert not [d for d in second.diagnostics if d.code == "fil-ej-listad"]


KS_MEETING = """\
typ: sammanträde
instans: ks
datum: 2025-10-01
tid: "13.00"
plats: Stadshuset, sammanträdesrummet Ådalen
ordförande: {namn: Karin Sjöström}
sekreterare: {namn: Johanna Lind}
ärenden:
  - typ: justerare
  - typ: beslut
    diarienummer: KS 2025/118
"""


def test_kallelse_takes_the_letterhead_of_the_meetings_organ(kommun: Path) -> None:
    (kommun / "content" / "möten").mkdir()
    (kommun / "content" / "möten" / "ks.yaml").write_text(KS_MEETING, encoding="utf-8")
    report = api.build(kommun, out_dir=kommun / "ut", formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    section = docx.Document(str(kommun / "ut" / "möten" / "ks" / "kallelse.docx")).sections[0]
    assert header_columns(section.first_page_header) == [
        ["Hedelunda kommun", "Kommunledningskontoret"],
        ["KALLELSE", f"Datum 1{NBSP}oktober 2025", f"Sammanträde 1{NBSP}oktober 2025"],
        [f"Sida 1{NBSP}(1)"],
    ]
    (picture,) = logos(section.first_page_header)
    assert picture.get("descr") == "Hedelunda kommuns vapen"
    assert [p.text for p in section.first_page_footer.paragraphs if p.text] == [
        "Postadress: Hedelunda kommun, 578 80 Hedelunda\t"
    ]


# --------------------------------------------------------------------------- PDF


def copy_example(target: Path) -> Path:
    shutil.copytree(REPO / "content", target / "content")
    shutil.copytree(REPO / "templates", target / "templates")
    return target


@pytest.fixture(scope="module")
def example_pdfs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_libreoffice()
    root = copy_example(tmp_path_factory.mktemp("brevhuvud") / "arbetsyta")
    out = root.parent / "ut"
    report = api.build(root, out_dir=out, formats=("docx", "pdf"))
    assert report.ok, [d.format() for d in report.diagnostics]
    return out / "ärenden"


def page_text(path: Path, page: int = 0) -> str:
    text = PdfReader(path).pages[page].extract_text().replace(NBSP, " ")
    return "\n".join(line.strip() for line in text.splitlines())


@pytest.mark.libreoffice
def test_pdf_second_house_style(example_pdfs: Path) -> None:
    for stem, label, date, dnr in (
        (
            "KS-2025-118-handlingsplan-klarspråk",
            "TJÄNSTESKRIVELSE",
            "6 oktober 2025",
            "KS 2025/118",
        ),
        ("KS-2025-131-sammanträdesplan-2026", "BESLUTSFÖRSLAG", "21 oktober 2025", "KS 2025/131"),
    ):
        path = example_pdfs / f"{stem}.pdf"
        pages = len(PdfReader(path).pages)
        lines = page_text(path).splitlines()
        start = lines.index("Hedelunda kommun")
        assert lines[start : start + 6] == [
            "Hedelunda kommun",
            "Kommunledningskontoret",
            label,
            f"Datum {date}",
            f"Dnr {dnr}",
            f"Sida 1 ({pages})",
        ], lines[:8]
        assert f"Dnr: {dnr}" in lines  # the metadata block, with the unit's label
        footer = page_text(path)
        assert "Postadress: Hedelunda kommun, 578 80 Hedelunda" in footer
        assert "Region Skåne" not in footer


@pytest.mark.libreoffice
def test_pdf_seed_003_says_arendenummer(example_pdfs: Path) -> None:
    path = example_pdfs / "2020-POL000027-förändrings-och-genomförandeplan.pdf"
    pages = len(PdfReader(path).pages)
    lines = page_text(path).splitlines()
    # seed 003: "Hälso- och sjukvårdsnämnden / BESLUTSFÖRSLAG / Datum / Ärendenummer … 1 (4)"
    assert lines[:4] == [
        "Hälso- och sjukvårdsnämnden BESLUTSFÖRSLAG",  # one baseline: pypdf joins them
        "Datum 2022-05-30",
        "Ärendenummer 2020-POL000027",
        f"1 ({pages})",
    ]
    title = lines.index("Förändrings- och genomförandeplan för mål och strategi för")
    assert lines[title + 2] == "Ordförandens förslag"  # no metadata block, as in the seed


def marked_images(path: Path) -> list[tuple[str, list[str]]]:
    """Every image painted on page one, with the marked-content tags around it."""
    reader = PdfReader(path)
    page = reader.pages[0]
    stack: list[str] = []
    found = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator in (b"BDC", b"BMC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC":
            stack.pop()
        elif operator == b"Do":
            found.append((str(operands[0]), list(stack)))
    return found


@pytest.mark.libreoffice
def test_pdf_logo_is_an_artifact(example_pdfs: Path) -> None:
    """The logo is part of the repeated letterhead: an artifact, not a Figure (see
    render.letterhead); the organisation's name is text next to it."""
    path = example_pdfs / "KS-2025-118-handlingsplan-klarspråk.pdf"
    images = marked_images(path)
    assert len(images) == 1
    assert images[0][1] == ["/Artifact"]
    assert pdf_figures(path) == []
    assert marked_images(example_pdfs / "22HSN5101-månadsrapport-oktober-2020.pdf") == []


LONG_DNR = "RS/2025/0001234-1.6.1-UPPHANDLING-AV-VÅRDTJÄNSTER2"


@pytest.mark.libreoffice
def test_pdf_long_diarienummer_wraps_inside_its_column(make_workspace: MakeWorkspace) -> None:
    need_libreoffice()
    assert len(LONG_DNR) == 50
    profile = PROFILE.replace("'RS/\\d+/\\d{4}'", "'RS/.+'")
    case = (
        CASE.replace("diarienummer: 25HSN1", f"diarienummer: {LONG_DNR}")
        .replace("instans: hsn", "instans: rs")
        .replace("Hälso- och sjukvårdsnämnden godkänner", "Regionstyrelsen godkänner")
    )
    root = make_workspace({"content/ärenden/lång.md": case}, profile=profile)
    report = api.build(root, out_dir=root / "ut", formats=("pdf",))
    assert report.ok, [d.format() for d in report.diagnostics]
    fragments: list[tuple[str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            fragments.append((text.strip(), x, y))

    page = PdfReader(root / "ut" / "ärenden" / "lång.pdf").pages[0]
    page.extract_text(visitor_text=visit)
    top = page.mediabox.top
    header = [f for f in fragments if top - f[2] < 3.2 / 2.54 * 72]  # above the body
    middle_x = (2.5 + 9.0) / 2.54 * 72  # where the second column starts (pt)
    page_x = (2.5 + 16.0 - 2.4) / 2.54 * 72  # where the page-number column starts (pt)
    middle = [f for f in header if middle_x - 1 <= f[1] < page_x]
    joined = "".join(t for t, _, _ in middle).replace(" ", "")
    assert joined == f"TJÄNSTESKRIVELSEDatum2025-09-10Diarienummer{LONG_DNR}", middle
    number_lines = {round(y) for t, _, y in middle if not t.startswith(("TJÄNST", "Datum"))}
    assert len(number_lines) >= 2, middle  # the number wraps, inside its own column
    assert not [
        f for f in header if f[1] < middle_x - 1 and f[0] not in ("Testregionen", "Regionstyrelsen")
    ]
    organisation = [f for f in header if f[0] == "Testregionen"]
    assert organisation and organisation[0][1] < middle_x


def test_an_older_template_without_sidhuvud_still_renders(make_workspace: MakeWorkspace) -> None:
    """A workspace template from before the letterhead settings (its own header text, the
    diarienummer as ``{{ diarienummer }}``) keeps working, with the unit's organisation."""
    root = make_workspace(
        {"content/ärenden/ks.md": KS_CASE, "content/bilder/logga.png": png()},
        profile=profile_text(),
    )
    old = docx.Document()
    old.sections[0].header.paragraphs[0].text = (
        "{{ organisation.namn }} {{ dokument.etikett }} Datum {{ datum }} "
        "Diarienummer {{ diarienummer }}"
    )
    for text in (
        "{{ rubrik }}",
        "{%p for punkt in förslag.punkter %}",
        "{{ punkt.etikett }} {{ punkt.text }}",
        "{%p endfor %}",
        "{{ brödtext }}",
    ):
        old.add_paragraph(text)
    old.save(str(root / "templates" / "tjänsteskrivelse.docx"))
    assert [d.format() for d in api.check(root) if d.level.value == "fel"] == []
    report = api.build(root, out_dir=root / "ut", formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    document = docx.Document(str(root / "ut" / "ärenden" / "ks.docx"))
    assert document.sections[0].header.paragraphs[0].text == (
        "Hedelunda kommun TJÄNSTESKRIVELSE Datum 2025-09-10 Diarienummer KS 2025/118"
    )
    assert document.paragraphs[0].text == "Ett ärende om åtgärder"


def test_unused_or_outside_logo_is_reported_too(make_workspace: MakeWorkspace) -> None:
    """Every logo line is checked, also the organisation's when no organ uses it yet."""
    organs = "  - id: ks\n    namn: Kommunstyrelsen\n    kortnamn: KS\n    förvaltning: klk\n"
    text = profile_text(organs=organs).replace(
        "organisation:\n  namn: Testregionen\n",
        "organisation:\n  namn: Testregionen\n  logotyp: ../utanför.png\n",
    )
    (make_workspace(profile=text).parent / "utanför.png").write_bytes(png())
    root = make_workspace({"content/bilder/logga.png": png()}, profile=text)
    found = [d for d in api.check(root) if d.code == "logotyp-fel"]
    assert [(d.line, d.column) for d in found] == [(3, 12)]
    assert found[0].message == (
        "Logotypen ”../utanför.png” kan inte användas: Filen ligger utanför arbetsytan. Lägg "
        "den i arbetsytan, t.ex. i content/bilder/, och skriv sökvägen relativt till arbetsytan."
    )
