"""Benchmark: what the content checks cost in ``beslut check`` and in watch mode.

The example workspace plus N synthetic cases. Measures, in one run:

* ``beslut check`` as a user runs it (a new process each time), with the content checks and
  with validation only (the baseline: the same run with the checks replaced by a no-op);
* the same in one process after one case was edited (what ``beslut watch`` pays per save),
  with and without the checks;
* the disk cache of one-file findings (``.beslut-cache/fynd/``): a cold ``beslut check`` with
  the cache emptied (first run) and again with it filled (second run), each a new process, and
  the ratio. ``--cache-only`` measures just that.

    python benchmarks/bench_check.py --n 200
    python benchmarks/bench_check.py --n 100 --cache-only
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import generate

REPO = Path(__file__).resolve().parents[1]

_RUN = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
import beslut.checks as checks
if sys.argv[2] == "off":
    checks.run = lambda root, profile, source, cases, meetings, found: list(found)
from beslut import api
diagnostics = api.check(Path(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - started, "count": len(diagnostics)}))
"""

_COLD = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
import beslut.checks as checks
from beslut.render.case import check_templates
from beslut.validate.workspace import load_workspace
real, spent = checks.run, []
def timed(*args):
    began = time.perf_counter()
    result = real(*args)
    spent.append(time.perf_counter() - began)
    return result
checks.run = timed
imported = time.perf_counter()
workspace = load_workspace(Path(sys.argv[1]))
loaded = time.perf_counter()
count = len(workspace.diagnostics) + len(check_templates(workspace))
print(json.dumps({"seconds": time.perf_counter() - started, "load": loaded - imported,
                  "checks": spent[0], "count": count}))
"""

_WATCH = """
import json, sys, time
from pathlib import Path
import beslut.checks as checks
from beslut.validate.workspace import load_workspace
root = Path(sys.argv[1])
real = checks.run
if sys.argv[2] == "off":
    checks.run = lambda root, profile, source, cases, meetings, found: list(found)
load_workspace(root)
case = sorted((root / "content" / "ärenden").glob("syntetiskt-*.md"))[0]
text = case.read_text("utf-8")
times = []
for round in range(7):
    case.write_text(text.replace("## Sammanfattning\\n", f"## Sammanfattning\\n\\nÄndring {round}.\\n", 1), "utf-8")
    started = time.perf_counter()
    load_workspace(root)
    times.append(time.perf_counter() - started)
case.write_text(text, "utf-8")
print(json.dumps({"seconds": sorted(times)[len(times) // 2]}))
"""


def _python(code: str, root: Path, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, str(root), mode], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def _median_wall(root: Path, mode: str, repeat: int) -> tuple[float, float, int]:
    walls, inner, count = [], [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = _python(_RUN, root, mode)
        walls.append(time.perf_counter() - started)
        inner.append(result["seconds"])
        count = int(result["count"])
    return statistics.median(walls), statistics.median(inner), count


def _cache_runs(root: Path, repeat: int) -> None:
    """A cold check with the findings cache emptied, then one with it filled: new processes."""
    first: list[tuple[float, float, float]] = []
    second: list[tuple[float, float, float]] = []
    counts = set()
    for _ in range(repeat):
        shutil.rmtree(root / ".beslut-cache" / "fynd", ignore_errors=True)
        for runs in (first, second):
            started = time.perf_counter()
            result = _python(_COLD, root, "on")
            runs.append((time.perf_counter() - started, result["load"], result["checks"]))
            counts.add(int(result["count"]))
    assert len(counts) == 1, f"the cached run found other diagnostics: {counts}"
    (wall1, load1, checks1), (wall2, load2, checks2) = (
        tuple(statistics.median(r[i] for r in runs) for i in range(3)) for runs in (first, second)
    )
    print(
        f"beslut check, new process, findings cache (.beslut-cache/fynd) empty → filled "
        f"(median of {repeat}), {counts.pop()} diagnostics both times:\n"
        f"  content checks (checks.run) {checks1:.2f} s → {checks2:.2f} s "
        f"(ratio {checks2 / checks1:.2f})\n"
        f"  load + validate + checks    {load1:.2f} s → {load2:.2f} s (ratio {load2 / load1:.2f})\n"
        f"  whole check (renders every case too) {wall1:.2f} s → {wall2:.2f} s "
        f"(ratio {wall2 / wall1:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache-only", action="store_true", help="measure only the findings cache")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = generate(Path(tmp) / "ws", args.n)
        for folder in ("ärenden", "möten", "bilagor"):  # the example workspace too
            shutil.copytree(
                REPO / "content" / folder, root / "content" / folder, dirs_exist_ok=True
            )
        _python(_RUN, root, "on")  # fill the attachment-text cache, as a first check does
        print(f"workspace: the example content + {args.n} synthetic cases")
        _cache_runs(root, args.repeat)
        if args.cache_only:
            return
        on_wall, on_inner, found = _median_wall(root, "on", args.repeat)
        off_wall, off_inner, base = _median_wall(root, "off", args.repeat)
        watch_on = _python(_WATCH, root, "on")["seconds"]
        watch_off = _python(_WATCH, root, "off")["seconds"]
    print(
        f"beslut check, new process:   with checks {on_wall:.2f} s ({on_inner:.2f} s inside), "
        f"validation only {off_wall:.2f} s ({off_inner:.2f} s inside), ratio {on_wall / off_wall:.2f}"
    )
    print(f"  diagnostics: {found} with checks, {base} without")
    print(
        f"one case edited, same process (watch): with checks {watch_on * 1000:.0f} ms, "
        f"validation only {watch_off * 1000:.0f} ms, "
        f"checks add {(watch_on - watch_off) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
