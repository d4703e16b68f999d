"""Markdown body → Word, inserted into a rendered template."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from beslut.model.models import StructuredTable
from beslut.render.markdown_docx import BodyWarning, insert_markdown
from beslut.render.templates_build import build_templates

NBSP = "\u00a0"
ANCHOR = "\u2063BESLUT-BRÖDTEXT\u2063"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

CONTEXT: dict[str, Any] = {
    "organisation": {"namn": "Testregionen", "förvaltning": None, "adressrader": []},
    "organ": {"namn": "Hälso- och sjukvårdsnämnden", "kortnamn": "HSN"},
    "dokument": {"etikett": "TJÄNSTESKRIVELSE", "typ": "tjänsteskrivelse"},
    "rubrik": "Ett ärende",
    "underrubrik": None,
    "diarienummer": "25HSN1",
    "datum": "2025-09-10",
    "datum_långt": "10 september 2025",
    "handläggare": {"namn": "Åsa Öberg", "titel": None, "telefon": None, "epost": None},
    "ansvarig": None,
    "sekretess": None,
    "personer": ["Handläggare: Åsa Öberg"],
    "förslag": {
        "rubrik": None,
        "inledning": "Förslag till beslut",
        "punkter": [{"etikett": "1.", "text": "X.", "lista": []}],
        "block": [
            {
                "rubrik": None,
                "inledning": "Förslag till beslut",
                "punkter": [{"etikett": "1.", "text": "X.", "lista": []}],
            }
        ],
    },
    "brödtext": ANCHOR,
    "beslutsunderlag": ["Tjänsteskrivelse 2025-09-10"],
    "bilagor": [],
    "mottagare": {"rubrik": "Delges", "namn": []},
    "underskrifter": [],
    "er_beteckning": None,
    "sidhuvud": {
        "vänster": ["Testregionen", "Hälso- och sjukvårdsnämnden"],
        "etikett": "TJÄNSTESKRIVELSE",
        "höger": ["Datum 2025-09-10", "Diarienummer 25HSN1"],
        "datum": "2025-09-10",
        "sida": {"före": "", "mellan": "\u00a0(", "efter": ")"},
        "logotyp": None,
    },
    "metadata": [{"etikett": "Handläggare", "värde": "Åsa Öberg"}],
    "avslutning": {
        "ordning": ["beslutsunderlag", "bilagor", "mottagare", "underskrifter", "efterskrift"],
        "underskrifter_efter_förslaget": False,
        "beslutsunderlag": "rader",
    },
    "efterskrift": "",
}

COSTS = StructuredTable.model_validate(
    {
        "id": "kostnader",
        "rubrik": "Tabell 1. Regionens kostnader 2020",
        "kolumner": [
            {"rubrik": "Resurs"},
            {"rubrik": "Belopp", "typ": "belopp", "enhet": "tkr"},
            {"rubrik": "Andel", "typ": "procent", "decimaler": 1},
            {"rubrik": "Kommentar"},
        ],
        "rader": [
            ["Samordnare", 1300, 19.8, None],
            ["Administrativt stöd", 400, Decimal("6.1"), "Administrativt stöd 50 %"],
            ["Återbetalning", -250, None, "Ej förbrukade medel"],
        ],
        "summarad": "Summa",
    }
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("mallar")
    return build_templates(dest)[0]  # tjänsteskrivelse.docx


def convert(
    template: Path,
    text: str,
    *,
    tables: Mapping[str, StructuredTable] | None = None,
    line_offset: int = 0,
    images: Mapping[str, Any] | None = None,
) -> tuple[Any, list[BodyWarning], bytes]:
    """Render the template, insert the body, save; return the reopened document."""
    tpl = DocxTemplate(str(template))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    tpl.render(CONTEXT, jinja_env=env, autoescape=True)
    document = tpl.docx
    anchor = next(p for p in document.paragraphs if p.text == ANCHOR)
    warnings = insert_markdown(
        document, anchor, text, tables=tables or {}, line_offset=line_offset, images=images
    )
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return docx.Document(io.BytesIO(data)), warnings, data


def body_paragraphs(document: Any) -> list[Any]:
    """The paragraphs between the decision points and the generated lists."""
    paragraphs = document.paragraphs
    start = max(i for i, p in enumerate(paragraphs) if p.style.name == "Beslutspunkt") + 1
    end = next(i for i, p in enumerate(paragraphs) if p.text == "Beslutsunderlag")
    return paragraphs[start:end]


def num_pr(paragraph: Any) -> tuple[str, str]:
    """(numId, ilvl) of a paragraph's direct numbering, ("", "") when it has none."""
    element = paragraph._p.find(f"{W}pPr/{W}numPr")
    if element is None:
        return ("", "")
    return (element.find(f"{W}numId").get(f"{W}val"), element.find(f"{W}ilvl").get(f"{W}val"))


def zip_text(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8")


# --------------------------------------------------------------------------- structure


def test_anchor_is_replaced_in_place(template: Path) -> None:
    document, warnings, _ = convert(template, "## Sammanfattning\n\nText.\n")
    assert warnings == []
    texts = [p.text for p in document.paragraphs]
    assert ANCHOR not in "".join(texts)
    index = texts.index("Sammanfattning")
    assert texts[index : index + 3] == ["Sammanfattning", "Text.", "Beslutsunderlag"]
    assert document.paragraphs[index - 1].style.name == "Beslutspunkt"


def test_headings_map_to_word_levels(template: Path) -> None:
    text = (
        "## 1. Grundläggande information\n\n### 1.1 Bakgrund\n\n#### Internationellt\n\n"
        "```\n## inte en rubrik\n```\n"
    )
    document, warnings, _ = convert(template, text)
    got = [(p.style.name, p.text) for p in body_paragraphs(document)]
    assert got[:3] == [
        ("Heading 1", "1. Grundläggande information"),
        ("Heading 2", "1.1 Bakgrund"),
        ("Heading 3", "Internationellt"),
    ]
    assert got[3] == ("Kodblock", "## inte en rubrik")
    assert warnings == []


def test_level_one_heading_warns(template: Path) -> None:
    document, warnings, _ = convert(template, "Inledning.\n\n# Stor rubrik\n", line_offset=5)
    assert ("Heading 1", "Stor rubrik") in [(p.style.name, p.text) for p in document.paragraphs]
    assert [(w.line, w.column, w.code) for w in warnings] == [(8, 1, "rubrik-nivå-1")]


def test_inline_formatting(template: Path) -> None:
    text = "Ett **fett** och *kursivt* ord, ~~struket~~, `kod` och\nmjuk brytning.  \nHård."
    document, _, _ = convert(template, text)
    (paragraph,) = body_paragraphs(document)
    assert paragraph.text == "Ett fett och kursivt ord, struket, kod och mjuk brytning.\nHård."
    runs = {run.text: run for run in paragraph.runs}
    assert runs["fett"].bold and not runs["fett"].italic
    assert runs["kursivt"].italic
    assert runs["struket"].font.strike
    assert runs["kod"].style.name == "Kod"
    assert paragraph._p.findall(f".//{W}br")


def test_case_text_is_data_not_template_code(template: Path) -> None:
    text = "Värdet {{ 7*7 }} och {% for x in y %} och {# kommentar #} står kvar."
    document, warnings, data = convert(template, text)
    (paragraph,) = body_paragraphs(document)
    assert paragraph.text == text
    assert "49" not in zip_text(data, "word/document.xml")
    assert warnings == []


def test_hyperlink_is_a_real_word_link(template: Path) -> None:
    document, _, _ = convert(template, "Se [Region Skåne](https://www.skane.se/a?b=1&c=2).")
    (paragraph,) = body_paragraphs(document)
    (link,) = paragraph._p.findall(f"{W}hyperlink")
    rel = document.part.rels[link.get(qn("r:id"))]
    assert rel.reltype == RT.HYPERLINK and rel.is_external
    assert rel.target_ref == "https://www.skane.se/a?b=1&c=2"
    run = link.find(f"{W}r")
    assert run.find(f"{W}rPr/{W}rStyle").get(f"{W}val") == "Hyperlink"
    assert paragraph.text == "Se Region Skåne."


def test_block_quote_uses_quote_style(template: Path) -> None:
    document, _, _ = convert(template, "> Målet med hälso- och sjukvården är en god hälsa.\n")
    (paragraph,) = body_paragraphs(document)
    assert paragraph.style.name == "Quote"


# --------------------------------------------------------------------------- lists


def test_ordered_lists_restart(template: Path) -> None:
    text = "1. Ett\n2. Två\n\nMellan.\n\n1. Ett igen\n2. Två igen\n\nOch:\n\n3. Tre\n4. Fyra\n"
    document, _, data = convert(template, text)
    items = [p for p in body_paragraphs(document) if num_pr(p)[0]]
    assert [p.style.name for p in items] == ["List Number"] * 6
    ids = [num_pr(p) for p in items]
    assert ids[0] == ids[1] and ids[2] == ids[3] and ids[4] == ids[5]
    assert len({ids[0], ids[2], ids[4]}) == 3
    numbering = zip_text(data, "word/numbering.xml")
    starts = []
    for num_id, _ in (ids[0], ids[2], ids[4]):
        match = re.search(rf'<w:num w:numId="{num_id}">(.*?)</w:num>', numbering, re.S)
        assert match, num_id
        override = re.search(
            r'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="(\d+)"/>', match.group(1)
        )
        assert override
        starts.append(override.group(1))
    assert starts == ["1", "1", "3"]
    # All restarted lists share the template's abstract numbering for List Number.
    abstracts = {
        re.findall(rf'<w:num w:numId="{n}"><w:abstractNumId w:val="(\d+)"', numbering)[0]
        for n, _ in (ids[0], ids[2], ids[4])
    }
    assert len(abstracts) == 1


def test_nested_bullets(template: Path) -> None:
    text = "- Ett\n  - Två\n    - Tre\n      - Fyra\n- Tillbaka\n"
    document, warnings, _ = convert(template, text)
    items = body_paragraphs(document)
    assert [(p.text, p.style.name, num_pr(p)[1]) for p in items] == [
        ("Ett", "List Bullet", "0"),
        ("Två", "List Bullet 2", "1"),
        ("Tre", "List Bullet 3", "2"),
        ("Fyra", "List Bullet 3", "2"),
        ("Tillbaka", "List Bullet", "0"),
    ]
    assert len({num_pr(p)[0] for p in items}) == 1
    assert [w.code for w in warnings] == ["lista-för-djup"]


def test_loose_list_item_with_two_paragraphs(template: Path) -> None:
    document, _, _ = convert(template, "1. Första stycket\n\n   Andra stycket\n\n2. Nästa\n")
    got = [(p.text, p.style.name) for p in body_paragraphs(document)]
    assert got == [
        ("Första stycket", "List Number"),
        ("Andra stycket", "List Continue"),
        ("Nästa", "List Number"),
    ]


# --------------------------------------------------------------------------- tables


def test_gfm_table(template: Path) -> None:
    text = (
        "| Resurs | Belopp (kkr) | Kommentar |\n|---|---|---|\n"
        "| Samordnare | 1 300 | |\n| Administrativt stöd | 400 | 50 % |\n"
        "| Minskning | −3 | |\n| Summa | **6 550** | Ej förbrukade medel |\n"
    )
    document, _, _ = convert(template, text)
    (table,) = document.tables
    tbl = table._tbl
    rows = tbl.findall(f"{W}tr")
    assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r.find(f"{W}trPr/{W}tblHeader") is None for r in rows[1:])
    look = tbl.find(f"{W}tblPr/{W}tblLook")
    assert look.get(f"{W}firstRow") == "1"
    assert table.style.name == "Table Grid"

    def jc(row: int, col: int) -> str | None:
        cell = rows[row].findall(f"{W}tc")[col]
        element = cell.find(f"{W}p/{W}pPr/{W}jc")
        return None if element is None else element.get(f"{W}val")

    assert [jc(r, 1) for r in range(5)] == ["right"] * 5
    assert [jc(r, 0) for r in range(5)] == [None] * 5
    assert [jc(r, 2) for r in range(5)] == [None] * 5
    assert table.rows[0].cells[0].paragraphs[0].style.name == "Tabellhuvud"
    assert table.rows[1].cells[0].paragraphs[0].style.name == "Tabelltext"
    # the author's space between digit groups becomes a no-break space
    assert table.rows[4].cells[1].text == "6\u00a0550"


def test_structured_table(template: Path) -> None:
    text = "Kostnader:\n\n```tabell kostnader\n```\n"
    document, warnings, _ = convert(template, text, tables={"kostnader": COSTS})
    assert warnings == []
    paragraphs = body_paragraphs(document)
    assert [(p.style.name, p.text) for p in paragraphs] == [
        ("Normal", "Kostnader:"),
        ("Tabellrubrik", "Tabell 1. Regionens kostnader 2020"),
    ]
    (table,) = document.tables
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells == [
        ["Resurs", "Belopp", "Andel", "Kommentar"],
        ["Samordnare", f"1{NBSP}300{NBSP}tkr", f"19,8{NBSP}%", ""],
        ["Administrativt stöd", f"400{NBSP}tkr", f"6,1{NBSP}%", f"Administrativt stöd 50{NBSP}%"],
        ["Återbetalning", f"\u2212250{NBSP}tkr", "\u2013", "Ej förbrukade medel"],
        ["Summa", f"1{NBSP}450{NBSP}tkr", f"25,9{NBSP}%", ""],
    ]
    sum_cells = table.rows[-1].cells
    assert all(run.bold for cell in sum_cells for p in cell.paragraphs for run in p.runs)
    tbl = table._tbl
    assert tbl.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None
    right = [c.paragraphs[0].alignment for c in table.rows[1].cells]
    assert [a is not None and a.name == "RIGHT" for a in right] == [False, True, True, False]


def test_unknown_table_is_kept_as_text(template: Path) -> None:
    text = "Före.\n\n```tabell saknas\nrad\n```\n"
    document, warnings, _ = convert(template, text, tables={"kostnader": COSTS}, line_offset=10)
    assert warnings == [
        BodyWarning(
            13,
            1,
            "okänd-tabell",
            'Tabellen "saknas" finns inte bland ärendets tabeller (tillgängliga: kostnader); '
            "blocket skrivs ut som text.",
        )
    ]
    assert body_paragraphs(document)[1].text == "```tabell saknas\nrad\n```"
    assert document.tables == []


# --------------------------------------------------------------------------- footnotes


def test_footnotes_are_real_word_footnotes(template: Path) -> None:
    text = (
        "Holistiskt arbetssätt.[^1] Och God vård.[^vard]\n\n"
        "[^1]: Ett filosofiskt betraktelsesätt att helheten är *större* än summan av delarna.\n"
        "[^vard]: God vård enligt Socialstyrelsens definition.\n"
    )
    document, warnings, data = convert(template, text)
    assert warnings == []
    (paragraph,) = body_paragraphs(document)
    assert paragraph.text == "Holistiskt arbetssätt. Och God vård."
    refs = paragraph._p.findall(f".//{W}footnoteReference")
    assert [r.get(f"{W}id") for r in refs] == ["1", "2"]
    assert any(rel.reltype == RT.FOOTNOTES for rel in document.part.rels.values())
    content_types = zip_text(data, "[Content_Types].xml")
    assert "wordprocessingml.footnotes+xml" in content_types
    footnotes = zip_text(data, "word/footnotes.xml")
    assert 'w:type="separator" w:id="-1"' in footnotes
    assert 'w:type="continuationSeparator" w:id="0"' in footnotes
    assert "Ett filosofiskt betraktelsesätt att helheten är " in footnotes
    assert "God vård enligt Socialstyrelsens definition." in footnotes
    assert footnotes.count("<w:footnoteRef/>") == 2
    assert '<w:pStyle w:val="FootnoteText"/>' in footnotes
    settings = zip_text(data, "word/settings.xml")
    assert '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>' in settings


def test_footnote_styles_are_created_when_missing() -> None:
    document = docx.Document()
    for style in list(document.styles.element.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) in ("Hyperlink", "FootnoteText", "FootnoteReference"):
            document.styles.element.remove(style)
    anchor = document.add_paragraph("ankare")
    warnings = insert_markdown(
        document, anchor, "Text[^1] och [länk](https://a.se).\n\n[^1]: Not.", tables={}
    )
    assert warnings == []
    names = {style.name for style in document.styles}
    assert {"footnote text", "footnote reference", "Hyperlink"} <= names
    assert [p.text for p in document.paragraphs] == ["Text och länk."]


# --------------------------------------------------------------------------- page breaks


def test_page_breaks(template: Path) -> None:
    text = "Ett.\n\n\\sidbrytning\n\nTvå.\n\n***\n\nTre.\n\n<!-- sidbrytning -->\n\nFyra.\n"
    document, warnings, _ = convert(template, text)
    assert warnings == []
    paragraphs = body_paragraphs(document)
    assert [p.text for p in paragraphs] == ["Ett.", "Två.", "Tre.", "Fyra."]
    assert [p.paragraph_format.page_break_before for p in paragraphs] == [None, True, True, True]


def test_page_break_at_the_end_and_before_a_table(template: Path) -> None:
    text = "Ett.\n\n\\sidbrytning\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\\sidbrytning\n"
    _, warnings, data = convert(template, text)
    assert warnings == []
    assert zip_text(data, "word/document.xml").count('<w:br w:type="page"/>') == 2


def test_dash_thematic_break_is_dropped_with_warning(template: Path) -> None:
    document, warnings, _ = convert(template, "Ett.\n\n___\n\nTvå.\n")
    assert [p.text for p in body_paragraphs(document)] == ["Ett.", "Två."]
    assert [(w.line, w.code) for w in warnings] == [(3, "tematisk-brytning")]


# --------------------------------------------------------------------------- warnings


def test_html_and_unread_images_are_kept_as_text_with_warnings(template: Path) -> None:
    text = (
        "Inledning.\n\n"
        'Text med <span class="x">html</span> och\n'
        "en bild ![Svensk hälso- och sjukvård under 100 år](bild.png).\n\n"
        "<div>\nblock\n</div>\n"
    )
    document, warnings, _ = convert(template, text, line_offset=7)
    assert warnings == [
        BodyWarning(
            10, 10, "html-stöds-inte", "HTML stöds inte i brödtexten och skrivs ut som vanlig text."
        ),
        BodyWarning(
            10, 30, "html-stöds-inte", "HTML stöds inte i brödtexten och skrivs ut som vanlig text."
        ),
        BodyWarning(
            11,
            9,
            "bild-fel",
            "Bilden ”bild.png” kan inte visas här; alternativtexten skrivs ut i stället.",
        ),
        BodyWarning(
            13, 1, "html-stöds-inte", "HTML stöds inte i brödtexten och skrivs ut som vanlig text."
        ),
    ]
    texts = [p.text for p in body_paragraphs(document)]
    assert texts[1] == (
        'Text med <span class="x">html</span> och en bild Svensk hälso- och sjukvård under 100 år.'
    )
    assert texts[2] == "<div>\nblock\n</div>"


# --------------------------------------------------------------------------- sections


# --------------------------------------------------------------------------- size


def test_large_body_converts(template: Path) -> None:
    """A 100-page body: 2 000 paragraphs, footnotes, links and a 1 000-row table (not timed)."""
    parts = []
    for section in range(100):
        parts.append(f"## Avsnitt {section}")
        for n in range(20):
            parts.append(f"Stycke {section}.{n} med **fet** text och [länk](https://e.se/{n}).")
    parts.append("Sista stycket.[^1]\n\n[^1]: En fotnot.")
    rows = "".join(f"| Post {k} | {k * 13} | {k} % |\n" for k in range(1000))
    parts.append("| Post | Belopp | Andel |\n|---|---|---|\n" + rows)
    big = StructuredTable.model_validate(
        {
            "id": "stor",
            "kolumner": [{"rubrik": "Post"}, {"rubrik": "Belopp", "typ": "belopp"}],
            "rader": [[f"Post {k}", k * 1000] for k in range(1000)],
            "summarad": "Summa",
        }
    )
    parts.append("```tabell stor\n```")
    document, warnings, _ = convert(template, "\n\n".join(parts), tables={"stor": big})
    assert warnings == []
    assert len(body_paragraphs(document)) == 100 + 2000 + 1 + 1  # + last + spacer between tables
    assert [len(t.rows) for t in document.tables] == [1001, 1002]


def test_existing_footnotes_part_is_extended(template: Path) -> None:
    """A document that already has footnotes (loaded as a plain part) keeps them."""
    _, _, data = convert(template, "Första.[^1]\n\n[^1]: Den första noten.")
    document = docx.Document(io.BytesIO(data))
    anchor = document.add_paragraph("ankare")
    warnings = insert_markdown(
        document,
        anchor,
        "Andra.[^a] [Länk](https://b.se)\n\n[^a]: Se [källan](https://c.se).",
        tables={},
    )
    assert warnings == []
    buffer = io.BytesIO()
    document.save(buffer)
    footnotes = zip_text(buffer.getvalue(), "word/footnotes.xml")
    assert "Den första noten." in footnotes
    assert "Se " in footnotes and 'w:id="2"' in footnotes
    assert footnotes.count('w:type="separator"') == 1
    rels = zip_text(buffer.getvalue(), "word/_rels/footnotes.xml.rels")
    assert 'Target="https://c.se"' in rels
