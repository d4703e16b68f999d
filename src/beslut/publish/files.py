"""Stage 6, publish: the only code that writes user-visible files.

Single files elsewhere (templates, schemas, fixed case files, staging) are written with
``beslut.atomic``: a temporary name in the same folder, then a rename. A build's outputs are published by
:func:`publish` as one transaction: every new file is first put next to its target under a
temporary name (this is where a full disk or a read-only folder shows), then all are renamed
into place together with ``manifest.json``. If anything fails, every file already replaced is
put back, so the output folder is exactly as before (files and manifest) and the error says
why. A file whose target already holds exactly its bytes (a regular file, not a link, with
beslut's file mode and the same SHA-256, read from the target itself, not taken from the
manifest) is left alone: rewriting it would change nothing but its time stamp, and after an
edit most of a meeting's files are the same as before. Files are only ever removed when the previous manifest lists them: beslut never deletes a
file it did not write.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from beslut.atomic import FILE_MODE
from beslut.errors import BuildLocked, PublishError, os_error_text

MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    """Return the SHA-256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_hashed(source: Path, target: Path, *, durable: bool = False) -> str:
    """Copy ``source`` to ``target`` in one pass and return the SHA-256 of what was copied;
    ``durable`` syncs the copy to disk before returning (a published version)."""
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("wb") as writer:
        for block in iter(lambda: reader.read(1 << 20), b""):
            digest.update(block)
            writer.write(block)
        if durable:
            writer.flush()
            os.fsync(writer.fileno())
    return digest.hexdigest()


def read_manifest(out_dir: Path) -> list[dict[str, str]]:
    """Return the entries of ``manifest.json`` (empty when it is missing or damaged)."""
    try:
        entries = json.loads((out_dir / MANIFEST).read_text("utf-8")).get("outputs", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [e for e in entries if isinstance(e, dict) and {"path", "source"} <= e.keys()]


def inside(out_dir: Path, rel: str) -> Path | None:
    """Return ``out_dir / rel`` when it lies inside ``out_dir`` (never follow ``..`` out)."""
    path = (out_dir / rel).resolve()
    return path if path.is_relative_to(out_dir.resolve()) else None


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder for the duration of a build (or a signing).

    The folder itself is locked (flock on its descriptor), so no lock file is left in it; the
    lock disappears with the process, also after kill -9.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out_dir, os.O_RDONLY)
    except OSError as exc:
        raise PublishError(os_error_text(exc, str(out_dir))) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"Ett annat bygge skriver redan till {out_dir}. Vänta tills det är klart och "
                "försök sedan igen."
            ) from None
        yield
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class Placement:
    """A staged file and where it goes in the output folder."""

    staged: Path
    rel: str
    sha256: str | None = None
    """The staged file's SHA-256, when the caller has it already (else it is computed)."""


@dataclass
class _Step:
    target: Path
    temp: Path
    backup: Path | None = None
    done: bool = False


def publish(
    out_dir: Path,
    placements: Sequence[Placement],
    manifest: list[dict[str, str]],
    removals: Sequence[str],
    *,
    commit: Callable[[], None] | None = None,
) -> list[str]:
    """Put ``placements`` and ``manifest`` into ``out_dir`` all at once; remove ``removals``.

    ``commit`` runs after every file is in place and before anything is removed (the build
    saves its state there); if it fails, the output folder is rolled back too. Raises
    :class:`PublishError` with a Swedish message, leaving ``out_dir`` as it was. Returns the
    paths removed.
    """
    steps: list[_Step] = []
    created: list[Path] = []
    current = ""
    try:
        current = str(out_dir)
        _makedirs(out_dir, created)
        # Phase 1: every new file next to its target, under a temporary name.
        for placement in placements:
            target = out_dir / placement.rel
            current = placement.rel
            if _already_there(placement, target):
                continue
            _makedirs(target.parent, created)
            temp = _temp_name(target)
            steps.append(_Step(target, temp))
            _move_or_copy(placement.staged, temp)
        manifest_step = _Step(out_dir / MANIFEST, _temp_name(out_dir / MANIFEST))
        steps.append(manifest_step)
        current = MANIFEST
        text = json.dumps({"outputs": manifest}, ensure_ascii=False, indent=2) + "\n"
        manifest_step.temp.write_text(text, encoding="utf-8")
        # Phase 2: rename into place, keeping what was there until everything succeeded.
        for step in steps:
            current = step.target.relative_to(out_dir).as_posix()
            if step.target.is_file():
                step.backup = _temp_name(step.target, "gammal")
                os.link(step.target, step.backup)
            os.replace(step.temp, step.target)
            step.done = True
        if commit is not None:
            current = "byggtillståndet"
            commit()
    except BaseException as exc:
        _roll_back(steps, created)
        if isinstance(exc, OSError):
            raise PublishError(
                f"{os_error_text(exc, current)} Inget i {out_dir} har ändrats."
            ) from None
        raise
    for step in steps:
        if step.backup is not None:
            step.backup.unlink(missing_ok=True)
    removed = []
    for rel in removals:
        path = inside(out_dir, rel)
        if path is not None and path.is_file():
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(rel)
                _remove_empty_parents(path.parent, out_dir)
    return removed


_SERIAL = itertools.count()


def _already_there(placement: Placement, target: Path) -> bool:
    """Return True when ``target`` is a regular file with beslut's mode and the staged bytes."""
    try:
        info = target.lstat()
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != FILE_MODE:
            return False
        if info.st_size != placement.staged.stat().st_size:
            return False
        return sha256(target) == (placement.sha256 or sha256(placement.staged))
    except OSError:
        return False


def _temp_name(target: Path, what: str = "ny") -> Path:
    return target.with_name(f".{target.name}.{what}-{os.getpid()}-{next(_SERIAL)}.tmp")


def _makedirs(folder: Path, created: list[Path]) -> None:
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _move_or_copy(staged: Path, temp: Path) -> None:
    try:
        os.link(staged, temp)  # same file system: no copy, no space
    except OSError:
        with staged.open("rb") as source, temp.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1 << 20)
            sink.flush()
            os.fsync(sink.fileno())
    os.chmod(temp, FILE_MODE)


def _roll_back(steps: list[_Step], created: list[Path]) -> None:
    for step in reversed(steps):
        with contextlib.suppress(OSError):
            if step.done:
                if step.backup is not None:
                    os.replace(step.backup, step.target)
                else:
                    step.target.unlink(missing_ok=True)
            step.temp.unlink(missing_ok=True)
            if step.backup is not None:
                step.backup.unlink(missing_ok=True)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


def _remove_empty_parents(folder: Path, out_dir: Path) -> None:
    top = out_dir.resolve()
    folder = folder.resolve()
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
