"""Every bad input of the foundation issue, in one workspace, reported in one run."""

from __future__ import annotations

from pathlib import Path

from beslut.validate.workspace import load_workspace
from conftest import CASE, MakeWorkspace

ATTACHMENTS = (
    "bilagor:\n"
    "  - titel: Saknas\n    fil: ../bilagor/finns-inte.pdf\n"
    "  - titel: Absolut\n    fil: /etc/passwd\n"
    "  - titel: Utanför\n    fil: ../../../../etc/passwd\n"
)


def _case(dnr: str, **replace: str) -> str:
    text = CASE.replace("25HSN1", dnr)
    for old, new in replace.items():
        text = text.replace(old.replace("_", " "), new)
    return text


BAD_FILES: dict[str, str | bytes] = {
    "content/ärenden/ok-å.md": CASE,
    "content/ärenden/dubblett.md": CASE,
    "content/ärenden/yaml-fel.md": "---\ntyp: tjänsteskrivelse\nrubrik: Fel: här\n---\n",
    "content/ärenden/tabb.md": "---\ntyp: direktiv\nhandläggare:\n\tnamn: X\n---\n",
    "content/ärenden/utan-front.md": "# Bara text\n",
    "content/ärenden/oavslutad.md": "---\ntyp: direktiv\n",
    "content/ärenden/tom.md": "",
    "content/ärenden/okänd-nyckel.md": CASE.replace("handläggare:", "handlägare:").replace(
        "25HSN1", "25HSN10"
    ),
    "content/ärenden/saknas.md": CASE.replace("rubrik: Ett ärende om åtgärder\n", "").replace(
        "25HSN1", "25HSN11"
    ),
    "content/ärenden/fel-typ.md": CASE.replace(
        "rubrik: Ett ärende om åtgärder", "rubrik: [a, b]"
    ).replace("25HSN1", "25HSN12"),
    "content/ärenden/datum.md": CASE.replace("2025-09-10", "2025-02-30").replace(
        "25HSN1", "25HSN2"
    ),
    "content/ärenden/dnr.md": CASE.replace("25HSN1", "HSN-2025-1"),
    "content/ärenden/tom-lista.md": CASE.replace(
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n", ""
    )
    .replace("beslutspunkter:", "beslutspunkter: []")
    .replace("25HSN1", "25HSN3"),
    "content/ärenden/bilagor.md": CASE.replace("25HSN1", "25HSN4").replace(
        "---\n\n##", ATTACHMENTS + "---\n\n##"
    ),
    "content/ärenden/instans.md": CASE.replace("instans: hsn", "instans: HSN").replace(
        "25HSN1", "25HSN5"
    ),
    "content/ärenden/avsnitt.md": CASE.replace("## Sammanfattning", "## Bakgrund").replace(
        "25HSN1", "25HSN6"
    ),
    "content/ärenden/typ.md": CASE.replace(
        "typ: tjänsteskrivelse", "typ: tjänsteskrivelsen"
    ).replace("25HSN1", "25HSN7"),
    "content/ärenden/att.md": CASE.replace(
        "    - Hälso- och sjukvårdsnämnden godkänner planen",
        "    - 1. Hälso- och sjukvårdsnämnden godkänner planen;",
    ).replace("25HSN1", "25HSN8"),
    "content/ärenden/latin1.md": CASE.replace("25HSN1", "25HSN9").encode("latin-1"),
}

EXPECTED = (Path(__file__).parent / "golden" / "check-bad-workspace.txt").read_text("utf-8")


def test_every_bad_input_is_reported_once_with_position(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(BAD_FILES)
    workspace = load_workspace(root)
    got = "".join(d.format() + "\n" for d in workspace.diagnostics)
    assert got == EXPECTED
    assert not workspace.ok
    # the valid files still load, so the rest of a build can go on
    assert {d.rel for d in workspace.cases} >= {"content/ärenden/ok-å.md", "content/ärenden/att.md"}


def _one(make_workspace: MakeWorkspace, text: str, name: str = "content/ärenden/x.md") -> list[str]:
    root = make_workspace({name: text})
    return [d.format() for d in load_workspace(root).diagnostics]


def test_valid_case_has_no_diagnostics(make_workspace: MakeWorkspace) -> None:
    assert _one(make_workspace, CASE) == []


def test_front_matter_offset_for_nested_keys(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace("  namn: Åsa Öberg\n", "  namn: Åsa Öberg\n  telefn: 1\n")
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:9:3: fel: Okänd nyckel ”telefn” – menade du ”telefon”? [okänd-nyckel]"
    ]


def test_unknown_key_without_close_match_lists_allowed_keys(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace("  namn: Åsa Öberg\n", "  namn: Åsa Öberg\n  skostorlek: 38\n")
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:9:3: fel: Okänd nyckel ”skostorlek”. "
        "Tillåtna nycklar här: namn, titel, telefon, e-post. [okänd-nyckel]"
    ]


def test_crlf_and_bom_are_accepted(make_workspace: MakeWorkspace) -> None:
    data = b"\xef\xbb\xbf" + CASE.replace("\n", "\r\n").encode("utf-8")
    assert _one(make_workspace, data) == []  # type: ignore[arg-type]


def test_pure_yaml_case_with_text_key(make_workspace: MakeWorkspace) -> None:
    front = CASE.split("---\n")[1]
    text = front + "text: |\n  ## Sammanfattning\n\n  Brödtext.\n"
    assert _one(make_workspace, text, "content/ärenden/x.yaml") == []
    broken = front + "text: |\n  ## Bakgrund\n"
    assert _one(make_workspace, broken, "content/ärenden/x.yaml") == [
        "content/ärenden/x.yaml:1:6: fel: Avsnittet ”Sammanfattning” saknas; profilen kräver det "
        "för tjänsteskrivelse. Lägg till rubriken ”## Sammanfattning” i texten. [avsnitt-saknas]"
    ]


def test_text_key_in_markdown_front_matter_is_an_error(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace("typ: tjänsteskrivelse\n", "typ: tjänsteskrivelse\ntext: hej\n")
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:3:7: fel: ”text” används bara i rena YAML-filer; i en .md-fil skrivs "
        "texten efter front matter. [text-i-front-matter]"
    ]


TABLE = """\
tabeller:
  - id: kostnader
    kolumner:
      - rubrik: Post
      - rubrik: Belopp
        typ: belopp
        enhet: tkr
    rader:
      - [Samordnare, 1300]
      - [Stöd, 400]
      - [Fel, "tusen"]
      - [Kort]
    summarad: Summa
    angiven_summa: [null, 1800]
"""


def test_structured_table_rules(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace(
        "---\n\n##", TABLE + "---\n\n```tabell kostnader\n```\n\n```tabell okänd\n```\n\n##"
    )
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:23:15: fel: ”tusen” i kolumnen ”Belopp” är inte ett tal. Skriv talet "
        "utan enhet, t.ex. 1300 eller 12.5, eller inom citattecken med de decimaler som ska "
        'synas, t.ex. "6,0". [inte-ett-tal]',
        "content/ärenden/x.md:24:9: fel: Raden har 1 värde men tabellen har 2 kolumner. "
        "[tabellrad-längd]",
        "content/ärenden/x.md:26:27: fel: Summan i kolumnen ”Belopp” är 1800 i originalet men "
        "raderna summerar till 1700. Rätta raderna eller summan. [summa-stämmer-inte]",
        "content/ärenden/x.md:32:1: fel: Texten hänvisar till tabellen ”okänd”, som inte finns under "
        "”tabeller”. Kända tabeller: kostnader. [okänd-tabell]",
    ]


def test_placeholders_from_scaffolding_are_errors(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace("Text med å, ä och ö.", "Se [fyll i: text]").replace(
        "  namn: Åsa Öberg", '  namn: "[fyll i: ditt namn]"'
    )
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:8:9: fel: Platshållaren ”[fyll i: ditt namn]” är kvar och skulle "
        "komma med i handlingen. Fyll i det som efterfrågas eller ta bort platshållaren. "
        "[platshållare]",
        "content/ärenden/x.md:17:4: fel: Platshållaren ”[fyll i: text]” är kvar och skulle komma "
        "med i handlingen. Fyll i det som efterfrågas eller ta bort platshållaren. [platshållare]",
    ]


def test_missing_profile(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "profil.yaml").write_text("organisation: {}\n", encoding="utf-8")
    got = [d.format() for d in load_workspace(tmp_path).diagnostics]
    assert got == [
        "content/profil.yaml:1:1: fel: Obligatorisk uppgift ”diarienummer” saknas. "
        "Lägg till ”diarienummer: …”. [saknas]",
        "content/profil.yaml:1:1: fel: Obligatorisk uppgift ”dokumenttyper” saknas. "
        "Lägg till ”dokumenttyper: …”. [saknas]",
        "content/profil.yaml:1:1: fel: Obligatorisk uppgift ”namn” saknas. "
        "Lägg till ”namn: …”. [saknas]",
        "content/profil.yaml:1:1: fel: Obligatorisk uppgift ”organ” saknas. "
        "Lägg till ”organ: …”. [saknas]",
    ]


def test_profile_with_bad_regex(make_workspace: MakeWorkspace) -> None:
    from conftest import PROFILE

    root = make_workspace(profile=PROFILE.replace("'RS/\\d+/\\d{4}'", "'RS/[0-9'"))
    got = [d.format() for d in load_workspace(root).diagnostics]
    assert got == [
        "content/profil.yaml:15:14: fel: ”mönster”: ogiltigt reguljärt uttryck "
        "(unterminated character set). [ogiltigt-värde]"
    ]


def test_misspelt_section_heading_gets_a_hint(make_workspace: MakeWorkspace) -> None:
    text = (
        CASE + "\n## Ekonomiska konsekvensr\n\nText.\n\n> ## Inte ett avsnitt\n\n## Egen rubrik\n"
    )
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:19:1: varning: Avsnittet ”Ekonomiska konsekvensr” är inget känt "
        "avsnitt – menade du ”Ekonomiska konsekvenser”? Det tas med som ett fritt avsnitt. "
        "[okänt-avsnitt]"
    ]


def test_sections_in_quotes_and_code_do_not_count(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace("## Sammanfattning", "> ## Sammanfattning\n\n```\n## Sammanfattning\n```")
    assert [line.split(" [")[-1] for line in _one(make_workspace, text)] == ["avsnitt-saknas]"]
