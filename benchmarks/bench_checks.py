"""Benchmark and cross-check of the content checks: this checkout against other beslut code.

For each workspace, the other code (``--base``, a ``src`` folder) and this checkout's run in
fresh processes, alternated so both see the same machine load. ``--compare`` writes every
diagnostic of a cold ``load_workspace`` and of ``beslut.checks.run`` alone (level, file, line,
column, message, code and fix) from both and says whether they are identical. Without it, the
CPU seconds (``time.process_time``) of ``checks.run`` inside a cold ``load_workspace``, of the
whole load and of a second, standalone cold ``checks.run`` are printed, best of ``--runs``.
The findings' disk cache is off in both.

    python benchmarks/generate.py /tmp/gen --n 100
    python benchmarks/bench_checks.py --base /path/to/main/src /tmp/gen
    python benchmarks/bench_checks.py --base /path/to/main/src --compare /tmp/gen content/..
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _cold(root: Path) -> tuple[Any, ...] | None:
    """Load the workspace and return the arguments it gave ``checks.run`` (None: no profile),
    with every cache the checks keep in memory emptied again."""
    import beslut.checks as checks
    from beslut.checks import base
    from beslut.validate import workspace

    captured: dict[str, tuple[Any, ...]] = {}
    real = checks.run

    def capture(*args: Any) -> Any:
        captured["args"] = args
        return real(*args)

    checks.run = capture  # type: ignore[assignment]
    try:
        workspace.load_workspace(root)
    finally:
        checks.run = real
    base._DOCUMENTS.clear()
    for item in gc.get_objects():
        if isinstance(item, functools._lru_cache_wrapper) and str(
            getattr(item, "__module__", "")
        ).startswith("beslut."):
            item.cache_clear()
    return captured.get("args")


def _encode(item: Any) -> str:
    data = item.to_dict()
    if item.fix is not None:
        fix = item.fix
        data["fix"] = [fix.line, fix.column, fix.end_line, fix.end_column, fix.replacement]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _worker(mode: str, out: Path, roots: list[Path]) -> None:
    """Run in a child process with PYTHONPATH set to the code under test."""
    import beslut.checks as checks
    from beslut.checks import base
    from beslut.validate import findings_cache, workspace

    findings_cache.FindingsCache._load = lambda self: {}  # type: ignore[method-assign]
    findings_cache.FindingsCache.save = lambda self: None  # type: ignore[method-assign]
    real = checks.run
    lines = []
    spent: dict[str, float] = {}
    for root in roots:
        if mode == "time":
            spent.clear()

            def timed(*args: Any) -> Any:
                started = time.process_time()
                found = real(*args)
                spent["checks"] = time.process_time() - started
                return found

            checks.run = timed  # type: ignore[assignment]
            started = time.process_time()
            workspace.load_workspace(root)
            load = time.process_time() - started
            checks.run = real
            args = _cold(root)
            started = time.process_time()
            if args is not None:
                real(*args)
            alone = time.process_time() - started
            lines.append(json.dumps([spent.get("checks", 0.0), load, alone]))
            continue
        lines.append(f"=== {root.name}")
        args = _cold(root)
        lines.extend(_encode(d) for d in (real(*args) if args is not None else []))
        lines.append("--- load_workspace")
        base._DOCUMENTS.clear()
        lines.extend(_encode(d) for d in workspace.load_workspace(root).diagnostics)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _run(src: Path, mode: str, roots: list[Path], out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src), "BESLUT_TJANST": "av"}
    command = [sys.executable, __file__, "--worker", mode, str(out), *map(str, roots)]
    subprocess.run(command, env=env, check=True, cwd=tempfile.gettempdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=Path, help="the other code's src folder")
    parser.add_argument("--compare", action="store_true", help="compare findings, no timing")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("workspaces", nargs="+", type=Path)
    options = parser.parse_args()
    roots = [p.resolve() for p in options.workspaces]
    if options.worker:
        _worker(options.worker[0], Path(options.worker[1]), roots)
        return
    if options.base is None:
        parser.error("--base is needed")
    mine = REPO / "src"
    with tempfile.TemporaryDirectory() as folder:
        a, b = Path(folder) / "base.txt", Path(folder) / "mine.txt"
        if options.compare:
            _run(options.base, "dump", roots, a)
            _run(mine, "dump", roots, b)
            same = a.read_text("utf-8") == b.read_text("utf-8")
            count = sum(1 for line in a.read_text("utf-8").splitlines() if line.startswith("{"))
            print(f"{count} diagnostics; {'identical' if same else 'DIFFERENT'}")
            sys.exit(0 if same else 1)
        best: dict[str, list[float]] = {}
        for _ in range(options.runs):
            for name, src, out in (("base", options.base, a), ("mine", mine, b)):
                _run(src, "time", roots, out)
                times = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
                total = [sum(t[i] for t in times) for i in range(3)]
                print(name, " ".join(f"{t:.3f}" for t in total))
                best[name] = [min(x, y) for x, y in zip(best.get(name, total), total, strict=True)]
        labels = ("checks in load", "whole load", "checks alone")
        for index, label in enumerate(labels):
            old, new = best["base"][index], best["mine"][index]
            print(f"{label}: base {old:.3f} s, mine {new:.3f} s, ratio {old / new:.2f}")


if __name__ == "__main__":
    main()
