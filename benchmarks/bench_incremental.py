"""Benchmark: incremental builds and watch mode on a realistic workspace.

The example workspace plus N synthetic cases and a 40-item meeting of synthetic cases. Measures,
in one run: a cold full build, a no-op build, one case edited (``beslut build``, a new process as
a user runs it: median of 5 through the workspace's build service, and median of 5 in the
process itself with BESLUT_TJANST=av), and one case edited under ``beslut watch`` (from saving to
the rebuilt packet). For the service, the build time inside the service (the report's
``seconds``) is printed beside the wall time; the rest is the client: Python's start, imports,
the connection and printing.

    python benchmarks/bench_incremental.py --n 100
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from generate import example_workspace, generate

REPO = Path(__file__).resolve().parents[1]
BESLUT = [sys.executable, "-m", "beslut"]


def _meeting(items: int) -> str:
    lines = [
        "typ: sammanträde",
        "instans: hsn",
        "datum: 2026-11-30",
        'tid: "09.00"',
        "plats: Regionens hus",
        "ordförande: {namn: Gilbert Tribo}",
        "sekreterare: {namn: Eva Lind}",
        "ärenden:",
        "  - typ: justerare",
        "  - typ: föredragningslista",
    ]
    for index in range(items):
        lines += ["  - typ: beslut", f"    diarienummer: 26HSN{1000 + index}"]
    return "\n".join(lines) + "\n"


def prepare(folder: Path, n: int, items: int) -> Path:
    workspace = example_workspace(folder / "arbetsyta")
    synthetic = generate(folder / "syntetiskt", n)
    for case in (synthetic / "content" / "ärenden").glob("*.md"):
        shutil.copy(case, workspace / "content" / "ärenden" / case.name)
    (workspace / "content" / "möten" / "2026-11-30-hsn.yaml").write_text(_meeting(items), "utf-8")
    return workspace


def timed(*args: str, service: bool = False) -> float:
    """Wall seconds of one ``beslut build`` process."""
    return _run(*args, service=service)[0]


def timed_report(*args: str, service: bool = False) -> tuple[float, float]:
    """Wall seconds of one ``beslut build`` process, run as a user runs it (text output, with
    its progress lines), and the build's own seconds from its summary line."""
    wall, stderr = _run(*args, service=service)
    found = re.findall(r"· (\d+(?:,\d+)?) s", stderr)
    if not found:
        raise SystemExit(f"no summary line in: {stderr[-500:]}")
    return wall, float(found[-1].replace(",", "."))


def _run(*args: str, service: bool) -> tuple[float, str]:
    env = dict(os.environ)
    if service:
        env.pop("BESLUT_TJANST", None)
        env.pop("BESLUT_TJÄNST", None)
    else:
        env["BESLUT_TJANST"] = "av"
    started = time.perf_counter()
    done = subprocess.run([*BESLUT, *args], check=True, capture_output=True, text=True, env=env)
    return time.perf_counter() - started, done.stderr


def edits(
    workspace: Path, label: str, *, service: bool, times: int = 5
) -> list[tuple[float, float]]:
    """``times`` rounds of: edit one case, ``beslut build``; wall and build seconds of each."""
    found = []
    for index in range(times):
        edit(workspace, f"{label} {index}")
        found.append(timed_report("build", str(workspace), service=service))
    return found


def edit(workspace: Path, marker: str) -> None:
    case = workspace / "content" / "ärenden" / "syntetiskt-0003.md"
    case.write_text(case.read_text("utf-8") + f"\nÄndrad mening {marker}.\n", "utf-8")


def watch_edit(workspace: Path) -> tuple[float, float]:
    """Seconds from saving an edit to the end of the rebuild under a running watcher: the first
    edit after it started, and the next one."""
    sys.path.insert(0, str(REPO / "src"))
    from beslut import api

    stop = threading.Event()
    reports: list[tuple[float, object]] = []
    ready = threading.Event()

    def listener(result: object) -> None:
        reports.append((time.perf_counter(), result))
        ready.set()

    thread = threading.Thread(
        target=api.watch, args=(workspace, listener), kwargs={"stop": stop}, daemon=True
    )
    thread.start()
    ready.wait(300)  # the initial (no-op) build
    time.sleep(0.5)
    seconds = []
    for round_ in range(2):  # the first edit after start reads every file; the second is warm
        ready.clear()
        saved = time.perf_counter()
        edit(workspace, f"under bevakning {round_}")
        ready.wait(300)
        done, report = reports[-1]
        changed = getattr(report, "changed", ())
        assert any("syntetiskt-0003" in c for c in changed), report
        seconds.append(done - saved)
        time.sleep(0.5)
    stop.set()
    thread.join(30)
    return seconds[0], seconds[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--items", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="beslut-inkr-") as tmp:
        workspace = prepare(Path(tmp), args.n, args.items)
        full = timed("build", str(workspace), "--tyst")
        noop = min(timed("build", str(workspace), "--tyst") for _ in range(3))
        local = edits(workspace, "i processen", service=False)
        edit(workspace, "tjänsten startar")
        first = timed_report("build", str(workspace), service=True)  # starts the service
        served = edits(workspace, "genom tjänsten", service=True)
        subprocess.run(
            [*BESLUT, "tjänst", "stopp", str(workspace)], check=True, capture_output=True
        )
        watched = watch_edit(workspace)  # watch borrows LibreOffice from a service it starts
        subprocess.run(
            [*BESLUT, "tjänst", "stopp", str(workspace)], check=True, capture_output=True
        )
        units = len(list((workspace / "content" / "ärenden").glob("*.md"))) + 1
    wall = statistics.median(w for w, _ in served)
    inside = statistics.median(b for _, b in served)
    result = {
        "cases_and_meetings": units,
        "full_build_s": round(full, 2),
        "noop_build_s": round(noop, 3),
        "one_case_edited_build_s": round(wall, 2),
        "one_case_edited_build_in_service_s": round(inside, 2),
        "one_case_edited_build_client_s": round(wall - inside, 2),
        "one_case_edited_build_in_process_s": round(statistics.median(w for w, _ in local), 2),
        "first_build_starting_the_service_s": round(first[0], 2),
        "one_case_edited_watch_s": round(watched[1], 2),
        "first_edit_after_watch_started_s": round(watched[0], 2),
        "service_runs_s": [round(w, 2) for w, _ in served],
        "in_process_runs_s": [round(w, 2) for w, _ in local],
    }
    print(json.dumps(result, ensure_ascii=False))
    print(
        "mål: no-op ≤ 0,5 s; en ändring ≤ 1 s med build (median av 5, genom byggtjänsten) "
        "och ≤ 1 s under watch"
    )


if __name__ == "__main__":
    main()
