"""Signed copies of published outputs: ``beslut signera``.

A signed copy is an output like the others: it is published by :func:`files.publish` (under
the output lock, in one transaction with ``manifest.json`` and the build state), listed in the
manifest with the kind ``<kind>-signerat`` and the same source, and recorded among the outputs
of the unit that made the signed file. So the build's own rules apply to it: a build that
reuses the unit keeps it; a build that makes the unit again drops it (the pipeline says so in a
note, :func:`dropped_note`), unless the new file is byte for byte the one that was signed
(:func:`still_signs`), since a signature on an older protokoll must never sit next to a newer
one.

The file to sign must be exactly what the build published (its SHA-256 is the manifest's), so
an output edited by hand is never signed.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from beslut import __version__
from beslut.errors import UserError
from beslut.load.paths import CACHE_DIR, default_out_dir
from beslut.publish import state
from beslut.publish.files import (
    Placement,
    inside,
    output_lock,
    publish,
    read_manifest,
)

SIGNABLE_KINDS: frozenset[str] = frozenset({"protokoll"})
"""Manifest kinds ``beslut signera`` signs (the one place that decides it)."""

SIGNED_SUFFIX = "-signerat"
"""Added to the file name's stem and to the manifest kind of a signed copy."""


class SignRefused(UserError):
    """The named output cannot be signed (not built, edited, wrong kind); Swedish message."""


@dataclass(frozen=True)
class SignedOutput:
    """A signed copy as published."""

    path: str
    """Relative to the output folder, as in manifest.json."""
    source: str
    kind: str
    sha256: str
    signed: str
    """The output that was signed (relative to the output folder)."""
    file: Path
    """Where the signed copy is."""


def signed_path(rel: str) -> str:
    """Return where the signed copy of output ``rel`` goes: ``<stem>-signerat.pdf`` beside it."""
    path = PurePosixPath(rel)
    return path.with_name(f"{path.stem}{SIGNED_SUFFIX}{path.suffix}").as_posix()


def is_signed(rel: str, manifest: Mapping[str, Mapping[str, str]]) -> bool:
    """Return True when output ``rel`` is a signed copy (by its manifest kind, else its name)."""
    entry = manifest.get(rel)
    if entry is not None and "kind" in entry:
        return str(entry["kind"]).endswith(SIGNED_SUFFIX)
    return PurePosixPath(rel).stem.endswith(SIGNED_SUFFIX)


def original_of(rel: str) -> str:
    """Return the output a signed copy ``rel`` was made from (the inverse of signed_path)."""
    path = PurePosixPath(rel)
    return path.with_name(f"{path.stem.removesuffix(SIGNED_SUFFIX)}{path.suffix}").as_posix()


def still_signs(out_dir: Path, rel: str, original: Path) -> bool:
    """Return True when the signed copy ``rel`` is a signature on exactly ``original``'s bytes.

    A PAdES signature is an incremental update: the signed file begins with every byte of the
    file that was signed, so a rebuild that made the same file keeps its signature valid.
    """
    signed = inside(out_dir, rel)
    try:
        if signed is None or not signed.is_file():
            return False
        data = original.read_bytes()
        with signed.open("rb") as handle:
            return len(data) > 0 and handle.read(len(data)) == data
    except OSError:
        return False


def dropped_note(rel: str, source: str) -> str:
    """The build's note when a signed copy goes because its unit was built again."""
    return (
        f"Den signerade filen {rel} togs bort: {original_of(rel)} har byggts om från {source} "
        "och är nu en annan fil, och en signatur gäller bara den fil som signerades. Signera "
        f"den nya filen med ”beslut signera {original_of(rel)}”."
    )


def sign_output(
    root: Path,
    target: Path | str,
    *,
    pkcs12: Path,
    passphrase: bytes | None = None,
    signer_name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    out_dir: Path | None = None,
    kinds: frozenset[str] | None = None,
    replace: bool = False,
) -> SignedOutput:
    """Sign the published output ``target`` and publish the signed copy next to it.

    ``target`` is a path relative to the output folder, or an absolute path inside it. Refuses
    (:class:`SignRefused`, Swedish) an output that the manifest does not list, whose kind is not
    in ``kinds`` (default: :data:`SIGNABLE_KINDS`), whose bytes differ from the manifest's SHA-256, or that the build state does
    not know as a current output; raises :class:`beslut.signing.SigningError` when the file or
    the certificate cannot be used. A signed copy that exists already (someone else's
    signature, perhaps) is replaced only with ``replace``. Holds the output lock, so no build
    runs meanwhile.
    """
    from beslut.signing import sign_pdf  # pyHanko: only when something is signed

    kinds = SIGNABLE_KINDS if kinds is None else kinds
    root = root.resolve()
    out_dir = (out_dir or default_out_dir(root)).resolve()
    rel = _relative(out_dir, target)
    with output_lock(out_dir):
        manifest = read_manifest(out_dir)
        entries = {e["path"]: e for e in manifest}
        entry = entries.get(rel)
        if entry is None:
            raise SignRefused(
                f"{out_dir / rel} finns inte bland de filer bygget har publicerat "
                f"(manifest.json i {out_dir}). Bygg med beslut build och ange en fil därifrån."
            )
        kind = str(entry.get("kind", ""))
        if kind.endswith(SIGNED_SUFFIX):
            raise SignRefused(f"{out_dir / rel} är redan signerad. Signera originalet en gång.")
        if kind not in kinds or not rel.lower().endswith(".pdf"):
            allowed = ", ".join(sorted(kinds))
            raise SignRefused(
                f"{out_dir / rel} är av typen ”{kind}” och signeras inte; bara PDF-filer av "
                f"typen {allowed} signeras (det justerade protokollet, protokoll.pdf i mötets "
                "mapp)."
            )
        path = inside(out_dir, rel)
        try:
            data = path.read_bytes() if path is not None else None
        except OSError:
            data = None
        if data is None:
            raise SignRefused(f"{out_dir / rel} saknas. Bygg igen med beslut build.")
        if _digest(data) != entry.get("sha256"):
            raise SignRefused(
                f"{out_dir / rel} har ändrats efter bygget (innehållet stämmer inte med "
                "manifest.json) och signeras inte. Bygg igen med beslut build och signera "
                "den nya filen."
            )
        new_rel = signed_path(rel)
        if new_rel in entries and not replace:
            raise SignRefused(
                f"{out_dir / new_rel} finns redan: {rel} har redan signerats. Ange --ersätt om "
                "den signaturen ska ersättas av din."
            )
        saved = _build_state(root, out_dir, rel, entry["source"])
        signed = sign_pdf(
            data,
            pkcs12=pkcs12,
            passphrase=passphrase,
            signer_name=signer_name,
            reason=reason,
            location=location,
            label=str(out_dir / rel),
        )
        return _publish_signed(root, out_dir, saved, manifest, entry, new_rel, signed)


def _relative(out_dir: Path, target: Path | str) -> str:
    path = Path(target)
    if path.is_absolute():
        resolved = path.resolve()
        if not resolved.is_relative_to(out_dir):
            raise SignRefused(
                f"{path} ligger inte i utdatamappen {out_dir}; bara filer som bygget har "
                "publicerat där signeras."
            )
        return resolved.relative_to(out_dir).as_posix()
    found = inside(out_dir, path.as_posix())
    if found is None:
        raise SignRefused(f"{path} ligger inte i utdatamappen {out_dir}.")
    return found.relative_to(out_dir).as_posix()


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _build_state(root: Path, out_dir: Path, rel: str, source: str) -> state.BuildState:
    """The saved build state, which must know ``rel`` as a current output of ``source``."""
    saved, _reason = state.load(root, __version__)
    unit = saved.units.get(source) if saved is not None else None
    if saved is None or saved.out_dir != str(out_dir) or unit is None or rel not in unit.outputs:
        raise SignRefused(
            f"Det senaste bygget av {root} känner inte till {out_dir / rel} (byggtillståndet "
            "saknas, är från en annan version av beslut eller gäller en annan utdatamapp). "
            "Bygg igen med beslut build och signera sedan."
        )
    return saved


def _publish_signed(
    root: Path,
    out_dir: Path,
    saved: state.BuildState,
    manifest: list[dict[str, str]],
    entry: Mapping[str, str],
    new_rel: str,
    signed: bytes,
) -> SignedOutput:
    """Publish the signed copy with its manifest entry and its place in the unit's outputs."""
    source = entry["source"]
    output = SignedOutput(
        path=new_rel,
        source=source,
        kind=f"{entry['kind']}{SIGNED_SUFFIX}",
        sha256=_digest(signed),
        signed=entry["path"],
        file=out_dir / new_rel,
    )
    new_manifest = [e for e in manifest if e["path"] != new_rel]
    new_manifest.append(
        {"path": output.path, "source": source, "kind": output.kind, "sha256": output.sha256}
    )
    new_manifest.sort(key=lambda e: (e["source"], e["path"]))
    unit = saved.units[source]
    units = dict(saved.units)
    if new_rel not in unit.outputs:
        units[source] = dataclasses.replace(unit, outputs=(*unit.outputs, new_rel))
    staging = Path(tempfile.mkdtemp(prefix="signera-", dir=root / CACHE_DIR))
    pending: Path | None = None
    try:
        staged = staging / PurePosixPath(new_rel).name
        staged.write_bytes(signed)
        pending = state.write_pending(root, dataclasses.replace(saved, units=units))
        done = pending
        publish(
            out_dir,
            [Placement(staged, new_rel, output.sha256)],
            new_manifest,
            [],
            commit=lambda: os.replace(done, state.state_path(root)),
        )
    finally:
        if pending is not None:
            pending.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    return output


__all__ = [
    "SIGNABLE_KINDS",
    "SIGNED_SUFFIX",
    "SignRefused",
    "SignedOutput",
    "dropped_note",
    "is_signed",
    "original_of",
    "sign_output",
    "signed_path",
    "still_signs",
]
