"""The shared test helpers: a missing tool or seeds folder skips locally but fails in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import need_seeds


def test_missing_seeds_fail_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="saknas i CI"):
        need_seeds(tmp_path / "frön")
    (tmp_path / "tom").mkdir()
    with pytest.raises(pytest.fail.Exception, match="saknas i CI"):
        need_seeds(tmp_path / "tom")  # an empty folder is as good as none


def test_missing_seeds_skip_outside_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        need_seeds(tmp_path / "frön")


def test_seeds_found(tmp_path: Path) -> None:
    (tmp_path / "001_x.txt").write_text("text", "utf-8")
    assert need_seeds(tmp_path) == tmp_path
