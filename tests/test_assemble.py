"""Tests of beslut.assemble: the agenda packet built from real LibreOffice PDF/A papers (marked
``libreoffice``) and from reportlab-made external attachments."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A3, A4, landscape  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from beslut.assemble import (
    FRONT_OUTLINE_TITLE,
    AssemblyError,
    PacketDocument,
    PacketItem,
    PacketJob,
    PacketResult,
    assemble_many,
    assemble_packet,
    plan_pages,
)
from beslut.assemble import packet as packet_module
from beslut.assemble.overlays import _OVERLAYS
from beslut.assemble.parts import READERS
from beslut.validate.pdf_audit import audit_pdf, structure_findings
from conftest import need

# ------------------------------------------------------------------------------------------
# LibreOffice: skip without it, but FAIL in CI
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def soffice() -> str:
    """The soffice executable; skips when missing, fails instead when CI is set."""
    found = shutil.which("soffice")
    need(found is not None, "LibreOffice (soffice)")
    assert found is not None
    return found


EXPORT = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)
SECRET = "HEMLIGMARKOR4711"
SECRET_HEADING = "Utredning om HEMLIGRUBRIK"
NOTICE = "Handlingen omfattas av sekretess enligt 26 kap. 1 § OSL och publiceras inte."
TITLE = "Hälso- och sjukvårdsnämnden 2026-11-30: handlingar"
MM = 72 / 25.4


def _docx(
    path: Path,
    heading: str,
    sections: list[str],
    marker: str,
    *,
    page_breaks: int = 0,
    lang: str = "sv-SE",
) -> None:
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.footer.paragraphs[0].text = f"Sidfot {marker}"
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    lang_element = rpr.find(qn("w:lang"))
    if lang_element is None:
        lang_element = OxmlElement("w:lang")
        rpr.append(lang_element)
    lang_element.set(qn("w:val"), lang)
    document.add_heading(heading, level=1)
    document.add_paragraph(f"Inledning {marker} med å, ä och ö.")
    for index, name in enumerate(sections):
        if 0 < index <= page_breaks:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(name, level=2)
        for n in range(2):
            document.add_paragraph(f"Stycke {n} under {name}: {marker}. " * 6)
    document.save(str(path))


@dataclass(frozen=True)
class Papers:
    front: Path
    report: Path
    directive: Path
    secret: Path
    english: Path
    external: Path


@pytest.fixture(scope="session")
def papers(soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Papers:
    """Five LibreOffice PDF/A-2b tagged papers (converted once) and a reportlab attachment."""
    root = tmp_path_factory.mktemp("papers")
    sources = root / "docx"
    sources.mkdir()
    _docx(
        sources / "kallelse.docx",
        "Kallelse",
        ["Föredragningslista", "Övrigt"],
        "KALLELSE",
        page_breaks=1,
    )
    _docx(
        sources / "tjansteskrivelse.docx",
        "Tjänsteskrivelse",
        ["Sammanfattning", "Beslut"],
        "TJANSTESKRIVELSE",
    )
    _docx(
        sources / "direktiv.docx",
        "Programdirektiv",
        ["Bakgrund", "Uppdrag"],
        "DIREKTIV",
        page_breaks=1,
    )
    _docx(sources / "hemlig.docx", SECRET_HEADING, ["Hemlig bakgrund"], SECRET)
    _docx(sources / "english.docx", "Report", ["Summary"], "ENGLISH", lang="en-GB")
    out = root / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            EXPORT,
            "--outdir",
            str(out),
            *sorted(str(p) for p in sources.glob("*.docx")),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    external = out / "karta.pdf"
    _external(external)
    result = Papers(
        front=out / "kallelse.pdf",
        report=out / "tjansteskrivelse.pdf",
        directive=out / "direktiv.pdf",
        secret=out / "hemlig.pdf",
        english=out / "english.pdf",
        external=external,
    )
    assert [len(PdfReader(p).pages) for p in (result.front, result.report, result.directive)] == [
        2,
        1,
        2,
    ]
    return result


def _external(path: Path) -> None:
    """Not tagged, not PDF/A: A4, A4 landscape, A3, A4 shown turned (/Rotate 90), cropped A4."""
    canvas = Canvas(str(path), pagesize=A4)
    for size, text in (
        (A4, "Extern bilaga EXTERNSTART"),
        (landscape(A4), "Liggande sida"),
        (A3, "Ritning i A3"),
        (A4, "Vriden sida"),
        (A4, "Beskuren sida"),
    ):
        canvas.setPageSize(size)
        canvas.drawString(72, size[1] - 100, text)
        canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=str(path))
    writer.pages[3].rotate(90)
    writer.pages[4].cropbox = RectangleObject([30, 40, 560, 800])
    writer.write(str(path))


# ------------------------------------------------------------------------------------------
# Inspection helpers
# ------------------------------------------------------------------------------------------


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) for every outline entry, depth first."""
    found: list[tuple[int, str, int]] = []

    def walk(nodes: list[Any], level: int) -> None:
        for node in nodes:
            if isinstance(node, list):
                walk(node, level + 1)
            else:
                page = reader.get_destination_page_number(node)
                assert page is not None
                found.append((level, str(node.title), page + 1))

    walk(reader.outline, 0)
    return found


@dataclass(frozen=True)
class StampSeen:
    text: str
    shown: tuple[float, float]
    """Start of the stamp's baseline in the page's shown coordinates."""
    direction: tuple[float, float]
    shown_size: tuple[float, float]


def _stamp(reader: PdfReader, index: int) -> StampSeen:
    page = reader.pages[index]
    found: list[StampSeen] = []
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    rotation = page.rotation % 360

    def to_shown(ux: float, uy: float) -> tuple[float, float]:
        if rotation == 90:
            return uy - y0, x1 - ux
        if rotation == 180:
            return x1 - ux, y1 - uy
        if rotation == 270:
            return y1 - uy, ux - x0
        return ux - x0, uy - y0

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if " · Sida " not in text:
            return
        ux = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        uy = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        dx = tm[0] * cm[0] + tm[1] * cm[2]
        dy = tm[0] * cm[1] + tm[1] * cm[3]
        ex, ey = to_shown(ux + dx, uy + dy)
        sx, sy = to_shown(ux, uy)
        width, height = x1 - x0, y1 - y0
        size = (height, width) if rotation in (90, 270) else (width, height)
        found.append(StampSeen(text.strip(), (sx, sy), (ex - sx, ey - sy), size))

    page.extract_text(visitor_text=visit)
    assert len(found) == 1, f"sida {index + 1}: {found}"
    return found[0]


def _xmp(reader: PdfReader) -> str:
    data: bytes = _root(reader)["/Metadata"].get_object().get_data()
    return data.decode("utf-8")


XMP_PREFIXES = {
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
    "http://www.aiim.org/pdfua/ns/id/": "pdfuaid",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
}


def _xmp_values(reader: PdfReader) -> dict[str, str]:
    """``prefix:name`` → text of the XMP properties (the first rdf:li for Alt/Bag/Seq)."""
    tree = ET.fromstring(_xmp(reader).split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    values: dict[str, str] = {}
    for description in tree.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        for prop in description:
            namespace, name = prop.tag[1:].split("}")
            if namespace not in XMP_PREFIXES:
                continue
            leaves = [e.text for e in prop.iter() if e.text and e.text.strip() and len(e) == 0]
            if leaves:
                values[f"{XMP_PREFIXES[namespace]}:{name}"] = leaves[0].strip()
    return values


def _number_tree(node: Any) -> Iterator[tuple[int, Any]]:
    node = node.get_object()
    nums = node.get("/Nums", [])
    for i in range(0, len(nums), 2):
        yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", []):
        yield from _number_tree(kid)


def _idnum(value: Any) -> int:
    assert isinstance(value, IndirectObject), value
    return value.idnum


def _structure_problems(reader: PdfReader) -> list[str]:
    """Everything wrong with the structure tree against the pages, their MCIDs and annotations
    (the same function ``beslut granska`` runs)."""
    return [f.format("paketet") for f in structure_findings(reader)]


def _root(reader: PdfReader) -> Any:
    """The catalog, typed loosely: pypdf's dictionaries return PdfObject from every lookup."""
    return reader.root_object


def _any(value: object) -> Any:
    return value


def _all_strings(reader: PdfReader) -> str:
    """Every string and stream anywhere in the file, decoded as far as pypdf can."""
    chunks: list[str] = []
    size = int(_any(reader.trailer)["/Size"])
    for idnum in range(1, size):
        try:
            obj = reader.get_object(idnum)
        except Exception:
            continue
        if obj is None:
            continue
        if hasattr(obj, "get_data"):
            chunks.append(obj.get_data().decode("latin-1"))
        chunks.append(str(obj))
    return "\n".join(chunks)


# ------------------------------------------------------------------------------------------
# The full packet
# ------------------------------------------------------------------------------------------


def _items(papers: Papers, *, secret_path: Path | None = None) -> list[PacketItem]:
    return [
        PacketItem(1, "Mötets öppnande", ()),
        PacketItem(
            2,
            "Direktiv – program för strukturförändring",
            (
                PacketDocument(papers.report, "Tjänsteskrivelse: Direktiv – program"),
                PacketDocument(papers.directive, "Bilaga 1 Programdirektiv"),
            ),
        ),
        PacketItem(
            3,
            "Ansökan om bistånd",
            (
                PacketDocument(
                    secret_path or papers.secret, "Bilaga 2 Utredning", withheld_notice=NOTICE
                ),
            ),
        ),
        PacketItem(4, "Anmälningsärenden", ()),
        PacketItem(5, "Budget 2027", (PacketDocument(papers.report, "Tjänsteskrivelse: Budget"),)),
    ]


@pytest.fixture(scope="session")
def packet(papers: Papers, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    target = tmp_path_factory.mktemp("packet") / "handlingar.pdf"
    items = _items(papers)
    plan = plan_pages(papers.front, items)
    result = assemble_packet(papers.front, items, target, title=TITLE, planned=plan)
    return target, result


@pytest.mark.libreoffice
def test_order_start_pages_and_plan(papers: Papers, packet: tuple[Path, Any]) -> None:
    target, result = packet
    reader = PdfReader(target)
    # front 2 + report 1 + directive 2 + notice 1 + report 1
    assert result.page_count == len(reader.pages) == 7
    assert result.item_start_pages == {2: 3, 3: 6, 5: 7}
    assert plan_pages(papers.front, _items(papers)) == result.item_start_pages
    texts = [page.extract_text() for page in reader.pages]
    assert "KALLELSE" in texts[0] and "KALLELSE" in texts[1]
    assert "TJANSTESKRIVELSE" in texts[2]
    assert "DIREKTIV" in texts[3] and "DIREKTIV" in texts[4]
    assert "TJANSTESKRIVELSE" in texts[6]
    assert result.conformance_problems == ()
    assert result.warnings == ()


@pytest.mark.libreoffice
def test_notice_only_file_is_claimed_with_the_srgb_intent(
    papers: Papers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of only a withheld document's notice has no part with an ICC profile: beslut's
    own pages are RGB, so it carries beslut's sRGB output intent and is claimed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1655200000")  # equal bytes need an equal time
    item = _items(papers)[2]
    target = tmp_path / "utan.pdf"
    result = assemble_packet(None, [item], target, title="Ärende 3: Ansökan om bistånd")
    assert result.conformance_problems == ()
    root = PdfReader(target).trailer["/Root"]
    [intent] = root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    data = profile.get_data()
    assert data[12:20] == b"mntrRGB " and data[36:40] == b"acsp"  # an RGB display profile
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[>=\"']+2", xmp) and re.search(r"pdfuaid:part[>=\"']+1", xmp)
    assert audit_pdf(target) == []
    assert NOTICE in PdfReader(target).pages[0].extract_text().replace("\n", " ")
    again = tmp_path / "igen.pdf"
    assemble_packet(None, [item], again, title="Ärende 3: Ansökan om bistånd")
    assert again.read_bytes() == target.read_bytes()  # the profile carries no creation time


@pytest.mark.libreoffice
def test_outline_two_levels_and_parts_headings(packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    assert _outline(reader) == [
        (0, FRONT_OUTLINE_TITLE, 1),
        (1, "Kallelse", 1),
        (2, "Föredragningslista", 1),
        (2, "Övrigt", 2),
        (0, "Ärende 2: Direktiv – program för strukturförändring", 3),
        (1, "Tjänsteskrivelse: Direktiv – program", 3),
        (2, "Tjänsteskrivelse", 3),
        (3, "Sammanfattning", 3),
        (3, "Beslut", 3),
        (1, "Bilaga 1 Programdirektiv", 4),
        (2, "Programdirektiv", 4),
        (3, "Bakgrund", 4),
        (3, "Uppdrag", 5),
        (0, "Ärende 3: Ansökan om bistånd", 6),
        (1, "Bilaga 2 Utredning", 6),
        (0, "Ärende 5: Budget 2027", 7),
        (1, "Tjänsteskrivelse: Budget", 7),
        (2, "Tjänsteskrivelse", 7),
        (3, "Sammanfattning", 7),
        (3, "Beslut", 7),
    ]


@pytest.mark.libreoffice
def test_page_labels_equal_physical_numbers(packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    assert reader.page_labels == [str(n) for n in range(1, 8)]
    labels = _root(reader)["/PageLabels"]["/Nums"]
    assert list(labels) == [0, {"/S": "/D"}]


@pytest.mark.libreoffice
def test_stamp_on_every_page_in_the_bottom_margin(packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    expected = ["Kallelse"] * 2 + ["Ärende 2"] * 3 + ["Ärende 3", "Ärende 5"]
    for index, prefix in enumerate(expected):
        stamp = _stamp(reader, index)
        assert stamp.text == f"{prefix} · Sida {index + 1} av 7"
        width, _height = stamp.shown_size
        assert 0 < stamp.shown[0] < width - 9 * MM
        assert 5 * MM < stamp.shown[1] < 7 * MM  # below the papers' footers (12.5 mm)
        assert stamp.direction[0] > 0 and abs(stamp.direction[1]) < 1e-6
        last = _any(reader.pages[index])["/Contents"][-1].get_object().get_data()
        assert b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC" in last
        assert last.rstrip().endswith(b"EMC")


@pytest.mark.libreoffice
def test_all_fonts_embedded(packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    for page in reader.pages:
        fonts = _any(page)["/Resources"]["/Font"]
        assert any(str(name).startswith("/BeslutStamp") for name in fonts)
        for font in fonts.values():
            descriptor = font.get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


@pytest.mark.libreoffice
def test_withheld_document_leaves_no_trace(papers: Papers, packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    texts = "\n".join(page.extract_text() for page in reader.pages)
    outline = "\n".join(title for _, title, _ in _outline(reader))
    metadata = "\n".join(str(v) for v in (reader.metadata or {}).values()) + _xmp(reader)
    everything = _all_strings(reader)
    for marker in (SECRET, "HEMLIGRUBRIK", "Hemlig bakgrund"):
        assert marker not in texts
        assert marker not in outline
        assert marker not in metadata
        assert marker not in everything  # includes the structure tree's /Alt, /ActualText, /T
    notice_page = reader.pages[5].extract_text()
    assert "Bilaga 2 Utredning" in notice_page
    assert " ".join(NOTICE.split()) in " ".join(notice_page.split())
    assert "ärende 3: Ansökan om bistånd" in notice_page


@pytest.mark.libreoffice
def test_withheld_file_is_never_opened(papers: Papers, tmp_path: Path) -> None:
    items = _items(papers, secret_path=tmp_path / "finns-inte.pdf")
    result = assemble_packet(papers.front, items, tmp_path / "p.pdf", title=TITLE)
    assert result.page_count == 7
    assert plan_pages(papers.front, items) == result.item_start_pages


@pytest.mark.libreoffice
def test_conformance_markers(packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    root = _root(reader)
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert root["/Lang"] == "sv-SE"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    intents = root["/OutputIntents"]
    assert len(intents) == 1
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0].get_object()
    xmp = _xmp_values(reader)
    assert xmp["pdfaid:part"] == "2"
    assert xmp["pdfaid:conformance"] == "B"
    assert xmp["pdfuaid:part"] == "1"
    assert xmp["dc:title"] == TITLE
    info: Any = reader.metadata
    assert info is not None
    assert info["/Title"] == TITLE
    assert info["/Producer"] == xmp["pdf:Producer"]
    assert info["/Creator"] == xmp["xmp:CreatorTool"]
    assert info["/CreationDate"][2:16] == re.sub(r"\D", "", xmp["xmp:CreateDate"])[:14]
    assert _any(reader.trailer)["/ID"][0]
    assert _structure_problems(reader) == []
    tree = root["/StructTreeRoot"]
    document = tree["/K"][0].get_object()
    assert document["/S"] == "/Document"
    kinds = [kid.get_object()["/S"] for kid in document["/K"]]
    assert kinds == ["/Part", "/Sect", "/Sect", "/Sect"]


@pytest.mark.libreoffice
def test_notice_page_is_tagged(packet: tuple[Path, Any]) -> None:
    reader = PdfReader(packet[0])
    document = _root(reader)["/StructTreeRoot"]["/K"][0].get_object()
    sect = document["/K"][2].get_object()
    assert sect["/T"] == "Ärende 3: Ansökan om bistånd"
    part = sect["/K"][0].get_object()
    assert part["/T"] == "Bilaga 2 Utredning"
    roles = [kid.get_object()["/S"] for kid in part["/K"]]
    assert roles == ["/H1", "/P", "/P"]


@pytest.mark.libreoffice
def test_part_language_is_kept_and_warned(papers: Papers, tmp_path: Path) -> None:
    items = [PacketItem(7, "Engelsk rapport", (PacketDocument(papers.english, "Bilaga Report"),))]
    result = assemble_packet(papers.front, items, tmp_path / "p.pdf", title=TITLE)
    assert any("en-GB" in w and "english.pdf" in w for w in result.warnings)
    reader = PdfReader(tmp_path / "p.pdf")
    document = _root(reader)["/StructTreeRoot"]["/K"][0].get_object()
    part = document["/K"][1].get_object()["/K"][0].get_object()
    assert part["/Lang"] == "en-GB"
    assert _root(reader)["/Lang"] == "sv-SE"


# ------------------------------------------------------------------------------------------
# External, non-conformant attachment
# ------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_external_attachment_downgrades_honestly(papers: Papers, tmp_path: Path) -> None:
    items = [
        *_items(papers),
        PacketItem(6, "Detaljplan", (PacketDocument(papers.external, "Bilaga 3 Karta"),)),
    ]
    target = tmp_path / "handlingar.pdf"
    result = assemble_packet(papers.front, items, target, title=TITLE)
    assert result.conformance_problems == (
        "Bilaga 3 Karta (”karta.pdf”, ärende 6) är inte PDF/A och inte taggad; paketet kan inte "
        "anges som PDF/A-2b eller PDF/UA.",
    )
    assert any("karta.pdf" in w and "inte stående A4" in w for w in result.warnings)
    reader = PdfReader(target)
    assert result.page_count == len(reader.pages) == 12
    xmp = _xmp(reader)
    assert "pdfaid" not in xmp and "pdfuaid" not in xmp
    assert "/OutputIntents" not in _root(reader)
    assert _xmp_values(reader)["dc:title"] == TITLE
    # The attachment's pages are still reachable by assistive technology, one /Div per page.
    assert _structure_problems(reader) == []
    document = _root(reader)["/StructTreeRoot"]["/K"][0].get_object()
    part = document["/K"][-1].get_object()["/K"][0].get_object()
    assert [kid.get_object()["/S"] for kid in part["/K"]] == ["/Div"] * 5
    # Stamps in each odd page's own bottom margin, upright as the page is shown.
    for index in range(7, 12):
        stamp = _stamp(reader, index)
        assert stamp.text == f"Ärende 6 · Sida {index + 1} av 12"
        width, _height = stamp.shown_size
        assert 0 < stamp.shown[0] < width - 9 * MM, (index, stamp)
        assert 5 * MM < stamp.shown[1] < 7 * MM, (index, stamp)
        assert stamp.direction[0] > 0 and abs(stamp.direction[1]) < 1e-6, (index, stamp)
    assert _stamp(reader, 8).shown_size == pytest.approx((841.89, 595.28), abs=0.1)  # landscape
    assert _stamp(reader, 9).shown_size == pytest.approx((841.89, 1190.55), abs=0.1)  # A3
    assert _stamp(reader, 10).shown_size == pytest.approx((841.89, 595.28), abs=0.1)  # rotated
    assert _stamp(reader, 11).shown_size == pytest.approx((530, 760), abs=0.1)  # cropped


# ------------------------------------------------------------------------------------------
# Per-item PDF, annotations, plan, errors
# ------------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_per_item_pdf(papers: Papers, tmp_path: Path) -> None:
    item = PacketItem(
        5,
        "Direktiv",
        (
            PacketDocument(papers.report, "Tjänsteskrivelse: Direktiv"),
            PacketDocument(papers.directive, "Bilaga 1 Programdirektiv"),
        ),
    )
    target = tmp_path / "arende-5.pdf"
    result = assemble_packet(None, [item], target, title="Ärende 5: Direktiv")
    assert result.page_count == 3
    assert result.item_start_pages == {5: 1}
    assert plan_pages(None, [item]) == {5: 1}
    reader = PdfReader(target)
    assert [_stamp(reader, i).text for i in range(3)] == [
        f"Ärende 5 · Sida {n} av 3" for n in (1, 2, 3)
    ]
    assert [entry for entry in _outline(reader) if entry[0] < 2] == [
        (0, "Ärende 5: Direktiv", 1),
        (1, "Tjänsteskrivelse: Direktiv", 1),
        (1, "Bilaga 1 Programdirektiv", 2),
    ]
    assert reader.page_labels == ["1", "2", "3"]
    assert _structure_problems(reader) == []
    assert result.conformance_problems == ()


def _with_link(source: Path, target: Path) -> None:
    """A copy of a tagged paper with a tagged link annotation (as Word links become)."""
    writer = PdfWriter(clone_from=str(source))
    tree = _any(writer.root_object)["/StructTreeRoot"].get_object()
    document = tree["/K"] if not isinstance(tree["/K"], ArrayObject) else tree["/K"][0]
    document_obj = document.get_object()
    keys = [key for key, _ in _number_tree(tree["/ParentTree"])]
    key = max(int(tree.get("/ParentTreeNextKey", 0)), max(keys) + 1)
    page = writer.pages[0]
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): RectangleObject([72, 72, 200, 90]),
            NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
            NameObject("/Contents"): TextStringObject("Länk till webbplatsen"),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://www.example.se/"),
                }
            ),
            NameObject("/StructParent"): NumberObject(key),
        }
    )
    annot_ref = writer._add_object(annot)
    page[NameObject("/Annots")] = ArrayObject([annot_ref])
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/StructElem"),
            NameObject("/S"): NameObject("/Link"),
            NameObject("/P"): document_obj.indirect_reference,
            NameObject("/Pg"): page.indirect_reference,
            NameObject("/K"): ArrayObject(
                [
                    DictionaryObject(
                        {
                            NameObject("/Type"): NameObject("/OBJR"),
                            NameObject("/Obj"): annot_ref,
                            NameObject("/Pg"): page.indirect_reference,
                        }
                    )
                ]
            ),
        }
    )
    link_ref = writer._add_object(link)
    document_obj["/K"].append(link_ref)
    nums = tree["/ParentTree"].get_object()["/Nums"]
    nums.extend([NumberObject(key), link_ref])
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(key + 1)
    writer.write(str(target))


@pytest.mark.libreoffice
def test_tagged_annotations_are_renumbered(papers: Papers, tmp_path: Path) -> None:
    linked = tmp_path / "med-lank.pdf"
    _with_link(papers.directive, linked)
    assert _structure_problems(PdfReader(linked)) == []
    items = [
        PacketItem(2, "Först", (PacketDocument(papers.report, "Tjänsteskrivelse"),)),
        PacketItem(3, "Länkad", (PacketDocument(linked, "Bilaga med länk"),)),
    ]
    target = tmp_path / "p.pdf"
    assemble_packet(papers.front, items, target, title=TITLE)
    reader = PdfReader(target)
    annots = reader.pages[3].get("/Annots")
    assert annots is not None and len(annots) == 1
    assert int(annots[0].get_object()["/StructParent"]) > 0
    assert _structure_problems(reader) == []


@pytest.mark.libreoffice
def test_plan_mismatch_raises_and_writes_nothing(papers: Papers, tmp_path: Path) -> None:
    items = _items(papers)
    plan = plan_pages(papers.front, items)
    wrong = {**plan, 5: plan[5] + 1}
    target = tmp_path / "handlingar.pdf"
    with pytest.raises(
        AssemblyError, match=r"ärende 5 börjar på sidan 7, men listan anger sidan 8"
    ):
        assemble_packet(papers.front, items, target, title=TITLE, planned=wrong)
    assert list(tmp_path.iterdir()) == []


def _reportlab_pdf(path: Path, pages: int = 1) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    for n in range(pages):
        canvas.drawString(72, 700, f"Sida {n + 1}")
        canvas.showPage()
    canvas.save()
    return path


def test_damaged_encrypted_and_missing_files_raise(tmp_path: Path) -> None:
    damaged = tmp_path / "trasig.pdf"
    damaged.write_bytes(b"%PDF-1.7\nthis is not really a PDF\n")
    encrypted = tmp_path / "last.pdf"
    writer = PdfWriter(clone_from=str(_reportlab_pdf(tmp_path / "oppen.pdf")))
    writer.encrypt("hemligt")
    writer.write(str(encrypted))
    good = _reportlab_pdf(tmp_path / "bra.pdf")
    cases = {
        damaged: r"Bilaga X \(”trasig\.pdf”, ärende 1\): PDF-filen är skadad",
        encrypted: r"”last\.pdf”.*krypterad",
        tmp_path / "saknas.pdf": r"”saknas\.pdf”.*hittar inte filen",
    }
    for path, message in cases.items():
        items = [PacketItem(1, "Ärende", (PacketDocument(path, "Bilaga X"),))]
        with pytest.raises(AssemblyError, match=message):
            plan_pages(good, items)
        with pytest.raises(AssemblyError, match=message):
            assemble_packet(good, items, tmp_path / "ut.pdf", title="x")
    with pytest.raises(AssemblyError, match=r"Kallelsen \(”trasig\.pdf”\)"):
        assemble_packet(damaged, [], tmp_path / "ut.pdf", title="x")
    assert not (tmp_path / "ut.pdf").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ut.pdf")]


def test_duplicate_item_numbers_and_empty_packet_raise(tmp_path: Path) -> None:
    good = _reportlab_pdf(tmp_path / "bra.pdf")
    document = PacketDocument(good, "Bilaga")
    with pytest.raises(AssemblyError, match="Ärende 3 finns två gånger"):
        assemble_packet(
            None,
            [PacketItem(3, "a", (document,)), PacketItem(3, "b", (document,))],
            tmp_path / "ut.pdf",
            title="x",
        )
    with pytest.raises(AssemblyError, match="inga sidor"):
        assemble_packet(None, [PacketItem(1, "Öppnande", ())], tmp_path / "ut.pdf", title="x")


def test_untagged_only_packet_is_stamped_and_not_claimed(tmp_path: Path) -> None:
    front = _reportlab_pdf(tmp_path / "kallelse.pdf", pages=2)
    attachment = _reportlab_pdf(tmp_path / "bilaga.pdf", pages=3)
    items = [PacketItem(4, "Ärende", (PacketDocument(attachment, "Bilaga 1"),))]
    target = tmp_path / "p.pdf"
    result = assemble_packet(front, items, target, title="Handlingar", stamp_label="Punkt")
    assert len(result.conformance_problems) == 2
    reader = PdfReader(target)
    assert [_stamp(reader, i).text for i in range(5)] == [
        "Kallelse · Sida 1 av 5",
        "Kallelse · Sida 2 av 5",
        "Punkt 4 · Sida 3 av 5",
        "Punkt 4 · Sida 4 av 5",
        "Punkt 4 · Sida 5 av 5",
    ]
    assert "pdfaid" not in _xmp(reader)
    assert _structure_problems(reader) == []
    assert [entry[:2] for entry in _outline(reader)] == [
        (0, FRONT_OUTLINE_TITLE),
        (0, "Punkt 4: Ärende"),
        (1, "Bilaga 1"),
    ]
    assert target.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode


def test_same_inputs_give_identical_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    front = _reportlab_pdf(tmp_path / "kallelse.pdf", pages=2)
    attachment = _reportlab_pdf(tmp_path / "bilaga.pdf", pages=3)
    items = [
        PacketItem(4, "Ärende", (PacketDocument(attachment, "Bilaga 1"),)),
        PacketItem(5, "Sekretess", (PacketDocument(attachment, "Bilaga 2", NOTICE),)),
    ]
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assemble_packet(front, items, first, title="Handlingar")
    assemble_packet(front, items, second, title="Handlingar")
    assert first.read_bytes() == second.read_bytes()
    info: Any = PdfReader(first).metadata
    assert info["/CreationDate"] == "D:20260921141320+00'00'"


# ------------------------------------------------------------------------------------------
# Speed measures that must not change the packet
# ------------------------------------------------------------------------------------------


def _reachable(reader: PdfReader) -> set[int]:
    seen: set[int] = set()
    stack: list[Any] = [reader.trailer.raw_get("/Root"), reader.trailer.raw_get("/Info")]
    while stack:
        value = stack.pop()
        if isinstance(value, IndirectObject):
            if value.idnum in seen:
                continue
            seen.add(value.idnum)
            value = value.get_object()
        if isinstance(value, DictionaryObject):
            stack.extend(value.values())
        elif isinstance(value, ArrayObject):
            stack.extend(value)
    return seen


@pytest.mark.libreoffice
def test_equal_objects_stored_once_and_none_orphaned(packet: tuple[Path, Any]) -> None:
    """The report is in the packet twice; its streams and equal attribute objects once."""
    reader = PdfReader(packet[0])
    in_use = {idnum for idnum, offset in reader.xref[0].items() if offset}
    in_use -= {idnum for idnum, free in reader.xref_free_entry.get(0, {}).items() if free}
    assert _reachable(reader) == in_use
    streams: dict[bytes, int] = {}
    attributes: dict[str, int] = {}
    for idnum in sorted(in_use):
        obj = reader.get_object(idnum)
        if hasattr(obj, "get_data"):
            data = obj._data  # type: ignore[union-attr]
            assert data not in streams, f"{idnum} is a copy of stream {streams.get(data)}"
            streams[data] = idnum
        elif isinstance(obj, DictionaryObject) and "/O" in obj and "/Type" not in obj:
            key = repr(sorted(obj.items()))
            assert key not in attributes, f"{idnum} is a copy of {attributes.get(key)}"
            attributes[key] = idnum
    assert attributes  # LibreOffice writes attribute objects (/O /Layout …)


def test_plain_parser_builds_what_pypdf_builds(tmp_path: Path) -> None:
    from pypdf.generic import read_object

    from beslut.assemble import _parse_plain

    reader = PdfReader(_reportlab_pdf(tmp_path / "a.pdf", pages=1))

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): shape(v) for k, v in value.items()}
        if isinstance(value, list):
            return [shape(v) for v in value]
        if isinstance(value, IndirectObject):
            return ("R", value.idnum, value.generation)
        pypdf_type = next(t for t in type(value).__mro__ if t.__module__.startswith("pypdf"))
        return (pypdf_type, value)

    plain = [
        b"<</Type/StructElem\n/S/H1\n/P 4 0 R\n/Pg 1 0 R\n/A 120 0 R\n/K[11 ]\n>>",
        b"<</O/Layout/Placement/Block/SpaceBefore 0.386/W -.5/X true/Y null/Z[+2 3.]>> \n",
        b"<</S/F#C3#B6rteckning/K[<</Type/MCR/MCID 3/Pg 1 0 R>> 7 0 R]/E/>>",
    ]
    for text in plain:
        mine = _parse_plain(text, reader)
        theirs = read_object(io.BytesIO(text + b" "), reader)
        assert mine is not None
        assert shape(mine) == shape(theirs)
        written_mine, written_theirs = io.BytesIO(), io.BytesIO()
        mine.write_to_stream(written_mine)
        theirs.write_to_stream(written_theirs)
        assert written_mine.getvalue() == written_theirs.getvalue()
    for text in (
        b"<</Alt(text)>>",  # strings are pypdf's
        b"<</A<00FF>>>",
        b"<</A 1%comment\n>>",
        b"<</A/B#E9>>",  # not UTF-8: pypdf falls back to other charsets
        b"<</A 1/A 2>>",
        b"<</A 1.2.3>>",
        b"<</A 1 0 Rx>>",
        b"<</A [1 2>>",
        b"<</A 1>> x",
        b"[1 2]",
        b"<</A>>",
    ):
        assert _parse_plain(text, reader) is None, text


def test_collector_is_left_as_it_was(tmp_path: Path) -> None:
    import gc

    attachment = _reportlab_pdf(tmp_path / "bilaga.pdf", pages=1)
    items = [PacketItem(1, "Ärende", (PacketDocument(attachment, "Bilaga 1"),))]
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            assemble_packet(None, items, tmp_path / "p.pdf", title="Handlingar")
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# ------------------------------------------------------------------------------------------
# Warm caches (a long-lived process assembles again): only changed files parsed, never stale
# ------------------------------------------------------------------------------------------


def _text_pdf(path: Path, text: str, pages: int = 2) -> Path:
    canvas = Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(pages):
        canvas.drawString(72, 700, f"{text} sida {n + 1}")
        canvas.showPage()
    canvas.save()
    return path


def _cold() -> None:
    """Forget every parsed file and drawn overlay, as a new process would."""
    READERS.clear()
    _OVERLAYS.clear()


def test_warm_rebuild_parses_only_the_changed_part_and_shows_its_new_text(
    papers: Papers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    case = _text_pdf(tmp_path / "arende.pdf", "FORSTAVERSIONEN")
    items = [
        PacketItem(1, "Utredning", (PacketDocument(papers.report, "Tjänsteskrivelse"),)),
        PacketItem(2, "Ändrat ärende", (PacketDocument(case, "Bilaga 1"),)),
        PacketItem(3, "Direktiv", (PacketDocument(papers.directive, "Bilaga 2"),)),
    ]
    _cold()
    before = READERS.parsed
    assemble_packet(papers.front, items, tmp_path / "a.pdf", title=TITLE)
    parsed = READERS.parsed
    assert parsed - before == 5  # four files and the stamp overlay
    assemble_packet(papers.front, items, tmp_path / "b.pdf", title=TITLE)
    assert READERS.parsed == parsed  # nothing changed: nothing parsed again
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()

    # The same path, the same size and page count, new text: an edited and rebuilt case.
    _text_pdf(case, "ANDRAVERSIONEN")
    assemble_packet(papers.front, items, tmp_path / "c.pdf", title=TITLE)
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "c.pdf").pages)
    assert "ANDRAVERSIONEN" in text
    assert "FORSTAVERSIONEN" not in text
    assert READERS.parsed == parsed + 1  # only the changed part (the overlay is the same)


def test_warm_and_cold_assembly_give_identical_bytes(
    papers: Papers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Readers reused across packets (other variants first, in another order) change nothing."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    items = [
        PacketItem(4, "Utredning", (PacketDocument(papers.report, "Tjänsteskrivelse"),)),
        PacketItem(
            5,
            "Direktiv",
            (
                PacketDocument(papers.directive, "Bilaga 1"),
                PacketDocument(papers.english, "Bilaga 2"),
                PacketDocument(papers.external, "Bilaga 3"),
            ),
        ),
        PacketItem(6, "Sekretess", (PacketDocument(papers.secret, "Bilaga 1"),)),
    ]
    public = [
        items[0],
        items[1],
        PacketItem(6, "Sekretess", (PacketDocument(papers.secret, "Bilaga 1", NOTICE),)),
    ]
    _cold()
    assemble_packet(papers.front, items, tmp_path / "cold.pdf", title=TITLE)
    cold_public = tmp_path / "cold-public.pdf"
    _cold()
    assemble_packet(papers.front, public, cold_public, title=TITLE)
    _cold()
    # Warm: the parts were read for other packets first, in another order and other variants.
    assemble_packet(None, [items[1]], tmp_path / "item.pdf", title="Ärende 5")
    assemble_packet(papers.front, list(reversed(items)), tmp_path / "other.pdf", title=TITLE)
    assemble_packet(papers.front, public, tmp_path / "warm-public.pdf", title=TITLE)
    assemble_packet(papers.front, items, tmp_path / "warm.pdf", title=TITLE)
    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    assert (tmp_path / "warm-public.pdf").read_bytes() == cold_public.read_bytes()


def test_assemble_many_forks_and_gives_what_one_process_gives(
    papers: Papers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    monkeypatch.setattr(packet_module, "_FORK_WORTH", 1)  # fork even for this small work
    items = (
        PacketItem(1, "Utredning", (PacketDocument(papers.report, "Tjänsteskrivelse"),)),
        PacketItem(2, "Direktiv", (PacketDocument(papers.directive, "Bilaga 1"),)),
    )
    broken = tmp_path / "trasig.pdf"
    broken.write_bytes(b"%PDF-1.7\nno PDF\n")

    def jobs(folder: Path) -> list[PacketJob]:
        folder.mkdir()
        return [
            PacketJob(None, items[1:], folder / "item.pdf", "Ärende 2"),
            PacketJob(papers.front, items, folder / "packet.pdf", TITLE),
            PacketJob(
                None,
                (PacketItem(3, "X", (PacketDocument(broken, "Bilaga X"),)),),
                folder / "x.pdf",
                "X",
            ),
            PacketJob(None, items[:1], folder / "item1.pdf", "Ärende 1"),
        ]

    forked = assemble_many(jobs(tmp_path / "forked"), workers=2)
    here = [packet_module._run_job(job) for job in jobs(tmp_path / "here")]
    assert [type(r) for r in forked] == [type(r) for r in here]
    assert isinstance(forked[2], AssemblyError) and "trasig.pdf" in str(forked[2])
    assert [r.page_count for r in forked if isinstance(r, PacketResult)] == [
        r.page_count for r in here if isinstance(r, PacketResult)
    ]
    for name in ("item.pdf", "packet.pdf", "item1.pdf"):
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
