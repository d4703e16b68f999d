"""What makes a cold build fast (issue 14, point 3), and that it changes no output.

* The build hands each case to the converter on its own as soon as it is rendered (no batches
  that make a LibreOffice process wait for the other), and marks beslut's own papers for
  LibreOffice's preview mode.
* ``LibreOfficeConverter.convert`` may be called from several threads at once; the calls share
  the processes.
* Parsed templates are cached by content: cases rendered from one cached template do not see
  each other, and an edited template is read again.
* The finisher counts the pages it walks (the converter no longer parses each PDF twice).
* Staged files are written without fsync.
"""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from beslut import api
from beslut.atomic import write_bytes_atomic
from beslut.convert.libreoffice import (
    ConversionJob,
    ConversionResult,
    FakeConverter,
    LibreOfficeConverter,
)
from beslut.convert.pdf_finish import finish_file, finish_pdf
from beslut.render.case import render_case
from beslut.validate.workspace import load_workspace
from conftest import CASE, MakeWorkspace
from test_convert import make_docx

B = "content/ärenden/b.md"
A = "content/ärenden/a.md"
SECOND = CASE.replace("25HSN1", "25HSN2").replace("Text med å, ä och ö.", "Andra ärendets text.")


class _Recording(FakeConverter):
    """A FakeConverter that says it has two processes, and records the threads of its calls."""

    workers = 2

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def convert(self, jobs: Any) -> list[ConversionResult]:
        self.threads.add(threading.current_thread().name)
        return super().convert(jobs)


def test_build_hands_each_case_over_alone_as_a_preview_job(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    cases = {f"content/ärenden/c{i}.md": CASE.replace("25HSN1", f"25HSN{i}") for i in range(10)}
    root = make_workspace(cases)
    converter = _Recording()
    report = api.build(root, out_dir=tmp_path / "ut", converter=converter)
    assert report.ok, report.diagnostics
    assert len(converter.calls) == 10
    assert all(len(call) == 1 for call in converter.calls)  # no batch waits for another
    assert all(call[0].preview for call in converter.calls)
    assert len(list((tmp_path / "ut").rglob("*.pdf"))) == 10
    # one converting thread more than the converter has processes (one finishes a PDF while
    # the others feed LibreOffice), never more
    assert 1 <= len(converter.threads) <= converter.workers + 1


def test_a_converter_without_a_process_count_gets_batches(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    """The build service's client converts a call's jobs in parallel on its side: batches."""
    cases = {f"content/ärenden/c{i}.md": CASE.replace("25HSN1", f"25HSN{i}") for i in range(10)}
    root = make_workspace(cases)
    converter = FakeConverter()
    report = api.build(root, out_dir=tmp_path / "ut", converter=converter)
    assert report.ok, report.diagnostics
    assert [len(call) for call in converter.calls] == [8, 2]
    assert all(job.preview for call in converter.calls for job in call)


def test_cases_from_one_cached_template_do_not_see_each_other(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace({A: CASE, B: SECOND})
    workspace = load_workspace(root)
    assert workspace.profile is not None
    texts = []
    for document in sorted(workspace.cases, key=lambda d: d.rel):
        rendered = render_case(document, workspace.profile, workspace.root)
        body = docx.Document(io.BytesIO(rendered.data))
        texts.append("\n".join(p.text for p in body.paragraphs))
    assert "Text med å, ä och ö." in texts[0] and "Andra ärendets text." not in texts[0]
    assert "Andra ärendets text." in texts[1] and "Text med å, ä och ö." not in texts[1]
    assert "25HSN1" not in texts[1]


def test_an_edited_template_is_read_again(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({A: CASE})
    workspace = load_workspace(root)
    assert workspace.profile is not None
    document = workspace.cases[0]
    first = render_case(document, workspace.profile, workspace.root)
    assert "Nytt ord i mallen" not in _all_text(first.data)
    template = next(p for p in document_inputs(first) if p.suffix == ".docx")
    _append_paragraph(template, "Nytt ord i mallen")
    os.utime(template, ns=(0, 0))  # same size and an old time: the content must decide
    second = render_case(document, workspace.profile, workspace.root)
    assert "Nytt ord i mallen" in _all_text(second.data)


def document_inputs(rendered: Any) -> list[Path]:
    return [Path(p) for p in rendered.inputs]


def _all_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _append_paragraph(template: Path, text: str) -> None:
    document = docx.Document(str(template))
    body = document.element.body
    paragraph = document.add_paragraph(text)._p
    body.remove(paragraph)
    body.insert(0, paragraph)  # before the section properties, first in the body
    document.save(str(template))


def test_finish_file_counts_pages(tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "tre.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert finish_file(path) == 3


def test_finish_file_appends_its_update_to_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The finishing is an incremental update: appended to LibreOffice's file, not a rewrite."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "en.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    original = path.read_bytes()
    expected = finish_pdf(original)
    assert len(expected) > len(original)  # there is something to append

    def no_rewrite(self: Path, data: bytes) -> int:
        raise AssertionError(f"{self.name} was written whole")

    monkeypatch.setattr(Path, "write_bytes", no_rewrite)
    assert finish_file(path) == 1
    monkeypatch.undo()
    assert path.read_bytes() == expected
    assert PdfReader(path).metadata is not None


def test_staged_write_skips_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    write_bytes_atomic(tmp_path / "a.docx", b"staged", durable=False)
    assert synced == []
    write_bytes_atomic(tmp_path / "b.docx", b"durable")
    assert len(synced) == 1
    assert (tmp_path / "a.docx").read_bytes() == b"staged"
    modes = {(tmp_path / name).stat().st_mode & 0o777 for name in ("a.docx", "b.docx")}
    assert len(modes) == 1  # the same ordinary file mode either way


def test_convert_calls_from_several_threads_share_the_processes(
    require_libreoffice: None, tmp_path: Path
) -> None:
    sources = [make_docx(tmp_path / f"d{i}.docx", f"Dokument {i}") for i in range(4)]
    results: dict[int, list[ConversionResult]] = {}
    with LibreOfficeConverter(workers=2, timeout=120) as converter:
        converter.warm_up()

        def one(index: int) -> None:
            job = ConversionJob(
                sources[index], sources[index].with_suffix(".pdf"), f"d{index}", preview=True
            )
            results[index] = converter.convert([job])

        threads = [threading.Thread(target=one, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert len(converter.soffice_pids()) <= 2
    assert sorted(results) == [0, 1, 2, 3]
    for index, (result,) in results.items():
        assert result.ok, result.message
        assert result.job.label == f"d{index}"
        text = _pdf_text(result.job.target)
        assert f"Dokument {index} – rubrik" in text


def test_a_process_gets_its_next_document_while_the_last_pdf_is_finished(
    require_libreoffice: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finishing a PDF is Python work: LibreOffice is not held (and idle) meanwhile."""
    import beslut.convert.libreoffice as lo

    events: list[tuple[str, float, float]] = []
    real_finish, real_request = lo.finish_file, lo._Worker.request

    def slow_finish(path: Path) -> int:
        started = time.monotonic()
        time.sleep(1.5)
        pages = real_finish(path)
        events.append(("finish", started, time.monotonic()))
        return pages

    def request(self: Any, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        started = time.monotonic()
        answer = real_request(self, payload, timeout)
        events.append(("request", started, time.monotonic()))
        return answer

    monkeypatch.setattr(lo, "finish_file", slow_finish)
    monkeypatch.setattr(lo._Worker, "request", request)
    sources = [make_docx(tmp_path / f"d{i}.docx", f"Dokument {i}") for i in range(2)]
    jobs = [ConversionJob(s, s.with_suffix(".pdf"), s.stem, preview=True) for s in sources]
    with LibreOfficeConverter(workers=1, timeout=120) as converter:
        results = converter.convert(jobs)
    assert all(r.ok for r in results), [r.message for r in results]
    assert [_pdf_text(r.job.target).count("Dokument") >= 1 for r in results] == [True, True]
    requests = sorted(e for e in events if e[0] == "request")
    finishes = sorted(e for e in events if e[0] == "finish")
    assert len(requests) == len(finishes) == 2
    # the one process converted the second document while the first PDF was being finished
    assert requests[1][1] < finishes[0][2]


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_preview_mode_gives_the_same_pdf_text(require_libreoffice: None, tmp_path: Path) -> None:
    source = make_docx(tmp_path / "p.docx", "Förhandsvisning", paragraphs=40)
    with LibreOfficeConverter(workers=1, timeout=120) as converter:
        normal, preview = converter.convert(
            [
                ConversionJob(source, tmp_path / "normal.pdf", "normal"),
                ConversionJob(source, tmp_path / "preview.pdf", "preview", preview=True),
            ]
        )
    assert normal.ok and preview.ok, (normal.message, preview.message)
    a, b = PdfReader(normal.job.target), PdfReader(preview.job.target)
    assert len(a.pages) == len(b.pages) >= 2
    assert [p.extract_text() for p in a.pages] == [p.extract_text() for p in b.pages]
    assert "/StructTreeRoot" in b.trailer["/Root"]
