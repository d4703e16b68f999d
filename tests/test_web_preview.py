"""The PDF preview, the downloads and the attachment upload of ``beslut serve`` (TestClient).

Most tests convert with a counting FakeConverter (its PDF's /Title is the converted file's stem,
which is the preview's cache key, so a rebuilt PDF is told from a cached one); one converts with
real LibreOffice and reads the PDF's text.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from pypdf import PdfReader, PdfWriter
from starlette.testclient import TestClient

from beslut.convert.libreoffice import ConversionJob, ConversionResult, FakeConverter
from beslut.web import attachments
from beslut.web.app import create_app
from beslut.web.preview import Previews, content_disposition

REPO = Path(__file__).resolve().parents[1]
REL = "content/ärenden/22HSN5103-uppföljning-fallprevention.md"
BASE = "http://127.0.0.1:8000"


class SlowFake(FakeConverter):
    """A FakeConverter that takes a while, so concurrent requests overlap."""

    def convert(self, jobs: Sequence[ConversionJob]) -> list[ConversionResult]:
        time.sleep(0.3)
        return super().convert(jobs)


def _workspace(tmp_path: Path) -> Path:
    from browser_support import copy_example

    return copy_example(tmp_path / "arbetsyta").resolve()


def _client(root: Path, converter: Any = None) -> tuple[TestClient, Previews]:
    app = create_app(root)
    previews = Previews(root, converter=converter or FakeConverter())
    app.state.previews = previews
    return TestClient(app, base_url=BASE), previews


def _title(pdf: bytes) -> str:
    return str(PdfReader(BytesIO(pdf)).metadata["/Title"])


def _edit(root: Path, old: str, new: str, rel: str = REL) -> None:
    path = root / rel
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_preview_is_built_once_per_version_and_again_after_a_change(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, previews = _client(root)
    first = client.get(f"/arende/forhandsvisning/{REL}?v=1")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/pdf"
    assert first.content.startswith(b"%PDF-")
    again = client.get(f"/arende/forhandsvisning/{REL}?v=1")
    assert again.content == first.content
    assert previews.builds == 1  # answered from the cache
    version = client.get(f"/arende/version/{REL}").json()["version"]
    assert first.headers["x-beslut-version"] == version

    _edit(root, "rubrik:", "rubrik: Ny")  # a new title: a new file version
    changed = client.get(f"/arende/forhandsvisning/{REL}?v=2")
    assert changed.status_code == 200
    assert previews.builds == 2
    assert _title(changed.content) != _title(first.content)
    assert changed.headers["x-beslut-version"] != version

    # a template change also makes a new preview (the stamp covers templates/)
    template = next((root / "templates").glob("*.docx"))
    template.touch()
    client.get(f"/arende/forhandsvisning/{REL}?v=3")
    assert previews.builds == 3


def test_the_preview_never_writes_into_output(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    assert client.get(f"/arende/forhandsvisning/{REL}?v=1").status_code == 200
    assert client.get(f"/arende/ladda-ned/docx/{REL}").status_code == 200
    assert list((root / "output").iterdir()) == []
    folder = root / ".beslut-cache" / "forhandsvisning"
    built = sorted(p.suffix for p in folder.rglob("*") if p.is_file())
    assert built == [".docx", ".pdf"]


def test_concurrent_requests_for_one_case_build_once(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, previews = _client(root, SlowFake())
    answers: list[bytes] = []

    def ask() -> None:
        answers.append(client.get(f"/arende/forhandsvisning/{REL}?v=1").content)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 6 and len(set(answers)) == 1
    assert previews.builds == 1


def test_a_case_with_errors_gets_its_errors_not_the_earlier_pdf(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    assert client.get(f"/arende/forhandsvisning/{REL}?v=1").status_code == 200
    _edit(root, "diarienummer:", "diarienummer: [")  # broken YAML on line 4
    line = next(
        n
        for n, text in enumerate((root / REL).read_text("utf-8").splitlines(), 1)
        if text.startswith("diarienummer")
    )
    for url in (f"/arende/forhandsvisning/{REL}?v=2", f"/arende/ladda-ned/pdf/{REL}"):
        answer = client.get(url)
        assert answer.status_code == 422
        assert answer.headers["content-type"].startswith("text/html")
        assert b"%PDF" not in answer.content
        assert "Ingen PDF ännu" in answer.text
        assert f"{REL}:{line}:" in answer.text


def test_a_loaded_case_with_an_error_gets_no_pdf_not_even_the_cached_one(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, previews = _client(root)
    assert client.get(f"/arende/forhandsvisning/{REL}?v=1").status_code == 200
    text = (root / REL).read_text("utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("diarienummer:"))
    (root / REL).write_text(
        "\n".join(
            "diarienummer: XYZ-1" if t.startswith("diarienummer:") else t for t in text.splitlines()
        )
        + "\n",
        "utf-8",
    )
    answer = client.get(f"/arende/forhandsvisning/{REL}?v=2")
    assert answer.status_code == 422
    assert b"%PDF" not in answer.content
    assert f"{REL}:{line}:15" in answer.text and "[diarienummer-format]" in answer.text
    assert previews.builds == 1
    (root / REL).write_text(text, "utf-8")  # back as it was: the preview is current again
    again = client.get(f"/arende/forhandsvisning/{REL}?v=3")
    assert again.status_code == 200 and again.content.startswith(b"%PDF-")


def test_a_template_error_is_shown_at_the_template(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    for template in (root / "templates").glob("*.docx"):
        template.write_bytes(b"not a docx")
    answer = client.get(f"/arende/forhandsvisning/{REL}?v=1")
    assert answer.status_code == 422
    assert "templates/" in answer.text and ".docx:1:" in answer.text


def test_a_failed_conversion_is_an_error_page(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root, FakeConverter(fail=[REL]))
    answer = client.get(f"/arende/forhandsvisning/{REL}?v=1")
    assert answer.status_code == 422
    assert "simulerat fel" in answer.text


def test_downloads_carry_swedish_file_names(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    docx = client.get(f"/arende/ladda-ned/docx/{REL}")
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    disposition = docx.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="22HSN5103-uppfoljning-fallprevention.docx"' in disposition
    assert "filename*=UTF-8''22HSN5103-uppf%C3%B6ljning-fallprevention.docx" in disposition
    pdf = client.get(f"/arende/ladda-ned/pdf/{REL}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(f"/arende/ladda-ned/exe/{REL}").status_code == 404
    assert content_disposition("Åtgärd för ö", "pdf", inline=True) == (
        "inline; filename=\"Atgard for o.pdf\"; filename*=UTF-8''%C3%85tg%C3%A4rd%20f%C3%B6r"
        "%20%C3%B6.pdf"
    )


def test_a_meeting_is_not_previewed_as_a_case(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    answer = client.get("/arende/ladda-ned/pdf/content/möten/2022-06-14-hsn.yaml")
    assert answer.status_code == 404
    assert "är inte ett ärende" in answer.text


def test_the_preview_page_frames_the_current_version(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    page = client.get(f"/arende/forhandsvisning/{REL}")
    assert page.status_code == 200
    version = client.get(f"/arende/version/{REL}").json()["version"]
    assert f'?v={version}"' in page.text
    assert "/static/preview.js" in page.text
    assert f"/arende/ladda-ned/pdf/{quote(REL)}" in page.text


@pytest.mark.usefixtures("require_libreoffice")
def test_real_preview_shows_the_saved_text(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    app = create_app(root)  # its own LibreOffice: the tests turn the service off
    client = TestClient(app, base_url=BASE)
    try:
        first = client.get(f"/arende/forhandsvisning/{REL}?v=1")
        assert first.status_code == 200
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(first.content)).pages)
        assert "Gurkmajonnäs" not in text
        path = root / REL
        path.write_text(path.read_text("utf-8") + "\nGurkmajonnäs i förvaltningen.\n", "utf-8")
        started = time.perf_counter()
        second = client.get(f"/arende/forhandsvisning/{REL}?v=2")
        seconds = time.perf_counter() - started
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(second.content)).pages)
        assert "Gurkmajonnäs i förvaltningen" in text
        assert seconds < 10  # warm: far below; bounded here only against a hang
    finally:
        app.state.previews.close()


# -- attachments ------------------------------------------------------------------------------


def _pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _upload(client: TestClient, name: str, data: bytes, rel: str = REL, **fields: str) -> Any:
    token = client.app.state.guard.csrf_token  # type: ignore[attr-defined]
    return client.post(
        f"/arende/bilagor/{rel}?csrf={token}",
        files={"fil": (name, data, "application/octet-stream")},
        data={"titel": "Mätrapport", "lagg_till": "ja", **fields},
    )


def test_upload_stores_checks_and_adds_the_attachment(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    page = client.get(f"/arende/bilagor/{REL}")
    assert page.status_code == 200 and "Ladda upp en bilaga" in page.text
    before = (root / REL).read_text("utf-8")
    answer = _upload(client, "Mätrapport 2025 (slutlig).pdf", _pdf_bytes())
    assert answer.status_code == 200, answer.text
    stored = root / "content" / "bilagor" / "Mätrapport-2025-slutlig.pdf"
    assert stored.read_bytes() == _pdf_bytes()
    # the preflight: a blank page has no text (beslut's own attachment check says so)
    assert "Kontroll av bilagan" in answer.text
    assert "bilaga-" in answer.text
    after = (root / REL).read_text("utf-8")
    assert "fil: ../bilagor/Mätrapport-2025-slutlig.pdf" in after
    assert "titel: Mätrapport" in after
    # only the list grew: every earlier line is still there, in order
    assert [line for line in after.splitlines() if line in before.splitlines()] == (
        before.splitlines()
    )


def test_upload_refuses_other_types_and_names_the_allowed_ones(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    answer = _upload(client, "skript.exe", b"MZ\x90\x00")
    assert answer.status_code == 415
    assert "bara PDF (.pdf) och Word (.docx) tas emot" in answer.text
    fake = _upload(client, "falsk.pdf", b"<html>not a pdf</html>")
    assert fake.status_code == 415
    assert "är inte en PDF" in fake.text
    assert not (root / "content" / "bilagor" / "skript.exe").exists()
    assert not (root / "content" / "bilagor" / "falsk.pdf").exists()


def test_upload_too_large_is_refused_with_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    monkeypatch.setattr(attachments, "MAX_BYTES", 1024)
    answer = _upload(client, "stor.pdf", _pdf_bytes() + b"%" * 4096)
    assert answer.status_code == 413
    assert "en bilaga får vara högst 1 kB" in answer.text
    assert not (root / "content" / "bilagor" / "stor.pdf").exists()


def test_upload_never_overwrites_without_asking(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    existing = root / "content" / "bilagor" / "programdirektiv.pdf"
    old = existing.read_bytes()
    answer = _upload(client, "programdirektiv.pdf", _pdf_bytes())
    assert answer.status_code == 409
    assert "finns redan" in answer.text
    assert existing.read_bytes() == old
    replaced = _upload(client, "programdirektiv.pdf", _pdf_bytes(), ersatt="ja")
    assert replaced.status_code == 200
    assert existing.read_bytes() == _pdf_bytes()


def test_upload_with_a_path_in_its_name_stays_in_bilagor(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    answer = _upload(client, "../../../profil.pdf", _pdf_bytes())
    assert answer.status_code == 200
    assert (root / "content" / "bilagor" / "profil.pdf").is_file()
    assert not (root / "profil.pdf").exists() and not (tmp_path / "profil.pdf").exists()


def test_upload_refuses_a_symlink_out_of_the_workspace(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    outside = tmp_path / "utanfor.pdf"
    outside.write_bytes(b"%PDF-1.4 original")
    (root / "content" / "bilagor" / "lank.pdf").symlink_to(outside)
    answer = _upload(client, "lank.pdf", _pdf_bytes(), ersatt="ja")
    assert answer.status_code == 400
    assert "pekar ut ur arbetsytan" in answer.text
    assert outside.read_bytes() == b"%PDF-1.4 original"


def test_upload_against_a_newer_case_file_is_a_conflict(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    client, _ = _client(root)
    answer = _upload(client, "ny.pdf", _pdf_bytes(), version="0" * 64)
    assert answer.status_code == 409
    assert "fil: ../bilagor/ny.pdf" not in (root / REL).read_text("utf-8")
