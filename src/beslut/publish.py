"""Stage 6, publish: the only code that writes user-visible files.

Every file is written to a temporary name in the same folder and renamed into place, so a failed
or interrupted build never leaves a half-written file and earlier outputs stay intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

MANIFEST = "manifest.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))


def temporary_sibling(path: Path) -> Path:
    """Return a fresh temporary path next to ``path`` (for tools that write files themselves)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


def place(staged: Path, target: Path) -> str:
    """Move a staged file into the output folder atomically; return its SHA-256."""
    digest = hashlib.sha256(staged.read_bytes()).hexdigest()
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(staged, target)
    except OSError:  # another file system: copy through a temporary file instead
        write_bytes_atomic(target, staged.read_bytes())
    return digest


def read_manifest(out_dir: Path) -> list[dict[str, str]]:
    """Return the entries of ``manifest.json`` (empty when it is missing or damaged)."""
    try:
        entries = json.loads((out_dir / MANIFEST).read_text("utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [e for e in entries if isinstance(e, dict) and {"path", "source"} <= e.keys()]


def _inside(out_dir: Path, rel: str) -> Path | None:
    path = (out_dir / rel).resolve()
    return path if path.is_relative_to(out_dir.resolve()) else None


def write_manifest(
    out_dir: Path,
    entries: list[dict[str, str]],
    *,
    rebuilt: set[str],
    live_sources: set[str],
) -> list[str]:
    """Write manifest.json and remove outputs beslut wrote earlier that are no longer made.

    Entries of sources that were not rebuilt this time (for example because they failed) are
    kept, so earlier outputs stay usable. Files are only ever removed when the previous
    manifest lists them: beslut never deletes a file it did not write. Returns removed paths.
    """
    previous = read_manifest(out_dir)
    current = {e["path"] for e in entries}
    kept = [
        e
        for e in previous
        if e["source"] not in rebuilt
        and e["source"] in live_sources
        and e["path"] not in current
        and (out_dir / e["path"]).is_file()
    ]
    kept_paths = {e["path"] for e in kept}
    removed = []
    for entry in previous:
        rel = entry["path"]
        if rel in current or rel in kept_paths:
            continue
        path = _inside(out_dir, rel)
        if path is not None and path.is_file():
            path.unlink()
            removed.append(rel)
            _remove_empty_parents(path.parent, out_dir)
    merged = sorted(kept + entries, key=lambda e: (e["source"], e["path"]))
    write_text_atomic(
        out_dir / MANIFEST, json.dumps({"outputs": merged}, ensure_ascii=False, indent=2) + "\n"
    )
    return removed


def _remove_empty_parents(folder: Path, out_dir: Path) -> None:
    top = out_dir.resolve()
    folder = folder.resolve()
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
