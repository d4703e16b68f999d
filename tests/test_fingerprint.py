"""The code fingerprint changes when a package file changes, and only then."""

from __future__ import annotations

import os
from pathlib import Path

from beslut import fingerprint


def test_stable_within_and_between_calls() -> None:
    first = fingerprint.code_fingerprint()
    fingerprint.code_fingerprint.cache_clear()
    assert fingerprint.code_fingerprint() == first
    assert len(first) == 20


def test_changes_when_a_package_file_changes(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    module = package / "a.py"
    module.write_text("x = 1\n")
    import pytest

    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(fingerprint, "PACKAGE_DIR", package)
        fingerprint.code_fingerprint.cache_clear()
        before = fingerprint.code_fingerprint()
        (package / "__pycache__").mkdir()
        (package / "__pycache__" / "a.cpython.pyc").write_bytes(b"x")
        fingerprint.code_fingerprint.cache_clear()
        assert fingerprint.code_fingerprint() == before  # compiled files do not count
        module.write_text("x = 22\n")
        os.utime(module, ns=(1, 1))
        fingerprint.code_fingerprint.cache_clear()
        assert fingerprint.code_fingerprint() != before
    finally:
        mp.undo()
        fingerprint.code_fingerprint.cache_clear()
