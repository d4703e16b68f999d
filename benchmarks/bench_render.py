"""Benchmark: the CPU of rendering every case of a workspace to .docx, this checkout against
another source tree, in one run; and whether the two give the same documents.

Each run is a new process per source tree (alternated, so both see the same machine load): it
loads the workspace, then measures ``time.process_time()`` around ``render_case`` for every
case. Prints every run, the best of each and their ratio (this checkout / BASE), then compares
every part of every .docx the two rendered (the zip's time stamps aside, which python-docx
sets to the time of writing).

    python benchmarks/bench_render.py --base /path/to/other/src WORKSPACE [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _worker(workspace: Path, out: Path) -> None:
    from beslut.render.case import RenderError, render_case
    from beslut.validate.workspace import load_workspace

    loaded = load_workspace(workspace)
    assert loaded.profile is not None, "the workspace has no valid profile"
    documents: dict[str, bytes | str] = {}
    started = time.process_time()
    for case in loaded.cases:
        try:
            documents[case.rel] = render_case(case, loaded.profile, loaded.root).data
        except RenderError as exc:
            documents[case.rel] = str(exc)
    took = time.process_time() - started
    out.mkdir(parents=True, exist_ok=True)
    for index, (_rel, data) in enumerate(sorted(documents.items())):
        name = f"{index:04d}.{'docx' if isinstance(data, bytes) else 'txt'}"
        target = out / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    print(json.dumps({"cpu": took, "cases": len(documents)}))


def _run(src: Path, workspace: Path, out: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "BESLUT_TJANST": "av"}
    command = [sys.executable, __file__, "--worker", str(out), str(workspace)]
    result = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return float(json.loads(result.stdout.strip().splitlines()[-1])["cpu"])


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _differences(base: Path, head: Path) -> list[str]:
    names = sorted(p.name for p in base.iterdir())
    if names != sorted(p.name for p in head.iterdir()):
        return ["the two rendered different sets of cases"]
    found = []
    for name in names:
        if name.endswith(".docx"):
            ours, theirs = _members(head / name), _members(base / name)
            if list(ours) != list(theirs):
                found.append(f"{name}: other parts")
            found.extend(f"{name}: {part}" for part in ours if ours[part] != theirs.get(part))
        elif (base / name).read_bytes() != (head / name).read_bytes():
            found.append(f"{name}: another error")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--base", type=Path, help="the other source tree (its src/)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        _worker(args.workspace, args.worker)
        return
    if args.base is None:
        parser.error("--base is needed")
    sources = {"base": args.base.resolve(), "head": REPO / "src"}
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-render-") as temp:
        for run in range(args.runs):
            for name, src in sources.items():
                took = _run(src, args.workspace.resolve(), Path(temp) / f"{name}-{run}")
                best[name] = min(best.get(name, took), took)
                print(f"{name} run {run + 1}: {took:.3f} CPU-s", flush=True)
        ratio = best["head"] / best["base"]
        print(f"best: base {best['base']:.3f}, head {best['head']:.3f} CPU-s, {ratio:.2f}×")
        differences = _differences(Path(temp) / "base-0", Path(temp) / "head-0")
        print("documents: " + ("the same" if not differences else "; ".join(differences[:20])))
        if differences:
            sys.exit(1)


if __name__ == "__main__":
    main()
