"""The meeting page's Protokoll section through Starlette's TestClient.

The example's protokoll is shown as its paragraphs with what is special about each, the
justering and the anslag dates the protokoll prints; "Skapa protokoll" writes the file with
``api.new_minutes`` and never overwrites one; after a real build (LibreOffice) every link serves
the PDF the build wrote, and a protokoll changed after the build is said to be stale.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader
from starlette.testclient import TestClient

from beslut import api
from beslut.publish.signed import sign_output
from beslut.web.app import create_app
from browser_support import copy_example
from conftest import need_libreoffice

MEETING = "content/möten/2022-06-14-hsn.yaml"
MINUTES = "content/protokoll/2022-06-14-hsn.yaml"
PAGE = f"/mote/{MEETING}"
FOLDER = "möten/2022-06-14-hsn"


def _client(root: Path) -> tuple[TestClient, str]:
    app = create_app(root.resolve())
    return TestClient(app, base_url="http://127.0.0.1:8000"), app.state.guard.csrf_token


def _section(page: str) -> str:
    start = page.index('<section aria-labelledby="protokoll-rubrik"')
    return page[start : page.index("</section>", start)]


def _rows(section: str) -> dict[int, tuple[str, str, list[str]]]:
    """§ number → (agenda number, title, marks) from the section's table."""
    rows: dict[int, tuple[str, str, list[str]]] = {}
    for match in re.finditer(r'<tr data-paragraph="(\d+)">(.*?)</tr>', section, re.DOTALL):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", match.group(2), re.DOTALL)
        marks = re.findall(r'<span class="badge[^"]*"[^>]*>([^<]+)</span>', cells[2])
        rows[int(match.group(1))] = (cells[0], unescape(cells[1]), marks)
    return rows


def _by_id(section: str, name: str) -> str:
    match = re.search(rf'id="{name}"[^>]*>(.*?)</', section, re.DOTALL)
    assert match, name
    return unescape(match.group(1))


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "arbetsyta")


# ----------------------------------------------------------------------------------------------
# The example's protokoll


def test_the_example_protokoll_its_paragraphs_marks_and_anslag_dates(ws: Path) -> None:
    client, _token = _client(ws)
    page = client.get(PAGE)
    assert page.status_code == 200
    section = _section(page.text)
    assert f"<code>{MINUTES}</code>" in section and "§§ 41–56" in section
    assert "Kontrollen hittade inga fel eller varningar i protokollet." in section
    rows = _rows(section)
    assert list(rows) == list(range(41, 57))
    assert rows[56][0] == "17"  # the tilläggslista's item
    marks = {number: row[2] for number, row in rows.items() if row[2]}
    assert marks == {
        47: ["ändrat beslut"],
        50: ["jäv"],
        51: ["omröstning", "reservation"],
        52: ["sekretess"],
    }
    # The internal title of the secret §, with its provision; item 13 was dropped.
    assert rows[52][1] == "Upphandling av antikroppstester – tilldelningsbeslut (22HSN5105)"
    assert "Sekretess enligt 19 kap. 3 § OSL" in section
    assert rows[52][0] == "12" and rows[53][0] == "14"
    assert _by_id(section, "protokoll-utgar") == (
        "Utgick vid sammanträdet (ingen paragraf): ärende 13."
    )
    # Justering and anslag: the dates the protokoll's anslagsbevis prints.
    assert _by_id(section, "justering") == "2022-06-21 kl. 13.00, Regionens hus"
    assert _by_id(section, "anslag-uppsatt") == "2022-06-21"
    assert _by_id(section, "anslag-overklagande") == "2022-07-12"
    assert _by_id(section, "anslag-nedtaget") == "2022-07-13"
    # Accessible table: a caption, column and row headers.
    assert "<caption>Protokollets paragrafer" in section
    assert section.count('<th scope="col">') == 4 and section.count('<th scope="row">') == 16
    assert "Protokollet är inte byggt ännu" in section


def test_a_later_anslag_moves_the_dates_and_a_holiday_moves_the_last_day(ws: Path) -> None:
    # Anslag on 2022-05-05: three weeks later is Thursday 26 May 2022, Kristi himmelsfärdsdag,
    # so the last day to appeal is Friday 27 May and the anslag comes down on 28 May.
    path = ws / MINUTES
    text = path.read_text("utf-8")
    path.write_text(text.replace("förvaringsplats:", "anslag: 2022-05-05\nförvaringsplats:"))
    client, _token = _client(ws)
    section = _section(client.get(PAGE).text)
    assert _by_id(section, "anslag-uppsatt") == "2022-05-05"
    assert _by_id(section, "anslag-overklagande") == "2022-05-27"
    assert _by_id(section, "anslag-nedtaget") == "2022-05-28"


def test_the_protokoll_files_errors_and_warnings_are_listed_with_their_lines(ws: Path) -> None:
    path = ws / MINUTES
    text = path.read_text("utf-8")
    path.write_text(
        text.replace("  - Anna Berglund (S)\njustering:", "  - Okänd Person\njustering:")
    )
    line = path.read_text("utf-8").splitlines().index("  - Okänd Person") + 1
    client, _token = _client(ws)
    section = _section(client.get(PAGE).text)
    found = re.search(r"<p>(\d+) fel och (\d+) varning", section)
    assert found and int(found.group(1)) >= 1, section[:2000]
    items = re.findall(r'<li class="diagnostic (fel|varning)[^"]*">(.*?)</li>', section, re.DOTALL)
    assert len(items) == int(found.group(1)) + int(found.group(2))
    assert any(f"på rad {line}:" in body and "Okänd Person" in body for _, body in items), items
    # The meeting file's own check does not list the protokoll's findings.
    assert "Okänd Person" not in client.get(PAGE).text.split('id="protokoll"')[0]


def test_a_protokoll_that_does_not_load_shows_its_errors_without_paragraphs(ws: Path) -> None:
    path = ws / MINUTES
    text = path.read_text("utf-8")
    path.write_text(text.replace('tid: "09.00–11.40"', 'tid: "på förmiddagen"'), "utf-8")
    client, _token = _client(ws)
    section = _section(client.get(PAGE).text)
    assert f"<code>{MINUTES}</code>" in section
    assert "Skapa protokoll" not in section  # the file exists: nothing to create
    assert 'class="diagnostic fel"' in section and "på rad 9:" in section
    assert "data-paragraph" not in section
    assert "visas när felen ovan är rättade" in section


# ----------------------------------------------------------------------------------------------
# Skapa protokoll


def _new_meeting(client: TestClient, token: str) -> str:
    answer = client.post(
        "/moten/ny",
        data={
            "csrf": token,
            "instans": "hsn",
            "datum": "2026-03-17",
            "tid": "09.00",
            "plats": "Sal A",
            "ordförande": "Gilbert Tribo (L)",
            "ordförande_titel": "Ordförande",
            "sekreterare": "Sara Ek",
            "sekreterare_titel": "Nämndsekreterare",
            "justering": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:500]
    return "content/möten/2026-03-17-hsn.yaml"


def test_skapa_protokoll_creates_the_file_once_and_never_overwrites_it(ws: Path) -> None:
    client, token = _client(ws)
    meeting = _new_meeting(client, token)
    page = f"/mote/{meeting}"
    section = _section(client.get(page).text)
    assert "Sammanträdet har inget protokoll ännu" in section
    assert "content/protokoll/2026-03-17-hsn.yaml" in section
    assert 'value="protokoll">Skapa protokoll</button>' in section
    target = ws / "content/protokoll/2026-03-17-hsn.yaml"
    assert not target.exists()
    # Without the page's token nothing is written.
    refused = client.post(page, data={"action": "protokoll"}, follow_redirects=False)
    assert refused.status_code == 403 and not target.exists()

    made = client.post(page, data={"csrf": token, "action": "protokoll"}, follow_redirects=False)
    assert made.status_code == 303
    assert made.headers["location"].endswith("?sparat=protokoll#protokoll")
    text = target.read_text("utf-8")
    assert "typ: protokoll" in text and "sammanträde: 2026-03-17-hsn" in text
    assert "[fyll i" in text
    shown = client.get(made.headers["location"])
    section = _section(shown.text)
    message = _by_id(section, "protokoll-skapat")
    assert "Protokollet är skapat i filen" in message
    assert "content/protokoll/2026-03-17-hsn.yaml" in section
    assert "[fyll i …]" in unescape(section) and "beslut check" in section
    assert "Skapa protokoll" not in section
    # The check lists the placeholders as the protokoll file's findings.
    assert re.search(r"<p>[1-9]\d* fel och", section), section[:3000]
    # A second post (another tab, a double click) does not overwrite what was filled in.
    target.write_text(text.replace("frånvarande: []", "frånvarande: [Jonas Ek (SD)]"), "utf-8")
    edited = target.read_bytes()
    again = client.post(page, data={"csrf": token, "action": "protokoll"}, follow_redirects=False)
    assert again.status_code == 400
    assert target.read_bytes() == edited
    error = _section(again.text)
    assert 'id="protokollfel"' in error and "Protokollet skapades inte." in error
    assert (
        f"Filen {target.relative_to(ws).as_posix()} finns redan; ett sammanträde har ett "
        "protokoll." in error
    )


def test_skapa_protokoll_for_a_meeting_file_with_errors_shows_where(ws: Path) -> None:
    meeting = ws / "content/möten/2026-04-01-hsn.yaml"
    text = (ws / MEETING).read_text("utf-8").replace("datum: 2022-06-14", "datum: 2026-13-45")
    assert "2026-13-45" in text
    meeting.write_text(text, "utf-8")
    line = text.splitlines().index("datum: 2026-13-45") + 1
    client, token = _client(ws)
    page = "/mote/content/möten/2026-04-01-hsn.yaml"
    answer = client.post(page, data={"csrf": token, "action": "protokoll"}, follow_redirects=False)
    assert answer.status_code == 400
    error = unescape(_section(answer.text))
    assert "mötesfilen har fel; rätta dem först" in error
    assert f"content/möten/2026-04-01-hsn.yaml:{line}:" in error
    assert not (ws / "content/protokoll/2026-04-01-hsn.yaml").exists()


# ----------------------------------------------------------------------------------------------
# After a build


def _self_signed(folder: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sara Ekström")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    path = folder / "sekreterare.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"sekreterare", key, cert, None, serialization.NoEncryption()
        )
    )
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example built once with LibreOffice, and its protokoll signed."""
    need_libreoffice()
    os.environ.setdefault("BESLUT_TJANST", "av")
    folder = tmp_path_factory.mktemp("protokollsida")
    root = copy_example(folder / "arbetsyta")
    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    sign_output(root, f"{FOLDER}/protokoll.pdf", pkcs12=_self_signed(folder))
    yield root


@pytest.mark.libreoffice
def test_the_built_protokoll_is_linked_and_every_link_serves_its_pdf(built: Path) -> None:
    client, _token = _client(built)
    section = _section(client.get(PAGE).text)
    links = dict(
        (unescape(text), href)
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    )
    base = "/mote/fil/m%C3%B6ten/2022-06-14-hsn/"
    assert links["Protokollet som PDF (protokoll.pdf)"] == base + "protokoll.pdf"
    assert links["Det offentliga protokollet som PDF (offentlig/protokoll.pdf)"] == (
        base + "offentlig/protokoll.pdf"
    )
    assert links["Det signerade protokollet (protokoll-signerat.pdf)"] == (
        base + "protokoll-signerat.pdf"
    )
    assert "signerar inte den nuvarande" not in section
    assert 'href="' + base + 'protokoll.docx?hamta=1"' in section
    extracts = {text: href for text, href in links.items() if text.startswith("Utdrag § ")}
    assert list(extracts) == [f"Utdrag § {n}" for n in range(41, 57)]
    assert extracts["Utdrag § 47"] == base + "protokollsutdrag/paragraf-47.pdf"
    assert "protokollets filer har inte ändrats sedan dess" in section
    pdfs = [href for href in links.values() if not href.endswith(".docx?hamta=1")]
    assert len(pdfs) == 3 + 16
    for href in pdfs:
        answer = client.get(href)
        assert answer.status_code == 200, href
        assert answer.headers["content-type"] == "application/pdf", href
        assert answer.content.startswith(b"%PDF"), href
    docx = client.get(base + "protokoll.docx?hamta=1")
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert docx.headers["content-disposition"].startswith("attachment")
    # The utdrag link of § 51 serves the utdrag of § 51.
    utdrag = client.get(extracts["Utdrag § 51"]).content
    path = built / "output" / FOLDER / "protokollsutdrag" / "paragraf-51.pdf"
    assert utdrag == path.read_bytes()
    assert "§ 51" in "".join(p.extract_text() for p in PdfReader(path).pages)


@pytest.mark.libreoffice
def test_a_protokoll_changed_after_the_build_is_marked_for_rebuilding(built: Path) -> None:
    client, _token = _client(built)
    path = built / MINUTES
    saved = path.read_bytes()
    before = path.stat()
    try:
        stamp = (built / "output" / FOLDER / "protokoll.pdf").stat().st_mtime + 5
        os.utime(path, (stamp, stamp))
        section = _section(client.get(PAGE).text)
        notice = unescape(_by_id(section, "protokoll-inaktuellt"))
        assert "Protokollet kan vara inaktuellt:" in notice
        assert MINUTES in unescape(section.split('id="protokoll-inaktuellt"')[1].split("</p>")[0])
        assert "Bygg handlingarna igen" in section
    finally:
        path.write_bytes(saved)
        os.utime(path, (before.st_atime, before.st_mtime))
