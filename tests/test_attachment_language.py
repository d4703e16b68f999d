"""Converted Word/ODT attachments get the profile's language unless they chose another.

The decision is ``beslut.convert.language.attachment_language``; the UNO worker applies it
(``_uno_worker._set_language``). Real LibreOffice conversions of .docx files made with
python-docx check the catalog's /Lang, the text's language and the packet's warning.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfReader

from beslut import api
from beslut.assemble import PacketDocument, PacketItem, assemble_packet
from beslut.convert.language import (
    attachment_language,
    choose_language,
    looks_english,
    read_language_and_text,
)
from beslut.convert.libreoffice import ConversionJob, FakeConverter, LibreOfficeConverter
from conftest import CASE, PROFILE, MakeWorkspace, need_libreoffice
from test_render import copy_example_workspace

SWEDISH = (
    "Verksamhetsplanen utgår från regionplanen och budgeten för 2021. Nämnden har fastställt "
    "tretton resultatmål och fyrtiotre mätetal som ska följas upp under året. Planen innehåller "
    "också en budget med ekonomiska ramar för nämndens områden och en redovisning av de "
    "investeringar som planeras."
)
ENGLISH = (
    "The plan is based on the regional plan and the budget for 2021. The board has set out "
    "thirteen goals and the measures that will be followed up during the year. It also contains "
    "a budget with the financial limits for each of the areas of the board and a list of the "
    "investments that are planned."
)
GERMAN = (
    "Der Plan beruht auf dem regionalen Plan und dem Haushalt für das Jahr 2021. Der Ausschuss "
    "hat dreizehn Ziele festgelegt, die im Laufe des Jahres verfolgt werden. Er enthält auch "
    "einen Haushalt mit den finanziellen Rahmen für die Bereiche des Ausschusses."
)


def _set_default_language(document: Any, tag: str | None) -> None:
    """Set (or with None remove) w:docDefaults' language, as Word's templates carry it."""
    r_pr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    r_pr = r_pr.find(qn("w:rPr"))
    for lang in r_pr.findall(qn("w:lang")):
        r_pr.remove(lang)
    if tag is not None:
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), tag)
        r_pr.append(lang)


def _style_language(style: Any, tag: str) -> None:
    r_pr = style.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), tag)
    r_pr.append(lang)


def make_docx(path: Path, default: str | None, heading: str, body: str, **marked: str) -> Path:
    """A .docx with a heading and body text; ``marked`` adds runs with a language of their own
    (``{"de-DE": "Text"}``). The heading style carries the default language itself too."""
    document = docx.Document()
    _set_default_language(document, default)
    if default is not None:
        _style_language(document.styles["Heading 1"], default)
    document.add_heading(heading, level=1)
    paragraph = document.add_paragraph(body)
    for tag, text in marked.items():
        run = paragraph.add_run(" " + text)
        r_pr = run._r.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), tag.replace("_", "-"))
        r_pr.append(lang)
    document.save(str(path))
    return path


def make_odt(path: Path, language: str, country: str, body: str) -> Path:
    """A minimal ODT (enough for reading its language and text, not for LibreOffice)."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    ns = (
        f'xmlns:office="{office}" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"'
    )
    styles = (
        f"<office:document-styles {ns}><office:styles>"
        '<style:default-style style:family="paragraph">'
        f'<style:text-properties fo:language="{language}" fo:country="{country}"/>'
        "</style:default-style></office:styles></office:document-styles>"
    )
    content = (
        f"<office:document-content {ns}><office:body><office:text>"
        f"<text:p>{body}</text:p></office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("styles.xml", styles)
        archive.writestr("content.xml", content)
    path.write_bytes(buffer.getvalue())
    return path


# ------------------------------------------------------------------------------------------
# The decision (no LibreOffice)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "text", "expected"),
    [
        (None, SWEDISH, "sv-SE"),  # nothing declared: the profile's language
        ("en-US", SWEDISH, "sv-SE"),  # the application default over Swedish text
        ("en-US", GERMAN, "sv-SE"),  # the test knows English only (documented limit)
        ("en-US", ENGLISH, None),  # English declared and written: kept
        ("en-US", "Budget 2021", "sv-SE"),  # too short to call English (documented limit)
        ("de-DE", GERMAN, None),  # chosen on purpose: kept
        ("en-GB", SWEDISH, None),  # not the application default: kept, even over Swedish
        ("sv-SE", SWEDISH, None),  # already right
        ("SV-se", SWEDISH, None),
    ],
)
def test_choose_language(declared: str | None, text: str, expected: str | None) -> None:
    assert choose_language(declared, text, "sv-SE") == expected


def test_the_profile_language_is_what_is_given() -> None:
    assert choose_language("en-US", SWEDISH, "fi-FI") == "fi-FI"
    assert choose_language("fi-FI", SWEDISH, "fi-FI") is None


def test_english_is_told_from_swedish_and_mixed_text() -> None:
    assert looks_english(ENGLISH)
    assert not looks_english(SWEDISH)
    assert not looks_english(GERMAN)
    # A Swedish text quoting an English sentence is still Swedish.
    assert not looks_english(SWEDISH + " " + SWEDISH + " The board has set out the goals.")


def test_declared_language_and_text_are_read_from_docx_and_odt(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", "de-DE", "Haushalt", GERMAN)
    declared, text = read_language_and_text(path)
    assert declared == "de-DE"
    assert "Der Ausschuss" in text and "Haushalt" in text
    path = make_docx(tmp_path / "b.docx", None, "Budget", SWEDISH)
    assert read_language_and_text(path)[0] is None
    path = make_odt(tmp_path / "c.odt", "en", "US", ENGLISH)
    assert read_language_and_text(path) == ("en-US", ENGLISH)
    assert attachment_language(path, "sv-SE") is None
    path = make_odt(tmp_path / "d.odt", "en", "US", SWEDISH)
    assert attachment_language(path, "sv-SE") == "sv-SE"


def test_a_damaged_file_gets_the_profile_language(tmp_path: Path) -> None:
    path = tmp_path / "trasig.docx"
    path.write_bytes(b"not a zip")
    assert attachment_language(path, "sv-SE") == "sv-SE"


# ------------------------------------------------------------------------------------------
# Real conversions
# ------------------------------------------------------------------------------------------


def span_languages(reader: PdfReader) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every structure element that has a /Lang."""
    found: list[tuple[str, str]] = []
    seen: set[int] = set()

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, dict):
            if "/Lang" in node and "/S" in node:
                found.append((str(node["/S"]), str(node["/Lang"])))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, list):
            for kid in node:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@dataclass(frozen=True)
class Converted:
    swedish: Path
    german: Path
    english: Path
    jobs: dict[str, ConversionJob]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Converted]:
    need_libreoffice()
    folder = tmp_path_factory.mktemp("språk")
    sources = {
        "swedish": make_docx(
            folder / "svensk.docx",
            "en-US",
            "Verksamhetsplan 2021",
            SWEDISH,
            de_DE="Auf Wiedersehen",
        ),
        "german": make_docx(folder / "tysk.docx", "de-DE", "Haushaltsplan 2021", GERMAN),
        "english": make_docx(folder / "engelsk.docx", "en-US", "Business plan 2021", ENGLISH),
    }
    jobs = {
        name: ConversionJob(
            source, source.with_suffix(".pdf"), source.name, attachment_language(source, "sv-SE")
        )
        for name, source in sources.items()
    }
    with LibreOfficeConverter(workers=1) as converter:
        results = converter.convert(list(jobs.values()))
    assert [r.message for r in results if not r.ok] == []
    yield Converted(*(job.target for job in jobs.values()), jobs=jobs)


@pytest.mark.libreoffice
def test_swedish_text_under_the_application_default_becomes_swedish(converted: Converted) -> None:
    assert converted.jobs["swedish"].language == "sv-SE"
    reader = PdfReader(converted.swedish)
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
    # The heading's style carried en-US itself: changed too, so no element is marked en-US;
    # the run the author marked as German keeps its language.
    assert span_languages(reader) == [("/Span", "de-DE")]
    assert "Verksamhetsplanen utgår" in reader.pages[0].extract_text()


@pytest.mark.libreoffice
def test_a_declared_foreign_language_is_kept(converted: Converted) -> None:
    assert converted.jobs["german"].language is None
    assert PdfReader(converted.german).trailer["/Root"]["/Lang"] == "de-DE"


@pytest.mark.libreoffice
def test_english_text_declared_english_stays_english(converted: Converted) -> None:
    assert converted.jobs["english"].language is None
    reader = PdfReader(converted.english)
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    assert span_languages(reader) == []


@pytest.mark.libreoffice
def test_the_packet_warns_only_about_the_foreign_attachments(
    converted: Converted, tmp_path: Path
) -> None:
    documents = (
        PacketDocument(converted.swedish, "Bilaga 1 Verksamhetsplan"),
        PacketDocument(converted.german, "Bilaga 2 Haushaltsplan"),
        PacketDocument(converted.english, "Bilaga 3 Business plan"),
    )
    target = tmp_path / "ärende.pdf"
    result = assemble_packet(None, [PacketItem(4, "Planer", documents)], target, title="Planer")
    language_warnings = [w for w in result.warnings if "har språket" in w]
    assert language_warnings == [
        "Bilaga 2 Haushaltsplan (”tysk.pdf”, ärende 4) har språket de-DE, inte sv-SE; "
        "skärmläsare läser den delen som de-DE.",
        "Bilaga 3 Business plan (”engelsk.pdf”, ärende 4) har språket en-US, inte sv-SE; "
        "skärmläsare läser den delen som en-US.",
    ]
    reader = PdfReader(target)
    assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
    parts = sorted(lang for kind, lang in span_languages(reader) if kind == "/Part")
    assert parts == ["de-DE", "en-US"]


# ------------------------------------------------------------------------------------------
# The example
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("språk-exempel") / "arbetsyta")
    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return root / "output"


@pytest.mark.libreoffice
def test_the_example_verksamhetsplan_is_swedish(example_out: Path) -> None:
    source = Path(__file__).parents[1] / "content/bilagor/verksamhetsplan-hsn-2021.docx"
    assert read_language_and_text(source)[0] == "en-US"  # what the file itself declares
    for name in ("ärende-07.pdf", "handlingar.pdf", "offentlig/handlingar.pdf"):
        reader = PdfReader(example_out / "möten/2022-06-14-hsn" / name)
        assert "Verksamhetsplan med budget 2021" in "".join(
            page.extract_text() for page in reader.pages
        ), name
        assert reader.trailer["/Root"]["/Lang"] == "sv-SE"
        assert [lang for _kind, lang in span_languages(reader)] == [], name


# ------------------------------------------------------------------------------------------
# The profile key (fake converter: which language the build asks for)
# ------------------------------------------------------------------------------------------


def test_the_build_gives_attachments_and_packets_the_profile_language(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    from test_packet_build import _meeting_with

    root = make_workspace(
        {"content/ärenden/a.md": CASE, "content/möten/m.yaml": _meeting_with(["plan.docx"])}
    )
    (root / "content/bilagor").mkdir()
    make_docx(root / "content/bilagor/plan.docx", "en-US", "Verksamhetsplan", SWEDISH)
    (root / "content/profil.yaml").write_text("språk: fi-FI\n" + PROFILE, encoding="utf-8")
    converter = FakeConverter()
    report = api.build(root, converter=converter)
    assert report.ok, [d.format() for d in report.diagnostics]
    jobs = [job for call in converter.calls for job in call if job.source.name == "plan.docx"]
    assert [job.language for job in jobs] == ["fi-FI"]
    packet = PdfReader(root / "output/möten/m/handlingar.pdf")
    assert packet.trailer["/Root"]["/Lang"] == "fi-FI"


def test_item_pdfs_are_not_reused_across_a_change_of_language(
    make_workspace: MakeWorkspace,
) -> None:
    from test_packet_build import MEETING_OK

    root = make_workspace({"content/ärenden/a.md": CASE, "content/möten/m.yaml": MEETING_OK})
    assert api.build(root, converter=FakeConverter()).ok
    item = root / "output/möten/m/ärende-02.pdf"  # the case paper only: the same bytes
    assert PdfReader(item).trailer["/Root"]["/Lang"] == "sv-SE"
    (root / "content/profil.yaml").write_text("språk: fi-FI\n" + PROFILE, encoding="utf-8")
    assert api.build(root, converter=FakeConverter()).ok
    assert PdfReader(item).trailer["/Root"]["/Lang"] == "fi-FI"


def test_a_wrong_language_code_says_how_to_write_it(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/a.md": CASE}, profile="språk: svenska\n" + PROFILE)
    found = api.check(root)
    assert (
        "content/profil.yaml:1:8: fel: ”språk”: ”svenska” är ingen språkkod; skriv språket med "
        "små och landet med stora bokstäver, t.ex. sv-SE, fi-FI eller en-GB. [ogiltigt-värde]"
    ) in [d.format() for d in found]


@pytest.mark.libreoffice
def test_an_odt_saved_by_libreoffice_gets_the_profile_language(
    converted: Converted, tmp_path: Path
) -> None:
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    assert soffice is not None
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(tmp_path),
            str(converted.jobs["swedish"].source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    odt = tmp_path / "svensk.odt"
    assert read_language_and_text(odt)[0] == "en-US"  # LibreOffice kept the Word default
    job = ConversionJob(odt, tmp_path / "svensk.pdf", odt.name, attachment_language(odt, "sv-SE"))
    assert job.language == "sv-SE"
    with LibreOfficeConverter(workers=1) as converter:
        [result] = converter.convert([job])
    assert result.ok, result.message
    assert PdfReader(job.target).trailer["/Root"]["/Lang"] == "sv-SE"
