"""Published versions of a meeting: ``output/versioner/<möte>/<N>/`` (the only writer there).

A version is frozen once and never written to again. :func:`freeze` copies a meeting's files
into a temporary folder beside the versions, checking each copy's SHA-256 against what the
caller says it must be (the build's ``manifest.json``), writes the two manifests, makes every
file read-only (0444) and renames the folder to its number: a version is there whole or not at
all. An existing version folder is never replaced. :func:`verify_version` reads a version back
and refuses one whose files no longer match its manifest, naming the file.

Callers hold :func:`beslut.publish.files.output_lock` on the output folder around reading the
build's outputs and freezing (``beslut.versioning.publish_meeting`` does), so no build changes
the files while they are copied.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from beslut.errors import PublishError, UserError, os_error_text
from beslut.model.publication import PUBLIC_MANIFEST as PUBLIC_MANIFEST
from beslut.model.publication import VERSIONS_DIR as VERSIONS_DIR
from beslut.model.publication import Publication
from beslut.publish.files import copy_hashed, sha256

MANIFEST = "manifest.json"
READ_ONLY = 0o444


class DamagedVersion(UserError):
    """A published version's file is missing or differs from its manifest (Swedish message)."""


@dataclass(frozen=True)
class FileToFreeze:
    """A file to copy into a version, and the SHA-256 its bytes must have."""

    source: Path
    rel: str
    """Where it goes, relative to the version folder (``offentlig/handlingar.pdf``)."""
    sha256: str


def meeting_folder(out_dir: Path, meeting_id: str) -> Path:
    """``output/versioner/<möte>``."""
    return out_dir / VERSIONS_DIR / meeting_id


def version_folder(out_dir: Path, meeting_id: str, number: int) -> Path:
    """``output/versioner/<möte>/<N>``."""
    return meeting_folder(out_dir, meeting_id) / str(number)


def list_versions(out_dir: Path, meeting_id: str) -> list[int]:
    """The meeting's published version numbers, in order (folders named 1, 2, …)."""
    folder = meeting_folder(out_dir, meeting_id)
    if not folder.is_dir():
        return []
    return sorted(
        int(p.name)
        for p in folder.iterdir()
        if p.is_dir() and p.name.isdigit() and p.name[0] != "0"
    )


def published_meetings(out_dir: Path) -> list[str]:
    """The ids of every meeting with a published version (a website's starting point)."""
    root = out_dir / VERSIONS_DIR
    if not root.is_dir():
        return []
    found = {
        p.parent.parent.relative_to(root).as_posix()
        for p in root.rglob(MANIFEST)
        if p.parent.name.isdigit()
    }
    return sorted(found)


def read_manifest(folder: Path, rel: str = MANIFEST) -> Publication:
    """A version's manifest (``manifest.json`` or ``offentlig/manifest.json``) as the model."""
    path = folder / rel
    try:
        return Publication.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise DamagedVersion(
            f"{path} kan inte läsas ({os_error_text(exc, str(path))}); versionen är skadad."
        ) from None
    except ValidationError as exc:
        raise DamagedVersion(
            f"{path} är inget giltigt manifest ({exc.error_count()} fel); versionen är skadad. "
            "Återställ mappen från en säkerhetskopia."
        ) from None


def verify_version(out_dir: Path, meeting_id: str, number: int) -> Publication:
    """Return version ``number``'s internal manifest after checking every file it lists.

    Raises :class:`DamagedVersion` naming the first file that is missing or whose SHA-256
    differs from the manifest (a published version must never change).
    """
    folder = version_folder(out_dir, meeting_id, number)
    manifest = read_manifest(folder)
    read_manifest(folder, PUBLIC_MANIFEST)
    for entry in manifest.files:
        path = folder / entry.path
        try:
            digest = sha256(path)
        except OSError:
            digest = None
        if digest != entry.sha256:
            what = "saknas" if digest is None else "har ändrats sedan den publicerades"
            raise DamagedVersion(
                f"Version {number} av {meeting_id} är skadad: {path} {what} (SHA-256 stämmer "
                "inte med manifest.json). En publicerad version får aldrig ändras; återställ "
                "filen från en säkerhetskopia innan en ny version publiceras."
            )
    return manifest


def freeze(
    out_dir: Path,
    meeting_id: str,
    number: int,
    files: Sequence[FileToFreeze],
    manifests: Mapping[str, str],
) -> Path:
    """Write version ``number`` of ``meeting_id`` whole, or nothing; return its folder.

    ``files`` are copied (each copy's SHA-256 checked against :attr:`FileToFreeze.sha256`) and
    ``manifests`` (path → JSON text) written, into a temporary folder that is renamed to
    ``<N>`` at the end; every file is made read-only. Raises :class:`PublishError` (Swedish)
    when the version exists already, a file differs from what it must be, or the disk fails.
    """
    target = version_folder(out_dir, meeting_id, number)
    if target.exists():
        raise PublishError(
            f"Version {number} av {meeting_id} finns redan ({target}); en publicerad version "
            "skrivs aldrig över."
        )
    parent = target.parent
    temp = parent / f".ny-{number}-{os.getpid()}"
    current = str(temp)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        if temp.exists():
            _remove(temp)
        temp.mkdir()
        for item in files:
            destination = temp / item.rel
            current = str(item.source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            digest = copy_hashed(item.source, destination, durable=True)
            if digest != item.sha256:
                raise PublishError(
                    f"{item.source} har ändrats sedan bygget (SHA-256 stämmer inte med "
                    "manifest.json); ingen version publicerades. Kör beslut publicera igen."
                )
            os.chmod(destination, READ_ONLY)
        for rel, text in manifests.items():
            destination = temp / rel
            current = str(destination)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with destination.open("w", encoding="utf-8") as sink:
                sink.write(text)
                sink.flush()
                os.fsync(sink.fileno())
            os.chmod(destination, READ_ONLY)
        current = str(target)
        if target.exists():  # checked again just before: never replace a version
            raise PublishError(f"Version {number} av {meeting_id} finns redan ({target}).")
        os.rename(temp, target)
        _fsync_dir(parent)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            _remove(temp)
        if isinstance(exc, OSError):
            raise PublishError(
                f"{os_error_text(exc, current)} Ingen version publicerades."
            ) from None
        raise
    return target


def _remove(folder: Path) -> None:
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    shutil.rmtree(folder, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
