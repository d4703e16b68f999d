"""The issue's promise, walked in a real Chromium: from ``beslut init`` to a finished PDF
without opening a file. An officer creates a case in the app, replaces every placeholder in
the form, saves, and downloads a PDF whose text is the case; ``beslut check`` agrees."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pypdf

from beslut import api
from browser_support import assert_accessible, screenshot, start_server
from conftest import need_libreoffice

PLACEHOLDER = "[fyll i"


def _replacement(name: str, value: str) -> str:
    if name.endswith(".namn"):
        return "Elin Berg"
    if name.endswith(".titel"):
        return "Utredare"
    if name.startswith("förslag"):
        return "Kommunstyrelsen godkänner planen för en ny förskola i Exempelstad"
    return re.sub(
        r"\[fyll i: text under ([^\]]+)\]",
        lambda m: f"Texten om {m.group(1)} är skriven i appen.",
        value,
    )


def test_from_an_empty_workspace_to_a_finished_pdf(tmp_path: Path, page: Any) -> None:
    need_libreoffice()
    subprocess.run(
        [sys.executable, "-m", "beslut", "init", str(tmp_path / "ws")],
        check=True,
        capture_output=True,
    )
    root = tmp_path / "ws"
    server = start_server(root)
    try:
        page.goto(server.url)
        page.get_by_role("link", name="Nytt ärende").click()
        page.get_by_label("Rubrik").fill("Ny förskola i Exempelstad")
        page.get_by_label("Diarienummer").fill("KS 2026/14")
        page.get_by_label("Datum").fill("2026-11-30")
        page.get_by_role("button", name="Skapa ärendet").click()
        page.wait_for_url("**/arende/redigera/**")
        assert "platshållare" in page.locator("main").inner_text()

        filled = []
        for field in page.locator("main input[type=text], main textarea").all():
            value = field.input_value()
            if PLACEHOLDER in value:
                name = field.get_attribute("name") or ""
                field.fill(_replacement(name, value))
                filled.append(name)
        assert filled, "the new case had no placeholders to fill"
        page.get_by_role("button", name="Spara", exact=True).click()
        page.wait_for_url("**meddelande=sparat**")
        assert "Kontrollen hittade inga fel eller varningar" in page.locator("main").inner_text()
        assert_accessible(page)

        rel = "content/ärenden/KS-2026-14.md"
        problems = [d for d in api.check(root) if d.path == rel]
        assert problems == [], problems

        page.get_by_role("link", name="Förhandsvisning på egen sida").click()
        page.wait_for_url("**/arende/forhandsvisning/**")
        frame = page.locator("iframe").first
        src = frame.get_attribute("src")
        assert src and "v=" in src
        with urllib.request.urlopen(server.url.rstrip("/") + src, timeout=120) as answer:
            assert answer.headers["Content-Type"] == "application/pdf"
            text = "\n".join(
                p.extract_text() for p in pypdf.PdfReader(io.BytesIO(answer.read())).pages
            )
        assert "Ny förskola i Exempelstad" in text
        assert "Kommunstyrelsen godkänner planen för en ny förskola i Exempelstad" in text
        assert "fyll i" not in text
        screenshot(page, "nybörjare-pdf")
    finally:
        server.stop()
