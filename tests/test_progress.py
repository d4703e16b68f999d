"""Issue 13 point 13: ``beslut build`` says what it is doing from the first second, and
``beslut watch`` prints timestamped start, changed-files and result lines.

The pipeline prints nothing; it calls ``progress(stage, done, total)`` and the CLI renders the
calls on stderr (plain lines when stderr is no terminal, as here). Watch is driven by real file
changes under a fixed clock.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from beslut import api, pipeline, stages
from beslut import watching as watch_module
from beslut.cli import main
from beslut.cli.main import _Progress, _WatchPrinter, cli
from beslut.convert.libreoffice import ConversionJob, ConversionResult, FakeConverter
from conftest import CASE, MEETING, MakeWorkspace

CASES = {f"content/ärenden/a{n}.md": CASE.replace("25HSN1", f"25HSN{n}") for n in range(1, 6)}
MEETING_FILE = "content/möten/2025-10-01-hsn.yaml"
MEETING_TEXT = MEETING + "".join(
    f"  - typ: beslut\n    diarienummer: 25HSN{n}\n" for n in range(1, 6)
)


def _progress_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.endswith(("…", ")"))]


class _RecordingConverter(FakeConverter):
    """A fake LibreOffice that writes a marker to stderr when it is started and used."""

    def __init__(self, profile_root: Path | None = None) -> None:
        super().__init__()

    def warm_up(self) -> None:
        print("<LibreOffice startar>", file=sys.stderr)

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        return super().convert(jobs)

    def close(self) -> None:
        self.closed = True


def test_build_reports_each_step_in_order_before_the_converter_starts(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace({**CASES, MEETING_FILE: MEETING_TEXT})
    monkeypatch.setattr(pipeline, "LibreOfficeConverter", _RecordingConverter)
    result = CliRunner().invoke(cli, ["build", str(root)])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        "beslut: läser innehållet…",
        "beslut: startar LibreOffice…",
        "<LibreOffice startar>",
    ]
    assert _progress_lines(result.stderr) == [
        "beslut: läser innehållet…",
        "beslut: startar LibreOffice…",
        "beslut: renderar klart (5)",
        "beslut: konverterar klart (5)",
        "beslut: sätter ihop handlingar för 2025-10-01-hsn…",
        "beslut: publicerar…",
    ]
    assert lines[-1].startswith("beslut: 6 ändrade, 0 oförändrade · ")
    assert (root / "output" / "möten" / "2025-10-01-hsn" / "handlingar.pdf").is_file()


def test_progress_keeps_json_and_quiet_clean(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace(CASES)
    monkeypatch.setattr(pipeline, "LibreOfficeConverter", _RecordingConverter)
    result = CliRunner().invoke(cli, ["build", str(root), "--format", "pdf,json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True
    assert "…" not in result.stderr and "klart" not in result.stderr
    result = CliRunner().invoke(cli, ["build", str(root), "--tvinga", "-q"])
    assert result.exit_code == 0
    assert result.stderr == "<LibreOffice startar>\n"  # only the fake's own marker


def test_the_cli_announces_what_the_pipeline_calls_reading() -> None:
    assert main.READING == api.READING == pipeline.READING == stages.READING
    assert main.ASSEMBLING == api.ASSEMBLING == pipeline.ASSEMBLING == stages.ASSEMBLING


def test_progress_on_a_terminal_uses_a_bar_and_still_prints_the_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    progress = _Progress(False, terminal=True)
    progress(pipeline.READING, 0, 0)
    progress(pipeline.READING, 0, 0)  # announced once only
    for done in range(1, 6):
        progress(pipeline.RENDERING, done, 5)
    assert progress.bar is not None and progress.tasks.keys() == {pipeline.RENDERING}
    assert progress.bar.tasks == []  # a finished stage leaves its line, not its bar
    progress(f"{pipeline.ASSEMBLING} m", 1, 2)
    progress.stop()
    err = capsys.readouterr().err
    assert err.count("beslut: läser innehållet…") == 1
    assert err.count("beslut: renderar klart (5)") == 1
    assert "beslut: sätter ihop handlingar för m (1 av 2)…" in err


@pytest.mark.libreoffice
def test_build_of_a_new_workspace_with_libreoffice_shows_progress_first(
    tmp_path: Path, require_libreoffice: None
) -> None:
    root = tmp_path / "ny"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    started = time.monotonic()
    with subprocess.Popen(
        [sys.executable, "-u", "-m", "beslut", "build", str(root)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    ) as process:
        assert process.stderr is not None
        timed = [(time.monotonic() - started, line.rstrip("\n")) for line in process.stderr]
        assert process.wait(180) == 0, timed
    lines = [line for _, line in timed]
    assert lines[:2] == ["beslut: läser innehållet…", "beslut: startar LibreOffice…"], lines
    assert lines[-2] == "beslut: publicerar…"
    assert lines[-1].startswith("beslut: 1 ändrad, 0 oförändrade · ")
    # the first line comes before the build's own work (most of the time is LibreOffice)
    assert timed[0][0] < timed[-1][0] / 2, timed


# --------------------------------------------------------------------------- watch

A = "content/ärenden/a1.md"


class _Clock:
    """A fixed clock that moves on by one second each time it is read."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 13, 14, 3, 12)

    def __call__(self) -> dt.datetime:
        current = self.now
        self.now += dt.timedelta(seconds=1)
        return current


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


class _Recorder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.results = 0
        self.arrived = threading.Event()

    def echo(self, text: str, **_options: Any) -> None:
        self.lines.append(text)

    def wait(self, count: int) -> list[str]:
        deadline = time.monotonic() + 30
        while self.results < count:
            assert time.monotonic() < deadline, self.lines
            time.sleep(0.05)
        return self.lines


def _seconds(line: str) -> str:
    return re.sub(r" · \d+,\d s", " · N s", line)


def test_watch_prints_start_changes_result_and_that_errors_are_fixed(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_workspace({A: CASE})
    watching = threading.Event()
    real_watch = watch_module.watchfiles.watch

    def watch_files(*args: Any, **kwargs: Any) -> Iterator[Any]:
        watching.set()  # the first build is done; the file watcher starts now
        yield from real_watch(*args, **kwargs)

    monkeypatch.setattr(watch_module.watchfiles, "watch", watch_files)
    recorder = _Recorder()
    printer = _WatchPrinter(now=_Clock(), echo=recorder.echo)

    def finished(result: object) -> None:
        printer.finished(result)
        recorder.results += 1

    stop = threading.Event()
    thread = threading.Thread(
        target=api.watch,
        args=(root, finished),
        kwargs={
            "stop": stop,
            "converter": FakeConverter(),
            "formats": ("docx",),
            "on_start": printer.started,
        },
        daemon=True,
    )
    thread.start()
    try:
        recorder.wait(1)
        assert watching.wait(20)
        time.sleep(0.5)
        _edit(root / A, "datum: 2025-09-10", "datum: 2025-02-30")
        recorder.wait(2)
        time.sleep(0.3)
        _edit(root / A, "datum: 2025-02-30", "datum: 2025-09-11")
        lines = recorder.wait(3)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    shown = [_seconds(line) for line in lines if not line.startswith(A)]
    assert shown == [
        "[14:03:12] bygger…",
        "[14:03:13] klart: 1 ändrad, 0 fel, 0 varningar · N s",
        f"[14:03:14] ändrat: {A} — bygger om…",
        f"beslut: 1 kunde inte byggas och publicerades inte: {A}",
        "[14:03:15] klart med fel: 0 ändrade, 1 fel, 0 varningar · N s. Rätta felen ovan och "
        "spara igen.",
        f"[14:03:16] ändrat: {A} — bygger om…",
        "[14:03:17] klart: 1 ändrad, 0 fel, 0 varningar · N s",
        "[14:03:18] felen från förra bygget är åtgärdade; de visas inte längre.",
    ], lines
    findings = [line for line in lines if line.startswith(A)]
    assert len(findings) == 1 and findings[0].endswith("[ogiltigt-datum]"), findings
    assert lines.index(findings[0]) == 3  # the error comes before its result line


def test_watch_names_a_few_changed_files_then_how_many_more() -> None:
    recorder = _Recorder()
    printer = _WatchPrinter(now=_Clock(), echo=recorder.echo)
    files = tuple(f"content/ärenden/{name}.md" for name in "abcde")
    printer.started(files[:3])
    printer.started(files)
    assert recorder.lines == [
        "[14:03:12] ändrat: content/ärenden/a.md, content/ärenden/b.md, content/ärenden/c.md "
        "— bygger om…",
        "[14:03:13] ändrat: content/ärenden/a.md, content/ärenden/b.md, content/ärenden/c.md "
        "och 2 till — bygger om…",
    ]


def test_watch_in_a_pipe_prints_plain_lines_without_escape_codes(
    make_workspace: MakeWorkspace,
) -> None:
    """Through the real command (stderr a pipe, TERM=dumb): no colour or cursor codes."""
    root = make_workspace({A: CASE})
    process = subprocess.Popen(
        [sys.executable, "-m", "beslut", "watch", "--format", "docx", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TERM": "dumb"},
    )
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline() for _ in range(3)]
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert lines[0] == "beslut: bevakar content/ och templates/ – avsluta med Ctrl-C.\n"
    assert lines[1].endswith(" bygger…\n") and lines[1].startswith("[")
    assert lines[2].split("] ", 1)[1].startswith("klart: 1 ändrad, 0 fel, 0 varningar · ")
    assert not any("\x1b" in line for line in lines)


def test_watch_ignores_temporary_files_of_editors_and_tools(tmp_path: Path) -> None:
    """``sed -i`` and editors write temporary files next to the real one: they are not shown
    as changed and do not start a build; files the build reads and folders do."""
    import watchfiles

    from beslut.watching import _relevant

    folder = tmp_path / "content" / "ärenden"
    folder.mkdir(parents=True)
    modified = watchfiles.Change.modified
    for name in ("sedLuWcH1", "~$mall.docx", ".KS-1.md.swp", "KS-1.md~", "4913", "x.tmp"):
        assert not _relevant(modified, str(folder / name)), name
    for name in ("KS-1.md", "möte.yaml", "bilaga.PDF", "logga.svg", "mall.docx"):
        assert _relevant(modified, str(folder / name)), name
    assert _relevant(watchfiles.Change.added, str(folder))
