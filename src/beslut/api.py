"""The public Python API; the CLI is a thin layer over these functions."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from beslut.errors import ContentError, UserError
from beslut.stages import ASSEMBLING as ASSEMBLING
from beslut.stages import READING as READING
from beslut.validate.workspace import NotAWorkspace, Workspace, find_root, load_profile
from beslut.validate.workspace import load_workspace as _load_workspace

# What only some functions need is imported in them: ``from beslut import api`` for a build or a
# check then loads neither the authoring tools (schemas, editor settings, scaffolding) nor the
# file watcher (watchfiles), nor the pipeline before a build.
if TYPE_CHECKING:
    from beslut.authoring.editor import EditorSettings
    from beslut.authoring.fix import FileChange
    from beslut.convert.libreoffice import Converter
    from beslut.diagnostics import Diagnostic
    from beslut.model.models import DocumentType, Profile
    from beslut.pipeline import BuildReport, Progress
    from beslut.watching import Listener, Starting


def _root(path: Path | str) -> Path:
    try:
        return find_root(Path(path))
    except NotAWorkspace as exc:
        raise UserError(str(exc)) from None


def load_workspace(path: Path | str = ".") -> Workspace:
    """Load and validate the workspace at or above ``path``."""
    return _load_workspace(_root(path))


def check(path: Path | str = ".") -> list[Diagnostic]:
    """Return every diagnostic for the workspace (templates included), sorted."""
    return check_loaded(load_workspace(path))


def check_loaded(workspace: Workspace) -> list[Diagnostic]:
    """Return every diagnostic of an already loaded workspace (its own and the templates':
    what only rendering shows), sorted; ``check`` is this after ``load_workspace``."""
    diagnostics = list(workspace.diagnostics)
    from beslut.render.case import check_templates

    diagnostics.extend(check_templates(workspace))
    return sorted(diagnostics, key=lambda d: (d.path, d.line, d.column, d.code))


def fix(
    path: Path | str = ".", *, write: bool = True, passes: int = 5
) -> tuple[list[FileChange], list[Diagnostic]]:
    """Apply the safe fixes of the content checks (``beslut check --fix``).

    Returns the change made to each file (first text and last text) and the diagnostics that
    remain. With ``write=False`` nothing is written and the changes of one pass are returned.
    Fixes that overlap another fix are taken in a later pass, up to ``passes`` passes.
    """
    from beslut.authoring import fix as _fix
    from beslut.load.source import forget

    root = _root(path)
    combined: dict[str, _fix.FileChange] = {}
    diagnostics = check(root)
    for _ in range(passes):
        changes = _fix.plan(root, diagnostics)
        if not write:
            return changes, diagnostics
        if not changes:
            break
        try:
            _fix.apply(root, changes)
        except _fix.FixFailed as exc:
            raise UserError(str(exc)) from None
        for change in changes:
            forget(change.path)
            first = combined.get(change.rel)
            combined[change.rel] = _fix.FileChange(
                change.path,
                change.rel,
                first.before if first else change.before,
                change.after,
                (first.fixes if first else 0) + change.fixes,
            )
        diagnostics = check(root)
    return list(combined.values()), diagnostics


def init_workspace(folder: Path | str) -> list[Path]:
    """Create a new workspace with profile, templates, schemas and an example case."""
    from beslut.authoring import scaffold

    try:
        return scaffold.init_workspace(Path(folder))
    except scaffold.ScaffoldError as exc:
        raise UserError(str(exc)) from None


def _profile(root: Path) -> Profile:
    profile, problems = load_profile(root)
    if profile is None:
        lines = "\n".join(p.format() for p in problems)
        raise ContentError(f"organisationsprofilen har fel; rätta dem först:\n{lines}")
    return profile


def new_case(
    path: Path | str,
    doc_type: DocumentType,
    *,
    dnr: str,
    organ: str | None,
    title: str | None = None,
    today: dt.date | None = None,
    target: Path | None = None,
) -> Path:
    """Write a new case file from the profile and return its path (``organ`` None: the
    profile's only organ)."""
    from beslut.authoring import scaffold

    root = _root(path)
    try:
        return scaffold.new_case(
            root,
            _profile(root),
            doc_type,
            dnr=dnr,
            organ=organ,
            title=title,
            today=today,
            target=target,
        )
    except scaffold.ScaffoldError as exc:
        raise UserError(str(exc)) from None


def new_meeting(path: Path | str, *, date: dt.date, organ: str | None = None) -> Path:
    """Write a new meeting file (content/möten/<datum>-<instans>.yaml) and return its path."""
    from beslut.authoring import scaffold

    root = _root(path)
    try:
        return scaffold.new_meeting(root, _profile(root), date=date, organ=organ)
    except scaffold.ScaffoldError as exc:
        raise UserError(str(exc)) from None


def new_minutes(path: Path | str, meeting_file: Path) -> Path:
    """Write a new protokoll (content/protokoll/<möte>.yaml) for a meeting file; return its path."""
    from beslut.authoring import scaffold

    root = _root(path)
    try:
        return scaffold.new_minutes(root, meeting_file)
    except scaffold.ScaffoldError as exc:
        raise UserError(str(exc)) from None


def write_schemas(path: Path | str = ".") -> list[Path]:
    """Write the JSON Schema files into the workspace's schemas/ folder."""
    from beslut.authoring import schema

    return schema.write_schemas(_root(path))


def write_editor_settings(path: Path | str = ".") -> EditorSettings:
    """Associate the schemas with the workspace's files in .vscode/settings.json (merged into
    the user's settings) and recommend the YAML extension; see ``beslut.authoring.editor``."""
    from beslut.authoring import editor

    return editor.write_editor_settings(_root(path))


@dataclass(frozen=True)
class TemplateRebuild:
    """What ``build_templates`` did: templates written, left alone and backed up."""

    written: tuple[Path, ...]
    unchanged: tuple[Path, ...]
    backups: tuple[Path, ...]


BACKUP_DIR = ".säkerhetskopior"
"""Folder in templates/ where ``beslut mallar --bygg --tvinga`` keeps replaced templates."""


def build_templates(path: Path | str = ".", *, force: bool = False) -> TemplateRebuild:
    """Rebuild the Word templates in templates/ from their source.

    A template that differs from what the build produces (a secretary may have customised it)
    is not overwritten: UserError names it. With ``force`` it is overwritten after a copy is
    kept in ``templates/.säkerhetskopior/<namn>-ÅÅÅÅMMDD-TTMMSS.docx``. Templates that are
    already as built are left alone.
    """
    import shutil
    import tempfile

    from beslut.render.templates_build import build_templates as _build

    root = _root(path)
    _profile(root)  # a workspace with a readable profile
    folder = root / "templates"
    with tempfile.TemporaryDirectory(prefix="beslut-mallar-") as tmp:
        built = _build(Path(tmp))
        plan = [(new, folder / new.name) for new in built]
        changed = [
            old for new, old in plan if old.exists() and old.read_bytes() != new.read_bytes()
        ]
        if changed and not force:
            names = ", ".join(f"templates/{p.name}" for p in changed)
            raise UserError(
                f"{names} skiljer sig från standardmallarna (de har troligen anpassats) och "
                "skrivs inte över. Kör ”beslut mallar --bygg --tvinga” för att ersätta dem; "
                f"de gamla sparas då i templates/{BACKUP_DIR}/."
            )
        written, unchanged, backups = [], [], []
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for new, old in plan:
            if old.exists() and old.read_bytes() == new.read_bytes():
                unchanged.append(old)
                continue
            if old.exists():
                backup = folder / BACKUP_DIR / f"{old.stem}-{stamp}{old.suffix}"
                backup.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(old, backup)
                backups.append(backup)
            folder.mkdir(parents=True, exist_ok=True)
            tmp_target = old.with_name(f".{old.name}.tmp")
            shutil.copyfile(new, tmp_target)
            tmp_target.replace(old)
            written.append(old)
    return TemplateRebuild(tuple(written), tuple(unchanged), tuple(backups))


def inspect_templates(path: Path | str = ".") -> tuple[dict[str, list[str]], list[Diagnostic]]:
    """Return each readable template's variables and a located error per broken template."""
    from beslut.render.case import inspect_templates as _inspect

    return _inspect(_root(path))


def template_tags(path: Path | str = ".") -> dict[str, list[str]]:
    """Return each template's variables (tags), by file name."""
    from beslut.render.case import template_tags as _tags

    return _tags(_root(path))


def build(
    path: Path | str = ".",
    *,
    out_dir: Path | str | None = None,
    formats: tuple[str, ...] = ("docx", "pdf"),
    converter: Converter | None = None,
    force: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build what changed in the workspace into its output folder (or ``out_dir``).

    ``force`` rebuilds everything; ``strict`` makes every warning an error (nothing with a
    warning is published); ``progress(stage, done, total)`` is called as work is done.
    """
    from beslut.pipeline import build as _build

    return _build(
        _root(path),
        out_dir=Path(out_dir) if out_dir is not None else None,
        formats=formats,
        converter=converter,
        force=force,
        strict=strict,
        progress=progress,
    )


def watch(
    path: Path | str,
    listener: Listener,
    *,
    out_dir: Path | str | None = None,
    formats: tuple[str, ...] = ("docx", "pdf"),
    stop: threading.Event | None = None,
    converter: Converter | None = None,
    on_start: Starting | None = None,
) -> None:
    """Build, then rebuild after every saved change until ``stop`` is set (or Ctrl-C).

    ``on_start(files)`` is called as each build starts, with the workspace-relative files whose
    change started it (an empty tuple for the first build)."""
    from beslut.watching import watch as _watch

    _watch(
        _root(path),
        listener,
        out_dir=Path(out_dir) if out_dir is not None else None,
        formats=formats,
        stop=stop,
        converter=converter,
        on_start=on_start,
    )
