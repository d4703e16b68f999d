"""The PDF preview and the attachments page in a real Chromium against ``beslut serve``.

Headless Chromium does not draw PDFs in frames, so the tests follow the frame's address (it
carries the file's version) and fetch the PDF it points at, then read its text with pypdf.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pypdf import PdfReader

from browser_support import assert_accessible, screenshot

REL = "content/ärenden/22HSN5103-uppföljning-fallprevention.md"


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _frame_pdf(page: Any) -> tuple[str, bytes]:
    src = page.locator("#preview-frame").get_attribute("src")
    assert src and "?v=" in src
    answer = page.request.get(page.url.split("/arende/")[0] + src, timeout=90_000)
    assert answer.status == 200, answer.text()
    assert answer.headers["content-type"] == "application/pdf"
    return src, answer.body()


def test_preview_follows_the_file_on_save(served: Any, page: Any) -> None:
    # the frame's first PDF starts LibreOffice: do not wait for it to load here
    page.goto(f"{served.url}arende/forhandsvisning/{quote(REL)}", wait_until="domcontentloaded")
    assert page.title() == "Förhandsvisning: Uppföljning av det fallpreventiva arbetet – beslut"
    first_src, first = _frame_pdf(page)
    assert "Gurkmajonnäs" not in _text(first)
    assert_accessible(page)
    screenshot(page, "forhandsvisning")

    # saved elsewhere (a text editor, watch, another tab): the page notices and reloads the PDF
    path: Path = served.root / REL
    path.write_text(path.read_text("utf-8") + "\nGurkmajonnäs i förvaltningen.\n", "utf-8")
    page.wait_for_function(
        "old => document.getElementById('preview-frame').getAttribute('src') !== old",
        arg=first_src,
        timeout=15_000,
    )
    assert "ändrades" in page.locator("#preview-status").inner_text()
    second_src, second = _frame_pdf(page)
    assert second_src != first_src
    assert "Gurkmajonnäs i förvaltningen" in _text(second)

    # the download is the same fresh build, with the Swedish name kept
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ned PDF").click()
    download = info.value
    assert download.suggested_filename == "22HSN5103-uppföljning-fallprevention.pdf"
    assert "Gurkmajonnäs i förvaltningen" in _text(Path(download.path()).read_bytes())


def test_preview_of_a_broken_case_lists_its_errors(served: Any, page: Any) -> None:
    path: Path = served.root / REL
    path.write_text(path.read_text("utf-8").replace("diarienummer:", "diarienummer: [", 1))
    page.goto(f"{served.url}arende/forhandsvisning/{quote(REL)}?v=trasig")
    assert page.title() == "Ingen PDF: rätta felen först – beslut"
    assert f"{REL}:" in page.locator("main").inner_text()
    assert_accessible(page)


def test_csrf_less_post_and_traversal_are_refused_in_the_browser(served: Any, page: Any) -> None:
    page.goto(f"{served.url}arende/bilagor/{quote(REL)}")
    status, text = page.evaluate(
        """async url => {
            const form = new FormData();
            form.append("fil", new Blob(["%PDF-1.4"], {type: "application/pdf"}), "a.pdf");
            const answer = await fetch(url, {method: "POST", body: form});
            return [answer.status, await answer.text()];
        }""",
        f"/arende/bilagor/{quote(REL)}",
    )
    assert status == 403 and "säkerhetskod" in text
    assert not (served.root / "content" / "bilagor" / "a.pdf").exists()
    # Chromium tidies ../ and %2e%2e/ away itself; %2F keeps the traversal for the server
    answer = page.goto(f"{served.url}arende/ladda-ned/pdf/..%2F..%2F..%2Fetc%2Fpasswd")
    assert answer is not None and answer.status == 404
    assert "godtas inte" in page.locator("main").inner_text()
    assert "root:" not in page.content()


def test_attachments_page_uploads_and_shows_the_preflight(
    served: Any, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{served.url}arende/bilagor/{quote(REL)}")
    assert page.title() == "Bilagor till 22HSN5103-uppföljning-fallprevention.md – beslut"
    assert_accessible(page)
    source = served.root / "content" / "bilagor" / "programdirektiv.pdf"
    upload = tmp_path / "Nytt direktiv.pdf"
    upload.write_bytes(source.read_bytes())
    page.get_by_label("Fil", exact=True).set_input_files(str(upload))
    page.get_by_label("Bilagans titel").fill("Nytt direktiv")
    page.get_by_role("button", name="Ladda upp").click()
    page.wait_for_selector("#resultat")
    assert "Uppladdad: content/bilagor/Nytt-direktiv.pdf" in page.locator("#resultat").inner_text()
    assert page.get_by_text("Bilagan lades till i ärendets lista över bilagor.").is_visible()
    assert page.get_by_text("Kontroll av bilagan").is_visible()
    assert page.locator("ol.attachment-list li").last.inner_text().startswith("Nytt direktiv")
    assert "fil: ../bilagor/Nytt-direktiv.pdf" in (served.root / REL).read_text("utf-8")
    assert_accessible(page)
    screenshot(page, "bilagor")
