"""Where things are in a workspace. Standard library only: the CLI's fast paths use it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from beslut.errors import UsageError

PROFILE_FILE = Path("content") / "profil.yaml"
CONTENT_DIR = "content"
TEMPLATES_DIR = "templates"
CACHE_DIR = ".beslut-cache"
"""The build cache and state, inside the workspace (never published)."""


def output_stem(rel_path: str) -> str:
    """Where a case's (or meeting's) outputs go in output/: its path under content/, without
    suffix (``content/ärenden/a.md`` → ``ärenden/a``)."""
    rel = PurePosixPath(rel_path)
    parts = rel.parts[1:] if rel.parts and rel.parts[0] == CONTENT_DIR else rel.parts
    return PurePosixPath(*parts).with_suffix("").as_posix()


class NotAWorkspace(UsageError):
    """The folder has no organisation profile; the message says what to do."""


def find_root(start: Path) -> Path:
    """Return the workspace folder at or above ``start`` (the one with content/profil.yaml)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / PROFILE_FILE).is_file():
            return folder
    raise NotAWorkspace(
        f"{start} är ingen arbetsyta för beslut: filen {PROFILE_FILE.as_posix()} saknas. "
        "Skapa en ny arbetsyta med ”beslut init MAPP” eller ange rätt mapp."
    )


def default_out_dir(root: Path) -> Path:
    """Return the output folder used when none is given."""
    return (root / "output").resolve()
