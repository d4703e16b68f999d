"""Warm validation: a process that loads a workspace again reuses the validation of unchanged
case files (validate/case_memo.py), and never a result made from something that has changed
since — the file's text, the profile, a figure or an attachment it names."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from beslut.validate import workspace as ws
from beslut.validate.case_memo import Memo
from beslut.validate.workspace import load_workspace
from conftest import PROFILE, MakeWorkspace, case_file
from test_attachments_check import pdf
from test_figures import png

CASE = "content/ärenden/a.md"
OTHER = "content/ärenden/b.md"
FIGURE = "![Diagram över kostnader](../bilder/diagram.png)\n"
ATTACHMENT = "bilagor:\n  - titel: Utredning\n    fil: ../bilagor/utredning.pdf\n"


def _codes(root: Path, rel: str = CASE) -> list[str]:
    return sorted(d.code for d in load_workspace(root).diagnostics if d.path == rel)


def _document(root: Path, rel: str) -> ws.CaseDocument:
    found = [c for c in load_workspace(root).cases if c.rel == rel]
    assert found, rel
    return found[0]


def _replace(path: Path, data: bytes) -> None:
    """Replace a file the way a program saving it does: a new file renamed over the old one."""
    temp = path.with_name(path.name + ".tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _rewrite_in_place(path: Path, data: bytes) -> None:
    """Overwrite a file's bytes in place, keeping its size, inode and modification time."""
    before = path.stat()
    assert len(data) == before.st_size
    with path.open("r+b") as handle:
        handle.write(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.fixture
def root(make_workspace: MakeWorkspace) -> Path:
    body = "## Sammanfattning\n\nEtt kort ärende om planen.\n\n" + FIGURE
    return make_workspace(
        {
            CASE: case_file(body, extra=ATTACHMENT),
            OTHER: case_file(dnr="25HSN2"),
            "content/bilder/diagram.png": png(40, 30),
            "content/bilagor/utredning.pdf": pdf("Utredningen"),
        }
    )


def test_an_unchanged_case_is_not_validated_again(root: Path) -> None:
    first = _document(root, CASE)
    hits = ws._CASES.hits
    again = _document(root, CASE)
    assert again is first  # the remembered document, not a new one
    assert ws._CASES.hits >= hits + 2  # both case files came from the memo


def test_an_edited_case_is_validated_again(root: Path) -> None:
    assert "avsnitt-saknas" not in _codes(root)
    path = root / CASE
    path.write_text(path.read_text("utf-8").replace("## Sammanfattning", "## Bakgrund"), "utf-8")
    assert "avsnitt-saknas" in _codes(root)


def test_a_case_edited_with_the_same_size_and_time_is_validated_again(root: Path) -> None:
    _document(root, CASE)
    path = root / CASE
    text = path.read_bytes()
    _rewrite_in_place(path, text.replace(b"kort", b"lort"))
    assert "lort" in _document(root, CASE).body


def test_a_replaced_figure_is_checked_again(root: Path) -> None:
    assert "bild-fel" not in _codes(root)
    _replace(root / "content/bilder/diagram.png", b"not an image at all")
    assert "bild-fel" in _codes(root)
    _replace(root / "content/bilder/diagram.png", png(40, 30))
    assert "bild-fel" not in _codes(root)


def test_a_figure_rewritten_in_place_with_the_same_size_and_time_is_checked_again(
    root: Path,
) -> None:
    image = root / "content/bilder/diagram.png"
    assert "bild-fel" not in _codes(root)
    _rewrite_in_place(image, b"x" * image.stat().st_size)
    assert "bild-fel" in _codes(root)


def test_a_missing_figure_that_appears_is_checked_again(root: Path) -> None:
    image = root / "content/bilder/diagram.png"
    data = image.read_bytes()
    image.unlink()
    assert "bild-fel" in _codes(root)
    image.write_bytes(data)
    assert "bild-fel" not in _codes(root)


def test_a_figure_behind_a_link_that_now_points_elsewhere_is_checked_again(root: Path) -> None:
    folder = root / "content/bilder"
    (root / "content/bilder-ok").mkdir()
    shutil.move(folder / "diagram.png", root / "content/bilder-ok/diagram.png")
    (root / "content/bilder-trasiga").mkdir()
    (root / "content/bilder-trasiga/diagram.png").write_bytes(b"trasig")
    folder.rmdir()
    folder.symlink_to("bilder-ok")
    assert "bild-fel" not in _codes(root)
    folder.unlink()
    folder.symlink_to("bilder-trasiga")
    assert "bild-fel" in _codes(root)


def test_a_replaced_attachment_is_checked_again(root: Path) -> None:
    assert "bilaga-skadad" not in _codes(root)
    _replace(root / "content/bilagor/utredning.pdf", b"%PDF-1.7\ntrasig\n")
    assert "bilaga-skadad" in _codes(root)
    _replace(root / "content/bilagor/utredning.pdf", pdf("Utredningen"))
    assert "bilaga-skadad" not in _codes(root)


def test_a_removed_attachment_is_reported(root: Path) -> None:
    assert _document(root, CASE).attachment_files[0] is not None
    (root / "content/bilagor/utredning.pdf").unlink()
    assert "bilaga-saknas" in _codes(root)
    assert _document(root, CASE).attachment_files == (None,)


def test_a_changed_profile_validates_every_case_again(root: Path) -> None:
    assert "avsnitt-saknas" not in _codes(root, OTHER)
    stricter = PROFILE.replace(
        "obligatoriska_avsnitt: [Sammanfattning]",
        "obligatoriska_avsnitt: [Sammanfattning, Bakgrund]",
    )
    (root / "content/profil.yaml").write_text(stricter, "utf-8")
    assert "avsnitt-saknas" in _codes(root, OTHER)
    assert "avsnitt-saknas" in _codes(root, CASE)


def test_the_same_file_in_another_workspace_is_validated_there(root: Path, tmp_path: Path) -> None:
    assert "bild-fel" not in _codes(root)
    other = tmp_path / "kopia"
    shutil.copytree(root, other)
    (other / "content/bilder/diagram.png").write_bytes(b"trasig")
    assert "bild-fel" in _codes(other)
    assert "bild-fel" not in _codes(root)


def test_the_memo_is_bounded_by_entries_and_text() -> None:
    memo: Memo[str] = Memo(limit=2, text_budget=100)
    for name in ("a", "b", "c"):
        memo.get((Path("/r"), Path(name)), (name,), lambda n=name: (n, [], ()), 10)  # type: ignore[misc]
    assert len(memo) == 2  # the least recently used ("a") went
    value, _ = memo.get((Path("/r"), Path("a")), ("a",), lambda: ("ny", [], ()), 10)
    assert value == "ny"
    memo.get((Path("/r"), Path("stor")), ("stor",), lambda: ("s", [], ()), 95)
    assert len(memo) == 1  # 95 + 10 characters would be over the budget
    memo.get((Path("/r"), Path("för-stor")), ("x",), lambda: ("x", [], ()), 101)
    assert len(memo) == 1  # a text over the budget is not kept at all
    value, _ = memo.get((Path("/r"), Path("för-stor")), ("x",), lambda: ("igen", [], ()), 101)
    assert value == "igen"


def test_a_slot_keeps_one_version_of_a_file() -> None:
    memo: Memo[str] = Memo()
    slot = (Path("/r"), Path("a.md"))
    assert memo.get(slot, ("v1",), lambda: ("ett", [], ()), 3)[0] == "ett"
    assert memo.get(slot, ("v2",), lambda: ("två", [], ()), 3)[0] == "två"
    assert memo.get(slot, ("v2",), lambda: ("inte", [], ()), 3)[0] == "två"
    assert len(memo) == 1
