"""Meetings end to end: kallelse, agenda packet, item PDFs and the public version.

The example workspace is built once with the real LibreOffice; the bad-attachment tests use the
fake converter, since they are about checks that run before assembly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A3, A4
from reportlab.pdfgen import canvas

from beslut import api
from beslut.convert import FakeConverter
from conftest import CASE, MEETING, REPO, MakeWorkspace, need_libreoffice

MEETING_DIR = "möten/2022-06-14-hsn"
SECRET_MARKERS = ("Kappa Diagnostik", "4 812 000", "Upphandling av antikroppstester")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_libreoffice()
    out = tmp_path_factory.mktemp("utdata")
    report = api.build(REPO, out_dir=out)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return out / MEETING_DIR


def _outline(reader: PdfReader) -> Iterator[tuple[int, str, int]]:
    def walk(items: list[Any], depth: int) -> Iterator[tuple[int, str, int]]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item) + 1

    yield from walk(reader.outline, 0)


def _list_pages(kallelse: Path) -> dict[int, int]:
    """Item number → page, as printed in the föredragningslista of the kallelse .docx."""
    pages = {}
    for paragraph in docx.Document(str(kallelse)).paragraphs:
        if paragraph.style.name == "Punkt":
            number, _title, page = paragraph.text.split("\t")
            if page.strip().isdigit():
                pages[int(number.rstrip("."))] = int(page)
    return pages


@pytest.mark.libreoffice
def test_outline_has_items_documents_and_headings(built: Path) -> None:
    reader = PdfReader(built / "handlingar.pdf")
    outline = list(_outline(reader))
    top = [(title, page) for depth, title, page in outline if depth == 0]
    assert top[0] == ("Kallelse och föredragningslista", 1)
    assert [t for t, _ in top[1:]] == [
        "Ärende 4: Månadsrapport oktober 2020 för hälso- och sjukvårdsnämnden",
        "Ärende 5: Återrapportering av stimulansmedel för psykisk hälsa 2019",
        "Ärende 6: Uppföljning av det fallpreventiva arbetet",
        "Ärende 7: Verksamhetsplan med budget 2021 för hälso- och sjukvårdsnämnden",
        "Ärende 8: Förändrings- och genomförandeplan för mål och strategi för Framtidens hälsosystem",
        "Ärende 9: Omställning för en hållbar ekonomi – Hälso- och sjukvårdsförvaltningen",
        "Ärende 10: Upphandling av antikroppstester – tilldelningsbeslut",
    ]
    second = [title for depth, title, _ in outline if depth == 1]
    assert "Revisionsrapport om det fallförebyggande arbetet (sammanfattning)" in second
    assert any(t.startswith("Bilaga 1 ") for t in second)
    third = [title for depth, title, _ in outline if depth == 2]
    assert "Sammanfattning" in third  # the papers' own headings below each document


@pytest.mark.libreoffice
def test_list_page_numbers_are_the_real_start_pages(built: Path) -> None:
    reader = PdfReader(built / "handlingar.pdf")
    starts = {
        int(m.group(1)): page
        for depth, title, page in _outline(reader)
        if depth == 0 and (m := re.match(r"Ärende (\d+):", title))
    }
    assert _list_pages(built / "kallelse.docx") == starts
    public = PdfReader(built / "offentlig" / "handlingar.pdf")
    public_starts = {
        int(m.group(1)): page
        for depth, title, page in _outline(public)
        if depth == 0 and (m := re.match(r"Ärende (\d+):", title))
    }
    assert _list_pages(built / "offentlig" / "kallelse.docx") == public_starts


@pytest.mark.libreoffice
def test_every_page_is_stamped_and_labelled(built: Path) -> None:
    reader = PdfReader(built / "handlingar.pdf")
    total = len(reader.pages)
    assert reader.page_labels == [str(n) for n in range(1, total + 1)]
    owner: dict[int, str] = {}
    for depth, title, page in _outline(reader):
        if depth == 0:
            label = "Kallelse" if title.startswith("Kallelse") else title.split(":")[0]
            for number in range(page, total + 1):
                owner[number] = label
    for number, page in enumerate(reader.pages, start=1):
        assert f"{owner[number]} · Sida {number} av {total}" in page.extract_text()


@pytest.mark.libreoffice
def test_item_pdfs_match_the_packet(built: Path) -> None:
    packet = PdfReader(built / "handlingar.pdf")
    tops = [(t, p) for d, t, p in _outline(packet) if d == 0] + [("", len(packet.pages) + 1)]
    for (title, start), (_, end) in pairwise(tops[1:]):
        number = int(title.split()[1].rstrip(":"))
        item = PdfReader(built / f"ärende-{number:02d}.pdf")
        assert len(item.pages) == end - start
        assert f"Ärende {number} · Sida 1 av {end - start}" in item.pages[0].extract_text()
        assert item.metadata is not None and item.metadata.title == title


def _all_text(path: Path) -> str:
    if path.suffix == ".docx":
        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for section in document.sections:
            for story in (section.header, section.first_page_header):
                parts.extend(p.text for p in story.paragraphs)
        return "\n".join(parts)
    reader = PdfReader(path)
    parts = [page.extract_text() for page in reader.pages]
    parts += [t for _, t, _ in _outline(reader)]
    parts.append(str(reader.metadata))
    if reader.xmp_metadata is not None:
        parts.append(str(reader.xmp_metadata.dc_title))
    root = reader.trailer["/Root"]
    if "/StructTreeRoot" in root:
        parts.append(repr(root["/StructTreeRoot"].get_object()))
    return "\n".join(parts)


@pytest.mark.libreoffice
def test_public_version_leaks_nothing_from_the_secret_item(built: Path) -> None:
    public = sorted((built / "offentlig").iterdir())
    assert {p.name for p in public} >= {"kallelse.pdf", "kallelse.docx", "handlingar.pdf"}
    for path in public:
        text = _all_text(path)
        for marker in SECRET_MARKERS:
            assert marker not in text, f"{marker!r} läcker i {path.name}"
    packet = _all_text(built / "offentlig" / "handlingar.pdf")
    assert "Handlingen omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte." in packet
    assert "Ärende 10: Upphandling – tilldelningsbeslut" in packet
    kallelse = _all_text(built / "offentlig" / "kallelse.docx")
    assert "Utelämnade handlingar" in kallelse
    assert (
        "Ärende 10: Upphandling – tilldelningsbeslut (sekretess enligt 19 kap. 3 § OSL)" in kallelse
    )
    # the internal packet has the paper itself
    assert SECRET_MARKERS[0] in _all_text(built / "handlingar.pdf")


@pytest.mark.libreoffice
def test_packet_with_external_attachment_does_not_claim_conformance(built: Path) -> None:
    reader = PdfReader(built / "handlingar.pdf")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid:part" not in xmp  # the external PDF is neither PDF/A nor tagged: no claim
    assert "Handlingar Hälso- och sjukvårdsnämnden 2022-06-14" in xmp


@pytest.mark.libreoffice
def test_packet_of_conformant_parts_keeps_pdfa_and_tags(
    make_workspace: MakeWorkspace, require_libreoffice: None
) -> None:
    meeting = MEETING_OK
    root = make_workspace({"content/ärenden/a.md": CASE, "content/möten/m.yaml": meeting})
    report = api.build(root, formats=("pdf",))
    assert report.ok, [d.format() for d in report.diagnostics]
    reader = PdfReader(root / "output" / "möten" / "m" / "handlingar.pdf")
    catalog = reader.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfaid:part[>=\"']+2", xmp)
    assert re.search(r"pdfuaid:part[>=\"']+1", xmp)
    assert "/OutputIntents" in catalog
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    tree = catalog["/StructTreeRoot"].get_object()
    pages = {page.indirect_reference.idnum for page in reader.pages}

    def page_refs(element: Any) -> Iterator[int]:
        element = element.get_object()
        if hasattr(element, "get") and element.get("/Pg") is not None:
            yield element.raw_get("/Pg").idnum
        kids = element.get("/K") if hasattr(element, "get") else None
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
                yield from page_refs(kid)

    refs = set(page_refs(tree))
    assert refs and refs <= pages


MEETING_OK = MEETING + "  - typ: beslut\n    diarienummer: 25HSN1\n"


def _pdf(path: Path, *, size: tuple[float, float] = A4, text: str | None = "Bilagans text") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    drawing = canvas.Canvas(str(path), pagesize=size)
    if text:
        drawing.drawString(72, 720, text)
    else:
        drawing.rect(72, 600, 200, 100, fill=1)  # a "scan": no text at all
    drawing.showPage()
    drawing.save()
    return path


def _encrypted(path: Path) -> Path:
    plain = _pdf(path.with_name("plain.pdf"))
    writer = PdfWriter(clone_from=plain)
    writer.encrypt("hemligt")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _meeting_with(files: list[str]) -> str:
    extra = "".join(f"      - titel: {Path(f).stem}\n        fil: ../bilagor/{f}\n" for f in files)
    return MEETING_OK + "    handlingar:\n" + extra


@pytest.mark.parametrize(
    ("name", "make", "expected", "ok"),
    [
        (
            "låst.pdf",
            _encrypted,
            "content/möten/m.yaml:14:14: fel: Bilagan ”content/bilagor/låst.pdf” är "
            "lösenordsskyddad och kan inte tas med. Spara en version utan lösenord. "
            "[bilaga-krypterad]",
            False,
        ),
        (
            "trasig.pdf",
            lambda p: (
                (p.parent.mkdir(parents=True, exist_ok=True), p.write_bytes(b"%PDF-1.4 trasig"))
                and p
            ),
            "content/möten/m.yaml:14:14: fel: Bilagan ”content/bilagor/trasig.pdf” är skadad "
            "och kan inte läsas. Öppna den i programmet den gjordes i (eller en PDF-läsare) och "
            "spara eller exportera den som PDF igen. [bilaga-skadad]",
            False,
        ),
        (
            # A scan cannot be searched for personal data: an error on a published item.
            "skannad.pdf",
            lambda p: _pdf(p, text=None),
            "content/möten/m.yaml:14:14: varning: Bilagan ”content/bilagor/skannad.pdf” har "
            "ingen sökbar text (troligen en skannad bild) och är inte tillgänglig för "
            "skärmläsare. Be om en textbaserad version eller kör OCR. [bilaga-utan-text]",
            False,
        ),
        (
            "a3.pdf",
            lambda p: _pdf(p, size=A3),
            "content/möten/m.yaml:14:14: varning: Bilagan ”content/bilagor/a3.pdf” har sidor som "
            "inte är A4 (842×1191 pt); de tas med i sitt eget format. [bilaga-sidformat]",
            True,
        ),
    ],
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_bad_attachments_are_reported_never_dropped(
    make_workspace: MakeWorkspace, name: str, make: Any, expected: str, ok: bool
) -> None:
    root = make_workspace(
        {"content/ärenden/a.md": CASE, "content/möten/m.yaml": _meeting_with([name])}
    )
    make(root / "content" / "bilagor" / name)
    report = api.build(root, converter=FakeConverter())
    lines = [d.format() for d in report.diagnostics]
    assert expected in lines
    packet = root / "output" / "möten" / "m" / "handlingar.pdf"
    if not ok:
        assert not report.ok
        assert not packet.exists()  # never a packet with a paper silently missing
        assert (root / "output" / "ärenden" / "a.pdf").is_file()  # the rest still builds
    else:
        assert packet.is_file()
        assert len(PdfReader(packet).pages) >= 3  # kallelse, paper and the attachment
