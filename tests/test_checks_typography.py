"""Typography checks in prose: one failing and one passing example per rule, exact messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from beslut.model.typography import hard_spaces
from beslut.validate.workspace import load_workspace
from conftest import REPO, MakeWorkspace, case_file, findings, need_seeds

F = "content/ärenden/a.md"
BODY_LINE = 17  # the line of the first body paragraph written by body()


def body(text: str) -> str:
    return f"## Sammanfattning\n\n{text}\n"


def lint(
    make_workspace: MakeWorkspace, text: str, *codes: str, profile: str | None = None
) -> list[str]:
    files = {F: case_file(body(text))}
    root = make_workspace(files) if profile is None else make_workspace(files, profile=profile)
    return findings(root, *codes)


CASES = [
    (
        "procent",
        "Kostnaderna ökar med 15% i år.",
        "Kostnaderna ökar med 15 procent, eller 15 %, och 2,5 % i tabellen.",
        f"{F}:{BODY_LINE}:22: varning: Skriv mellanslag före procenttecknet: ”15 %”, eller "
        "”15 procent” i löpande text – inte ”15%”. [procent]",
    ),
    (
        "siffergruppering",
        "Budgeten är 12500000 kronor.",
        "Budgeten är 12 500 000 kronor, 4500 kronor per plats, år 2026 och dnr 25HSN3392.",
        f"{F}:{BODY_LINE}:13: varning: Skriv stora tal med mellanslag mellan siffergrupperna: "
        "”12 500 000”, inte ”12500000”. [siffergruppering]",
    ),
    (
        "siffergruppering",
        "Budgeten är 12.500.000 kronor.",
        "Versionen 1.2.3 och talet 3.5 i en formel.",
        f"{F}:{BODY_LINE}:13: varning: Skriv siffergrupper med mellanslag, inte med punkt: "
        "”12 500 000”, inte ”12.500.000”. [siffergruppering]",
    ),
    (
        "tankstreck-intervall",
        "Planen gäller 2022-2025.",
        "Planen gäller 2022–2025, från 2019-09 och 2020-06-14; ring 044-309 30 00.",
        f"{F}:{BODY_LINE}:15: varning: Skriv intervall med tankstreck utan mellanslag: "
        "”2022–2025”, inte ”2022-2025”. [tankstreck-intervall]",
    ),
    (
        "tankstreck-intervall",
        "Mottagningen är stängd januari-juni.",
        "Mottagningen är stängd januari–juni och har ett e-postbaserat flöde.",
        f"{F}:{BODY_LINE}:24: varning: Skriv intervall med tankstreck: ”januari–juni”, inte "
        "”januari-juni”. [tankstreck-intervall]",
    ),
    (
        "minustecken",
        "Resultatet blev -131,6 miljoner kronor.",
        "Resultatet blev −131,6 miljoner kronor i hälso- och sjukvårdsnämnden.",
        f"{F}:{BODY_LINE}:17: varning: Skriv minustecken (−), inte bindestreck, framför negativa "
        "tal: ”−131,6”. [minustecken]",
    ),
    (
        "valutaförkortning",
        "Utfallet är 86,7 Mkr.",
        "Utfallet är 86,7 mnkr och 450 tkr, eller 12 miljoner kronor.",
        f"{F}:{BODY_LINE}:18: varning: Skriv ”mnkr” för miljoner kronor, inte ”Mkr” "
        "(organisationens skrivregel). [valutaförkortning]",
    ),
    (
        "valutaförkortning",
        "Kostnaden är 300 kkr.",
        "Kostnaden är 300 tkr.",
        f"{F}:{BODY_LINE}:18: varning: Skriv ”tkr” för tusen kronor, inte ”kkr”. [valutaförkortning]",
    ),
    (
        "klockslag",
        "Mötet börjar kl 13:00.",
        "Mötet börjar kl. 13.00 och pågår kl. 9–15.",
        f"{F}:{BODY_LINE}:14: varning: Skriv klockslag med ”kl.” och punkt: ”kl. 13.00”, inte "
        "”kl 13:00”. [klockslag]",
    ),
    (
        "upprepat-ord",
        "Utfallet är 86,7 Mkr Mkr mot förväntat.",
        "Utfallet är 86,7 mnkr mot förväntat, om och om igen.",
        f"{F}:{BODY_LINE}:22: varning: Ordet ”Mkr” står två gånger i rad. Ta bort det ena. "
        "[upprepat-ord]",
    ),
    (
        "justeringsman",
        "Nämnden utser en justeringsman.",
        "Nämnden utser en justerare.",
        f"{F}:{BODY_LINE}:18: varning: Skriv ”justerare”, inte ”justeringsman”: titeln är "
        "könsneutral. [justeringsman]",
    ),
    (
        "datumformat",
        "Beslutet fattades 250910 av nämnden.",
        "Beslutet fattades 2025-09-10, dnr 250910-ABC, 123456 kronor.",
        f"{F}:{BODY_LINE}:19: varning: Skriv datum på formen ÅÅÅÅ-MM-DD: ”2025-09-10”, inte "
        "”250910” (eller ”10 september 2025” i löpande text). [datumformat]",
    ),
    (
        "dubbla-mellanslag",
        "Nämnden  beslutar.",
        "Nämnden beslutar.",
        f"{F}:{BODY_LINE}:8: varning: 2 mellanslag i rad; skriv ett. [dubbla-mellanslag]",
    ),
]


@pytest.mark.parametrize(("code", "bad", "good", "message"), CASES)
def test_rule_fails_and_passes(
    make_workspace: MakeWorkspace, code: str, bad: str, good: str, message: str
) -> None:
    assert lint(make_workspace, bad, code) == [message]
    assert lint(make_workspace, good, code) == []


def test_profile_chooses_the_million_abbreviation(make_workspace: MakeWorkspace) -> None:
    from conftest import PROFILE

    profile = PROFILE + "kontroller:\n  miljoner_kronor: mkr\n"
    assert lint(make_workspace, "Utfallet är 86,7 mkr.", "valutaförkortning", profile=profile) == []
    assert lint(make_workspace, "Utfallet är 86,7 mnkr.", "valutaförkortning", profile=profile) == [
        f"{F}:{BODY_LINE}:18: varning: Skriv ”mkr” för miljoner kronor, inte ”mnkr” "
        "(organisationens skrivregel). [valutaförkortning]"
    ]


def test_code_links_and_tables_fences_are_not_prose(make_workspace: MakeWorkspace) -> None:
    text = (
        "Se `kod 15%` och [länken](https://example.se/a-b/15%25) samt https://x.se/2022-2025.\n\n"
        "```\n15% i ett kodblock\n```\n\n<!-- 15% i en kommentar -->"
    )
    assert lint(make_workspace, text) == []


def test_yaml_fields_are_checked_where_they_stand(make_workspace: MakeWorkspace) -> None:
    text = case_file(
        points=("Hälso- och sjukvårdsnämnden godkänner en ökning med 15%",),
        extra="beslutsunderlag:\n  - 'Tjänsteskrivelse 2025-09-10, 2022-2025'\n",
    )
    root = make_workspace({F: text})
    assert findings(root, "procent", "tankstreck-intervall") == [
        f"{F}:12:59: varning: Skriv mellanslag före procenttecknet: ”15 %”, eller ”15 procent” "
        "i löpande text – inte ”15%”. [procent]",
        f"{F}:14:35: varning: Skriv intervall med tankstreck utan mellanslag: ”2022–2025”, inte "
        "”2022-2025”. [tankstreck-intervall]",
    ]
    fixes = [d.fix for d in load_workspace(root).diagnostics if d.fix]
    assert [(f.line, f.column, f.end_column, f.replacement) for f in fixes] == [
        (12, 61, 61, " "),
        (14, 39, 40, "–"),
    ]


def test_table_cells_and_headings_are_checked(make_workspace: MakeWorkspace) -> None:
    text = "## Utfall 2022-2025\n\n| Post | Belopp |\n|---|---|\n| Avvikelse | -5 Mkr |\n"
    root = make_workspace({F: case_file(body("Text.") + "\n" + text)})
    assert findings(root, "tankstreck-intervall", "minustecken", "valutaförkortning") == [
        f"{F}:19:11: varning: Skriv intervall med tankstreck utan mellanslag: ”2022–2025”, inte "
        "”2022-2025”. [tankstreck-intervall]",
        f"{F}:23:15: varning: Skriv minustecken (−), inte bindestreck, framför negativa tal: ”−5”. "
        "[minustecken]",
        f"{F}:23:18: varning: Skriv ”mnkr” för miljoner kronor, inte ”Mkr” (organisationens "
        "skrivregel). [valutaförkortning]",
    ]


# Seed 001 (a committee's monthly report), line 18, word for word.
SEED_001_LINE = (
    "Utfallet av de resultatförbättrande åtgärderna är t o m september 86,7 Mkr Mkr mot "
    "förväntade 114,9 Mkr."
)


def test_seed_001_repeated_abbreviation_is_found(make_workspace: MakeWorkspace) -> None:
    found = lint(make_workspace, SEED_001_LINE, "upprepat-ord", "valutaförkortning")
    assert found == [
        f"{F}:{BODY_LINE}:72: varning: Skriv ”mnkr” för miljoner kronor, inte ”Mkr” "
        "(organisationens skrivregel). [valutaförkortning]",
        f"{F}:{BODY_LINE}:76: varning: Ordet ”Mkr” står två gånger i rad. Ta bort det ena. "
        "[upprepat-ord]",
        f"{F}:{BODY_LINE}:76: varning: Skriv ”mnkr” för miljoner kronor, inte ”Mkr” "
        "(organisationens skrivregel). [valutaförkortning]",
        f"{F}:{BODY_LINE}:101: varning: Skriv ”mnkr” för miljoner kronor, inte ”Mkr” "
        "(organisationens skrivregel). [valutaförkortning]",
    ]
    text = next(need_seeds().glob("001_*.txt")).read_text("utf-8")
    assert SEED_001_LINE in text


def test_rule_switched_off_or_raised_in_the_profile(make_workspace: MakeWorkspace) -> None:
    from conftest import PROFILE

    off = PROFILE + "kontroller:\n  regler:\n    procent: av\n    minustecken: fel\n"
    text = "Ökningen är 15% och -5 procent."
    assert lint(make_workspace, text, "procent", "minustecken", profile=off) == [
        f"{F}:{BODY_LINE}:21: fel: Skriv minustecken (−), inte bindestreck, framför negativa tal: "
        "”−5”. [minustecken]"
    ]


def test_unknown_rule_in_profile_is_an_error(make_workspace: MakeWorkspace) -> None:
    from conftest import PROFILE

    profile = PROFILE + "kontroller:\n  regler:\n    procnet: av\n"
    root = make_workspace({F: case_file()}, profile=profile)
    assert findings(root, "okänd-regel") == [
        "content/profil.yaml:30:5: fel: Det finns ingen kontroll som heter ”procnet”. Menade du "
        "”procent”? Se listan med ”beslut check --regler”. [okänd-regel]"
    ]


def test_file_exemption_with_reason(make_workspace: MakeWorkspace) -> None:
    extra = "undantag:\n  - regel: procent\n    skäl: Citat ur originalet.\n"
    root = make_workspace({F: case_file(body("Ökningen är 15%."), extra=extra)})
    assert findings(root, "procent", "onödigt-undantag") == []
    root = make_workspace({F: case_file(body("Ökningen är 15 %."), extra=extra)})
    assert findings(root, "procent", "onödigt-undantag") == [
        f"{F}:14:12: varning: Undantaget för ”procent” behövs inte längre: kontrollen hittar "
        "inget i filen. Ta bort undantaget. [onödigt-undantag]"
    ]


def test_personal_data_cannot_be_exempted(make_workspace: MakeWorkspace) -> None:
    extra = "undantag:\n  - regel: personnummer\n    skäl: Vi vill.\n"
    root = make_workspace({F: case_file(extra=extra)})
    assert findings(root, "undantag-ej-tillåtet") == [
        f"{F}:14:12: fel: Kontrollen ”personnummer” kan inte undantas i en fil. Ta bort "
        "personnumret, eller markera punkten på föredragningslistan med sekretess: eller "
        "publiceras_inte: true så att handlingarna inte publiceras. [undantag-ej-tillåtet]"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 %", "15\u00a0%"),
        ("12 500 000 kr", "12\u00a0500\u00a0000\u00a0kr"),
        ("kl. 13.00", "kl.\u00a013.00"),
        ("§ 63 och 26 kap. 1 §", "§\u00a063 och 26\u00a0kap.\u00a01\u00a0§"),
        ("den 22 november 2026", "den 22\u00a0november 2026"),
        ("åren 2022 2023", "åren 2022 2023"),
    ],
)
def test_hard_spaces_when_rendering(text: str, expected: str) -> None:
    assert hard_spaces(text) == expected


def test_example_workspace_has_no_typography_findings(tmp_path: Path) -> None:
    """The seed-derived example content was corrected; see CHANGELOG for what was found."""
    from beslut.checks.typography import FINDERS

    codes = [code for code, _ in FINDERS]
    assert findings(REPO, *codes) == []
