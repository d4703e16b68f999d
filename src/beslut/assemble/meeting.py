"""Stage 5, assemble, for meetings: kallelse, agenda packets and per-item PDFs.

For each meeting and each variant (internal, public):

1. collect every item's documents: the case paper, its attachments, the item's extra papers
   (Word/ODT attachments are converted first; every attachment was already inspected by the
   validate stage, so a meeting with a damaged or encrypted one never gets here);
2. have the render stage (``render.kallelse``) make the kallelse with placeholder page numbers,
   the convert stage turn it into PDF, count its pages, plan where every item starts in the
   packet, and render and convert it again with the real numbers (page numbers depend on the
   packet, so this loop lives here; the rendering and conversion do not);
3. assemble the packet with pypdf (bookmarks, page labels, stamps, merged structure tree), and
   one PDF per item.

What the public sees comes from ``disclosure.public_view`` only. Case PDFs come from the
build's own cache (the pipeline passes them in), never from ``output/``. Everything is written
into the staging folder; publishing moves it into ``output/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

from beslut.assemble import (
    AssemblyError,
    PacketDocument,
    PacketItem,
    PacketJob,
    assemble_many,
    plan_pages,
)
from beslut.atomic import write_bytes_atomic
from beslut.convert.language import attachment_language
from beslut.convert.libreoffice import ConversionJob, Converter
from beslut.diagnostics import Diagnostic, error, has_errors, warning
from beslut.fingerprint import code_fingerprint
from beslut.model import formatting
from beslut.model.letterhead import letterhead
from beslut.model.models import PAPERS_NOTES, Profile
from beslut.render.case import RenderError
from beslut.render.kallelse import (
    kallelse_context,
    meeting_view,
    render_kallelse,
    render_tillaggslista,
    tillaggslista_context,
)
from beslut.render.letterhead import logo_path
from beslut.render.templates_build import KALLELSE, TILLAGGSLISTA
from beslut.validate.workspace import (
    PROFILE_FILE,
    TEMPLATES_DIR,
    MeetingDocument,
    Workspace,
)

_CACHE_VERSION = "2"
"""Part of every cache key: raise it when the same inputs convert or assemble to something else
(2: LibreOffice's PDFs are finished for PDF/A and PDF/UA, attachments get the profile language)."""


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ConversionCache:
    """Content-addressed copies of a meeting's kallelse conversions and item PDFs.

    Kept in ``.beslut-cache/möten/<möte>/``: a kallelse whose context is unchanged is not
    converted again, and an item PDF whose documents are unchanged is not assembled again.
    Entries this build did not use are removed at the end of a successful meeting build.
    """

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def key(self, *parts: object) -> str:
        # Other beslut code may assemble differently: its files are not reused (code_fingerprint).
        head = [_CACHE_VERSION, code_fingerprint()]
        text = json.dumps([*head, *parts], ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @staticmethod
    def documents(item: PacketItem) -> list[object]:
        """What an item PDF is made of: titles, notices and the documents' bytes."""
        return [
            [d.title, d.withheld_notice, "" if d.withheld_notice else file_digest(d.path)]
            for d in item.documents
        ]

    def fetch(self, key: str, targets: dict[str, Path]) -> bool:
        if self.folder is None:
            return False
        sources = {suffix: self.folder / f"{key}{suffix}" for suffix in targets}
        if not all(p.is_file() for p in sources.values()):
            return False
        for suffix, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sources[suffix], target)
        self.used.add(key)
        return True

    def store(self, key: str, files: dict[str, Path]) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for suffix, path in files.items():
            tmp = self.folder / f".{key}{suffix}.tmp"
            shutil.copyfile(path, tmp)
            os.replace(tmp, self.folder / f"{key}{suffix}")
        self.used.add(key)

    def prune(self) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0] not in self.used:
                path.unlink(missing_ok=True)


SUPPLEMENT = "Tilläggslista"
"""The tilläggslista in titles and messages."""
SUPPLEMENT_FILE = "tilläggslista"
"""The tilläggslista's file name (``tilläggslista.pdf``, ``offentlig/tilläggslista.pdf``)."""
SUPPLEMENT_KIND = "tillaggslista"
"""The tilläggslista's kind in the manifest (both variants, as ``kallelse``)."""


@dataclass(frozen=True)
class MeetingOutput:
    """A file a meeting produced, staged, with its manifest kind."""

    path: Path
    name: str
    kind: str


@dataclass
class MeetingResult:
    """Everything one meeting produced or reported."""

    outputs: list[MeetingOutput] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)
    """Every workspace file the meeting's outputs were made from (the cases are the pipeline's)."""


class MeetingBuilder:
    """Builds one meeting's outputs into a staging folder."""

    def __init__(
        self,
        workspace: Workspace,
        document: MeetingDocument,
        case_pdfs: dict[str, Path],
        converter: Converter | None,
        staging: Path,
        cache_dir: Path | None = None,
    ) -> None:
        assert workspace.profile is not None
        self.cache = ConversionCache(cache_dir)
        template = workspace.root / TEMPLATES_DIR / f"{KALLELSE}.docx"
        self._kallelse_template = file_digest(template) if template.is_file() else ""
        supplement = workspace.root / TEMPLATES_DIR / f"{TILLAGGSLISTA}.docx"
        self._supplement_template = file_digest(supplement) if supplement.is_file() else ""
        self.workspace = workspace
        self.profile: Profile = workspace.profile
        self.document = document
        self.meeting = document.meeting
        self.case_pdfs = case_pdfs
        self.converter = converter
        self.staging = staging
        self.result = MeetingResult()
        # An item declaring ``underlag`` has no case, even if a case has its diarienummer.
        self.cases = [
            workspace.case_by_dnr(i.diary_number) if i.diary_number and i.has_case else None
            for i in self.meeting.items
        ]
        self.view = meeting_view(self.meeting, self.cases, self.profile.agenda.first_number)
        self._attachment_keys: dict[Path, str] = {}

    # -- entry point ---------------------------------------------------------------------

    def build(self, *, want_pdf: bool) -> MeetingResult:
        """Build kallelse (docx, and with PDF: packets and item PDFs); return what happened."""
        try:
            if not want_pdf or self.converter is None:
                self._kallelse_docx_only()
            else:
                self._build_with_pdf()
        except (AssemblyError, RenderError) as exc:
            self._error(str(exc), "paketfel")
        if not has_errors(self.result.diagnostics):
            self.cache.prune()
        self.result.inputs = self._declared_inputs()
        return self.result

    def _declared_inputs(self) -> list[Path]:
        """The files this meeting read: its file, profile, kallelse template, attachments."""
        root = self.workspace.root
        files = [self.document.source.path, root / PROFILE_FILE]
        files.append(root / TEMPLATES_DIR / f"{KALLELSE}.docx")
        if self.meeting.supplements:
            files.append(root / TEMPLATES_DIR / f"{TILLAGGSLISTA}.docx")
        logo = logo_path(root, letterhead(self.profile, self.meeting.organ, None))
        if logo is not None:
            files.append(logo)
        for case in self.cases:
            if case is not None:
                files.extend(p for p in case.attachment_files if p is not None)
        for extra in self.document.attachment_files:
            files.extend(p for p in extra if p is not None)
        return files

    # -- helpers -----------------------------------------------------------------------------

    def _error(self, message: str, code: str, path: tuple[str | int, ...] = ()) -> None:
        pos = (
            self.document.source.positions.find(path)
            if path
            else self.document.source.positions.root
        )
        self.result.diagnostics.append(
            error(self.document.rel, pos.line, pos.column, message, code)
        )

    def _warn(self, message: str, code: str, path: tuple[str | int, ...]) -> None:
        positions = self.document.source.positions
        pos = positions.find(path) if path else positions.root
        self.result.diagnostics.append(
            warning(self.document.rel, pos.line, pos.column, message, code)
        )

    def _conformance(self, problem: str) -> None:
        """Report once (not per variant) that the packet cannot claim PDF/A or PDF/UA."""
        if any(d.message == problem for d in self.result.diagnostics):
            return
        self._warn(problem, "paket-ej-pdfa", ())

    def _stage(self, name: str) -> Path:
        return self.staging / name

    def _kallelse_docx_only(self) -> None:
        for public in (False, True):
            context = kallelse_context(
                self.meeting,
                self.profile,
                self.cases,
                {},
                public=public,
            )
            data = render_kallelse(self.workspace.root, context, self._title(public), self.profile)
            name = self._name("kallelse", public, "docx")
            write_bytes_atomic(self._stage(name), data)
            self.result.outputs.append(MeetingOutput(self._stage(name), name, "kallelse"))
            if not self.meeting.supplements:
                continue
            context = tillaggslista_context(
                self.meeting, self.profile, self.cases, {}, public=public
            )
            data = render_tillaggslista(
                self.workspace.root, context, self._title(public, SUPPLEMENT), self.profile
            )
            name = self._name(SUPPLEMENT_FILE, public, "docx")
            write_bytes_atomic(self._stage(name), data)
            self.result.outputs.append(MeetingOutput(self._stage(name), name, SUPPLEMENT_KIND))

    def _title(self, public: bool, document: str = "Kallelse") -> str:
        organ = self.profile.organ(self.meeting.organ)
        name = organ.name if organ else self.meeting.organ
        suffix = " (offentlig version)" if public else ""
        return f"{document} {name} {formatting.iso_date(self.meeting.date)}{suffix}"

    @staticmethod
    def _name(base: str, public: bool, suffix: str) -> str:
        """Public files go into their own folder, which can be published as it is."""
        return f"{'offentlig/' if public else ''}{base}.{suffix}"

    # -- the PDF path ------------------------------------------------------------------------

    def _build_with_pdf(self) -> None:
        items = self._packet_items()
        if items is None:
            return
        jobs: list[tuple[PacketJob, str]] = []
        cacheable: list[tuple[PacketJob, str]] = []
        for public in (False, True):
            variant = [self._variant(item, public) for item in items]
            front, supplement, pages = self._kallelse_pdf(variant, public)
            if front is None:
                return
            name = self._name("handlingar", public, "pdf")
            title = self._packet_title(public)
            packet = PacketJob(
                front,
                tuple(variant),
                self._stage(name),
                title,
                pages,
                self.profile.language,
                supplement,
            )
            jobs.append((packet, "packet-public" if public else "packet"))
            for item in variant:
                if not item.documents:
                    continue
                item_name = self._name(f"ärende-{item.number:02d}", public, "pdf")
                item_title = f"Ärende {item.number}: {item.title}"
                job = PacketJob(
                    None, (item,), self._stage(item_name), item_title, lang=self.profile.language
                )
                kind = "item-public" if public else "item"
                # An item's own PDF depends only on its documents and the language: reuse it when
                # they are equal.
                item_key = self.cache.key(
                    "item", item_title, self.profile.language, self.cache.documents(item)
                )
                if self.cache.fetch(item_key, {".pdf": job.target}):
                    self.result.outputs.append(MeetingOutput(job.target, item_name, kind))
                else:
                    jobs.append((job, kind))
                    cacheable.append((job, item_key))
        results = assemble_many([job for job, _ in jobs])
        failed_targets = {
            job.target
            for (job, _), result in zip(jobs, results, strict=True)
            if isinstance(result, AssemblyError)
        }
        for job, item_key in cacheable:
            if job.target not in failed_targets:
                self.cache.store(item_key, {".pdf": job.target})
        for (job, kind), result in zip(jobs, results, strict=True):
            if isinstance(result, AssemblyError):
                self._error(str(result), "paketfel")
                continue
            name = job.target.relative_to(self.staging).as_posix()
            self.result.outputs.append(MeetingOutput(job.target, name, kind))
            if kind.startswith("packet"):  # item PDFs would only repeat the packet's notes
                for problem in result.conformance_problems:
                    self._conformance(problem)

    def _packet_title(self, public: bool) -> str:
        return self._title(public).replace("Kallelse", "Handlingar", 1)

    def _variant(self, item: PacketItem, public: bool) -> PacketItem:
        """The internal variant has every paper; the public one follows the meeting's view."""
        if not public:
            documents = tuple(replace(d, withheld_notice=None) for d in item.documents)
            return replace(item, documents=documents)
        shown = self.view.item(item.number)
        public_documents: list[PacketDocument] = []
        for position, document in enumerate(item.documents, start=1):
            seen = shown.public_document(position, document.title)
            public_documents.append(
                replace(document, title=seen.title, withheld_notice=seen.notice)
            )
        return replace(item, title=shown.public_title, documents=tuple(public_documents))

    def _kallelse_pdf(
        self, items: list[PacketItem], public: bool
    ) -> tuple[Path | None, Path | None, dict[int, int]]:
        """Render and convert the kallelse (and the tilläggslista, when the meeting has
        supplement items) with placeholders, then again with the real start pages, until the
        page numbers hold. Returns the kallelse's PDF, the tilläggslista's and the pages."""
        pages: dict[int, int] | None = None
        front: Path | None = None
        supplement: Path | None = None
        fronts = [("kallelse", "kallelse")]
        if self.meeting.supplements:
            fronts.append((SUPPLEMENT_FILE, SUPPLEMENT_KIND))
        for _attempt in range(3):
            made: list[Path] = []
            for base, kind in fronts:
                docx_path = self._stage(self._name(base, public, "docx"))
                pdf_path = docx_path.with_suffix(".pdf")
                if not self._front_files(kind, pages, public, docx_path, pdf_path):
                    return None, None, {}
                made.append(pdf_path)
            front, supplement = made[0], (made[1] if len(made) > 1 else None)
            planned = plan_pages(front, items, supplement)
            if pages is not None and planned == pages:
                break
            pages = planned
        else:
            self._error(
                "Sidnumren i föredragningslistan ändrade sidantalet igen och igen; "
                "förkorta kallelsen eller rapportera felet.",
                "sidnummer-instabila",
            )
            return None, None, {}
        assert front is not None and pages is not None
        for base, kind in fronts:
            for suffix in ("docx", "pdf"):
                name = self._name(base, public, suffix)
                self.result.outputs.append(MeetingOutput(self._stage(name), name, kind))
        return front, supplement, pages

    def _front_files(
        self,
        kind: str,
        pages: dict[int, int] | None,
        public: bool,
        docx_path: Path,
        pdf_path: Path,
    ) -> bool:
        """Render and convert the kallelse (``kind`` "kallelse") or the tilläggslista, or reuse
        an identical earlier conversion."""
        if kind == SUPPLEMENT_KIND:
            context = tillaggslista_context(
                self.meeting, self.profile, self.cases, pages, public=public
            )
            template, render, what = self._supplement_template, render_tillaggslista, SUPPLEMENT
        else:
            context = kallelse_context(self.meeting, self.profile, self.cases, pages, public=public)
            template, render, what = self._kallelse_template, render_kallelse, "Kallelse"
        cache_key = self.cache.key(kind, context, template)
        if self.cache.fetch(cache_key, {".docx": docx_path, ".pdf": pdf_path}):
            return True
        data = render(self.workspace.root, context, self._title(public, what), self.profile)
        write_bytes_atomic(docx_path, data)
        assert self.converter is not None
        [result] = self.converter.convert(
            [ConversionJob(docx_path, pdf_path, f"{self.document.rel} ({what.lower()})")]
        )
        if not result.ok:
            self._error(result.message or f"{what}n kunde inte konverteras.", "pdf-fel")
            return False
        self.cache.store(cache_key, {".docx": docx_path, ".pdf": pdf_path})
        return True

    def _packet_items(self) -> list[PacketItem] | None:
        """Return every item with its documents (public notices set), or None on errors."""
        items: list[PacketItem] = []
        failed = False
        to_convert: list[tuple[int, int, ConversionJob]] = []
        documents: list[list[PacketDocument | None]] = []
        for index, (item, case) in enumerate(zip(self.meeting.items, self.cases, strict=True)):
            row: list[PacketDocument | None] = []
            where: tuple[str | int, ...] = ("ärenden", index)
            if case is not None:
                paper = self.case_pdfs.get(case.rel)
                if paper is None:
                    self._error(
                        f"Ärende {self.view.items[index].number} ({case.case.diary_number}) "
                        "kunde inte byggas som PDF, "
                        "så handlingarna kan inte sättas ihop. Rätta felen i "
                        f"{case.rel} först.",
                        "ärende-saknas-i-paket",
                        where,
                    )
                    failed = True
                    documents.append(row)
                    continue
                label = self.profile.type_settings(case.case.doc_type).label.capitalize()
                row.append(PacketDocument(paper, f"{label}: {case.case.title}"))
                for number, (attachment, path) in enumerate(
                    zip(case.case.attachments, case.attachment_files, strict=True), start=1
                ):
                    if path is None:
                        continue
                    title = f"Bilaga {number} {attachment.title}"
                    row.append(self._attachment(path, title, where, to_convert, index, len(row)))
            for a_index, (extra, path) in enumerate(
                zip(item.attachments, self.document.attachment_files[index], strict=True)
            ):
                if path is None:
                    continue
                row.append(
                    self._attachment(
                        path,
                        extra.title,
                        (*where, "handlingar", a_index),
                        to_convert,
                        index,
                        len(row),
                    )
                )
            documents.append(row)
        if failed or not self._convert_attachments(to_convert, documents):
            return None
        for index, (shown, item) in enumerate(
            zip(self.view.items, self.meeting.items, strict=True)
        ):
            docs = tuple(d for d in documents[index] if d is not None)
            note = PAPERS_NOTES[item.papers].rstrip(".") if item.papers and not docs else None
            supplement = item.supplement is not None
            items.append(PacketItem(shown.number, shown.title, docs, note, supplement))
        return None if failed else items

    def _attachment(
        self,
        path: Path,
        title: str,
        where: tuple[str | int, ...],
        to_convert: list[tuple[int, int, ConversionJob]],
        item_index: int,
        position: int,
    ) -> PacketDocument | None:
        if path.suffix.lower() == ".pdf":  # inspected by the validate stage already
            return PacketDocument(path, title, inspected=True)
        target = self._stage(f"bilagor/{item_index + 1:02d}-{position:02d}-{path.stem}.pdf")
        language = attachment_language(path, self.profile.language)
        # A Word/ODT attachment converts to other bytes each time (LibreOffice); its earlier
        # conversion is reused, so an unchanged item gives the same item PDF in every build.
        key = self.cache.key("bilaga", file_digest(path), language)
        if self.cache.fetch(key, {".pdf": target}):
            return PacketDocument(target, title)
        job = ConversionJob(path, target, f"{self.document.rel}: {path.name}", language)
        self._attachment_keys[target] = key
        to_convert.append((item_index, position, job))
        return PacketDocument(target, title)

    def _convert_attachments(
        self,
        jobs: list[tuple[int, int, ConversionJob]],
        documents: list[list[PacketDocument | None]],
    ) -> bool:
        if not jobs:
            return True
        assert self.converter is not None
        ok = True
        for (item_index, _, _job), result in zip(
            jobs, self.converter.convert([j for _, _, j in jobs]), strict=True
        ):
            if result.ok and result.job.target in self._attachment_keys:
                self.cache.store(
                    self._attachment_keys[result.job.target], {".pdf": result.job.target}
                )
            if not result.ok:
                self._error(
                    f"Bilagan {result.job.source.name} kunde inte konverteras till PDF: "
                    f"{result.message}",
                    "bilaga-konvertering",
                    ("ärenden", item_index),
                )
                ok = False
        return ok
