"""The build pipeline: load → validate → render → convert → (assemble) → publish.

``build`` is the one function to read to understand the product; every stage lives in its own
module and gets immutable data from the stage before.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .convert import ConversionJob, Converter, ConverterUnavailable, LibreOfficeConverter
from .diagnostics import Diagnostic, error, has_errors
from .meetings import MeetingBuilder, MeetingOutput
from .publish import place, write_bytes_atomic, write_manifest
from .render import RenderError, render_case
from .workspace import CaseDocument, Workspace, load_workspace

FORMATS = ("docx", "pdf")
CACHE_DIR = ".beslut-cache"


@dataclass(frozen=True)
class Output:
    """One file beslut wrote, as listed in manifest.json."""

    path: str
    source: str
    kind: str
    sha256: str


@dataclass(frozen=True)
class BuildReport:
    """What a build did: outputs, problems and how long it took."""

    outputs: tuple[Output, ...]
    diagnostics: tuple[Diagnostic, ...]
    messages: tuple[str, ...] = ()
    seconds: float = 0.0
    built: tuple[str, ...] = field(default=())
    meetings: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """Return True when nothing failed."""
        return not has_errors(self.diagnostics) and not self.messages


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
) -> BuildReport:
    """Build every valid case of the workspace into ``out_dir`` (default ``<root>/output``)."""
    started = time.perf_counter()
    wanted = set(formats)
    owned = converter is None and "pdf" in wanted
    unavailable: ConverterUnavailable | None = None
    if owned:
        try:
            converter = LibreOfficeConverter()
            converter.warm_up()  # LibreOffice starts while the cases load and render
        except ConverterUnavailable as exc:
            unavailable = exc
    try:
        return _build(root, out_dir, wanted, converter, unavailable, started)
    finally:
        if owned and converter is not None:
            converter.close()


def _build(
    root: Path,
    out_dir: Path | None,
    wanted: set[str],
    converter: Converter | None,
    unavailable: ConverterUnavailable | None,
    started: float,
) -> BuildReport:
    # 1–2. load and validate
    workspace = load_workspace(root)
    out_dir = (out_dir or workspace.root / "output").resolve()
    diagnostics = list(workspace.diagnostics)
    if workspace.profile is None:
        return BuildReport((), tuple(diagnostics), seconds=time.perf_counter() - started)
    staging = workspace.root / CACHE_DIR / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    # 3. render
    rendered = _render(workspace, _buildable(workspace), staging, diagnostics)
    # 4. convert
    messages: list[str] = []
    pdfs: dict[str, Path] = {}
    if "pdf" in wanted and rendered:
        if unavailable is not None or converter is None:
            messages.append(f"{unavailable or ''} Word-filerna (.docx) skrevs ändå.".strip())
        else:
            pdfs = _convert(rendered, converter, diagnostics, messages)
    # 5. assemble: kallelse, agenda packets and item PDFs for every meeting
    meeting_files = _assemble(
        workspace,
        pdfs,
        converter if unavailable is None else None,
        "pdf" in wanted,
        staging,
        diagnostics,
        messages,
    )
    # 6. publish
    live = {d.source.rel for d in workspace.cases} | {m.rel for m in workspace.meetings}
    live |= {d.path for d in workspace.diagnostics}  # files that exist but failed to load
    outputs = _publish(rendered, pdfs, wanted, out_dir, meeting_files, live)
    shutil.rmtree(staging, ignore_errors=True)
    return BuildReport(
        tuple(outputs),
        tuple(diagnostics),
        tuple(messages),
        time.perf_counter() - started,
        tuple(d.rel for d, _ in rendered),
        tuple(dict.fromkeys(source for source, _, _ in meeting_files)),
    )


def _buildable(workspace: Workspace) -> list[CaseDocument]:
    failing = {d.path for d in workspace.diagnostics if d.level.value == "fel"}
    return [d for d in workspace.cases if d.rel not in failing]


def _render(
    workspace: Workspace,
    documents: list[CaseDocument],
    staging: Path,
    diagnostics: list[Diagnostic],
) -> list[tuple[CaseDocument, Path]]:
    assert workspace.profile is not None
    rendered: list[tuple[CaseDocument, Path]] = []
    for document in documents:
        try:
            result = render_case(document, workspace.profile, workspace.root)
        except RenderError as exc:
            diagnostics.append(error(document.rel, 1, 1, str(exc), "mallfel"))
            continue
        diagnostics.extend(result.warnings)
        path = staging / f"{output_stem(document)}.docx"
        write_bytes_atomic(path, result.data)
        rendered.append((document, path))
    return rendered


def _convert(
    rendered: list[tuple[CaseDocument, Path]],
    converter: Converter | None,
    diagnostics: list[Diagnostic],
    messages: list[str],
) -> dict[str, Path]:
    jobs = [ConversionJob(path, path.with_suffix(".pdf"), doc.rel) for doc, path in rendered]
    owned = converter is None
    try:
        active = converter or LibreOfficeConverter()
    except ConverterUnavailable as exc:
        messages.append(f"{exc} Word-filerna (.docx) skrevs ändå.")
        return {}
    try:
        results = active.convert(jobs)
    except ConverterUnavailable as exc:
        messages.append(f"{exc} Word-filerna (.docx) skrevs ändå.")
        return {}
    finally:
        if owned:
            active.close()
    pdfs = {}
    for result in results:
        if result.ok:
            pdfs[result.job.label] = result.job.target
        else:
            diagnostics.append(error(result.job.label, 1, 1, result.message or "", "pdf-fel"))
    return pdfs


def _assemble(
    workspace: Workspace,
    pdfs: dict[str, Path],
    converter: Converter | None,
    want_pdf: bool,
    staging: Path,
    diagnostics: list[Diagnostic],
    messages: list[str],
) -> list[tuple[str, str, MeetingOutput]]:
    """Build every valid meeting; return (source, output folder, file) for publishing."""
    failing = {d.path for d in workspace.diagnostics if d.level.value == "fel"}
    staged: list[tuple[str, str, MeetingOutput]] = []
    for meeting in workspace.meetings:
        if meeting.rel in failing:
            continue
        folder = _output_stem(meeting.rel)
        builder = MeetingBuilder(workspace, meeting, pdfs, converter, staging / folder)
        result = builder.build(want_pdf=want_pdf)
        diagnostics.extend(result.diagnostics)
        messages.extend(result.messages)
        staged.extend((meeting.rel, folder, output) for output in result.outputs)
    return staged


def _publish(
    rendered: list[tuple[CaseDocument, Path]],
    pdfs: dict[str, Path],
    wanted: set[str],
    out_dir: Path,
    meeting_files: list[tuple[str, str, MeetingOutput]],
    live_sources: set[str],
) -> list[Output]:
    outputs: list[Output] = []

    def emit(path: Path, rel: str, source: str, kind: str) -> None:
        outputs.append(Output(rel, source, kind, place(path, out_dir / rel)))

    for source, folder, staged in meeting_files:
        if staged.kind == "kallelse" and staged.name.endswith(".docx") and "docx" not in wanted:
            continue
        emit(staged.path, f"{folder}/{staged.name}", source, staged.kind)
    for document, docx_path in rendered:
        stem = output_stem(document)
        if "docx" in wanted:
            emit(docx_path, f"{stem}.docx", document.rel, "docx")
        pdf = pdfs.get(document.rel)
        if pdf is not None:
            emit(pdf, f"{stem}.pdf", document.rel, "pdf")
    rebuilt = {d.rel for d, _ in rendered} | {source for source, _, _ in meeting_files}
    write_manifest(
        out_dir,
        [asdict(o) for o in outputs],
        rebuilt=rebuilt,
        live_sources=live_sources,
    )
    return outputs
