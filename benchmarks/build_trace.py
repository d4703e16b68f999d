"""Where a cold ``beslut build`` spends its time: stage timestamps, worker timeline, CPU.

Runs ``beslut build WORKSPACE`` in this process (as ``python -m beslut build`` would, but
without the build service: ``BESLUT_TJANST=av``) with timing wrappers around the pipeline's
stages and the LibreOffice workers, and samples the CPU time of this process and of every
``soffice.bin`` below it. Prints a JSON object (``--json``)
or a table. Used by ``bench_build.py --breakdown``; the wrappers only observe, they change
nothing the build does.

    python benchmarks/build_trace.py WORKSPACE [--json]
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before any beslut import

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

EVENTS: list[tuple[str, str, float, float]] = []
"""(what, thread, start, end), seconds since T0."""
_LOCK = threading.Lock()


def _now() -> float:
    return time.perf_counter() - T0


def _record(what: str, start: float, end: float) -> None:
    with _LOCK:
        EVENTS.append((what, threading.current_thread().name, start, end))


def _wrap(owner: Any, name: str, label: str | None = None) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = _now()
        try:
            return original(*args, **kwargs)
        finally:
            _record(label or name, start, _now())

    setattr(owner, name, wrapper)


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime (of this process only)


def _descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` (from /proc/*/task/*/children: cheap, unlike a /proc scan)."""
    result: dict[int, str] = {}
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child in result:
                    continue
                try:
                    stat = Path(f"/proc/{child}/stat").read_text()
                except OSError:
                    continue
                result[child] = stat[stat.index("(") + 1 : stat.rindex(")")]
                frontier.append(child)
    return result


class CpuSampler(threading.Thread):
    """Samples CPU seconds of this process and its soffice.bin / UNO children every 0.1 s."""

    def __init__(self) -> None:
        super().__init__(name="trace-cpu", daemon=True)
        self.stop = threading.Event()
        self.seen: dict[int, tuple[str, int]] = {}
        self.samples: list[tuple[float, float, float]] = []  # t, python s, soffice s

    def run(self) -> None:
        hz = os.sysconf("SC_CLK_TCK")
        me = os.getpid()
        while not self.stop.wait(0.25):
            for pid, name in _descendants(me).items():
                ticks = _ticks(pid)
                if ticks:
                    self.seen[pid] = (name, ticks)
            office = sum(t for n, t in self.seen.values() if n.startswith("soffice"))
            self.samples.append((_now(), _ticks(me) / hz, office / hz))

    def totals(self) -> dict[str, float]:
        hz = os.sysconf("SC_CLK_TCK")
        out: dict[str, float] = {"beslut (python)": _ticks(os.getpid()) / hz}
        for name, ticks in self.seen.values():
            key = "soffice" if name.startswith("soffice") else name
            out[key] = out.get(key, 0.0) + ticks / hz
        return {k: round(v, 2) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep-cache", action="store_true", help="töm inte .beslut-cache")
    args = parser.parse_args()
    root = args.workspace.resolve()
    shutil.rmtree(root / "output", ignore_errors=True)
    if not args.keep_cache:
        shutil.rmtree(root / ".beslut-cache", ignore_errors=True)
    # The stages are only visible when the pipeline runs in this process: without this a
    # build is handed to the build service and the table shows one "cli build" line.
    os.environ["BESLUT_TJANST"] = "av"
    sampler = CpuSampler()
    sampler.start()

    start = _now()
    from beslut.cli import main as cli_main

    _record("import cli", start, _now())
    start = _now()
    from beslut import api, pipeline
    from beslut.convert import libreoffice

    _record("import pipeline", start, _now())

    _wrap(pipeline, "_load_workspace", "load+validate")
    _wrap(pipeline, "template_problems")
    _wrap(pipeline._Run, "_plan_cases", "plan")
    _wrap(pipeline, "render_case", "render")
    _wrap(pipeline, "write_bytes_atomic", "stage docx")
    _wrap(pipeline._Run, "_publish", "publish")
    _wrap(pipeline._Run, "_assemble", "assemble")
    _wrap(pipeline._Run, "close", "close")
    _wrap(pipeline.state, "stamp_inputs", "stamp inputs")
    _wrap(libreoffice._Worker, "start", "lo start")
    _wrap(libreoffice._Worker, "request", "lo convert")
    _wrap(libreoffice, "check_pdf", "check_pdf")
    _wrap(libreoffice, "finish_file", "finish")
    _wrap(libreoffice.LibreOfficeConverter, "convert", "convert call")
    _ = api
    code = 0
    start = _now()
    try:
        cli_main.main(["build", str(root), "--tyst"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    _record("cli build", start, _now())
    end = _now()
    sampler.stop.set()
    sampler.join()
    report = summarise(end, code, sampler)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print_table(report)


def _union(spans: list[tuple[float, float]]) -> float:
    total, last = 0.0, -1.0
    for a, b in sorted(spans):
        a = max(a, last)
        if b > a:
            total += b - a
            last = b
    return total


def summarise(end: float, code: int, sampler: CpuSampler) -> dict[str, Any]:
    stages: dict[str, dict[str, float]] = {}
    for what, _thread, a, b in EVENTS:
        s = stages.setdefault(what, {"first": a, "last": b, "sum": 0.0, "n": 0})
        s["first"] = min(s["first"], a)
        s["last"] = max(s["last"], b)
        s["sum"] += b - a
        s["n"] += 1
    workers: dict[str, dict[str, float]] = {}
    for what, thread, a, b in EVENTS:
        if what in ("lo convert", "check_pdf", "finish", "lo start"):
            w = workers.setdefault(thread, {"busy_lo": 0.0, "python": 0.0, "first": a, "last": b})
            w["first"] = min(w["first"], a)
            w["last"] = max(w["last"], b)
            w["busy_lo" if what in ("lo convert", "lo start") else "python"] += b - a
    converts = [(a, b) for what, _t, a, b in EVENTS if what == "lo convert"]
    first_convert = min((a for a, _ in converts), default=0.0)
    last_convert = max((b for _, b in converts), default=0.0)
    # How many LibreOffice workers were converting, integrated over the conversion window.
    points = sorted([(a, 1) for a, _ in converts] + [(b, -1) for _, b in converts])
    level, prev, spread = 0, first_convert, {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0}
    for t, step in points:
        spread[min(level, 3)] += t - prev
        level += step
        prev = t
    return {
        "exit": code,
        "total_s": round(end, 2),
        "stages": {
            k: {kk: round(vv, 3) for kk, vv in v.items()}
            for k, v in sorted(stages.items(), key=lambda kv: kv[1]["first"])
        },
        "workers": {k: {kk: round(vv, 2) for kk, vv in v.items()} for k, v in workers.items()},
        "conversion_window_s": [round(first_convert, 2), round(last_convert, 2)],
        "seconds_with_n_converting": {str(k): round(v, 2) for k, v in spread.items()},
        "cpu_s": sampler.totals(),
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"total {report['total_s']} s (exit {report['exit']})")
    print(f"{'stage':18} {'first':>7} {'last':>7} {'sum':>7} {'n':>4}")
    for name, s in report["stages"].items():
        print(f"{name:18} {s['first']:7.2f} {s['last']:7.2f} {s['sum']:7.2f} {int(s['n']):4}")
    print("workers:", json.dumps(report["workers"]))
    print("conversion window:", report["conversion_window_s"])
    print("seconds with n LibreOffice conversions running:", report["seconds_with_n_converting"])
    print("cpu seconds:", report["cpu_s"])


if __name__ == "__main__":
    sys.exit(main())
