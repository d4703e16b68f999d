"""Build state: what every output was made from, so a build redoes only what changed.

The state file (``.beslut-cache/state.json`` in the workspace) is versioned. It records, per
build unit (a case or a meeting), a key hashed from everything the unit's outputs were made of
(source file, template, profile, attachments, the cases a meeting contains, the beslut version,
the formats) and the outputs it produced, plus a stamp (mtime, size, hash) of every input file.

A damaged state file, or one written by another version, means a clean full build. This module
imports only the standard library: the no-op check runs before anything heavy is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

STATE_VERSION = 1
CACHE_DIR = ".beslut-cache"
STATE_FILE = "state.json"
INPUT_SUFFIXES = (".md", ".yaml", ".yml", ".pdf", ".docx", ".odt")


@dataclass(frozen=True)
class Stamp:
    """How an input file looked: modification time, size and content hash."""

    mtime_ns: int
    size: int
    sha256: str


@dataclass
class Unit:
    """One build unit's key and the outputs (relative to the output folder) it produced."""

    key: str
    outputs: list[str] = field(default_factory=list)


@dataclass
class BuildState:
    """Everything remembered between builds."""

    beslut_version: str
    formats: list[str]
    out_dir: str
    stamps: dict[str, Stamp] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    clean: bool = True
    """False when the last build reported errors: then it is never treated as up to date."""


def state_path(root: Path) -> Path:
    """Return where a workspace's state file lives."""
    return root / CACHE_DIR / STATE_FILE


def input_files(root: Path) -> list[Path]:
    """Return every file a build reads: content (cases, meetings, attachments) and templates."""
    found: list[Path] = []
    for folder, suffixes in (("content", INPUT_SUFFIXES), ("templates", (".docx",))):
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.lower().endswith(suffixes) and not name.startswith((".", "~$")):
                    found.append(Path(dirpath) / name)
    return found


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def file_hash(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stamp_inputs(root: Path, previous: Mapping[str, Stamp]) -> dict[str, Stamp]:
    """Stamp every input file, reusing a previous hash when mtime and size are unchanged."""
    stamps = {}
    for path in input_files(root):
        rel = _rel(path, root)
        try:
            info = path.stat()
        except OSError:
            continue  # a broken link: the load stage reports it at the file
        old = previous.get(rel)
        if old is not None and (old.mtime_ns, old.size) == (info.st_mtime_ns, info.st_size):
            stamps[rel] = old
        else:
            stamps[rel] = Stamp(info.st_mtime_ns, info.st_size, file_hash(path))
    return stamps


def load(root: Path, version: str) -> tuple[BuildState | None, str | None]:
    """Return the saved state, or (None, Swedish reason) when it cannot be used."""
    path = state_path(root)
    if not path.is_file():
        return None, None
    try:
        raw = json.loads(path.read_text("utf-8"))
        if raw.get("state_version") != STATE_VERSION or raw.get("beslut_version") != version:
            return None, ("Byggtillståndet kommer från en annan version av beslut; allt byggs om.")
        return (
            BuildState(
                beslut_version=raw["beslut_version"],
                formats=list(raw["formats"]),
                out_dir=str(raw["out_dir"]),
                stamps={k: Stamp(*v) for k, v in raw["stamps"].items()},
                units={k: Unit(v["key"], list(v["outputs"])) for k, v in raw["units"].items()},
                clean=bool(raw["clean"]),
            ),
            None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, "Byggtillståndet var skadat; allt byggs om."


def save(root: Path, state: BuildState) -> None:
    """Write the state file atomically."""
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "state_version": STATE_VERSION,
        "beslut_version": state.beslut_version,
        "formats": state.formats,
        "out_dir": state.out_dir,
        "clean": state.clean,
        "stamps": {k: [s.mtime_ns, s.size, s.sha256] for k, s in sorted(state.stamps.items())},
        "units": {k: {"key": u.key, "outputs": u.outputs} for k, u in sorted(state.units.items())},
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def key(*parts: object) -> str:
    """Return a stable hash of the given parts (strings, numbers, lists)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def up_to_date(root: Path, out_dir: Path, formats: Iterable[str], version: str) -> int | None:
    """Return the number of units when nothing changed since the last build, else None.

    Only stats files: no parsing, no hashing, nothing heavy imported. Any doubt means None.
    """
    state, _reason = load(root, version)
    if state is None or not state.clean:
        return None
    if state.formats != sorted(formats) or state.out_dir != str(out_dir):
        return None
    files = input_files(root)
    if len(files) != len(state.stamps):
        return None
    for path in files:
        stamp = state.stamps.get(_rel(path, root))
        if stamp is None:
            return None
        info = path.stat()
        if (stamp.mtime_ns, stamp.size) != (info.st_mtime_ns, info.st_size):
            return None
    for unit in state.units.values():
        if not unit.outputs or not all((out_dir / rel).is_file() for rel in unit.outputs):
            return None
    if not (out_dir / "manifest.json").is_file():
        return None
    return len(state.units)
