"""The app's workspace state after a save: one load, and only the changed case rendered again.

``check_templates`` keeps what rendering each case found (``render.case._RENDER_CHECKS``); these
tests change each thing that result depends on (the case's text, its template, the profile, a
figure image) and check that the result is computed again and is what a fresh check gives.
"""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from beslut import api
from beslut.diagnostics import Diagnostic
from beslut.render import case as render_case
from beslut.render.case import check_templates
from beslut.web import files
from beslut.web.app import create_app
from beslut.web.state import WorkspaceState
from browser_support import copy_example

BASE = "http://127.0.0.1:8000"
CASE = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"
FIGURE_CASE = "content/ärenden/RS-730-2018-programdirektiv-nära-vård.md"
FIGURE = "content/bilder/vård-under-100-år.svg"
ATT_CASE = "content/ärenden/22HSN5103-uppföljning-fallprevention.md"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "arbetsyta").resolve()


def _misses() -> int:
    return render_case._RENDER_CHECKS.misses


def _fresh(root: Path) -> list[Diagnostic]:
    """What ``beslut check`` says with nothing remembered from earlier checks."""
    render_case._RENDER_CHECKS.clear()
    return api.check(root)


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _rendered_cases(root: Path) -> int:
    workspace = api.load_workspace(root)
    failing = {d.path for d in workspace.diagnostics if d.level.value == "fel"}
    return sum(document.rel not in failing for document in workspace.cases)


def test_after_one_case_changes_only_that_case_is_rendered_again(root: Path) -> None:
    state = WorkspaceState(root)
    state.current()
    before = _misses()
    _append(root / CASE, "\nEn mening till.\n")
    snapshot = state.current()
    assert _misses() - before == 1
    assert list(snapshot.diagnostics) == _fresh(root)


def test_a_case_change_shows_its_new_render_warning(root: Path) -> None:
    state = WorkspaceState(root)
    assert not [d for d in state.current().for_file(CASE) if d.code == "html-stöds-inte"]
    _append(root / CASE, "\nEn rad med <b>HTML</b> i.\n")
    found = [d for d in state.current().for_file(CASE) if d.code == "html-stöds-inte"]
    assert found, "the edited case is rendered again"
    assert list(state.current().diagnostics) == _fresh(root)


def _without_style(template: Path, style: str) -> None:
    """Rewrite a .docx without the definition of one paragraph style its text uses."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(template) as old, zipfile.ZipFile(buffer, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/styles.xml":
                text = data.decode("utf-8")
                cut = re.sub(
                    rf'<w:style [^>]*w:styleId="{style}"[^>]*>.*?</w:style>', "", text, flags=re.S
                )
                assert cut != text
                data = cut.encode("utf-8")
            new.writestr(item, data)
    template.write_bytes(buffer.getvalue())


def test_a_template_change_renders_its_cases_again(root: Path) -> None:
    workspace = api.load_workspace(root)
    first = check_templates(workspace)
    assert not [d for d in first if d.code == "mallfel"]
    before = _misses()
    assert check_templates(workspace) == first
    assert _misses() == before, "nothing changed: nothing rendered"
    _without_style(root / "templates/tjänsteskrivelse.docx", "Metadata")
    found = check_templates(workspace)
    broken = [d for d in found if d.code == "mallfel"]
    assert [d.path for d in broken] == ["templates/tjänsteskrivelse.docx"]
    assert "Metadata" in broken[0].message
    assert _misses() > before


def test_a_profile_change_renders_every_case_again(root: Path) -> None:
    state = WorkspaceState(root)
    state.current()
    before = _misses()
    profile = root / "content/profil.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("namn: Region Skåne", "namn: Region Skånes", 1),
        encoding="utf-8",
    )
    snapshot = state.current()
    assert _misses() - before == _rendered_cases(root)
    assert list(snapshot.diagnostics) == _fresh(root)


def test_a_replaced_figure_image_renders_its_case_again(root: Path) -> None:
    # the same loaded workspace (its validation saw the good image): only rendering reads the
    # image again, so a remembered render must notice the new file
    workspace = api.load_workspace(root)
    assert not [d for d in check_templates(workspace) if d.code == "bild-fel"]
    (root / FIGURE).write_text("<svg this is not an image", encoding="utf-8")
    found = [d for d in check_templates(workspace) if d.code == "bild-fel"]
    assert [d.path for d in found] == [FIGURE_CASE]


def test_the_state_loads_the_workspace_once(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from beslut.validate import workspace as validate_workspace

    calls: list[Path] = []
    real = validate_workspace.load_workspace

    def counting(path: Path) -> validate_workspace.Workspace:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(validate_workspace, "load_workspace", counting)
    monkeypatch.setattr(api, "_load_workspace", counting)
    state = WorkspaceState(root)
    state.current()
    _append(root / CASE, "\nEn mening till.\n")
    state.current()
    assert len(calls) == 2


# ----------------------------------------------------------------------------------------------
# Rätta writes under the save lock


def test_ratta_waits_for_the_save_lock_and_never_loses_a_save(root: Path) -> None:
    client = TestClient(create_app(root), base_url=BASE, follow_redirects=False)
    path = root / ATT_CASE
    text = path.read_text(encoding="utf-8")
    first = re.search(r"(beslutspunkter:\n\s+- )(.+)\n", text)
    assert first
    broken = text.replace(first.group(0), f"{first.group(1)}{first.group(2)};\n", 1)
    path.write_text(broken, encoding="utf-8")
    page = client.get("/arende/redigera/" + quote(ATT_CASE)).text
    form = re.search(r'action="/arende/ratta/[^"]+" class="fix-form">(.*?)</form>', page, re.S)
    assert form
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    answers: list[int] = []
    with files._locked(root):  # another save is writing the file right now
        worker = threading.Thread(
            target=lambda: answers.append(
                client.post("/arende/ratta/" + quote(ATT_CASE), data=fields).status_code
            )
        )
        worker.start()
        time.sleep(1.0)
        assert worker.is_alive(), "Rätta waits for the lock"
        assert path.read_text(encoding="utf-8") == broken
        saved = broken + "\nSparat av någon annan under tiden.\n"
        path.write_text(saved, encoding="utf-8")
    worker.join(30)
    assert answers == [409]
    assert path.read_text(encoding="utf-8") == saved, "the other save is kept"


def test_ratta_keeps_crlf_and_byte_order_mark(root: Path) -> None:
    client = TestClient(create_app(root), base_url=BASE, follow_redirects=False)
    path = root / ATT_CASE
    text = path.read_text(encoding="utf-8")
    first = re.search(r"(beslutspunkter:\n\s+- )(.+)\n", text)
    assert first
    broken = text.replace(first.group(0), f"{first.group(1)}{first.group(2)};\n", 1)
    path.write_bytes(b"\xef\xbb\xbf" + broken.replace("\n", "\r\n").encode("utf-8"))
    page = client.get("/arende/redigera/" + quote(ATT_CASE)).text
    form = re.search(r'action="/arende/ratta/[^"]+" class="fix-form">(.*?)</form>', page, re.S)
    assert form
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    response = client.post("/arende/ratta/" + quote(ATT_CASE), data=fields)
    assert response.status_code == 303 and "meddelande=rattat" in response.headers["location"]
    assert path.read_bytes() == b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


# ----------------------------------------------------------------------------------------------
# The same results on disk, for the next ``beslut check``


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    rendered: list[str] = []
    real = render_case.render_case

    def counting(document, profile, root):  # type: ignore[no-untyped-def]
        rendered.append(document.rel)
        return real(document, profile, root)

    monkeypatch.setattr(render_case, "render_case", counting)
    return rendered


def test_a_new_process_reuses_the_renders_on_disk(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = _count_renders(monkeypatch)
    first = _fresh(root)
    assert len(rendered) == _rendered_cases(root)
    assert (root / ".beslut-cache/fynd/utskrift.json").is_file()
    rendered.clear()
    assert _fresh(root) == first  # memory cleared, as in a new process
    assert rendered == []
    _append(root / CASE, "\nEn rad med <b>HTML</b> i.\n")
    again = _fresh(root)
    assert rendered == [CASE]
    assert [d for d in again if d.path == CASE and d.code == "html-stöds-inte"]


def test_the_disk_cache_notices_a_template_change(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(root)
    rendered = _count_renders(monkeypatch)
    _without_style(root / "templates/tjänsteskrivelse.docx", "Metadata")
    found = _fresh(root)
    assert rendered, "the template's cases are rendered again"
    assert [d.path for d in found if d.code == "mallfel"] == ["templates/tjänsteskrivelse.docx"]


def test_the_disk_cache_notices_a_replaced_figure(root: Path) -> None:
    assert not [d for d in _fresh(root) if d.code == "bild-fel"]
    workspace = api.load_workspace(root)
    (root / FIGURE).write_text("<svg this is not an image", encoding="utf-8")
    render_case._RENDER_CHECKS.clear()
    found = [d for d in check_templates(workspace) if d.code == "bild-fel"]
    assert [d.path for d in found] == [FIGURE_CASE]


def test_a_protokoll_file_is_no_case_in_the_list_even_when_it_does_not_load(root: Path) -> None:
    """The case list shows cases only; a protokoll has its meeting's page (also when broken)."""
    minutes = root / "content/protokoll/2022-06-14-hsn.yaml"
    rels = {row.rel for row in WorkspaceState(root).current().case_rows}
    assert rels and not any(rel.startswith("content/protokoll/") for rel in rels)
    minutes.write_text(minutes.read_text("utf-8") + "paragrafer: [\n", encoding="utf-8")
    rels = {row.rel for row in WorkspaceState(root).current().case_rows}
    assert rels and not any(rel.startswith("content/protokoll/") for rel in rels)
