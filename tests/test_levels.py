"""The profile's levels (``kontroller.regler``) for every code, and placeholders as errors."""

from __future__ import annotations

from click.testing import CliRunner

from beslut.checks import RULES
from beslut.cli.main import cli
from beslut.validate.codes import BUILD_CODES, CODES, LOCKED
from conftest import MEETING, PROFILE, MakeWorkspace, case_file, findings

PLACEHOLDER_BODY = "## Sammanfattning\n\nSe [fyll i: siffrorna].\n"
PLACEHOLDER_MESSAGE = (
    "Platshållaren ”[fyll i: siffrorna]” är kvar och skulle komma med i handlingen. Fyll i det "
    "som efterfrågas eller ta bort platshållaren. [platshållare]"
)
RULE_LINE = PROFILE.count("\n") + 3
"""The line of the first code under ``kontroller.regler`` in :func:`levels`."""


def levels(**codes: str) -> str:
    """Return the test profile with these levels under kontroller.regler (``_`` → ``-``)."""
    lines = "".join(f"    {code.replace('_', '-')}: {level}\n" for code, level in codes.items())
    return PROFILE + "kontroller:\n  regler:\n" + lines


def check(root: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(root)])
    return result.exit_code, result.stdout


def test_a_placeholder_fails_check_with_a_located_error(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({"content/ärenden/a.md": case_file(PLACEHOLDER_BODY)})
    assert check(root) == (1, f"content/ärenden/a.md:17:4: fel: {PLACEHOLDER_MESSAGE}\n")


def test_a_placeholder_stops_the_meeting(make_workspace: MakeWorkspace) -> None:
    item = "  - typ: beslut\n    diarienummer: 25HSN1\n"
    files = {
        "content/ärenden/a.md": case_file(PLACEHOLDER_BODY),
        "content/möten/m.yaml": MEETING + item,
    }
    root = make_workspace(files)
    assert findings(root, "ärende-har-fel") == [
        "content/möten/m.yaml:11:19: fel: Ärendet 25HSN1 har fel (se content/ärenden/a.md) och "
        "kan inte tas med förrän de är rättade. [ärende-har-fel]"
    ]
    # lowered in the profile, the placeholder no longer stops the case or the meeting
    root = make_workspace(files, profile=levels(platshållare="varning"))
    assert findings(root) == [f"content/ärenden/a.md:17:4: varning: {PLACEHOLDER_MESSAGE}"]


def test_the_profile_can_lower_a_placeholder_to_a_warning(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(
        {"content/ärenden/a.md": case_file(PLACEHOLDER_BODY)},
        profile=levels(platshållare="varning"),
    )
    assert check(root) == (0, f"content/ärenden/a.md:17:4: varning: {PLACEHOLDER_MESSAGE}\n")


def test_the_profile_sets_the_level_of_codes_outside_the_catalogue(
    make_workspace: MakeWorkspace,
) -> None:
    heading = "## Sammanfatning\n\nText.\n\n## Sammanfattning\n\nEtt kort ärende om planen.\n"
    files = {"content/ärenden/a.md": case_file(heading)}
    root = make_workspace(files)
    assert [f.split(": ")[1] for f in findings(root, "okänt-avsnitt")] == ["varning"]
    root = make_workspace(files, profile=levels(okänt_avsnitt="fel"))
    assert [f.split(": ")[1] for f in findings(root, "okänt-avsnitt")] == ["fel"]
    root = make_workspace(files, profile=levels(okänt_avsnitt="av"))
    assert findings(root) == []


def test_a_locked_code_cannot_be_lowered(make_workspace: MakeWorkspace) -> None:
    secret = case_file(extra='sekretess:\n  lagrum: "19 kap. 3 §"\n')
    item = "  - typ: beslut\n    diarienummer: 25HSN1\n"
    root = make_workspace(
        {"content/ärenden/a.md": secret, "content/möten/m.yaml": MEETING + item},
        profile=levels(sekretess_på_punkt="av", personnummer="varning", yaml_syntax="fel"),
    )
    reason = (
        "då skulle något fel eller hemligt kunna byggas och publiceras. Rätta det som koden pekar "
        "på i stället, och ta bort raden. [nivå-låst]"
    )
    assert findings(root) == [
        # the secret case on a published item is still an error: the level was not lowered
        "content/möten/m.yaml:10:5: fel: Ärendet 25HSN1 är sekretessmarkerat (19 kap. 3 § OSL) men "
        "punkten skulle publiceras. Lägg till ”sekretess: {lagrum: 19 kap. 3 §}” på punkten, "
        "eller ”publiceras_inte: true”. [sekretess-på-punkt]",
        f"content/profil.yaml:{RULE_LINE}:25: fel: ”sekretess-på-punkt” kan inte sättas till av: "
        + reason,
        f"content/profil.yaml:{RULE_LINE + 1}:19: fel: ”personnummer” kan inte sättas till "
        "varning: " + reason,
    ]


def test_unknown_and_build_codes_in_the_profile(make_workspace: MakeWorkspace) -> None:
    root = make_workspace(profile=levels(platshålare="varning", pdf_fel="varning"))
    assert findings(root) == [
        f"content/profil.yaml:{RULE_LINE}:5: fel: Det finns ingen kontroll som heter "
        "”platshålare”. Menade du ”platshållare”? Se listan med ”beslut check --regler”. "
        "[okänd-regel]",
        f"content/profil.yaml:{RULE_LINE + 1}:5: fel: ”pdf-fel” rapporteras när handlingarna "
        "byggs och dess nivå kan inte ställas in i profilen. Ta bort raden. [okänd-regel]",
    ]


def test_the_code_lists_are_consistent() -> None:
    assert not set(CODES) & set(RULES)
    assert not BUILD_CODES & (set(CODES) | set(RULES))
    assert "personnummer" in LOCKED and "platshållare" not in LOCKED
    assert {"yaml-syntax", "sekretess-på-punkt", "ärende-har-fel", "bilaga-saknas"} <= LOCKED
    for code in CODES.values():
        assert code.summary.endswith("."), code.code


def test_every_code_the_workspace_reports_is_listed() -> None:
    """Every code string passed to error/warning/note in the load and validate stages is in
    the catalogue, so the profile can set (or refuses to lower) its level."""
    import re

    from conftest import REPO

    sources = [
        "load/source.py",
        "load/yamlpos.py",
        "validate/models.py",
        "validate/workspace.py",
        "checks/__init__.py",
    ]
    found = set()
    for name in sources:
        text = (REPO / "src" / "beslut" / name).read_text("utf-8")
        found |= set(re.findall(r'"([a-zåäö]+(?:-[a-zåäö0-9]+)+)",?\s*(?:is_error|\)|$)', text))
        found |= set(re.findall(r'return (?:f?"[^\n]*", )?"([a-zåäö-]+)"$', text, re.M))
    found -= {"utf-8"}
    assert {"yaml-syntax", "sekretess-på-punkt", "onödigt-undantag", "okänd-tabell"} <= found
    assert found - set(CODES) - set(RULES) == set()


def test_a_locked_warning_may_be_named_at_its_own_level(make_workspace: MakeWorkspace) -> None:
    """handlingar-lämnas-senare is a locked warning: saying varning is allowed, av is not."""
    root = make_workspace(profile=levels(handlingar_lämnas_senare="varning"))
    assert findings(root, "nivå-låst") == []
    root = make_workspace(profile=levels(handlingar_lämnas_senare="av"))
    assert [f.split(": ")[1] for f in findings(root, "nivå-låst")] == ["fel"]
