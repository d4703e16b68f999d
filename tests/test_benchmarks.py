"""The benchmarks' generated workspace stays buildable: nothing else runs the benchmarks, and a
profile that gained a logo once stopped every benchmark at ``logotyp-fel`` unnoticed."""

from __future__ import annotations

import sys
from pathlib import Path

from beslut import api
from beslut.diagnostics import Level

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate


def test_the_generated_workspace_has_no_errors(tmp_path: Path) -> None:
    root = generate(tmp_path / "arbetsyta", 3)
    errors = [d.format() for d in api.check(root) if d.level is Level.ERROR]
    assert errors == []  # what beslut check and build report, templates and logos included
    assert len(api.load_workspace(root).cases) == 3
