"""What identifies the code that runs: beslut's version and the files it is installed from.

One place for the question "is this the same beslut?", asked wherever something computed by
one run of beslut is reused by another: the build service (a service started by an older or
edited beslut is replaced) and the disk caches (findings made by other code are not reused).
A version number alone is not enough: an editable install changes code without changing it.
Standard library only, and cheap: one ``stat`` per file of the package (about a millisecond).
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

from beslut import __version__

PACKAGE_DIR = Path(__file__).resolve().parent


@functools.cache
def code_fingerprint() -> str:
    """A short hex digest of beslut's version, the Python version and every package file's
    path, size and modification time. Computed once per process."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version}\0".encode())
    entries: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            rel = os.path.relpath(path, PACKAGE_DIR)
            entries.append((rel, info.st_size, info.st_mtime_ns))
    for rel, size, mtime in sorted(entries):
        digest.update(f"{rel}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()[:20]


__all__ = ["PACKAGE_DIR", "code_fingerprint"]
