"""Paths a user (a form, a URL) names inside the workspace, resolved safely.

Every file the app reads or writes on a user's behalf goes through :func:`resolve_inside`:
absolute paths, ``..``, NUL bytes, backslashes and drive letters are refused outright, and a
path whose real location (after following every symbolic link) lies outside the workspace is
refused too. Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePosixPath

from beslut.errors import UserError

__all__ = ["PathRefused", "relative", "resolve_inside"]

_DRIVE = re.compile(r"^[A-Za-z]:")


class PathRefused(UserError):
    """A path that would reach outside the workspace, or cannot name a file in it."""


def _refuse(rel: str, why: str) -> PathRefused:
    shown = rel.replace("\x00", "\\0")
    return PathRefused(
        f"Sökvägen ”{shown}” godtas inte: {why} Ange en sökväg inom arbetsytan, med / mellan "
        "mapparna, till exempel content/ärenden/ärende.md."
    )


def resolve_inside(root: Path, rel: str, *, must_exist: bool = True) -> Path:
    """Return the real path of ``rel`` (relative, with ``/``) inside the workspace ``root``.

    Raises :class:`PathRefused` (a Swedish message) for an empty or absolute path, ``..``, a NUL
    byte, a backslash or a drive letter, a path that a symbolic link (any component) leads out
    of the workspace, and, with ``must_exist``, a path that does not exist.
    """
    if not rel or not rel.strip():
        raise _refuse(rel, "ingen sökväg angavs.")
    if "\x00" in rel:
        raise _refuse(rel, "den innehåller ett NUL-tecken.")
    if "\\" in rel or _DRIVE.match(rel):
        raise _refuse(rel, "den innehåller \\ eller en enhetsbokstav (som C:).")
    pure = PurePosixPath(rel)
    if pure.is_absolute() or rel.startswith("~"):
        raise _refuse(rel, "den är absolut (börjar med / eller ~).")
    if ".." in pure.parts:
        raise _refuse(rel, "den går uppåt ur mappen med ”..”.")
    base = root.resolve()
    candidate = base.joinpath(*pure.parts)
    try:
        # strict=False still follows every symbolic link that exists, also a dangling last one.
        real = candidate.resolve(strict=False)
    except (OSError, RuntimeError):  # a symbolic link loop
        raise _refuse(rel, "en symbolisk länk i den pekar på sig själv.") from None
    if real != base and not real.is_relative_to(base):
        raise _refuse(rel, "en symbolisk länk i den pekar ut ur arbetsytan.")
    if must_exist and not real.exists():
        raise PathRefused(
            f"Filen ”{rel}” finns inte i arbetsytan. Den kan ha flyttats eller tagits bort; "
            "ladda om sidan."
        )
    return real


def relative(root: Path, path: Path) -> str:
    """Return ``path`` relative to the workspace ``root``, with ``/`` and NFC Unicode.

    Raises :class:`PathRefused` when ``path`` is not inside the workspace.
    """
    base = root.resolve()
    target = path if path.is_absolute() else base / path
    try:
        rel = target.resolve(strict=False).relative_to(base)
    except ValueError:
        raise PathRefused(
            f"{path} ligger utanför arbetsytan {base}; beslut visar och sparar bara filer i "
            "arbetsytan."
        ) from None
    return unicodedata.normalize("NFC", rel.as_posix())
