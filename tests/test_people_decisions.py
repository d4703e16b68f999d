"""Issue 12, points 4–6: people, decision styles and the closing sections, checked in the .docx
(paragraph text, styles, order, numbering) and, for a few, in the PDF made by LibreOffice."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from beslut import api
from conftest import CASE, PROFILE, MakeWorkspace, findings

NBSP = "\u00a0"
NAME = "content/ärenden/x.md"

# A kommun organ beside the test profile's region organs.
KOMMUN = PROFILE.replace(
    "diarienummer:\n",
    "  - id: ks\n    namn: Kommunstyrelsen\n    kortnamn: KS\ndiarienummer:\n",
    1,
)


def case(front: str, body: str = "## Sammanfattning\n\nEtt kort ärende om planen.\n") -> str:
    """A tjänsteskrivelse with the given front matter after the fixed keys (no förslag)."""
    return (
        "---\ntyp: tjänsteskrivelse\nrubrik: Ett ärende om åtgärder\ndiarienummer: 25HSN1\n"
        f"instans: hsn\ndatum: 2025-09-10\n{front}---\n\n{body}"
    )


OFFICER = "handläggare:\n  namn: Åsa Öberg\n"
POINTS = "förslag:\n  beslutspunkter:\n    - Hälso- och sjukvårdsnämnden godkänner planen\n"


def build(
    make_workspace: MakeWorkspace,
    text: str,
    *,
    profile: str = PROFILE,
    formats: tuple[str, ...] = ("docx",),
) -> Path:
    """Build one case and return its output folder (the build must succeed)."""
    root = make_workspace({NAME: text}, profile=profile)
    report = api.build(root, out_dir=root / "ut", formats=formats)
    assert report.ok, [d.format() for d in report.diagnostics]
    return root / "ut" / "ärenden"


def document(folder: Path) -> Document:
    return docx.Document(str(folder / "x.docx"))


def paragraphs(doc: Document) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph, with ``[tabell]`` where a table stands."""
    names = {s.style_id: s.name for s in doc.styles}
    result = []
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            name = names[style.get(qn("w:val"))] if style is not None else "Normal"
            text = "".join(
                "\t" if t.tag == qn("w:tab") else t.text or ""
                for t in child.iter(qn("w:t"), qn("w:tab"))
                if t.getparent().tag == qn("w:r")
            )
            result.append((name, text))
        elif child.tag == qn("w:tbl"):
            result.append(("[tabell]", ""))
    return result


def styled(doc: Document, *names: str) -> list[str]:
    return [t for s, t in paragraphs(doc) if s in names]


def num_id(doc: Document, style: str) -> str:
    """The numbering (numId) a paragraph style links to."""
    element = doc.styles[style].element
    found = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    assert found is not None, style
    return str(found.get(qn("w:val")))


def numbering_format(folder: Path, num: str) -> str:
    """The format of level 0 of a numbering instance (decimal, bullet …)."""
    with zipfile.ZipFile(folder / "x.docx") as archive:
        xml = archive.read("word/numbering.xml").decode()
    abstract = re.search(rf'<w:num w:numId="{num}"[^>]*>\s*<w:abstractNumId w:val="(\d+)"', xml)
    assert abstract, num
    block = re.search(
        rf'<w:abstractNum [^>]*w:abstractNumId="{abstract.group(1)}".*?</w:abstractNum>',
        xml,
        re.DOTALL,
    )
    assert block
    fmt = re.search(r'<w:lvl w:ilvl="0".*?<w:numFmt w:val="(\w+)"', block.group(0), re.DOTALL)
    assert fmt
    return fmt.group(1)


# =========================================================================== 4. people


def test_several_officers_each_on_a_line_with_title_phone_and_email(
    make_workspace: MakeWorkspace,
) -> None:
    front = (
        "handläggare:\n"
        "  - namn: Sofia Pettersson\n    titel: Utredare\n    telefon: 044-309 30 01\n"
        "    e-post: sofia.pettersson@example.se\n"
        "  - namn: Erik Dahl\n    titel: Controller\n"
        "ansvarig:\n  namn: Maria Strandberg\n  titel: Ärendeansvarig chef\n" + POINTS
    )
    doc = document(build(make_workspace, case(front)))
    metadata = styled(doc, "Metadata")
    assert metadata[2:] == [
        "Ärendeansvarig chef: Maria Strandberg",  # the title is not repeated
        "Handläggare: Sofia Pettersson, Utredare, 044-309 30 01, sofia.pettersson@example.se",
        "Handläggare: Erik Dahl, Controller",
    ]
    assert doc.core_properties.author == "Sofia Pettersson"


def test_a_single_officer_is_still_one_group_and_a_real_title_is_kept(
    make_workspace: MakeWorkspace,
) -> None:
    front = OFFICER + "ansvarig:\n  namn: Karin Lindberg\n  titel: Ekonomidirektör\n" + POINTS
    doc = document(build(make_workspace, case(front)))
    assert styled(doc, "Metadata")[2:] == [
        "Ärendeansvarig chef: Karin Lindberg, Ekonomidirektör",
        "Handläggare: Åsa Öberg",
    ]


CHAIR_PROFILE = PROFILE + (
    "  beslutsförslag:\n"
    "    etikett: BESLUTSFÖRSLAG\n"
    "    handläggare_krävs: nej\n"
    "    avslutning:\n"
    "      underskrifter_ordning: [Ordförande, Hälso- och sjukvårdsdirektör]\n"
)
CHAIR_CASE = (
    "---\ntyp: beslutsförslag\nrubrik: Förändringsplan\ndiarienummer: 25HSN7\ninstans: hsn\n"
    "datum: 2022-05-30\n"
    "förslag:\n  rubrik: Ordförandens förslag\n  beslutspunkter:\n"
    "    - Hälso- och sjukvårdsnämnden fastställer planen\n"
    "    - Hälso- och sjukvårdsnämnden översänder planen till sjukhusstyrelserna\n"
    "underskrifter:\n"
    "  - namn: Pia Lundbom\n    titel: Hälso- och sjukvårdsdirektör\n"
    "  - namn: Gilbert Tribo\n    titel: Ordförande\n"
    "---\n\n## Sammanfattning\n\nRegionfullmäktige fastställde målbilden.\n"
)


def test_chair_proposal_without_officer_heading_and_signatures_in_profile_order(
    make_workspace: MakeWorkspace,
) -> None:
    doc = document(build(make_workspace, CHAIR_CASE, profile=CHAIR_PROFILE))
    texts = paragraphs(doc)
    assert not [t for s, t in texts if t.startswith("Handläggare")]
    assert styled(doc, "Metadata") == ["Diarienummer: 25HSN7", f"Datum: 30{NBSP}maj 2022"]
    heading = texts.index(("Heading 1", "Ordförandens förslag"))
    assert texts[heading + 1][0] == "Beslutspunkt"
    assert texts[heading + 1][1].startswith("1.\tHälso- och sjukvårdsnämnden fastställer")
    (table,) = doc.tables
    assert [c.text for c in table.rows[0].cells] == [
        "Gilbert Tribo\nOrdförande",
        "Pia Lundbom\nHälso- och sjukvårdsdirektör",
    ]
    assert doc.core_properties.author == ""


def test_missing_officer_is_a_located_error_when_the_profile_requires_one(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace({NAME: case(POINTS)})
    assert findings(root, "saknas") == [
        f"{NAME}:2:6: fel: Handläggare saknas; profilen kräver handläggare för "
        "tjänsteskrivelse. Lägg till ”handläggare:” med namn (och gärna titel, telefon och "
        "e-post), eller sätt ”handläggare_krävs: nej” under dokumenttyper → tjänsteskrivelse i "
        "profilen om den här typen av handling inte har någon handläggare. [saknas]"
    ]
    empty = make_workspace({NAME: case("handläggare: []\n" + POINTS)})
    assert [f.split(": fel")[0] for f in findings(empty, "saknas")] == [f"{NAME}:7:14"]


def test_signatures_after_the_proposal_and_default_signatures_from_the_profile(
    make_workspace: MakeWorkspace,
) -> None:
    profile = PROFILE + (
        "avslutning:\n"
        "  underskrifter_placering: efter förslaget\n"
        "  underskrifter:\n    - namn: Lena Ek\n      titel: Förvaltningschef\n"
    )
    doc = document(build(make_workspace, case(OFFICER + POINTS), profile=profile))
    texts = paragraphs(doc)
    point = next(i for i, (s, _) in enumerate(texts) if s == "Beslutspunkt")
    assert texts[point + 1] == ("[tabell]", "")
    assert texts[point + 2] == ("Heading 1", "Sammanfattning")
    assert [c.text for c in doc.tables[0].rows[0].cells] == ["Lena Ek\nFörvaltningschef", ""]
    assert [s for s, _ in texts].count("[tabell]") == 1


# =========================================================================== 5. decision styles


def test_single_unnumbered_sentence(make_workspace: MakeWorkspace) -> None:
    front = OFFICER.replace("", "") + (
        "förslag:\n  stil: onumrerad\n  beslutspunkter:\n"
        "    - Hälso- och sjukvårdsnämnden godkänner yttrandet och överlämnar det till "
        "kommunstyrelsen samt kommunrevisionen\n"
    )
    folder = build(make_workspace, case(front))
    doc = document(folder)
    assert styled(doc, "Beslutsmening") == [
        "Hälso- och sjukvårdsnämnden godkänner yttrandet och överlämnar det till "
        "kommunstyrelsen samt kommunrevisionen."
    ]
    assert styled(doc, "Beslutspunkt") == []
    assert doc.styles["Beslutsmening"].paragraph_format.first_line_indent in (None, 0)


def test_proposal_to_fullmaktige_with_numbered_points_and_its_decider(
    make_workspace: MakeWorkspace,
) -> None:
    front = OFFICER + (
        "förslag:\n"
        "  inledning: 'Regionstyrelsen föreslår att regionfullmäktige beslutar följande:'\n"
        "  beslutande: Regionfullmäktige\n"
        "  beslutspunkter:\n"
        "    - Regionfullmäktige godkänner årsredovisningen för 2020\n"
        "    - Regionfullmäktige beviljar ansvarsfrihet för regionstyrelsen\n"
    )
    root = make_workspace({NAME: case(front)})
    assert findings(root, "beslut-subjekt") == []
    doc = document(build(make_workspace, case(front)))
    assert styled(doc, "Beslutsinledning") == [
        "Regionstyrelsen föreslår att regionfullmäktige beslutar följande:"
    ]
    assert styled(doc, "Beslutspunkt") == [
        "1.\tRegionfullmäktige godkänner årsredovisningen för 2020.",
        "2.\tRegionfullmäktige beviljar ansvarsfrihet för regionstyrelsen.",
    ]


TWO_BLOCKS = OFFICER.replace("", "") + (
    "förslag:\n"
    "  block:\n"
    "    - rubrik: Kommunstyrelsens förslag till kommunfullmäktige\n"
    "      beslutande: Kommunfullmäktige\n"
    "      beslutspunkter:\n"
    "        - Kommunfullmäktige antar reviderad taxa för bygglov\n"
    "        - Kommunfullmäktige fastställer att taxan gäller från den 1 januari 2026\n"
    "    - rubrik: Kommunstyrelsens beslut för egen del\n"
    "      stil: att-satser\n"
    "      beslutspunkter:\n"
    "        - ge kommundirektören i uppdrag att informera berörda\n"
    "        - 'förklara paragrafen omedelbart justerad'\n"
)


def two_block_case() -> str:
    return case(TWO_BLOCKS).replace("instans: hsn", "instans: ks")


def test_two_blocks_each_with_heading_and_own_numbering(make_workspace: MakeWorkspace) -> None:
    doc = document(build(make_workspace, two_block_case(), profile=KOMMUN))
    texts = [(s, t) for s, t in paragraphs(doc) if s in ("Heading 2", "Beslutspunkt")]
    assert texts == [
        ("Heading 2", "Kommunstyrelsens förslag till kommunfullmäktige"),
        ("Beslutspunkt", "1.\tKommunfullmäktige antar reviderad taxa för bygglov."),
        (
            "Beslutspunkt",
            f"2.\tKommunfullmäktige fastställer att taxan gäller från den 1{NBSP}januari 2026.",
        ),
        ("Heading 2", "Kommunstyrelsens beslut för egen del"),
        ("Beslutspunkt", "att\tge kommundirektören i uppdrag att informera berörda; samt"),
        ("Beslutspunkt", "att\tförklara paragrafen omedelbart justerad."),
    ]


def test_two_blocks_are_linted_each_against_its_own_decider(
    make_workspace: MakeWorkspace,
) -> None:
    text = two_block_case().replace(
        "Kommunfullmäktige antar reviderad taxa", "Taxan för bygglov antas"
    )
    root = make_workspace({NAME: text}, profile=KOMMUN)
    got = findings(root, "beslut-subjekt")
    assert len(got) == 1
    assert got[0].startswith(f"{NAME}:14:11: varning: Beslutspunkt 1 börjar inte med ")
    assert "Kommunfullmäktige (beslutande)" in got[0]


def test_numbered_att_satser_of_a_motion(make_workspace: MakeWorkspace) -> None:
    front = OFFICER + (
        "förslag:\n  inledning: Vi föreslår kommunfullmäktige\n  stil: att-satser\n"
        "  numrera: ja\n  beslutspunkter:\n"
        "    - ge samhällsbyggnadsnämnden i uppdrag att utreda fler cykelbanor\n"
        "    - ge kommunstyrelsen i uppdrag att ta fram en cykelplan\n"
        "    - avsätta medel i budget för 2027\n"
    )
    doc = document(build(make_workspace, case(front)))
    assert styled(doc, "Beslutspunkt") == [
        f"att{NBSP}1\tge samhällsbyggnadsnämnden i uppdrag att utreda fler cykelbanor;",
        f"att{NBSP}2\tge kommunstyrelsen i uppdrag att ta fram en cykelplan; samt",
        f"att{NBSP}3\tavsätta medel i budget för 2027.",
    ]


def test_stray_att1_is_never_printed_as_att_att1(make_workspace: MakeWorkspace) -> None:
    front = OFFICER + (
        "förslag:\n  stil: att-satser\n  beslutspunkter:\n"
        "    - att1 ge nämnden i uppdrag att utreda frågan\n"
        "    - anta planen\n"
    )
    doc = document(build(make_workspace, case(front)))
    points = styled(doc, "Beslutspunkt")
    assert points == ["att\tge nämnden i uppdrag att utreda frågan; samt", "att\tanta planen."]
    assert not [p for p in points if "att1" in p or "att att" in p]


def test_bulleted_list_inside_a_decision_point(make_workspace: MakeWorkspace) -> None:
    front = OFFICER + (
        "förslag:\n  stil: att-satser\n  beslutspunkter:\n"
        "    - punkt: fördela stimulansmedlen enligt följande\n"
        "      lista:\n"
        "        - 2 mnkr till primärvården\n"
        "        - 3 mnkr till psykiatrin\n"
        "    - anta planen\n"
    )
    folder = build(make_workspace, case(front))
    doc = document(folder)
    texts = [(s, t) for s, t in paragraphs(doc) if s in ("Beslutspunkt", "Beslutslista")]
    assert texts == [
        ("Beslutspunkt", "att\tfördela stimulansmedlen enligt följande:"),
        ("Beslutslista", f"2{NBSP}mnkr till primärvården"),
        ("Beslutslista", f"3{NBSP}mnkr till psykiatrin; samt"),
        ("Beslutspunkt", "att\tanta planen."),
    ]
    assert numbering_format(folder, num_id(doc, "Beslutslista")) == "bullet"
    # indented under the point's text, not at the margin
    assert doc.styles["Beslutslista"].element.find(f"{qn('w:pPr')}/{qn('w:numPr')}") is not None


@pytest.mark.parametrize(
    ("setting", "heading"),
    [
        ("  rubrik: Förvaltningens förslag till beslut\n", "Förvaltningens förslag till beslut"),
        ("  rubrik: Ordförandens förslag\n", "Ordförandens förslag"),
        ("", "Förslag till beslut"),  # the profile's beslut.rubrik
    ],
)
def test_heading_variants_from_case_or_profile(
    make_workspace: MakeWorkspace, setting: str, heading: str
) -> None:
    profile = PROFILE.replace(
        "beslut:\n  stil: numrerad\n", "beslut:\n  stil: numrerad\n  rubrik: Förslag till beslut\n"
    )
    front = OFFICER + POINTS.replace("förslag:\n", "förslag:\n" + setting)
    doc = document(build(make_workspace, case(front), profile=profile))
    texts = paragraphs(doc)
    index = texts.index(("Heading 1", heading))
    assert texts[index + 1] == (
        "Beslutspunkt",
        "1.\tHälso- och sjukvårdsnämnden godkänner planen.",
    )
    assert [t for s, t in texts if s == "Heading 1"] == [heading, "Sammanfattning"]


def test_today_s_proposal_form_renders_as_before(make_workspace: MakeWorkspace) -> None:
    doc = document(build(make_workspace, CASE.replace("ett", "ett")))
    assert styled(doc, "Beslutsinledning") == ["Förvaltningens förslag till beslut"]
    assert styled(doc, "Beslutspunkt") == ["1.\tHälso- och sjukvårdsnämnden godkänner planen."]


def test_points_and_blocks_together_are_an_error(make_workspace: MakeWorkspace) -> None:
    text = case(TWO_BLOCKS.replace("  block:\n", "  beslutspunkter: [anta planen]\n  block:\n"))
    got = findings(make_workspace({NAME: text}, profile=KOMMUN), "ogiltigt-värde")
    assert got == [
        f"{NAME}:10:3: fel: ”förslag”: skriv beslutspunkterna antingen under ”beslutspunkter” "
        "eller i ”block”, inte båda. [ogiltigt-värde]"
    ]


# =========================================================================== 6. sections


SECTIONS = (
    OFFICER
    + POINTS
    + (
        "beslutsunderlag:\n  - Tjänsteskrivelse 2025-09-10\n  - Plan 2025-09-01\n"
        "bilagor:\n  - titel: Plan\n"
        "delges:\n  - Regionstyrelsen\n  - Revisionen\n"
        "underskrifter:\n  - namn: Lena Ek\n    titel: Förvaltningschef\n"
    )
)


def test_closing_sections_in_the_profile_order_with_free_recipient_heading(
    make_workspace: MakeWorkspace,
) -> None:
    profile = PROFILE + (
        "avslutning:\n"
        "  ordning: [underskrifter, mottagare, beslutsunderlag]\n"
        "  mottagarrubrik: Expedieras till\n"
    )
    doc = document(build(make_workspace, case(SECTIONS), profile=profile))
    texts = paragraphs(doc)
    start = texts.index(("Heading 1", "Sammanfattning"))
    tail = [(s, t) for s, t in texts[start + 2 :] if t or s == "[tabell]"]
    assert tail == [
        ("[tabell]", ""),
        ("Heading 1", "Expedieras till"),
        ("Förteckning", "Regionstyrelsen"),
        ("Förteckning", "Revisionen"),
        ("Heading 1", "Beslutsunderlag"),
        ("Förteckning", "Tjänsteskrivelse 2025-09-10"),
        ("Förteckning", "Plan 2025-09-01"),
        ("Heading 1", "Bilagor"),  # not in the profile's list: after it, in the default order
        ("Bilageförteckning", "Bilaga 1\tPlan"),
    ]


def test_case_recipient_heading_overrides_the_profile(make_workspace: MakeWorkspace) -> None:
    text = case(SECTIONS + "delges_rubrik: Beslut sänds till\n")
    doc = document(build(make_workspace, text))
    assert "Beslut sänds till" in styled(doc, "Heading 1")
    assert "Delges" not in styled(doc, "Heading 1")


@pytest.mark.parametrize(
    ("form", "style", "fmt"),
    [("numrerad", "Numrerad förteckning", "decimal"), ("punktlista", "List Bullet", "bullet")],
)
def test_basis_as_numbered_or_bulleted_list(
    make_workspace: MakeWorkspace, form: str, style: str, fmt: str
) -> None:
    profile = PROFILE + f"avslutning:\n  beslutsunderlag: {form}\n"
    folder = build(make_workspace, case(SECTIONS), profile=profile)
    doc = document(folder)
    assert styled(doc, style) == ["Tjänsteskrivelse 2025-09-10", "Plan 2025-09-01"]
    assert numbering_format(folder, num_id(doc, style)) == fmt
    assert styled(doc, "Förteckning") == ["Regionstyrelsen", "Revisionen", ""]


POSTSCRIPT = (
    "efterskrift: |\n"
    "  ## Information om hur man överklagar\n"
    "\n"
    "  Beslutet kan överklagas till förvaltningsrätten inom tre veckor.\n"
)


def test_text_after_the_signatures(make_workspace: MakeWorkspace) -> None:
    doc = document(build(make_workspace, case(SECTIONS + POSTSCRIPT)))
    texts = [(s, t) for s, t in paragraphs(doc) if t or s == "[tabell]"]
    table = texts.index(("[tabell]", ""))
    assert texts[table + 1 :] == [
        ("Heading 1", "Information om hur man överklagar"),
        ("Normal", "Beslutet kan överklagas till förvaltningsrätten inom tre veckor."),
    ]


def test_generated_heading_in_the_body_is_warned(make_workspace: MakeWorkspace) -> None:
    body = "## Sammanfattning\n\nEtt kort ärende.\n\n## Expedieras till\n\nRevisionen\n"
    root = make_workspace({NAME: case(OFFICER + POINTS, body)})
    assert findings(root, "genererat-avsnitt") == [
        f"{NAME}:18:1: varning: Avsnittet ”Expedieras till” skapas av beslut från front matter; "
        "skriv listan under beslutsunderlag/bilagor/delges (eller förslaget under förslag) i "
        "stället för i texten. [genererat-avsnitt]"
    ]


# =========================================================================== PDF


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory, require_libreoffice_module: None) -> str:
    import shutil

    from conftest import REPO

    root = tmp_path_factory.mktemp("pdf") / "arbetsyta"
    (root / "content" / "ärenden").mkdir(parents=True)
    shutil.copytree(REPO / "templates", root / "templates")
    profile = KOMMUN + "avslutning:\n  ordning: [underskrifter, efterskrift, mottagare]\n"
    (root / "content" / "profil.yaml").write_text(profile, encoding="utf-8")
    text = two_block_case().replace(
        "---\n\n",
        "underskrifter:\n  - namn: Lena Ek\n    titel: Kommundirektör\n"
        "delges:\n  - Revisionen\n" + POSTSCRIPT + "---\n\n",
        1,
    )
    (root / NAME).write_text(text, encoding="utf-8")
    report = api.build(root, out_dir=root / "ut", formats=("pdf",))
    assert report.ok, [d.format() for d in report.diagnostics]
    reader = PdfReader(str(root / "ut" / "ärenden" / "x.pdf"))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_has_both_blocks_in_order(pdf_text: str) -> None:
    text = " ".join(pdf_text.split())
    order = [
        "Kommunstyrelsens förslag till kommunfullmäktige",
        "1. Kommunfullmäktige antar reviderad taxa för bygglov.",
        "Kommunstyrelsens beslut för egen del",
        "att ge kommundirektören i uppdrag att informera berörda; samt",
        "att förklara paragrafen omedelbart justerad.",
    ]
    positions = [text.find(s) for s in order]
    assert -1 not in positions, [s for s, p in zip(order, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_pdf_closing_order_signature_then_postscript_then_recipients(pdf_text: str) -> None:
    text = " ".join(pdf_text.split())
    order = ["Lena Ek", "Information om hur man överklagar", "Delges", "Revisionen"]
    positions = [text.find(s) for s in order]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "Handläggare: Åsa Öberg" in text


def test_readme_proposal_example_is_valid() -> None:
    from ruamel.yaml import YAML

    from beslut.model.models import Proposal
    from conftest import REPO

    readme = (REPO / "README.md").read_text("utf-8")
    block = next(b for b in readme.split("```yaml\n")[1:] if b.startswith("förslag:\n  rubrik"))
    data = YAML(typ="safe").load(block.split("```", 1)[0])
    proposal = Proposal.model_validate(data["förslag"])
    assert [b.heading for b in proposal.blocks] == [
        "Kommunstyrelsens förslag till kommunfullmäktige",
        "Kommunstyrelsens beslut för egen del",
    ]
    assert proposal.blocks[1].numbered is True
    assert proposal.blocks[1].points[0].items == (
        "2 mnkr till primärvården",
        "3 mnkr till psykiatrin",
    )


def test_efterskrift_is_checked_as_markdown_where_it_stands(make_workspace: MakeWorkspace) -> None:
    text = case(SECTIONS + POSTSCRIPT.replace("inom tre veckor", "inom 3  veckor"))
    root = make_workspace({NAME: text})
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if "inom 3  veckor" in t)
    column = lines[line - 1].index("  veckor") + 1
    assert findings(root, "dubbla-mellanslag") == [
        f"{NAME}:{line}:{column}: varning: 2 mellanslag i rad; skriv ett. [dubbla-mellanslag]"
    ]


def test_kallelse_prints_every_block_of_the_proposal(make_workspace: MakeWorkspace) -> None:
    from beslut.render.kallelse import kallelse_context
    from beslut.validate.workspace import load_workspace
    from conftest import MEETING

    meeting = MEETING.replace("instans: hsn", "instans: ks") + (
        "  - typ: beslut\n    diarienummer: 25HSN1\n"
    )
    root = make_workspace({NAME: two_block_case(), "content/möten/m.yaml": meeting}, profile=KOMMUN)
    workspace = load_workspace(root)
    assert workspace.profile is not None
    (meeting_doc,) = workspace.meetings
    context = kallelse_context(
        meeting_doc.meeting, workspace.profile, [None, workspace.cases[0]], None, public=False
    )
    assert context["punkter"][1]["detaljer"] == [
        "Kommunstyrelsens förslag till kommunfullmäktige",
        "1. Kommunfullmäktige antar reviderad taxa för bygglov.",
        f"2. Kommunfullmäktige fastställer att taxan gäller från den 1{NBSP}januari 2026.",
        "Kommunstyrelsens beslut för egen del",
        "att ge kommundirektören i uppdrag att informera berörda; samt",
        "att förklara paragrafen omedelbart justerad.",
    ]
