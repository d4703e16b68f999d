"""The protokoll and protokollsutdrag templates (templates_build): rendered with docxtpl from a
context that follows the contract of render.protokoll, opened with python-docx, and converted
to PDF with the real LibreOffice converter."""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import jinja2
import pytest
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from pypdf import PdfReader

from beslut.model.letterhead import page_parts
from beslut.model.models import PageStyle
from beslut.model.styles import (
    FIELD_LABEL_STYLE,
    LAYOUT_STYLES,
    PARAGRAPH_HEADING_STYLE,
    PARAGRAPH_PART_STYLE,
)
from beslut.render.templates_build import (
    PROTOKOLL,
    PROTOKOLLSUTDRAG,
    build_templates,
    list_template_tags,
)

NBSP = "\u00a0"
ADDRESS = [
    "Besöksadress: Rådhus Skåne, Västra Storgatan 12",
    "Postadress: Region Skåne 291 89 Kristianstad",
    "Telefon (växel): 044-309 30 00",
    "E-post: region@skane.se",
]
BEFORE, BETWEEN, AFTER = page_parts(PageStyle.SIDA_PARENTES)
SECRET_TEXT = "Patienten vårdades på avdelning 12 under perioden."
NOTICE = (
    "Paragrafen innehåller uppgifter som omfattas av sekretess enligt 25 kap. 1 § OSL "
    "och publiceras inte."
)


def _paragraf(**fields: Any) -> dict[str, Any]:
    empty: dict[str, Any] = {
        "diarienummer": "",
        "sekretess": "",
        "dold": "",
        "omedelbart_justerad": "",
        "text": [],
        "beslutsunderlag": [],
        "yrkanden": [],
        "propositionsordning": [],
        "omröstning": None,
        "beslut": {"rubrik": "Beslut", "block": []},
        "jäv": [],
        "reservationer": [],
        "protokollsanteckningar": [],
        "delges": [],
    }
    return {**empty, **fields}


def _block(inledning: str, *punkter: str, rubrik: str = "") -> dict[str, Any]:
    return {
        "rubrik": rubrik,
        "inledning": inledning,
        "punkter": [{"etikett": "att", "text": text, "lista": []} for text in punkter],
    }


MEMBERS = [
    ("Gilbert Tribo (L)", "ordförande", ""),
    ("Anna Berglund (S)", "1:e vice ordförande", ""),
    ("Per Nilsson (M)", "", ""),
    ("Karin Håkansson (C)", "", "§§ 41–44"),
    ("Erik Holm (KD)", "", ""),
    ("Maja Larsson (V)", "", ""),
    ("Lisa Sjöberg (S)", "", ""),
]

VOTES = [
    ("Gilbert Tribo (L)", "X", "", ""),
    ("Anna Berglund (S)", "X", "", ""),
    ("Per Nilsson (M)", "", "X", ""),
    ("Erik Holm (KD)", "X", "", ""),
    ("Maja Larsson (V)", "", "X", ""),
    ("Lisa Sjöberg (S)", "X", "", ""),
    ("Karin Håkansson (C)", "X", "", ""),
]

PARAGRAFER: list[dict[str, Any]] = [
    _paragraf(
        nummer="§ 41",
        rubrik="Val av justerare och tid för justering",
        text=[
            "Anna Berglund (S) utses att jämte ordföranden justera protokollet. "
            "Justeringen sker på Regionens hus den 21 juni 2022 kl. 13.00."
        ],
        beslut={
            "rubrik": "Beslut",
            "block": [
                {
                    "rubrik": "",
                    "inledning": "",
                    "punkter": [
                        {
                            "etikett": "",
                            "text": "Hälso- och sjukvårdsnämnden utser Anna Berglund (S) "
                            "att jämte ordföranden justera protokollet.",
                            "lista": [],
                        }
                    ],
                }
            ],
        },
        omedelbart_justerad="Paragrafen justerades omedelbart.",
    ),
    _paragraf(
        nummer="§ 42",
        rubrik="Återrapportering av stimulansmedel för psykisk hälsa 2021",
        diarienummer="22HSN5102",
        jäv=["Karin Håkansson (C) anmäler jäv och deltar inte i handläggningen."],
        text=[
            "Regionen har fått stimulansmedel från staten för insatser inom psykisk hälsa. "
            "Förvaltningen redovisar hur medlen har använts under 2021." * 3,
            "Återrapporteringen ska lämnas till Socialstyrelsen senast den 30 juni 2022.",
        ],
        beslutsunderlag=[
            "Tjänsteskrivelse 2022-05-20",
            "Återrapportering stimulansmedel 2021",
        ],
        yrkanden=[
            "Gilbert Tribo (L) yrkar bifall till förvaltningens förslag.",
            "Per Nilsson (M) yrkar att ärendet återremitteras till förvaltningen "
            "för en fördjupad analys av kostnaderna.",
        ],
        propositionsordning=[
            "Ordföranden frågar först om ärendet ska avgöras i dag och finner att det ska "
            "avgöras i dag.",
        ],
        omröstning={
            "text": [
                "Omröstning begärs och verkställs. Den som vill avgöra ärendet i dag "
                "röstar ja, den som vill återremittera röstar nej."
            ],
            "röster": [
                {"namn": n, "ja": ja, "nej": nej, "avstår": avstår} for n, ja, nej, avstår in VOTES
            ],
            "summa": {"ja": "5", "nej": "2", "avstår": "0"},
            "resultat": "Med 5 ja-röster mot 2 nej-röster och 0 som avstår beslutar nämnden "
            "att avgöra ärendet i dag.",
        },
        beslut={
            "rubrik": "Beslut",
            "block": [
                _block(
                    "Hälso- och sjukvårdsnämnden beslutar",
                    "godkänna återrapporteringen och överlämna den till Socialstyrelsen.",
                )
            ],
        },
        reservationer=[
            "Per Nilsson (M) reserverar sig mot beslutet till förmån för sitt yrkande "
            "(skriftlig reservation, bilaga)."
        ],
        protokollsanteckningar=["Maja Larsson (V) lämnar en protokollsanteckning."],
        delges=["Socialstyrelsen", "Hälso- och sjukvårdsförvaltningen"],
    ),
    _paragraf(
        nummer="§ 43",
        rubrik="Förändrings- och genomförandeplan för Framtidens hälsosystem",
        diarienummer="25HSN3392",
        text=["Nämnden ska besluta om planen och om hur den ska följas upp."],
        beslut={
            "rubrik": "Beslut",
            "block": [
                _block(
                    "Hälso- och sjukvårdsnämnden beslutar för egen del",
                    "godkänna förändrings- och genomförandeplanen;",
                    "uppdra åt förvaltningen att återrapportera i december 2022.",
                    rubrik="För egen del",
                ),
                _block(
                    "Hälso- och sjukvårdsnämnden föreslår regionstyrelsen besluta",
                    "avsätta 12,5 mnkr för genomförandet 2023.",
                    rubrik="Förslag till regionstyrelsen",
                ),
            ],
        },
        delges=["Regionstyrelsen"],
    ),
    _paragraf(
        nummer="§ 44",
        rubrik="Ersättning till enskild patient",
        diarienummer="22HSN6001",
        sekretess="Sekretess enligt 25 kap. 1 § OSL",
        text=[SECRET_TEXT],
        beslut={
            "rubrik": "Beslut",
            "block": [_block("Hälso- och sjukvårdsnämnden beslutar", "bevilja ersättningen.")],
        },
        delges=["Patientnämnden"],
    ),
]

CONTEXT: dict[str, Any] = {
    "organisation": {
        "namn": "Region Skåne",
        "förvaltning": "Hälso- och sjukvårdsförvaltningen",
        "adressrader": ADDRESS,
    },
    "sidhuvud": {
        "vänster": ["Region Skåne", "Hälso- och sjukvårdsnämnden"],
        "etikett": "PROTOKOLL",
        "höger": ["Sammanträdesdatum 2022-06-14"],
        "datum": "2022-06-14",
        "sida": {"före": BEFORE, "mellan": BETWEEN, "efter": AFTER},
        "logotyp": None,
    },
    "dokument": {"etikett": "PROTOKOLL", "typ": "protokoll"},
    "rubrik": "Protokoll Hälso- och sjukvårdsnämnden 2022-06-14",
    "organ": {"namn": "Hälso- och sjukvårdsnämnden", "kortnamn": "HSN"},
    "offentlig": False,
    "möte": {
        "datum": "2022-06-14",
        "dag": "Tisdagen den 14 juni 2022",
        "plats": "Regionens hus, sammanträdesrum Öresund",
        "tid": "09.00–11.30",
        "ordförande": "Gilbert Tribo (L)",
        "sekreterare": "Sara Ekström",
    },
    "paragrafer_spann": "§§ 41–44",
    "närvaro": {
        "beslutande": [{"namn": n, "roll": r, "anmärkning": a} for n, r, a in MEMBERS],
        "tjänstgörande_ersättare": [
            {"namn": "Lisa Sjöberg (S)", "ersätter": "Jonas Ek (SD)", "anmärkning": ""},
        ],
        "ej_tjänstgörande_ersättare": ["Olof Grahn (M)", "Britt Svensson (S)"],
        "övriga": [
            "Pia Lundbom, hälso- och sjukvårdsdirektör",
            "Sara Ekström, nämndsekreterare",
            "Jonas Lind, controller, § 42",
        ],
    },
    "justering": {
        "justerare": ["Anna Berglund (S)"],
        "plats_och_tid": "Regionens hus, 2022-06-21 kl.\u00a013.00",
    },
    "underskrifter": [
        {"roll": "Sekreterare", "namn": "Sara Ekström", "paragrafer": "§§ 41–44"},
        {"roll": "Ordförande", "namn": "Gilbert Tribo (L)", "paragrafer": ""},
        {"roll": "Justerare", "namn": "Anna Berglund (S)", "paragrafer": ""},
    ],
    "anslag": {
        "rubrik": "ANSLAG/BEVIS",
        "text": "Protokollet är justerat. Justeringen har tillkännagivits genom anslag.",
        "rader": [
            ["Organ", "Hälso- och sjukvårdsnämnden"],
            ["Sammanträdesdatum", "2022-06-14"],
            ["Datum för anslags uppsättande", "2022-06-22"],
            ["Datum för anslags nedtagande", "2022-07-14"],
            ["Sista dag för överklagande", "2022-07-13"],
            ["Förvaringsplats för protokollet", "Regionkansliet"],
        ],
        "underskrift": "Sara Ekström",
    },
    "innehåll": [{"nummer": p["nummer"], "rubrik": p["rubrik"]} for p in PARAGRAFER],
    "paragrafer": PARAGRAFER,
}


def public_context() -> dict[str, Any]:
    context = copy.deepcopy(CONTEXT)
    context["offentlig"] = True
    secret = context["paragrafer"][3]
    context["paragrafer"][3] = _paragraf(
        nummer=secret["nummer"], rubrik="Ärende om ersättning", dold=NOTICE
    )
    context["innehåll"][3]["rubrik"] = "Ärende om ersättning"
    return context


def utdrag_context() -> dict[str, Any]:
    context = copy.deepcopy(CONTEXT)
    for key in ("närvaro", "justering", "underskrifter", "anslag", "innehåll"):
        del context[key]
    context["sidhuvud"]["etikett"] = "PROTOKOLLSUTDRAG"
    context["dokument"] = {"etikett": "PROTOKOLLSUTDRAG", "typ": "protokollsutdrag"}
    context["paragrafer"] = [copy.deepcopy(PARAGRAFER[1])]
    context["paragrafer_spann"] = "§ 42"
    context["utdragsbestyrkande"] = {
        "text": "Rätt utdraget intygar",
        "namn": "Sara Ekström",
        "titel": "nämndsekreterare",
        "datum": "2022-06-22",
    }
    return context


def long_context() -> dict[str, Any]:
    """Sixteen paragrafer over a dozen pages: page breaks fall in many places."""
    context = copy.deepcopy(CONTEXT)
    paragrafer = []
    for round_ in range(4):
        for paragraf in PARAGRAFER:
            copied = copy.deepcopy(paragraf)
            copied["nummer"] = f"§ {41 + len(paragrafer)}"
            if round_ % 2:
                copied["text"] = copied["text"] * 2
            paragrafer.append(copied)
    context["paragrafer"] = paragrafer
    context["innehåll"] = [{"nummer": p["nummer"], "rubrik": p["rubrik"]} for p in paragrafer]
    context["paragrafer_spann"] = "§§ 41–56"
    return context


def strict_env() -> jinja2.Environment:
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("mallar")
    build_templates(dest)
    return dest


def render_bytes(path: Path, context: dict[str, Any]) -> bytes:
    template = DocxTemplate(str(path))
    template.render(copy.deepcopy(context), jinja_env=strict_env(), autoescape=True)
    # as the renderer does: PDF/UA needs a title
    template.docx.core_properties.title = (
        f"{context['dokument']['etikett'].capitalize()} 2022-06-14"
    )
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def render(path: Path, context: dict[str, Any]) -> Any:
    return docx.Document(io.BytesIO(render_bytes(path, context)))


def body_items(document: Any) -> list[tuple[str, str]]:
    """(style, text) of every body paragraph in order, table cells included (row by row)."""
    found: list[tuple[str, str]] = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = docx.text.paragraph.Paragraph(child, document)
            found.append((paragraph.style.name, paragraph.text))
        elif child.tag == qn("w:tbl"):
            table = docx.table.Table(child, document)
            for row in table.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per column
                        continue
                    seen.add(id(cell._tc))
                    found.extend((p.style.name, p.text) for p in cell.paragraphs)
    return found


def texts(document: Any) -> list[str]:
    return [text for _, text in body_items(document) if text]


def index_of(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


# --------------------------------------------------------------------------- the .docx


def test_the_templates_read_only_the_contract_keys(templates: Path) -> None:
    assert list_template_tags(templates / f"{PROTOKOLL}.docx") == [
        "anslag", "innehåll", "justering", "möte", "närvaro", "offentlig", "organisation",
        "paragrafer", "rubrik", "sidhuvud", "underskrifter",
    ]  # fmt: skip
    assert list_template_tags(templates / f"{PROTOKOLLSUTDRAG}.docx") == [
        "organisation", "paragrafer", "rubrik", "sidhuvud", "utdragsbestyrkande",
    ]  # fmt: skip


def test_protokoll_first_page_block_anslag_and_contents_in_order(templates: Path) -> None:
    document = render(templates / f"{PROTOKOLL}.docx", CONTEXT)
    lines = texts(document)
    assert "{{" not in "\n".join(lines) and "{%" not in "\n".join(lines)
    labels = [
        "Plats och tid",
        "Beslutande",
        "Tjänstgörande ersättare",
        "Ej tjänstgörande ersättare",
        "Övriga närvarande",
        "Justerare",
        "Justeringens plats och tid",
        "Underskrifter",
        "ANSLAG/BEVIS",
        "Innehåll",
        "§ 41 Val av justerare",
    ]
    positions = [
        lines.index(label) if label in lines else index_of(lines, label) for label in labels
    ]
    assert positions == sorted(positions), list(zip(labels, positions, strict=True))
    # values next to their labels
    at = lines.index("Plats och tid")
    assert lines[at + 1 : at + 3] == [
        "Regionens hus, sammanträdesrum Öresund",
        f"Tisdagen den 14 juni 2022, kl.{NBSP}09.00–11.30",
    ]
    at = lines.index("Beslutande")
    assert lines[at + 1 : at + 5] == [
        "Gilbert Tribo (L), ordförande",
        "Anna Berglund (S), 1:e vice ordförande",
        "Per Nilsson (M)",
        "Karin Håkansson (C) §§ 41–44",
    ]
    assert "Lisa Sjöberg (S) ersätter Jonas Ek (SD)" in lines
    # signatures: role, the dotted line (a tab) with the range, the name under it
    at = lines.index("Underskrifter")
    assert lines[at : at + 4] == [
        "Underskrifter",
        "Sekreterare",
        f"\t Paragrafer{NBSP}§§ 41–44",
        "Sara Ekström",
    ]
    assert lines[at + 4 : at + 10] == [
        "Ordförande", "\t", "Gilbert Tribo (L)", "Justerare", "\t", "Anna Berglund (S)",
    ]  # fmt: skip
    # the anslag box: rubrik, sentence, label/value rows, signature
    at = lines.index("ANSLAG/BEVIS")
    assert lines[at + 1].startswith("Protokollet är justerat.")
    assert lines[at + 2 : at + 6] == [
        "Organ", "Hälso- och sjukvårdsnämnden", "Sammanträdesdatum", "2022-06-14",
    ]  # fmt: skip
    assert lines[at + 12 : at + 16] == [
        "Förvaringsplats för protokollet", "Regionkansliet", "Underskrift", "\t",
    ]  # fmt: skip
    # contents: number <tab> rubrik
    contents = [text for style, text in body_items(document) if style == "Innehållsrad"]
    assert contents == [f"{p['nummer']}\t{p['rubrik']}" for p in PARAGRAFER]
    # the layout tables hold only layout styles (the PDF finisher tags them /Div)
    first, signatures, anslag, *rest = document.tables
    for table in (first, signatures, anslag):
        styles = {p.style.name for row in table.rows for c in row.cells for p in c.paragraphs}
        assert styles <= set(LAYOUT_STYLES), styles
    assert len(rest) == 1  # the vote table


def test_an_empty_value_prints_no_separator(templates: Path) -> None:
    context = copy.deepcopy(CONTEXT)
    context["möte"]["tid"] = ""
    lines = texts(render(templates / f"{PROTOKOLL}.docx", context))
    assert lines[lines.index("Plats och tid") + 2] == "Tisdagen den 14 juni 2022"
    utdrag = utdrag_context()
    utdrag["utdragsbestyrkande"]["titel"] = ""
    lines = texts(render(templates / f"{PROTOKOLLSUTDRAG}.docx", utdrag))
    assert lines[-1] == "Sara Ekström, 2022-06-22"


def test_an_empty_list_prints_no_label(templates: Path) -> None:
    context = copy.deepcopy(CONTEXT)
    context["närvaro"]["tjänstgörande_ersättare"] = []
    context["närvaro"]["övriga"] = []
    context["underskrifter"] = []
    lines = texts(render(templates / f"{PROTOKOLL}.docx", context))
    assert "Tjänstgörande ersättare" not in lines
    assert "Övriga närvarande" not in lines
    assert "Ej tjänstgörande ersättare" in lines
    assert "Underskrifter" not in lines


def test_each_paragraf_in_the_contract_order(templates: Path) -> None:
    items = body_items(render(templates / f"{PROTOKOLL}.docx", CONTEXT))
    headings = [text for style, text in items if style == PARAGRAPH_HEADING_STYLE]
    assert headings == [f"{p['nummer']} {p['rubrik']}" for p in PARAGRAFER]
    start = items.index((PARAGRAPH_HEADING_STYLE, "§ 42 " + PARAGRAFER[1]["rubrik"]))
    end = items.index((PARAGRAPH_HEADING_STYLE, "§ 43 " + PARAGRAFER[2]["rubrik"]))
    section = [(s, t) for s, t in items[start + 1 : end] if t]
    parts = [t for s, t in section if s == PARAGRAPH_PART_STYLE]
    assert parts == [
        "Jäv", "Beslutsunderlag", "Yrkanden", "Propositionsordning", "Omröstning", "Beslut",
        "Reservation", "Protokollsanteckning", "Beslutet skickas till",
    ]  # fmt: skip
    assert section[0] == ("Paragrafuppgift", "Dnr 22HSN5102")
    texts_only = [t for _, t in section]
    assert texts_only.index(PARAGRAFER[1]["jäv"][0]) < texts_only.index(PARAGRAFER[1]["text"][0])
    # the vote table between the sentence before it and the result
    vote = texts_only.index("Ledamot")
    assert texts_only[vote - 1].startswith("Omröstning begärs")
    assert texts_only[vote : vote + 4] == ["Ledamot", "Ja", "Nej", "Avstår"]
    assert texts_only[vote + 4 : vote + 8] == ["Gilbert Tribo (L)", "X", "", ""] or (
        texts_only[vote + 4 : vote + 6] == ["Gilbert Tribo (L)", "X"]
    )
    assert texts_only.index("Summa") < texts_only.index(PARAGRAFER[1]["omröstning"]["resultat"])
    assert ("Beslutspunkt", "att\tgodkänna återrapporteringen och överlämna den till "
            "Socialstyrelsen.") in section  # fmt: skip
    assert section[-2:] == [
        ("Förteckning", "Socialstyrelsen"),
        ("Förteckning", "Hälso- och sjukvårdsförvaltningen"),
    ]
    # § 41: a beslut without heading points, then the immediate justering
    start = items.index((PARAGRAPH_HEADING_STYLE, "§ 41 " + PARAGRAFER[0]["rubrik"]))
    first = [(s, t) for s, t in items[start + 1 : start + 8] if t]
    assert ("Beslutsmening", "Paragrafen justerades omedelbart.") in first
    # § 43: two beslut blocks, each with its heading, lead-in and points
    start = items.index((PARAGRAPH_HEADING_STYLE, "§ 43 " + PARAGRAFER[2]["rubrik"]))
    block = [(s, t) for s, t in items[start + 1 : start + 14] if t]
    assert [t for s, t in block if s == "Heading 3"] == [
        "För egen del",
        "Förslag till regionstyrelsen",
    ]
    assert [t for s, t in block if s == "Beslutsinledning"] == [
        "Hälso- och sjukvårdsnämnden beslutar för egen del",
        "Hälso- och sjukvårdsnämnden föreslår regionstyrelsen besluta",
    ]
    assert [t for s, t in block if s == "Beslutspunkt"][-1] == (
        "att\tavsätta 12,5 mnkr för genomförandet 2023."
    )
    # § 44: the secrecy marking under the Dnr in the internal protokoll
    start = items.index((PARAGRAPH_HEADING_STYLE, "§ 44 " + PARAGRAFER[3]["rubrik"]))
    assert [x for x in items[start + 1 : start + 4] if x[1]][:2] == [
        ("Paragrafuppgift", "Dnr 22HSN6001"),
        ("Sekretessmarkering", "Sekretess enligt 25 kap. 1 § OSL"),
    ]


def test_paragraf_styles_are_headings_kept_with_the_next_line(templates: Path) -> None:
    document = docx.Document(str(templates / f"{PROTOKOLL}.docx"))
    heading = document.styles[PARAGRAPH_HEADING_STYLE]
    part = document.styles[PARAGRAPH_PART_STYLE]
    assert heading.base_style.name == "Heading 1" and part.base_style.name == "Heading 2"
    for style in (heading, part):
        ppr = style.element.pPr
        assert ppr.find(qn("w:keepNext")) is not None, style.name
        assert ppr.find(qn("w:keepLines")) is not None, style.name
    assert heading.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"
    assert part.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "1"
    # space between paragrafer, no rule: LibreOffice paints a paragraph border outside the
    # tagged content (outloud TAG-001, tests/test_pdf_crosscheck.py)
    assert heading.element.pPr.find(qn("w:pBdr")) is None
    assert heading.paragraph_format.space_before is not None
    assert heading.paragraph_format.space_before.pt >= 20


def test_vote_table_has_a_repeated_header_row_and_a_sum_row(templates: Path) -> None:
    document = render(templates / f"{PROTOKOLL}.docx", CONTEXT)
    vote = document.tables[3]
    rows = [[c.text for c in row.cells] for row in vote.rows]
    assert rows[0] == ["Ledamot", "Ja", "Nej", "Avstår"]
    assert rows[1:-1] == [list(v) for v in VOTES]
    assert rows[-1] == ["Summa", "5", "2", "0"]
    header = vote.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:tblHeader")) is None for r in vote.rows[1:])
    assert vote.style.name == "Table Grid"


def test_header_and_the_signature_boxes_in_every_footer(templates: Path) -> None:
    document = render(templates / f"{PROTOKOLL}.docx", CONTEXT)
    section = document.sections[0]
    assert section.different_first_page_header_footer
    for header in (section.first_page_header, section.header):
        (table,) = header.tables
        columns = [[p.text for p in cell.paragraphs if p.text] for cell in table.rows[0].cells]
        assert columns == [
            ["Region Skåne", "Hälso- och sjukvårdsnämnden"],
            ["PROTOKOLL", "Sammanträdesdatum 2022-06-14"],
            [f"Sida 1{NBSP}(1)"],
        ]
    for footer in (section.first_page_footer, section.footer):
        (table,) = footer.tables
        assert [c.text for c in table.rows[0].cells] == [
            "Justerandes signatur",
            "Utdragsbestyrkande",
        ]
        assert [c.text for c in table.rows[1].cells] == ["", ""]  # room to sign
        height = table.rows[1]._tr.trPr.find(qn("w:trHeight"))
        assert int(height.get(qn("w:val"))) >= 500
    first = [p.text for p in section.first_page_footer.paragraphs if p.text]
    assert first == [f"{ADDRESS[0]}\t{ADDRESS[2]}", f"{ADDRESS[1]}\t{ADDRESS[3]}"]
    assert [p.text for p in section.footer.paragraphs if p.text] == []


def test_public_protokoll_hides_the_secret_paragraf(templates: Path) -> None:
    internal = texts(render(templates / f"{PROTOKOLL}.docx", CONTEXT))
    assert SECRET_TEXT in internal
    assert not any(line.startswith("Offentlig version") for line in internal)
    items = body_items(render(templates / f"{PROTOKOLL}.docx", public_context()))
    lines = [t for _, t in items if t]
    assert SECRET_TEXT not in lines
    assert "Dnr 22HSN6001" not in lines and "Patientnämnden" not in lines
    assert not any("Sekretess enligt" in line for line in lines)
    start = items.index((PARAGRAPH_HEADING_STYLE, "§ 44 Ärende om ersättning"))
    assert [x for x in items[start + 1 :] if x[1]] == [("Normal", NOTICE)]
    assert lines[0] == CONTEXT["rubrik"]  # the title, then the note on the public version
    assert lines[1].startswith("Offentlig version")
    assert "§ 44\tÄrende om ersättning" in lines
    # the other paragrafer are whole
    assert PARAGRAFER[1]["reservationer"][0] in lines


def test_utdrag_has_the_paragraf_and_the_utdragsbestyrkande(templates: Path) -> None:
    document = render(templates / f"{PROTOKOLLSUTDRAG}.docx", utdrag_context())
    items = [(s, t) for s, t in body_items(document) if t]
    assert items.pop(0) == ("Title", CONTEXT["rubrik"])  # the utdrag's title comes first
    assert items[0] == (PARAGRAPH_HEADING_STYLE, "§ 42 " + PARAGRAFER[1]["rubrik"])
    assert [t for s, t in items if s == PARAGRAPH_HEADING_STYLE] == [items[0][1]]
    assert items[-3:] == [
        (PARAGRAPH_PART_STYLE, "Utdragsbestyrkande"),
        ("Underskriftsrad", "Rätt utdraget intygar:\t"),
        ("Underskrift titel", "Sara Ekström, nämndsekreterare, 2022-06-22"),
    ]
    assert ("Tabelltext", "Per Nilsson (M)") in items  # the vote table comes along
    # no rule above the utdrag's only paragraf (the protokoll has one between paragrafer)
    heading = next(p for p in document.paragraphs if p.style.name == PARAGRAPH_HEADING_STYLE)
    top = heading._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:top')}")
    assert top is not None and top.get(qn("w:val")) == "nil"
    header = document.sections[0].first_page_header
    columns = [[p.text for p in c.paragraphs if p.text] for c in header.tables[0].rows[0].cells]
    assert columns[1] == ["PROTOKOLLSUTDRAG", "Sammanträdesdatum 2022-06-14"]
    assert "Sekretess" not in "\n".join(p.text for p in header.paragraphs)
    # the utdrag of a secret paragraf is marked in the header
    secret = utdrag_context()
    secret["paragrafer"] = [copy.deepcopy(PARAGRAFER[3])]
    marked = render(templates / f"{PROTOKOLLSUTDRAG}.docx", secret)
    for header in (marked.sections[0].first_page_header, marked.sections[0].header):
        assert header.paragraphs[0].text == "Sekretess enligt 25 kap. 1 § OSL"
        assert header.paragraphs[0].style.name == "Sekretess"


def test_label_style_is_bold_and_small(templates: Path) -> None:
    document = docx.Document(str(templates / f"{PROTOKOLL}.docx"))
    label = document.styles[FIELD_LABEL_STYLE]
    assert label.font.bold and label.font.size.pt == 10


# --------------------------------------------------------------------------- the PDF


@dataclass(frozen=True)
class Pdfs:
    protokoll: Path
    offentlig: Path
    utdrag: Path
    long: Path


@pytest.fixture(scope="module")
def pdfs(
    templates: Path, tmp_path_factory: pytest.TempPathFactory, require_libreoffice_module: None
) -> Iterator[Pdfs]:
    from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter

    out = tmp_path_factory.mktemp("pdf")
    sources = {
        "protokoll": (PROTOKOLL, CONTEXT),
        "offentlig": (PROTOKOLL, public_context()),
        "utdrag": (PROTOKOLLSUTDRAG, utdrag_context()),
        "lang": (PROTOKOLL, long_context()),
    }
    jobs = []
    for name, (template, context) in sources.items():
        source = out / f"{name}.docx"
        source.write_bytes(render_bytes(templates / f"{template}.docx", context))
        jobs.append(ConversionJob(source, out / f"{name}.pdf", name))
    converter = LibreOfficeConverter(workers=1, profile_root=out / "profiler")
    try:
        results = converter.convert(jobs)
    finally:
        converter.close()
    for result in results:
        assert result.ok, result.message
    yield Pdfs(*(out / f"{name}.pdf" for name in sources))


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " "))


def struct_roles(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    root = reader.root_object["/StructTreeRoot"].get_object()
    roles: list[str] = []
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = kids if isinstance(kids, list) else [kids]
        for kid in kids:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and "/S" in kid:
                roles.append(str(kid["/S"]))
                stack.append(kid)
    return roles


def outline_titles(path: Path) -> list[str]:
    reader = PdfReader(str(path))
    found: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(str(item.title))

    walk(reader.outline)
    return found


@pytest.mark.libreoffice
def test_protokoll_pdf_text_footer_and_tags(pdfs: Pdfs) -> None:
    pages = page_texts(pdfs.protokoll)
    assert len(pages) >= 2
    first = flat(pages[0])
    for text in (
        "PROTOKOLL",
        "Sammanträdesdatum 2022-06-14",
        f"Sida 1 ({len(pages)})",
        "Plats och tid",
        "Beslutande",
        "Gilbert Tribo (L), ordförande",
        "Lisa Sjöberg (S) ersätter Jonas Ek (SD)",
        "Justeringens plats och tid",
        "Paragrafer §§ 41–44",
    ):
        assert text in first, text
    # the anslagsbevis on page 1 or 2 (swedish-conventions.md §4.5)
    first_two = flat(" ".join(pages[:2]))
    for text in (
        "ANSLAG/BEVIS",
        "Datum för anslags uppsättande 2022-06-22",
        "Datum för anslags nedtagande 2022-07-14",
        "Förvaringsplats för protokollet Regionkansliet",
    ):
        assert text in first_two, text
    for number, page in enumerate(pages, start=1):
        text = flat(page)
        assert "Justerandes signatur" in text and "Utdragsbestyrkande" in text, number
        assert f"Sida {number} ({len(pages)})" in text, number
    everything = flat(" ".join(pages))
    assert SECRET_TEXT in everything
    assert "Med 5 ja-röster mot 2 nej-röster" in everything
    reader = PdfReader(str(pdfs.protokoll))
    assert "/StructTreeRoot" in reader.root_object
    roles = struct_roles(pdfs.protokoll)
    # the title is /H1, Innehåll and the four paragrafer /H2; the vote table is a data table
    # with headers, the label/value tables are layout (/Div)
    assert roles.count("/H1") == 1 and roles.count("/H2") == 5, roles
    assert roles.count("/Table") == 1 and roles.count("/TH") >= 4, roles
    titles = outline_titles(pdfs.protokoll)
    assert [t for t in titles if t.startswith("§")] == [
        f"{p['nummer']} {p['rubrik']}" for p in PARAGRAFER
    ]


@pytest.mark.libreoffice
def test_protokoll_pdfs_pass_the_audit_and_the_layout_check(pdfs: Pdfs) -> None:
    from beslut.convert.layout import layout_problems
    from beslut.validate.pdf_audit import audit_pdf

    # the layout check finds a heading (bold line) ending a page, a lone table row at the top
    # of a page and values broken over lines
    for path in (pdfs.protokoll, pdfs.offentlig, pdfs.utdrag, pdfs.long):
        assert [f.message for f in audit_pdf(path)] == [], path.name
        assert [p.text for p in layout_problems(path)] == [], path.name
    pages = page_texts(pdfs.long)
    assert len(pages) >= 8
    for number, page in enumerate(pages, start=1):
        assert "Justerandes signatur" in page, number
    # four vote tables, each with its header row (that a split table repeats it on the next
    # page is the docx mark w:tblHeader, checked in test_vote_table_*; whether one splits in
    # this PDF depends on the page geometry)
    assert sum(flat(page).count("Ledamot Ja Nej Avstår") for page in pages) >= 4


@pytest.mark.libreoffice
def test_public_and_utdrag_pdfs(pdfs: Pdfs) -> None:
    public = flat(" ".join(page_texts(pdfs.offentlig)))
    assert SECRET_TEXT not in public and "22HSN6001" not in public
    assert "§ 44 Ärende om ersättning" in public and flat(NOTICE) in public
    pages = page_texts(pdfs.utdrag)
    utdrag = flat(" ".join(pages))
    assert "PROTOKOLLSUTDRAG" in flat(pages[0]) and "Sammanträdesdatum 2022-06-14" in flat(pages[0])
    assert "§ 42 Återrapportering" in utdrag
    assert "Utdragsbestyrkande Rätt utdraget intygar:" in utdrag
    assert "Sara Ekström, nämndsekreterare, 2022-06-22" in utdrag
    assert "§ 41" not in utdrag and "ANSLAG/BEVIS" not in utdrag
    assert "/StructTreeRoot" in PdfReader(str(pdfs.utdrag)).root_object
