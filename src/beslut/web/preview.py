"""The PDF preview of one case and its downloads, built from the file as it is now.

A preview is the pipeline's own stages for a single case: the workspace is loaded and checked
(beslut's caches make that a few tens of milliseconds), the case is rendered with
:func:`beslut.render.case.render_case` and converted with a warm converter — the build
service's (:class:`beslut.service.converter.ServiceConverter`, the one long-lived holder of
LibreOffice, shared with ``build`` and ``watch``), or one of the app's own when the service is
off or cannot start. The files go to a private folder, ``.beslut-cache/forhandsvisning/``,
never to ``output/``: publishing stays the only writer there.

A built preview is kept under a key made of the case file's version (a hash of its bytes), the
templates, the profile, the images and beslut's version; a request whose key is built already is
answered from it, and concurrent requests for the same key wait for one build. A case with
errors gets no PDF at all: the caller shows the errors (file:line), never an older PDF as if it
were current.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import threading
import unicodedata
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from beslut import __version__
from beslut.atomic import write_bytes_atomic
from beslut.convert.libreoffice import (
    ConversionJob,
    Converter,
    ConverterUnavailable,
    LibreOfficeConverter,
)
from beslut.diagnostics import Diagnostic, Level, error
from beslut.load.paths import CACHE_DIR, PROFILE_FILE
from beslut.model.models import Profile
from beslut.render.case import RenderError, render_case, template_problems, template_rel
from beslut.render.letterhead import broken_organs
from beslut.validate.workspace import CaseDocument, load_workspace
from beslut.web.files import version_of
from beslut.web.paths import resolve_inside

PREVIEW_DIR = "forhandsvisning"
"""The preview folder under ``.beslut-cache`` (private to the app; not output/)."""
STAMPED = ("templates", "content/bilder")
"""Folders whose files a paper may read besides the case and the profile (templates, images)."""
RETRIES = 3
PARALLEL = max(1, min(4, os.cpu_count() or 1))
"""Connections to the build service at most (its LibreOffice has one process per core)."""
"""Builds of one request when the file changes while it is built (then built again)."""


class NotACase(Exception):
    """The path names a file that is not a case (a meeting, the profile, an attachment)."""


@dataclass(frozen=True)
class Preview:
    """The outcome of one preview build: the files, or the errors that stop them."""

    rel: str
    version: str
    """The version (hash) of the case file the preview was built from."""
    title: str
    stem: str
    """The file name for downloads, without suffix (the case file's)."""
    docx: bytes | None = None
    pdf: bytes | None = None
    problems: tuple[Diagnostic, ...] = ()
    """The errors (with file:line) that stop the preview; empty when it was built."""
    messages: tuple[str, ...] = ()
    """Problems without a place (LibreOffice missing)."""

    @property
    def ok(self) -> bool:
        return self.pdf is not None and not self.problems and not self.messages


@dataclass
class _Memo:
    key: str
    preview: Preview


@dataclass
class Previews:
    """The previews of one workspace; thread-safe, one per app."""

    root: Path
    converter: Converter | None = None
    """A converter to use (tests); None starts the service's or an own one when needed."""
    builds: int = 0
    """How many previews were built (not answered from the cache); for tests and benchmarks."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _load_lock: threading.Lock = field(default_factory=threading.Lock)
    _render_lock: threading.Lock = field(default_factory=threading.Lock)
    _pool_changed: threading.Condition = field(default_factory=threading.Condition)
    _building: dict[str, Future[Preview]] = field(default_factory=dict)
    _memo: dict[str, _Memo] = field(default_factory=dict)
    _all: list[Converter] = field(default_factory=list)
    _free: list[Converter] = field(default_factory=list)
    _made: int = 0
    _shared: Converter | None = None
    _unavailable: str | None = None
    fell_back: str | None = None

    def __post_init__(self) -> None:
        self.root = self.root.resolve()

    # -- the converter -------------------------------------------------------------------------

    def _checkout(self) -> Converter | None:
        """A warm converter for one conversion: the given one, an own LibreOffice (shared: it
        converts in parallel itself), or a free connection to the build service — up to one
        per core, because one connection converts one request at a time while the service's
        LibreOffice has a process per core. None when no converter can be had."""
        if self.converter is not None:
            return self.converter
        with self._pool_changed:
            while True:
                if self._shared is not None or self._unavailable is not None:
                    return self._shared
                if self._free:
                    return self._free.pop()
                if self._made < PARALLEL:
                    self._made += 1
                    break
                self._pool_changed.wait()
        made = self._start_converter()  # outside the lock: starting may take seconds
        with self._pool_changed:
            if made is None:
                self._made -= 1
                self._pool_changed.notify_all()
                return None
            if not self._all:
                atexit.register(self.close)
            self._all.append(made)
            if isinstance(made, LibreOfficeConverter):
                self._shared = made
                self._pool_changed.notify_all()
            return made

    def _checkin(self, converter: Converter) -> None:
        if converter is self.converter or converter is self._shared:
            return
        with self._pool_changed:
            self._free.append(converter)
            self._pool_changed.notify()

    def _start_converter(self) -> Converter | None:
        from beslut.service import client

        if not client.disabled():
            from beslut.service.converter import ServiceConverter

            try:
                return ServiceConverter(self.root)
            except client.ServiceUnavailable as exc:
                self.fell_back = str(exc)
        try:
            own = LibreOfficeConverter(profile_root=self.root / CACHE_DIR / "libreoffice")
            own.warm_up()
            return own
        except ConverterUnavailable as exc:
            self._unavailable = str(exc)
            return None

    def warm_up(self) -> None:
        """Start a converter in the background (a page that will show a preview opens)."""
        if self.converter is not None or self._all or self._unavailable is not None:
            return

        def start() -> None:
            converter = self._checkout()
            if converter is not None:
                self._checkin(converter)

        threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        """Close the app's connections to the service (it keeps running) or its LibreOffice."""
        with self._pool_changed:
            for converter in self._all:
                converter.close()
            self._all.clear()
            self._free.clear()
            self._shared = None
            self._made = 0

    # -- building --------------------------------------------------------------------------------

    def folder(self, rel: str) -> Path:
        """The case's private preview folder."""
        name = hashlib.sha256(rel.encode("utf-8")).hexdigest()[:20]
        return self.root / CACHE_DIR / PREVIEW_DIR / name

    def get(self, rel: str) -> Preview:
        """Return the preview of the case ``rel`` as its file is now (built if needed).

        Raises :class:`beslut.web.paths.PathRefused` for a path outside the workspace or
        missing, and :class:`NotACase` for a file that is not a case.
        """
        path = resolve_inside(self.root, rel)
        for _attempt in range(RETRIES):
            version = version_of(path)
            preview = self._get(rel, path, version)
            if version_of(path) == version:
                return preview
        return preview  # changing all the time: the newest build, labelled with its version

    def _get(self, rel: str, path: Path, version: str) -> Preview:
        with self._load_lock:  # the loader's caches are shared; one load at a time
            workspace = load_workspace(self.root)
            document = next((c for c in workspace.cases if c.rel == rel), None)
            diagnostics = list(workspace.diagnostics)
            if workspace.profile is not None:
                diagnostics.extend(template_problems(workspace))
                no_logo = broken_organs(workspace)
            else:
                no_logo = set()
        stem = unicodedata.normalize("NFC", PurePosixPath(rel).stem)
        if document is None:
            own = tuple(d for d in diagnostics if d.path == rel and d.level == Level.ERROR)
            if not own:  # a meeting, the profile, an attachment, or not content at all
                raise NotACase(rel)
            return Preview(rel, version, stem, stem, problems=own)
        profile = workspace.profile
        blocking = self._blocking(document, profile, diagnostics, no_logo)
        title = document.case.title
        if blocking:
            return Preview(rel, version, title, stem, problems=blocking)
        key = self._key(version)
        with self._lock:
            memo = self._memo.get(rel)
            if memo is not None and memo.key == key:
                return memo.preview
            future = self._building.get(key + rel)
            mine = future is None
            if future is None:
                future = self._building[key + rel] = Future()
        if not mine:
            return future.result()
        try:
            assert profile is not None  # a case is only loaded with a profile
            preview = self._build(document, profile, version, key, stem)
        except BaseException as exc:
            with self._lock:
                self._building.pop(key + rel, None)
            future.set_exception(exc)
            raise
        with self._lock:  # memo first, then no longer building: a new request finds one
            if preview.ok:
                self._memo[rel] = _Memo(key, preview)
            self._building.pop(key + rel, None)
        future.set_result(preview)
        return preview

    def _blocking(
        self,
        document: CaseDocument,
        profile: Profile | None,
        diagnostics: list[Diagnostic],
        no_logo: set[str],
    ) -> tuple[Diagnostic, ...]:
        """The errors that stop this case's paper, as they stop it in ``beslut build``: its own,
        its template's, and the profile's when its organ's logo cannot be used."""
        rel = document.rel
        places = {rel}
        if profile is not None:
            places.add(template_rel(self.root, profile, document.case.doc_type))
        else:
            places.add(PROFILE_FILE.as_posix())
        if document.case.organ in no_logo:
            places.add(PROFILE_FILE.as_posix())
        return tuple(d for d in diagnostics if d.level == Level.ERROR and d.path in places)

    def _key(self, version: str) -> str:
        """The cache key: the case's version, beslut's, and the stamp of what else it reads."""
        digest = hashlib.sha256(f"{__version__}\0{version}\0".encode())
        profile = self.root / PROFILE_FILE
        for path in [profile, *_files(self.root, STAMPED)]:
            try:
                info = path.stat()
            except OSError:
                continue
            digest.update(f"{path}\0{info.st_mtime_ns}\0{info.st_size}\n".encode())
        return digest.hexdigest()[:32]

    def _build(
        self, document: CaseDocument, profile: Profile, version: str, key: str, stem: str
    ) -> Preview:
        rel = document.rel
        title = document.case.title
        folder = self.folder(rel)
        folder.mkdir(parents=True, exist_ok=True)
        docx_path = folder / f"{key}.docx"
        pdf_path = folder / f"{key}.pdf"
        if docx_path.is_file() and pdf_path.is_file():  # built by an earlier run of the app
            return Preview(rel, version, title, stem, docx_path.read_bytes(), pdf_path.read_bytes())
        self.builds += 1
        try:
            # one render at a time: the renderer's caches (parsed templates, images) are
            # shared, and the pipeline, which they were written for, renders in one thread
            with self._render_lock:
                rendered = render_case(document, profile, self.root)
        except RenderError as exc:
            template = template_rel(self.root, profile, document.case.doc_type)
            return Preview(
                rel, version, title, stem, problems=(error(template, 1, 1, str(exc), "mallfel"),)
            )
        problems = tuple(d for d in rendered.warnings if d.level == Level.ERROR)
        if problems:
            return Preview(rel, version, title, stem, problems=problems)
        write_bytes_atomic(docx_path, rendered.data, durable=False)  # a cache: no fsync
        converter = self._checkout()
        if converter is None:
            return Preview(
                rel, version, title, stem, rendered.data,
                messages=(self._unavailable or "LibreOffice kunde inte användas.",),
            )  # fmt: skip
        try:
            [result] = converter.convert([ConversionJob(docx_path, pdf_path, rel, preview=True)])
        except ConverterUnavailable as exc:
            return Preview(rel, version, title, stem, rendered.data, messages=(str(exc),))
        finally:
            self._checkin(converter)
        if not result.ok:
            message = (result.message or "PDF:en kunde inte skapas.").removeprefix(f"{rel}: ")
            return Preview(
                rel,
                version,
                title,
                stem,
                rendered.data,
                problems=(error(rel, 1, 1, message, "pdf-fel"),),
            )
        pdf = pdf_path.read_bytes()
        with self._lock:
            busy = {k[:32] for k in self._building}
        _prune(folder, {key, *busy})
        return Preview(rel, version, title, stem, rendered.data, pdf)


def _files(root: Path, folders: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for top in folders:
        folder = root / top
        if folder.is_dir():
            found.extend(p for p in folder.rglob("*") if p.is_file())
    return sorted(found)


def _prune(folder: Path, keep: set[str]) -> None:
    """Keep only the newest preview of a case (and those being built just now)."""
    for path in folder.iterdir():
        if path.name[:32] not in keep:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def content_disposition(stem: str, suffix: str, *, inline: bool = False) -> str:
    """A Content-Disposition header value with the Swedish name kept (RFC 6266 / RFC 5987):
    an ASCII ``filename`` for old clients (å → a, ä → a, ö → o) and ``filename*`` in UTF-8."""
    name = unicodedata.normalize("NFC", f"{stem}.{suffix}")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c if c.isalnum() or c in "-_. " else "_" for c in ascii_name)
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


__all__ = ["NotACase", "Preview", "Previews", "content_disposition"]
