"""Personal data: personnummer and samordningsnummer in case files, meeting files and the text
of attachments, unless the papers are withheld from publication."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from reportlab.pdfgen import canvas

from beslut.checks import attachment_text
from beslut.checks.personal_data import find_numbers, number_kind
from conftest import MEETING, MakeWorkspace, case_file, findings

F = "content/ärenden/a.md"
M = "content/möten/möte.yaml"
BODY_LINE = 17  # the first paragraph written by case_file
WHY = "Personnummer och samordningsnummer får inte publiceras (SKR:s vägledning, GDPR)."
FIX_CASE = (
    "Ta bort numret. Ska handlingarna inte publiceras: ange sekretess: i ärendefilen eller "
    "markera punkten i mötesfilen med sekretess: eller publiceras_inte: true."
)
FIX_ITEM = (
    "Ta bort numret, eller markera punkten med sekretess: eller publiceras_inte: true om "
    "handlingarna inte ska publiceras."
)


def luhn_digit(nine: str) -> str:
    """The check digit of a personnummer: weights 2, 1, 2, … from the left, digit sums."""
    total = 0
    for index, char in enumerate(nine):
        product = int(char) * (2 - index % 2)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def number(date: str, serial: str = "123", separator: str = "-") -> str:
    """Return a checksum-valid number for a date written YYMMDD or YYYYMMDD."""
    return f"{date}{separator}{serial}{luhn_digit(date[-6:] + serial)}"


PNR = number("850709")  # 850709-1232
SNR = number("850769")  # samordningsnummer: day 9 + 60


def wrong_checksum(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


# --- recognising numbers --------------------------------------------------------------------


def test_the_helper_matches_a_known_number() -> None:
    assert PNR == "850709-1232"


@pytest.mark.parametrize(
    "written",
    [
        PNR,
        number("850709", separator=""),
        number("850709", separator="+"),
        number("19850709"),
        number("19850709", separator=""),
        number("20240229"),
    ],
)
def test_personnummer_forms(written: str) -> None:
    assert number_kind(written) == "personnummer"
    assert [h.kind for h in find_numbers(f"Nr {written}.")] == ["personnummer"]


def test_samordningsnummer() -> None:
    assert number_kind(SNR) == "samordningsnummer"
    assert number_kind(number("19850791")) == "samordningsnummer"
    assert number_kind(number("850792")) is None  # day 32


@pytest.mark.parametrize(
    "written",
    [
        wrong_checksum(PNR),
        number("851309"),  # month 13
        number("850230"),  # 30 February
        number("20230229"),  # not a leap year
        number("850700"),  # day 0
        number("19850709", separator="+"),  # + only without century
        number("21850709"),  # no such century
        "232100-0255",  # an organisation number: month 00
    ],
)
def test_not_a_personnummer(written: str) -> None:
    assert number_kind(written) is None
    assert find_numbers(written) == []


def test_numbers_inside_longer_digit_runs_are_not_found() -> None:
    assert find_numbers(f"1{PNR}") == []
    assert find_numbers(f"{PNR}5") == []
    hits = find_numbers(f"Den 2025-09-10, {number('19850709', separator='')} och {SNR}.")
    assert [(h.kind, h.masked) for h in hits] == [
        ("personnummer", "19850709XXXX"),
        ("samordningsnummer", "850769-XXXX"),
    ]


# --- case files -----------------------------------------------------------------------------


def message(kind: str, masked: str, fix: str = FIX_CASE, where: str = "Texten") -> str:
    return f"{where} innehåller ett {kind} (”{masked}”). {WHY} {fix}"


def test_number_in_the_body(make_workspace: MakeWorkspace) -> None:
    body = f"## Sammanfattning\n\nSökanden har nummer `{PNR}`.\n"
    root = make_workspace({F: case_file(body)})
    assert findings(root, "personnummer") == [
        f"{F}:{BODY_LINE}:22: fel: {message('personnummer', '850709-XXXX')} [personnummer]"
    ]


def test_number_in_a_yaml_field(make_workspace: MakeWorkspace) -> None:
    points = (f"Nämnden beviljar bidrag till {SNR}",)
    extra = f"delges:\n  - Sökanden {number('19850709')}\n"
    root = make_workspace({F: case_file(points=points, extra=extra)})
    assert findings(root, "personnummer") == [
        f"{F}:12:36: fel: {message('samordningsnummer', '850769-XXXX')} [personnummer]",
        f"{F}:14:14: fel: {message('personnummer', '19850709-XXXX')} [personnummer]",
    ]


def test_text_without_numbers_passes(make_workspace: MakeWorkspace) -> None:
    body = f"## Sammanfattning\n\nOrg.nr 232100-0255, tel. 0611-123 45 och {wrong_checksum(PNR)}.\n"
    root = make_workspace({F: case_file(body)})
    assert findings(root, "personnummer") == []


def test_secret_case_passes(make_workspace: MakeWorkspace) -> None:
    body = f"## Sammanfattning\n\nSökanden har nummer {PNR}.\n"
    extra = "sekretess:\n  lagrum: 26 kap. 1 §\n"
    root = make_workspace({F: case_file(body, extra=extra)})
    assert findings(root, "personnummer") == []


def test_proposal_of_a_secret_case_on_a_public_agenda(make_workspace: MakeWorkspace) -> None:
    points = (f"Nämnden beviljar bidrag till {PNR}",)
    extra = "sekretess:\n  lagrum: 26 kap. 1 §\n"
    root = make_workspace({F: case_file(points=points, extra=extra), M: meeting_item()})
    assert findings(root, "personnummer") == [
        f"{F}:12:36: fel: Texten innehåller ett personnummer (”850709-XXXX”). {WHY} "
        "Förslaget till beslut visas i den offentliga kallelsen för en punkt som inte är "
        "markerad. Ta bort numret, eller markera punkten i mötesfilen med sekretess: eller "
        "publiceras_inte: true. [personnummer]"
    ]


def test_number_in_the_text_of_a_yaml_case(make_workspace: MakeWorkspace) -> None:
    front = case_file().split("---\n")[1]
    text = f"text: |\n  ## Sammanfattning\n\n  Sökanden {PNR} har ansökt.\n"
    root = make_workspace({"content/ärenden/a.yaml": front + text})
    assert findings(root, "personnummer") == [
        f"content/ärenden/a.yaml:15:12: fel: {message('personnummer', '850709-XXXX')} "
        "[personnummer]"
    ]


def meeting_item(extra: str = "") -> str:
    return MEETING + f"  - typ: beslut\n    diarienummer: 25HSN1\n{extra}"


def test_case_withheld_on_every_agenda_passes(make_workspace: MakeWorkspace) -> None:
    body = f"## Sammanfattning\n\nSökanden har nummer {PNR}.\n"
    withheld = meeting_item("    rubrik: Ansökan\n    publiceras_inte: true\n")
    root = make_workspace({F: case_file(body), M: withheld})
    assert findings(root, "personnummer") == []
    # On a second agenda where it is published, the number is an error again.
    public = meeting_item().replace("2025-10-01", "2025-10-08")
    root = make_workspace({F: case_file(body), M: withheld, "content/möten/b.yaml": public})
    assert findings(root, "personnummer") == [
        f"{F}:{BODY_LINE}:21: fel: {message('personnummer', '850709-XXXX')} [personnummer]"
    ]


def test_title_of_a_withheld_case_is_still_in_the_kallelse(make_workspace: MakeWorkspace) -> None:
    case = case_file().replace("rubrik: Ett ärende om åtgärder", f"rubrik: Ansökan från {PNR}")
    root = make_workspace({F: case, M: meeting_item("    publiceras_inte: true\n")})
    assert findings(root, "personnummer") == [
        f"{F}:3:22: fel: Texten innehåller ett personnummer (”850709-XXXX”). {WHY} "
        "Ärendets rubrik visas i den offentliga kallelsen även när handlingarna inte "
        "publiceras. Ta bort numret ur rubriken, eller ge punkten en offentlig_rubrik: i "
        "mötesfilen. [personnummer]"
    ]
    item = "    publiceras_inte: true\n    offentlig_rubrik: Ansökan om bidrag\n"
    root = make_workspace({F: case, M: meeting_item(item)})
    assert findings(root, "personnummer") == []


# --- attachments ----------------------------------------------------------------------------


def pdf(*pages: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    for text in pages:
        page.drawString(72, 720, text)
        page.showPage()
    page.save()
    return out.getvalue()


def word(*paragraphs: str, cell: str = "") -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if cell:
        document.add_table(rows=1, cols=2).cell(0, 1).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


ATTACHMENT = "bilagor:\n  - titel: Utredning\n    fil: ../bilagor/{}\n"


def test_number_in_a_pdf_attachment(make_workspace: MakeWorkspace) -> None:
    files: dict[str, str | bytes] = {
        F: case_file(extra=ATTACHMENT.format("utredning.pdf")),
        "content/bilagor/utredning.pdf": pdf("Utredning", f"Patient {PNR}"),
    }
    root = make_workspace(files)
    where = "Bilagan ”utredning.pdf”"
    text = message("personnummer", "850709-XXXX", where=where).replace("”).", "”) på sidan 2.", 1)
    assert findings(root, "personnummer") == [f"{F}:15:10: fel: {text} [personnummer]"]


def test_number_in_a_docx_attachment(make_workspace: MakeWorkspace) -> None:
    files: dict[str, str | bytes] = {
        F: case_file(extra=ATTACHMENT.format("utredning.docx")),
        "content/bilagor/utredning.docx": word("Inledning", "", f"Sökande {SNR}", cell=PNR),
    }
    root = make_workspace(files)
    where = "Bilagan ”utredning.docx”"
    assert findings(root, "personnummer") == [
        f"{F}:15:10: fel: "
        + message("personnummer", "850709-XXXX", where=where).replace("”).", "”) i tabell 1.")
        + " [personnummer]",
        f"{F}:15:10: fel: "
        + message("samordningsnummer", "850769-XXXX", where=where).replace("”).", "”) i stycke 2.")
        + " [personnummer]",
    ]


def test_clean_attachments_and_odt_pass(make_workspace: MakeWorkspace) -> None:
    extra = ATTACHMENT.format("a.pdf") + "  - titel: B\n    fil: ../bilagor/b.odt\n"
    files: dict[str, str | bytes] = {
        F: case_file(extra=extra),
        "content/bilagor/a.pdf": pdf("Org.nr 232100-0255"),
        "content/bilagor/b.odt": b"not really an odt " + PNR.encode(),
    }
    assert findings(make_workspace(files), "personnummer") == []


def test_damaged_attachment_gives_no_text(tmp_path: Path) -> None:
    damaged = tmp_path / "trasig.pdf"
    damaged.write_bytes(b"%PDF-1.4 trasig " + PNR.encode())
    assert attachment_text.text_parts(damaged, tmp_path) == []


# --- meeting files --------------------------------------------------------------------------


def test_meeting_strings_and_attachments(make_workspace: MakeWorkspace) -> None:
    meeting = MEETING.replace("Regionens hus", f"Regionens hus ({PNR})") + (
        f"  - typ: övrigt\n    notering: Gäller {SNR}\n"
        "    handlingar:\n      - titel: Lista\n        fil: ../bilagor/lista.pdf\n"
    )
    files: dict[str, str | bytes] = {
        M: meeting,
        "content/bilagor/lista.pdf": pdf(f"Deltagare {PNR}"),
    }
    root = make_workspace(files)
    where = "Bilagan ”lista.pdf”"
    attached = message("personnummer", "850709-XXXX", FIX_ITEM, where)
    assert findings(root, "personnummer") == [
        f"{M}:5:23: fel: {message('personnummer', '850709-XXXX', 'Ta bort numret.')} "
        "[personnummer]",
        f"{M}:11:22: fel: {message('samordningsnummer', '850769-XXXX', FIX_ITEM)} [personnummer]",
        f"{M}:14:14: fel: {attached.replace('”).', '”) på sidan 1.')} [personnummer]",
    ]


def test_withheld_meeting_item_passes(make_workspace: MakeWorkspace) -> None:
    meeting = MEETING + (
        f"  - typ: övrigt\n    rubrik: Ansökan\n    notering: Gäller {SNR}\n"
        "    sekretess:\n      lagrum: 26 kap. 1 §\n"
        "    handlingar:\n      - titel: Lista\n        fil: ../bilagor/lista.pdf\n"
    )
    files: dict[str, str | bytes] = {
        M: meeting,
        "content/bilagor/lista.pdf": pdf(f"Deltagare {PNR}"),
    }
    assert findings(make_workspace(files), "personnummer") == []


# --- the text cache -------------------------------------------------------------------------


def test_extracted_text_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bilaga.pdf"
    path.write_bytes(pdf("Sida ett", f"Patient {PNR}"))
    calls: list[Path] = []
    extract = attachment_text._extract

    def counting(file: Path) -> attachment_text.AttachmentText:
        calls.append(file)
        return extract(file)

    monkeypatch.setattr(attachment_text, "_extract", counting)
    first = attachment_text.text_parts(path, tmp_path)
    pages = [(p.kind, p.number) for p in first if p.kind == "sida"]
    assert pages == [("sida", 1), ("sida", 2)]
    assert PNR in first[1].text
    cached = list((tmp_path / ".beslut-cache" / "text").iterdir())
    assert [p.suffix for p in cached] == [".json"]
    assert attachment_text.text_parts(path, tmp_path) == first
    assert len(calls) == 1
    # A new process (no in-memory memo) reads the disk cache instead of extracting again.
    monkeypatch.setattr(attachment_text, "_SEEN", {})
    assert attachment_text.text_parts(path, tmp_path) == first
    assert len(calls) == 1
    # A damaged cache file means the text is extracted again.
    monkeypatch.setattr(attachment_text, "_SEEN", {})
    cached[0].write_text("{", encoding="utf-8")
    assert attachment_text.text_parts(path, tmp_path) == first
    assert len(calls) == 2
