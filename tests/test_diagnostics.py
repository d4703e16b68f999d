"""Every bad input of the foundation issue, in one workspace, reported in one run."""

from __future__ import annotations

from pathlib import Path

from beslut.workspace import load_workspace
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
    "content/ärenden/datum.md": CASE.replace("2025-09-10", "2025-02-30").replace("25HSN1", "25HSN2"),
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
    "content/ärenden/typ.md": CASE.replace("typ: tjänsteskrivelse", "typ: tjänsteskrivelsen").replace(
        "25HSN1", "25HSN7"
    ),
    "content/ärenden/att.md": CASE.replace(
        "    - Hälso- och sjukvårdsnämnden godkänner planen",
        "    - 1. Hälso- och sjukvårdsnämnden godkänner planen;",
    ).replace("25HSN1", "25HSN8"),
    "content/ärenden/latin1.md": CASE.replace("25HSN1", "25HSN9").encode("latin-1"),
}

EXPECTED = """\
content/ärenden/att.md:12:7: varning: Beslutspunkt 1 innehåller inledande numrering "1." och avslutande ";", som beslut själv lägger till; det tas bort vid utskrift. Skriv beslutspunkten som en enkel sats. [beslutspunkt-normaliserad]
content/ärenden/avsnitt.md:2:6: fel: Avsnittet ”Sammanfattning” saknas; profilen kräver det för tjänsteskrivelse. Lägg till rubriken ”## Sammanfattning” i texten. [avsnitt-saknas]
content/ärenden/bilagor.md:15:10: fel: Bilagan ”../bilagor/finns-inte.pdf” finns inte. Kontrollera filnamnet (stora och små bokstäver räknas) och att sökvägen är relativ till ärendefilen. [bilaga-saknas]
content/ärenden/bilagor.md:17:10: fel: Bilagan ”/etc/passwd” har en absolut sökväg. Ange sökvägen relativt till ärendefilen, t.ex. ../bilagor/fil.pdf, och lägg filen i arbetsytan. [bilaga-absolut]
content/ärenden/bilagor.md:19:10: fel: Bilagan ”../../../../etc/passwd” pekar utanför arbetsytan. Lägg filen i arbetsytan, t.ex. i content/bilagor/. [bilaga-utanför]
content/ärenden/datum.md:6:8: fel: Datumet 2025-02-30 finns inte: februari 2025 har 28 dagar. [ogiltigt-datum]
content/ärenden/dnr.md:4:15: fel: Diarienumret ”HSN-2025-1” följer inte organisationens format. Tillåtna format: t.ex. 25HSN3392; t.ex. RS/730/2018. [diarienummer-format]
content/ärenden/fel-typ.md:3:9: fel: ”rubrik” ska vara text. Sätt värdet inom citattecken om det ser ut som ett tal. [fel-typ]
content/ärenden/instans.md:5:10: fel: Instansen ”HSN” finns inte i profilen. Kända instanser: hsn (Hälso- och sjukvårdsnämnden), rs (Regionstyrelsen). Menade du ”hsn”? [okänd-instans]
content/ärenden/latin1.md:2:8: fel: Filen är inte sparad som UTF-8 (ogiltig byte 0xE4). Spara om den som UTF-8 i din editor. [inte-utf8]
content/ärenden/oavslutad.md:1:1: fel: Front matter avslutas aldrig: lägg till en rad med --- efter ärendets uppgifter. [front-matter-oavslutad]
content/ärenden/ok-å.md:4:15: fel: Diarienumret ”25HSN1” används redan i content/ärenden/dubblett.md:4. Varje ärende ska ha ett eget diarienummer. [dubblett-diarienummer]
content/ärenden/okänd-nyckel.md:7:1: fel: Okänd nyckel ”handlägare” – menade du ”handläggare”? [okänd-nyckel]
content/ärenden/saknas.md:1:1: fel: Obligatorisk uppgift ”rubrik” saknas. Lägg till ”rubrik: …”. [saknas]
content/ärenden/tabb.md:4:1: fel: Tabbtecken används för indrag; YAML kräver mellanslag. Byt tabben mot mellanslag. [yaml-syntax]
content/ärenden/tom-lista.md:11:19: fel: Förslaget har inga beslutspunkter. Skriv minst en beslutspunkt under ”beslutspunkter:”, en per rad som börjar med -. [inga-beslutspunkter]
content/ärenden/tom.md:1:1: fel: Filen är tom. En ärendefil börjar med front matter: en rad med ---, ärendets uppgifter och en avslutande rad med ---. [tom-fil]
content/ärenden/typ.md:2:6: fel: ”typ” kan inte vara ”tjänsteskrivelsen”. Tillåtna värden: ”tjänsteskrivelse”, ”beslutsförslag” eller ”direktiv”. Menade du ”tjänsteskrivelse”? [ogiltigt-värde]
content/ärenden/utan-front.md:1:1: fel: Front matter saknas: filen ska börja med en rad med tre bindestreck (---), följd av ärendets uppgifter och en avslutande rad med ---. [front-matter-saknas]
content/ärenden/yaml-fel.md:3:12: fel: YAML-syntaxfel: ett kolon står på fel ställe. Sätt värdet inom citattecken om det innehåller ”: ”. [yaml-syntax]
"""


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
    text = CASE.replace("---\n\n##", TABLE + "---\n\n```tabell kostnader\n```\n\n```tabell okänd\n```\n\n##")
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:23:15: fel: ”tusen” i kolumnen ”Belopp” är inte ett tal. Skriv talet "
        "utan mellanslag och enhet, t.ex. 1300 eller 12.5. [inte-ett-tal]",
        "content/ärenden/x.md:24:9: fel: Raden har 1 värde men tabellen har 2 kolumner. "
        "[tabellrad-längd]",
        "content/ärenden/x.md:26:27: fel: Summan i kolumnen ”Belopp” är 1800 i originalet men "
        "raderna summerar till 1700. Rätta raderna eller summan. [summa-stämmer-inte]",
        "content/ärenden/x.md:32:1: fel: Texten hänvisar till tabellen ”okänd”, som inte finns under "
        "”tabeller”. Kända tabeller: kostnader. [okänd-tabell]",
    ]


def test_placeholders_from_scaffolding_are_warned(make_workspace: MakeWorkspace) -> None:
    text = CASE.replace("Text med å, ä och ö.", "[fyll i: text]")
    assert _one(make_workspace, text) == [
        "content/ärenden/x.md:17:1: varning: Platshållaren ”[fyll i …]” är kvar; ersätt den med "
        "riktig text. [platshållare]"
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
