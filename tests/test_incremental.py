"""Incremental builds: one test per invalidation rule, plus lock, interruption and watch.

The fake converter keeps these fast; what is asserted is which units (cases and meetings) were
rebuilt and which output files were written.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from beslut import pipeline
from beslut.convert.libreoffice import FakeConverter
from beslut.errors import BuildLocked
from beslut.pipeline import BuildReport, build, output_lock
from conftest import CASE, MakeWorkspace
from conftest import MEETING as BASE_MEETING

DIREKTIV = (
    CASE.replace("typ: tjänsteskrivelse", "typ: direktiv")
    .replace("25HSN1", "25HSN2")
    .replace("Hälso- och sjukvårdsnämnden godkänner planen", "godkänna planen")
    .replace(
        "---\n\n##", "bilagor:\n  - titel: Underlag\n    fil: ../bilagor/underlag.pdf\n---\n\n##"
    )
)

MEETING = (
    BASE_MEETING
    + "  - typ: beslut\n    diarienummer: 25HSN1\n  - typ: beslut\n    diarienummer: 25HSN2\n"
)

A = "content/ärenden/a.md"
B = "content/ärenden/b.md"
M = "content/möten/m.yaml"


def _attachment(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    drawing = canvas.Canvas(str(path))
    drawing.drawString(72, 720, text)
    drawing.save()


@pytest.fixture
def workspace(make_workspace: MakeWorkspace) -> Path:
    root = make_workspace({A: CASE, B: DIREKTIV, M: MEETING})
    _attachment(root / "content" / "bilagor" / "underlag.pdf", "Första versionen")
    report = run(root)
    assert set(report.changed) == {A, B, M}, report
    return root


def run(root: Path, **options: object) -> BuildReport:
    report = build(root, converter=FakeConverter(), **options)  # type: ignore[arg-type]
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return report


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def written(report: BuildReport) -> set[str]:
    return {o.path for o in report.outputs}


def test_nothing_changed_rebuilds_nothing(workspace: Path) -> None:
    report = run(workspace)
    assert report.changed == () and report.outputs == ()
    assert set(report.unchanged) == {A, B, M}
    os.utime(workspace / A)  # touched, not changed
    assert run(workspace).changed == ()


def test_case_edited(workspace: Path) -> None:
    edit(workspace / A, "Text med å, ä och ö.", "Ny text.")
    report = run(workspace)
    assert set(report.changed) == {A, M}
    assert {"ärenden/a.docx", "ärenden/a.pdf", "möten/m/handlingar.pdf"} <= written(report)
    assert not any(p.startswith("ärenden/b.") for p in written(report))
    # the unchanged item's own PDF is reused, the edited one is assembled again
    assert "möten/m/ärende-02.pdf" in written(report)


def test_attachment_edited(workspace: Path) -> None:
    _attachment(workspace / "content" / "bilagor" / "underlag.pdf", "Andra versionen")
    report = run(workspace)
    assert set(report.changed) == {M}  # the case's own papers do not contain the attachment
    packet = PdfReader(workspace / "output" / "möten" / "m" / "handlingar.pdf")
    assert "Andra versionen" in "".join(page.extract_text() for page in packet.pages)


def test_template_edited(workspace: Path) -> None:
    template = workspace / "templates" / "direktiv.docx"
    template.write_bytes(template.read_bytes())  # same bytes: nothing to do
    assert run(workspace).changed == ()
    with template.open("ab") as handle:
        handle.write(b"\0")  # a changed template (zip readers ignore trailing bytes)
    assert set(run(workspace).changed) == {B, M}


def test_profile_edited(workspace: Path) -> None:
    edit(workspace / "content" / "profil.yaml", "namn: Testregionen", "namn: Testregion Nord")
    assert set(run(workspace).changed) == {A, B, M}


def test_beslut_version_changed(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "__version__", "99.0.0")
    report = run(workspace)
    assert set(report.changed) == {A, B, M}
    assert report.notes == (
        "Byggtillståndet kommer från en annan version av beslut; allt byggs om.",
    )


def test_damaged_state_means_full_build(workspace: Path) -> None:
    (workspace / ".beslut-cache" / "state.json").write_text("{inte json", "utf-8")
    report = run(workspace)
    assert set(report.changed) == {A, B, M}
    assert report.notes == ("Byggtillståndet var skadat; allt byggs om.",)
    assert run(workspace).changed == ()


def test_force_rebuilds_everything(workspace: Path) -> None:
    assert set(run(workspace, force=True).changed) == {A, B, M}


def test_case_deleted_removes_only_its_outputs(workspace: Path) -> None:
    meeting = workspace / M
    meeting.write_text(MEETING.replace("  - typ: beslut\n    diarienummer: 25HSN2\n", ""), "utf-8")
    (workspace / B).unlink()
    report = run(workspace)
    assert report.removed == (B,)
    assert set(report.changed) == {M}
    out = workspace / "output"
    assert not (out / "ärenden" / "b.docx").exists() and not (out / "ärenden" / "b.pdf").exists()
    assert (out / "ärenden" / "a.docx").is_file()
    assert "ärenden/b.docx" not in (out / "manifest.json").read_text("utf-8")


def test_case_renamed(workspace: Path) -> None:
    (workspace / A).rename(workspace / "content" / "ärenden" / "ny-å.md")
    report = run(workspace)
    assert report.removed == (A,)
    # same content, same key: the meeting's packet does not change, so it is not rebuilt
    assert set(report.changed) == {"content/ärenden/ny-å.md"}, report.reasons
    out = workspace / "output" / "ärenden"
    assert (out / "ny-å.docx").is_file() and not (out / "a.docx").exists()


def test_meeting_item_reordered(workspace: Path) -> None:
    edit(
        workspace / M,
        "  - typ: beslut\n    diarienummer: 25HSN1\n  - typ: beslut\n    diarienummer: 25HSN2\n",
        "  - typ: beslut\n    diarienummer: 25HSN2\n  - typ: beslut\n    diarienummer: 25HSN1\n",
    )
    report = run(workspace)
    assert set(report.changed) == {M}
    outline = PdfReader(workspace / "output" / "möten" / "m" / "handlingar.pdf").outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert titles[1:] == ["Ärende 2: Ett ärende om åtgärder", "Ärende 3: Ett ärende om åtgärder"]


def test_invalid_edit_keeps_earlier_outputs_and_is_rebuilt_when_fixed(workspace: Path) -> None:
    before = (workspace / "output" / "ärenden" / "a.docx").read_bytes()
    edit(workspace / A, "datum: 2025-09-10", "datum: 2025-02-30")
    report = build(workspace, converter=FakeConverter())
    assert not report.ok and report.changed == ()
    assert (workspace / "output" / "ärenden" / "a.docx").read_bytes() == before
    assert "ärenden/a.docx" in (workspace / "output" / "manifest.json").read_text("utf-8")
    edit(workspace / A, "datum: 2025-02-30", "datum: 2025-09-11")
    assert set(run(workspace).changed) == {A, M}


def test_second_build_on_same_output_is_refused(workspace: Path) -> None:
    with output_lock((workspace / "output").resolve()), pytest.raises(BuildLocked) as info:
        build(workspace, converter=FakeConverter())
    assert str(info.value) == (
        f"Ett annat bygge skriver redan till {(workspace / 'output').resolve()}. Vänta tills det "
        "är klart och försök sedan igen."
    )
    run(workspace)  # released


def test_kill_9_during_build_then_next_build_finishes(make_workspace: MakeWorkspace) -> None:
    files = {
        f"content/ärenden/c{i:03d}.md": CASE.replace("25HSN1", f"25HSN{100 + i}") for i in range(60)
    }
    root = make_workspace(files)
    command = [sys.executable, "-m", "beslut", "build", str(root), "--format", "docx", "--tyst"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait()
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    docx = sorted((root / "output" / "ärenden").glob("*.docx"))
    assert len(docx) == 60
    assert not list((root / "output").rglob("*.tmp"))


def test_watch_survives_an_invalid_edit(workspace: Path) -> None:
    from beslut import api

    reports: list[object] = []
    arrived = threading.Event()

    def listener(result: object) -> None:
        reports.append(result)
        arrived.set()

    stop = threading.Event()
    thread = threading.Thread(
        target=api.watch,
        args=(workspace, listener),
        kwargs={"stop": stop, "converter": FakeConverter()},
        daemon=True,
    )
    thread.start()

    def next_report() -> BuildReport:
        assert arrived.wait(20), "ingen ombyggnad"
        arrived.clear()
        result = reports[-1]
        assert isinstance(result, BuildReport), result
        return result

    try:
        assert next_report().changed == ()  # the first build: nothing to do
        time.sleep(0.3)
        edit(workspace / A, "datum: 2025-09-10", "datum: 2025-02-30")
        broken = next_report()
        assert not broken.ok
        codes = sorted(d.code for d in broken.diagnostics if d.level.value == "fel")
        assert codes == ["ogiltigt-datum", "ärende-har-fel"]
        edit(workspace / "content" / "profil.yaml", "namn: Testregionen", "namn: Region Ny")
        edit(workspace / A, "datum: 2025-02-30", "datum: 2025-09-10")
        fixed = next_report()
        while not fixed.ok or set(fixed.changed) != {A, B, M}:
            fixed = next_report()  # the two saves may arrive as one or two rebuilds
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def _kallelse_text(root: Path) -> str:
    import docx

    document = docx.Document(str(root / "output" / "möten" / "m" / "kallelse.docx"))
    return "\n".join(p.text for p in document.paragraphs)


def test_kallelse_template_edited(workspace: Path) -> None:
    """The kallelse template is part of every meeting's key (pipeline._unit_keys)."""
    import docx

    template = workspace / "templates" / "kallelse.docx"
    document = docx.Document(str(template))
    document.add_paragraph("Välkomna till sammanträdet.")
    document.save(str(template))
    assert "Välkomna till sammanträdet." not in _kallelse_text(workspace)
    report = run(workspace)
    assert set(report.changed) == {M}
    assert "Välkomna till sammanträdet." in _kallelse_text(workspace)


def _same_size_edit(root: Path) -> None:
    path = root / A
    before = path.stat()
    edit(path, "Text med å, ä och ö.", "Text med ö, å och ä.")  # the same number of bytes
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))


def test_case_edited_without_changing_its_size(workspace: Path) -> None:
    _same_size_edit(workspace)
    assert set(run(workspace).changed) == {A, M}


def test_case_edited_without_changing_its_size_from_the_command_line(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_size_edit(workspace)
    code, out = _cli_build(workspace, monkeypatch)
    assert code == 0, out
    assert "Text med ö, å och ä." in _docx_text(workspace / "output" / "ärenden" / "a.docx")


def test_case_edited_with_same_size_and_restored_mtime(workspace: Path) -> None:
    path = workspace / A
    before = path.stat()
    edit(path, "Text med å, ä och ö.", "Text med ö, å och ä.")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert set(run(workspace).changed) == {A, M}


def _docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def _cli_build(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Run ``beslut build`` in-process (its no-op path included), converting with the fake."""
    from click.testing import CliRunner

    from beslut import api
    from beslut.cli.main import cli

    real = getattr(api.build, "real", api.build)

    def fake_build(*args: object, **kwargs: object) -> BuildReport:
        return real(*args, converter=FakeConverter(), **kwargs)  # type: ignore[arg-type]

    fake_build.real = real  # type: ignore[attr-defined]
    monkeypatch.setattr(api, "build", fake_build)
    result = CliRunner().invoke(cli, ["build", str(root)])
    return result.exit_code, f"{result.output}{result.exception!r}"


@pytest.mark.parametrize("output", ["ärenden/a.pdf", "möten/m/handlingar.pdf"])
def test_deleted_output_is_rebuilt(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    target = workspace / "output" / output
    assert target.is_file()
    assert _cli_build(workspace, monkeypatch)[0] == 0  # nothing to do
    target.unlink()
    code, out = _cli_build(workspace, monkeypatch)
    assert code == 0, out
    assert target.is_file() and len(PdfReader(target).pages) >= 1
    target.unlink()
    assert set(run(workspace).changed) == {A if output.startswith("ärenden") else M}
    assert target.is_file()


def test_kallelse_page_numbers_converge_on_the_second_pass(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beslut.assemble import meeting as meetings

    real = meetings.plan_pages
    planned: list[dict[int, int]] = []

    def counting(front: Path, items: object, supplement: Path | None = None) -> dict[int, int]:
        pages = real(front, items, supplement)  # type: ignore[arg-type]
        planned.append(pages)
        return pages

    monkeypatch.setattr(meetings, "plan_pages", counting)
    run(workspace, force=True)
    # internal and public kallelse: placeholders first, then the real pages, which are stable
    assert len(planned) == 4
    assert planned[0] == planned[1] and planned[2] == planned[3]


def test_unstable_kallelse_page_numbers_are_an_error(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from beslut.assemble import meeting as meetings

    calls = {"n": 0}

    def alternating(front: Path, items: object, supplement: Path | None = None) -> dict[int, int]:
        calls["n"] += 1
        return {2: 2 + calls["n"] % 2, 3: 4 + calls["n"] % 2}

    monkeypatch.setattr(meetings, "plan_pages", alternating)
    edit(workspace / M, "plats: Regionens hus", "plats: Regionens hus, sal 2")
    packet = workspace / "output" / "möten" / "m" / "handlingar.pdf"
    before = packet.read_bytes()
    report = build(workspace, converter=FakeConverter())
    assert not report.ok
    assert [d.format() for d in report.diagnostics if d.level.value == "fel"] == [
        "content/möten/m.yaml:1:1: fel: Sidnumren i föredragningslistan ändrade sidantalet igen "
        "och igen; förkorta kallelsen eller rapportera felet. [sidnummer-instabila]"
    ]
    assert M not in report.changed
    assert packet.read_bytes() == before  # nothing of the new version is published
