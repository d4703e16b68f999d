"""The secretary's meeting pages through Starlette's TestClient: the file is the source of truth.

Every action is checked on the meeting file itself (comments, order, the lines it must not
touch); the withheld list is checked against the public packet a real build wrote; the build's
event stream and the downloads from output/ are checked as a browser would receive them.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from beslut.web.app import create_app
from beslut.web.meeting_build import Builds
from browser_support import copy_example

MEETING = "content/möten/2022-06-14-hsn.yaml"
PAGE = f"/mote/{MEETING}"
COMMENT = "  # Månadsrapporten först: ekonomidirektören måste gå tidigt.\n"


def _client(root: Path) -> tuple[TestClient, str]:
    app = create_app(root.resolve())
    return TestClient(app, base_url="http://127.0.0.1:8000"), app.state.guard.csrf_token


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "arbetsyta")
    # A comment above an item: moving and saving must keep it with its item.
    path = root / MEETING
    text = path.read_text("utf-8")
    anchor = "  - typ: beslut\n    diarienummer: 22HSN5101\n"
    assert anchor in text
    path.write_text(text.replace(anchor, COMMENT + anchor), "utf-8")
    return root


def _version(client: TestClient) -> str:
    html = client.get(PAGE).text
    marker = 'name="version" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def _act(client: TestClient, token: str, **fields: str) -> Any:
    data = {"csrf": token, "version": fields.pop("version", None) or _version(client), **fields}
    return client.post(PAGE, data=data, follow_redirects=False)


def _items(root: Path) -> list[str]:
    """The item lines of the meeting file ("- typ: …" and the diarienummer after it)."""
    lines = (root / MEETING).read_text("utf-8").splitlines()
    found = []
    for number, line in enumerate(lines):
        if line.startswith("  - typ:"):
            following = lines[number + 1] if number + 1 < len(lines) else ""
            dnr = following.strip() if "diarienummer" in following else ""
            found.append(f"{line.strip()} {dnr}".strip())
    return found


# ----------------------------------------------------------------------------------------------
# List and new meeting


def test_list_shows_the_meeting_with_its_state_and_a_new_one_is_created(ws: Path) -> None:
    client, token = _client(ws)
    page = client.get("/moten")
    assert page.status_code == 200
    assert "Hälso- och sjukvårdsnämnden" in page.text
    assert 'href="/mote/content/m%C3%B6ten/2022-06-14-hsn.yaml"' in page.text
    assert "badge-varningar" in page.text  # the example warns: papers come later

    bad = client.post("/moten/ny", data={"csrf": token, "instans": "hsn", "datum": "17/3"})
    assert bad.status_code == 400 and "ÅÅÅÅ-MM-DD" in bad.text
    fields = {
        "tid": "09.00",
        "plats": "Sal A",
        "ordförande": "Anna Andersson",
        "sekreterare": "Sara Ek",
    }
    made = client.post(
        "/moten/ny",
        data={"csrf": token, "instans": "hsn", "datum": "2026-03-17", **fields},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"].startswith("/mote/content/m%C3%B6ten/2026-03-17-hsn.yaml")
    created = ws / "content/möten/2026-03-17-hsn.yaml"
    assert "typ: sammanträde" in created.read_text("utf-8")
    again = client.post(
        "/moten/ny", data={"csrf": token, "instans": "hsn", "datum": "2026-03-17", **fields}
    )
    assert again.status_code == 400 and "finns redan" in again.text
    listing = client.get("/moten").text
    assert listing.index("2026-03-17") < listing.index("2022-06-14")  # newest first
    assert client.get(made.headers["location"]).status_code == 200


# ----------------------------------------------------------------------------------------------
# Items: reorder, add, remove, secrecy; all round-trip


def test_reorder_moves_the_item_with_its_comment_and_back_gives_the_same_bytes(ws: Path) -> None:
    client, token = _client(ws)
    original = (ws / MEETING).read_bytes()
    before = _items(ws)
    index = before.index("- typ: beslut diarienummer: 22HSN5101")
    moved = _act(client, token, action="ned", index=str(index))
    assert moved.status_code == 303
    assert moved.headers["location"].endswith(f"#punkt-{index + 1}")
    after = _items(ws)
    assert after[index] == "- typ: beslut diarienummer: 22HSN5102"
    assert after[index + 1] == "- typ: beslut diarienummer: 22HSN5101"
    text = (ws / MEETING).read_text("utf-8")
    assert COMMENT + "  - typ: beslut\n    diarienummer: 22HSN5101\n" in text
    assert text.startswith("# Exempelsammanträde för Hälso- och sjukvårdsnämnden")
    back = _act(client, token, action="upp", index=str(index + 1))
    assert back.status_code == 303
    assert (ws / MEETING).read_bytes() == original
    refused = _act(client, token, action="upp", index="0")
    assert refused.status_code == 400 and "kan inte flyttas" in refused.text
    assert (ws / MEETING).read_bytes() == original


def test_add_before_ovrigt_and_remove_gives_the_same_bytes(ws: Path) -> None:
    client, token = _client(ws)
    original = (ws / MEETING).read_bytes()
    count = len(_items(ws))
    added = _act(
        client,
        token,
        action="ny",
        typ="information",
        rubrik="Information om sommarens bemanning",
        punkter="Akutmottagningen\r\n\r\nAmbulansen\r\n",
    )
    assert added.status_code == 303
    text = (ws / MEETING).read_text("utf-8")
    new_item = (
        "  - typ: information\n    rubrik: Information om sommarens bemanning\n"
        "    punkter:\n      - Akutmottagningen\n      - Ambulansen\n  - typ: övrigt\n"
    )
    assert new_item in text
    # before Övriga frågor, the kallelse's last item; the tilläggslista's item stays last
    assert _items(ws)[-2:] == ["- typ: övrigt", "- typ: beslut diarienummer: 22HSN5106"]
    page = client.get(PAGE).text
    assert "Information om sommarens bemanning" in page
    removed = _act(client, token, action="bort", index=str(count - 2))
    assert removed.status_code == 303
    assert (ws / MEETING).read_bytes() == original


def test_case_items_need_a_diarienummer_or_papers_elsewhere_with_a_title(ws: Path) -> None:
    client, token = _client(ws)
    original = (ws / MEETING).read_bytes()
    missing = _act(client, token, action="ny", typ="beslut")
    assert missing.status_code == 400 and "diarienummer" in missing.text
    no_title = _act(
        client, token, action="ny", typ="beslut", underlag="lämnas_senare", notering="Kommer"
    )
    assert no_title.status_code == 400 and "rubrik" in no_title.text
    # What was typed stays in the form.
    assert 'value="Kommer"' in no_title.text
    assert '<option value="lämnas_senare" selected>' in no_title.text
    assert (ws / MEETING).read_bytes() == original
    ok = _act(
        client,
        token,
        action="ny",
        typ="beslut",
        rubrik="Budget 2027 för regionfullmäktige",
        underlag="utanför_arbetsytan",
        diarienummer="RS/99/2026",
    )
    assert ok.status_code == 303
    text = (ws / MEETING).read_text("utf-8")
    assert (
        "  - typ: beslut\n    diarienummer: RS/99/2026\n    rubrik: Budget 2027 för "
        "regionfullmäktige\n    underlag: utanför_arbetsytan\n  - typ: övrigt\n"
    ) in text
    # The search finds the organ's cases by number or title, not other organs' cases.
    found = client.get("/mote/sok-arenden", params={"instans": "hsn", "q": "5101"}).json()
    assert [c["diarienummer"] for c in found["arenden"]] == ["22HSN5101"]
    by_title = client.get("/mote/sok-arenden", params={"instans": "hsn", "q": "antikropp"}).json()
    assert [c["diarienummer"] for c in by_title["arenden"]] == ["22HSN5105"]
    other = client.get("/mote/sok-arenden", params={"instans": "ks", "q": "5101"}).json()
    assert other["arenden"] == []


def test_secret_mark_is_written_with_its_ground_and_shown_as_withheld(ws: Path) -> None:
    client, token = _client(ws)
    original = (ws / MEETING).read_bytes()
    index = _items(ws).index("- typ: beslut diarienummer: 22HSN5102")
    refused = _act(client, token, action="offentlighet", index=str(index), lagrum="annat")
    assert refused.status_code == 400 and "Annat lagrum" in refused.text
    marked = _act(
        client,
        token,
        action="offentlighet",
        index=str(index),
        lagrum="26 kap. 1 §",
        offentlig_rubrik="Stimulansmedel 2019",
    )
    assert marked.status_code == 303
    text = (ws / MEETING).read_text("utf-8")
    assert (
        "    diarienummer: 22HSN5102\n    sekretess:\n      lagrum: 26 kap. 1 §\n"
        "    offentlig_rubrik: Stimulansmedel 2019\n"
    ) in text
    page = client.get(PAGE).text
    withheld = page[
        page.index('<ul class="withheld"') : page.index("</ul>", page.index('<ul class="withheld"'))
    ]
    assert (
        f'data-number="{index + 1}"' in withheld and "Sekretess enligt 26 kap. 1 § OSL" in withheld
    )
    assert 'data-number="12"' in withheld  # the example's own secret item
    other = _act(
        client, token, action="offentlighet", index=str(index), lagrum="annat",
        annat_lagrum="21 kap. 1 § OSL", publiceras_inte="ja",
    )  # fmt: skip
    assert other.status_code == 303
    text = (ws / MEETING).read_text("utf-8")
    assert "      lagrum: 21 kap. 1 §\n" in text and "    publiceras_inte: true\n" in text
    cleared = _act(client, token, action="offentlighet", index=str(index))
    assert cleared.status_code == 303
    assert (ws / MEETING).read_bytes() == original


def test_a_stale_form_gets_a_conflict_page_with_both_versions(ws: Path) -> None:
    client, token = _client(ws)
    stale = _version(client)
    path = ws / MEETING
    edited = path.read_text("utf-8").replace("sammanträdesrum Storsjön", "sal Indalsälven")
    path.write_text(edited, "utf-8")
    answer = _act(client, token, action="ned", index="4", version=stale)
    assert answer.status_code == 409
    assert "Filen har ändrats sedan du öppnade den" in answer.text
    assert answer.text.count("sal Indalsälven") >= 2  # the proposal and the file as it is now
    diff = answer.text[answer.text.index('id="skillnad"') :]
    diff = diff[: diff.index("</pre>")]
    # The user's move (item 5, 22HSN5102, one step down) as a difference against the file now.
    assert "+    diarienummer: 22HSN5102" in diff or "-    diarienummer: 22HSN5102" in diff
    assert "sal Indalsälven" not in diff  # both versions have the other program's edit
    assert path.read_text("utf-8") == edited


def test_diagnostics_are_shown_at_the_top_and_next_to_their_item(ws: Path) -> None:
    client, _token = _client(ws)
    path = ws / MEETING
    path.write_text(
        path.read_text("utf-8").replace("diarienummer: 22HSN5104", "diarienummer: 22HSN9999"),
        "utf-8",
    )
    page = client.get(PAGE).text
    top = page[page.index('id="kontroll-rubrik"') : page.index('id="punkter-rubrik"')]
    assert "22HSN9999" in top
    item = page[page.index('id="punkt-6"') : page.index('id="punkt-7"')]
    assert "22HSN9999" in item and 'class="diagnostic fel"' in item
    assert "Öppna ärendet" not in item  # no case has that number
    case = page[page.index('id="punkt-5"') : page.index('id="punkt-6"')]
    assert 'href="/arende/redigera/content/%C3%A4renden/22HSN5103-' in case
    assert page.count("22HSN9999") >= 3


# ----------------------------------------------------------------------------------------------
# The build: events, one at a time


def test_the_event_stream_yields_progress_and_a_final_event_and_one_build_runs(
    ws: Path,
) -> None:
    app = create_app(ws.resolve())
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    token = app.state.guard.csrf_token
    release = threading.Event()

    def runner(_root: Path, progress: Any) -> dict[str, Any]:
        progress("läser innehållet", 0, 0)
        progress("renderar", 1, 2)
        release.wait(10)
        progress("renderar", 2, 2)
        return {"ok": True, "summary": "Bygget är klart.", "errors": []}

    app.state.meeting_builds = Builds(ws.resolve(), runner)
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    started = client.post(f"/mote/bygg/{MEETING}", headers=headers)
    assert started.status_code == 200
    second = client.post(f"/mote/bygg/{MEETING}", headers=headers)
    assert second.status_code == 409 and "Ett bygge pågår redan" in second.json()["fel"]
    release.set()
    with client.stream("GET", started.json()["status"]) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        body = "".join(stream.iter_text())
    frames = [f for f in body.split("\n\n") if f.strip()]
    names = [f.split("\n")[0] for f in frames]
    data = [json.loads(f.split("\n")[1].removeprefix("data: ")) for f in frames]
    assert names == ["event: forlopp"] * 3 + ["event: klart"]
    assert [d.get("text") for d in data[:3]] == [
        "Läser innehållet …",
        "Renderar: 1 av 2",
        "Renderar: 2 av 2",
    ]
    assert data[-1]["ok"] is True and data[-1]["type"] == "done"
    # Finished: a new build may start.
    assert client.post(f"/mote/bygg/{MEETING}", headers=headers).status_code == 200
    assert client.get("/mote/bygg-status/okänt").status_code == 404
    no_token = client.post(f"/mote/bygg/{MEETING}", headers={"Accept": "application/json"})
    assert no_token.status_code == 403


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """One real build of the example (LibreOffice), with item 4 marked not for publication
    through the page; yields the workspace and the stream's event lines."""
    os.environ.setdefault("BESLUT_TJANST", "av")
    root = copy_example(tmp_path_factory.mktemp("bygge") / "arbetsyta")
    client, token = _client(root)
    assert (
        _act(client, token, action="offentlighet", index="3", publiceras_inte="ja").status_code
        == 303
    )
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    started = client.post(f"/mote/bygg/{MEETING}", headers=headers)
    with client.stream("GET", started.json()["status"]) as stream:
        lines = [line for line in stream.iter_lines() if line]
    yield root, lines


def test_a_real_build_streams_progress_and_finishes_ok(built: tuple[Path, list[str]]) -> None:
    _root, lines = built
    progress = [json.loads(x[6:]) for x in lines if x.startswith("data: ")]
    texts = [p.get("text", "") for p in progress[:-1]]
    assert any(t.startswith("Konverterar:") for t in texts)
    assert any(t.startswith("Sätter ihop handlingar för 2022-06-14-hsn") for t in texts)
    assert progress[-1]["type"] == "done" and progress[-1]["ok"] is True, progress[-1]


def _cell(page: str, number: int, name: str) -> str:
    row = page[page.index(f'<tr data-number="{number}">') :]
    row = row[: row.index("</tr>")]
    start = row.index(f'<td class="{name}">') + len(f'<td class="{name}">')
    return row[start : row.index("</td>", start)]


def _withheld_in_public_packet(pdf: Path) -> set[int]:
    """Items whose documents the public packet replaced by notice pages ("Handling N")."""
    reader = PdfReader(pdf)
    found: set[int] = set()
    outline = reader.outline
    for position, entry in enumerate(outline):
        if isinstance(entry, list) or not str(entry.title).startswith("Ärende "):
            continue
        children = outline[position + 1] if position + 1 < len(outline) else []
        if isinstance(children, list) and any(
            not isinstance(c, list) and str(c.title).startswith("Handling ") for c in children
        ):
            found.add(int(str(entry.title).removeprefix("Ärende ").split(":")[0]))
    return found


def test_the_withheld_list_is_what_the_public_packet_leaves_out(
    built: tuple[Path, list[str]],
) -> None:
    root, _lines = built
    client, _token = _client(root)
    page = client.get(PAGE).text
    start = page.index('<ul class="withheld"')
    withheld = page[start : page.index("</ul>", start)]
    listed = {int(n) for n in withheld.split('data-number="')[1:] for n in [n.split('"')[0]]}
    folder = root / "output/möten/2022-06-14-hsn"
    assert listed == _withheld_in_public_packet(folder / "offentlig/handlingar.pdf") == {4, 12}
    assert _withheld_in_public_packet(folder / "handlingar.pdf") == set()
    assert "Publiceras inte på webben" in withheld and "19 kap. 3 § OSL" in withheld
    # Page numbers come from the packet just built, and are current.
    assert "Inget har ändrats sedan bygget: sidnumren gäller." in page
    for public, name in ((False, "page-internal"), (True, "page-public")):
        sub = "offentlig/" if public else ""
        kallelse = "\n".join(
            p.extract_text() for p in PdfReader(folder / f"{sub}kallelse.pdf").pages
        )
        reader = PdfReader(folder / f"{sub}handlingar.pdf")
        for number, dnr in ((5, "22HSN5102"), (6, "22HSN5103"), (7, "22HSN5104")):
            shown = _cell(page, number, name)
            # The page the case paper starts on in the packet, found by its header ...
            first = next(
                i
                for i, p in enumerate(reader.pages)
                if f"Diarienummer {dnr}" in (p.extract_text() or "")
            )
            assert shown == reader.page_labels[first], (public, number)
            # ... is the number the built kallelse prints after the item's title.
            assert re.search(rf"^{number}\. .* {shown}$", kallelse, re.MULTILINE), (public, number)
    assert _cell(page, 8, "page-internal") == "–"  # papers outside the workspace: no page
    # Side by side: both packets in frames, per-item PDFs listed.
    assert 'src="/mote/fil/m%C3%B6ten/2022-06-14-hsn/handlingar.pdf"' in page
    assert 'src="/mote/fil/m%C3%B6ten/2022-06-14-hsn/offentlig/handlingar.pdf"' in page
    # Item 17 came with the tilläggslista: marked on the page, its page from the packet, and
    # the tilläggslista's PDFs linked.
    assert page.count("Tillägg 2022-06-10") == 2  # the item and the agenda table
    start = page.index('id="punkt-16-rubrik"')
    assert "Tillägg 2022-06-10" in page[start : page.index("</p>", start)]
    folder = root / "output/möten/2022-06-14-hsn"
    for sub, name in (("", "page-internal"), ("offentlig/", "page-public")):
        reader = PdfReader(folder / f"{sub}handlingar.pdf")
        [entry] = [
            e
            for e in reader.outline
            if not isinstance(e, list) and str(e.title).startswith("Ärende 17: ")
        ]
        start_page = reader.get_destination_page_number(entry)
        assert _cell(page, 17, name) == reader.page_labels[start_page]
    assert 'href="/mote/fil/m%C3%B6ten/2022-06-14-hsn/till%C3%A4ggslista.pdf"' in page
    assert 'href="/mote/fil/m%C3%B6ten/2022-06-14-hsn/offentlig/till%C3%A4ggslista.pdf"' in page


def test_page_numbers_are_marked_stale_when_the_meeting_changed(
    built: tuple[Path, list[str]],
) -> None:
    root, _lines = built
    client, _token = _client(root)
    path = root / MEETING
    saved = path.read_bytes()
    try:
        path.write_text(path.read_text("utf-8").replace("Storsjön", "Indalsälven"), "utf-8")
        stamp = path.stat().st_mtime + 5
        os.utime(path, (stamp, stamp))
        page = client.get(PAGE).text
        assert "Sidnumren kan vara inaktuella" in page
        assert f"{MEETING} har ändrats efter att handlingarna byggdes" in page
    finally:
        path.write_bytes(saved)


def test_downloads_come_only_from_output_with_their_content_type(
    built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, _lines = built
    client, _token = _client(root)
    item = client.get("/mote/fil/möten/2022-06-14-hsn/ärende-04.pdf?hamta=1")
    assert item.status_code == 200
    assert item.headers["content-type"] == "application/pdf"
    assert item.headers["content-disposition"].startswith("attachment")
    assert item.content.startswith(b"%PDF")
    docx = client.get("/mote/fil/möten/2022-06-14-hsn/kallelse.docx")
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    outside = tmp_path / "hemlig.pdf"
    outside.write_bytes(b"%PDF-1.7 hemlig")
    (root / "output" / "länk.pdf").symlink_to(outside)
    (root / "output" / "anteckning.txt").write_text("x", "utf-8")
    for url in (
        "/mote/fil/%2E%2E/content/profil.yaml",
        "/mote/fil/m%C3%B6ten/..%2F..%2Fcontent%2Fprofil.yaml",
        "/mote/fil/%2Fetc%2Fpasswd",
        "/mote/fil/länk.pdf",
        "/mote/fil/anteckning.txt",
        "/mote/fil/möten/2022-06-14-hsn/ärende-99.pdf",
    ):
        answer = client.get(url)
        assert answer.status_code == 404, url
        assert answer.headers["content-type"].startswith("text/html"), url
        assert "hemlig" not in answer.text and "typ: organisation" not in answer.text
        assert "Det gick inte" in answer.text, url
    assert "finns inte" in client.get("/mote/fil/möten/2022-06-14-hsn/ärende-99.pdf").text


def test_only_meeting_files_in_the_workspace_open_as_meetings(ws: Path) -> None:
    client, token = _client(ws)
    case = client.get("/mote/content/ärenden/22HSN5101-månadsrapport-oktober-2020.md")
    assert case.status_code == 404 and "mötesfil" in case.text
    profile = client.get("/mote/content/profil.yaml")
    assert profile.status_code == 404 and "inte ett sammanträde" in profile.text
    for url in ("/mote/%2E%2E/%2E%2E/etc/passwd", "/mote/%2Fetc%2Fhosts"):
        answer = client.get(url)
        assert answer.status_code == 404 and "Sökvägen" in answer.text, url
        posted = client.post(url, data={"csrf": token, "action": "ned", "index": "0"})
        assert posted.status_code == 404, url
    profile_text = (ws / "content/profil.yaml").read_bytes()
    refused = client.post(
        "/mote/content/profil.yaml", data={"csrf": token, "action": "bort", "index": "0"}
    )
    assert refused.status_code in (400, 404)
    assert (ws / "content/profil.yaml").read_bytes() == profile_text


def test_a_build_posted_without_javascript_shows_how_it_ended(ws: Path) -> None:
    app = create_app(ws.resolve())
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    token = app.state.guard.csrf_token

    def runner(_root: Path, progress: Any) -> dict[str, Any]:
        progress("publicerar", 0, 0)
        return {"ok": False, "summary": "Bygget hittade fel.", "errors": ["a.md:3:1: fel: X"]}

    app.state.meeting_builds = Builds(ws.resolve(), runner)
    posted = client.post(f"/mote/bygg/{MEETING}", data={"csrf": token}, follow_redirects=False)
    assert posted.status_code == 303 and "?bygge=" in posted.headers["location"]
    job = app.state.meeting_builds.get(posted.headers["location"].split("bygge=")[1][:32])
    assert job is not None
    for _ in range(100):
        if job.since(0)[1]:
            break
        threading.Event().wait(0.05)
    page = client.get(posted.headers["location"]).text
    status = page[
        page.index('id="byggstatus"') : page.index("</ol>", page.index('id="byggstatus"'))
    ]
    assert 'data-state="fel"' in status and "Bygget hittade fel." in status
    assert "<li>Publicerar …</li>" in status and "a.md:3:1: fel: X" in status


def test_the_build_summary_writes_seconds_the_swedish_way() -> None:
    from beslut.pipeline import BuildReport
    from beslut.web.meeting_build import report_event

    report = BuildReport(
        outputs=(), diagnostics=(), seconds=2.74, changed=("a", "b", "c"), unchanged=("d",)
    )
    event = report_event(report)
    assert event["ok"] is True
    assert event["summary"] == "Bygget är klart på 2,7 s: 3 byggdes om, 1 var oförändrade."
