"""The workspace as the app sees it: loaded and checked once per change of its files.

Every page asks :func:`WorkspaceState.current`; it reloads only when a file under ``content/`` or
``templates/`` changed (size or modification time), so the app, ``build``, ``watch`` and a text
editor can all work on the same folder. The loading itself uses beslut's warm caches.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from beslut.diagnostics import Diagnostic, Level
from beslut.validate.workspace import Workspace, case_files, is_minutes_text, sniff

WATCHED = ("content", "templates")


def state_of(errors: int, warnings: int) -> str:
    """``fel``, ``varningar`` or ``klar``: a file's state in every list of the app."""
    if errors:
        return "fel"
    return "varningar" if warnings else "klar"


@dataclass(frozen=True)
class CaseRow:
    """One case file as the case list shows it."""

    rel: str
    title: str
    diary_number: str
    organ: str
    doc_type: str
    errors: int
    warnings: int

    @property
    def state(self) -> str:
        """``fel``, ``varningar`` or ``klar``: the filter values of the case list."""
        return state_of(self.errors, self.warnings)


@dataclass(frozen=True)
class Snapshot:
    """One consistent reading of the workspace and all its diagnostics."""

    workspace: Workspace
    diagnostics: tuple[Diagnostic, ...]
    case_rows: tuple[CaseRow, ...]

    def for_file(self, rel: str) -> list[Diagnostic]:
        """Return the diagnostics of one file, in file order."""
        return [d for d in self.diagnostics if d.path == rel]


def _stamp(root: Path) -> tuple[tuple[str, int, int], ...]:
    def walk() -> Iterator[tuple[str, int, int]]:
        for top in WATCHED:
            folder = root / top
            if not folder.is_dir():
                continue
            for path in folder.rglob("*"):
                try:
                    st = path.stat()
                except OSError:
                    continue
                yield (str(path), st.st_mtime_ns, st.st_size)

    return tuple(sorted(walk()))


class WorkspaceState:
    """Holds the newest :class:`Snapshot` of one workspace; thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._stamp: tuple[tuple[str, int, int], ...] | None = None
        self._snapshot: Snapshot | None = None

    def current(self) -> Snapshot:
        """Return the snapshot, reloading and re-checking when a file changed."""
        with self._lock:
            stamp = _stamp(self.root)
            if self._snapshot is None or stamp != self._stamp:
                self._snapshot = self._load()
                self._stamp = stamp
            return self._snapshot

    def _load(self) -> Snapshot:
        from beslut import api

        workspace = api.load_workspace(self.root)
        diagnostics = tuple(api.check_loaded(workspace))
        by_rel = {c.rel: c for c in workspace.cases}
        # meetings and protokoll are not cases: they have their own pages
        meetings = {m.source.rel for m in workspace.meetings}
        meetings |= {m.rel for m in workspace.minutes}
        rows = []
        for path in case_files(self.root):
            rel = path.relative_to(self.root).as_posix()
            doc = by_rel.get(rel)
            diary_number = doc.case.diary_number if doc else None
            if rel in meetings:
                continue
            if doc is None:
                try:
                    with path.open("rb") as handle:
                        head = handle.read(64 * 1024).decode("utf-8", errors="replace")
                except OSError:
                    head = ""
                is_meeting, diary_number = sniff(head)
                if is_meeting or is_minutes_text(head):
                    continue
            mine = [d for d in diagnostics if d.path == rel]
            errors = sum(d.level == Level.ERROR for d in mine)
            rows.append(
                CaseRow(
                    rel=rel,
                    title=doc.case.title if doc else path.stem,
                    diary_number=diary_number or "",
                    organ=doc.case.organ if doc else "",
                    doc_type=str(doc.case.doc_type.value) if doc else "",
                    errors=errors,
                    warnings=len(mine) - errors,
                )
            )
        return Snapshot(workspace, diagnostics, tuple(rows))
