"""The Word templates built by templates_build: structure, styles and every tag rendered."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from beslut.model.letterhead import page_parts
from beslut.model.models import PageStyle
from beslut.render.templates_build import (
    ANDRINGAR,
    DOCUMENT_TYPES,
    KALLELSE,
    MEETING_TEMPLATES,
    PROTOKOLL,
    PROTOKOLLSUTDRAG,
    TEXT_WIDTH,
    TILLAGGSLISTA,
    build_templates,
    list_template_tags,
)

NBSP = "\u00a0"
ANCHOR = "\u2063BESLUT-BRÖDTEXT\u2063"

# The context keys the renderer provides (the brief's list); a template may use nothing else.
CONTEXT_KEYS = {
    "organisation", "organ", "dokument", "rubrik", "underrubrik", "diarienummer", "datum",
    "datum_långt", "handläggare", "ansvarig", "sekretess", "förslag", "brödtext",
    "beslutsunderlag", "bilagor", "mottagare", "underskrifter", "sidhuvud", "metadata",
    "er_beteckning", "personer", "avslutning", "efterskrift",
}  # fmt: skip

ADDRESS = [
    "Besöksadress: Rådhus Skåne, Västra Storgatan 12",
    "Postadress: Region Skåne 291 89 Kristianstad",
    "Telefon (växel): 044-309 30 00",
    "E-post: region@skane.se",
    "Internet: www.skane.se",
    "Organisationsnummer: 23 21 00-0255",
]

FULL_CONTEXT: dict[str, Any] = {
    "organisation": {
        "namn": "Region Skåne",
        "förvaltning": "Hälso- och sjukvårdsförvaltningen",
        "adressrader": ADDRESS,
    },
    "organ": {"namn": "Hälso- och sjukvårdsnämnden", "kortnamn": "HSN"},
    "dokument": {"etikett": "TJÄNSTESKRIVELSE", "typ": "tjänsteskrivelse"},
    "rubrik": "Förändrings- och genomförandeplan för Framtidens hälsosystem",
    "underrubrik": "Vård & omsorg <2025>",
    "diarienummer": "25HSN3392",
    "datum": "2025-09-10",
    "datum_långt": f"10{NBSP}september 2025",
    "handläggare": {
        "namn": "Sofia Pettersson",
        "titel": "utredare",
        "telefon": "044-309 30 01",
        "epost": "sofia.pettersson@example.se",
    },
    "ansvarig": {"namn": "Maria Strandberg", "titel": "avdelningschef"},
    "personer": [
        "Ärendeansvarig chef: Maria Strandberg, avdelningschef",
        "Handläggare: Sofia Pettersson, utredare, 044-309 30 01, sofia.pettersson@example.se",
    ],
    "sekretess": None,
    "förslag": {
        "rubrik": None,
        "inledning": "Regionledningen beslutar",
        "punkter": [
            {"etikett": "att", "text": "godkänna förslag till programdirektiv;", "lista": []},
            {
                "etikett": "att",
                "text": "hälso- och sjukvårdsdirektören ska vara ordförande.",
                "lista": [],
            },
        ],
        "block": [
            {
                "rubrik": None,
                "inledning": "Regionledningen beslutar",
                "punkter": [
                    {
                        "etikett": "att",
                        "text": "godkänna förslag till programdirektiv;",
                        "lista": [],
                    },
                    {
                        "etikett": "att",
                        "text": "hälso- och sjukvårdsdirektören ska vara ordförande.",
                        "lista": [],
                    },
                ],
            }
        ],
    },
    "avslutning": {
        "ordning": ["beslutsunderlag", "bilagor", "mottagare", "underskrifter", "efterskrift"],
        "underskrifter_efter_förslaget": False,
        "beslutsunderlag": "rader",
    },
    "efterskrift": "",
    "brödtext": ANCHOR,
    "beslutsunderlag": ["250910 Beslutsunderlag Programdirektiv", "250910 Programdirektiv"],
    "bilagor": [{"nummer": 1, "titel": "Programdirektiv"}, {"nummer": 2, "titel": "Tidplan"}],
    "mottagare": {
        "rubrik": "Delges",
        "namn": ["Regionledningsförvaltningen", "Regional utveckling"],
    },
    "underskrifter": [
        {"namn": "Gilbert Tribo", "titel": "Ordförande"},
        {"namn": "Pia Lundbom", "titel": "Hälso- och sjukvårdsdirektör"},
        {"namn": "Tredje Person", "titel": None},
    ],
    "er_beteckning": None,
    "sidhuvud": {
        "vänster": [
            "Region Skåne",
            "Hälso- och sjukvårdsförvaltningen",
            "Hälso- och sjukvårdsnämnden",
        ],
        "etikett": "TJÄNSTESKRIVELSE",
        "höger": ["Datum 2025-09-10", "Diarienummer 25HSN3392"],
        "datum": "2025-09-10",
        "sida": {"före": "", "mellan": f"{NBSP}(", "efter": ")"},
        "logotyp": None,
    },
    "metadata": [
        {"etikett": "Diarienummer", "värde": "25HSN3392"},
        {"etikett": "Datum", "värde": f"10{NBSP}september 2025"},
        {"etikett": "Ärendeansvarig chef", "värde": "Maria Strandberg, avdelningschef"},
        {
            "etikett": "Handläggare",
            "värde": "Sofia Pettersson, utredare, 044-309 30 01, sofia.pettersson@example.se",
        },
    ],
}

EMPTY_CONTEXT: dict[str, Any] = {
    **FULL_CONTEXT,
    "organisation": {"namn": "Testregionen", "förvaltning": None, "adressrader": []},
    "underrubrik": None,
    "ansvarig": None,
    "handläggare": {"namn": "Åsa Öberg", "titel": None, "telefon": None, "epost": None},
    "personer": ["Handläggare: Åsa Öberg"],
    "beslutsunderlag": [],
    "bilagor": [],
    "mottagare": {"rubrik": "Delges", "namn": []},
    "underskrifter": [],
    "sidhuvud": {
        **FULL_CONTEXT["sidhuvud"],
        "vänster": ["Testregionen", "Hälso- och sjukvårdsnämnden"],
        "etikett": "",
        "höger": [],
    },
    "metadata": [{"etikett": "Handläggare", "värde": "Åsa Öberg"}],
}

SECRECY = {"markering": "SEKRETESS enligt 25 kap. 1 § OSL", "organ": "HSN", "datum": "2025-09-10"}


def strict_env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("mallar")
    build_templates(dest)
    return dest


def render(path: Path, context: dict[str, Any]) -> Any:
    """Render with StrictUndefined + autoescape, save and reopen with python-docx."""
    template = DocxTemplate(str(path))
    template.render(copy.deepcopy(context), jinja_env=strict_env(), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    return docx.Document(buffer)


def part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def header_text(header: Any) -> str:
    return "\n".join(p.text for p in header.paragraphs)


def header_columns(header: Any) -> list[list[str]]:
    """The header table's three columns, each as its non-empty lines."""
    (table,) = header.tables
    return [[p.text for p in cell.paragraphs if p.text] for cell in table.rows[0].cells]


# --------------------------------------------------------------------------- building


def test_builds_one_template_per_type_reproducibly(tmp_path: Path) -> None:
    first = build_templates(tmp_path / "a")
    second = build_templates(tmp_path / "b")
    assert [p.name for p in first] == [f"{t}.docx" for t in (*DOCUMENT_TYPES, *MEETING_TEMPLATES)]
    assert MEETING_TEMPLATES == (KALLELSE, PROTOKOLL, PROTOKOLLSUTDRAG, TILLAGGSLISTA, ANDRINGAR)
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes()


def test_page_is_a4_with_swedish_margins(templates: Path) -> None:
    section = docx.Document(str(templates / "tjänsteskrivelse.docx")).sections[0]
    assert round(section.page_width.cm, 1) == 21.0
    assert round(section.page_height.cm, 1) == 29.7
    assert round(section.left_margin.cm, 2) == 2.5
    assert round(section.right_margin.cm, 2) == 2.5
    assert round(section.header_distance.cm, 2) == 1.25


def test_language_is_swedish_everywhere(templates: Path) -> None:
    path = templates / "beslutsförslag.docx"
    styles = part_xml(path, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*</w:docDefaults>", styles, re.S)
    assert defaults and 'w:lang w:val="sv-SE"' in defaults.group(0)
    for style in re.findall(r"<w:style .*?</w:style>", styles, re.S):
        if "<w:rPr>" in style:
            assert 'w:val="sv-SE"' in style, style[:120]
    settings = part_xml(path, "word/settings.xml")
    assert re.search(r'<w:themeFontLang w:val="sv-SE"\s*/>', settings)
    assert "updateFields" not in settings
    # Explicit fonts only: theme fonts (Calibri Light …) have no metric-compatible free font.
    assert "asciiTheme" not in styles


def test_named_styles_exist(templates: Path) -> None:
    document = docx.Document(str(templates / "direktiv.docx"))
    names = {style.name for style in document.styles}
    for name in (
        "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3",
        "Beslutsinledning", "Beslutspunkt", "List Bullet", "List Bullet 2", "List Number",
        "Tabelltext", "Tabellhuvud", "Tabellrubrik", "footnote text", "footnote reference",
        "Quote", "Header", "Footer", "Metadata", "Hyperlink", "Table Grid", "Kod",
    ):  # fmt: skip
        assert name in names, name
    assert document.styles["Normal"].font.name == "Calibri"
    assert document.styles["Beslutsinledning"].font.bold is True


def test_heading_styles_are_outline_levels(templates: Path) -> None:
    document = docx.Document(str(templates / "direktiv.docx"))
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"]
        outline = style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1)


def test_decision_point_has_hanging_indent(templates: Path) -> None:
    style = docx.Document(str(templates / "direktiv.docx")).styles["Beslutspunkt"]
    fmt = style.paragraph_format
    assert fmt.left_indent is not None and fmt.first_line_indent is not None
    assert fmt.first_line_indent == -fmt.left_indent
    assert fmt.tab_stops[0].position == fmt.left_indent


def test_list_styles_have_their_own_numbering(templates: Path) -> None:
    path = templates / "tjänsteskrivelse.docx"
    styles = part_xml(path, "word/styles.xml")
    numbering = part_xml(path, "word/numbering.xml")
    bullet = re.search(r'w:styleId="ListBullet".*?<w:numId w:val="(\d+)"', styles, re.S)
    number = re.search(r'w:styleId="ListNumber".*?<w:numId w:val="(\d+)"', styles, re.S)
    assert bullet and number and bullet.group(1) != number.group(1)
    assert 'w:numFmt w:val="bullet"' in numbering
    assert 'w:numFmt w:val="decimal"' in numbering
    assert '<w:pStyle w:val="ListNumber2"/>' in numbering


def test_templates_use_only_context_keys(templates: Path) -> None:
    for doc_type in DOCUMENT_TYPES:
        tags = list_template_tags(templates / f"{doc_type}.docx", jinja_env=strict_env())
        assert tags == sorted(tags)
        assert set(tags) <= CONTEXT_KEYS, set(tags) - CONTEXT_KEYS
        assert "brödtext" in tags
    # the metadata block and the header come from lists built in Python (render.letterhead)
    for doc_type in (*DOCUMENT_TYPES, KALLELSE, PROTOKOLL, PROTOKOLLSUTDRAG, TILLAGGSLISTA):
        tags = list_template_tags(templates / f"{doc_type}.docx")
        assert {"sidhuvud"} <= set(tags), doc_type
        assert "ansvarig" not in tags and "datum" not in tags
    assert "metadata" in list_template_tags(templates / "direktiv.docx")


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("doc_type", DOCUMENT_TYPES)
def test_full_context_renders_every_tag(templates: Path, doc_type: str) -> None:
    document = render(templates / f"{doc_type}.docx", FULL_CONTEXT)
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    body = "\n".join(text for _, text in texts)
    assert "{{" not in body and "{%" not in body
    assert ("Title", FULL_CONTEXT["rubrik"]) in texts
    assert ("Subtitle", "Vård & omsorg <2025>") in texts  # autoescaped, shown literally
    assert ("Metadata", "Diarienummer: 25HSN3392") in texts
    assert ("Metadata", f"Datum: 10{NBSP}september 2025") in texts
    assert (
        "Metadata",
        "Handläggare: Sofia Pettersson, utredare, 044-309 30 01, sofia.pettersson@example.se",
    ) in texts
    assert ("Beslutsinledning", "Regionledningen beslutar") in texts
    points = [text for style, text in texts if style == "Beslutspunkt"]
    assert points == [
        "att\tgodkänna förslag till programdirektiv;",
        "att\thälso- och sjukvårdsdirektören ska vara ordförande.",
    ]
    assert [p.text for p in document.paragraphs if ANCHOR in p.text] == [ANCHOR]
    headings = [text for style, text in texts if style == "Heading 1"]
    assert headings == ["Beslutsunderlag", "Bilagor", "Delges"]
    assert ("Förteckning", "250910 Programdirektiv") in texts
    assert ("Bilageförteckning", "Bilaga 2\tTidplan") in texts
    assert ("Förteckning", "Regional utveckling") in texts
    # Signatures: two per row, name above title.
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "Gilbert Tribo\nOrdförande",
        "Pia Lundbom\nHälso- och sjukvårdsdirektör",
    ]
    assert [c.text for c in table.rows[1].cells] == ["Tredje Person", ""]
    metadata = [text for style, text in texts if style == "Metadata"]
    assert metadata == [
        "Diarienummer: 25HSN3392",
        f"Datum: 10{NBSP}september 2025",
        "Ärendeansvarig chef: Maria Strandberg, avdelningschef",
        "Handläggare: Sofia Pettersson, utredare, 044-309 30 01, sofia.pettersson@example.se",
    ]


@pytest.mark.parametrize("doc_type", DOCUMENT_TYPES)
def test_header_and_footer(templates: Path, doc_type: str) -> None:
    document = render(templates / f"{doc_type}.docx", FULL_CONTEXT)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    for header in (section.first_page_header, section.header):
        assert header_columns(header) == [
            ["Region Skåne", "Hälso- och sjukvårdsförvaltningen", "Hälso- och sjukvårdsnämnden"],
            ["TJÄNSTESKRIVELSE", "Datum 2025-09-10", "Diarienummer 25HSN3392"],
            [f"1{NBSP}(1)"],
        ]
        xml = header._element.xml
        assert "SEKRETESS" not in xml
        instructions = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
        assert [i.strip() for i in instructions] == ["PAGE", "NUMPAGES"]
        assert xml.count('w:fldCharType="begin"') == 2
        assert xml.count('w:fldCharType="end"') == 2
    footer = [p.text for p in section.first_page_footer.paragraphs]
    assert footer == [
        f"{ADDRESS[0]}\t{ADDRESS[3]}",
        f"{ADDRESS[1]}\t{ADDRESS[4]}",
        f"{ADDRESS[2]}\t{ADDRESS[5]}",
        "",  # a footer always keeps one (one-point) paragraph
    ]
    assert all(p.style.name == "Footer" for p in section.first_page_footer.paragraphs)


def test_odd_number_of_address_lines(templates: Path) -> None:
    context = {
        **FULL_CONTEXT,
        "organisation": {**FULL_CONTEXT["organisation"], "adressrader": ADDRESS[:3]},
    }
    document = render(templates / "tjänsteskrivelse.docx", context)
    footer = [p.text for p in document.sections[0].first_page_footer.paragraphs]
    assert footer == [f"{ADDRESS[0]}\t{ADDRESS[2]}", f"{ADDRESS[1]}\t", ""]


def test_secrecy_line_only_when_set(templates: Path) -> None:
    path = templates / "direktiv.docx"
    marked = render(path, {**FULL_CONTEXT, "sekretess": SECRECY})
    for header in (marked.sections[0].first_page_header, marked.sections[0].header):
        first = header.paragraphs[0]
        assert first.text == "SEKRETESS enligt 25 kap. 1 § OSL \u2013 HSN, 2025-09-10"
        assert first.style.name == "Sekretess" and first.style.font.bold
    # and in the body, right under the title block: headers are artifacts screen readers skip
    body = [(p.style.name, p.text) for p in marked.paragraphs[:4]]
    assert body[2] == (
        "Sekretessmarkering",
        "SEKRETESS enligt 25 kap. 1 § OSL \u2013 HSN, 2025-09-10",
    )
    assert body[:2] == [("Title", FULL_CONTEXT["rubrik"]), ("Subtitle", "Vård & omsorg <2025>")]
    assert marked.styles["Sekretessmarkering"].font.bold
    plain = render(path, FULL_CONTEXT)
    assert "SEKRETESS" not in header_text(plain.sections[0].first_page_header)
    assert "Sekretessmarkering" not in [p.style.name for p in plain.paragraphs]


def test_optional_parts_disappear(templates: Path) -> None:
    document = render(templates / "tjänsteskrivelse.docx", EMPTY_CONTEXT)
    styles = [p.style.name for p in document.paragraphs]
    assert "Subtitle" not in styles
    assert "Heading 1" not in styles
    assert "Bilageförteckning" not in styles
    assert document.tables == []
    assert all(p.text for p in document.paragraphs[:-1]), "no empty paragraphs left behind"
    assert document.paragraphs[-1].text == ""  # the document must not end with a table
    assert ("Metadata", "Handläggare: Åsa Öberg") in [
        (p.style.name, p.text) for p in document.paragraphs
    ]
    assert header_columns(document.sections[0].header)[:2] == [
        ["Testregionen", "Hälso- och sjukvårdsnämnden"],
        [],
    ]
    assert [p.text for p in document.sections[0].first_page_footer.paragraphs] == [""]


@pytest.mark.parametrize(
    ("page_style", "expected"),
    [
        ("1 (4)", f"1{NBSP}(1)"),
        ("1(4)", "1(1)"),
        ("Sida 1 (4)", f"Sida 1{NBSP}(1)"),
        ("Sida 1 av 4", "Sida 1 av 1"),
        ("1/4", "1/1"),
    ],
)
def test_page_number_styles_come_from_the_context(
    templates: Path, page_style: str, expected: str
) -> None:
    """One template serves every page-number style: the text around the fields is data."""
    before, between, after = page_parts(PageStyle(page_style))
    sidhuvud = {
        **FULL_CONTEXT["sidhuvud"],
        "sida": {"före": before, "mellan": between, "efter": after},
    }
    document = render(templates / "tjänsteskrivelse.docx", {**FULL_CONTEXT, "sidhuvud": sidhuvud})
    for header in (document.sections[0].first_page_header, document.sections[0].header):
        assert header_columns(header)[2] == [expected]


def test_header_is_a_borderless_table_with_fixed_columns(templates: Path) -> None:
    document = docx.Document(str(templates / "beslutsförslag.docx"))
    for header in (document.sections[0].first_page_header, document.sections[0].header):
        (table,) = header.tables
        tbl_pr = table._tbl.tblPr
        assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        borders = tbl_pr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"nil"}
        widths = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert len(widths) == 3 and sum(widths) == TEXT_WIDTH  # 16 cm
    first = part_xml(templates / "beslutsförslag.docx", "word/header1.xml")
    other = part_xml(templates / "beslutsförslag.docx", "word/header2.xml")
    # the logo stands on the first page only
    assert ("sidhuvud.logotyp" in first) != ("sidhuvud.logotyp" in other)


def test_missing_key_fails_loudly(templates: Path) -> None:
    context = {k: v for k, v in FULL_CONTEXT.items() if k != "förslag"}
    with pytest.raises(jinja2.UndefinedError):
        render(templates / "beslutsförslag.docx", context)
