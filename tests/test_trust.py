"""Nothing wrong is ever published: failures stop what depends on them, outputs stay intact.

Each test here failed before its fix (issue 11): a stale packet made from an earlier PDF, a
failed LibreOffice removing published files, ``--format docx`` deleting PDFs silently,
warnings that vanish on the second build, and a full disk or read-only folder that crashed or
left the manifest disagreeing with the files.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from beslut.cli.main import cli
from beslut.convert.libreoffice import (
    ConversionJob,
    ConversionResult,
    ConverterUnavailable,
    FakeConverter,
)
from beslut.errors import PublishError
from beslut.pipeline import BuildReport, build
from beslut.publish import files as publish_module
from beslut.render import case as render_module
from conftest import CASE, MakeWorkspace, need_libreoffice
from test_incremental import MEETING, A, B, M, edit, run
from test_incremental import workspace as workspace


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (temporary files included, to catch them)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def item_position(root: Path, dnr: str) -> tuple[int, int]:
    """Line and column of the agenda item with ``dnr`` in the meeting file."""
    lines = (root / M).read_text("utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip() == f"diarienummer: {dnr}":
            previous = lines[number - 2]
            return number - 1, previous.index("typ") + 1
    raise AssertionError(dnr)


class Unavailable:
    """A converter whose LibreOffice cannot be used (missing, or exits at once)."""

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        raise ConverterUnavailable("LibreOffice avslutades direkt (simulerat).")

    def close(self) -> None:
        return None


# -- 1. a failing case stops its meeting -----------------------------------------------------


def test_case_failing_conversion_stops_its_meeting_and_keeps_earlier_packets(
    workspace: Path,
) -> None:
    out = workspace / "output"
    before = snapshot(out)
    edit(workspace / A, "Text med å, ä och ö.", "Ny text som inte kan konverteras.")
    report = build(workspace, converter=FakeConverter(fail={A}))
    assert not report.ok
    line, column = item_position(workspace, "25HSN1")
    errors = [d.format() for d in report.diagnostics if d.level.value == "fel"]
    assert errors == [
        f"{A}:1:1: fel: LibreOffice kunde inte konvertera dokumentet: simulerat fel "
        "(FakeConverter) [pdf-fel]",
        f"{M}:{line}:{column}: fel: Ärende 2 (25HSN1) kunde inte byggas i det här bygget, så "
        "mötets handlingar sätts inte ihop (de tidigare finns kvar). Rätta felen i "
        f"{A} först. [ärende-saknas-i-paket]",
    ]
    assert report.changed == ()
    assert set(report.failed) == {A, M}
    assert snapshot(out) == before  # packets, public packets, papers and manifest
    # fixed: the case and its meeting are built again, from the new PDF
    report = run(workspace)
    assert set(report.changed) == {A, M}


def test_case_failing_to_render_stops_its_meeting(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = workspace / "output"
    before = snapshot(out)
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    real = render_module.render_case

    def failing(document, profile, root):  # type: ignore[no-untyped-def]
        if document.rel == A:
            raise render_module.RenderError("Mallen kunde inte användas (simulerat).")
        return real(document, profile, root)

    monkeypatch.setattr("beslut.pipeline.render_case", failing)
    report = build(workspace, converter=FakeConverter())
    assert [d.code for d in report.diagnostics if d.level.value == "fel"] == [
        "mallfel",
        "ärende-saknas-i-paket",
    ]
    assert snapshot(out) == before


def test_assembly_reads_the_build_cache_not_the_output_folder(workspace: Path) -> None:
    """Damaging a published case PDF changes nothing in the next packet."""
    published = workspace / "output" / "ärenden" / "a.pdf"
    published.write_bytes(b"not a pdf")
    edit(workspace / M, "plats: Regionens hus", "plats: Regionens hus, sal B")
    report = run(workspace)
    # the packet is made from the case's PDF in the build cache, whole
    assert set(report.changed) == {M}
    packet = PdfReader(workspace / "output" / "möten" / "m" / "handlingar.pdf")
    titles = [item.title for item in packet.outline if not isinstance(item, list)]
    assert any("Ett ärende om åtgärder" in t for t in titles), titles


def test_missing_output_is_never_fresh(workspace: Path) -> None:
    (workspace / "output" / "ärenden" / "b.pdf").unlink()
    report = run(workspace)
    assert report.changed == (B,)
    assert report.reasons == {B: "ärenden/b.pdf saknas i utdatamappen"}


# -- 11. LibreOffice failing never removes published files ------------------------------------


def test_libreoffice_failing_keeps_every_published_file_and_a_later_build_restores(
    workspace: Path,
) -> None:
    out = workspace / "output"
    before = snapshot(out)
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    report = build(workspace, converter=Unavailable())
    assert not report.ok
    assert report.messages == (
        "LibreOffice avslutades direkt (simulerat). Inga ändrade handlingar publicerades (de "
        "tidigare finns kvar); bygg med --format docx om du bara behöver Word-filerna.",
    )
    assert snapshot(out) == before
    # the same again: still nothing removed, still not "fresh"
    report = build(workspace, converter=Unavailable())
    assert not report.ok
    assert snapshot(out) == before
    # LibreOffice back: the changed case and its meeting are built, exit 0
    report = run(workspace)
    assert set(report.changed) == {A, M}
    assert (out / "möten" / "m" / "handlingar.pdf").is_file()


# -- 5. --format docx does not silently delete PDFs -------------------------------------------


def test_format_docx_keeps_current_pdfs_and_says_which_it_removed(workspace: Path) -> None:
    out = workspace / "output"
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    report = build(workspace, converter=FakeConverter(), formats=("docx",))
    assert report.ok, report
    assert set(report.changed) == {A, M}
    # B did not change: its PDF is current and stays
    assert (out / "ärenden" / "b.pdf").is_file()
    assert not (out / "ärenden" / "a.pdf").exists()
    assert not (out / "möten" / "m" / "handlingar.pdf").exists()
    assert report.notes[0] == (
        f"Tog bort ärenden/a.pdf: {A} har ändrats och PDF byggdes inte den här gången "
        "(--format docx)."
    )
    assert any("möten/m/handlingar.pdf" in note for note in report.notes)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    listed = {e["path"] for e in manifest["outputs"]}
    assert "ärenden/b.pdf" in listed and "ärenden/a.pdf" not in listed
    assert listed == {p for p in snapshot(out) if p != "manifest.json"}
    # asking for PDF again builds exactly what lacks it
    report = run(workspace)
    assert set(report.changed) == {A, M}
    assert report.reasons[A] == "PDF har inte byggts"


# -- 4. warnings are printed on every build ---------------------------------------------------


def test_warnings_are_printed_on_every_build(make_workspace: MakeWorkspace) -> None:
    body = CASE.replace("Text med å, ä och ö.", "Text med <b>html</b> i.")
    root = make_workspace({A: body})
    args = ["build", str(root), "--format", "docx"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    warning = next(line for line in first.output.splitlines() if "[html-stöds-inte]" in line)
    assert warning.startswith(f"{A}:")
    second = CliRunner().invoke(cli, args)  # the no-op path
    assert second.exit_code == 0
    assert warning in second.output.splitlines()
    assert "0 ändrade, 1 oförändrade" in second.output
    # the pipeline path, for a reused unit (another file changed)
    (root / "content" / "ärenden" / "b.md").write_text(CASE.replace("25HSN1", "25HSN2"), "utf-8")
    third = CliRunner().invoke(cli, args)
    assert third.exit_code == 0
    assert warning in third.output.splitlines()
    # --strikt: the same warning is an error, also when nothing changed
    strict = CliRunner().invoke(cli, [*args, "--strikt"])
    assert strict.exit_code == 1
    assert warning.replace(": varning: ", ": fel: ") in strict.output.splitlines()


def test_strict_build_publishes_nothing_with_a_warning(make_workspace: MakeWorkspace) -> None:
    body = CASE.replace("Text med å, ä och ö.", "Text med <b>html</b> i.")
    root = make_workspace({A: body})
    result = CliRunner().invoke(cli, ["build", str(root), "--format", "docx", "--strikt"])
    assert result.exit_code == 1
    assert not (root / "output" / "ärenden" / "a.docx").exists()


def test_reasons_in_json_and_verbose(workspace: Path) -> None:
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    report: BuildReport = run(workspace)
    assert report.reasons == {A: f"{A} har ändrats", M: "25HSN1 har ändrats"}
    template = workspace / "templates" / "direktiv.docx"
    document = docx.Document(str(template))
    document.add_paragraph("Ett tillägg i mallen.")
    document.save(str(template))
    result = CliRunner().invoke(cli, ["build", str(workspace), "--format", "docx,json"])
    data = json.loads(result.output)
    assert data["reasons"] == {
        B: "templates/direktiv.docx har ändrats",
        M: "25HSN2 har ändrats",
    }
    edit(workspace / B, "Text med å, ä och ö.", "Ändrad.")
    result = CliRunner().invoke(cli, ["build", str(workspace), "--format", "docx", "-v"])
    assert result.exit_code == 0, result.output
    assert f"beslut: bygger {B}: {B} har ändrats" in result.output.splitlines()


# -- 12. a full disk or a read-only output folder ----------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (errno.ENOSPC, "Disken är full: "),
        (errno.EROFS, "kunde inte skrivas eftersom mappen är skrivskyddad."),
    ],
)
@pytest.mark.parametrize("fail_at", ["prepare", "commit"])
def test_full_disk_or_read_only_folder_leaves_output_exactly_as_before(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, code: int, expected: str, fail_at: str
) -> None:
    out = workspace / "output"
    before = snapshot(out)
    state_before = (workspace / ".beslut-cache" / "state.json").read_bytes()
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    calls = {"n": 0}
    if fail_at == "prepare":
        real = publish_module._move_or_copy

        def failing(staged: Path, temp: Path) -> None:
            calls["n"] += 1
            if calls["n"] == 3:
                raise OSError(code, os.strerror(code), str(temp))
            real(staged, temp)

        monkeypatch.setattr(publish_module, "_move_or_copy", failing)
    else:
        real_replace = os.replace

        def failing_replace(src: object, dst: object) -> None:
            if str(dst).startswith(str(out)) and ".gammal-" not in str(dst):
                calls["n"] += 1
                if calls["n"] == 4:
                    raise OSError(code, os.strerror(code), str(dst))
            real_replace(src, dst)  # type: ignore[arg-type]

        monkeypatch.setattr(publish_module.os, "replace", failing_replace)
    with pytest.raises(PublishError) as raised:
        build(workspace, converter=FakeConverter())
    monkeypatch.undo()
    assert expected in str(raised.value)
    assert str(raised.value).endswith(f"Inget i {out} har ändrats.")
    assert snapshot(out) == before
    assert (workspace / ".beslut-cache" / "state.json").read_bytes() == state_before
    report = run(workspace)
    assert set(report.changed) == {A, M}


def test_full_disk_in_the_cli_is_one_swedish_line_and_exit_1(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace({A: CASE})

    def full(_path: Path, _data: bytes, **_options: bool) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(root / ".beslut-cache" / "x"))

    monkeypatch.setattr("beslut.pipeline.write_bytes_atomic", full)
    result = CliRunner().invoke(cli, ["build", str(root), "--format", "docx"])
    assert result.exit_code == 1
    assert result.stderr.startswith("beslut: läser innehållet…\nbeslut: Disken är full: ")
    assert result.stderr.count("\n") == 2 and result.stdout == ""
    assert "Traceback" not in result.output
    assert not (root / "output" / "ärenden").exists()


def test_interrupted_publish_leaves_outputs_intact(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = workspace / "output"
    before = snapshot(out)
    edit(workspace / A, "Text med å, ä och ö.", "Avbruten text.")
    real_replace = os.replace
    calls = {"n": 0}

    def interrupted(src: object, dst: object) -> None:
        if str(dst).startswith(str(out)):
            calls["n"] += 1
            if calls["n"] == 3:
                raise KeyboardInterrupt
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(publish_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(workspace, converter=FakeConverter())
    monkeypatch.undo()
    assert snapshot(out) == before
    report = run(workspace)
    assert set(report.changed) == {A, M}
    assert run(workspace).changed == ()


# -- 11. no LibreOffice outlives its build -----------------------------------------------------


def _office_processes(tag: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if tag in command and "pytest" not in command:
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_no_libreoffice_outlives_a_killed_build(
    make_workspace: MakeWorkspace, sig: signal.Signals
) -> None:
    need_libreoffice()
    root = make_workspace(_cases(30))
    process = subprocess.Popen(
        [sys.executable, "-m", "beslut", "build", str(root), "--tyst"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tag = f"beslut-lo-{process.pid}-"
    deadline = time.monotonic() + 60
    while not _office_processes(tag) and time.monotonic() < deadline:
        assert process.poll() is None, "the build ended before LibreOffice started"
        time.sleep(0.1)
    assert _office_processes(tag), "LibreOffice never started"
    time.sleep(0.5)
    process.send_signal(sig)
    process.wait(timeout=30)
    deadline = time.monotonic() + 15
    while _office_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _office_processes(tag) == []


def _fake_libreoffice(tmp_path: Path, worker: str) -> tuple[str, str]:
    """An soffice that never exits and a UNO helper that runs ``worker`` (shell)."""
    soffice = tmp_path / "fake-soffice"
    soffice.write_text("#!/bin/sh\nexec sleep 600\n", "utf-8")
    python = tmp_path / "fake-python"
    python.write_text(f'#!/bin/sh\nif [ "$2" = "-c" ]; then exit 0; fi\n{worker}\n', "utf-8")
    for script in (soffice, python):
        script.chmod(0o755)
    return str(soffice), str(python)


def _cases(count: int) -> dict[str, str | bytes]:
    return {
        f"content/ärenden/c{i}.md": CASE.replace("25HSN1", f"25HSN{10 + i}") for i in range(count)
    }


def test_hanging_libreoffice_fails_the_build_within_a_bounded_time(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    """One start-up wait per build, not one per document (7 minutes were seen)."""
    from beslut.convert.libreoffice import LibreOfficeConverter

    soffice, python = _fake_libreoffice(tmp_path, "exec sleep 600")
    files = _cases(6)
    files[M] = MEETING.replace("25HSN2", "25HSN11").replace("25HSN1\n", "25HSN10\n")
    root = make_workspace(files)
    converter = LibreOfficeConverter(
        workers=1, timeout=1, startup_timeout=1, soffice=soffice, python=python
    )
    started = time.monotonic()
    with converter:
        report = build(root, converter=converter)
    elapsed = time.monotonic() - started
    assert not report.ok
    assert elapsed < 10, elapsed
    messages = {d.message for d in report.diagnostics if d.code == "pdf-fel"}
    assert messages and all("LibreOffice kunde inte startas" in m for m in messages)
    assert not (root / "output" / "ärenden").exists()


def test_unwritable_workspace_cache_is_one_swedish_line(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace({A: CASE})

    def refused(*_args: object, **_kwargs: object) -> str:
        raise OSError(errno.EROFS, "Read-only file system", str(root / ".beslut-cache"))

    monkeypatch.setattr("beslut.pipeline.tempfile.mkdtemp", refused)
    result = CliRunner().invoke(cli, ["build", str(root), "--format", "docx"])
    assert result.exit_code == 1
    assert "kunde inte skrivas eftersom mappen är skrivskyddad" in result.output
    assert "internt fel" not in result.output


def test_a_unit_with_errors_is_failed_not_unchanged(workspace: Path) -> None:
    edit(workspace / A, "datum: 2025-09-10", "datum: 2025-02-30")
    report = build(workspace, converter=FakeConverter())
    assert not report.ok
    assert set(report.failed) == {A, M}
    assert A not in report.unchanged and M not in report.unchanged
    assert B in report.unchanged


def test_check_reports_everything_build_reports_for_the_example(tmp_path: Path) -> None:
    """Including the attachments that stop the packet's PDF/A claim (not repeated per packet)."""
    need_libreoffice()
    from reportlab.pdfgen import canvas

    from test_render import copy_example_workspace

    root = copy_example_workspace(tmp_path)
    # the example's attachments are PDF/A: put a plain one (not PDF/A, not tagged) in their place
    plain = canvas.Canvas(str(root / "content/bilagor/norra-sjukvårdsregionförbundet-2020.pdf"))
    plain.drawString(72, 720, "Samverkan i Norra sjukvårdsregionen 2020")
    plain.save()
    checked = CliRunner().invoke(cli, ["check", str(root)])
    built = CliRunner().invoke(cli, ["build", str(root)])
    assert built.exit_code == 0, built.output

    def lines(output: str) -> list[str]:
        return sorted(line for line in output.splitlines() if not line.startswith("beslut:"))

    assert lines(built.output) == lines(checked.output)
    assert sum("[paket-ej-pdfa]" in line for line in lines(checked.output)) == 1


def test_libreoffice_hanging_on_every_document_fails_the_rest_at_once(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    """Two documents in a row that hang twice: the rest fail at once (not 2 × timeout each)."""
    from beslut.convert.libreoffice import LibreOfficeConverter
    from test_build import FAKE_WORKER

    worker = tmp_path / "fake_worker.py"
    worker.write_text(FAKE_WORKER % {"hang": ".docx"}, "utf-8")
    soffice, python = _fake_libreoffice(tmp_path, f'exec "{sys.executable}" "{worker}" "$@"')
    root = make_workspace(_cases(8))
    converter = LibreOfficeConverter(workers=1, timeout=1, soffice=soffice, python=python)
    started = time.monotonic()
    with converter:
        report = build(root, converter=converter)
    elapsed = time.monotonic() - started
    assert not report.ok
    assert elapsed < 9, elapsed  # without the rule: 8 documents × 2 tries × 1 s and restarts
    messages = [d.message for d in report.diagnostics if d.code == "pdf-fel"]
    assert len(messages) == 8
    assert sum("LibreOffice svarar inte (två dokument i rad)" in m for m in messages) == 6


def test_libreoffice_exiting_at_once_keeps_everything_from_the_command_line(
    workspace: Path, tmp_path: Path
) -> None:
    """The real command, with an soffice on PATH that exits at once: exit 1, output intact."""
    need_libreoffice()  # the UNO probe needs the system Python's uno module
    out = workspace / "output"
    before = snapshot(out)
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text("#!/bin/sh\nexit 1\n", "utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "build", str(workspace)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr
    assert "LibreOffice kunde inte startas" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(out) == before


def test_two_files_with_the_same_output_are_an_error(make_workspace: MakeWorkspace) -> None:
    pure_yaml = (
        CASE.replace("---\n", "", 1).replace("\n---\n", "\ntext: |\n").replace("25HSN1", "25HSN2")
    )
    pure_yaml = pure_yaml.replace("\n## Sammanfattning", "\n  ## Sammanfattning").replace(
        "\nText med", "\n  Text med"
    )
    root = make_workspace({A: CASE, "content/ärenden/a.yaml": pure_yaml})
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 1
    assert (
        "content/ärenden/a.yaml:1:1: fel: content/ärenden/a.yaml och content/ärenden/a.md "
        "skulle ge samma filer i output/ (ärenden/a.docx och ärenden/a.pdf), eftersom namnen "
        "bara skiljer sig i filändelsen. Byt namn på den ena. [samma-utdata]"
    ) in result.output.splitlines()
    built = CliRunner().invoke(cli, ["build", str(root), "--format", "docx"])
    assert built.exit_code == 1
    assert "Inget i" not in built.output  # a located error, not a failed publish
    assert docx.Document(str(root / "output" / "ärenden" / "a.docx")).paragraphs[0].text == (
        "Ett ärende om åtgärder"
    )


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("fil", "är en fil. Välj en mapp med -o."),
        (".", "är arbetsytan; då skulle handlingarna hamna bland källfilerna."),
        ("..", "innehåller arbetsytan"),
        ("content/ut", "ligger i content/; då skulle de byggda filerna läsas som indata"),
        ("templates/ut", "ligger i templates/"),
        (".beslut-cache/ut", "ligger i .beslut-cache/"),
    ],
)
@pytest.mark.parametrize("command", ["build", "watch"])
def test_output_folder_that_would_mix_with_the_workspace_is_refused(
    make_workspace: MakeWorkspace, where: str, expected: str, command: str
) -> None:
    root = make_workspace({A: CASE})
    (root / "fil").write_text("", "utf-8")
    before = sorted(p.relative_to(root.parent) for p in root.parent.rglob("*"))
    result = CliRunner().invoke(cli, [command, str(root), "-o", str(root / where)])
    assert result.exit_code == 1
    assert expected in result.output
    assert "bevakar" not in result.output
    assert sorted(p.relative_to(root.parent) for p in root.parent.rglob("*")) == before
