"""The meeting's own fields and each item's fields, edited on the meeting page (TestClient).

The forms are read from the page as a browser would submit them (every input, checked box and
selected option in document order), changed, and posted; the meeting file is then compared
line by line with what it was, so a save that touches more than the changed field fails.
"""

from __future__ import annotations

import difflib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from beslut import api
from beslut.diagnostics import Level
from beslut.web.app import create_app
from browser_support import copy_example

MEETING = "content/möten/2022-06-14-hsn.yaml"
PAGE = f"/mote/{MEETING}"
COMMENT = "# Lokalen är bokad hela dagen.\n"


class _Form(HTMLParser):
    """The fields a browser submits from the form whose action starts with ``action``
    (and, for item forms, whose hidden ``index`` is ``index``)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.forms: list[list[tuple[str, str]]] = []
        self._inside = False
        self._depth_template = 0
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = a.get("action", "").startswith(self.action)
            if self._inside:
                self.forms.append([])
            return
        if not self._inside:
            return
        if tag == "template":
            self._depth_template += 1
        if self._depth_template:
            return
        fields = self.forms[-1]
        if tag == "input" and "name" in a:
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            fields.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self._text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "template" and self._depth_template:
            self._depth_template -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and not self._depth_template:
            self.forms[-1].append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data


def _form(html: str, action: str, index: int | None = None) -> list[tuple[str, str]]:
    parser = _Form(action)
    parser.feed(html)
    for fields in parser.forms:
        if index is None or ("index", str(index)) in fields:
            return fields
    raise AssertionError(f"no form {action} {index}")


def _set(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(k == name for k, _ in fields), name
    return [(k, value if k == name else v) for k, v in fields]


def _field(html: str, path: str) -> str:
    """The HTML of the field ``path`` (its div, from the opening tag to the next field)."""
    start = html.rindex("<div", 0, html.index(f'data-path="{path}"'))
    return html[start : html.index('<div class="field', start + 4)]


def _client(root: Path) -> tuple[TestClient, str]:
    app = create_app(root.resolve())
    return TestClient(app, base_url="http://127.0.0.1:8000"), app.state.guard.csrf_token


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "arbetsyta")
    path = root / MEETING
    text = path.read_text("utf-8")
    path.write_text(text.replace("plats:", COMMENT + "plats:", 1), "utf-8")
    return root


def _changed(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"
    ]


def _post(client: TestClient, url: str, fields: list[tuple[str, str]]) -> object:
    body = "&".join(
        f"{_quote(k)}={_quote(v)}" for k, v in fields
    )  # a browser's urlencoded body, order and repeats kept
    return client.post(
        url,
        content=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(text)


def test_the_header_form_has_every_field_of_the_model_with_its_swedish_help(ws: Path) -> None:
    client, _ = _client(ws)
    html = client.get(PAGE).text
    names = {k for k, _ in _form(html, "/mote/uppgifter/")}
    for name in ("instans", "datum", "tid", "plats", "ordförande.namn", "sekreterare.titel"):
        assert name in names
    assert "ledamöter.6" in names and "ersättare.2" in names and "utskicksdatum" in names
    assert "ärenden" not in " ".join(names) and "typ" not in names
    assert "Sammanträdesdag, ÅÅÅÅ-MM-DD." in html  # the model's description as help
    assert 'aria-label="Flytta eller ta bort"' in html  # list rows with move/remove buttons


def test_an_unchanged_header_save_keeps_the_file_byte_for_byte(ws: Path) -> None:
    client, _ = _client(ws)
    before = (ws / MEETING).read_bytes()
    fields = _form(client.get(PAGE).text, "/mote/uppgifter/")
    answer = _post(client, f"/mote/uppgifter/{MEETING}", fields)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert "sparat=oforandrat" in answer.headers["location"]  # type: ignore[attr-defined]
    assert (ws / MEETING).read_bytes() == before


def test_a_header_save_changes_only_its_lines_and_keeps_comments(ws: Path) -> None:
    client, _ = _client(ws)
    before = (ws / MEETING).read_text("utf-8")
    fields = _form(client.get(PAGE).text, "/mote/uppgifter/")
    fields = _set(fields, "plats", "Regionens hus, sal B")
    fields = _set(fields, "tid", "13.30")
    # remove the second ersättare and add a new ledamot last (rows in submitted order)
    fields = [(k, v) for k, v in fields if not k.startswith("ersättare.1")]
    at = max(i for i, (k, _) in enumerate(fields) if k.startswith("ledamöter."))
    fields[at + 1 : at + 1] = [("ledamöter.7._rad", "1"), ("ledamöter.7", "Ny Ledamot (V)")]
    answer = _post(client, f"/mote/uppgifter/{MEETING}", fields)
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    after = (ws / MEETING).read_text("utf-8")
    assert COMMENT in after and after.startswith("# Exempelsammanträde")
    assert sorted(_changed(before, after)) == sorted(
        [
            '- tid: "09.00"',
            '+ tid: "13.30"',
            "- plats: Regionens hus, sammanträdesrum Storsjön",
            "+ plats: Regionens hus, sal B",
            "+   - Ny Ledamot (V)",
            "-   - Olof Grahn (M)",
        ]
    )
    page = client.get(answer.headers["location"]).text  # type: ignore[attr-defined]
    assert "Ändringen är sparad" in page


def test_a_bad_time_is_shown_beside_the_time_field_until_it_is_fixed(ws: Path) -> None:
    client, _ = _client(ws)
    fields = _set(_form(client.get(PAGE).text, "/mote/uppgifter/"), "tid", "nio")
    assert _post(client, f"/mote/uppgifter/{MEETING}", fields).status_code == 303  # type: ignore[attr-defined]
    html = client.get(PAGE).text
    beside = _field(html, "tid")
    assert "has-error" in beside and 'id="f-tid-fel"' in beside and 'aria-invalid="true"' in beside
    assert '<details class="meeting-fields-form" open>' in html
    fields = _set(_form(html, "/mote/uppgifter/"), "tid", "09.00")
    assert _post(client, f"/mote/uppgifter/{MEETING}", fields).status_code == 303  # type: ignore[attr-defined]
    html = client.get(PAGE).text
    beside = _field(html, "tid")
    assert "has-error" not in beside


def test_an_item_edit_changes_only_that_items_lines(ws: Path) -> None:
    client, _ = _client(ws)
    before = (ws / MEETING).read_text("utf-8")
    html = client.get(PAGE).text
    fields = _form(html, "/mote/andra-punkt/", index=2)  # the information item
    assert any(k == "ärenden.2.punkter.7" for k, _ in fields)
    assert not any(k.startswith("ärenden.2.sekretess") for k, _ in fields)
    fields = _set(fields, "ärenden.2.rubrik", "Information från direktören")
    fields = _set(fields, "ärenden.2.notering", "Tio minuter.")
    fields = [(k, v) for k, v in fields if not k.startswith("ärenden.2.punkter.0")]
    answer = _post(client, f"/mote/andra-punkt/{MEETING}", fields)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"].endswith("#punkt-2")  # type: ignore[attr-defined]
    after = (ws / MEETING).read_text("utf-8")
    assert sorted(_changed(before, after)) == sorted(
        [
            "-     rubrik: Information från hälso- och sjukvårdsdirektören",
            "+     rubrik: Information från direktören",
            "+     notering: Tio minuter.",
            "-       - Krisledningsnämndens uppdrag",
        ]
    )
    # a case item keeps its secrecy (not in the form) when its fields are saved
    fields = _form(client.get(PAGE).text, "/mote/andra-punkt/", index=11)
    fields = _set(fields, "ärenden.11.föredragande", "Upphandlingschefen")
    assert _post(client, f"/mote/andra-punkt/{MEETING}", fields).status_code == 303  # type: ignore[attr-defined]
    text = (ws / MEETING).read_text("utf-8")
    assert "    diarienummer: 22HSN5105\n    sekretess:\n      lagrum: 19 kap. 3 §\n" in text
    assert "    föredragande: Upphandlingschefen\n" in text


def test_a_stale_form_gets_the_conflict_page_and_the_file_is_kept(ws: Path) -> None:
    client, _ = _client(ws)
    html = client.get(PAGE).text
    header = _set(_form(html, "/mote/uppgifter/"), "plats", "Sal C")
    item = _set(_form(html, "/mote/andra-punkt/", index=0), "ärenden.0.notering", "Ny")
    path = ws / MEETING
    path.write_text(path.read_text("utf-8").replace("Storsjön", "Storsjön (ändrad)"), "utf-8")
    before = path.read_bytes()
    for url, fields in (
        (f"/mote/uppgifter/{MEETING}", header),
        (f"/mote/andra-punkt/{MEETING}", item),
    ):
        answer = _post(client, url, fields)
        assert answer.status_code == 409  # type: ignore[attr-defined]
        assert "Storsjön (ändrad)" in answer.text  # type: ignore[attr-defined]
        assert path.read_bytes() == before


def test_a_new_meeting_from_the_page_has_no_findings(ws: Path) -> None:
    client, token = _client(ws)
    form = {
        "csrf": token,
        "instans": "hsn",
        "datum": "2026-03-17",
        "tid": "9.30",
        "plats": "Regionens hus, sal A",
        "ordförande": "Anna Andersson",
        "ordförande_titel": "Ordförande",
        "sekreterare": "Sara Ek",
        "sekreterare_titel": "Nämndsekreterare",
        "justering": "Förslag till justerare är Per Nilsson (M). Justering sker 2026-03-24.",
    }
    missing = client.post("/moten/ny", data={**form, "tid": "halv tio"})
    assert missing.status_code == 400 and "Tid" in missing.text
    assert not (ws / "content/möten/2026-03-17-hsn.yaml").exists()
    made = client.post("/moten/ny", data=form, follow_redirects=False)
    assert made.status_code == 303
    rel = "content/möten/2026-03-17-hsn.yaml"
    text = (ws / rel).read_text("utf-8")
    assert "[fyll i" not in text.split("\n", 1)[1]  # only the first comment line mentions it
    assert 'notering: "Förslag till justerare är Per Nilsson (M)' in text
    assert "# Punkterna på föredragningslistan, i ordning." in text  # comments kept
    found = [d for d in api.check(ws) if d.path == rel]
    assert not [d for d in found if d.level == Level.ERROR], [d.format() for d in found]
    assert found == []
