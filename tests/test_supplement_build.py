"""The tilläggslista end to end: numbers that stay, the TILLÄGGSLISTA document (internal and
public), the packet's order and bookmarks, and the protokoll.

The example meeting has item 17 (22HSN5106) from the tilläggslista 2022-06-10. The built copy
adds a secret item 18 from a later tilläggslista, whose papers and title must not reach any
public file.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from beslut import api
from beslut.render.kallelse import kallelse_context, tillaggslista_context
from beslut.render.minutes import agenda_decision
from beslut.validate.workspace import load_workspace
from conftest import REPO, need_libreoffice
from test_render import copy_example_workspace

MEETING = "content/möten/2022-06-14-hsn.yaml"
FOLDER = "output/möten/2022-06-14-hsn"
SECRET_ITEM = """\
  - typ: beslut
    diarienummer: 22HSN5107
    rubrik: Förhandling med Norrskensbolaget om hyresavtalet för Storsjöhallen
    underlag: utanför_arbetsytan
    sekretess:
      lagrum: 19 kap. 3 §
    offentlig_rubrik: Förhandling om hyresavtal
    föredragande: Nils Granlund, fastighetschef
    handlingar:
      - titel: Norrskensbolagets anbud på Storsjöhallen
        fil: ../bilagor/programdirektiv.pdf
    tillägg: 2022-06-13
"""
SECRET = ("Norrskensbolag", "Storsjöhallen", "Nils Granlund", "Förhandling med")
"""What of item 18 no public file may hold (its diarienummer is public, as in the kallelse)."""
PARAGRAPH_18 = """\
  - ärende: 18
    beslut:
      beslutspunkter:
        - Hälso- och sjukvårdsnämnden godkänner förhandlingsuppdraget
"""


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for section in document.sections:
        lines.extend(p.text for p in section.first_page_header.paragraphs)
        for table in section.first_page_header.tables:
            lines.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(lines).replace("\xa0", " ")


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(path).pages).replace("\xa0", " ")


def _rows(context: dict[str, object]) -> list[tuple[object, object]]:
    rows = context["punkter"]
    assert isinstance(rows, list)
    return [(r["nummer"], r["rubrik"]) for r in rows]


# --------------------------------------------------------------------------------------------
# Without LibreOffice
# --------------------------------------------------------------------------------------------


def test_adding_a_supplement_item_changes_no_number_of_the_kallelse() -> None:
    workspace = load_workspace(REPO)
    assert workspace.profile is not None
    [document] = [m for m in workspace.meetings if m.rel == MEETING]
    meeting = document.meeting
    assert [i.diary_number for i in meeting.supplements] == ["22HSN5106"]

    def cases(items: object) -> list[object]:
        return [
            workspace.case_by_dnr(i.diary_number) if i.diary_number and i.has_case else None
            for i in meeting.items[: len(items)]  # type: ignore[arg-type]
        ]

    sent = meeting.as_sent()
    now = kallelse_context(meeting, workspace.profile, cases(meeting.items), None, public=False)
    before = kallelse_context(sent, workspace.profile, cases(sent.items), None, public=False)
    assert _rows(now) == _rows(before)
    assert [n for n, _ in _rows(now)] == list(range(1, 17))
    supplement = tillaggslista_context(
        meeting, workspace.profile, cases(meeting.items), None, public=False
    )
    assert _rows(supplement) == [(17, "Tillfällig ersättning för extra arbetspass sommaren 2022")]
    assert supplement["tilläggsdatum"] == "2022-06-10"
    assert supplement["ingress"] == (
        "Till kallelse för Hälso- och sjukvårdsnämnden, sammanträde tisdagen den 14\xa0juni 2022"
    )


def test_the_agenda_decision_names_the_tillaggslista_items() -> None:
    organ = "Nämnden"
    assert agenda_decision(organ, [], [], [17]) == (
        "Nämnden godkänner föredragningslistan med tillägg av ärende 17 enligt tilläggslistan."
    )
    assert agenda_decision(organ, [13], ["Ny fråga"], [17, 18], lists=2) == (
        "Nämnden godkänner föredragningslistan med tillägg av ärendena 17 och 18 enligt "
        "tilläggslistorna och med ändringarna att ärende 13 utgår och att ärendet ”Ny fråga” "
        "läggs till."
    )


# --------------------------------------------------------------------------------------------
# The built example, with a secret item 18 from a second tilläggslista
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("tillagg") / "arbetsyta")
    meeting = root / MEETING
    meeting.write_text(meeting.read_text("utf-8") + SECRET_ITEM, "utf-8")
    minutes = root / "content/protokoll/2022-06-14-hsn.yaml"
    minutes.write_text(minutes.read_text("utf-8") + PARAGRAPH_18, "utf-8")
    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return root


@pytest.mark.libreoffice
def test_the_kallelse_lists_only_the_items_it_was_sent_with(built: Path) -> None:
    for sub in ("", "offentlig/"):
        for path in (built / FOLDER / f"{sub}kallelse.docx", built / FOLDER / f"{sub}kallelse.pdf"):
            text = _docx_text(path) if path.suffix == ".docx" else _pdf_text(path)
            assert "Övriga frågor" in text
            for absent in ("17.", "18.", "Tillfällig ersättning", "22HSN5106", "hyresavtal"):
                assert absent not in text, (path, absent)
    public = _docx_text(built / FOLDER / "offentlig/kallelse.docx")
    assert "Ärende 12: Upphandling – tilldelningsbeslut" in public
    assert "Ärende 18" not in public


@pytest.mark.libreoffice
def test_the_internal_tillaggslista(built: Path) -> None:
    text = _docx_text(built / FOLDER / "tilläggslista.docx")
    lines = text.splitlines()
    assert "TILLÄGGSLISTA" in lines
    assert (
        "Till kallelse för Hälso- och sjukvårdsnämnden, sammanträde tisdagen den 14 juni 2022"
        in lines
    )
    assert "Datum för tilläggslistan: 2022-06-10, 2022-06-13" in lines
    assert "Datum 2022-06-13" in text  # the header: the latest tilläggslista
    body = text[text.index("Ärenden som läggs till föredragningslistan") :]
    assert body.index("17.\tTillfällig ersättning") < body.index("18.\tFörhandling med")
    assert "Dnr 22HSN5106" in lines and "Dnr 22HSN5107" in lines
    assert "Föredragande: Nils Granlund, fastighetschef" in lines
    assert "Sekretess enligt 19 kap. 3 § OSL" in lines
    assert "Norrskensbolagets anbud på Storsjöhallen" in lines
    assert "Utelämnade handlingar" not in text
    for absent in ("Övriga frågor", "Månadsrapport", "Dnr 22HSN5101"):
        assert absent not in text
    assert "Tillfällig ersättning för extra arbetspass sommaren 2022" in _pdf_text(
        built / FOLDER / "tilläggslista.pdf"
    )


@pytest.mark.libreoffice
def test_the_public_tillaggslista_leaks_nothing_of_a_withheld_item(built: Path) -> None:
    path = built / FOLDER / "offentlig/tilläggslista.docx"
    text = _docx_text(path)
    lines = text.splitlines()
    assert "18.\tFörhandling om hyresavtal\t" in "\n".join(lines) + "\t"
    assert "Handlingarna omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte." in lines
    assert "Utelämnade handlingar" in lines
    assert "Ärende 18: Förhandling om hyresavtal (sekretess enligt 19 kap. 3 § OSL)" in lines
    assert "Tillfällig ersättning för extra arbetspass sommaren 2022" in text
    for public in (
        text,
        _pdf_text(built / FOLDER / "offentlig/tilläggslista.pdf"),
        _pdf_text(built / FOLDER / "offentlig/handlingar.pdf"),
    ):
        for secret in SECRET:
            assert secret not in public, secret


@pytest.mark.libreoffice
def test_the_tillaggslista_stands_before_the_items_it_adds(built: Path) -> None:
    """Kallelse, the sent items, the tilläggslista, the added items: every page the kallelse
    as sent refers to stays where it was (a published version's page references hold)."""
    for sub in ("", "offentlig/"):
        reader = PdfReader(built / FOLDER / f"{sub}handlingar.pdf")
        top = [
            (str(e.title), reader.get_destination_page_number(e))
            for e in reader.outline
            if not isinstance(e, list)
        ]
        titles = [t for t, _ in top]
        assert titles[:2] == [
            "Kallelse och föredragningslista",
            "Ärende 4: Månadsrapport oktober 2020 för hälso- och sjukvårdsnämnden",
        ]
        assert titles[-3] == "Tilläggslista"
        assert titles[-2].startswith("Ärende 17: Tillfällig ersättning")
        assert titles[-1] == (
            "Ärende 18: Förhandling om hyresavtal"
            if sub
            else "Ärende 18: Förhandling med Norrskensbolaget om hyresavtalet för Storsjöhallen"
        )
        kallelse_pages = len(PdfReader(built / FOLDER / f"{sub}kallelse.pdf").pages)
        supplement_pages = len(PdfReader(built / FOLDER / f"{sub}tilläggslista.pdf").pages)
        start = dict(top)["Tilläggslista"]
        assert dict(top)[titles[1]] == kallelse_pages
        assert dict(top)[titles[-2]] == start + supplement_pages
        # the last sent item's papers end right before the tilläggslista
        sent = [p for t, p in top[:-3] if t.startswith("Ärende ") and p >= kallelse_pages]
        assert max(sent) < start
        first = reader.pages[start].extract_text()
        assert "TILLÄGGSLISTA" in first
        assert f"Tilläggslista · Sida {start + 1} av {len(reader.pages)}" in first
        # the tilläggslista's page numbers are where items 17 and 18 start in this packet
        listed = _pdf_text(built / FOLDER / f"{sub}tilläggslista.pdf")
        for number in (17, 18):
            [page] = [p for t, p in top if t.startswith(f"Ärende {number}: ")]
            assert reader.page_labels[page] in [
                line.rsplit(" ", 1)[-1]
                for line in listed.splitlines()
                if line.startswith(f"{number}.")
            ], (sub, number)
            assert f"Ärende {number} · Sida {page + 1} av" in reader.pages[page].extract_text()
    for sub in ("", "offentlig/"):
        assert (built / FOLDER / f"{sub}ärende-17.pdf").is_file()
        assert (built / FOLDER / f"{sub}ärende-18.pdf").is_file()
    manifest = json.loads((built / "output/manifest.json").read_text("utf-8"))
    kinds = {f["path"]: f["kind"] for f in manifest["outputs"] if "tilläggslista" in f["path"]}
    assert kinds == {
        f"möten/2022-06-14-hsn/{sub}tilläggslista.{suffix}": "tillaggslista"
        for sub in ("", "offentlig/")
        for suffix in ("docx", "pdf")
    }


@pytest.mark.libreoffice
def test_the_protokoll_has_the_tillaggslista_items(built: Path) -> None:
    text = " ".join(_pdf_text(built / FOLDER / "protokoll.pdf").split())
    assert (
        "Hälso- och sjukvårdsnämnden godkänner föredragningslistan med tillägg av ärendena 17 "
        "och 18 enligt tilläggslistorna och med ändringen att ärende 13 utgår." in text
    )
    assert "§ 56 Tillfällig ersättning för extra arbetspass sommaren 2022" in text
    assert (
        "Hälso- och sjukvårdsnämnden godkänner en tillfällig ersättning för extra arbetspass"
        in text
    )
    assert "§ 57" in text
