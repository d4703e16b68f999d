"""Stages 3–5 for a protokoll: render, convert and check its documents.

One protokoll file makes, in the meeting's output folder:

* ``protokoll.docx`` and ``protokoll.pdf`` (kind ``protokoll``),
* ``offentlig/protokoll.pdf`` (kind ``protokoll-offentligt``): the public protokoll, in the
  folder that holds the meeting's other public files and can be published as it is,
* ``protokollsutdrag/paragraf-47.pdf`` (kind ``protokollsutdrag``): one utdrag per §.

Every document is converted through the build's converter (PDF/A-2b, tagged, like the papers)
and cached content-addressed by its template context (:class:`ConversionCache`), so an edit to
one § converts the protokoll and that §'s utdrag again and no other utdrag.

The public protokoll is checked before it may be published (:mod:`beslut.validate.public_minutes`):
its context and the text of its PDF must hold no personnummer and no text of a withheld §.
A hit is an error at the protokoll file; the public protokoll is then left out, the internal
documents are still published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beslut.assemble.meeting import ConversionCache, file_digest
from beslut.atomic import write_bytes_atomic
from beslut.convert.libreoffice import ConversionJob, Converter
from beslut.diagnostics import Diagnostic, error
from beslut.model.letterhead import letterhead
from beslut.model.minutes import Paragraph
from beslut.render.case import RenderError
from beslut.render.letterhead import logo_path
from beslut.render.minutes import (
    EXTRACT_TEMPLATE,
    MINUTES_TEMPLATE,
    extract_context,
    extract_title,
    minutes_context,
    minutes_title,
    public_strings,
    render_minutes,
    withheld_strings,
)
from beslut.validate.minutes import MinutesDocument
from beslut.validate.public_minutes import leaks, pdf_pages
from beslut.validate.workspace import PROFILE_FILE, TEMPLATES_DIR, Workspace

MINUTES_KIND = MINUTES_TEMPLATE
"""Manifest kind of the protokoll (.docx and .pdf)."""
PUBLIC_KIND = f"{MINUTES_TEMPLATE}-offentligt"
"""Manifest kind of the public protokoll."""
EXTRACT_KIND = EXTRACT_TEMPLATE
"""Manifest kind of an utdrag."""
PUBLIC_FOLDER = "offentlig"
"""The meeting's folder of public files (as the public kallelse and packet use)."""
LEAK_CODE = "protokoll-läcker"


def extract_name(paragraph: Paragraph) -> str:
    """Where an utdrag goes in the meeting's folder: ``protokollsutdrag/paragraf-47.pdf``."""
    return f"{EXTRACT_TEMPLATE}/paragraf-{paragraph.number}.pdf"


@dataclass(frozen=True)
class MinutesOutput:
    """A file the protokoll produced, staged, with its name in the meeting folder and kind."""

    path: Path
    name: str
    kind: str


@dataclass
class MinutesResult:
    outputs: list[MinutesOutput] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)
    converted: int = 0
    """How many documents were converted (not reused from the cache) in this build."""


@dataclass(frozen=True)
class _Document:
    """One document to make: context, template, title, staged names, kind."""

    context: dict[str, Any]
    template: str
    title: str
    name: str
    kind: str
    docx_name: str | None = None
    """Also publish the .docx under this name (the internal protokoll only)."""


class MinutesBuilder:
    """Builds one protokoll's documents into a staging folder."""

    def __init__(
        self,
        workspace: Workspace,
        document: MinutesDocument,
        converter: Converter | None,
        staging: Path,
        cache_dir: Path | None = None,
    ) -> None:
        assert workspace.profile is not None
        self.workspace = workspace
        self.document = document
        self.converter = converter
        self.staging = staging
        self.cache = ConversionCache(cache_dir)
        self.result = MinutesResult()
        root = workspace.root
        self.templates = {
            name: (file_digest(p) if (p := root / TEMPLATES_DIR / f"{name}.docx").is_file() else "")
            for name in (MINUTES_TEMPLATE, EXTRACT_TEMPLATE)
        }
        meeting = next(m for m in workspace.meetings if m.rel == document.meeting_rel)
        self.meeting = meeting
        logo = logo_path(root, letterhead(workspace.profile, meeting.meeting.organ, None))
        self.logo = logo if logo is not None and logo.is_file() else None
        # The logo is not in the context: its bytes are part of every cache key.
        self.logo_digest = file_digest(self.logo) if self.logo is not None else ""

    def build(self, *, want_pdf: bool) -> MinutesResult:
        self.result.inputs = self._declared_inputs()
        try:
            self._build(want_pdf)
        except RenderError as exc:
            self._error(str(exc), "mallfel")
        if not any(d.level.name == "ERROR" for d in self.result.diagnostics):
            self.cache.prune()
        return self.result

    def _declared_inputs(self) -> list[Path]:
        """The files this protokoll read (its cases are declared by the pipeline)."""
        root = self.workspace.root
        meeting = self.meeting
        files = [self.document.source.path, meeting.source.path, root / PROFILE_FILE]
        files.extend(root / TEMPLATES_DIR / f"{n}.docx" for n in self.templates)
        if self.logo is not None:
            files.append(self.logo)
        # The § numbers continue from the same organ's earlier protokoll that year.
        organ, year = meeting.meeting.organ, meeting.meeting.date
        for other in self.workspace.minutes:
            if other.rel == self.document.rel:
                continue
            other_meeting = next(
                (m for m in self.workspace.meetings if m.rel == other.meeting_rel), None
            )
            if (
                other_meeting is not None
                and other_meeting.meeting.organ == organ
                and other_meeting.meeting.date.year == year.year
                and other_meeting.meeting.date <= year
            ):
                files.append(other.source.path)
        return files

    def _error(self, message: str, code: str, path: tuple[str | int, ...] = ()) -> None:
        positions = self.document.source.positions
        pos = positions.find(path) if path else positions.root
        self.result.diagnostics.append(
            error(self.document.rel, pos.line, pos.column, message, code)
        )

    # -- documents ------------------------------------------------------------------------

    def _documents(self) -> list[_Document]:
        ws, doc = self.workspace, self.document
        found = [
            _Document(
                minutes_context(doc, ws, public=False),
                MINUTES_TEMPLATE,
                minutes_title(doc, ws, public=False),
                f"{MINUTES_TEMPLATE}.pdf",
                MINUTES_KIND,
                f"{MINUTES_TEMPLATE}.docx",
            ),
            _Document(
                minutes_context(doc, ws, public=True),
                MINUTES_TEMPLATE,
                minutes_title(doc, ws, public=True),
                f"{PUBLIC_FOLDER}/{MINUTES_TEMPLATE}.pdf",
                PUBLIC_KIND,
            ),
        ]
        found.extend(
            _Document(
                extract_context(doc, ws, paragraph),
                EXTRACT_TEMPLATE,
                extract_title(doc, ws, paragraph),
                extract_name(paragraph),
                EXTRACT_KIND,
            )
            for paragraph in doc.paragraphs
        )
        return found

    def _render(self, item: _Document, docx: Path) -> None:
        data = render_minutes(
            self.workspace.root, item.context, item.title, self.workspace.profile, item.template
        )
        write_bytes_atomic(docx, data, durable=False)

    def _build(self, want_pdf: bool) -> None:
        documents = self._documents()
        withheld = withheld_strings(self.document, self.workspace)
        public_ok = self._context_safe(documents[1].context, withheld)
        if not want_pdf or self.converter is None:
            internal = documents[0]
            assert internal.docx_name is not None
            docx = self.staging / internal.docx_name
            self._render(internal, docx)
            self.result.outputs.append(MinutesOutput(docx, internal.docx_name, internal.kind))
            return
        jobs: list[tuple[_Document, ConversionJob, str]] = []
        ready: list[_Document] = []
        for item in documents:
            pdf = self.staging / item.name
            docx = pdf.with_suffix(".docx")
            key = self.cache.key(
                MINUTES_TEMPLATE,
                item.template,
                self.templates[item.template],
                self.logo_digest,
                item.title,
                item.context,
            )
            if self.cache.fetch(key, {".docx": docx, ".pdf": pdf}):
                ready.append(item)
                continue
            self._render(item, docx)
            label = f"{self.document.rel} ({item.title})"
            jobs.append((item, ConversionJob(docx, pdf, label, preview=True), key))
        if jobs:
            results = self.converter.convert([job for _, job, _ in jobs])
            self.result.converted += len(jobs)
            for (item, job, key), conversion in zip(jobs, results, strict=True):
                if not conversion.ok:
                    self._error(conversion.message or "PDF kunde inte skapas.", "pdf-fel")
                    continue
                self.cache.store(key, {".docx": job.source, ".pdf": job.target})
                ready.append(item)
        for item in sorted(ready, key=documents.index):
            pdf = self.staging / item.name
            if item.kind == PUBLIC_KIND and not (public_ok and self._pdf_safe(pdf, withheld)):
                continue
            if item.docx_name is not None:
                self.result.outputs.append(
                    MinutesOutput(pdf.with_suffix(".docx"), item.docx_name, item.kind)
                )
            self.result.outputs.append(MinutesOutput(pdf, item.name, item.kind))

    # -- the public protokoll's check ---------------------------------------------------------

    def _leak(self, what: str, where: str, path: tuple[str | int, ...] = ()) -> None:
        self._error(
            f"Det offentliga protokollet innehåller {what} {where}. Det publiceras inte (det "
            "interna protokollet och utdragen publiceras). Ta bort uppgiften, eller ge "
            "paragrafen ”sekretess:” eller ”offentlig_rubrik:” i protokollet eller mötesfilen, "
            "och bygg igen.",
            LEAK_CODE,
            path,
        )

    def _context_safe(self, context: dict[str, Any], withheld: list[str]) -> bool:
        ok = True
        by_number = {f"§ {p.number}": p for p in self.document.paragraphs}
        for shown in context["paragrafer"]:
            paragraph = by_number[shown["nummer"]]
            path: tuple[str | int, ...] = ()
            if paragraph.entry_index is not None:
                path = ("paragrafer", paragraph.entry_index)
            for what in leaks("\n".join(public_strings(shown)), withheld):
                self._leak(what, f"i {shown['nummer']}", path)
                ok = False
        rest = {k: v for k, v in context.items() if k not in ("paragrafer", "innehåll")}
        for what in leaks("\n".join(public_strings(rest)), withheld):
            self._leak(what, "på första sidan")
            ok = False
        return ok

    def _pdf_safe(self, pdf: Path, withheld: list[str]) -> bool:
        ok = True
        for number, text in enumerate(pdf_pages(pdf), start=1):
            for what in leaks(text, withheld):
                self._leak(what, f"på sidan {number} i PDF:en")
                ok = False
        return ok


__all__ = [
    "EXTRACT_KIND",
    "LEAK_CODE",
    "MINUTES_KIND",
    "PUBLIC_KIND",
    "MinutesBuilder",
    "MinutesOutput",
    "MinutesResult",
    "extract_name",
]
