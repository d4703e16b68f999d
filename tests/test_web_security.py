"""Security of ``beslut serve``: host check, password, CSRF, paths, uploads, escaping.

The TestClient tests talk to the app in-process; the others start a real ``beslut serve`` and
send exact bytes with http.client (an HTTP library would tidy ``../`` away before sending).
"""

from __future__ import annotations

import base64
import http.client
import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from pypdf import PdfWriter
from starlette.testclient import TestClient

from beslut.convert.libreoffice import FakeConverter
from beslut.web.app import create_app
from beslut.web.preview import Previews

REL = "content/ärenden/22HSN5103-uppföljning-fallprevention.md"
BASE = "http://127.0.0.1:8000"
PASSWORD = "ett-långt-lösenord-för-test"


def _workspace(tmp_path: Path) -> Path:
    from browser_support import copy_example

    return copy_example(tmp_path / "arbetsyta").resolve()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return _workspace(tmp_path)


@pytest.fixture
def client(root: Path) -> TestClient:
    app = create_app(root)
    app.state.previews = Previews(root, converter=FakeConverter())
    return TestClient(app, base_url=BASE)


@pytest.fixture
def server(root: Path) -> Iterator[Any]:
    from browser_support import start_server

    served = start_server(root)
    try:
        yield served
    finally:
        served.stop()


def _token(client: TestClient) -> str:
    token = client.app.state.guard.csrf_token  # type: ignore[attr-defined]
    assert isinstance(token, str)
    return token


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _raw(
    url: str,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, str]:
    """Send exactly ``path`` (not normalised) and return the status and the body as text."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        if body is not None and "Content-Length" not in (headers or {}):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        if body:
            conn.send(body)
        answer = conn.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _page_token(url: str) -> str:
    status, text = _raw(url, "GET", "/arenden")
    assert status == 200
    found = re.search(r'name="csrf-token" content="([^"]+)"', text)
    assert found
    return found.group(1)


# -- the guard (in-process) -------------------------------------------------------------------


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    answer = client.get("/arenden", headers={"host": "angripare.example"})
    assert answer.status_code == 400
    assert "Servern svarar bara på den adress" in answer.text
    assert client.get("/arenden").status_code == 200


def test_a_post_without_the_csrf_token_is_refused_in_swedish(client: TestClient) -> None:
    answer = client.post(f"/arende/bilagor/{REL}", files={"fil": ("a.pdf", _pdf())})
    assert answer.status_code == 403
    assert "säkerhetskod" in answer.text and 'lang="sv"' in answer.text
    assert not (client.app.state.root / "content" / "bilagor" / "a.pdf").exists()  # type: ignore[attr-defined]


def test_a_post_from_another_origin_is_refused_even_with_the_token(client: TestClient) -> None:
    answer = client.post(
        f"/arende/bilagor/{REL}?csrf={_token(client)}",
        files={"fil": ("a.pdf", _pdf())},
        headers={"origin": "http://angripare.example"},
    )
    assert answer.status_code == 403
    same = client.post(
        f"/arende/bilagor/{REL}?csrf={_token(client)}",
        files={"fil": ("a.pdf", _pdf())},
        headers={"origin": BASE},
    )
    assert same.status_code == 200


def test_case_text_is_escaped_and_never_a_template(root: Path, client: TestClient) -> None:
    path = root / REL
    text = path.read_text("utf-8")
    title = re.search(r"^rubrik: (.*)$", text, re.M)
    assert title
    hostile = "Plan <script>alert('x')</script> {{ 7*7 }} {% if true %}ja{% endif %}"
    text = text.replace(title.group(0), f'rubrik: "{hostile}"', 1)
    text = text.replace("förslag:", 'bilagor:\n  - titel: "<img src=x onerror=alert(1)>"\n'
                        "    fil: ../bilagor/programdirektiv.pdf\nförslag:", 1)  # fmt: skip
    path.write_text(text, "utf-8")
    for url in ("/arenden", f"/arende/bilagor/{REL}", f"/arende/forhandsvisning/{REL}"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page or "&lt;script&gt;" in page
    listing = client.get("/arenden").text
    assert "{{ 7*7 }}" in listing and "{% if true %}" in listing
    assert "Plan &lt;script&gt;" in listing and " 49 " not in listing
    # the rendered paper carries the text as written: content is data, never a template
    docx = client.get(f"/arende/ladda-ned/docx/{REL}")
    assert docx.status_code == 200, docx.text
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    plain = re.sub(r"<[^>]+>", "", xml)
    assert "{{ 7*7 }}" in plain and "{% if true %}ja{% endif %}" in plain
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in plain or "<script>" not in xml


# -- a real server -----------------------------------------------------------------------------

TRAVERSALS = [
    "/arende/ladda-ned/pdf/../../../../etc/passwd",
    "/arende/ladda-ned/pdf/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/arende/ladda-ned/docx/content/%2E%2E/%2E%2E/etc/passwd",
    "/arende/ladda-ned/pdf//etc/passwd",
    "/arende/forhandsvisning/%2Fetc%2Fpasswd?v=1",
    "/arende/forhandsvisning/content/../../secret.md?v=1",
    "/arende/version/..%2F..%2Fetc%2Fpasswd",
    "/arende/bilagor/%2e%2e/%2e%2e/etc/passwd",
]


def test_traversal_and_absolute_paths_are_refused(server: Any, tmp_path: Path) -> None:
    (tmp_path / "secret.md").write_text("HEMLIGT", "utf-8")
    for path in TRAVERSALS:
        status, text = _raw(server.url, "GET", path)
        assert status in (400, 404), (path, status)
        assert "root:" not in text and "HEMLIGT" not in text, path
    status, text = _raw(server.url, "GET", "/arende/ladda-ned/pdf/%2e%2e/%2e%2e/etc/passwd")
    assert status == 404 and "godtas inte" in text and "..”" in text


def test_a_symlink_out_of_the_workspace_is_refused(server: Any, root: Path) -> None:
    link = root / "content" / "ärenden" / "lank.md"
    link.symlink_to("/etc/passwd")
    for kind in ("pdf", "docx"):
        status, text = _raw(
            server.url,
            "GET",
            f"/arende/ladda-ned/{kind}/{quote(link.relative_to(root).as_posix())}",
        )
        assert status == 404
        assert "pekar ut ur arbetsytan" in text and "root:" not in text
    # an upload into a content/bilagor that is a link out is refused too
    outside = root.parent / "utanfor"
    outside.mkdir()
    bilagor = root / "content" / "bilagor"
    bilagor.rename(root / "content" / "bilagor-orig")
    bilagor.symlink_to(outside, target_is_directory=True)
    token = _page_token(server.url)
    boundary = "gransen"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="x.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + _pdf()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, text = _raw(
        server.url,
        "POST",
        f"/arende/bilagor/{quote(REL)}?csrf={token}",
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        body,
    )
    assert status == 400 and "pekar ut ur arbetsytan" in text
    assert list(outside.iterdir()) == []


def test_uploads_too_large_and_of_the_wrong_type_are_refused(server: Any, root: Path) -> None:
    token = _page_token(server.url)
    # larger than any request may be: refused by the guard before the body is read
    status, text = _raw(
        server.url,
        "POST",
        f"/arende/bilagor/{quote(REL)}?csrf={token}",
        {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(70 * 2**20)},
    )
    assert status == 413 and "större än 60 MB" in text
    boundary = "gransen"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="fil"; filename="virus.exe"\r\n'
        "Content-Type: application/octet-stream\r\n\r\nMZ\x90\r\n"
        f"--{boundary}--\r\n"
    ).encode("latin-1")
    status, text = _raw(
        server.url,
        "POST",
        f"/arende/bilagor/{quote(REL)}?csrf={token}",
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        body,
    )
    assert status == 415 and "bara PDF (.pdf) och Word (.docx)" in text
    assert not (root / "content" / "bilagor" / "virus.exe").exists()
    # and without the token, the real server refuses the upload as well
    status, text = _raw(
        server.url,
        "POST",
        f"/arende/bilagor/{quote(REL)}",
        {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        body,
    )
    assert status == 403 and "säkerhetskod" in text


def _env_without_password() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("BESLUT_LOSENORD", None)
    return env


def test_serving_beyond_loopback_without_a_password_refuses_to_start(root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "serve", str(root), "--värd", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env_without_password(),
    )
    assert result.returncode != 0
    assert "kräver ett lösenord" in result.stderr and "BESLUT_LOSENORD" in result.stderr


def test_with_a_password_basic_auth_is_required(root: Path) -> None:
    from browser_support import start_server

    env = _env_without_password()
    env["BESLUT_LOSENORD"] = PASSWORD
    served = start_server(root, "--värd", "0.0.0.0", env=env)
    try:
        status, text = _raw(served.url, "GET", "/arenden")
        assert status == 401 and "Lösenord krävs" in text
        wrong = base64.b64encode(b"x:fel-losenord").decode()
        status, _ = _raw(served.url, "GET", "/arenden", {"Authorization": f"Basic {wrong}"})
        assert status == 401
        right = base64.b64encode(f"vem-som-helst:{PASSWORD}".encode()).decode()
        status, text = _raw(served.url, "GET", "/arenden", {"Authorization": f"Basic {right}"})
        assert status == 200 and "Ärenden" in text
    finally:
        served.stop()


def test_a_short_password_beyond_loopback_refuses_to_start(root: Path) -> None:
    env = _env_without_password()
    env["BESLUT_LOSENORD"] = "kort123"
    result = subprocess.run(
        [sys.executable, "-m", "beslut", "serve", str(root), "--värd", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode != 0
    assert "för kort (7 tecken)" in result.stderr and "minst 12 tecken" in result.stderr
