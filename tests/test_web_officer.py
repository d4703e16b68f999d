"""The officer's case pages without a browser (Starlette TestClient): the form generated from
the Case model, saving round-trip, the decision-point preview, conflicts, "Rätta", new cases."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from pydantic import BaseModel
from starlette.testclient import TestClient

from beslut.model.models import Case, DecisionPoint, SpecialRow
from beslut.web.app import create_app
from browser_support import copy_example

KS = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"
BASE = "http://127.0.0.1:8000"


class _Form(HTMLParser):
    """The controls a browser would submit from the page's case form (templates left out)."""

    def __init__(self, form_id: str = "arendeformular") -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.template = 0
        self.items: list[tuple[str, str]] = []
        self._textarea: list[str] | None = None
        self._select: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "template":
            self.template += 1
        if self.template:
            return
        if tag == "input" and "name" in a:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.items.append((a["name"], a.get("value", "on")))
            else:
                self.items.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and "name" in a:
            self._textarea = [a["name"], ""]
        elif tag == "select":
            self._select = [a["name"], None, None]
        elif tag == "option" and self._select is not None:
            if self._select[2] is None:
                self._select[2] = a.get("value", "")
            if "selected" in a:
                self._select[1] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if not self.inside:
            return
        if tag == "template":
            self.template -= 1
        if self.template:
            return
        if tag == "textarea" and self._textarea is not None:
            # HTML drops one newline right after <textarea>, as a browser does
            self.items.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, chosen, first = self._select
            self.items.append((name, chosen if chosen is not None else first))
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data


def form_items(html: str) -> list[tuple[str, str]]:
    """The (name, value) pairs the case form submits, in document order."""
    parser = _Form()
    parser.feed(html)
    return parser.items


def replace(items: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    assert any(k == name for k, _ in items), name
    return [(k, value if k == name else v) for k, v in items]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "arbetsyta").resolve()


@pytest.fixture
def client(root: Path) -> TestClient:
    return TestClient(create_app(root), base_url=BASE, follow_redirects=False)


def csrf(client: TestClient) -> str:
    page = client.get("/arenden").text
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found
    return found.group(1)


def edit_url(rel: str) -> str:
    return "/arende/redigera/" + quote(rel)


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    seen.add(model)
    for info in model.model_fields.values():
        for sub in _nested(info.annotation):
            if sub not in seen:
                _models(sub, seen)


def _nested(annotation: Any) -> list[type[BaseModel]]:
    from typing import get_args

    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in get_args(annotation):
        found.extend(_nested(arg))
    return found


def test_the_form_has_every_field_of_the_case_model(client: TestClient) -> None:
    html = client.get(edit_url(KS)).text
    models: set[type[BaseModel]] = set()
    _models(Case, models)
    assert DecisionPoint in models and len(models) >= 8
    missing = []
    models.discard(SpecialRow)  # inside a table's rows, which the form shows as one YAML box
    for model in models:
        for name, info in model.model_fields.items():
            key = re.escape(info.alias or name)
            if model is Case and key == "text":
                continue  # the body of a Markdown case is the Markdown editor
            # the field, a fieldset or a YAML box named by its dotted path (also in row templates)
            pattern = rf'(name|data-path)="(?:[^"]*\.)?{key}(?:\.__yaml)?"'
            if not re.search(pattern, html):
                missing.append(f"{model.__name__}.{name} ({info.alias})")
            if info.description and info.description not in unescape(html):
                missing.append(f"help of {model.__name__}.{name}")
    assert not missing, missing
    # Swedish labels, help linked to the field, a select for enums, a date input
    assert re.search(r'<label for="f-datum">Datum', html)
    assert 'type="date" value="2025-10-06" id="f-datum"' in html
    assert re.search(r'<select id="f-typ" name="typ"', html)
    assert re.search(r'<select id="f-instans" name="instans"', html)  # the profile's organs
    assert '<option value="ks" selected>Kommunstyrelsen (ks)</option>' in html
    assert 'id="f-rubrik" name="rubrik" aria-describedby="f-rubrik-hjalp"' in html
    # lists: rows with move/remove buttons and a template to add one
    assert 'name="förslag.block.1.beslutspunkter.1.lista.0"' in html
    assert html.count(">Flytta upp</button>") >= 5
    assert "Lägg till: beslutspunkt" in html


def test_a_save_round_trips_and_keeps_comments(client: TestClient, root: Path) -> None:
    before = (root / KS).read_text(encoding="utf-8")
    page = client.get(edit_url(KS)).text
    items = form_items(page)
    # unchanged: nothing is written
    response = client.post(edit_url(KS), content=_encode(items), headers=_form_headers())
    assert response.status_code == 303
    assert "meddelande=oforandrat" in response.headers["location"]
    assert (root / KS).read_text(encoding="utf-8") == before

    changed = replace(items, "rubrik", "Handlingsplan för klarspråk 2026–2028")
    response = client.post(edit_url(KS), content=_encode(changed), headers=_form_headers())
    assert response.status_code == 303
    assert "meddelande=sparat" in response.headers["location"]
    after = (root / KS).read_text(encoding="utf-8")
    old_lines, new_lines = before.splitlines(), after.splitlines()
    assert len(old_lines) == len(new_lines)
    differ = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert differ == [
        (
            "rubrik: Handlingsplan för klarspråk 2026–2027",
            "rubrik: Handlingsplan för klarspråk 2026–2028",
        )
    ]
    assert after.startswith("---\n# Andra husstilen i exemplet")
    page = client.get(response.headers["location"]).text
    assert "Sparat." in page


def _encode(items: list[tuple[str, str]]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(items).encode()


def _form_headers() -> dict[str, str]:
    return {"content-type": "application/x-www-form-urlencoded"}


def test_reordering_and_removing_rows_is_saved(client: TestClient, root: Path) -> None:
    items = form_items(client.get(edit_url(KS)).text)
    # move the second delges row before the first (the browser moves the row; names stay)
    rows = [i for i in items if i[0].startswith("delges.")]
    rest = [i for i in items if not i[0].startswith("delges.")]
    moved = rows[2:] + rows[:2]
    # and drop the last beslutsunderlag row
    rest = [i for i in rest if not i[0].startswith("beslutsunderlag.1")]
    response = client.post(edit_url(KS), content=_encode(rest + moved), headers=_form_headers())
    assert response.status_code == 303
    text = (root / KS).read_text(encoding="utf-8")
    assert "delges:\n  - Kommunikationsavdelningen\n  - Samtliga förvaltningar\n" in text
    assert (
        "beslutsunderlag:\n  - Kommunledningskontorets tjänsteskrivelse den 6 oktober 2025\n"
        in (text)
    )
    assert "  - Handlingsplan för klarspråk 2026–2027\n" not in text


ATT_CASE = "content/ärenden/22HSN5103-uppföljning-fallprevention.md"


def test_decision_preview_is_the_printed_form(client: TestClient, root: Path) -> None:
    items = form_items(client.get(edit_url(ATT_CASE)).text)
    kept = [i for i in items if not i[0].startswith("förslag.")]
    points = [
        ("förslag.stil", "att-satser"),
        ("förslag.skiljetecken", "semikolon"),
        ("förslag.beslutspunkter.0._rad", "1"),
        ("förslag.beslutspunkter.0.punkt", "godkänna rapporten"),
        ("förslag.beslutspunkter.1._rad", "1"),
        ("förslag.beslutspunkter.1.punkt", "att ge förvaltningen i uppdrag att följa upp;"),
        ("förslag.beslutspunkter.2._rad", "1"),
        ("förslag.beslutspunkter.2.punkt", "lägga rapporten till handlingarna"),
    ]
    response = client.post(
        "/arende/beslutspunkter/" + quote(ATT_CASE),
        content=_encode(kept + points),
        headers=_form_headers() | {"X-CSRF-Token": csrf(client)},
    )
    assert response.status_code == 200
    lines = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", li)).strip()
        for li in re.findall(r"<li>(.*?)</li>", response.text, flags=re.S)
    ]
    assert lines == [
        "att godkänna rapporten;",
        "att ge förvaltningen i uppdrag att följa upp; samt",
        "att lägga rapporten till handlingarna.",
    ]
    # the same lines the documents print (render.case.proposal_lines)
    from beslut.model.models import Case
    from beslut.render.case import proposal_lines
    from beslut.web import files
    from beslut.web.state import WorkspaceState

    profile = WorkspaceState(root).current().workspace.profile
    assert profile is not None
    front = files.plain(files.read_case(root, ATT_CASE).front)
    front["förslag"] = {
        "stil": "att-satser",
        "skiljetecken": "semikolon",
        "beslutspunkter": [
            "godkänna rapporten",
            "att ge förvaltningen i uppdrag att följa upp;",
            "lägga rapporten till handlingarna",
        ],
    }
    printed = proposal_lines(Case.model_validate(front), profile)
    assert [line.replace("\u00a0", " ") for line in printed if line.startswith("att")] == lines


def test_a_conflicting_save_gets_409_with_both_versions(client: TestClient, root: Path) -> None:
    items = form_items(client.get(edit_url(KS)).text)
    path = root / KS
    path.write_text(
        path.read_text(encoding="utf-8").replace("Elin Bergkvist", "Elin Berg-Kvist", 1),
        encoding="utf-8",
    )
    mine = replace(items, "rubrik", "Min nya rubrik")
    response = client.post(edit_url(KS), content=_encode(mine), headers=_form_headers())
    assert response.status_code == 409
    assert "Filen har ändrats sedan du öppnade den" in response.text
    assert "rubrik: Min nya rubrik" in response.text  # yours
    assert "namn: Elin Berg-Kvist" in response.text  # the one on disk
    assert "Ladda om filens version" in response.text
    assert '<span class="diff-yours">+ rubrik: Min nya rubrik</span>' in response.text
    assert "Min nya rubrik" not in path.read_text(encoding="utf-8")


def test_diagnostics_beside_their_fields_and_in_the_summary(client: TestClient, root: Path) -> None:
    items = form_items(client.get(edit_url(KS)).text)
    cleared = replace(items, "rubrik", "")
    cleared = replace(cleared, "handläggare.0.namn", "")
    response = client.post(edit_url(KS), content=_encode(cleared), headers=_form_headers())
    assert response.status_code == 303
    page = client.get(edit_url(KS)).text
    field = re.search(r'<div class="field has-error" data-path="rubrik">.*?</div>', page, re.S)
    assert field, "the rubrik field shows its error"
    assert 'aria-describedby="f-rubrik-hjalp f-rubrik-fel"' in field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    assert re.search(
        r'<ul class="field-messages" id="f-rubrik-fel"><li class="diagnostic fel">', page
    )
    assert '<a href="#f-rubrik">Fel i Rubrik' in page
    # handläggare is one group in the file, row 0 in the form: its error is still beside it
    assert 'aria-describedby="f-handläggare-0-namn-hjalp f-handläggare-0-namn-fel"' in page


def test_the_ratta_button_applies_one_fix(client: TestClient, root: Path) -> None:
    path = root / ATT_CASE
    text = path.read_text(encoding="utf-8")
    first = re.search(r"(beslutspunkter:\n\s+- )(.+)\n", text)
    assert first
    broken = text.replace(first.group(0), f"{first.group(1)}{first.group(2)};\n", 1)
    path.write_text(broken, encoding="utf-8")
    page = client.get(edit_url(ATT_CASE)).text
    form = re.search(
        r'<form method="post" action="/arende/ratta/[^"]+" class="fix-form">(.*?)</form>',
        page,
        re.S,
    )
    assert form, "a Rätta button is shown"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(1)))
    assert ">Rätta</button>" in form.group(1)
    response = client.post("/arende/ratta/" + quote(ATT_CASE), data=fields)
    assert response.status_code == 303
    assert "meddelande=rattat" in response.headers["location"]
    assert path.read_text(encoding="utf-8") == text
    # a stale version is a conflict, not a silent change
    edited = broken + "\nEn rad till från en textredigerare.\n"
    path.write_text(edited, encoding="utf-8")
    response = client.post("/arende/ratta/" + quote(ATT_CASE), data=fields)
    assert response.status_code == 409
    assert path.read_text(encoding="utf-8") == edited


def test_a_new_case_checks_its_diary_number(client: TestClient, root: Path) -> None:
    assert client.get("/arende/ny").status_code == 200
    check = client.get("/arende/diarienummer", params={"nummer": "HSN 2026"})
    assert 'class="check-fel"' in check.text and "följer inte organisationens format" in check.text
    assert "25HSN3392" in check.text  # the formats, with examples
    check = client.get("/arende/diarienummer", params={"nummer": "26HSN77"})
    assert 'class="check-ok"' in check.text
    token = csrf(client)
    values = {
        "csrf": token,
        "instans": "hsn",
        "typ": "tjänsteskrivelse",
        "rubrik": "Ny vårdcentral i Bjuv",
        "diarienummer": "HSN 2026",
        "datum": "2026-03-01",
    }
    response = client.post("/arende/ny", data=values)
    assert response.status_code == 422
    assert "följer inte organisationens format" in response.text
    assert not list((root / "content" / "ärenden").glob("HSN*"))
    response = client.post("/arende/ny", data=values | {"diarienummer": "26HSN77"})
    assert response.status_code == 303
    assert response.headers["location"].startswith(edit_url("content/ärenden/26HSN77.md"))
    created = (root / "content" / "ärenden" / "26HSN77.md").read_text(encoding="utf-8")
    assert 'rubrik: "Ny vårdcentral i Bjuv"' in created
    assert "datum: 2026-03-01" in created
    assert "## Sammanfattning" in created
    page = client.get(response.headers["location"]).text
    assert "Ärendet är skapat" in page


def test_case_list_links_to_the_edit_page(client: TestClient) -> None:
    page = client.get("/arenden").text
    assert f'href="{edit_url(KS)}"' in page.replace("%2F", "/")
    assert 'href="/arende/ny">Nytt ärende</a>' in page


def test_saving_any_example_case_unchanged_writes_nothing(client: TestClient, root: Path) -> None:
    cases = sorted((root / "content" / "ärenden").glob("*.md"))
    assert len(cases) >= 10
    for path in cases:
        rel = path.relative_to(root).as_posix()
        before = path.read_bytes()
        items = form_items(client.get(edit_url(rel)).text)
        response = client.post(edit_url(rel), content=_encode(items), headers=_form_headers())
        assert response.status_code == 303, (rel, response.text[:500])
        assert "meddelande=oforandrat" in response.headers["location"], rel
        assert path.read_bytes() == before, rel


def test_case_text_is_escaped_and_a_save_needs_the_csrf_token(
    client: TestClient, root: Path
) -> None:
    items = form_items(client.get(edit_url(KS)).text)
    hostile = replace(items, "rubrik", '<script>alert("x")</script> & "citat"')
    without = [(k, v) for k, v in hostile if k != "csrf"]
    response = client.post(edit_url(KS), content=_encode(without), headers=_form_headers())
    assert response.status_code == 403
    assert "<script>" not in (root / KS).read_text(encoding="utf-8")
    response = client.post(edit_url(KS), content=_encode(hostile), headers=_form_headers())
    assert response.status_code == 303
    page = client.get(edit_url(KS)).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;citat&#34;" in page


def test_empty_optional_fields_fold_into_more_fields(client: TestClient) -> None:
    html = client.get(edit_url(KS)).text
    main, _, more = html.partition('<details class="more-fields">')
    assert more, "the empty optional fields are folded"
    for shown in ('name="rubrik"', 'name="handläggare.0.namn"', 'name="förslag.rubrik"'):
        assert shown in main
    for folded in ('name="underrubrik"', 'name="ansvarig.namn"', 'data-path="tabeller"'):
        assert folded in more and folded not in main


def test_a_file_that_cannot_be_read_says_where(client: TestClient, root: Path) -> None:
    path = root / KS
    path.write_text(
        path.read_text(encoding="utf-8").replace("instans: ks", "instans: [ks", 1),
        encoding="utf-8",
    )
    response = client.get(edit_url(KS))
    assert response.status_code == 422
    found = re.search(rf"{re.escape(KS)}:(\d+):(\d+):", unescape(response.text))
    assert found, response.text[-1500:]
    assert int(found.group(1)) >= 7
    assert client.get(edit_url("content/ärenden/finns-inte.md")).status_code == 404
    assert client.get("/arende/redigera/..%2F..%2Fetc%2Fpasswd").status_code in (400, 404)


TABLES = "content/ärenden/25HSN4120-omställning-hållbar-ekonomi.md"


def test_table_rows_are_a_yaml_box_and_bad_yaml_is_refused(client: TestClient, root: Path) -> None:
    path = root / TABLES
    before = path.read_bytes()
    items = form_items(client.get(edit_url(TABLES)).text)
    rows = dict(items)["tabeller.0.rader.__yaml"]
    assert rows.startswith("- - ")  # the rows as YAML, a list of lists
    bad = replace(items, "tabeller.0.rader.__yaml", "- [1, 2\n")
    bad = replace(bad, "rubrik", "Min ändrade rubrik")
    response = client.post(edit_url(TABLES), content=_encode(bad), headers=_form_headers())
    assert response.status_code == 422
    assert "Fältet tabeller.0.rader är inte giltig YAML" in unescape(response.text)
    assert path.read_bytes() == before
    # the page shows the user's other changes again, and the file's rows
    again = dict(form_items(response.text))
    assert again["rubrik"] == "Min ändrade rubrik"
    assert again["tabeller.0.rader.__yaml"] == rows


def test_a_field_is_named_as_a_person_reads_it() -> None:
    from beslut.web.forms import readable

    assert readable("handläggare.0.namn") == "Handläggare 1 › Namn"
    assert readable("brödtext:Ärendebeskrivning") == "Brödtext, avsnittet Ärendebeskrivning"
    assert readable("förslag.block.1.beslutspunkter.0") == "Förslag › Block 2 › Beslutspunkter 1"


def test_the_case_list_filters_by_state(client: TestClient, root: Path) -> None:
    rel = "content/ärenden/KS-2025-118-handlingsplan-klarspråk.md"
    path = root / rel
    path.write_text(
        path.read_text("utf-8").replace(
            "rubrik: Handlingsplan", "rubrik: [fyll i: rubrik] Handlingsplan"
        )
    )
    with_errors = client.get("/arenden?status=fel").text
    assert "KS-2025-118" in with_errors
    assert "Visar 1 av 12 ärenden." in with_errors
    done = client.get("/arenden?status=klar").text
    assert "KS-2025-118" not in done
    assert "Visar 11 av 12 ärenden." in done
