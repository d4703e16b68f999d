"""The build pipeline: load → validate → render → convert → assemble → publish.

``build`` is the one function to read to understand the product; every stage lives in its own
module and gets immutable data from the stage before. Builds are incremental: each case and
each meeting is a *unit* whose key hashes everything its outputs are made from (see
``state.py``); a unit whose key is unchanged and whose outputs exist is not touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__, state
from .convert import (
    ConversionJob,
    ConversionResult,
    Converter,
    ConverterUnavailable,
    LibreOfficeConverter,
)
from .diagnostics import Diagnostic, error, has_errors, paths_with_errors
from .errors import BuildLocked
from .meetings import MeetingBuilder, MeetingOutput
from .paths import default_out_dir
from .publish import place, write_bytes_atomic, write_manifest
from .render import RenderError, render_case, template_path
from .state import CACHE_DIR
from .templates_build import KALLELSE
from .workspace import PROFILE_FILE, TEMPLATES_DIR, CaseDocument, MeetingDocument, Workspace
from .workspace import load_workspace as _load_workspace

FORMATS = ("docx", "pdf")

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages are Swedish words for people."""


@dataclass(frozen=True)
class Output:
    """One file beslut wrote, as listed in manifest.json."""

    path: str
    source: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class BuildReport:
    """What a build did: which units changed, outputs written, problems and the time taken."""

    outputs: tuple[Output, ...]
    """Files written by this build."""
    diagnostics: tuple[Diagnostic, ...]
    messages: tuple[str, ...] = ()
    seconds: float = 0.0
    changed: tuple[str, ...] = field(default=())
    """Sources (cases and meetings) rebuilt by this build."""
    unchanged: tuple[str, ...] = field(default=())
    removed: tuple[str, ...] = field(default=())
    """Sources that no longer exist and whose outputs were removed."""
    notes: tuple[str, ...] = field(default=())
    """One-line remarks for people, e.g. that the build state was damaged."""

    @property
    def ok(self) -> bool:
        """Return True when nothing failed."""
        return not has_errors(self.diagnostics) and not self.messages


@contextlib.contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder for the duration of a build.

    The folder itself is locked (flock on its descriptor), so no lock file is left in it; the
    lock disappears with the process, also after kill -9.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildLocked(
                f"Ett annat bygge skriver redan till {out_dir}. Vänta tills det är klart och "
                "försök sedan igen."
            ) from None
        yield
    finally:
        os.close(descriptor)


def output_stem(document: CaseDocument) -> str:
    """Return an output path stem for a case: its path under content/, without suffix."""
    return _output_stem(document.rel)


def _output_stem(rel_path: str) -> str:
    rel = Path(rel_path)
    parts = rel.parts[1:] if rel.parts and rel.parts[0] == "content" else rel.parts
    return Path(*parts).with_suffix("").as_posix()


def build(
    root: Path,
    *,
    out_dir: Path | None = None,
    formats: Iterable[str] = FORMATS,
    converter: Converter | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build what changed in the workspace into ``out_dir`` (default ``<root>/output``).

    ``force`` rebuilds everything. A ``converter`` passed in is reused and not closed (watch
    mode keeps LibreOffice warm that way); otherwise one is started and closed here.
    """
    started = time.perf_counter()
    root = root.resolve()
    out_dir = (out_dir or default_out_dir(root)).resolve()
    wanted = sorted(set(formats))
    with output_lock(out_dir):
        run = _Run(root, out_dir, wanted, converter, force, progress or _silent)
        try:
            return run.execute(started)
        finally:
            run.close()


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None


class _Run:
    """One build: the stages in order, with the state of this run."""

    def __init__(
        self,
        root: Path,
        out_dir: Path,
        formats: list[str],
        converter: Converter | None,
        force: bool,
        progress: Progress,
    ) -> None:
        self.root = root
        self.out_dir = out_dir
        self.formats = formats
        self.want_pdf = "pdf" in formats
        self.converter = converter
        self.owned: LibreOfficeConverter | None = None
        self.unavailable: ConverterUnavailable | None = None
        self.force = force
        self.progress = progress
        (root / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        # Private to this build: builds of one workspace into other folders may run at once.
        self.staging = Path(tempfile.mkdtemp(prefix="staging-", dir=root / CACHE_DIR))
        self.diagnostics: list[Diagnostic] = []
        self.messages: list[str] = []
        self.notes: list[str] = []

    def close(self) -> None:
        if self.owned is not None:
            self.owned.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def _start_converter(self) -> None:
        """Start LibreOffice in the background (only once, and only when PDFs are needed)."""
        if self.converter is not None or self.unavailable is not None or not self.want_pdf:
            return
        try:
            # Profiles kept in the workspace start faster than fresh ones (about 0.1–0.5 s).
            self.owned = LibreOfficeConverter(profile_root=self.root / CACHE_DIR / "libreoffice")
            self.owned.warm_up()
            self.converter = self.owned
        except ConverterUnavailable as exc:
            self.unavailable = exc

    def execute(self, started: float) -> BuildReport:
        previous, reason = (None, None) if self.force else state.load(self.root, __version__)
        if reason:
            self.notes.append(reason)
        if previous is not None and (
            previous.formats != self.formats or previous.out_dir != str(self.out_dir)
        ):
            previous = None
        if previous is None:
            self._start_converter()  # everything will be converted: start LibreOffice now
        stamps = state.stamp_inputs(self.root, previous.stamps if previous else {})
        if (
            previous is not None
            and stamps != previous.stamps
            and _content_changed(previous, stamps)
        ):
            self._start_converter()  # something changed: LibreOffice starts while we load
        # 1–2. load and validate
        workspace = _load_workspace(self.root)
        self.diagnostics.extend(workspace.diagnostics)
        if workspace.profile is None:
            return self._report(started, [], [], [], [])
        keys = _unit_keys(workspace, stamps, self.formats)
        failing = paths_with_errors(workspace.diagnostics)
        dirty = {
            unit
            for unit, unit_key in keys.items()
            if unit not in failing and not _fresh(previous, unit, unit_key, self.out_dir)
        }
        cases = [c for c in workspace.cases if c.rel in dirty]
        meetings = [m for m in workspace.meetings if m.rel in dirty]
        if cases and self.want_pdf:
            self._start_converter()
        # 3–4. render, and convert while the next cases render
        rendered, pdfs = self._render_and_convert(workspace, cases)
        # 5. assemble every changed meeting
        case_pdfs = self._case_pdfs(workspace, pdfs)
        if meetings and self.want_pdf:
            self._start_converter()
        meeting_files = self._assemble(workspace, meetings, case_pdfs)
        # 6. publish
        outputs = self._publish(workspace, rendered, pdfs, meeting_files)
        live = set(keys) | {d.path for d in workspace.diagnostics}
        removed = sorted(u for u in (previous.units if previous else {}) if u not in live)
        succeeded = self._succeeded(rendered, pdfs, meeting_files, meetings)
        self._save_state(previous, stamps, keys, succeeded, outputs, workspace)
        unchanged = sorted(set(keys) - dirty - failing)
        written = {o.source for o in outputs} | succeeded
        return self._report(started, outputs, sorted(written), unchanged, removed)

    def _report(
        self,
        started: float,
        outputs: list[Output],
        changed: list[str],
        unchanged: list[str],
        removed: list[str],
    ) -> BuildReport:
        return BuildReport(
            outputs=tuple(outputs),
            diagnostics=tuple(self.diagnostics),
            messages=tuple(self.messages),
            seconds=time.perf_counter() - started,
            changed=tuple(changed),
            unchanged=tuple(unchanged),
            removed=tuple(removed),
            notes=tuple(self.notes),
        )

    # -- 3–4. render and convert ------------------------------------------------------------

    def _render_and_convert(
        self, workspace: Workspace, cases: list[CaseDocument]
    ) -> tuple[list[tuple[CaseDocument, Path]], dict[str, Path]]:
        assert workspace.profile is not None
        rendered: list[tuple[CaseDocument, Path]] = []
        pdfs: dict[str, Path] = {}
        converting = self.want_pdf and self.converter is not None
        if self.want_pdf and not converting and cases:
            self.messages.append(
                f"{self.unavailable or ''} Word-filerna (.docx) skrevs ändå.".strip()
            )
        batches: list[Future[list[ConversionResult]]] = []
        batch: list[ConversionJob] = []
        converted = 0

        def convert(jobs: list[ConversionJob]) -> list[ConversionResult]:
            nonlocal converted
            assert self.converter is not None
            results = self.converter.convert(jobs)
            converted += len(jobs)
            self.progress("konverterar", converted, len(cases))
            return results

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beslut-konvertera") as pool:
            for index, document in enumerate(cases, start=1):
                try:
                    result = render_case(document, workspace.profile, workspace.root)
                except RenderError as exc:
                    self.diagnostics.append(error(document.rel, 1, 1, str(exc), "mallfel"))
                    continue
                finally:
                    self.progress("renderar", index, len(cases))
                self.diagnostics.extend(result.warnings)
                path = self.staging / f"{output_stem(document)}.docx"
                write_bytes_atomic(path, result.data)
                rendered.append((document, path))
                if converting:
                    batch.append(ConversionJob(path, path.with_suffix(".pdf"), document.rel))
                    if len(batch) >= 8:
                        batches.append(pool.submit(convert, batch))
                        batch = []
            if converting and batch:
                batches.append(pool.submit(convert, batch))
            for future in batches:
                try:
                    results = future.result()
                except ConverterUnavailable as exc:
                    self.messages.append(f"{exc} Word-filerna (.docx) skrevs ändå.")
                    break
                for conversion in results:
                    if conversion.ok:
                        pdfs[conversion.job.label] = conversion.job.target
                    else:
                        message = (conversion.message or "PDF kunde inte skapas.").removeprefix(
                            f"{conversion.job.label}: "
                        )
                        self.diagnostics.append(
                            error(conversion.job.label, 1, 1, message, "pdf-fel")
                        )
        return rendered, pdfs

    # -- 5. assemble ------------------------------------------------------------------------------

    def _case_pdfs(self, workspace: Workspace, pdfs: dict[str, Path]) -> dict[str, Path]:
        """PDFs of every case: this build's, or the published one of an unchanged case."""
        result = dict(pdfs)
        for document in workspace.cases:
            published = self.out_dir / f"{output_stem(document)}.pdf"
            if document.rel not in result and published.is_file():
                result[document.rel] = published
        return result

    def _assemble(
        self, workspace: Workspace, meetings: list[MeetingDocument], case_pdfs: dict[str, Path]
    ) -> list[tuple[str, str, MeetingOutput]]:
        staged: list[tuple[str, str, MeetingOutput]] = []
        converter = self.converter if self.unavailable is None else None
        for index, meeting in enumerate(meetings, start=1):
            folder = _output_stem(meeting.rel)
            builder = MeetingBuilder(
                workspace,
                meeting,
                case_pdfs,
                converter,
                self.staging / folder,
                cache_dir=self.root / CACHE_DIR / folder,
            )
            result = builder.build(want_pdf=self.want_pdf)
            self.diagnostics.extend(result.diagnostics)
            self.messages.extend(result.messages)
            staged.extend((meeting.rel, folder, output) for output in result.outputs)
            self.progress("sätter ihop", index, len(meetings))
        return staged

    # -- 6. publish ---------------------------------------------------------------------------

    def _publish(
        self,
        workspace: Workspace,
        rendered: list[tuple[CaseDocument, Path]],
        pdfs: dict[str, Path],
        meeting_files: list[tuple[str, str, MeetingOutput]],
    ) -> list[Output]:
        outputs: list[Output] = []

        def emit(path: Path, rel: str, source: str, kind: str) -> None:
            outputs.append(Output(rel, source, kind, place(path, self.out_dir / rel)))

        failed_meetings = paths_with_errors(self.diagnostics)
        for source, folder, staged in meeting_files:
            if source in failed_meetings:
                continue  # keep the earlier, complete set rather than half a new one
            if staged.name.endswith(".docx") and "docx" not in self.formats:
                continue
            emit(staged.path, f"{folder}/{staged.name}", source, staged.kind)
        for document, docx_path in rendered:
            stem = output_stem(document)
            if "docx" in self.formats:
                emit(docx_path, f"{stem}.docx", document.rel, "docx")
            pdf = pdfs.get(document.rel)
            if pdf is not None:
                emit(pdf, f"{stem}.pdf", document.rel, "pdf")
        live = {d.rel for d in workspace.cases} | {m.rel for m in workspace.meetings}
        live |= {d.path for d in workspace.diagnostics}  # files that exist but failed to load
        rebuilt = {o.source for o in outputs}
        write_manifest(
            self.out_dir, [asdict(o) for o in outputs], rebuilt=rebuilt, live_sources=live
        )
        return outputs

    def _succeeded(
        self,
        rendered: list[tuple[CaseDocument, Path]],
        pdfs: dict[str, Path],
        meeting_files: list[tuple[str, str, MeetingOutput]],
        meetings: list[MeetingDocument],
    ) -> set[str]:
        failed = paths_with_errors(self.diagnostics)
        done = {d.rel for d, _ in rendered if not (self.want_pdf and d.rel not in pdfs)}
        done |= {source for source, _, _ in meeting_files}
        done |= {m.rel for m in meetings if not self.want_pdf}
        return done - failed

    def _save_state(
        self,
        previous: state.BuildState | None,
        stamps: dict[str, state.Stamp],
        keys: dict[str, str],
        succeeded: set[str],
        outputs: list[Output],
        workspace: Workspace,
    ) -> None:
        units: dict[str, state.Unit] = {}
        for unit, unit_key in keys.items():
            if unit in succeeded:
                produced = sorted(o.path for o in outputs if o.source == unit)
                units[unit] = state.Unit(unit_key, produced)
            elif previous is not None and unit in previous.units:
                old = previous.units[unit]
                if old.key == unit_key:
                    units[unit] = old
        state.save(
            self.root,
            state.BuildState(
                beslut_version=__version__,
                formats=self.formats,
                out_dir=str(self.out_dir),
                stamps=stamps,
                units=units,
                clean=not has_errors(self.diagnostics) and not self.messages,
            ),
        )


def _content_changed(previous: state.BuildState, stamps: dict[str, state.Stamp]) -> bool:
    """Return True when a file was added, removed or changed (not merely touched)."""
    old = {rel: s.sha256 for rel, s in previous.stamps.items()}
    return old != {rel: s.sha256 for rel, s in stamps.items()}


def _fresh(previous: state.BuildState | None, unit: str, unit_key: str, out_dir: Path) -> bool:
    """Return True when a unit was built from exactly these inputs and its outputs exist."""
    if previous is None:
        return False
    known = previous.units.get(unit)
    if known is None or known.key != unit_key or not known.outputs:
        return False
    return all((out_dir / rel).is_file() for rel in known.outputs)


def _unit_keys(
    workspace: Workspace, stamps: dict[str, state.Stamp], formats: list[str]
) -> dict[str, str]:
    """Return each case's and meeting's key: a hash of everything its outputs are made from."""
    assert workspace.profile is not None
    root = workspace.root

    def digest(path: Path | None) -> str:
        if path is None:
            return ""
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            return state.file_hash(path) if path.is_file() else ""
        found = stamps.get(rel)
        return found.sha256 if found else (state.file_hash(path) if path.is_file() else "")

    profile = digest(root / PROFILE_FILE)
    keys: dict[str, str] = {}
    for case in workspace.cases:
        template = digest(template_path(root, workspace.profile, case.case.doc_type))
        keys[case.rel] = state.key(
            __version__, formats, digest(case.source.path), template, profile
        )
    kallelse = digest(root / TEMPLATES_DIR / f"{KALLELSE}.docx")
    for meeting in workspace.meetings:
        parts: list[object] = [__version__, formats, digest(meeting.source.path), profile, kallelse]
        for item, files in zip(meeting.meeting.items, meeting.attachment_files, strict=True):
            member = workspace.case_by_dnr(item.diary_number) if item.diary_number else None
            if member is not None:
                parts.append(keys.get(member.rel, ""))
                parts.extend(digest(path) for path in member.attachment_files)
            parts.extend(digest(path) for path in files)
        keys[meeting.rel] = state.key(*parts)
    return keys
