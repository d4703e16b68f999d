"""Paths from forms and URLs are resolved inside the workspace or refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from beslut.errors import UserError
from beslut.web.paths import PathRefused, relative, resolve_inside


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "arbetsyta"
    (workspace / "content" / "ärenden").mkdir(parents=True)
    (workspace / "content" / "ärenden" / "a.md").write_text("---\n---\n", encoding="utf-8")
    (tmp_path / "hemlig.txt").write_text("utanför", encoding="utf-8")
    return workspace


def test_a_path_inside_resolves_to_the_file(root: Path) -> None:
    found = resolve_inside(root, "content/ärenden/a.md")
    assert found == (root / "content" / "ärenden" / "a.md").resolve()
    assert found.read_text(encoding="utf-8") == "---\n---\n"
    assert relative(root, found) == "content/ärenden/a.md"
    assert resolve_inside(root, "content/./ärenden/a.md") == found


@pytest.mark.parametrize(
    ("rel", "why"),
    [
        ("../hemlig.txt", "uppåt ur mappen"),
        ("content/../../hemlig.txt", "uppåt ur mappen"),
        ("content/ärenden/../a.md", "uppåt ur mappen"),  # even when it would stay inside
        ("/etc/passwd", "absolut"),
        ("~/hemlig.txt", "absolut"),
        ("C:/Windows/win.ini", "enhetsbokstav"),
        ("content\\ärenden\\a.md", "innehåller \\"),
        ("content/ärenden/a.md\x00.pdf", "NUL-tecken"),
        ("", "ingen sökväg"),
    ],
)
def test_traversal_absolute_and_odd_paths_are_refused(root: Path, rel: str, why: str) -> None:
    with pytest.raises(PathRefused) as caught:
        resolve_inside(root, rel, must_exist=False)
    assert isinstance(caught.value, UserError)
    message = str(caught.value)
    assert "godtas inte" in message and "inom arbetsytan" in message and why in message


def test_a_symlink_out_of_the_workspace_is_refused(root: Path) -> None:
    outside = root.parent / "utanför"
    outside.mkdir()
    (outside / "fil.md").write_text("hemligt", encoding="utf-8")
    os.symlink(outside, root / "content" / "länk")
    os.symlink(root.parent / "hemlig.txt", root / "content" / "fil.txt")
    os.symlink(root.parent / "finns-inte.txt", root / "content" / "dinglar.txt")
    for rel in (
        "content/länk/fil.md",
        "content/länk/ny.md",
        "content/fil.txt",
        "content/dinglar.txt",
    ):
        with pytest.raises(PathRefused, match="symbolisk länk"):
            resolve_inside(root, rel, must_exist=False)


def test_a_symlink_that_stays_inside_is_followed(root: Path) -> None:
    os.symlink(root / "content" / "ärenden", root / "content" / "genväg")
    found = resolve_inside(root, "content/genväg/a.md")
    assert found == (root / "content" / "ärenden" / "a.md").resolve()


def test_a_missing_file_is_refused_only_when_it_must_exist(root: Path) -> None:
    with pytest.raises(PathRefused, match="finns inte"):
        resolve_inside(root, "content/ärenden/ny.md")
    new = resolve_inside(root, "content/ärenden/ny.md", must_exist=False)
    assert new == root.resolve() / "content" / "ärenden" / "ny.md"


def test_relative_refuses_a_path_outside(root: Path) -> None:
    with pytest.raises(PathRefused):
        relative(root, root.parent / "hemlig.txt")
