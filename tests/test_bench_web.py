"""``benchmarks/bench_web.py`` runs, tiny: a real ``beslut serve`` with the build service on,
saves of a three-page case, three users at once, and the server's memory read from /proc."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_web


@pytest.mark.usefixtures("require_libreoffice")
def test_bench_web_runs_tiny(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], _no_build_service: Path
) -> None:
    monkeypatch.delenv("BESLUT_TJANST")  # the service on, as users have it
    monkeypatch.setenv("BESLUT_TJANST_VILA", "60")
    figures = bench_web.main(
        ["--saves", "3", "--users", "3", "--user-saves", "2", "--memory-saves", "3",
         "--seconds", "120"]
    )  # fmt: skip
    assert figures["pages"] == 3
    assert figures["single_n"] == 3 and figures["users"] == 3 and figures["users_n"] == 6
    assert figures["memory_saves"] == 3
    for key in ("single_p50", "single_p95", "users_p50", "users_p95"):
        assert 0 < figures[key] < 60 and not math.isnan(figures[key])
    assert figures["single_p50"] <= figures["single_p95"]
    assert 20 < figures["rss_before_mib"] <= figures["rss_after_mib"] * 1.5
    printed = capsys.readouterr().out
    assert "python benchmarks/bench_web.py --saves 3" in printed
    assert "Spara → ny PDF, en användare (n=3)" in printed
    assert "Kvot p95 / mål 1 s" in printed
    # the benchmark stopped the service it started
    assert not list((_no_build_service / "beslut").glob("*.json"))
