"""Content checks on sections: tomt-avsnitt and konsekvens-saknas."""

from __future__ import annotations

import pytest

from conftest import PROFILE, MakeWorkspace, case_file, findings

NAME = "content/ärenden/x.md"
IMPACT_PROFILE = PROFILE.replace(
    "    obligatoriska_avsnitt: [Sammanfattning]\n",
    "    obligatoriska_avsnitt: [Sammanfattning]\n"
    "    konsekvensavsnitt: [Barnrättsperspektiv, Jämställdhet, Samverkan]\n",
)
STATED = (
    "## Barnrättsperspektiv\n\nFörslaget bedöms inte påverka barn och unga.\n\n"
    "## Jämställdhet\n\nFörslaget påverkar kvinnor och män lika.\n\n"
    "## Samverkan\n\nFörslaget har samverkats i förvaltningens samverkansgrupp.\n"
)
SUMMARY = "## Sammanfattning\n\nEtt kort ärende om planen.\n\n"
TABLE = (
    "tabeller:\n"
    "  - id: kostnader\n"
    "    kolumner:\n"
    "      - rubrik: Post\n"
    "    rader:\n"
    "      - [Samordnare]\n"
)


def _sections(make_workspace: MakeWorkspace, body: str, extra: str = "") -> list[str]:
    root = make_workspace({NAME: case_file(body, extra=extra)})
    return findings(root, "tomt-avsnitt", "avsnitt-saknas")


def _impact(make_workspace: MakeWorkspace, body: str) -> list[str]:
    root = make_workspace({NAME: case_file(body)}, profile=IMPACT_PROFILE)
    return findings(root, "konsekvens-saknas", "tomt-avsnitt")


# --------------------------------------------------------------------------- tomt-avsnitt

EMPTY = (
    f"{NAME}:15:1: fel: Avsnittet ”Sammanfattning” är tomt, men profilen kräver det för "
    "tjänsteskrivelse. Skriv avsnittets text under rubriken. [tomt-avsnitt]"
)


@pytest.mark.parametrize(
    "body",
    [
        "## Sammanfattning\n\n## Bakgrund\n\nText om bakgrunden.\n",
        "## Sammanfattning\n",
        "## Sammanfattning\n\n### Detaljer\n\n## Bakgrund\n\nText.\n",
    ],
)
def test_required_section_without_text(make_workspace: MakeWorkspace, body: str) -> None:
    assert _sections(make_workspace, body) == [EMPTY]


def test_numbered_heading_is_the_required_section(make_workspace: MakeWorkspace) -> None:
    assert _sections(make_workspace, "## 1. Sammanfattning\n\n## 2. Bakgrund\n\nText.\n") == [
        EMPTY.replace("”Sammanfattning”", "”1. Sammanfattning”")
    ]


@pytest.mark.parametrize(
    "body",
    [
        "## Sammanfattning\n\nEtt kort ärende.\n",
        "## Sammanfattning\n\n### Detaljer\n\nText i ett underavsnitt.\n\n## Bakgrund\n\nText.\n",
        "## Sammanfattning\n\n- en punkt i en lista\n",
        "## Sammanfattning\n\n| Post | Belopp |\n|---|---|\n| A | 1 |\n",
    ],
)
def test_required_section_with_content_passes(make_workspace: MakeWorkspace, body: str) -> None:
    assert _sections(make_workspace, body) == []


def test_structured_table_counts_as_content(make_workspace: MakeWorkspace) -> None:
    body = "## Sammanfattning\n\n```tabell kostnader\n```\n\n## Bakgrund\n\nText.\n"
    assert _sections(make_workspace, body, TABLE) == []


def test_empty_optional_section_is_not_reported(make_workspace: MakeWorkspace) -> None:
    assert _sections(make_workspace, "## Sammanfattning\n\nText.\n\n## Bakgrund\n") == []


def test_yaml_case_with_empty_required_section(make_workspace: MakeWorkspace) -> None:
    front = case_file().split("---\n")[1]
    text = front + "text: |\n  ## Sammanfattning\n\n  ## Bakgrund\n\n  Text.\n"
    root = make_workspace({"content/ärenden/x.yaml": text})
    assert findings(root, "tomt-avsnitt") == [
        "content/ärenden/x.yaml:13:1: fel: Avsnittet ”Sammanfattning” är tomt, men profilen "
        "kräver det för tjänsteskrivelse. Skriv avsnittets text under rubriken. [tomt-avsnitt]"
    ]


# --------------------------------------------------------------------------- konsekvens-saknas


def test_missing_impact_sections_are_located_at_typ(make_workspace: MakeWorkspace) -> None:
    body = SUMMARY + "## Jämställdhet\n\nFörslaget påverkar kvinnor och män lika.\n"
    assert _impact(make_workspace, body) == [
        f"{NAME}:2:6: fel: Konsekvensavsnittet ”Barnrättsperspektiv” saknas; profilen kräver "
        "det för tjänsteskrivelse. Lägg till rubriken ”## Barnrättsperspektiv” och skriv "
        "uttryckligen om förslaget påverkar, t.ex. ”Förslaget bedöms inte påverka barn och "
        "unga.” [konsekvens-saknas]",
        f"{NAME}:2:6: fel: Konsekvensavsnittet ”Samverkan” saknas; profilen kräver det för "
        "tjänsteskrivelse. Lägg till rubriken ”## Samverkan” och skriv uttryckligen om "
        "förslaget påverkar, t.ex. ”Förslaget bedöms inte ha några konsekvenser för "
        "samverkan.” [konsekvens-saknas]",
    ]


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ("Ej aktuellt.", "säger bara ”Ej aktuellt.”"),
        ("–", "säger bara ”–”"),
        ("Inget", "säger bara ”Inget”"),
        ("N/A", "säger bara ”N/A”"),
        ("Se ovan.", "säger bara ”Se ovan.”"),
        ("Inga konsekvenser.", "säger bara ”Inga konsekvenser.”"),
        ("", "är tomt"),
        ("-", "är tomt"),  # a lone "-" is an empty list item in Markdown
    ],
)
def test_impact_section_without_an_explicit_statement(
    make_workspace: MakeWorkspace, answer: str, said: str
) -> None:
    body = SUMMARY + STATED.replace("Förslaget påverkar kvinnor och män lika.", answer)
    assert _impact(make_workspace, body) == [
        f"{NAME}:23:1: fel: Konsekvensavsnittet ”Jämställdhet” {said}. Skriv uttryckligen om "
        "förslaget påverkar, även när det inte gör det, t.ex. ”Förslaget bedöms inte påverka "
        "jämställdheten mellan kvinnor och män.” [konsekvens-saknas]"
    ]


def test_explicit_impact_statements_pass(make_workspace: MakeWorkspace) -> None:
    assert _impact(make_workspace, SUMMARY + STATED) == []


def test_impact_section_is_not_also_an_empty_required_section(
    make_workspace: MakeWorkspace,
) -> None:
    profile = IMPACT_PROFILE.replace("[Sammanfattning]", "[Sammanfattning, Jämställdhet]")
    body = SUMMARY + STATED.replace("Förslaget påverkar kvinnor och män lika.", "")
    root = make_workspace({NAME: case_file(body)}, profile=profile)
    assert findings(root, "konsekvens-saknas", "tomt-avsnitt") == [
        f"{NAME}:23:1: fel: Konsekvensavsnittet ”Jämställdhet” är tomt. Skriv uttryckligen om "
        "förslaget påverkar, även när det inte gör det, t.ex. ”Förslaget bedöms inte påverka "
        "jämställdheten mellan kvinnor och män.” [konsekvens-saknas]"
    ]
