"""Build state: what every output was made from, so a build redoes only what changed.

The state file (``.beslut-cache/state.json`` in the workspace) is versioned. It records, per
build unit (a case or a meeting):

* the **inputs the stages declared** they used while building it (the case or meeting file,
  the profile, the template, attachments, the cases a meeting contains, the beslut version),
  each with the digest it had, as Sphinx records ``note_dependency``;
* the outputs it produced (relative to the output folder) and the formats they cover;
* the diagnostics the render, convert and assemble stages reported for it, so that a later
  build that reuses the unit prints them again.

:func:`rebuild_reason` is the one rule that says whether a unit can be reused, and why not:
the pipeline and the CLI's no-op path both call it. A damaged state file, or one written by
another version, means a clean full build. This module imports only the standard library: the
no-op check runs before anything heavy is imported.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beslut.load.paths import CACHE_DIR, INPUT_SUFFIXES

STATE_VERSION = 4
"""Raise it when the state file changes shape or the same inputs now build to something else
(3: PDFs finished for PDF/A and PDF/UA; 4: files of notice pages only claimed too); an older
state means a clean full build."""
STATE_FILE = "state.json"
PDF_CACHE = "pdf"
"""Folder under CACHE_DIR with each built case's PDF, named by unit key: what assembly reads."""

VERSION_INPUT = "beslut"
"""Input id of the beslut version: every unit depends on it."""
UNIT_PREFIX = "ärende:"
"""Input id prefix of a case a meeting contains, by diarienummer (digest: the case's key)."""


@dataclass(frozen=True)
class Stamp:
    """How an input file looked: modification and change time, size and content hash.

    The change time (ctime) cannot be set back by a program, so an edit that keeps the size
    and restores the modification time is still noticed.
    """

    mtime_ns: int
    size: int
    sha256: str
    ctime_ns: int = 0

    def same_file(self, info: os.stat_result) -> bool:
        """Return True when ``info`` shows the file as stamped (so its hash is unchanged)."""
        return (self.mtime_ns, self.ctime_ns, self.size) == (
            info.st_mtime_ns,
            info.st_ctime_ns,
            info.st_size,
        )


@dataclass(frozen=True)
class Unit:
    """One build unit as last built: its inputs, outputs, formats and stage diagnostics."""

    kind: str
    """``case`` or ``meeting``."""
    inputs: Mapping[str, str]
    """Input id (a workspace-relative path, ``beslut`` or ``ärende:<path>``) → digest."""
    outputs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    diagnostics: tuple[Mapping[str, Any], ...] = ()
    """Diagnostics of the render, convert and assemble stages, as dicts (see diagnostics.py)."""
    provides: str = ""
    """The input id other units know this one by (``ärende:<diarienummer>`` for a case)."""

    @property
    def key(self) -> str:
        """Return a hash of the inputs' contents: equal keys mean equal outputs.

        Only the digests count, not the file names, so a renamed case keeps its key (and the
        meetings that contain it are not rebuilt).
        """
        return inputs_key(self.inputs)


@dataclass(frozen=True)
class BuildState:
    """Everything remembered between builds."""

    beslut_version: str
    out_dir: str
    stamps: Mapping[str, Stamp] = field(default_factory=dict)
    units: Mapping[str, Unit] = field(default_factory=dict)
    clean: bool = True
    """False when the last build reported errors: then it is never treated as up to date."""
    diagnostics: tuple[Mapping[str, Any], ...] = ()
    """Every diagnostic the last build printed, for the no-op path to print again."""


def state_path(root: Path) -> Path:
    """Return where a workspace's state file lives."""
    return root / CACHE_DIR / STATE_FILE


def cached_pdf(root: Path, unit_key: str) -> Path:
    """Return where the build cache keeps the PDF of a case built from ``unit_key``."""
    return root / CACHE_DIR / PDF_CACHE / f"{unit_key[:40]}.pdf"


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
            old = previous.get(rel)
            if old is not None and old.same_file(info):
                stamps[rel] = old
            else:
                stamps[rel] = Stamp(
                    info.st_mtime_ns, info.st_size, file_hash(path), info.st_ctime_ns
                )
        except OSError:  # unreadable or vanished: loading reports it at the file
            stamps[rel] = Stamp(0, -1, "")
    return stamps


def inputs_key(inputs: Mapping[str, str]) -> str:
    """Return a stable hash of a unit's inputs' digests."""
    return key(sorted(inputs.values()))


def key(*parts: object) -> str:
    """Return a stable hash of the given parts (strings, numbers, lists)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


Digest = Callable[[str], str | None]
"""Return an input's current digest; None when it cannot be known yet (a case being rebuilt)."""


def rebuild_reason(
    unit: Unit | None,
    digest: Digest,
    out_dir: Path,
    formats: Iterable[str],
    *,
    root: Path,
) -> str | None:
    """Return why a unit must be built (Swedish, for people), or None when it can be reused.

    The one rule for reuse: the unit was built before, every input it declared still has the
    digest it had, it covers the wanted formats, and every output it produced (and, for a case
    whose PDF a meeting reads, the PDF in the build cache) still exists.
    """
    if unit is None:
        return "ny eller inte byggd förut"
    for input_id, old in sorted(unit.inputs.items()):
        now = digest(input_id)
        if now is None:
            return f"{input_id.removeprefix(UNIT_PREFIX)} byggs om"
        if now != old:
            if input_id == VERSION_INPUT:
                return "en annan version av beslut"
            return (
                f"{input_id.removeprefix(UNIT_PREFIX)} har ändrats"
                if now
                else (f"{input_id.removeprefix(UNIT_PREFIX)} finns inte längre")
            )
    missing_formats = sorted(set(formats) - set(unit.formats))
    if missing_formats:
        return f"{', '.join(f.upper() for f in missing_formats)} har inte byggts"
    if not unit.outputs:
        return "inga utdata från förra bygget"
    for rel in unit.outputs:
        if not (out_dir / rel).is_file():
            return f"{rel} saknas i utdatamappen"
    if unit.kind == "case" and "pdf" in unit.formats and not cached_pdf(root, unit.key).is_file():
        return "PDF:en saknas i byggcachen"
    return None


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
                out_dir=str(raw["out_dir"]),
                stamps={k: Stamp(*v) for k, v in raw["stamps"].items()},
                units={
                    k: Unit(
                        str(v["kind"]),
                        dict(v["inputs"]),
                        tuple(v["outputs"]),
                        tuple(v["formats"]),
                        tuple(dict(d) for d in v["diagnostics"]),
                        str(v["provides"]),
                    )
                    for k, v in raw["units"].items()
                },
                clean=bool(raw["clean"]),
                diagnostics=tuple(dict(d) for d in raw["diagnostics"]),
            ),
            None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, "Byggtillståndet var skadat; allt byggs om."


def save(root: Path, state: BuildState) -> None:
    """Write the state file atomically."""
    os.replace(write_pending(root, state), state_path(root))


def write_pending(root: Path, state: BuildState) -> Path:
    """Write the state next to the state file and return that path; renaming it commits.

    A build writes this before it publishes, so that a full disk is found before anything in
    the output folder changes, and commits it after (a rename needs no space).
    """
    path = state_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "state_version": STATE_VERSION,
        "beslut_version": state.beslut_version,
        "out_dir": state.out_dir,
        "clean": state.clean,
        "diagnostics": list(state.diagnostics),
        "stamps": {
            k: [s.mtime_ns, s.size, s.sha256, s.ctime_ns] for k, s in sorted(state.stamps.items())
        },
        "units": {
            k: {
                "kind": u.kind,
                "inputs": dict(sorted(u.inputs.items())),
                "outputs": list(u.outputs),
                "formats": list(u.formats),
                "diagnostics": list(u.diagnostics),
                "provides": u.provides,
            }
            for k, u in sorted(state.units.items())
        },
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        # No indent: json's C encoder runs only without one (three times faster on a big
        # workspace, and this file is written on every build; people read manifest.json).
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def up_to_date(
    root: Path, out_dir: Path, formats: Iterable[str], version: str
) -> BuildState | None:
    """Return the saved state when nothing changed since the last build, else None.

    Only stats files: no parsing, no hashing, nothing heavy imported. Any doubt means None.
    Unchanged stamps mean unchanged digests, so :func:`rebuild_reason` decides each unit with
    the recorded digests: the same rule the pipeline applies.
    """
    state, _reason = load(root, version)
    if state is None or not state.clean or state.out_dir != str(out_dir):
        return None
    files = input_files(root)
    if len(files) != len(state.stamps):
        return None
    for path in files:
        stamp = state.stamps.get(_rel(path, root))
        if stamp is None:
            return None
        try:
            info = path.stat()
        except OSError:
            return None
        if not stamp.same_file(info):
            return None
    digests = {rel: s.sha256 for rel, s in state.stamps.items()}
    digests[VERSION_INPUT] = version
    digests.update({u.provides: u.key for u in state.units.values() if u.provides})
    wanted = list(formats)
    for unit in state.units.values():
        if rebuild_reason(unit, lambda i: digests.get(i, ""), out_dir, wanted, root=root):
            return None
    if not (out_dir / "manifest.json").is_file():
        return None
    return state
