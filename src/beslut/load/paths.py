"""Where things are in a workspace. Standard library only: the CLI's fast paths use it."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from beslut.errors import UsageError

PROFILE_FILE = Path("content") / "profil.yaml"
CONTENT_DIR = "content"
MEETINGS_DIR = "möten"
"""Meeting files under content/, and each meeting's outputs under the output folder."""
TEMPLATES_DIR = "templates"
CACHE_DIR = ".beslut-cache"
INPUT_SUFFIXES = (".md", ".yaml", ".yml", ".pdf", ".docx", ".odt", ".png", ".jpg", ".jpeg", ".svg")
"""Suffixes of the files under content/ a build may read (images: logos and figures); templates
are .docx. The build state stamps these, and ``beslut watch`` rebuilds when one changes."""
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


def check_out_dir(root: Path, out_dir: Path) -> None:
    """Refuse an output folder that would mix outputs with inputs or with the workspace.

    Raises UsageError with a Swedish message: a file; the workspace itself or a folder that
    contains it; a folder inside content/, templates/ or the build cache.
    """
    root, out_dir = root.resolve(), out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"Utdatamappen {out_dir} är en fil. Välj en mapp med -o.")
    if root.is_relative_to(out_dir):
        what = "är arbetsytan" if root == out_dir else f"innehåller arbetsytan {root}"
        raise UsageError(
            f"Utdatamappen {out_dir} {what}; då skulle handlingarna hamna bland källfilerna. "
            "Välj en egen mapp, t.ex. standardmappen output/."
        )
    for inside in (CONTENT_DIR, TEMPLATES_DIR, CACHE_DIR):
        if out_dir.is_relative_to(root / inside):
            raise UsageError(
                f"Utdatamappen {out_dir} ligger i {inside}/; då skulle de byggda filerna läsas "
                "som indata nästa gång. Välj en mapp utanför, t.ex. standardmappen output/."
            )
