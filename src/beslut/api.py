"""The public Python API; the CLI is a thin layer over these functions."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from beslut.authoring import scaffold, schema
from beslut.cli.watch import Listener
from beslut.convert.libreoffice import Converter
from beslut.diagnostics import Diagnostic
from beslut.errors import ContentError, UserError
from beslut.model.models import DocumentType, Profile
from beslut.pipeline import BuildReport, Progress
from beslut.validate.workspace import NotAWorkspace, Workspace, find_root, load_profile
from beslut.validate.workspace import load_workspace as _load_workspace

if TYPE_CHECKING:
    from beslut.authoring.fix import FileChange


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
    workspace = load_workspace(path)
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
    organ: str,
    title: str | None = None,
    today: dt.date | None = None,
    target: Path | None = None,
) -> Path:
    """Write a new case file from the profile and return its path."""
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


def write_schemas(path: Path | str = ".") -> list[Path]:
    """Write the JSON Schema files into the workspace's schemas/ folder."""
    return schema.write_schemas(_root(path))


def build_templates(path: Path | str = ".") -> list[Path]:
    """Rebuild the Word templates in templates/ from their source."""
    from beslut.render.templates_build import build_templates as _build

    root = _root(path)
    profile = _profile(root)
    return _build(root / "templates", page_style=profile.page_style.value)


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
) -> None:
    """Build, then rebuild after every saved change until ``stop`` is set (or Ctrl-C)."""
    from beslut.cli.watch import watch as _watch

    _watch(
        _root(path),
        listener,
        out_dir=Path(out_dir) if out_dir is not None else None,
        formats=formats,
        stop=stop,
        converter=converter,
    )
