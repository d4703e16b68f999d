"""Tests of beslut.convert.libreoffice: the fake, the checks, fault handling with fake soffice scripts, and
real LibreOffice (marked ``libreoffice``)."""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfReader
from pypdf.generic import BooleanObject, DictionaryObject

from beslut.convert.libreoffice import (
    INSTALL_HINT,
    SYSTEM_PYTHON,
    ConversionJob,
    Converter,
    ConverterUnavailable,
    FakeConverter,
    LibreOfficeConverter,
    PdfOptions,
    check_pdf,
)

EXPECTED_HINT = (
    'LibreOffice saknas: installera det med "sudo apt-get install -y libreoffice-writer-nogui '
    'python3-uno fonts-crosextra-carlito fonts-liberation2" (eller kör make demo).'
)


# ------------------------------------------------------------------------------------------
# Environment
# ------------------------------------------------------------------------------------------


@functools.cache
def _uno_missing() -> str | None:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return f"{SYSTEM_PYTHON} saknas"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-I", "-c", "import uno"], capture_output=True, check=False, timeout=60
    )
    return None if probe.returncode == 0 else "python3-uno saknas"


def _libreoffice_missing() -> str | None:
    if shutil.which("soffice") is None:
        return "soffice saknas"
    return _uno_missing()


def _require(missing: str | None) -> None:
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"LibreOffice krävs i CI men {missing}: {INSTALL_HINT}")
    pytest.skip(missing)


@pytest.fixture
def require_libreoffice() -> None:
    """Skip without LibreOffice; FAIL instead when CI is set."""
    _require(_libreoffice_missing())


@pytest.fixture
def require_uno() -> None:
    """The fake-soffice tests still run the real UNO client under the system Python."""
    _require(_uno_missing())


# ------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------


def make_docx(path: Path, title: str, *, heading: bool = True, paragraphs: int = 3) -> Path:
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.language = "sv-SE"
    # Swedish as the document language (docDefaults run properties).
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "sv-SE")
    if heading:
        document.add_heading(f"{title} – rubrik", level=1)
    for i in range(paragraphs):
        document.add_paragraph(f"Stycke {i + 1}: nämnden föreslås besluta att godkänna åtgärden.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Belopp"
    table.cell(0, 1).text = "1 000 kr"
    if heading:
        document.add_heading("Bakgrund", level=1)
        document.add_paragraph("Ärendet har beretts av förvaltningen.")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def make_slow_docx(path: Path, paragraphs: int = 60_000) -> Path:
    """A valid .docx that takes LibreOffice far longer than a short timeout (about 13 s)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    body = "".join(
        f"<w:p><w:r><w:t>Stycke {i} med lite text som fyller raden.</w:t></w:r></w:p>"
        for i in range(paragraphs)
    )
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.decode().replace("<w:body>", "<w:body>" + body, 1).encode()
            zout.writestr(item, data)
    return path


def fake_soffice(tmp_path: Path, body: str) -> str:
    """An executable 'soffice' that records its pid in pids.txt, then runs ``body``."""
    script = tmp_path / "fake-soffice"
    script.write_text(f'#!/bin/sh\necho $$ >> "{tmp_path}/pids.txt"\n{body}\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def recorded_pids(tmp_path: Path) -> list[int]:
    path = tmp_path / "pids.txt"
    if not path.exists():
        return []
    return [int(x) for x in path.read_text().split()]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:  # a zombie is dead for our purposes
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def processes_mentioning(marker: str) -> list[int]:
    """Live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in cmdline and alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def jobs_for(paths: list[Path], out: Path) -> list[ConversionJob]:
    return [ConversionJob(p, out / f"{p.stem}.pdf", f"content/ärenden/{p.stem}.md") for p in paths]


# ------------------------------------------------------------------------------------------
# FakeConverter, check_pdf, PdfOptions
# ------------------------------------------------------------------------------------------


def test_fake_converter_writes_pdf_with_title(tmp_path: Path) -> None:
    sources = [tmp_path / "a.docx", tmp_path / "b.docx"]
    for source in sources:
        source.write_bytes(b"not really a docx; the fake does not read it")
    fake: Converter = FakeConverter()
    results = fake.convert(jobs_for(sources, tmp_path / "out"))
    assert [r.ok for r in results] == [True, True]
    assert [r.job.source for r in results] == sources
    for result in results:
        assert result.message is None
        assert check_pdf(result.job.target) is None
        reader = PdfReader(result.job.target)
        assert len(reader.pages) == 1
        assert reader.metadata is not None and reader.metadata.title == result.job.source.stem
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.pdf", "b.pdf"]


def test_fake_converter_fails_chosen_labels_and_missing_sources(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(b"x")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"x")
    jobs = jobs_for([good, bad, tmp_path / "missing.docx"], tmp_path / "out")
    with FakeConverter(fail={"content/ärenden/bad.md"}) as fake:
        results = fake.convert(jobs)
        assert fake.calls == [jobs]
    assert fake.closed
    assert [r.ok for r in results] == [True, False, False]
    assert results[1].message is not None
    assert results[1].message.startswith("content/ärenden/bad.md: LibreOffice kunde inte")
    assert results[2].message is not None
    assert results[2].message.startswith("content/ärenden/missing.md: hittar inte dokumentet")
    assert not (tmp_path / "out" / "bad.pdf").exists()


def test_check_pdf_reasons(tmp_path: Path) -> None:
    assert check_pdf(tmp_path / "none.pdf") == "PDF-filen skrevs inte"
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert check_pdf(empty) == "PDF-filen är tom"
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(os.urandom(2000))
    reason = check_pdf(garbage)
    assert reason is not None and reason.startswith("PDF-filen går inte att läsa")
    source = tmp_path / "ok.docx"
    source.write_bytes(b"x")
    [result] = FakeConverter().convert(jobs_for([source], tmp_path))
    assert check_pdf(result.job.target) is None


def test_pdf_options_filter_data() -> None:
    assert PdfOptions().filter_data() == {
        "SelectPdfVersion": 2,
        "UseTaggedPDF": True,
        "PDFUACompliance": True,
        "ExportBookmarks": True,
        "EmbedStandardFonts": True,
        "ExportFormFields": False,
    }
    plain = PdfOptions(pdfa=False, tagged=False, pdfua=False, extra=(("IsSkipEmptyPages", True),))
    data = plain.filter_data()
    assert data["SelectPdfVersion"] == 0
    assert data["UseTaggedPDF"] is False and data["PDFUACompliance"] is False
    assert data["IsSkipEmptyPages"] is True


# ------------------------------------------------------------------------------------------
# Missing LibreOffice and fake soffice scripts
# ------------------------------------------------------------------------------------------


def test_missing_soffice_raises_unavailable_with_install_hint(tmp_path: Path) -> None:
    assert INSTALL_HINT == EXPECTED_HINT
    with pytest.raises(ConverterUnavailable) as info:
        LibreOfficeConverter(soffice=str(tmp_path / "soffice"))
    assert str(info.value) == EXPECTED_HINT
    with pytest.raises(ConverterUnavailable) as info:
        LibreOfficeConverter(soffice="beslut-inget-sadant-soffice")
    assert str(info.value) == EXPECTED_HINT


@pytest.mark.usefixtures("require_uno")
def test_hanging_soffice_is_killed_and_reported(tmp_path: Path) -> None:
    soffice = fake_soffice(tmp_path, "exec sleep 600")  # never opens the pipe
    sources = [make_docx(tmp_path / f"d{i}.docx", f"D{i}", heading=False) for i in range(3)]
    started = time.monotonic()
    with LibreOfficeConverter(workers=2, timeout=1.5, soffice=soffice) as converter:
        results = converter.convert(jobs_for(sources, tmp_path / "out"))
    elapsed = time.monotonic() - started
    assert elapsed < 15
    assert [r.ok for r in results] == [False, False, False]
    for result in results:
        assert result.message is not None
        assert result.message.startswith(f"{result.job.label}: LibreOffice kunde inte startas")
        assert "svarade inte inom 1,5 s" in result.message
    pids = recorded_pids(tmp_path)
    assert 2 <= len(pids) <= 4  # each worker: first try plus one retry, then it gives up
    assert not [pid for pid in pids if alive(pid)]
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.usefixtures("require_uno")
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('echo "fake soffice: kraschar" >&2\nexit 3', "avslutades direkt med kod 3"),
        ("exec true", "avslutades direkt med kod 0"),  # a binary that is not LibreOffice
        ("kill -9 $$", "avslutades direkt efter signal SIGKILL"),
    ],
)
def test_crashing_soffice_is_reported_without_hanging(
    tmp_path: Path, body: str, expected: str
) -> None:
    soffice = fake_soffice(tmp_path, body)
    sources = [make_docx(tmp_path / f"d{i}.docx", f"D{i}", heading=False) for i in range(3)]
    started = time.monotonic()
    with LibreOfficeConverter(workers=1, timeout=30, soffice=soffice) as converter:
        results = converter.convert(jobs_for(sources, tmp_path / "out"))
        assert converter.soffice_pids() == []
    assert time.monotonic() - started < 10
    assert [r.ok for r in results] == [False, False, False]
    for result in results:
        assert result.message is not None
        assert result.message.startswith(f"{result.job.label}: LibreOffice kunde inte startas: ")
        assert expected in result.message
    if "kraschar" in body:  # soffice's own output is passed on
        assert "utskrift: fake soffice: kraschar" in (results[0].message or "")
    assert len(recorded_pids(tmp_path)) == 2  # tried once, retried once, then gave up


def test_python_without_uno_raises_unavailable_on_first_use(tmp_path: Path) -> None:
    python = tmp_path / "python-utan-uno"
    python.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    python.chmod(0o755)
    soffice = fake_soffice(tmp_path, "exec sleep 600")
    with LibreOfficeConverter(workers=1, soffice=soffice, python=str(python)) as converter:
        assert converter.convert([]) == []
        with pytest.raises(ConverterUnavailable) as info:
            converter.convert(jobs_for([tmp_path / "x.docx"], tmp_path))
    assert str(info.value) == EXPECTED_HINT
    assert recorded_pids(tmp_path) == []  # soffice was never started


def test_require_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    _require(None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="LibreOffice krävs i CI"):
        _require("soffice saknas")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _require("soffice saknas")


# ------------------------------------------------------------------------------------------
# Real LibreOffice
# ------------------------------------------------------------------------------------------


def _resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def _fonts_without_embedding(reader: PdfReader) -> list[str]:
    missing: list[str] = []
    for page in reader.pages:
        resources = _resolve(page.get("/Resources")) or DictionaryObject()
        fonts = _resolve(resources.get("/Font")) or DictionaryObject()
        for name, ref in fonts.items():
            font = _resolve(ref)
            if font.get("/Subtype") == "/Type3":
                continue  # glyph programs live in the font itself
            if font.get("/Subtype") == "/Type0":
                font = _resolve(_resolve(font["/DescendantFonts"])[0])
            descriptor = _resolve(font.get("/FontDescriptor")) or DictionaryObject()
            if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.append(f"{name} {font.get('/BaseFont')}")
    return missing


@pytest.fixture(scope="module")
def lo_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LibreOfficeConverter]:
    _require(_libreoffice_missing())
    root = tmp_path_factory.mktemp("lo-pool")
    converter = LibreOfficeConverter(workers=2, profile_root=root / "profiles")
    yield converter
    converter.close()
    assert not processes_mentioning(str(root))


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_pdfs_are_pdfa_tagged_and_embedded(
    lo_pool: LibreOfficeConverter, tmp_path: Path
) -> None:
    sources = [  # non-ASCII names and spaces on purpose
        make_docx(tmp_path / "tjänsteskrivelse 1.docx", "Tjänsteskrivelse om skolskjuts"),
        make_docx(tmp_path / "kallelse.docx", "Kallelse", heading=False),
        make_docx(tmp_path / "direktiv.docx", "Direktiv", paragraphs=40),
    ]
    results = lo_pool.convert(jobs_for(sources, tmp_path / "utdata" / "ärenden"))
    assert [r.message for r in results] == [None, None, None]
    for result in results:
        assert result.ok and result.seconds > 0
        reader = PdfReader(result.job.target)
        assert not reader.is_encrypted
        assert len(reader.pages) >= 1
        root: Any = reader.root_object
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert re.search(r"pdfaid:part(>|=\")2", xmp), xmp
        assert re.search(r"pdfuaid:part(>|=\")1", xmp), xmp
        assert "/OutputIntents" in root
        assert root["/MarkInfo"]["/Marked"] == BooleanObject(True)
        assert "/StructTreeRoot" in root
        assert root.get("/Lang") == "sv-SE"
        assert reader.metadata is not None
        assert reader.metadata.title == docx.Document(str(result.job.source)).core_properties.title
        assert _fonts_without_embedding(reader) == []
    headed = PdfReader(results[0].job.target)
    titles = [item.title for item in headed.outline if not isinstance(item, list)]
    assert titles == ["Tjänsteskrivelse om skolskjuts – rubrik", "Bakgrund"]
    assert PdfReader(results[2].job.target).get_num_pages() >= 2
    assert not list((tmp_path / "utdata" / "ärenden").glob(".*"))  # no temporary files left


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_corrupt_docx_names_label_and_others_finish(
    lo_pool: LibreOfficeConverter, tmp_path: Path
) -> None:
    random_bytes = tmp_path / "slumpbytes.docx"
    random_bytes.write_bytes(os.urandom(4096))
    truncated = tmp_path / "avkortad.docx"
    whole = make_docx(tmp_path / "hel.docx", "Hel").read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])
    not_word = tmp_path / "inte-word.docx"
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "hej")
    good = tmp_path / "hel.docx"
    results = lo_pool.convert(jobs_for([random_bytes, truncated, not_word, good], tmp_path / "out"))
    assert [r.ok for r in results] == [False, False, False, True], [r.message for r in results]
    for result in results[:3]:
        message = result.message or ""
        assert message.startswith(
            f"{result.job.label}: LibreOffice kunde inte konvertera dokumentet: "
        ), message
        # LibreOffice's own words: its load error, or the filter its type detection chose.
        assert "could not be loaded" in message or 'som filtret "Text' in message, message
        assert not result.job.target.exists()


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_workers_are_reused_between_calls(
    lo_pool: LibreOfficeConverter, tmp_path: Path
) -> None:
    sources = [make_docx(tmp_path / f"r{i}.docx", f"R{i}", heading=False) for i in range(4)]
    first = lo_pool.convert(jobs_for(sources, tmp_path / "one"))
    pids = sorted(lo_pool.soffice_pids())
    second = lo_pool.convert(jobs_for(sources, tmp_path / "two"))
    assert all(r.ok for r in first + second)
    assert len(pids) == 2
    assert sorted(lo_pool.soffice_pids()) == pids


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_worker_is_recycled_after_max_conversions(tmp_path: Path) -> None:
    sources = [make_docx(tmp_path / f"m{i}.docx", f"M{i}", heading=False) for i in range(3)]
    with LibreOfficeConverter(
        workers=1, max_conversions=2, profile_root=tmp_path / "profiles"
    ) as converter:
        assert all(r.ok for r in converter.convert(jobs_for(sources[:2], tmp_path / "a")))
        [old] = converter.soffice_pids()
        assert all(r.ok for r in converter.convert(jobs_for(sources[2:], tmp_path / "b")))
        [new] = converter.soffice_pids()
    assert new != old and not alive(old)
    assert not processes_mentioning(str(tmp_path))


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_hung_conversion_is_killed_retried_and_reported(tmp_path: Path) -> None:
    slow = make_slow_docx(tmp_path / "jattelang.docx")
    small = [make_docx(tmp_path / f"s{i}.docx", f"S{i}", heading=False) for i in range(3)]
    converter = LibreOfficeConverter(
        workers=2, timeout=2, startup_timeout=60, profile_root=tmp_path / "profiles"
    )
    with converter:
        results = converter.convert(jobs_for([slow, *small], tmp_path / "out"))
        # The killed process stays down until it is needed again; the other one is still warm.
        assert len(converter.soffice_pids()) == 1
        again = converter.convert(jobs_for(small, tmp_path / "again"))
        assert all(r.ok for r in again)
    assert [r.ok for r in results] == [False, True, True, True]
    assert results[0].message == (
        "content/ärenden/jattelang.md: konverteringen till PDF avbröts efter 2 s "
        "(LibreOffice svarade inte)."
    )
    assert results[0].seconds >= 4  # two tries of 2 s each
    assert not processes_mentioning(str(tmp_path))
    assert not list(Path("/tmp").glob(f"OSL_PIPE_*{converter._tag}*"))  # killed: pipes removed
    assert not (tmp_path / "out" / "jattelang.pdf").exists()


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_stopped_then_killed_office_is_restarted_and_job_retried(tmp_path: Path) -> None:
    sources = [make_docx(tmp_path / f"k{i}.docx", f"K{i}", heading=False) for i in range(3)]
    jobs = jobs_for(sources, tmp_path / "out")
    with LibreOfficeConverter(
        workers=1, timeout=2, startup_timeout=60, profile_root=tmp_path / "profiles"
    ) as converter:
        assert converter.convert(jobs[:1])[0].ok
        [hung] = converter.soffice_pids()
        # A hang: LibreOffice stops answering in the middle of the next job.
        os.killpg(hung, signal.SIGSTOP)
        result = converter.convert(jobs[1:2])[0]
        assert result.ok, result.message
        assert result.seconds >= 2
        [crashing] = converter.soffice_pids()
        assert crashing != hung and not alive(hung)
        # A crash in the middle of a job: stop LibreOffice, then kill it while the job waits.
        converter.timeout = 30  # the crash must be noticed at once, not by the timeout
        os.killpg(crashing, signal.SIGSTOP)
        killer = threading.Timer(0.5, os.killpg, (crashing, signal.SIGKILL))
        killer.start()
        result = converter.convert(jobs[2:3])[0]
        killer.join()
        assert result.ok, result.message
        assert result.seconds < 15
        [fresh] = converter.soffice_pids()
        assert fresh not in (hung, crashing)
    assert converter.soffice_pids() == []
    assert not processes_mentioning(str(tmp_path))
    assert all(check_pdf(job.target) is None for job in jobs)


@pytest.mark.libreoffice
@pytest.mark.usefixtures("require_libreoffice")
def test_real_close_leaves_no_processes_and_removes_temp_profiles(tmp_path: Path) -> None:
    sources = [make_docx(tmp_path / f"c{i}.docx", f"C{i}") for i in range(2)]
    converter = LibreOfficeConverter(workers=2)
    results = converter.convert(jobs_for(sources, tmp_path / "out"))
    assert all(r.ok for r in results)
    pids = converter.soffice_pids()
    run_dirs = list(Path(converter._run_dir or "/nonexistent").parent.glob(f"{converter._tag}-*"))
    assert len(pids) == 2 and run_dirs
    converter.close()
    converter.close()  # idempotent
    assert not [pid for pid in pids if alive(pid)]
    assert not processes_mentioning(converter._tag)
    assert not [d for d in run_dirs if d.exists()]
    with pytest.raises(RuntimeError):
        converter.convert(jobs_for(sources, tmp_path / "out"))
