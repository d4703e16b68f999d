"""Whole builds with the real LibreOffice: PDF/A-2b, tagging, text and faults.

The repository's example workspace (a copy) is built once per module with docx and pdf. Every
test is marked ``libreoffice``; ``require_libreoffice`` skips them without LibreOffice and fails
them in CI.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject

from beslut import api
from beslut.cli.main import cli
from beslut.convert.libreoffice import INSTALL_HINT, LibreOfficeConverter
from beslut.pipeline import BuildReport
from conftest import CASE, MakeWorkspace, need
from test_render import (
    BY_STEM,
    DIREKTIV,
    DIREKTIV_CASE,
    EXAMPLES,
    FOOTER,
    OK_CASE,
    Example,
    copy_example_workspace,
    generated_headings,
    markdown_headings,
)

pytestmark = [pytest.mark.libreoffice, pytest.mark.usefixtures("require_libreoffice")]

example_params = pytest.mark.parametrize("example", EXAMPLES, ids=[e.dnr for e in EXAMPLES])


@dataclass(frozen=True)
class Built:
    root: Path
    out: Path
    report: BuildReport

    def path(self, example: Example, kind: str) -> Path:
        return self.out / "ärenden" / f"{example.stem}.{kind}"

    def pdf(self, example: Example) -> PdfReader:
        return PdfReader(self.path(example, "pdf"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, require_libreoffice_module: None) -> Built:
    root = copy_example_workspace(tmp_path_factory.mktemp("pdf") / "arbetsyta")
    out = root.parent / "utdata"
    report = api.build(root, out_dir=out, formats=("docx", "pdf"))
    sources = {e.source for e in EXAMPLES}
    ours = [d for d in report.diagnostics if d.path in sources]
    assert [d.format() for d in ours] == []  # the attachments are PDF/A: no paket-ej-pdfa either
    assert report.messages == ()
    return Built(root, out, report)


def normalised(text: str) -> str:
    """Whitespace (line breaks, tabs, no-break spaces) as single spaces; soft hyphens removed."""
    text = text.replace("\u00ad-\n", "").replace("\u00ad", "")
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def fonts_without_embedding(reader: PdfReader) -> list[str]:
    missing: list[str] = []
    for page in reader.pages:
        resources = resolve(page.get("/Resources")) or DictionaryObject()
        fonts = resolve(resources.get("/Font")) or DictionaryObject()
        for name, ref in fonts.items():
            font = resolve(ref)
            if font.get("/Subtype") == "/Type3":
                continue
            if font.get("/Subtype") == "/Type0":
                font = resolve(resolve(font["/DescendantFonts"])[0])
            descriptor = resolve(font.get("/FontDescriptor")) or DictionaryObject()
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(f"{name} {font.get('/BaseFont')}")
    return missing


def outline(reader: PdfReader) -> list[tuple[int, str]]:
    """The bookmarks as (level, title), level 1 at the top."""
    found: list[tuple[int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title)))

    walk(reader.outline, 1)
    return found


def marked_text(reader: PdfReader, page: int) -> list[tuple[bool, str]]:
    """Text pieces of a page, each with whether it is inside ``/Artifact`` marked content."""
    stack: list[str] = []
    pieces: list[tuple[bool, str]] = []

    def before(operator: bytes, operands: list[Any], cm: Any, tm: Any) -> None:
        if operator in (b"BMC", b"BDC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if value.strip():
            pieces.append(("/Artifact" in stack, value))

    reader.pages[page].extract_text(visitor_operand_before=before, visitor_text=text)
    return pieces


# ------------------------------------------------------------------------------------------
# PDF properties
# ------------------------------------------------------------------------------------------


@example_params
def test_pdf_is_pdfa2b_tagged_pdfua_swedish_and_titled(built: Built, example: Example) -> None:
    reader = built.pdf(example)
    assert not reader.is_encrypted
    root: Any = reader.root_object
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"<pdfaid:part>2</pdfaid:part>|pdfaid:part=\"2\"", xmp), xmp
    assert re.search(r"<pdfaid:conformance>B</pdfaid:conformance>|pdfaid:conformance=\"B\"", xmp)
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>|pdfuaid:part=\"1\"", xmp), xmp
    title = re.search(r"<dc:title>.*?<rdf:li[^>]*>(.*?)</rdf:li>", xmp, re.DOTALL)
    assert title is not None and title.group(1) == example.title
    intents = resolve(root["/OutputIntents"])
    assert len(intents) >= 1 and resolve(intents[0])["/S"] == "/GTS_PDFA1"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert root["/Lang"] == "sv-SE"
    assert reader.metadata is not None and reader.metadata.title == example.title
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == BooleanObject(True)
    assert fonts_without_embedding(reader) == []


@example_params
def test_pdf_bookmarks_are_the_headings(built: Built, example: Example) -> None:
    expected = markdown_headings(built.root / example.source)
    generated = generated_headings(example)
    assert outline(built.pdf(example)) == expected + generated


@example_params
def test_headers_and_footers_are_artifacts(built: Built, example: Example) -> None:
    """LibreOffice 7.4 writes page headers and footers inside ``/Artifact BMC … EMC``."""
    reader = built.pdf(example)
    pages = len(reader.pages)
    header = {
        *(() if example.seed_003_header else ("Region Skåne", "Regionkansliet")),
        example.label,
        f"Datum {example.date.isoformat()}",
        example.organ,
        f"{example.number_label} {example.dnr}",
    }
    footer = {part for line in FOOTER for part in line.split("\t")}
    for page in range(pages):
        pieces = marked_text(reader, page)
        artifacts = [t.strip() for artifact, t in pieces if artifact]
        content = [t.strip() for artifact, t in pieces if not artifact]
        assert header <= set(artifacts), (page, artifacts)
        assert not header & set(content), (page, content)
        # page number as "2 (4)": PAGE and NUMPAGES were updated when the PDF was written
        assert f"{page + 1}({pages})" in "".join(artifacts).replace(" ", "")
        if page == 0:
            assert footer <= set(artifacts)
            assert not footer & set(content)
            assert example.title.startswith(content[0])  # the title is real content
        else:
            assert not footer & set(artifacts)  # the address block is on page 1 only


@example_params
def test_pdf_text_has_the_decision_points_word_for_word(built: Built, example: Example) -> None:
    text = normalised("\n".join(page.extract_text() for page in built.pdf(example).pages))
    assert normalised(example.lead_in) in text
    for point in example.points:
        assert normalised(point) in text
    if example.seed_003_header:  # no metadata block; the number is in the header
        assert f"Ärendenummer {example.dnr}" in text and "Diarienummer" not in text
    else:
        assert f"Diarienummer: {example.dnr}" in text


@example_params
def test_every_page_header_shows_page_of_total(built: Built, example: Example) -> None:
    """PAGE/NUMPAGES come out right on every page (no field refresh is done before export)."""
    pages = built.pdf(example).pages
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"\b{number}\s\({len(pages)}\)", page.extract_text()), number


def test_pdf_of_seed_003_ends_with_the_signatures(built: Built) -> None:
    reader = built.pdf(BY_STEM["2020-POL000027-förändrings-och-genomförandeplan"])
    last = normalised(reader.pages[-1].extract_text())
    assert "Gilbert Tribo" in last and "Ordförande" in last
    assert "Pia Lundbom" in last and "Hälso- och sjukvårdsdirektör" in last


def test_manifest_lists_docx_and_pdf_for_every_example(built: Built) -> None:
    manifest = json.loads((built.out / "manifest.json").read_text("utf-8"))
    kinds = {(e["source"], e["kind"]): e["path"] for e in manifest["outputs"]}
    for example in EXAMPLES:
        for kind in ("docx", "pdf"):
            assert kinds[(example.source, kind)] == f"ärenden/{example.stem}.{kind}"


# ------------------------------------------------------------------------------------------
# An independent reader
# ------------------------------------------------------------------------------------------


@example_params
def test_docx_opens_in_pandoc(built: Built, example: Example) -> None:
    pandoc = shutil.which("pandoc")
    need(pandoc is not None, "pandoc")
    assert pandoc is not None
    result = subprocess.run(
        [
            pandoc,
            "-f",
            "docx",
            "-t",
            "plain",
            "-s",
            "--wrap=none",
            str(built.path(example, "docx")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    text = normalised(result.stdout)
    assert text.startswith(normalised(example.title))  # pandoc reads the Title style as title
    # pandoc keeps the tab between label and text as a space
    assert normalised(example.points[-1]) in text


# ------------------------------------------------------------------------------------------
# Formats, missing LibreOffice, a hanging conversion
# ------------------------------------------------------------------------------------------


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purposes
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_format_docx_writes_no_pdf_and_format_pdf_only_pdf(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    root = make_workspace({OK_CASE: CASE, DIREKTIV_CASE: DIREKTIV})
    code, _, err = run("build", str(root), "-o", str(tmp_path / "docx"), "--format", "docx")
    assert code == 0, err
    files = sorted(
        p.relative_to(tmp_path / "docx").as_posix() for p in (tmp_path / "docx").rglob("*.*")
    )
    assert files == ["manifest.json", "ärenden/direktiv.docx", "ärenden/ok.docx"]
    manifest = json.loads((tmp_path / "docx" / "manifest.json").read_text("utf-8"))
    assert {e["kind"] for e in manifest["outputs"]} == {"docx"}

    code, _, err = run("build", str(root), "-o", str(tmp_path / "pdf"), "--format", "pdf")
    assert code == 0, err
    files = sorted(
        p.relative_to(tmp_path / "pdf").as_posix() for p in (tmp_path / "pdf").rglob("*.*")
    )
    assert files == ["manifest.json", "ärenden/direktiv.pdf", "ärenden/ok.pdf"]
    manifest = json.loads((tmp_path / "pdf" / "manifest.json").read_text("utf-8"))
    assert [(e["source"], e["kind"]) for e in manifest["outputs"]] == [
        (DIREKTIV_CASE, "pdf"),
        (OK_CASE, "pdf"),
    ]
    reader = PdfReader(tmp_path / "pdf" / "ärenden" / "ok.pdf")
    assert "1. Hälso- och sjukvårdsnämnden godkänner planen." in normalised(
        reader.pages[0].extract_text()
    )


def test_missing_libreoffice_says_what_to_install_and_publishes_nothing_half(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    root = make_workspace({OK_CASE: CASE})
    empty = tmp_path / "tom-path"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}  # no soffice anywhere on PATH
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "build", str(root), "-o", str(tmp_path / "ut")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    # what the build does, as it starts each step: LibreOffice never starts
    assert lines[:2] == ["beslut: läser innehållet…", "beslut: publicerar…"], lines
    lines = [line for line in lines if not line.endswith("…")]
    assert lines[0] == (
        f"beslut: {INSTALL_HINT} Inga ändrade handlingar publicerades (de tidigare finns "
        "kvar); bygg med --format docx om du bara behöver Word-filerna."
    )
    assert "sudo apt-get install -y libreoffice-writer-nogui python3-uno" in lines[0]
    assert lines[1] == (
        "beslut: 1 kunde inte byggas och publicerades inte; det som publicerats tidigare av dem "
        f"finns kvar: {OK_CASE}"
    )
    assert lines[2].startswith("beslut: 0 ändrade, 0 oförändrade · ")
    assert len(lines) == 3
    assert not list((tmp_path / "ut").rglob("*.pdf"))
    assert not list((tmp_path / "ut").rglob("*.docx"))
    # the Word files alone, on request
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "beslut",
            "build",
            str(root),
            "-o",
            str(tmp_path / "ut"),
            "--format",
            "docx",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert docx.Document(str(tmp_path / "ut" / "ärenden" / "ok.docx")).paragraphs[0].text == (
        "Ett ärende om åtgärder"
    )


FAKE_WORKER = """\
import json
import os
import signal
import sys

from pypdf import PdfWriter

office = int(sys.argv[sys.argv.index("--office-pgid") + 1])
print(json.dumps({"event": "ready", "pid": os.getpid()}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    if job.get("cmd") == "quit":  # as the real worker: LibreOffice is told to terminate
        os.killpg(office, signal.SIGTERM)
        break
    if job["source"].endswith(%(hang)r):
        continue  # LibreOffice "hangs" on this document: no answer, ever
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(job["target"], "wb") as handle:
        writer.write(handle)
    print(json.dumps({"id": job["id"], "ok": True}), flush=True)
"""


@pytest.fixture
def hanging_converter(tmp_path: Path) -> Iterator[tuple[LibreOfficeConverter, Path]]:
    """A converter whose soffice never exits and whose UNO client never answers for
    ``direktiv.docx``; it converts every other document to a blank page at once."""
    soffice = tmp_path / "fake-soffice"
    soffice.write_text(f'#!/bin/sh\necho $$ >> "{tmp_path}/pids.txt"\nexec sleep 600\n', "utf-8")
    worker = tmp_path / "fake_worker.py"
    worker.write_text(FAKE_WORKER % {"hang": "direktiv.docx"}, "utf-8")
    python = tmp_path / "fake-python"
    python.write_text(
        '#!/bin/sh\nif [ "$2" = "-c" ]; then exit 0; fi  # the check for the uno module\n'
        f'exec "{sys.executable}" "{worker}" "$@"\n',
        "utf-8",
    )
    for script in (soffice, python):
        script.chmod(0o755)
    converter = LibreOfficeConverter(workers=2, timeout=2, soffice=str(soffice), python=str(python))
    with converter:
        yield converter, tmp_path / "pids.txt"


def test_hanging_conversion_is_killed_reported_and_the_rest_finishes(
    make_workspace: MakeWorkspace,
    tmp_path: Path,
    hanging_converter: tuple[LibreOfficeConverter, Path],
) -> None:
    converter, pids = hanging_converter
    root = make_workspace({OK_CASE: CASE, DIREKTIV_CASE: DIREKTIV})
    out = tmp_path / "ut"
    started = time.monotonic()
    report = api.build(root, out_dir=out, formats=("docx", "pdf"), converter=converter)
    elapsed = time.monotonic() - started
    assert elapsed < 15
    assert not report.ok
    [problem] = [d for d in report.diagnostics if d.level.value == "fel"]
    assert problem.path == DIREKTIV_CASE
    assert problem.code == "pdf-fel"
    assert problem.message.endswith(
        "konverteringen till PDF avbröts efter 2 s (LibreOffice svarade inte)."
    )
    assert DIREKTIV_CASE in problem.format()
    assert (out / "ärenden" / "ok.pdf").is_file()
    assert not (out / "ärenden" / "direktiv.pdf").exists()
    # a unit is published whole or not at all: no .docx without its PDF
    assert not (out / "ärenden" / "direktiv.docx").exists()
    assert report.failed == (DIREKTIV_CASE,)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert sorted((e["source"], e["kind"]) for e in manifest["outputs"]) == [
        (OK_CASE, "docx"),
        (OK_CASE, "pdf"),
    ]
    # the hung process was killed and started again for the retry; none is left afterwards
    recorded = [int(pid) for pid in pids.read_text().split()]
    assert len(recorded) >= 2
    converter.close()
    assert not [pid for pid in recorded if alive(pid)]
