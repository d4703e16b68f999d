"""Publishing the public website: ``output/webb/``, replaced whole in one rename.

:func:`publish_site` reads every published version's public manifest
(``output/versioner/<möte>/<N>/offentlig/manifest.json``), plans and renders the site
(:mod:`beslut.site`), writes it into a temporary folder beside ``webb/`` (``.webb-…``), copies
each public file there and checks it against the SHA-256 its manifest gives, and then puts the
new folder in place of ``webb/`` with one ``renameat2(RENAME_EXCHANGE)`` (two renames where
the system has no exchange). A failure at any point leaves the old ``webb/`` as it was.

:func:`publish_site` takes the output folder's lock (:func:`beslut.publish.files.output_lock`);
:func:`publish_site_locked` is the same for a caller that holds it already (``beslut
publicera``, which freezes a version and then rebuilds the site under one lock).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
import tempfile
from pathlib import Path

from beslut.atomic import FILE_MODE
from beslut.errors import PublishError, UserError, os_error_text
from beslut.publish.files import copy_hashed, output_lock
from beslut.site.manifests import VERSIONS, published_versions
from beslut.site.pages import plan_site
from beslut.site.render import render_site

WEBSITE = "webb"
_TEMP_PREFIX = ".webb-"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class NothingPublished(UserError):
    """There is no published version to build the site from."""


def publish_site(out_dir: Path) -> Path:
    """Rebuild ``out_dir/webb`` from the published versions, under the output lock.

    Returns the site's folder. Raises :class:`NothingPublished` when no version is published,
    :class:`~beslut.errors.BuildLocked` when a build holds the lock, and
    :class:`~beslut.errors.PublishError` (Swedish) when a manifest or a file is wrong or the
    site cannot be written; ``webb/`` is then unchanged.
    """
    with output_lock(out_dir):
        return publish_site_locked(out_dir)


def publish_site_locked(out_dir: Path) -> Path:
    """:func:`publish_site` for a caller that holds ``output_lock(out_dir)``."""
    versions = published_versions(out_dir)
    if not versions:
        raise NothingPublished(
            f"Det finns inga publicerade versioner i {out_dir / VERSIONS}, så det finns ingen "
            "webbplats att bygga. Publicera ett möte först: beslut publicera MÖTE."
        )
    plan = plan_site(versions)
    pages = render_site(plan)
    target = out_dir / WEBSITE
    _remove_leftovers(out_dir)
    try:
        temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=out_dir))
    except OSError as exc:
        raise PublishError(os_error_text(exc, str(out_dir))) from None
    try:
        for rel, data in pages.items():
            _write(temp / rel, data)
        for rel, file in plan.copies.items():
            _copy_checked(file.source, temp / rel, file.sha256)
        os.chmod(temp, 0o755 & ~_umask())
        _swap(temp, target)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise PublishError(
            f"Webbplatsen kunde inte skrivas: {os_error_text(exc, str(target))} Den gamla "
            "webbplatsen är orörd."
        ) from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    shutil.rmtree(temp, ignore_errors=True)  # after an exchange: the old site
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, FILE_MODE)


def _copy_checked(source: Path, target: Path, sha256: str) -> None:
    """Copy a public file, refusing one whose bytes are not the ones its manifest lists."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if copy_hashed(source, target) != sha256:
        raise PublishError(
            f"{source}: filen har ändrats sedan den publicerades (kontrollsumman stämmer inte "
            "med manifestet). En publicerad version får inte ändras; publicera mötet på nytt "
            "med beslut publicera. Den gamla webbplatsen är orörd."
        )
    os.chmod(target, FILE_MODE)


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` in place of ``target``; afterwards ``new`` holds the old site (if any)."""
    if not target.exists() and not target.is_symlink():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    old = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    os.rename(old, new)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux's renameat2(RENAME_EXCHANGE); False where the
    system or file system has no such call."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _remove_leftovers(out_dir: Path) -> None:
    """Remove temporary site folders an interrupted run left (the lock is held)."""
    for path in out_dir.glob(_TEMP_PREFIX + "*"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
