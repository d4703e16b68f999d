"""Agenda items whose papers are not in the workspace, markers, bilagor and numbering from 0.

An item can declare ``underlag: lämnas_senare`` (the papers come later: a warning that
``--strikt`` turns into an error) or ``underlag: utanför_arbetsytan`` (another organ's matter);
it then needs its own ``rubrik`` and has no case file. The kallelse lists each item's bilagor
(the case's and the item's ``handlingar``), prints ``markering`` after the title and numbers
the items from ``föredragningslista.första_nummer``. Seed 001 is the model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from beslut import api
from beslut.disclosure import public_view
from beslut.model.models import Meeting
from beslut.validate.workspace import load_workspace
from conftest import MEETING, PROFILE, SEEDS, MakeWorkspace, case_file, need_libreoffice

PROFILE_FROM_0 = PROFILE + "föredragningslista:\n  första_nummer: 0\n"

CASE_WITH_ATTACHMENT = case_file(
    extra="bilagor:\n  - titel: Utredning om vårdplatser\n    fil: ../bilagor/utredning.pdf\n"
)

ITEMS = """\
  - typ: beslut
    diarienummer: 25HSN1
  - typ: beslut
    diarienummer: KS/2025/118
    rubrik: Budget 2026 för kommunen
    markering: KF
    underlag: utanför_arbetsytan
    handlingar:
      - titel: Kommunstyrelsens förslag till budget
        fil: ../bilagor/budget.pdf
  - typ: beslut
    diarienummer: 25HSN9
    rubrik: Investeringsbudget 2026
    underlag: lämnas_senare
  - typ: beslut
    rubrik: Samverkan i norra sjukvårdsregionen
    underlag: utanför_arbetsytan
  - typ: delegationsbeslut
    punkter: [Ordförandebeslut om remissvar]
"""
"""Items 1–5 after the justerare item: a case with a bilaga, a KF matter of another organ with
one extra handling, papers that come later, a matter without any papers, delegationsbeslut."""


def _pdf(path: Path, text: str) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    drawing = canvas.Canvas(str(path), pagesize=A4)
    drawing.drawString(72, 720, text)
    drawing.showPage()
    drawing.save()
    return path.read_bytes()


def _workspace(make_workspace: MakeWorkspace, tmp: Path, items: str = ITEMS, **kw: Any) -> Path:
    files: dict[str, str | bytes] = {
        "content/ärenden/a.md": CASE_WITH_ATTACHMENT,
        "content/möten/m.yaml": MEETING + items,
        "content/bilagor/utredning.pdf": _pdf(tmp / "u.pdf", "Utredningen om vårdplatser."),
        "content/bilagor/budget.pdf": _pdf(tmp / "b.pdf", "Budgetförslaget i korthet."),
    }
    return make_workspace(files, **kw)


def _diagnostics(root: Path) -> list[str]:
    return [d.format() for d in load_workspace(root).diagnostics]


# ------------------------------------------------------------------------------------------
# model and validation
# ------------------------------------------------------------------------------------------


def test_items_without_case_files_are_valid_and_later_papers_warn(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    root = _workspace(make_workspace, tmp_path)
    found = [d.format() for d in load_workspace(root).diagnostics if d.code != "paket-ej-pdfa"]
    assert found == [
        "content/möten/m.yaml:23:15: varning: Handlingarna till punkt 4 (Investeringsbudget "
        "2026) lämnas senare: kallelsen och handlingarna är inte kompletta. Skicka ut dem när "
        "handlingarna finns, eller skicka handlingarna som komplettering och ta då bort "
        "”underlag: lämnas_senare”. [handlingar-lämnas-senare]"
    ]
    [meeting] = load_workspace(root).meetings
    items = meeting.meeting.items
    assert [i.has_case for i in items] == [False, True, False, False, False, False]
    assert items[2].marker == "KF"


def test_item_without_case_file_needs_a_title(make_workspace: MakeWorkspace) -> None:
    items = "  - typ: beslut\n    diarienummer: 25HSN9\n    underlag: utanför_arbetsytan\n"
    root = make_workspace({"content/möten/m.yaml": MEETING + items})
    assert _diagnostics(root) == [
        "content/möten/m.yaml:12:15: fel: Punkten har ”underlag: utanför_arbetsytan” och inget "
        "ärende i content/ att hämta rubriken från. Lägg till ”rubrik: …” på punkten. "
        "[punkt-utan-rubrik]"
    ]


def test_declared_papers_elsewhere_but_the_case_is_here(make_workspace: MakeWorkspace) -> None:
    items = (
        "  - typ: beslut\n    diarienummer: 25HSN1\n    rubrik: Planen\n"
        "    underlag: lämnas_senare\n"
    )
    root = make_workspace(
        {"content/ärenden/a.md": case_file(), "content/möten/m.yaml": MEETING + items}
    )
    found = [d for d in load_workspace(root).diagnostics if d.code == "underlag-men-ärende-finns"]
    assert [d.format() for d in found] == [
        "content/möten/m.yaml:13:15: fel: Ärendet 25HSN1 finns i arbetsytan "
        "(content/ärenden/a.md), men punkten har ”underlag: lämnas_senare” och tar inte med "
        "det. Ta bort ”underlag: …” så att ärendet kommer med, eller rätta diarienumret. "
        "[underlag-men-ärende-finns]"
    ]


def test_a_beslut_item_without_underlag_still_needs_its_case(
    make_workspace: MakeWorkspace,
) -> None:
    items = "  - typ: beslut\n    diarienummer: 25HSN9\n    rubrik: Något\n"
    root = make_workspace({"content/möten/m.yaml": MEETING + items})
    assert [d.code for d in load_workspace(root).diagnostics] == ["okänt-diarienummer"]


def test_unknown_underlag_value_and_empty_marker(make_workspace: MakeWorkspace) -> None:
    items = (
        "  - typ: beslut\n    rubrik: X\n    underlag: senare\n"
        "  - typ: beslut\n    rubrik: Y\n    underlag: lämnas_senare\n    markering: ''\n"
    )
    root = make_workspace({"content/möten/m.yaml": MEETING + items})
    assert _diagnostics(root) == [
        "content/möten/m.yaml:12:15: fel: ”underlag” kan inte vara ”senare”. Tillåtna värden: "
        "”lämnas_senare” eller ”utanför_arbetsytan”. Menade du ”lämnas_senare”? "
        "[ogiltigt-värde]",
        "content/möten/m.yaml:16:16: fel: ”markering” får inte vara tom. [tomt-värde]",
    ]


def test_two_items_without_diarienummer_are_not_duplicates(
    make_workspace: MakeWorkspace,
) -> None:
    items = (
        "  - typ: beslut\n    rubrik: Samverkan\n    underlag: utanför_arbetsytan\n"
        "  - typ: beslut\n    rubrik: Revision\n    underlag: utanför_arbetsytan\n"
        "  - typ: beslut\n    rubrik: Revision\n    underlag: utanför_arbetsytan\n"
    )
    root = make_workspace({"content/möten/m.yaml": MEETING + items})
    assert _diagnostics(root) == [
        "content/möten/m.yaml:16:5: fel: Punkten finns redan som punkt 3 på föredragningslistan. "
        "[dubblett-punkt]"
    ]


def test_papers_later_warning_cannot_be_switched_off(make_workspace: MakeWorkspace) -> None:
    items = "  - typ: beslut\n    rubrik: X\n    underlag: lämnas_senare\n"
    profile = PROFILE + "kontroller:\n  regler:\n    handlingar-lämnas-senare: av\n"
    root = make_workspace({"content/möten/m.yaml": MEETING + items}, profile=profile)
    codes = [(d.code, d.level.value) for d in load_workspace(root).diagnostics]
    assert ("nivå-låst", "fel") in codes
    assert ("handlingar-lämnas-senare", "varning") in codes


def test_numbering_from_zero_in_messages_and_profile_values(
    make_workspace: MakeWorkspace,
) -> None:
    items = "  - typ: beslut\n    rubrik: X\n    underlag: lämnas_senare\n"
    root = make_workspace({"content/möten/m.yaml": MEETING + items}, profile=PROFILE_FROM_0)
    [warning] = load_workspace(root).diagnostics
    assert "Handlingarna till punkt 1 (X) lämnas senare" in warning.message
    bad = PROFILE + "föredragningslista:\n  första_nummer: 2\n"
    root = make_workspace({}, profile=bad)
    [problem] = [d for d in load_workspace(root).diagnostics if d.code == "ogiltigt-värde"]
    assert problem.format() == (
        "content/profil.yaml:29:18: fel: ”första_nummer” kan inte vara ”2”. Tillåtna värden: "
        "0 eller 1. [ogiltigt-värde]"
    )


def test_public_view_numbers_from_first_and_keeps_the_marker() -> None:
    meeting = Meeting.model_validate(
        {
            "typ": "sammanträde",
            "instans": "hsn",
            "datum": "2025-10-01",
            "tid": "09.00",
            "plats": "Rummet",
            "ordförande": {"namn": "A B"},
            "sekreterare": {"namn": "C D"},
            "ärenden": [
                {"typ": "justerare"},
                {
                    "typ": "beslut",
                    "rubrik": "Budget",
                    "markering": "KF",
                    "underlag": "utanför_arbetsytan",
                    "sekretess": {"lagrum": "19 kap. 3 §"},
                    "offentlig_rubrik": "Ett ärende",
                    "handlingar": [{"titel": "Förslag", "fil": "f.pdf"}],
                },
            ],
        }
    )
    view = public_view(meeting, [None, None], first=0)
    assert [i.number for i in view.items] == [0, 1]
    assert view.item(1).title == "Budget (KF)"
    assert view.item(1).public_title == "Ett ärende (KF)"
    assert view.item(1).withheld and not view.item(1).lists_papers(public=True)
    assert view.item(1).lists_papers(public=False)
    assert view.left_out == ("Ärende 1: Ett ärende (KF) (sekretess enligt 19 kap. 3 § OSL)",)


# ------------------------------------------------------------------------------------------
# the kallelse (.docx, no LibreOffice needed)
# ------------------------------------------------------------------------------------------


def _items(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Item number → its paragraphs (style, text) after the heading line, in the kallelse."""
    found: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for paragraph in docx.Document(str(path)).paragraphs:
        style = paragraph.style.name
        if style == "Punkt" and not paragraph.text.startswith("Nr\t"):
            current = found.setdefault(paragraph.text.split(".\t")[0], [])
            current.append((style, paragraph.text))
        elif style.startswith("Heading"):
            current = None
        elif current is not None:
            current.append((style, paragraph.text))
    return found


@pytest.fixture
def kallelse(make_workspace: MakeWorkspace, tmp_path: Path) -> Path:
    """The meeting built to .docx only, numbered from 0; returns the meeting's output folder."""
    secret = ITEMS.replace(
        "    underlag: utanför_arbetsytan\n    handlingar:",
        "    underlag: utanför_arbetsytan\n    publiceras_inte: true\n    handlingar:",
    )
    root = _workspace(make_workspace, tmp_path, secret, profile=PROFILE_FROM_0)
    report = api.build(root, formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    return root / "output" / "möten" / "m"


def test_kallelse_lists_markers_papers_later_bilagor_numbered_from_zero(kallelse: Path) -> None:
    items = _items(kallelse / "kallelse.docx")
    assert list(items) == ["0", "1", "2", "3", "4", "5"]
    assert items["0"][0][1].startswith("0.\tVal av justerare och tid för justering\t")
    assert items["1"] == [
        ("Punkt", "1.\tEtt ärende om åtgärder\t"),
        ("Punktdetalj", "Dnr 25HSN1"),
        ("Punktdetalj", "Förvaltningens förslag till beslut"),
        ("Punktdetalj", "1. Hälso- och sjukvårdsnämnden godkänner planen."),
        ("Punktdetalj", "Bilagor:"),
        ("Punktbilaga", "Bilaga 1 Utredning om vårdplatser"),
        ("Punktslut", ""),
    ]
    assert items["2"] == [
        ("Punkt", "2.\tBudget 2026 för kommunen (KF)\t"),
        ("Punktdetalj", "Dnr KS/2025/118"),
        ("Punktdetalj", "Bilagor:"),
        ("Punktbilaga", "Kommunstyrelsens förslag till budget"),
        ("Punktslut", ""),
    ]
    assert items["3"] == [
        ("Punkt", "3.\tInvesteringsbudget 2026\t"),
        ("Punktdetalj", "Dnr 25HSN9"),
        ("Punktdetalj", "Handlingar lämnas senare."),
        ("Punktslut", ""),
    ]
    assert items["4"] == [
        ("Punkt", "4.\tSamverkan i norra sjukvårdsregionen\t"),
        ("Punktdetalj", "Handlingarna ingår inte i utskicket."),
        ("Punktslut", ""),
    ]


def test_public_kallelse_names_no_papers_of_a_withheld_item(kallelse: Path) -> None:
    items = _items(kallelse / "offentlig" / "kallelse.docx")
    assert items["2"] == [
        ("Punkt", "2.\tBudget 2026 för kommunen (KF)\t"),
        ("Punktdetalj", "Dnr KS/2025/118"),
        (
            "Punktdetalj",
            "Handlingarna publiceras inte på webben. De kan begäras ut från registraturen.",
        ),
        ("Punktslut", ""),
    ]
    text = "\n".join(
        p.text for p in docx.Document(str(kallelse / "offentlig/kallelse.docx")).paragraphs
    )
    assert "Kommunstyrelsens förslag till budget" not in text
    assert "Ärende 2: Budget 2026 för kommunen (KF) (publiceras inte)" in text
    assert items["1"][-2] == ("Punktbilaga", "Bilaga 1 Utredning om vårdplatser")
    assert items["3"][2] == ("Punktdetalj", "Handlingar lämnas senare.")


def test_kallelse_keeps_an_items_lines_together(kallelse: Path) -> None:
    styles = docx.Document(str(kallelse / "kallelse.docx")).styles
    for name in ("Punkt", "Punktdetalj", "Namnlista"):
        assert styles[name].paragraph_format.keep_with_next, name
    assert styles["Punktdetalj"].paragraph_format.keep_together
    bilaga = styles["Punktbilaga"]  # inherits keep-with-next, does not switch it off
    assert bilaga.base_style.name == "Punktdetalj"
    assert bilaga.paragraph_format.keep_with_next is None
    # the chain ends at each item's Punktslut: it must not keep with the next item
    assert not styles["Punktslut"].paragraph_format.keep_with_next


def test_strict_build_stops_on_papers_that_come_later(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    root = _workspace(make_workspace, tmp_path)
    report = api.build(root, formats=("docx",), strict=True)
    assert not report.ok
    [later] = [d for d in report.diagnostics if d.code == "handlingar-lämnas-senare"]
    assert later.level.value == "fel"
    assert not (root / "output" / "möten" / "m" / "kallelse.docx").exists()


def test_seed_001_items_are_in_the_example_meeting() -> None:
    """The example meeting reproduces seed 001: its items without papers, its bilagor."""
    from conftest import REPO

    seed = SEEDS / "001_ccb1e8f57488abc9.txt"
    if not seed.is_file():
        pytest.skip("seed 001 saknas")
    text = seed.read_text(encoding="utf-8")
    assert "Handlingar lämnas senare." in text and "Bilagor" in text
    example = (REPO / "content" / "möten" / "2022-06-14-hsn.yaml").read_text(encoding="utf-8")
    assert "underlag: lämnas_senare" in example and "underlag: utanför_arbetsytan" in example
    assert re.search(r"markering: \w+", example)


# ------------------------------------------------------------------------------------------
# the packet (LibreOffice)
# ------------------------------------------------------------------------------------------


def _outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    found: list[tuple[int, str, int]] = []

    def walk(nodes: list[Any], depth: int) -> None:
        for node in nodes:
            if isinstance(node, list):
                walk(node, depth + 1)
            else:
                found.append((depth, node.title, reader.get_destination_page_number(node) + 1))

    walk(reader.outline, 0)
    return found


@pytest.fixture
def packet(make_workspace: MakeWorkspace, tmp_path: Path) -> Path:
    need_libreoffice()
    secret = ITEMS.replace(
        "    underlag: utanför_arbetsytan\n    handlingar:",
        "    underlag: utanför_arbetsytan\n    sekretess: {lagrum: 19 kap. 3 §}\n"
        "    offentlig_rubrik: Ett budgetärende\n    handlingar:",
    )
    root = _workspace(make_workspace, tmp_path, secret, profile=PROFILE_FROM_0)
    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return root / "output" / "möten" / "m"


@pytest.mark.libreoffice
def test_packet_with_items_without_papers(packet: Path) -> None:
    reader = PdfReader(packet / "handlingar.pdf")
    top = [(title, page) for depth, title, page in _outline(reader) if depth == 0]
    assert [t for t, _ in top] == [
        "Kallelse och föredragningslista",
        "Ärende 1: Ett ärende om åtgärder",
        "Ärende 2: Budget 2026 för kommunen (KF)",
        "Ärende 3: Investeringsbudget 2026 – Handlingar lämnas senare",
        "Ärende 4: Samverkan i norra sjukvårdsregionen – Handlingarna ingår inte i utskicket",
    ]
    pages = dict(top)
    assert pages["Ärende 3: Investeringsbudget 2026 – Handlingar lämnas senare"] == 1
    assert (
        pages["Ärende 2: Budget 2026 för kommunen (KF)"] > pages["Ärende 1: Ett ärende om åtgärder"]
    )
    second = [t for depth, t, _ in _outline(reader) if depth == 1]
    assert "Bilaga 1 Utredning om vårdplatser" in second
    assert "Kommunstyrelsens förslag till budget" in second
    # items without papers have no pages and no item PDF; the kallelse says so
    assert sorted(p.name for p in packet.glob("ärende-*.pdf")) == ["ärende-01.pdf", "ärende-02.pdf"]
    kallelse = " ".join(
        " ".join(page.extract_text() for page in PdfReader(packet / "kallelse.pdf").pages).split()
    )
    assert "3. Investeringsbudget 2026 Dnr 25HSN9 Handlingar lämnas senare." in kallelse
    assert "Bilagor: Bilaga 1 Utredning om vårdplatser" in kallelse
    assert "Ärende 2 · Sida 1 av" in PdfReader(packet / "ärende-02.pdf").pages[0].extract_text()


@pytest.mark.libreoffice
def test_public_packet_still_withholds_the_secret_item(packet: Path) -> None:
    reader = PdfReader(packet / "offentlig" / "handlingar.pdf")
    titles = [t for _, t, _ in _outline(reader)]
    assert "Ärende 2: Ett budgetärende (KF)" in titles
    assert "Ärende 3: Investeringsbudget 2026 – Handlingar lämnas senare" in titles
    text = "\n".join(page.extract_text() for page in reader.pages) + "\n".join(titles)
    assert "Kommunstyrelsens förslag till budget" not in text
    assert "Budgetförslaget i korthet" not in text
    assert "Budget 2026 för kommunen" not in text
    assert "Handlingen omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte." in text
    assert "Utredningen om vårdplatser" in text  # the open item's bilaga is published
