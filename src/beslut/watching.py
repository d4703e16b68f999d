"""``beslut watch``: rebuild on save, keep LibreOffice warm, survive errors.

LibreOffice is borrowed from the workspace's build service (:mod:`beslut.service`), the one
long-lived holder of LibreOffice, so ``watch`` and ``beslut build`` share one warm pool; with
the service off or unusable, the watcher starts its own.

The watcher only calls :func:`beslut.pipeline.build`; it holds no build logic. Every build
reloads the profile, content and templates from disk, so a changed profile takes effect on the
next save. Unchanged files are not parsed again (the loader caches by modification time).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from beslut.convert.libreoffice import Converter, ConverterUnavailable, LibreOfficeConverter
from beslut.load.paths import (
    CACHE_DIR,
    CONTENT_DIR,
    INPUT_SUFFIXES,
    TEMPLATES_DIR,
    check_out_dir,
    default_out_dir,
)
from beslut.pipeline import FORMATS, BuildReport, build

Listener = Callable[[BuildReport | Exception], None]
Starting = Callable[[tuple[str, ...]], None]
"""Called as a build starts, with the workspace-relative files that changed (none at first)."""


def _relevant(_change: watchfiles.Change, path: str) -> bool:
    """A file the build reads (by suffix), or a folder; not an editor's or a tool's temporary
    file (``sed -i`` writes ``sedXXXXXX``, Word ``~$x.docx``), which would show up as changed."""
    name = Path(path).name
    if name.startswith((".", "~$", "#")) or name.endswith(("~", ".tmp", ".swp")):
        return False
    return Path(path).suffix.lower() in INPUT_SUFFIXES or Path(path).is_dir()


def watch(
    root: Path,
    listener: Listener,
    *,
    out_dir: Path | None = None,
    formats: Iterable[str] = FORMATS,
    debounce_ms: int = 200,
    stop: threading.Event | None = None,
    converter: Converter | None = None,
    on_start: Starting | None = None,
) -> None:
    """Build once, then again after every change under content/ or templates/ until ``stop``.

    ``on_start`` is told as each build starts which files changed; ``listener`` gets each
    build's report, or the exception of a build that failed outright; watching goes on either
    way.
    """
    wanted = tuple(formats)
    check_out_dir(root, out_dir or default_out_dir(root))  # refuse before watching
    owned: Converter | None = None
    if converter is None and "pdf" in wanted:
        owned = _service_converter(root)
        if owned is None:
            try:
                own = LibreOfficeConverter(profile_root=root / CACHE_DIR / "libreoffice")
                own.warm_up()
                owned = own
            except ConverterUnavailable:
                owned = None  # each build then reports that LibreOffice is missing
        converter = owned
    try:
        if on_start is not None:
            on_start(())
        _once(root, listener, out_dir, wanted, converter)
        for changes in watchfiles.watch(
            root / CONTENT_DIR,
            root / TEMPLATES_DIR,
            watch_filter=_relevant,
            debounce=debounce_ms,
            step=50,
            stop_event=stop,
            yield_on_timeout=False,
            raise_interrupt=True,  # Ctrl-C reaches the caller; watchfiles prints nothing
        ):
            if on_start is not None:
                on_start(_changed(root, changes))
            _once(root, listener, out_dir, wanted, converter)
    finally:
        if owned is not None:
            owned.close()


def _service_converter(root: Path) -> Converter | None:
    """The workspace build service's warm LibreOffice, shared with ``beslut build``; None when
    the service is turned off (BESLUT_TJANST=av) or cannot be started."""
    from beslut.service import client

    if client.disabled():
        return None
    from beslut.service.converter import ServiceConverter

    try:
        return ServiceConverter(root)
    except client.ServiceUnavailable:
        return None


def _changed(root: Path, changes: Iterable[tuple[watchfiles.Change, str]]) -> tuple[str, ...]:
    """The changed files, workspace-relative with forward slashes, sorted, each once."""
    found = set()
    for _change, path in changes:
        try:
            found.add(Path(path).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            found.add(Path(path).as_posix())
    return tuple(sorted(found))


def _once(
    root: Path,
    listener: Listener,
    out_dir: Path | None,
    formats: tuple[str, ...],
    converter: Converter | None,
) -> None:
    try:
        report = build(root, out_dir=out_dir, formats=formats, converter=converter)
    except Exception as exc:
        listener(exc)
    else:
        listener(report)
