"""Publishing leaves an output file alone when it already holds exactly the new bytes — judged
from the file itself, never from the manifest — and stays one transaction."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from beslut.atomic import FILE_MODE
from beslut.errors import PublishError
from beslut.publish import files
from beslut.publish.files import MANIFEST, Placement, publish, sha256
from test_incremental import A, edit, run
from test_incremental import workspace as workspace

SAME = b"%PDF-1.7 samma innehall\n"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "output"
    folder.mkdir()
    target = folder / "a.pdf"
    target.write_bytes(SAME)
    os.chmod(target, FILE_MODE)
    return folder


def _staged(tmp_path: Path, name: str, data: bytes) -> Placement:
    path = tmp_path / "staging" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return Placement(path, name, sha256(path))


def _entry(rel: str, data: bytes) -> dict[str, str]:
    import hashlib

    return {"path": rel, "source": "x", "kind": "pdf", "sha256": hashlib.sha256(data).hexdigest()}


def test_a_file_with_the_same_bytes_is_left_alone(out: Path, tmp_path: Path) -> None:
    before = (out / "a.pdf").stat()
    publish(out, [_staged(tmp_path, "a.pdf", SAME)], [_entry("a.pdf", SAME)], [])
    after = (out / "a.pdf").stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert json.loads((out / MANIFEST).read_text("utf-8"))["outputs"] == [_entry("a.pdf", SAME)]


def test_a_file_changed_by_someone_is_replaced_though_the_manifest_says_it_is_current(
    out: Path, tmp_path: Path
) -> None:
    (out / MANIFEST).write_text(json.dumps({"outputs": [_entry("a.pdf", SAME)]}), "utf-8")
    changed = SAME.replace(b"samma", b"annat")
    assert len(changed) == len(SAME)
    (out / "a.pdf").write_bytes(changed)  # opened and saved by hand: same size, other bytes
    publish(out, [_staged(tmp_path, "a.pdf", SAME)], [_entry("a.pdf", SAME)], [])
    assert (out / "a.pdf").read_bytes() == SAME


def test_other_bytes_another_mode_or_a_link_are_replaced(out: Path, tmp_path: Path) -> None:
    (out / "b.pdf").write_bytes(SAME)
    os.chmod(out / "b.pdf", 0o600)
    (tmp_path / "elsewhere.pdf").write_bytes(SAME)
    (out / "c.pdf").symlink_to(tmp_path / "elsewhere.pdf")
    new = SAME.replace(b"samma", b"nytt!")
    placements = [
        _staged(tmp_path, "a.pdf", new),
        _staged(tmp_path, "b.pdf", SAME),
        _staged(tmp_path, "c.pdf", SAME),
    ]
    publish(out, placements, [_entry(p.rel, SAME) for p in placements], [])
    assert (out / "a.pdf").read_bytes() == new
    assert (out / "b.pdf").stat().st_mode & 0o777 == FILE_MODE
    assert not (out / "c.pdf").is_symlink()
    assert (out / "c.pdf").read_bytes() == SAME


def test_a_failure_after_skipping_leaves_everything_as_it_was(out: Path, tmp_path: Path) -> None:
    (out / MANIFEST).write_text('{"outputs": []}\n', "utf-8")
    before = {p.name: (p.stat().st_ino, p.read_bytes()) for p in out.iterdir()}

    def fail() -> None:
        raise OSError(28, "No space left on device")

    placements = [_staged(tmp_path, "a.pdf", SAME), _staged(tmp_path, "ny.pdf", b"ny")]
    with pytest.raises(PublishError):
        publish(out, placements, [], [], commit=fail)
    assert {p.name: (p.stat().st_ino, p.read_bytes()) for p in out.iterdir()} == before


def test_after_an_edit_only_changed_outputs_are_rewritten_and_the_manifest_matches(
    workspace: Path,
) -> None:
    out = workspace / "output"
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    report = run(workspace)
    written = {out / o.path for o in report.outputs}
    kept = [p for p in written if p.stat().st_ino == before.get(p)]
    replaced = [p for p in written if p.stat().st_ino != before.get(p)]
    assert kept, "a meeting output whose bytes did not change is left as it was"
    assert out / "ärenden" / "a.docx" in replaced
    for entry in json.loads((out / MANIFEST).read_text("utf-8"))["outputs"]:
        assert sha256(out / entry["path"]) == entry["sha256"], entry["path"]


def test_an_output_changed_by_hand_is_restored_when_its_unit_is_rebuilt(
    workspace: Path,
) -> None:
    out = workspace / "output"
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))["outputs"]
    meeting_file = next(out / e["path"] for e in manifest if e["path"].startswith("möten/"))
    original = meeting_file.read_bytes()
    meeting_file.write_bytes(b"x" * len(original))
    edit(workspace / A, "Text med å, ä och ö.", "Ändrad text.")
    run(workspace)
    for entry in json.loads((out / MANIFEST).read_text("utf-8"))["outputs"]:
        assert sha256(out / entry["path"]) == entry["sha256"], entry["path"]
    assert meeting_file.read_bytes() != b"x" * len(original)


def test_already_there_reads_the_target(out: Path, tmp_path: Path) -> None:
    placement = _staged(tmp_path, "a.pdf", SAME)
    assert files._already_there(placement, out / "a.pdf")
    (out / "a.pdf").write_bytes(SAME.upper())
    assert not files._already_there(placement, out / "a.pdf")
