"""Attachments are checked by ``beslut check``, before any build: damaged, encrypted, empty and
mislabelled files, scans and odd page sizes, PDF/A conformance, and personal data in every
channel a reader can see (text, bookmarks, metadata, annotations, headers)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Text
from reportlab.lib.pagesizes import A3, A4
from reportlab.pdfgen import canvas

from beslut import api
from beslut.assemble import AssemblyError, PacketDocument, PacketItem, assemble_packet
from beslut.checks import attachment_text
from beslut.checks.personal_data import find_numbers
from beslut.cli.main import cli
from beslut.convert.libreoffice import FakeConverter
from beslut.validate import attachments
from conftest import MEETING, MakeWorkspace, case_file

F = "content/ärenden/a.md"
M = "content/möten/m.yaml"
PNR = "850709-1232"  # checksum-valid personnummer
SNR = "850769-1239"  # samordningsnummer (day 9 + 60)
WHY = "Personnummer och samordningsnummer får inte publiceras (SKR:s vägledning, GDPR)."
FIX_CASE = (
    "Ta bort numret. Ska handlingarna inte publiceras: ange sekretess: i ärendefilen eller "
    "markera punkten i mötesfilen med sekretess: eller publiceras_inte: true."
)
FIX_ITEM = (
    "Ta bort numret, eller markera punkten med sekretess: eller publiceras_inte: true om "
    "handlingarna inte ska publiceras."
)
NOT_PDFA = "är inte PDF/A och inte taggad; paketet kan inte anges som PDF/A-2b eller PDF/UA."
UNREAD_PUBLISHED = (
    "och kunde inte granskas för personnummer och samordningsnummer. Bilagan publiceras, så den "
    "måste gå att granska: spara den som PDF med sökbar text (eller som Word- eller ODT-fil) "
    "utan lösenord, eller markera punkten i mötesfilen med sekretess: eller publiceras_inte: "
    "true om den inte ska publiceras."
)
UNREAD_WITHHELD = (
    "och kunde inte granskas för personnummer och samordningsnummer. Den publiceras inte, men "
    "granska den själv innan den lämnas ut eller skickas vidare."
)
PDF_FIX = (
    "Öppna den i programmet den gjordes i (eller en PDF-läsare) och spara eller exportera den "
    "som PDF igen."
)


def check(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def coded(lines: list[str], code: str) -> list[str]:
    return [line for line in lines if line.endswith(f"[{code}]")]


# --- fixture files --------------------------------------------------------------------------


def pdf(*pages: str, size: tuple[float, float] = A4) -> bytes:
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=size)
    for text in pages:
        if text:
            drawing.drawString(72, 720, text)
        else:
            drawing.rect(72, 600, 200, 100, fill=1)  # a "scan": no text at all
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def rewritten(data: bytes, change: object) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    change(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def word(*paragraphs: str, header: str = "") -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt(*paragraphs: str) -> bytes:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return out.getvalue()


def case_with(name: str, data: bytes, extra: str = "") -> dict[str, str | bytes]:
    attachment = f"bilagor:\n  - titel: Utredning\n    fil: ../bilagor/{name}\n"
    return {F: case_file(extra=attachment + extra), f"content/bilagor/{name}": data}


def meeting_with(name: str, data: bytes, extra: str = "") -> dict[str, str | bytes]:
    item = (
        "  - typ: övrigt\n    rubrik: Lista\n"
        f"{extra}"
        f"    handlingar:\n      - titel: Lista\n        fil: ../bilagor/{name}\n"
    )
    return {M: MEETING + item, f"content/bilagor/{name}": data}


def found(kind: str, masked: str, name: str, place: str, fix: str = FIX_CASE) -> str:
    return f"Bilagan ”{name}” innehåller ett {kind} (”{masked}”) {place}. {WHY} {fix}"


CASE_AT = f"{F}:15:10"  # the fil: value of the case's first bilagor entry
ITEM_AT = f"{M}:14:14"  # the fil: value of the meeting item's first handlingar entry


# --- personal data in every channel ---------------------------------------------------------


def test_personnummer_in_a_pdf_outline(make_workspace: MakeWorkspace) -> None:
    data = rewritten(
        pdf("Utredning"), lambda w: w.add_outline_item(title=f"Ansökan {PNR}", page_number=0)
    )
    code, lines = check(make_workspace(case_with("u.pdf", data)))
    assert code == 1
    assert lines == [
        f"{CASE_AT}: varning: Bilagan ”content/bilagor/u.pdf” {NOT_PDFA} [paket-ej-pdfa]",
        f"{CASE_AT}: fel: "
        + found("personnummer", "850709-XXXX", "u.pdf", "i bokmärke 1")
        + " [personnummer]",
    ]


def test_personnummer_in_pdf_metadata_title(make_workspace: MakeWorkspace) -> None:
    data = rewritten(pdf("Utredning"), lambda w: w.add_metadata({"/Title": f"Ansökan {PNR}"}))
    code, lines = check(make_workspace(case_with("u.pdf", data)))
    assert code == 1
    assert coded(lines, "personnummer") == [
        f"{CASE_AT}: fel: "
        + found("personnummer", "850709-XXXX", "u.pdf", "i dokumentegenskapen ”Titel”")
        + " [personnummer]"
    ]
    assert len(lines) == 2


def test_personnummer_in_a_pdf_annotation(make_workspace: MakeWorkspace) -> None:
    def annotate(writer: PdfWriter) -> None:
        writer.add_annotation(0, Text(rect=(50, 550, 200, 650), text=f"Gäller {SNR}"))

    data = rewritten(pdf("Utredning", "Sida två"), annotate)
    code, lines = check(make_workspace(meeting_with("l.pdf", data)))
    assert code == 1
    assert coded(lines, "personnummer") == [
        f"{ITEM_AT}: fel: "
        + found(
            "samordningsnummer",
            "850769-XXXX",
            "l.pdf",
            "i en kommentar eller anteckning på sidan 1",
            FIX_ITEM,
        )
        + " [personnummer]"
    ]


def test_personnummer_in_a_docx_header(make_workspace: MakeWorkspace) -> None:
    data = word("Utredning", header=f"Sökande {PNR}")
    code, lines = check(make_workspace(case_with("u.docx", data)))
    assert (code, lines) == (
        1,
        [
            f"{CASE_AT}: fel: "
            + found("personnummer", "850709-XXXX", "u.docx", "i sidhuvudet")
            + " [personnummer]"
        ],
    )


def test_personnummer_in_an_odt(make_workspace: MakeWorkspace) -> None:
    data = odt("Utredning", "Sökande 19850709 1232<text:s/>har ansökt.")
    code, lines = check(make_workspace(case_with("u.odt", data)))
    assert (code, lines) == (
        1,
        [
            f"{CASE_AT}: fel: "
            + found("personnummer", "19850709 XXXX", "u.odt", "i stycke 2")
            + " [personnummer]"
        ],
    )


@pytest.mark.parametrize(
    ("written", "kind", "masked"),
    [
        ("850709 1232", "personnummer", "850709 XXXX"),
        ("8507091232", "personnummer", "850709XXXX"),
        ("19850709 1232", "personnummer", "19850709 XXXX"),
        ("850769 1239", "samordningsnummer", "850769 XXXX"),
    ],
)
def test_numbers_with_a_space_or_no_separator_in_a_pdf(
    make_workspace: MakeWorkspace, written: str, kind: str, masked: str
) -> None:
    code, lines = check(make_workspace(case_with("u.pdf", pdf(f"Sökande {written}."))))
    assert code == 1
    assert coded(lines, "personnummer") == [
        f"{CASE_AT}: fel: " + found(kind, masked, "u.pdf", "på sidan 1") + " [personnummer]"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Beloppet är 850 709 1232 kronor.",  # an amount grouped by thousands
        "Summa 12 850709 1232 kr",  # part of a longer spaced group
        "Ring tel. 0701234567 eller mobil: 8507091232.",  # phone numbers
        "Diarienummer 2025001234 och RS/8507091232.",  # registration numbers
        "Kod ABC8507091232 och 850709-1232/2.",  # codes
        "Beloppet 850709 1232,50 kr",  # not a whole number
        "Org.nr 232100-0255.",  # an organisation number
    ],
)
def test_ordinary_numbers_are_not_personnummer(text: str) -> None:
    assert find_numbers(text) == []


def test_number_with_a_non_breaking_space() -> None:
    hits = find_numbers("Sökande 850709\u00a01232.")
    assert [(h.kind, h.masked) for h in hits] == [("personnummer", "850709\u00a0XXXX")]


def test_number_with_a_space_in_a_case_file(make_workspace: MakeWorkspace) -> None:
    body = "## Sammanfattning\n\nSökanden 850709 1232 har ansökt.\n"
    code, lines = check(make_workspace({F: case_file(body)}))
    assert (code, coded(lines, "personnummer")) == (
        1,
        [
            f"{F}:17:10: fel: Texten innehåller ett personnummer (”850709 XXXX”). {WHY} "
            f"{FIX_CASE} [personnummer]"
        ],
    )


# --- what cannot be read is never passed unread ---------------------------------------------


def test_scanned_pdf_on_a_published_item_is_an_error(make_workspace: MakeWorkspace) -> None:
    code, lines = check(make_workspace(meeting_with("s.pdf", pdf(""))))
    assert code == 1
    assert lines == [
        f"{ITEM_AT}: fel: Bilagan ”s.pdf” har ingen sökbar text (troligen en inskannad bild) "
        f"{UNREAD_PUBLISHED} [bilaga-ej-granskad]",
        f"{ITEM_AT}: varning: Bilagan ”content/bilagor/s.pdf” har ingen sökbar text (troligen "
        "en skannad bild) och är inte tillgänglig för skärmläsare. Be om en textbaserad version "
        "eller kör OCR. [bilaga-utan-text]",
        f"{ITEM_AT}: varning: Bilagan ”content/bilagor/s.pdf” {NOT_PDFA} [paket-ej-pdfa]",
    ]


def test_scanned_pdf_on_a_withheld_item_is_a_warning(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(meeting_with("s.pdf", pdf(""), "    publiceras_inte: true\n"))
    code, lines = check(root)
    assert code == 0
    assert lines[0] == (
        f"{M}:15:14: varning: Bilagan ”s.pdf” har ingen sökbar text (troligen en inskannad "
        f"bild) {UNREAD_WITHHELD} [bilaga-ej-granskad]"
    )


def test_scanned_attachment_of_a_secret_case_is_a_warning(make_workspace: MakeWorkspace) -> None:
    files = case_with("s.pdf", pdf(""), "sekretess:\n  lagrum: 26 kap. 1 §\n")
    code, lines = check(make_workspace(files))
    assert code == 0
    assert lines[0] == (
        f"{CASE_AT}: varning: Bilagan ”s.pdf” har ingen sökbar text (troligen en inskannad "
        f"bild) {UNREAD_WITHHELD} [bilaga-ej-granskad]"
    )


def test_unreadable_odt_and_docx_are_errors(make_workspace: MakeWorkspace) -> None:
    """One error per fact: a damaged file is bilaga-skadad, not also bilaga-ej-granskad."""
    files = case_with("u.odt", b"not really an odt " + PNR.encode())
    code, lines = check(make_workspace(files))
    assert (code, lines) == (
        1,
        [
            f"{CASE_AT}: fel: Bilagan ”content/bilagor/u.odt” är skadad, lösenordsskyddad "
            "eller ingen riktig ODT-fil och kan inte läsas. Öppna den i LibreOffice och spara "
            "den som ODF-textdokument (.odt) utan lösenord igen. [bilaga-skadad]",
        ],
    )


# --- the file itself: check reports what build reported -------------------------------------


def _encrypted(user: str, owner: str) -> bytes:
    return rewritten(
        pdf("Utredning"), lambda w: w.encrypt(user_password=user, owner_password=owner)
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            b"",
            "är tom (0 byte). Lägg in rätt fil, eller ta bort bilagan. [bilaga-skadad]",
        ),
        (
            "Det här är en textfil.\n".encode(),
            f"är ingen PDF, fast namnet slutar på .pdf och kan inte läsas. {PDF_FIX} "
            "[bilaga-skadad]",
        ),
        (
            pdf("Utredning")[:400],
            f"är skadad och kan inte läsas. {PDF_FIX} [bilaga-skadad]",
        ),
        (
            b"%PDF-1.4 trasig",
            f"är skadad och kan inte läsas. {PDF_FIX} [bilaga-skadad]",
        ),
        (
            _encrypted("hemligt", "ägare"),
            "är lösenordsskyddad och kan inte tas med. Spara en version utan lösenord. "
            "[bilaga-krypterad]",
        ),
    ],
)
def test_bad_pdf_attachments_fail_check(
    make_workspace: MakeWorkspace, data: bytes, problem: str
) -> None:
    files = case_with("u.pdf", data)
    files[M] = MEETING + "  - typ: beslut\n    diarienummer: 25HSN1\n"
    code, lines = check(make_workspace(files))
    assert code == 1
    assert lines == [
        f"{M}:11:19: fel: Ärendet 25HSN1 har fel (se {F}) och kan inte tas med förrän de är "
        "rättade. [ärende-har-fel]",
        f"{CASE_AT}: fel: Bilagan ”content/bilagor/u.pdf” {problem}",
    ]
    for line in lines:  # never an English library message
        for english in ("EOF marker", "Stream has", "File is not a zip", "could not be loaded"):
            assert english not in line


def test_broken_docx_fails_check(make_workspace: MakeWorkspace) -> None:
    code, lines = check(make_workspace(meeting_with("l.docx", b"PK\x03\x04 trasig")))
    assert code == 1
    assert lines == [
        f"{ITEM_AT}: fel: Bilagan ”content/bilagor/l.docx” är skadad eller ingen riktig Word-fil "
        "(.docx) och kan inte läsas. Öppna den i Word eller LibreOffice och spara den som "
        "Word-dokument (.docx) igen. [bilaga-skadad]",
    ]


def test_owner_password_only_is_taken_in(make_workspace: MakeWorkspace) -> None:
    data = _encrypted("", "ägare")
    code, lines = check(make_workspace(case_with("u.pdf", data)))
    assert (code, lines) == (
        0,
        [f"{CASE_AT}: varning: Bilagan ”content/bilagor/u.pdf” {NOT_PDFA} [paket-ej-pdfa]"],
    )
    data = rewritten(
        pdf(f"Sökande {PNR}"), lambda w: w.encrypt(user_password="", owner_password="x")
    )
    code, lines = check(make_workspace(case_with("u.pdf", data)))
    assert code == 1
    assert len(coded(lines, "personnummer")) == 1


def test_a3_and_scan_are_reported_by_check(make_workspace: MakeWorkspace) -> None:
    code, lines = check(make_workspace(meeting_with("a3.pdf", pdf("Karta", size=A3))))
    assert (code, lines) == (
        0,
        [
            f"{ITEM_AT}: varning: Bilagan ”content/bilagor/a3.pdf” har sidor som inte är A4 "
            "(842×1191 pt); de tas med i sitt eget format. [bilaga-sidformat]",
            f"{ITEM_AT}: varning: Bilagan ”content/bilagor/a3.pdf” {NOT_PDFA} [paket-ej-pdfa]",
        ],
    )


def test_inspection_is_cached_by_content(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(case_with("u.pdf", pdf("Utredning")))
    calls: list[Path] = []
    inspect = attachments._INSPECTORS[".pdf"]

    def counting(path: Path, name: str) -> list[attachments.Finding]:
        calls.append(path)
        return inspect(path, name)

    monkeypatch.setitem(attachments._INSPECTORS, ".pdf", counting)
    first = check(root)
    assert check(root) == first  # same process, unchanged file: not even read again
    monkeypatch.setattr(attachments, "_SEEN", {})  # a new process reads the disk cache
    monkeypatch.setattr(attachment_text, "_SEEN", {})
    assert check(root) == first
    assert len(calls) == 1
    (root / "content" / "bilagor" / "u.pdf").write_bytes(pdf("Ändrad"))
    check(root)
    assert len(calls) == 2


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_owner_password_only_pdf_goes_into_the_packet(make_workspace: MakeWorkspace) -> None:
    files = meeting_with("l.pdf", _encrypted("", "ägare"))
    files[F] = case_file()
    files[M] = files[M].replace(
        "  - typ: övrigt\n", "  - typ: beslut\n    diarienummer: 25HSN1\n  - typ: övrigt\n"
    )
    root = make_workspace(files)
    report = api.build(root, converter=FakeConverter())
    assert report.ok, [d.format() for d in report.diagnostics]
    packet = PdfReader(root / "output" / "möten" / "m" / "handlingar.pdf")
    assert "Utredning" in packet.pages[-1].extract_text()


def test_assembly_never_shows_the_pdf_library_message(tmp_path: Path) -> None:
    damaged = tmp_path / "trasig.pdf"
    damaged.write_bytes(pdf("Utredning")[:400])
    item = PacketItem(1, "Ärende", (PacketDocument(damaged, "Bilaga 1 Utredning"),))
    with pytest.raises(AssemblyError) as caught:
        assemble_packet(None, [item], tmp_path / "p.pdf", title="Handlingar")
    assert str(caught.value) == (
        "Bilaga 1 Utredning (”trasig.pdf”, ärende 1): PDF-filen är skadad och kan inte läsas. "
        + PDF_FIX
    )


def test_library_warnings_never_reach_the_terminal(make_workspace: MakeWorkspace) -> None:
    """pypdf logs English warnings ("EOF marker not found") to stderr; they are not printed."""
    import subprocess
    import sys

    root = make_workspace(case_with("u.pdf", b"%PDF-1.4 trasig" + bytes(range(256)) * 40))
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "check", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "[bilaga-skadad]" in result.stdout
    for english in ("EOF marker", "invalid pdf header", "Stream has", "Ignoring wrong"):
        assert english not in result.stdout + result.stderr, result.stderr
