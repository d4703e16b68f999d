"""Shared fixtures: small workspaces written into tmp_path."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The shared test data (also the benchmarks'), imported by the tests from here.
from samples import CASE as CASE
from samples import PROFILE as PROFILE

REPO = Path(__file__).resolve().parents[1]

MakeWorkspace = Callable[..., Path]


@pytest.fixture(autouse=True)
def _no_build_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test starts a build service by accident: BESLUT_TJANST=av, a short idle time, and a
    private runtime folder per test (short: a Unix socket path has at most 107 bytes). Tests
    of the service opt back in (``tests/test_service.py``); any service left is stopped."""
    folder = Path(tempfile.mkdtemp(prefix="bt", dir="/tmp"))
    monkeypatch.setenv("BESLUT_TJANST", "av")
    monkeypatch.setenv("BESLUT_TJANST_VILA", "20")
    monkeypatch.delenv("BESLUT_TJÄNST", raising=False)
    monkeypatch.delenv("BESLUT_TJÄNST_VILA", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    try:
        yield folder
    finally:
        if any((folder / "beslut").glob("*.json")):
            from beslut.service.client import stop_all

            with contextlib.suppress(Exception):
                stop_all()
        shutil.rmtree(folder, ignore_errors=True)


def _libreoffice_templates() -> Path:
    return REPO / "templates"


@pytest.fixture
def make_workspace(tmp_path: Path) -> MakeWorkspace:
    """Return a factory that writes a workspace with a profile, templates and given files."""

    def make(files: dict[str, str | bytes] | None = None, *, profile: str = PROFILE) -> Path:
        root = tmp_path / "arbetsyta"
        (root / "content").mkdir(parents=True, exist_ok=True)
        (root / "content" / "profil.yaml").write_text(profile, encoding="utf-8")
        if (REPO / "templates").is_dir() and not (root / "templates").exists():
            shutil.copytree(REPO / "templates", root / "templates")
        for name, content in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return root

    return make


def need(available: bool, what: str) -> None:
    """Skip when a tool is missing, but fail in CI, where ``make test`` must install it."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} saknas i CI; make test ska installera det.")
    pytest.skip(f"{what} är inte installerat")


SEEDS = REPO.parent / "shared" / "seeds"
"""The real committee papers the examples and several checks were written from."""


def need_seeds(folder: Path | None = None) -> Path:
    """Return the seeds folder; skip without it, but fail in CI, where the tests that compare
    against the seeds must run (never pass silently)."""
    folder = SEEDS if folder is None else folder
    need(folder.is_dir() and any(folder.glob("*.txt")), f"Mappen med frön ({folder})")
    return folder


def need_libreoffice() -> None:
    """Skip without LibreOffice (soffice and the system Python's uno); fail in CI."""
    need(
        bool(shutil.which("soffice")) and os.path.exists("/usr/bin/python3"),
        "LibreOffice (soffice)",
    )


@pytest.fixture
def require_libreoffice() -> None:
    """Skip when LibreOffice is missing, but fail in CI, where it must be installed."""
    need_libreoffice()


@pytest.fixture(scope="module")
def require_libreoffice_module() -> None:
    """``require_libreoffice`` for module-scoped fixtures that build with LibreOffice."""
    need_libreoffice()


MEETING = """\
typ: sammanträde
instans: hsn
datum: 2025-10-01
tid: "09.00"
plats: Regionens hus
ordförande: {namn: Gilbert Tribo}
sekreterare: {namn: Eva Lind}
ärenden:
  - typ: justerare
"""
"""A meeting of the test profile's hsn; tests append their items."""


def case_file(
    body: str = "## Sammanfattning\n\nEtt kort ärende om planen.\n",
    *,
    points: tuple[str, ...] = ("Hälso- och sjukvårdsnämnden godkänner planen",),
    extra: str = "",
    dnr: str = "25HSN1",
    date: str = "2025-09-10",
    doc_type: str = "tjänsteskrivelse",
) -> str:
    """Return a case file (front matter and body) for content-check tests.

    ``extra`` is appended to the front matter as top-level YAML lines.
    """
    lines = "".join(f"    - {p}\n" for p in points)
    return (
        "---\n"
        f"typ: {doc_type}\n"
        "rubrik: Ett ärende om åtgärder\n"
        f"diarienummer: {dnr}\n"
        "instans: hsn\n"
        f"datum: {date}\n"
        "handläggare:\n"
        "  namn: Åsa Öberg\n"
        "förslag:\n"
        "  inledning: Förvaltningens förslag till beslut\n"
        "  beslutspunkter:\n"
        f"{lines}"
        f"{extra}"
        "---\n\n"
        f"{body}"
    )


def findings(root: Path, *codes: str) -> list[str]:
    """Return the formatted diagnostics of a workspace, only the given codes if any."""
    from beslut.validate.workspace import load_workspace

    return [d.format() for d in load_workspace(root).diagnostics if not codes or d.code in codes]


def pdf_figures(pdf: Any) -> list[Any]:
    """Return every /Figure element of a PDF's structure tree (a path or a pypdf reader)."""
    from pypdf import PdfReader

    found: list[Any] = []

    def walk(node: Any) -> None:
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if node.get("/S") == "/Figure":
            found.append(node)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    root = reader.trailer["/Root"]
    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    return found


# --- Browser tests of ``beslut serve`` (tests/test_web_browser*.py); see browser_support.py ---


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Any]:
    """A ``beslut serve`` process on a copy of the example workspace (``served.url``)."""
    from browser_support import copy_example, start_server

    server = start_server(copy_example(tmp_path / "arbetsyta"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright; fails (never skips) when missing."""
    from playwright.sync_api import sync_playwright

    from browser_support import launch, require_browser_tools

    require_browser_tools()
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page (Swedish locale, 1280×900)."""
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()
