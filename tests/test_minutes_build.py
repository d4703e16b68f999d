"""The protokoll end to end: context, Swedish phrases, PDFs, public version and incremental builds.

The example protokoll (content/protokoll/2022-06-14-hsn.yaml) is built with the real
LibreOffice and its PDFs are opened with pypdf. The phrase functions of render/minutes.py are
tested on their own, without LibreOffice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from beslut import api
from beslut.convert.libreoffice import ConversionJob, ConversionResult, LibreOfficeConverter
from beslut.model import posting
from beslut.model.decisions import RenderedPoint
from beslut.model.minutes import Ballot, Reservation
from beslut.render.case import ProposalPart
from beslut.render.minutes import (
    SECRET_TITLE,
    UNPUBLISHED_TITLE,
    agenda_decision,
    ballot_result,
    extract_context,
    in_organ_voice,
    minutes_context,
    public_strings,
    reservation_sentence,
    section_text,
    time_span,
    withheld_strings,
)
from beslut.validate.public_minutes import leaks, pdf_pages
from beslut.validate.workspace import load_workspace
from conftest import REPO, need_libreoffice
from test_render import copy_example_workspace

MEETING_DIR = "möten/2022-06-14-hsn"
MINUTES_REL = "content/protokoll/2022-06-14-hsn.yaml"
SECRET = (
    "Upphandling av antikroppstester",
    "Kappa Diagnostik",
    "teckna avtal när avtalsspärren har löpt ut",
    "Fyra företag lämnade anbud",
    "Laboratoriemedicin",
    "22HSN5105",
)
"""Texts of § 52 (the secret upphandling): title, decision points, Sammanfattning, delges."""


def _text(path: Path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def _flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Phrases and context (no LibreOffice)
# --------------------------------------------------------------------------------------------


def test_vote_result_names_the_counts_and_what_was_decided() -> None:
    ballot = Ballot.model_validate(
        {"ja": "att ärendet avgörs i dag", "nej": "återremiss", "röster": {"A": "ja", "B": "nej"}}
    )
    assert ballot_result(ballot, "Hälso- och sjukvårdsnämnden", "A") == (
        "Med 1 ja-röst mot 1 nej-röst är röstetalet lika, och ordföranden har utslagsröst. "
        "Ordföranden röstade ja, så har nämnden beslutat att ärendet avgörs i dag."
    )
    tie = ballot_result(ballot, "Hälso- och sjukvårdsnämnden", "B (M)")
    assert "ordföranden har utslagsröst" in tie
    assert tie.endswith("så har nämnden beslutat enligt återremiss.")
    three = Ballot.model_validate(
        {
            "ja": "förvaltningens förslag",
            "nej": "avslag",
            "röster": {"A": "ja", "B": "ja", "C": "nej", "D": "avstår"},
        }
    )
    assert ballot_result(three, "Regionstyrelsen", "A") == (
        "Med 2 ja-röster mot 1 nej-röst, 1 avstår, har styrelsen beslutat enligt "
        "förvaltningens förslag."
    )


def test_reservation_sentences() -> None:
    plain = Reservation.model_validate({"av": "Per Nilsson (M), andre vice ordförande"})
    assert reservation_sentence(plain) == "Per Nilsson (M) reserverar sig mot beslutet."
    written = Reservation.model_validate(
        {"av": "Per Nilsson (M)", "skriftlig": "ja", "till_förmån_för": "eget yrkande"}
    )
    assert reservation_sentence(written, 2) == (
        "Per Nilsson (M) reserverar sig mot beslutet till förmån för eget yrkande och lämnar en "
        "skriftlig reservation, bilaga 2."
    )


def test_agenda_decision_says_what_changed() -> None:
    assert agenda_decision("Nämnden", [], []) == "Nämnden godkänner föredragningslistan."
    assert agenda_decision("Nämnden", [13], []) == (
        "Nämnden godkänner föredragningslistan med ändringen att ärende 13 utgår."
    )
    assert agenda_decision("Nämnden", [4, 13], ["Ny fråga"]) == (
        "Nämnden godkänner föredragningslistan med ändringarna att ärendena 4 och 13 utgår och "
        "att ärendet ”Ny fråga” läggs till."
    )


def test_the_beslut_is_in_the_organs_voice() -> None:
    att = ProposalPart(
        "Förslag",
        "Förvaltningens förslag",
        (RenderedPoint("att", "godkänna planen"),),
        "att-satser",
    )
    other = ProposalPart(
        "Till fullmäktige",
        "Förvaltningens förslag",
        (RenderedPoint("1.", "Regionfullmäktige antar planen."),),
        "numrerad",
        "Regionfullmäktige",
    )
    own = ProposalPart(None, "Förvaltningens förslag", (RenderedPoint("1.", "X godkänner."),))
    blocks = in_organ_voice([att, other, own], "Regionstyrelsen")
    assert [(b["rubrik"], b["inledning"]) for b in blocks] == [
        ("Förslag", "Regionstyrelsen beslutar"),
        ("Till fullmäktige", "Regionstyrelsen föreslår regionfullmäktige besluta följande:"),
        ("", ""),
    ]
    assert blocks[0]["punkter"] == [{"etikett": "att", "text": "godkänna planen", "lista": []}]
    att_other = ProposalPart(None, None, (), "att-satser", "Kommunfullmäktige")
    assert in_organ_voice([att_other], "Kommunstyrelsen")[0]["inledning"] == (
        "Kommunstyrelsen föreslår kommunfullmäktige besluta"
    )


def test_section_text_is_plain() -> None:
    body = (
        "## Sammanfattning\n\nEn *viktig* text\nmed [länk](x).\n\n- ett\n- två\n\n## Annat\n\nNej."
    )
    assert section_text(body, "Sammanfattning") == ["En viktig text med länk.", "– ett", "– två"]
    assert time_span("9:00-11.40") == "09.00–11.40"


@pytest.fixture(scope="module")
def example() -> Any:
    workspace = load_workspace(REPO)
    (document,) = workspace.minutes
    return workspace, document


def test_context_of_the_example(example: Any) -> None:
    workspace, document = example
    context = minutes_context(document, workspace, public=False)
    assert [p["nummer"] for p in context["paragrafer"]] == [f"§ {n}" for n in range(41, 57)]
    assert context["paragrafer_spann"] == "§§ 41–56"
    rows = dict(map(tuple, context["anslag"]["rader"]))
    dates = posting.posting_dates(date(2022, 6, 21))
    assert rows["Datum för anslags uppsättande"] == "2022-06-21"
    assert rows["Sista dag för överklagande"] == dates.last_appeal_day.isoformat() == "2022-07-12"
    assert rows["Datum för anslags nedtagande"] == dates.taken_down.isoformat() == "2022-07-13"
    assert rows["Förvaringsplats för protokollet"] == "Regionkansliet"
    present = {p["namn"]: p for p in context["närvaro"]["beslutande"]}
    assert "Jonas Ek (SD)" not in present
    # away for items 15 and 16 (§§ 54–55), back for the tilläggslista's item 17 (§ 56)
    assert present["Per Nilsson (M)"]["anmärkning"] == "§§ 41–53, 56"
    assert present["Gilbert Tribo (L)"]["roll"] == "ordförande"
    assert context["närvaro"]["tjänstgörande_ersättare"] == [
        {"namn": "Emma Strand (V)", "ersätter": "Jonas Ek (SD)", "anmärkning": ""}
    ]
    assert "Karin Lindberg, ekonomidirektör, § 44" in context["närvaro"]["övriga"]
    by_number = {p["nummer"]: p for p in context["paragrafer"]}
    # the case's förslag, word for word, without the förvaltning's lead-in
    beslut_44 = by_number["§ 44"]["beslut"]["block"]
    assert beslut_44[0]["inledning"] == ""
    assert beslut_44[0]["punkter"][0]["text"] == (
        "Hälso- och sjukvårdsnämnden godkänner månadsrapporten för oktober 2020."
    )
    assert by_number["§ 44"]["text"][0].startswith("Avvikelsen mot budget")
    # the Sammanfattning's list of the beslutsunderlag is not repeated in the § text
    assert by_number["§ 50"]["text"] == by_number["§ 50"]["text"][:1]
    assert by_number["§ 50"]["text"][0].startswith("Regionfullmäktige fastställde 2020-04-16")
    assert by_number["§ 44"]["delges"] == [
        "Regionstyrelsen",
        "Regiondirektören",
        "Hälso- och sjukvårdsdirektören",
    ]
    # the changed beslut of § 47
    points = [p["text"] for p in by_number["§ 47"]["beslut"]["block"][0]["punkter"]]
    assert points[1].startswith("Hälso- och sjukvårdsnämnden fastställer att avsnittet")
    assert by_number["§ 52"]["sekretess"] == "Sekretess enligt 19 kap. 3 § OSL"
    assert by_number["§ 42"]["beslut"]["block"][0]["punkter"][0]["text"] == (
        "Hälso- och sjukvårdsnämnden godkänner föredragningslistan med tillägg av ärende 17 "
        "enligt tilläggslistan och med ändringen att ärende 13 utgår."
    )
    # item 17, from the tilläggslista, is § 56 with its case's förslag as the beslut
    assert by_number["§ 56"]["rubrik"] == "Tillfällig ersättning för extra arbetspass sommaren 2022"
    assert by_number["§ 56"]["beslut"]["block"][0]["punkter"][0]["text"].startswith(
        "Hälso- och sjukvårdsnämnden godkänner en tillfällig ersättning"
    )
    utdrag = extract_context(document, workspace, document.paragraphs[10])
    assert [p["nummer"] for p in utdrag["paragrafer"]] == ["§ 51"]
    assert utdrag["utdragsbestyrkande"]["text"] == "Rätt utdraget intygar"


def test_public_context_has_nothing_of_the_secret_paragraph(example: Any) -> None:
    workspace, document = example
    public = minutes_context(document, workspace, public=True)
    text = "\n".join(public_strings(public))
    for secret in SECRET:
        assert secret not in text
    (hidden,) = [p for p in public["paragrafer"] if p["dold"]]
    assert hidden["nummer"] == "§ 52"
    assert hidden["rubrik"] == "Upphandling – tilldelningsbeslut"
    assert public["innehåll"][11] == {
        "nummer": "§ 52",
        "rubrik": "Upphandling – tilldelningsbeslut",
    }
    assert hidden["dold"] == (
        "Paragrafen omfattas av sekretess enligt 19 kap. 3 § OSL och publiceras inte."
    )
    assert withheld_strings(document, workspace)[0] == (
        "Upphandling av antikroppstester – tilldelningsbeslut"
    )


def test_a_withheld_paragraph_without_public_title_gets_a_neutral_one(
    example: Any, tmp_path: Path
) -> None:
    root = copy_example_workspace(tmp_path / "ws")
    meeting = root / "content" / "möten" / "2022-06-14-hsn.yaml"
    meeting.write_text(
        meeting.read_text("utf-8").replace(
            "    offentlig_rubrik: Upphandling – tilldelningsbeslut\n", ""
        ),
        encoding="utf-8",
    )
    workspace = load_workspace(root)
    (document,) = workspace.minutes
    public = minutes_context(document, workspace, public=True)
    assert public["paragrafer"][11]["rubrik"] == SECRET_TITLE


# --------------------------------------------------------------------------------------------
# The built example (LibreOffice)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("protokoll") / "arbetsyta")
    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return root


@pytest.mark.libreoffice
def test_the_protokoll_pdf(built: Path) -> None:
    folder = built / "output" / MEETING_DIR
    text = _text(folder / "protokoll.pdf")
    flat = _flat(text)
    for label in ("Plats och tid", "Beslutande", "Tjänstgörande ersättare", "Justerare"):
        assert label in text
    assert "Emma Strand (V) ersätter Jonas Ek (SD)" in flat
    # a member away for some items: the §§ after the role, with a comma
    assert "Per Nilsson (M), andre vice ordförande, §§ 41–53, 56" in flat
    # the header's date is the meeting's, so labelled, on every page (and once in the anslag)
    pages = len(PdfReader(folder / "protokoll.pdf").pages)
    assert flat.count("Sammanträdesdatum 2022-06-14") == pages + 1
    headings = [int(n) for n in re.findall(r"^§ (\d+) \S", text, re.MULTILINE)]
    body = headings[headings.index(41, 1) :] if headings.count(41) > 1 else headings
    assert body == list(range(41, 57))
    assert (
        "Med 4 ja-röster mot 2 nej-röster, 1 avstår, har nämnden beslutat att ärendet avgörs i dag."
        in flat
    )
    assert (
        "Per Nilsson (M) reserverar sig mot beslutet till förmån för eget yrkande om återremiss "
        "och lämnar en skriftlig reservation, bilaga 1." in flat
    )
    assert (
        "fastställer att avsnittet om investeringar i verksamhetsplanen gäller till dess att "
        "regionstyrelsen har beslutat om investeringsbudget på objektsnivå." in flat
    )
    assert "Karin Håkansson (C) anmäler jäv och deltar inte i handläggningen av ärendet." in flat
    assert "Datum för anslags uppsättande 2022-06-21" in flat
    assert "Sista dag för överklagande 2022-07-12" in flat
    assert "Datum för anslags nedtagande 2022-07-13" in flat
    # the internal protokoll has the secret § itself
    assert "Kappa Diagnostik AB" in flat
    assert "Sekretess enligt 19 kap. 3 § OSL" in flat
    reader = PdfReader(folder / "protokoll.pdf")
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any(t.startswith("§ 47") for t in titles), titles


@pytest.mark.libreoffice
def test_every_protokoll_pdf_is_pdfa_tagged_and_swedish(built: Path) -> None:
    folder = built / "output" / MEETING_DIR
    names = ["protokoll.pdf", "offentlig/protokoll.pdf", "protokollsutdrag/paragraf-47.pdf"]
    for name in names:
        reader = PdfReader(folder / name)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "sv-SE", name
        assert "/StructTreeRoot" in root, name
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"pdfaid:part[>=\"']+2", xmp), name
        assert re.search(r"pdfaid:conformance[>=\"']+B", xmp), name


@pytest.mark.libreoffice
def test_one_utdrag_per_paragraph(built: Path) -> None:
    folder = built / "output" / MEETING_DIR / "protokollsutdrag"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"paragraf-{n}.pdf" for n in range(41, 57)
    )
    for number in range(41, 57):
        text = _flat(_text(folder / f"paragraf-{number}.pdf"))
        assert f"§ {number} " in text
        assert "PROTOKOLLSUTDRAG" in text
        assert "Rätt utdraget intygar" in text
        assert "Sara Ekström, nämndsekreterare, 2022-06-21" in text
        # no heading of another § of this protokoll (a case text may cite "§ 33 Målbild …")
        others = {int(n) for n in re.findall(r"§ (\d+) [A-ZÅÄÖ]", text)} - {number}
        others &= set(range(41, 57))
        assert not others, (number, others)


@pytest.mark.libreoffice
def test_the_public_protokoll_has_the_notice_instead_of_the_secret_paragraph(built: Path) -> None:
    text = _flat(_text(built / "output" / MEETING_DIR / "offentlig" / "protokoll.pdf"))
    for secret in SECRET:
        assert secret not in text, secret
    assert (
        "§ 52 Upphandling – tilldelningsbeslut Paragrafen omfattas av sekretess enligt 19 kap. "
        "3 § OSL och publiceras inte." in text
    )
    assert "§ 51 Omställning för en hållbar ekonomi" in text  # the others are there


@pytest.mark.libreoffice
def test_the_manifest_lists_the_protokoll_kinds(built: Path) -> None:
    manifest = json.loads((built / "output" / "manifest.json").read_text("utf-8"))
    entries = manifest["outputs"]
    kinds = {e["path"]: e["kind"] for e in entries if e["source"] == MINUTES_REL}
    assert kinds[f"{MEETING_DIR}/protokoll.pdf"] == "protokoll"
    assert kinds[f"{MEETING_DIR}/protokoll.docx"] == "protokoll"
    assert kinds[f"{MEETING_DIR}/offentlig/protokoll.pdf"] == "protokoll-offentligt"
    assert kinds[f"{MEETING_DIR}/protokollsutdrag/paragraf-52.pdf"] == "protokollsutdrag"
    assert len(kinds) == 3 + 16


# --------------------------------------------------------------------------------------------
# Incremental builds and the public protokoll's check
# --------------------------------------------------------------------------------------------


class CountingConverter:
    """The real converter, recording the label of every document it converts."""

    def __init__(self, inner: LibreOfficeConverter) -> None:
        self.inner = inner
        self.labels: list[str] = []

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        self.labels.extend(job.label for job in jobs)
        return self.inner.convert(jobs)

    def close(self) -> None:
        return None

    def protokoll_labels(self) -> list[str]:
        return sorted(label for label in self.labels if label.startswith(MINUTES_REL))


@pytest.fixture(scope="module")
def converter() -> Iterator[CountingConverter]:
    need_libreoffice()
    inner = LibreOfficeConverter()
    try:
        yield CountingConverter(inner)
    finally:
        inner.close()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.libreoffice
def test_editing_one_paragraph_converts_the_protokoll_and_that_utdrag_only(
    tmp_path: Path, converter: CountingConverter
) -> None:
    root = copy_example_workspace(tmp_path / "ws")
    first = api.build(root, converter=converter)
    assert first.ok, [d.format() for d in first.diagnostics]
    assert len(converter.protokoll_labels()) == 2 + 16
    minutes = root / "content" / "protokoll" / "2022-06-14-hsn.yaml"
    # 1. an edit of § 47 (agenda item 7): the two protokoll and utdrag 47
    converter.labels.clear()
    _edit(
        minutes,
        "finner att nämnden beslutar enligt ändringsyrkandet.",
        "finner att nämnden bifaller ändringsyrkandet.",
    )
    report = api.build(root, converter=converter)
    assert report.ok
    assert MINUTES_REL in report.changed
    assert MEETING_DIR.replace("möten/", "content/möten/") + ".yaml" not in report.changed
    assert converter.protokoll_labels() == sorted(
        [
            f"{MINUTES_REL} (Protokoll Hälso- och sjukvårdsnämnden 2022-06-14)",
            f"{MINUTES_REL} (Protokoll Hälso- och sjukvårdsnämnden 2022-06-14 (offentlig version))",
            f"{MINUTES_REL} (Protokollsutdrag § 47 Hälso- och sjukvårdsnämnden 2022-06-14)",
        ]
    )
    utdrag = _flat(_text(root / "output" / MEETING_DIR / "protokollsutdrag" / "paragraf-47.pdf"))
    assert "finner att nämnden bifaller ändringsyrkandet." in utdrag
    # 2. a case that is not in the protokoll: the protokoll is not built
    converter.labels.clear()
    _edit(
        root / "content" / "ärenden" / "KS-2025-118-handlingsplan-klarspråk.md",
        "## Sammanfattning\n",
        "## Sammanfattning\n\nEn ny mening.\n",
    )
    report = api.build(root, converter=converter)
    assert report.ok
    assert MINUTES_REL in report.unchanged
    assert converter.protokoll_labels() == []
    # 3. the förslag of a case in it (§ 44): protokoll and utdrag 44, but no other utdrag
    converter.labels.clear()
    _edit(
        root / "content" / "ärenden" / "22HSN5101-månadsrapport-oktober-2020.md",
        "godkänner månadsrapporten för oktober 2020",
        "godkänner månadsrapporten för oktober 2020 med ändringar",
    )
    report = api.build(root, converter=converter)
    assert report.ok
    assert MINUTES_REL in report.changed
    assert [label for label in converter.protokoll_labels() if "Protokollsutdrag" in label] == [
        f"{MINUTES_REL} (Protokollsutdrag § 44 Hälso- och sjukvårdsnämnden 2022-06-14)"
    ]
    text = _flat(_text(root / "output" / MEETING_DIR / "protokoll.pdf"))
    assert "godkänner månadsrapporten för oktober 2020 med ändringar." in text


@pytest.mark.libreoffice
def test_a_personnummer_or_secret_text_keeps_the_public_protokoll_back(
    tmp_path: Path, converter: CountingConverter
) -> None:
    root = copy_example_workspace(tmp_path / "ws")
    minutes = root / "content" / "protokoll" / "2022-06-14-hsn.yaml"
    _edit(
        minutes,
        "    text: Uppföljningen av planen för intern kontroll 2020 redovisades muntligt vid "
        "sammanträdet.",
        "    text: Uppföljningen redovisades av 19121212-1212. Förvaltningen har upphandlat "
        "antikroppstester för covid-19.",
    )
    report = api.build(root, converter=converter)
    leaks = [d for d in report.diagnostics if d.code == "protokoll-läcker"]
    assert not report.ok
    messages = [d.message for d in leaks]
    assert any("ett personnummer (”19121212-XXXX”) i § 48" in m for m in messages), messages
    assert any(
        "texten ”Förvaltningen har upphandlat antikroppstester för covid-19.” ur en paragraf som "
        "inte publiceras i § 48" in m
        for m in messages
    ), messages
    assert {(d.path, d.line) for d in leaks} == {(MINUTES_REL, 44)}
    folder = root / "output" / MEETING_DIR
    assert not (folder / "offentlig" / "protokoll.pdf").exists()
    assert (folder / "protokoll.pdf").is_file()  # the internal protokoll is published
    published = {o.path for o in report.outputs}
    assert f"{MEETING_DIR}/offentlig/protokoll.pdf" not in published
    assert f"{MEETING_DIR}/protokollsutdrag/paragraf-48.pdf" in published


@pytest.mark.libreoffice
def test_a_failed_case_stops_the_protokoll(tmp_path: Path, converter: CountingConverter) -> None:
    root = copy_example_workspace(tmp_path / "ws")
    _edit(
        root / "content" / "ärenden" / "22HSN5104-verksamhetsplan-budget-2021.md",
        "stil: numrerad",
        "stil: okänd",
    )
    report = api.build(root, converter=converter)
    assert MINUTES_REL in report.failed
    assert not (root / "output" / MEETING_DIR / "protokoll.pdf").exists()
    assert any(
        d.code == "protokoll-underlag-fel" and d.path == MINUTES_REL for d in report.diagnostics
    )


def test_a_docx_only_build_makes_the_protokoll_docx(tmp_path: Path) -> None:
    root = copy_example_workspace(tmp_path / "ws")
    report = api.build(root, formats=("docx",))
    assert report.ok, [d.format() for d in report.diagnostics]
    made = {o.path: o.kind for o in report.outputs if o.source == MINUTES_REL}
    assert made == {f"{MEETING_DIR}/protokoll.docx": "protokoll"}
    document = docx.Document(str(root / "output" / MEETING_DIR / "protokoll.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert (
        "Hälso- och sjukvårdsnämnden godkänner föredragningslistan med tillägg av ärende 17 "
        "enligt tilläggslistan och med ändringen att ärende 13 utgår." in text
    )
    assert document.core_properties.language == "sv-SE"
    assert document.core_properties.title == "Protokoll Hälso- och sjukvårdsnämnden 2022-06-14"


@pytest.mark.libreoffice
def test_the_pdf_check_finds_withheld_text_across_line_breaks(built: Path) -> None:
    """The check the build runs on the public protokoll's PDF: it finds § 52's texts in the
    internal protokoll (wrapped over lines by LibreOffice) and nothing in the public one."""
    workspace = load_workspace(built)
    (document,) = workspace.minutes
    withheld = withheld_strings(document, workspace)
    folder = built / "output" / MEETING_DIR
    internal = [
        hit for page in pdf_pages(folder / "protokoll.pdf") for hit in leaks(page, withheld)
    ]
    assert any("Förvaltningen har upphandlat antikroppstester" in hit for hit in internal)
    assert any("”Hälso- och sjukvårdsnämnden uppdrar åt hälso-" in hit for hit in internal)
    assert any(
        "”Utvärderingsprotokoll, upphandling av antikroppstester”" in hit for hit in internal
    )
    assert [
        leaks(page, withheld) for page in pdf_pages(folder / "offentlig" / "protokoll.pdf")
    ] == [[] for _ in PdfReader(folder / "offentlig" / "protokoll.pdf").pages]


def test_immediate_justering_notes_added_items_and_overrides(tmp_path: Path) -> None:
    root = copy_example_workspace(tmp_path / "ws")
    minutes = root / "content" / "protokoll" / "2022-06-14-hsn.yaml"
    _edit(
        minutes,
        "  - ärende: 10\n",
        "  - ärende: 10\n"
        "    omedelbar_justering: ja\n"
        "    protokollsanteckningar:\n"
        "      - av: Anna Berglund (S)\n"
        "        text: Planen behöver följas upp under hösten.\n"
        "    delges: [Regiondirektören]\n"
        "  - tillagt: ja\n"
        "    efter: 10\n"
        "    rubrik: Yttrande över remiss om vårdval\n"
        "    beslut:\n"
        "      stil: att-satser\n"
        "      beslutspunkter: [lämna yttrande enligt förvaltningens förslag]\n"
        "  - ärende: 16\n"
        "    text: Elin Forsberg (MP) frågar om sommarens bemanning.\n"
        "    beslut:\n"
        "      stil: onumrerad\n"
        "      beslutspunkter: [Hälso- och sjukvårdsnämnden noterar frågan]\n",
    )
    workspace = load_workspace(root)
    (document,) = workspace.minutes
    context = minutes_context(document, workspace, public=False)
    by_title = {p["rubrik"]: p for p in context["paragrafer"]}
    plan = context["paragrafer"][9]
    assert plan["nummer"] == "§ 50"
    assert plan["omedelbart_justerad"] == "Paragrafen justerades omedelbart."
    assert plan["protokollsanteckningar"] == [
        "Anna Berglund (S) lämnar följande protokollsanteckning: "
        "”Planen behöver följas upp under hösten.”"
    ]
    assert plan["delges"] == ["Regiondirektören"]
    added = by_title["Yttrande över remiss om vårdval"]
    assert added["nummer"] == "§ 51"
    assert added["beslut"]["block"][0]["inledning"] == "Hälso- och sjukvårdsnämnden beslutar"
    assert added["beslut"]["block"][0]["punkter"][0]["etikett"] == "att"
    agenda = context["paragrafer"][1]["beslut"]["block"][0]["punkter"][0]["text"]
    assert agenda == (
        "Hälso- och sjukvårdsnämnden godkänner föredragningslistan med tillägg av ärende 17 "
        "enligt tilläggslistan och med ändringarna att ärende 13 utgår och att ärendet "
        "”Yttrande över remiss om vårdval” läggs till."
    )
    other = by_title["Övriga frågor"]
    assert other["text"] == ["Elin Forsberg (MP) frågar om sommarens bemanning."]
    assert other["beslut"]["block"][0]["punkter"][0]["text"] == (
        "Hälso- och sjukvårdsnämnden noterar frågan."
    )


def test_a_not_published_paragraph_with_common_words_is_no_leak(tmp_path: Path) -> None:
    """§ 44 not published: its recipients ("Hälso- och sjukvårdsdirektören") recur inside other
    §§' sentences, which is no leak; its own sentences are still found."""
    root = copy_example_workspace(tmp_path / "ws")
    _edit(
        root / "content" / "möten" / "2022-06-14-hsn.yaml",
        "    diarienummer: 22HSN5101\n",
        "    diarienummer: 22HSN5101\n    publiceras_inte: true\n",
    )
    workspace = load_workspace(root)
    (document,) = workspace.minutes
    withheld = withheld_strings(document, workspace)
    assert "Hälso- och sjukvårdsdirektören" in withheld  # listed, but too short to compare
    public = minutes_context(document, workspace, public=True)
    assert [leaks("\n".join(public_strings(p)), withheld) for p in public["paragrafer"]] == [
        [] for _ in public["paragrafer"]
    ]
    assert public["paragrafer"][3]["dold"] == (
        "Paragrafen publiceras inte på webben. Den kan begäras ut från registraturen."
    )
    assert public["paragrafer"][3]["rubrik"] == UNPUBLISHED_TITLE
    internal = minutes_context(document, workspace, public=False)
    assert leaks("\n".join(public_strings(internal["paragrafer"][3])), withheld)
