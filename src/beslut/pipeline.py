"""The build pipeline: load → validate → render → convert → assemble → publish.

``build`` is the one function to read to understand the product; every stage lives in its own
module and gets immutable data from the stage before. Builds are incremental: each case and
each meeting is a *unit*. The render, convert and assemble stages declare which files they
read for a unit; the build state (``state.py``) records them with their digests, and
:func:`beslut.publish.state.rebuild_reason` (the one rule, also used by the CLI's no-op path) says
whether a unit can be reused and, if not, why.

Trust rules, each enforced here:

* a unit is published whole or not at all: a case whose PDF could not be made publishes
  neither its .docx nor its PDF, and its earlier outputs stay;
* a failure stops everything that depends on it: a meeting whose case failed in this build is
  not assembled, and the error points at the agenda item;
* assembly reads case PDFs from the build's own cache (``.beslut-cache/pdf``), never from the
  output folder, so nothing is put together from an earlier build's leftovers;
* publishing is one transaction (``publish.publish``): a full disk or a read-only output folder
  leaves every file and the manifest as they were;
* the diagnostics of reused units are printed on every build, not only the first.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from beslut import __version__
from beslut.assemble.meeting import MeetingBuilder
from beslut.assemble.minutes import LEAK_CODE, MINUTES_KIND, MinutesBuilder
from beslut.atomic import write_bytes_atomic
from beslut.convert.libreoffice import (
    ConversionJob,
    ConversionResult,
    Converter,
    ConverterUnavailable,
    LibreOfficeConverter,
    feeding,
)
from beslut.diagnostics import Diagnostic, Level, error, has_errors, paths_with_errors
from beslut.errors import PublishError, os_error_text
from beslut.load import paths
from beslut.load.paths import CACHE_DIR, CONTENT_DIR, PROFILE_FILE, default_out_dir
from beslut.load.source import CASE_SUFFIXES
from beslut.publish import signed, state
from beslut.publish.files import (
    Placement,
    inside,
    output_lock,
    publish,
    read_manifest,
    sha256,
)
from beslut.publish.state import UNIT_PREFIX, VERSION_INPUT
from beslut.render.case import (
    RenderError,
    render_case,
    template_path,
    template_problems,
    template_rel,
)
from beslut.render.letterhead import broken_organs
from beslut.stages import ASSEMBLING as ASSEMBLING
from beslut.stages import CONVERTING as CONVERTING
from beslut.stages import MINUTES as MINUTES
from beslut.stages import PUBLISHING as PUBLISHING
from beslut.stages import READING as READING
from beslut.stages import RENDERING as RENDERING
from beslut.stages import STARTING as STARTING
from beslut.validate.minutes import MinutesDocument
from beslut.validate.workspace import CaseDocument, MeetingDocument, Workspace
from beslut.validate.workspace import load_workspace as _load_workspace

FORMATS = ("docx", "pdf")

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)``; stages are Swedish phrases for people.

With ``total == 0`` the call announces a step that starts now (``READING``, ``STARTING``,
``PUBLISHING``); ``RENDERING`` and ``CONVERTING`` count documents done; ``ASSEMBLING`` followed
by a meeting's name is called as that meeting (number ``done`` of ``total``) starts. The
pipeline prints nothing; front ends render these calls (``beslut.cli.main``)."""


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
    reasons: Mapping[str, str] = field(default_factory=dict)
    """Why each unit was built this time (Swedish), by source."""
    failed: tuple[str, ...] = field(default=())
    """Units that were to be built but failed; their earlier outputs were kept."""

    @property
    def ok(self) -> bool:
        """Return True when nothing failed."""
        return not has_errors(self.diagnostics) and not self.messages


def output_stem(document: CaseDocument) -> str:
    """Return an output path stem for a case: its path under content/, without suffix."""
    return paths.output_stem(document.rel)


def build(
    root: Path,
    *,
    out_dir: Path | None = None,
    formats: Iterable[str] = FORMATS,
    converter: Converter | None = None,
    force: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    as_sent: Collection[str] = (),
) -> BuildReport:
    """Build what changed in the workspace into ``out_dir`` (default ``<root>/output``).

    ``force`` rebuilds everything; ``strict`` treats every warning as an error (nothing with a
    warning is published). A ``converter`` passed in is reused and not closed (watch mode keeps
    LibreOffice warm that way); otherwise one is started and closed here.

    ``as_sent`` names meeting files (``content/möten/….yaml``) to build as their kallelse was
    sent (:meth:`Meeting.as_sent`: without supplement items, and without their protokoll). Such
    a build is a side build (``beslut publicera --kallelsen-först``) into another folder than
    the workspace's own: everything is built, and the build state is left alone.
    Raises :class:`beslut.errors.PublishError` when the output folder cannot be written.
    """
    started = time.perf_counter()
    root = root.resolve()
    out_dir = (out_dir or default_out_dir(root)).resolve()
    paths.check_out_dir(root, out_dir)
    wanted = sorted(set(formats))
    if as_sent and out_dir == default_out_dir(root).resolve():
        raise ValueError("a build with as_sent must go to another folder than output/")
    with output_lock(out_dir):
        run: _Run | None = None
        try:
            run = _Run(root, out_dir, wanted, converter, force, strict, progress or _silent)
            run.as_sent = frozenset(as_sent)
            return run.execute(started)
        except OSError as exc:  # the workspace's cache cannot be written (full disk, …)
            raise PublishError(
                f"{os_error_text(exc, str(root / CACHE_DIR))} Inget i {out_dir} har ändrats."
            ) from None
        finally:
            if run is not None:
                run.close()


def _silent(_stage: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class _Built:
    """A unit built in this run: its staged outputs and the inputs its stages declared."""

    kind: str
    inputs: Mapping[str, str]
    outputs: tuple[tuple[Path, str, str], ...]
    """(staged file, path in the output folder, manifest kind)."""
    diagnostics: tuple[Diagnostic, ...]
    provides: str = ""


def _provides(case: CaseDocument) -> str:
    """The input id meetings use for a case: its diarienummer, so a rename changes nothing."""
    return state.UNIT_PREFIX + case.case.diary_number


class _Run:
    """One build: the stages in order, with the state of this run."""

    def __init__(
        self,
        root: Path,
        out_dir: Path,
        formats: list[str],
        converter: Converter | None,
        force: bool,
        strict: bool,
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
        self.strict = strict
        self.progress = progress
        (root / CACHE_DIR).mkdir(parents=True, exist_ok=True)
        # Private to this build: builds of one workspace into other folders may run at once.
        self.staging = Path(tempfile.mkdtemp(prefix="staging-", dir=root / CACHE_DIR))
        self.diagnostics: list[Diagnostic] = []
        self.messages: list[str] = []
        self.notes: list[str] = []
        self.digests: dict[str, str | None] = {VERSION_INPUT: __version__}
        self.built: dict[str, _Built] = {}
        self.failed: set[str] = set()
        self.no_logo: set[str] = set()  # organs with an unusable logo, set by _plan_cases
        self.minutes_converted = 0  # protokoll documents converted (not reused) in this run
        self.as_sent: frozenset[str] = frozenset()  # see build(): a side build, no state saved
        self.reuse_dir: Path | None = None  # a side build: where the reused cases' outputs are

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
            self.progress(STARTING, 0, 0)
            self.owned.warm_up()
            self.converter = self.owned
        except ConverterUnavailable as exc:
            self.unavailable = exc

    def _level(self, found: Iterable[Diagnostic]) -> list[Diagnostic]:
        """With ``strict``, every warning is an error."""
        if not self.strict:
            return list(found)
        return [d.with_level(Level.ERROR) for d in found]

    def execute(self, started: float) -> BuildReport:
        self.progress(READING, 0, 0)
        side = bool(self.as_sent)
        previous, reason = (None, None) if self.force else state.load(self.root, __version__)
        if reason:
            self.notes.append(reason)
        if side and previous is not None:
            # A side build reuses the cases of the workspace's own build (their PDFs are in the
            # build cache, their outputs in that build's folder); meetings are built here.
            self.reuse_dir = Path(previous.out_dir)
            case_units = {r: u for r, u in previous.units.items() if u.kind == "case"}
            previous = dataclasses.replace(previous, units=case_units)
        elif previous is not None and previous.out_dir != str(self.out_dir):
            previous = None
        if previous is None:
            self._start_converter()  # everything will be converted: start LibreOffice now
        stamps = state.stamp_inputs(self.root, previous.stamps if previous else {})
        if previous is not None and _content_changed(previous, stamps):
            self._start_converter()  # something changed: LibreOffice starts while we load
        self.digests.update({rel: s.sha256 for rel, s in stamps.items()})
        # 1–2. load and validate
        workspace = _load_workspace(self.root)
        if side:
            workspace = _as_sent(workspace, self.as_sent)
        self.diagnostics.extend(self._level(workspace.diagnostics))
        if workspace.profile is None:
            return self._report(started, [], {}, [], [])
        # a broken template is reported once, at the template; its cases are not rendered
        self.diagnostics.extend(self._level(template_problems(workspace)))
        units = previous.units if previous is not None else {}
        reasons: dict[str, str] = {}
        cases = self._plan_cases(workspace, units, reasons)
        if cases and self.want_pdf:
            self._start_converter()
        # 3–4. render, and convert while the next cases render
        self._render_and_convert(workspace, cases)
        # 5. assemble every meeting that changed (its cases' new keys are known now)
        meetings = self._plan_meetings(workspace, units, reasons)
        if meetings and self.want_pdf:
            self._start_converter()
        self._assemble(workspace, meetings)
        # 3–5 for each protokoll whose meeting, cases, file or templates changed
        minutes = self._plan_minutes(workspace, units, reasons)
        if minutes and self.want_pdf:
            self._start_converter()
        self._build_minutes(workspace, minutes)
        # 6. publish
        self.progress(PUBLISHING, 0, 0)
        live = _live(workspace)
        outputs = self._publish(live, units, stamps)
        unchanged = sorted(
            u for u in units if u not in reasons and u in live and u not in self.failed
        )
        removed = sorted(u for u in units if u not in live)
        return self._report(started, outputs, reasons, unchanged, removed)

    def _report(
        self,
        started: float,
        outputs: list[Output],
        reasons: dict[str, str],
        unchanged: list[str],
        removed: list[str],
    ) -> BuildReport:
        return BuildReport(
            outputs=tuple(outputs),
            diagnostics=tuple(self.diagnostics),
            messages=tuple(self.messages),
            seconds=time.perf_counter() - started,
            changed=tuple(sorted(self.built)),
            unchanged=tuple(unchanged),
            removed=tuple(removed),
            notes=tuple(self.notes),
            reasons=dict(reasons),
            failed=tuple(sorted(self.failed)),
        )

    # -- planning -----------------------------------------------------------------------------

    def _digest(self, input_id: str) -> str | None:
        if input_id in self.digests:
            return self.digests[input_id]
        if input_id.startswith(UNIT_PREFIX):
            return ""  # the case no longer exists
        path = self.root / input_id
        return state.file_hash(path) if path.is_file() else ""

    def _input_id(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    def _declared(self, files: Iterable[Path]) -> dict[str, str]:
        """The inputs a stage declared, with their digests now, and the beslut version."""
        declared = {self._input_id(p): self._digest(self._input_id(p)) or "" for p in files}
        declared[VERSION_INPUT] = __version__
        return declared

    def _decide(self, rel: str, units: Mapping[str, state.Unit], reasons: dict[str, str]) -> bool:
        """Return True when a unit must be built (its reason goes into ``reasons``).

        A reused unit re-reports the diagnostics its stages gave when it was built.
        """
        old = units.get(rel)
        why = (
            "allt byggs om (--tvinga)"
            if self.force
            else state.rebuild_reason(
                old, self._digest, self.reuse_dir or self.out_dir, self.formats, root=self.root
            )
        )
        if why is None and old is not None:
            if old.provides:
                self.digests[old.provides] = old.key
            self.diagnostics.extend(self._level(Diagnostic.from_dict(d) for d in old.diagnostics))
            return False
        reasons[rel] = why or "ny"
        return True

    def _plan_cases(
        self, workspace: Workspace, units: Mapping[str, state.Unit], reasons: dict[str, str]
    ) -> list[CaseDocument]:
        """Decide which cases to build: every case without errors that cannot be reused."""
        assert workspace.profile is not None
        failing = paths_with_errors(self.diagnostics)
        # a case or meeting file that did not even load is a unit that was not built too
        self.failed |= {
            path
            for path in failing
            if path.startswith(f"{CONTENT_DIR}/")
            and path.endswith(CASE_SUFFIXES)
            and path != PROFILE_FILE.as_posix()
        }
        cases = []
        # Organs whose logo cannot be used (reported once, at the profile's logotyp line):
        # found once per build, here, and used again when the meetings are planned.
        no_logo = self.no_logo = broken_organs(workspace)
        for case in workspace.cases:
            template = template_path(self.root, workspace.profile, case.case.doc_type)
            self.digests[_provides(case)] = None  # until it is reused or built
            if case.rel in failing:
                continue  # in self.failed already
            if case.case.organ in no_logo:
                self.failed.add(case.rel)
                continue
            if self._input_id(template) in failing:
                self.failed.add(case.rel)  # reported once, at the template
                continue
            if self._decide(case.rel, units, reasons):
                cases.append(case)
        return cases

    def _plan_meetings(
        self, workspace: Workspace, units: Mapping[str, state.Unit], reasons: dict[str, str]
    ) -> list[MeetingDocument]:
        """Decide which meetings to build, once their cases are built (their keys known)."""
        failing = paths_with_errors(self.diagnostics)
        failing |= {m.rel for m in workspace.meetings if m.meeting.organ in self.no_logo}
        self.failed |= {m.rel for m in workspace.meetings if m.rel in failing}
        return [
            m
            for m in workspace.meetings
            if m.rel not in failing and self._decide(m.rel, units, reasons)
        ]

    # -- 3–4. render and convert ------------------------------------------------------------

    def _render_and_convert(self, workspace: Workspace, cases: list[CaseDocument]) -> None:
        assert workspace.profile is not None
        converting = self.want_pdf and self.converter is not None
        if self.want_pdf and not converting and cases:
            self._unavailable_message()
        batches: list[Future[list[ConversionResult]]] = []
        rendered: dict[str, tuple[CaseDocument, Path, list[Diagnostic], tuple[Path, ...]]] = {}
        converted = 0
        counting = threading.Lock()

        def convert(jobs: list[ConversionJob]) -> list[ConversionResult]:
            nonlocal converted
            assert self.converter is not None
            results = self.converter.convert(jobs)
            with counting:
                converted += len(jobs)
                self.progress(CONVERTING, converted, len(cases))
            return results

        parallel, size = feeding(self.converter) if self.converter is not None else (1, 8)
        batch: list[ConversionJob] = []

        pdfs: dict[str, Path] = {}
        stage_problems: dict[str, list[Diagnostic]] = {}
        broken: set[str] = set()
        with ThreadPoolExecutor(
            max_workers=parallel, thread_name_prefix="beslut-konvertera"
        ) as pool:
            for index, document in enumerate(cases, start=1):
                template = template_rel(self.root, workspace.profile, document.case.doc_type)
                if template in broken:  # reported already, at the template
                    self.failed.add(document.rel)
                    continue
                try:
                    result = render_case(document, workspace.profile, workspace.root)
                except RenderError as exc:
                    broken.add(template)
                    self._fail(document.rel, [error(template, 1, 1, str(exc), "mallfel")])
                    continue
                finally:
                    self.progress(RENDERING, index, len(cases))
                path = self.staging / f"{output_stem(document)}.docx"
                write_bytes_atomic(path, result.data, durable=False)  # staging: no fsync
                rendered[document.rel] = (
                    document,
                    path,
                    self._level(result.warnings),
                    result.inputs,
                )
                if converting:
                    batch.append(
                        ConversionJob(path, path.with_suffix(".pdf"), document.rel, preview=True)
                    )
                    if len(batch) >= size:
                        batches.append(pool.submit(convert, batch))
                        batch = []
            if converting and batch:
                batches.append(pool.submit(convert, batch))
            for future in batches:
                try:
                    results = future.result()
                except ConverterUnavailable as exc:
                    self.unavailable = exc
                    self._unavailable_message()
                    break
                for conversion in results:
                    if conversion.ok:
                        pdfs[conversion.job.label] = conversion.job.target
                    else:
                        message = (conversion.message or "PDF kunde inte skapas.").removeprefix(
                            f"{conversion.job.label}: "
                        )
                        stage_problems.setdefault(conversion.job.label, []).append(
                            error(conversion.job.label, 1, 1, message, "pdf-fel")
                        )
        for rel, (document, docx, warnings, inputs) in rendered.items():
            problems = warnings + stage_problems.get(rel, [])
            pdf = pdfs.get(rel)
            if has_errors(problems) or (self.want_pdf and pdf is None):
                self._fail(rel, problems)
                continue
            declared = self._declared(inputs)
            unit_key = state.inputs_key(declared)
            stem = output_stem(document)
            outputs: list[tuple[Path, str, str]] = []
            if "docx" in self.formats:
                outputs.append((docx, f"{stem}.docx", "docx"))
            if pdf is not None:
                cached = state.cached_pdf(self.root, unit_key)
                cached.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(pdf, cached)  # what assembly reads, now and in later builds
                outputs.append((pdf, f"{stem}.pdf", "pdf"))
            self.built[rel] = _Built(
                "case", declared, tuple(outputs), tuple(problems), _provides(document)
            )
            self.digests[_provides(document)] = unit_key
            self.diagnostics.extend(problems)

    def _unavailable_message(self) -> None:
        message = (
            f"{self.unavailable or 'LibreOffice kunde inte användas.'} Inga ändrade handlingar "
            "publicerades (de tidigare finns kvar); bygg med --format docx om du bara behöver "
            "Word-filerna."
        )
        if message not in self.messages:
            self.messages.append(message)

    def _fail(self, rel: str, problems: list[Diagnostic]) -> None:
        self.failed.add(rel)
        self.diagnostics.extend(problems)

    # -- 5. assemble ------------------------------------------------------------------------------

    def _case_pdfs(self, workspace: Workspace) -> dict[str, Path]:
        """PDFs of the cases that are current: built now, or reused from the build cache."""
        found = {}
        for document in workspace.cases:
            unit_key = self.digests.get(_provides(document))
            if unit_key:
                cached = state.cached_pdf(self.root, unit_key)
                if cached.is_file():
                    found[document.rel] = cached
        return found

    def _assemble(self, workspace: Workspace, meetings: list[MeetingDocument]) -> None:
        case_pdfs = self._case_pdfs(workspace) if self.want_pdf else {}
        converter = self.converter if self.unavailable is None else None
        for index, meeting in enumerate(meetings, start=1):
            self.progress(f"{ASSEMBLING} {PurePosixPath(meeting.rel).stem}", index, len(meetings))
            blocked = self._failed_items(workspace, meeting)
            if blocked:
                self._fail(meeting.rel, blocked)
                continue
            if self.want_pdf and converter is None:
                self._unavailable_message()
                self.failed.add(meeting.rel)
                continue
            folder = paths.output_stem(meeting.rel)
            builder = MeetingBuilder(
                workspace,
                meeting,
                case_pdfs,
                converter,
                self.staging / folder,
                cache_dir=self.root / CACHE_DIR / folder,
            )
            result = builder.build(want_pdf=self.want_pdf)
            problems = self._level(result.diagnostics)
            if has_errors(problems) or result.messages:
                self.messages.extend(result.messages)
                self._fail(meeting.rel, problems)
                continue
            declared = self._declared(result.inputs)
            for case in builder.cases:
                if case is not None:
                    declared[_provides(case)] = self.digests.get(_provides(case)) or ""
            outputs = tuple(
                (o.path, f"{folder}/{o.name}", o.kind)
                for o in result.outputs
                if not (o.name.endswith(".docx") and "docx" not in self.formats)
            )
            self.built[meeting.rel] = _Built("meeting", declared, outputs, tuple(problems))
            self.diagnostics.extend(problems)

    def _failed_items(self, workspace: Workspace, meeting: MeetingDocument) -> list[Diagnostic]:
        """Errors at the agenda items whose case failed in this build (not assembled then)."""
        problems = []
        first = workspace.profile.agenda.first_number if workspace.profile else 1
        for index, item in enumerate(meeting.meeting.items):
            dnr = item.diary_number if item.has_case else None
            case = workspace.case_by_dnr(dnr) if dnr else None
            if case is None or case.rel not in self.failed:
                continue
            pos = meeting.source.positions.find(("ärenden", index))
            problems.append(
                error(
                    meeting.rel,
                    pos.line,
                    pos.column,
                    f"Ärende {index + first} ({case.case.diary_number}) kunde inte byggas i det här "
                    f"bygget, så mötets handlingar sätts inte ihop (de tidigare finns kvar). "
                    f"Rätta felen i {case.rel} först.",
                    "ärende-saknas-i-paket",
                )
            )
        return problems

    # -- 3–5 for protokoll ------------------------------------------------------------------

    def _minutes_cases(self, workspace: Workspace, document: MinutesDocument) -> list[CaseDocument]:
        """The cases whose förslag and text the protokoll takes over (one per § with a case)."""
        found = []
        for paragraph in document.paragraphs:
            if paragraph.case is not None:
                case = workspace.case_by_dnr(paragraph.case.diary_number)
                if case is not None and case not in found:
                    found.append(case)
        return found

    def _plan_minutes(
        self, workspace: Workspace, units: Mapping[str, state.Unit], reasons: dict[str, str]
    ) -> list[MinutesDocument]:
        """Decide which protokoll to build, once their meetings and cases are built."""
        failing = paths_with_errors(self.diagnostics)
        planned = []
        for document in workspace.minutes:
            if document.rel in failing:
                self.failed.add(document.rel)
                continue
            blocked = self._minutes_blocked(workspace, document)
            if blocked:
                self._fail(document.rel, blocked)
                continue
            if self._decide(document.rel, units, reasons):
                planned.append(document)
        return planned

    def _minutes_blocked(self, workspace: Workspace, document: MinutesDocument) -> list[Diagnostic]:
        """Errors at the protokoll when its meeting or one of its cases failed in this build."""
        positions = document.source.positions
        problems = []
        meeting = document.meeting_rel
        if meeting in self.failed or meeting in paths_with_errors(self.diagnostics):
            pos = positions.find(("sammanträde",))
            problems.append(
                error(
                    document.rel,
                    pos.line,
                    pos.column,
                    f"Sammanträdet {meeting} kunde inte byggas i det här bygget, så protokollet "
                    "byggs inte heller (det tidigare finns kvar). Rätta felen i mötesfilen först.",
                    "protokoll-underlag-fel",
                )
            )
        for paragraph in document.paragraphs:
            case = paragraph.case
            found = workspace.case_by_dnr(case.diary_number) if case is not None else None
            if found is None or found.rel not in self.failed:
                continue
            where: tuple[str | int, ...] = (
                ("paragrafer", paragraph.entry_index)
                if paragraph.entry_index is not None
                else ("sammanträde",)
            )
            pos = positions.find(where)
            problems.append(
                error(
                    document.rel,
                    pos.line,
                    pos.column,
                    f"§ {paragraph.number} ({found.case.diary_number}) tar sitt beslut från "
                    f"{found.rel}, som inte kunde byggas i det här bygget, så protokollet byggs "
                    "inte (det tidigare finns kvar). Rätta felen i ärendet först.",
                    "protokoll-underlag-fel",
                )
            )
        return problems

    def _build_minutes(self, workspace: Workspace, planned: list[MinutesDocument]) -> None:
        converter = self.converter if self.unavailable is None else None
        for document in planned:
            if self.want_pdf and converter is None:
                self._unavailable_message()
                self.failed.add(document.rel)
                continue
            folder = paths.output_stem(document.meeting_rel)
            self.progress(f"{MINUTES} {PurePosixPath(document.meeting_rel).stem}", 0, 0)
            staging = self.staging / "protokoll" / folder
            builder = MinutesBuilder(
                workspace,
                document,
                converter,
                staging,
                cache_dir=self.root / CACHE_DIR / "protokoll" / folder,
            )
            result = builder.build(want_pdf=self.want_pdf)
            self.minutes_converted += result.converted
            problems = self._level(result.diagnostics)
            outputs = tuple(
                (o.path, f"{folder}/{o.name}", o.kind)
                for o in result.outputs
                if not (o.name.endswith(".docx") and "docx" not in self.formats)
            )
            # Only a leak in the public protokoll keeps the rest publishable (it is left out).
            if any(d.level is Level.ERROR and d.code != LEAK_CODE for d in problems) or not any(
                o.kind == MINUTES_KIND for o in result.outputs
            ):
                self._fail(document.rel, problems)
                continue
            declared = self._declared(result.inputs)
            for case in self._minutes_cases(workspace, document):
                declared[_provides(case)] = self.digests.get(_provides(case)) or ""
            self.built[document.rel] = _Built("minutes", declared, outputs, tuple(problems))
            self.diagnostics.extend(problems)

    # -- 6. publish ---------------------------------------------------------------------------

    def _publish(
        self,
        live: set[str],
        units: Mapping[str, state.Unit],
        stamps: dict[str, state.Stamp],
    ) -> list[Output]:
        """Publish every unit built whole; keep the rest as they were; save the state."""
        earlier = {e["path"]: e for e in read_manifest(self.out_dir)}
        new_units: dict[str, state.Unit] = {}
        placements: list[Placement] = []
        outputs: list[Output] = []
        manifest: list[dict[str, str]] = []
        removals: list[str] = []
        for rel, unit in units.items():
            if rel in self.built:
                continue
            if rel not in live:
                removals.extend(unit.outputs)
                continue
            new_units[rel] = unit
            for path in unit.outputs:
                entry = earlier.get(path)
                if entry is None:
                    target = inside(self.out_dir, path)
                    if target is None or not target.is_file():
                        continue
                    entry = {
                        "path": path,
                        "source": rel,
                        "kind": Path(path).suffix[1:],
                        "sha256": sha256(target),
                    }
                manifest.append(entry)
        for rel, built in self.built.items():
            produced = []
            for staged, path, kind in built.outputs:
                output = Output(path, rel, kind, sha256(staged))
                outputs.append(output)
                manifest.append(asdict(output))
                placements.append(Placement(staged, path, output.sha256))
                produced.append(path)
            old = units.get(rel)
            before = list(old.outputs) if old is not None else []
            # Signed copies from the manifest too: without a state (--tvinga, a damaged or
            # older state) no stale signature may stay beside a file built again.
            before += [
                p
                for p, e in earlier.items()
                if e["source"] == rel and signed.is_signed(p, earlier) and p not in before
            ]
            dropped = [p for p in before if p not in produced]
            kept = self._signatures_kept(dropped, earlier, built)
            manifest.extend(earlier[p] for p in kept)
            produced.extend(kept)
            dropped = [p for p in dropped if p not in kept]
            removals.extend(dropped)
            self._note_dropped(rel, dropped, earlier)
            new_units[rel] = state.Unit(
                built.kind,
                built.inputs,
                tuple(produced),
                tuple(self.formats),
                tuple(d.to_dict() for d in built.diagnostics),
                built.provides,
            )
        keep = {e["path"] for e in manifest}
        removals = [p for p in removals if p not in keep]
        manifest.sort(key=lambda e: (e["source"], e["path"]))
        build_state = state.BuildState(
            beslut_version=__version__,
            out_dir=str(self.out_dir),
            stamps=stamps,
            units=new_units,
            clean=not has_errors(self.diagnostics) and not self.messages,
            diagnostics=tuple(d.to_dict() for d in self.diagnostics),
        )
        if self.as_sent:  # a side build: the workspace's build state stays as it is
            publish(self.out_dir, placements, manifest, removals)
            return outputs
        pending = state.write_pending(self.root, build_state)
        try:
            publish(
                self.out_dir,
                placements,
                manifest,
                removals,
                commit=lambda: os.replace(pending, state.state_path(self.root)),
            )
        finally:
            pending.unlink(missing_ok=True)
        self._prune_pdf_cache(new_units)
        return outputs

    def _signatures_kept(
        self, dropped: list[str], earlier: Mapping[str, dict[str, str]], built: _Built
    ) -> list[str]:
        """Signed copies (``beslut signera``) of files this build made again byte for byte.

        They still sign exactly those bytes, so they stay; any other signed copy of the unit
        goes with the file it signed (``_note_dropped`` says so).
        """
        staged = {path: file for file, path, _kind in built.outputs}
        return [
            p
            for p in dropped
            if p in earlier
            and signed.is_signed(p, earlier)
            and signed.original_of(p) in staged
            and signed.still_signs(self.out_dir, p, staged[signed.original_of(p)])
        ]

    def _note_dropped(
        self, rel: str, dropped: list[str], earlier: Mapping[str, dict[str, str]]
    ) -> None:
        """Say which outputs of a rebuilt unit go: signed copies, formats not built now."""
        for path in dropped:
            target = inside(self.out_dir, path)
            if signed.is_signed(path, earlier) and target is not None and target.is_file():
                self.notes.append(signed.dropped_note(path, rel))
        dropped = [p for p in dropped if not signed.is_signed(p, earlier)]
        gone = [p for p in dropped if Path(p).suffix[1:] in FORMATS]
        gone = [p for p in gone if Path(p).suffix[1:] not in self.formats]
        if not gone:
            return
        fmt = sorted({Path(p).suffix[1:].upper() for p in gone})
        self.notes.append(
            f"Tog bort {', '.join(gone)}: {rel} har ändrats och {' och '.join(fmt)} byggdes "
            f"inte den här gången (--format {','.join(self.formats)})."
        )

    def _prune_pdf_cache(self, units: Mapping[str, state.Unit]) -> None:
        """Keep only the cached PDFs of current case units."""
        folder = self.root / CACHE_DIR / state.PDF_CACHE
        if not folder.is_dir():
            return
        wanted = {state.cached_pdf(self.root, u.key).name for u in units.values()}
        for path in folder.iterdir():
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def _as_sent(workspace: Workspace, rels: frozenset[str]) -> Workspace:
    """The workspace with the meetings ``rels`` as their kallelse was sent, without their
    protokoll (supplement items stand last, so the sent items' attachments are a prefix)."""
    meetings = tuple(
        dataclasses.replace(
            m,
            meeting=m.meeting.as_sent(),
            attachment_files=m.attachment_files[: len(m.meeting.sent_items)],
        )
        if m.rel in rels
        else m
        for m in workspace.meetings
    )
    minutes = tuple(d for d in workspace.minutes if d.meeting_rel not in rels)
    return dataclasses.replace(workspace, meetings=meetings, minutes=minutes)


def _live(workspace: Workspace) -> set[str]:
    """Sources that still exist: loaded cases and meetings, and files that failed to load."""
    live = {d.rel for d in workspace.cases} | {m.rel for m in workspace.meetings}
    live |= {m.rel for m in workspace.minutes}
    return live | {d.path for d in workspace.diagnostics}


def _content_changed(previous: state.BuildState, stamps: dict[str, state.Stamp]) -> bool:
    """Return True when a file was added, removed or changed (not merely touched)."""
    old = {rel: s.sha256 for rel, s in previous.stamps.items()}
    return old != {rel: s.sha256 for rel, s in stamps.items()}


__all__ = ["FORMATS", "BuildReport", "Output", "Progress", "build", "output_lock", "output_stem"]
