"""Text pasted from Word: bullet glyphs, "1)" + tab and tab tables at line starts are found at
their lines, ``check --fix`` writes them as Markdown lists and pipe tables, and what cannot be
converted gets a warning that says what to do by hand."""

from __future__ import annotations

from pathlib import Path

import docx
from click.testing import CliRunner

from beslut.cli.main import cli
from beslut.convert.libreoffice import FakeConverter
from beslut.pipeline import build
from conftest import MakeWorkspace, case_file, findings

F = "content/ärenden/a.md"
CODES = ("inklistrad-lista", "inklistrad-tabell")

# line 15 is "## Sammanfattning" (see conftest.case_file)
BODY = (
    "## Sammanfattning\n"
    "\n"
    "Förvaltningen föreslår:\n"  # 17
    "•\tFörsta punkten\n"  # 18
    "•\tAndra punkten  med två mellanslag kvar\n"  # 19
    "Efter listan.\n"  # 20
    "\n"
    "\t1)\tEtt\n"  # 22
    "\t2)\tTvå\n"  # 23
    "\n"
    "Tabell:\n"  # 25
    "År\tKostnad\tAnm.\n"  # 26
    "2024\t100\tA | B\n"  # 27
    "2025\t200\t\n"  # 28
    "Slut.\n"  # 29
    "\n"
    "```\n"
    "kod\tmed\ttabbar\n"
    "kod\tmed\ttabbar\n"
    "```\n"
    "\n"
    "–\tTankstreck\n"  # 36
    "–\tTankstreck igen\n"  # 37
)

FIXED = (
    "## Sammanfattning\n"
    "\n"
    "Förvaltningen föreslår:\n"
    "\n"
    "- Första punkten\n"
    "- Andra punkten med två mellanslag kvar\n"
    "\n"
    "Efter listan.\n"
    "\n"
    "1. Ett\n"
    "2. Två\n"
    "\n"
    "Tabell:\n"
    "\n"
    "| År | Kostnad | Anm. |\n"
    "| --- | --- | --- |\n"
    "| 2024 | 100 | A \\| B |\n"
    "| 2025 | 200 |  |\n"
    "\n"
    "Slut.\n"
    "\n"
    "```\n"
    "kod\tmed\ttabbar\n"
    "kod\tmed\ttabbar\n"
    "```\n"
    "\n"
    "- Tankstreck\n"
    "- Tankstreck igen\n"
)

UNCONVERTIBLE = (
    "## Sammanfattning\n"
    "\n"
    "Blandat:\n"  # 17
    "•\tHuvudpunkt\n"  # 18
    "\to\tUnderpunkt\n"  # 19
    "\n"
    "Ojämn:\n"  # 21
    "Namn\tRoll\n"  # 22
    "Åsa\tOrdförande\tS\n"  # 23
    "\n"
    "Indrag:\n"  # 25
    "•\tHuvudpunkt\n"  # 26
    "\t•\tUnderpunkt\n"  # 27
)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_each_pasted_form_is_found_at_its_line(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: case_file(BODY)})
    assert findings(root, *CODES) == [
        f"{F}:18:1: varning: Raderna 18–19 är en punktlista inklistrad från Word (”•” och tabb); "
        "Markdown slår ihop raderna till ett stycke. Skriv varje punkt som ”- text” med en tom "
        "rad före och efter listan (beslut check --fix gör det). [inklistrad-lista]",
        f"{F}:22:2: varning: Raderna 22–23 är en numrerad lista inklistrad från Word (”1)” och "
        "tabb); Markdown slår ihop raderna till ett stycke. Skriv varje punkt som ”1. text” med "
        "en tom rad före och efter listan (beslut check --fix gör det). [inklistrad-lista]",
        f"{F}:26:1: varning: Raderna 26–28 är en tabell med tabbar mellan kolumnerna "
        "(3 kolumner), inklistrad från Word; Markdown slår ihop raderna till ett stycke. Skriv "
        "den som en Markdown-tabell med | mellan cellerna och första raden som rubrikrad "
        "(beslut check --fix gör det). [inklistrad-tabell]",
        f"{F}:36:1: varning: Raderna 36–37 är en punktlista inklistrad från Word (”–” och tabb); "
        "Markdown slår ihop raderna till ett stycke. Skriv varje punkt som ”- text” med en tom "
        "rad före och efter listan (beslut check --fix gör det). [inklistrad-lista]",
    ]


def test_fix_writes_markdown_lists_and_tables(make_workspace: MakeWorkspace) -> None:
    before = case_file(BODY)
    root = make_workspace({F: before})
    code, out, err = run("check", str(root), "--fix")
    after = (root / F).read_text("utf-8")
    assert after == case_file(FIXED)
    # the front matter is untouched, byte for byte
    assert after.split("## Sammanfattning")[0] == before.split("## Sammanfattning")[0]
    assert err.splitlines()[0] == "beslut: Rättade 5 problem i 1 fil."
    assert code == 0, out
    assert findings(root, *CODES, "dubbla-mellanslag") == []


def test_fix_keeps_crlf(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: case_file(BODY).replace("\n", "\r\n").encode("utf-8")})
    run("check", str(root), "--fix")
    assert (root / F).read_bytes() == case_file(FIXED).replace("\n", "\r\n").encode("utf-8")


def test_fix_in_yaml_text_block_keeps_indentation(make_workspace: MakeWorkspace) -> None:
    head = (
        "typ: tjänsteskrivelse\nrubrik: Plan\ndiarienummer: 25HSN1\ninstans: hsn\n"
        "datum: 2025-09-10\nhandläggare: {namn: Åsa Öberg}\n"
        "förslag:\n  inledning: Förslag\n  beslutspunkter:\n"
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n"
    )
    text = head + "text: |\n  ## Sammanfattning\n\n  Vi ska:\n  •\tA\n  •\tB\n  Klart.\n"
    root = make_workspace({"content/ärenden/b.yaml": text})
    assert findings(root, "inklistrad-lista")[0].startswith(
        "content/ärenden/b.yaml:15:3: varning: Raderna 15–16 är en punktlista"
    )
    run("check", str(root), "--fix")
    assert (root / "content/ärenden/b.yaml").read_text("utf-8") == head + (
        "text: |\n  ## Sammanfattning\n\n  Vi ska:\n\n  - A\n  - B\n\n  Klart.\n"
    )


def test_folded_yaml_text_is_reported_but_not_rewritten(make_workspace: MakeWorkspace) -> None:
    """In a folded ``text: >`` block the new line breaks would be folded away again."""
    text = (
        "typ: tjänsteskrivelse\nrubrik: Plan\ndiarienummer: 25HSN1\ninstans: hsn\n"
        "datum: 2025-09-10\nhandläggare: {namn: Åsa Öberg}\n"
        "förslag:\n  inledning: Förslag\n  beslutspunkter:\n"
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n"
        "text: >\n  ## Sammanfattning\n\n  Vi ska:\n  •\tA\n  •\tB\n"
    )
    root = make_workspace({"content/ärenden/b.yaml": text})
    run("check", str(root), "--fix")
    assert (root / "content/ärenden/b.yaml").read_text("utf-8") == text
    assert [f[f.index("Skriv") :] for f in findings(root, "inklistrad-lista")] == [
        "Skriv varje punkt som ”- text” med en tom rad före och efter listan. [inklistrad-lista]"
    ]


def test_what_cannot_be_converted_is_left_with_a_warning(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: case_file(UNCONVERTIBLE)})
    code, out, err = run("check", str(root), "--fix")
    assert (root / F).read_text("utf-8") == case_file(UNCONVERTIBLE)
    assert err.splitlines()[0] == "beslut: Rättade 0 problem i 0 filer."
    assert code == 0  # warnings
    assert out.count("[inklistrad-") == 3
    assert findings(root, *CODES) == [
        f"{F}:18:1: varning: Raderna 18–19 ser ut som en lista inklistrad från Word med olika "
        "punkttecken (”•” och ”o”), troligen flera nivåer, och Markdown slår ihop dem till ett "
        "stycke. beslut kan inte avgöra nivåerna: skriv varje punkt som ”- text” och en "
        "underpunkt som ”  - text” (två mellanslag in), med en tom rad före och efter listan. "
        "[inklistrad-lista]",
        f"{F}:22:1: varning: Raderna 22–23 har tabbar mellan kolumnerna men olika många celler "
        "per rad (2 och 3), så beslut kan inte göra om dem till en tabell och Markdown slår ihop "
        "dem till ett stycke. Skriv tabellen för hand med | mellan cellerna och lika många "
        "celler på varje rad, eller ta bort tabbarna om det är vanlig text. [inklistrad-tabell]",
        f"{F}:26:1: varning: Raderna 26–27 ser ut som en lista inklistrad från Word med olika "
        "indrag, troligen flera nivåer, och Markdown slår ihop dem till ett stycke. beslut kan "
        "inte avgöra nivåerna: skriv varje punkt som ”- text” och en underpunkt som ”  - text” "
        "(två mellanslag in), med en tom rad före och efter listan. [inklistrad-lista]",
    ]


def test_markdown_and_single_tab_lines_are_not_reported(make_workspace: MakeWorkspace) -> None:
    body = (
        "## Sammanfattning\n\nEn rad med\ten tabb.\n\n- Markdown\tlista\n- med\ttabbar\n\n"
        "1. Redan\tnumrerad\n2. lista\tmed tabb\n\n| a | b |\n|---|---|\n| 1\t| 2 |\n"
    )
    root = make_workspace({F: case_file(body)})
    assert findings(root, *CODES) == []


def test_fixed_text_renders_as_list_and_table(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({F: case_file(BODY)})
    run("check", str(root), "--fix")
    report = build(root, formats=("docx",), converter=FakeConverter())
    assert report.ok, [d.format() for d in report.diagnostics]
    document = docx.Document(str(next(Path(root / "output").rglob("*.docx"))))
    listed = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("List")
    ]
    assert listed == [
        ("List Bullet", "Första punkten"),
        ("List Bullet", "Andra punkten med två mellanslag kvar"),
        ("List Number", "Ett"),
        ("List Number", "Två"),
        ("List Bullet", "Tankstreck"),
        ("List Bullet", "Tankstreck igen"),
    ]
    texts = [p.text for p in document.paragraphs]
    assert "Efter listan." in texts and "Tabell:" in texts and "Slut." in texts
    tables = [
        [[c.text for c in row.cells] for row in t.rows]
        for t in document.tables
        if t.rows and t.rows[0].cells[0].text == "År"
    ]
    assert tables == [[["År", "Kostnad", "Anm."], ["2024", "100", "A | B"], ["2025", "200", ""]]]
