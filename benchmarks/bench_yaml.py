"""Benchmark: CPU of reading YAML with positions (``beslut.load.yamlpos.load``), libyaml's C
route against ruamel's pure-Python route, in one run.

Collects every YAML text beslut reads from the example workspace and from N generated cases
(YAML files whole, Markdown front matter), exactly as ``load.source`` hands them over, then
loads them all with each route in turn, ``--repeat`` rounds alternated; prints the best CPU time
(``time.process_time``) of each and their ratio, and checks that both routes give the same data
and positions.

    python benchmarks/bench_yaml.py --n 100
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from generate import generate

import beslut.load.source as source
from beslut.load import yamlpos

REPO = Path(__file__).resolve().parents[1]


def texts_of(root: Path) -> list[tuple[str, int]]:
    """(text, line offset) of every YAML text beslut reads from ``root``'s content."""
    found: list[tuple[str, int]] = []
    original = source.load_yaml

    def record(text: str, *, line_offset: int = 0) -> Any:
        found.append((text, line_offset))
        return original(text, line_offset=line_offset)

    source.load_yaml = record
    try:
        for path in sorted((root / "content").rglob("*")):
            if path.suffix.lower() in source.CASE_SUFFIXES:
                rel = path.relative_to(root).as_posix()
                source.source_from_text(path, rel, path.read_text(encoding="utf-8"))
    finally:
        source.load_yaml = original
    return found


def load_all(texts: list[tuple[str, int]]) -> tuple[float, list[Any]]:
    started = time.process_time()
    results = [yamlpos.load(text, line_offset=offset) for text, offset in texts]
    return time.process_time() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="generated cases")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if yamlpos._CParser is None:
        raise SystemExit("ruamel.yaml.clib saknas: installera om (make venv)")
    with tempfile.TemporaryDirectory() as tmp:
        texts = texts_of(REPO) + texts_of(generate(Path(tmp) / "arbetsyta", args.n))
    c_parser = yamlpos._CParser
    times: dict[str, list[float]] = {"c": [], "pure": []}
    answers: dict[str, list[Any]] = {}
    for _ in range(args.repeat):
        for route in ("pure", "c"):
            yamlpos._CParser = c_parser if route == "c" else None
            spent, answers[route] = load_all(texts)
            times[route].append(spent)
    yamlpos._CParser = c_parser
    same = [(repr(d), p) for d, p in answers["c"]] == [(repr(d), p) for d, p in answers["pure"]]
    best = {route: min(spent) for route, spent in times.items()}
    print(
        json.dumps(
            {
                "texts": len(texts),
                "characters": sum(len(text) for text, _ in texts),
                "pure_cpu_s": round(best["pure"], 3),
                "c_cpu_s": round(best["c"], 3),
                "ratio": round(best["pure"] / best["c"], 1),
                "same_data_and_positions": same,
            }
        )
    )


if __name__ == "__main__":
    main()
