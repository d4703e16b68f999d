"""Benchmark: one edit rebuilt in a warm process (what ``watch`` and the build service do).

The workspace of ``bench_incremental.py`` (the example, N synthetic cases, a 40-item meeting).
For each source folder given (default: this checkout's ``src``), a worker process imports that
beslut, keeps one LibreOffice converter and builds once; then the workers take turns, so that
both see the same machine load: one case is edited and ``api.build`` runs in the warm process.
Prints per edit the wall time, the CPU time (the process and its forked assembly workers) and
the time of the slowest stages, then the medians and, with two sources, their ratios.

    python benchmarks/bench_warm_edit.py --src /path/to/base/src --src src [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

_WORKER = r"""
import functools, json, os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from bench_incremental import edit
from beslut import api
import beslut.pipeline as pipeline
from beslut.convert.libreoffice import LibreOfficeConverter

stages = {}
def timed(owner, name):
    original = getattr(owner, name)
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            stages[name] = stages.get(name, 0.0) + time.perf_counter() - started
    setattr(owner, name, wrapper)
for name in ("_load_workspace", "template_problems"):
    timed(pipeline, name)
for name in ("_plan_cases", "_render_and_convert", "_assemble", "_publish"):
    timed(pipeline._Run, name)

workspace = Path(sys.argv[1])
converter = LibreOfficeConverter(profile_root=workspace / ".beslut-cache" / "libreoffice")
api.build(workspace, converter=converter)
print(json.dumps({"ready": True}), flush=True)
for number, _line in enumerate(sys.stdin):
    edit(workspace, f"varm {number}")
    stages.clear()
    before = os.times()
    started = time.perf_counter()
    report = api.build(workspace, converter=converter)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = sum(after[:4]) - sum(before[:4])
    print(json.dumps({"wall": wall, "cpu": cpu, "ok": report.ok, "stages": stages}), flush=True)
converter.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", type=Path, help="a beslut src folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    sources: list[Path] = [s.resolve() for s in (args.src or [REPO / "src"])]
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_incremental import prepare

    with tempfile.TemporaryDirectory(prefix="bench-warm-") as temp:
        base = prepare(Path(temp) / "ws", args.n, 40)
        workers = []
        for index, src in enumerate(sources):
            workspace = Path(temp) / f"ws{index}"
            shutil.copytree(base, workspace)
            env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{REPO / 'benchmarks'}"}
            worker = subprocess.Popen(
                [sys.executable, "-c", _WORKER, str(workspace), str(src)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            assert worker.stdout is not None
            json.loads(worker.stdout.readline())  # built once: warm
            workers.append(worker)
        results: list[list[dict[str, object]]] = [[] for _ in sources]
        for run in range(args.runs):
            for index, worker in enumerate(workers):
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write("edit\n")
                worker.stdin.flush()
                result = json.loads(worker.stdout.readline())
                results[index].append(result)
                slowest = sorted(result["stages"].items(), key=lambda kv: -kv[1])[:4]  # type: ignore[union-attr]
                stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in slowest)
                print(
                    f"run {run} {sources[index]}: wall {result['wall']:.2f} s, "
                    f"cpu {result['cpu']:.2f} s, ok={result['ok']} ({stages})"
                )
        for worker in workers:
            assert worker.stdin is not None
            worker.stdin.close()
            worker.wait()
    medians = []
    for src, runs in zip(sources, results, strict=True):
        wall = statistics.median(float(r["wall"]) for r in runs)  # type: ignore[arg-type]
        cpu = statistics.median(float(r["cpu"]) for r in runs)  # type: ignore[arg-type]
        medians.append((wall, cpu))
        print(f"median {src}: wall {wall:.2f} s, cpu {cpu:.2f} s")
    if len(medians) == 2:
        (wall0, cpu0), (wall1, cpu1) = medians
        print(f"ratio (second / first): wall {wall1 / wall0:.2f}, cpu {cpu1 / cpu0:.2f}")


if __name__ == "__main__":
    main()
