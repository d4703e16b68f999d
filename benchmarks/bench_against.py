"""Benchmark: this checkout against an earlier commit, on the same workspace, in one run.

Makes a git worktree of BASE, copies this checkout's example workspace (``content/``,
``templates/``) twice, and alternates full builds (``beslut build --tvinga``) and no-op builds
of the two code versions, so that both see the same machine load. Prints every time and the
medians with their ratio (this checkout / BASE); absolute times drift between runs, ratios less.

    python benchmarks/bench_against.py 49e475c [--runs 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _build(src: Path, workspace: Path, *, force: bool) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "beslut", "build", *(["--tvinga"] if force else []), "."]
    started = time.perf_counter()
    subprocess.run(command, cwd=workspace, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare with, e.g. 49e475c")
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-against-") as temp:
        tmp = Path(temp)
        base_tree = tmp / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base_tree), args.base],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        try:
            sources = {"base": base_tree / "src", "head": REPO / "src"}
            spaces = {}
            for name in sources:
                space = tmp / f"ws-{name}"
                for folder in ("content", "templates"):
                    shutil.copytree(REPO / folder, space / folder)
                (space / "output").mkdir()
                spaces[name] = space
            times: dict[tuple[str, str], list[float]] = {}
            for run in range(args.runs):
                for name, src in sources.items():
                    for kind, force in (("full", True), ("no-op", False)):
                        took = _build(src, spaces[name], force=force)
                        times.setdefault((kind, name), []).append(took)
                        print(f"{name:4} {kind:5} run {run + 1}: {took:6.2f} s", flush=True)
            for kind in ("full", "no-op"):
                base = statistics.median(times[(kind, "base")])
                head = statistics.median(times[(kind, "head")])
                print(f"{kind:5} median: base {base:.2f} s, head {head:.2f} s, {head / base:.2f}×")
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base_tree)], cwd=REPO, check=False
            )


if __name__ == "__main__":
    main()
