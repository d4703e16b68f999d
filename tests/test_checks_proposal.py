"""Content checks on decision points: beslut-hänvisar, två-beslut, beslut-subjekt and
beslutspunkt-normaliserad."""

from __future__ import annotations

from pathlib import Path

import pytest

from beslut.diagnostics import Fix
from beslut.validate.workspace import load_workspace
from conftest import MakeWorkspace, case_file, findings

NAME = "content/ärenden/x.md"
CODES = ("beslut-hänvisar", "två-beslut", "beslut-subjekt", "beslutspunkt-normaliserad")


def _points(
    make_workspace: MakeWorkspace, *points: str, doc_type: str = "tjänsteskrivelse"
) -> Path:
    return make_workspace({NAME: case_file(points=points, doc_type=doc_type)})


def _found(
    make_workspace: MakeWorkspace, *points: str, doc_type: str = "tjänsteskrivelse"
) -> list[str]:
    return findings(_points(make_workspace, *points, doc_type=doc_type), *CODES)


# --------------------------------------------------------------------------- beslut-hänvisar

REFERS = "hänvisar bort med ”{}” i stället för att säga vad som beslutas. Beslutspunkten ska gå att läsa i protokollet utan bilagorna: skriv ut vad som beslutas, t.ex. ”{}”. [beslut-hänvisar]"
NUMBERED_EXAMPLE = "Hälso- och sjukvårdsnämnden antar riktlinjer för … enligt bilaga 1"


@pytest.mark.parametrize(
    ("point", "phrase"),
    [
        (
            "Hälso- och sjukvårdsnämnden beslutar i enlighet med föreliggande förslag",
            "i enlighet med föreliggande förslag",
        ),
        (
            "Hälso- och sjukvårdsnämnden beslutar i enlighet med förvaltningens förslag",
            "i enlighet med förvaltningens förslag",
        ),
        ("Hälso- och sjukvårdsnämnden bifaller föreliggande förslag", "föreliggande förslag"),
        ("Hälso- och sjukvårdsnämnden beslutar enligt ovan", "enligt ovan"),
        ("Hälso- och sjukvårdsnämnden fördelar medlen enligt förslaget", "enligt förslaget"),
        ("Hälso- och sjukvårdsnämnden godkänner förslaget enligt bilaga 1", "enligt bilaga 1"),
        ("Hälso- och sjukvårdsnämnden godkänner enligt bilaga", "enligt bilaga"),
    ],
)
def test_point_that_refers_away_is_warned(
    make_workspace: MakeWorkspace, point: str, phrase: str
) -> None:
    assert _found(make_workspace, point) == [
        f"{NAME}:12:7: varning: Beslutspunkt 1 " + REFERS.format(phrase, NUMBERED_EXAMPLE)
    ]


def test_referral_in_att_satser_gets_an_att_sats_example(make_workspace: MakeWorkspace) -> None:
    assert _found(make_workspace, "godkänna förslaget enligt bilaga 2", doc_type="direktiv") == [
        f"{NAME}:12:7: varning: Beslutspunkt 1 "
        + REFERS.format("enligt bilaga 2", "anta riktlinjer för … enligt bilaga 1")
    ]


@pytest.mark.parametrize(
    "point",
    [
        "Hälso- och sjukvårdsnämnden antar riktlinjer för läkemedelsförskrivning enligt bilaga 1",
        "Hälso- och sjukvårdsnämnden godkänner förslaget till programdirektiv",
        "Hälso- och sjukvårdsnämnden antar taxan enligt förslaget till ny taxa",
        "Hälso- och sjukvårdsnämnden antar föreliggande förslag till riktlinjer för läkemedel",
    ],
)
def test_point_that_names_the_decision_passes(make_workspace: MakeWorkspace, point: str) -> None:
    assert _found(make_workspace, point) == []


# --------------------------------------------------------------------------- två-beslut

TWO = "innehåller två beslut (”{}” och ”{}”). Dela upp den i två beslutspunkter, så att varje beslut kan bifallas eller avslås för sig. [två-beslut]"


@pytest.mark.parametrize(
    ("point", "verbs", "doc_type"),
    [
        (
            "Hälso- och sjukvårdsnämnden godkänner yttrandet och överlämnar det till regionstyrelsen",
            ("godkänner", "överlämnar"),
            "tjänsteskrivelse",
        ),
        (
            "Hälso- och sjukvårdsnämnden godkänner planen, ger direktören i uppdrag att genomföra den",
            ("godkänner", "ger"),
            "tjänsteskrivelse",
        ),
        (
            "Hälso- och sjukvårdsnämnden antar riktlinjerna samt upphäver de gamla riktlinjerna",
            ("antar", "upphäver"),
            "tjänsteskrivelse",
        ),
        (
            "godkänna planen och att uppdra åt direktören att genomföra den",
            ("godkänna", "uppdra"),
            "direktiv",
        ),
        ("anta riktlinjerna samt upphäva de gamla riktlinjerna", ("anta", "upphäva"), "direktiv"),
    ],
)
def test_point_with_two_decisions_is_warned(
    make_workspace: MakeWorkspace, point: str, verbs: tuple[str, str], doc_type: str
) -> None:
    assert _found(make_workspace, point, doc_type=doc_type) == [
        f"{NAME}:12:7: varning: Beslutspunkt 1 " + TWO.format(*verbs)
    ]


@pytest.mark.parametrize(
    ("point", "doc_type"),
    [
        (
            "Hälso- och sjukvårdsnämnden uppdrar åt direktören att fortsätta arbetet och redovisa utfallet",
            "tjänsteskrivelse",
        ),
        (
            "Hälso- och sjukvårdsnämnden översänder planen till sjukhusstyrelserna och personalnämnden",
            "tjänsteskrivelse",
        ),
        ("uppdra åt direktören att ta fram en plan och att anta den", "direktiv"),
        (
            "ge programledaren i uppdrag att ta fram ett förslag och ge det till styrgruppen",
            "direktiv",
        ),
    ],
)
def test_one_decision_with_och_passes(
    make_workspace: MakeWorkspace, point: str, doc_type: str
) -> None:
    assert _found(make_workspace, point, doc_type=doc_type) == []


# --------------------------------------------------------------------------- beslut-subjekt

SUBJECT = "börjar inte med instansen. I numrerad stil är varje beslutspunkt en hel mening med instansen som subjekt, så att den kan flyttas oförändrad till protokollet, t.ex. ”Hälso- och sjukvårdsnämnden godkänner …”. [beslut-subjekt]"


def test_numbered_point_without_the_organ_as_subject(make_workspace: MakeWorkspace) -> None:
    got = _found(
        make_workspace,
        "Hälso- och sjukvårdsnämnden godkänner planen",
        "Avsnittet om investeringar är preliminärt",
        "Hälso- och sjukvårdsnämndens presidium får fatta beslut i brådskande ärenden",
    )
    assert got == [
        f"{NAME}:13:7: varning: Beslutspunkt 2 " + SUBJECT,
        f"{NAME}:14:7: varning: Beslutspunkt 3 " + SUBJECT,
    ]


def test_organ_subject_passes_also_in_lower_case_and_stock_sentences(
    make_workspace: MakeWorkspace,
) -> None:
    assert (
        _found(
            make_workspace,
            "hälso- och sjukvårdsnämnden godkänner planen",
            "Paragrafen förklaras omedelbart justerad",
        )
        == []
    )


def test_att_satser_need_no_subject(make_workspace: MakeWorkspace) -> None:
    assert _found(make_workspace, "godkänna planen", doc_type="direktiv") == []


# --------------------------------------------------------------------------- beslutspunkt-normaliserad

NUMBERED_PRESET = "Beslutspunkterna skrivs som numrerade meningar (profilens förval): beslut numrerar dem själv och avslutar varje mening med punkt."


def _normalised(root: Path) -> list[tuple[str, Fix | None]]:
    return [
        (d.format(), d.fix)
        for d in load_workspace(root).diagnostics
        if d.code == "beslutspunkt-normaliserad"
    ]


def test_pasted_numbering_is_warned_with_a_fix(make_workspace: MakeWorkspace) -> None:
    raw = "1. Hälso- och sjukvårdsnämnden godkänner planen;"
    root = _points(make_workspace, raw)
    assert _normalised(root) == [
        (
            f"{NAME}:12:7: varning: Beslutspunkt 1 innehåller inledande numrering ”1.” och "
            f"avslutande ”;”, som inte ska stå i ärendet. {NUMBERED_PRESET} Skriv bara "
            "”Hälso- och sjukvårdsnämnden godkänner planen”. [beslutspunkt-normaliserad]",
            Fix(12, 7, 12, 7 + len(raw), "Hälso- och sjukvårdsnämnden godkänner planen"),
        )
    ]


def test_pasted_att_and_samt_are_warned_with_the_preset(make_workspace: MakeWorkspace) -> None:
    root = _points(
        make_workspace, "'att godkänna planen; samt'", "anta budgeten", doc_type="direktiv"
    )
    assert _normalised(root) == [
        (
            f"{NAME}:12:7: varning: Beslutspunkt 1 innehåller inledande ”att” och avslutande "
            "”; samt”, som inte ska stå i ärendet. Beslutspunkterna skrivs som "
            "att-satser med semikolon (profilens förval): beslut sätter själv ut ”att” före "
            "varje punkt, semikolon mellan att-satserna, ”samt” före den sista och punkt efter "
            "den. Skriv bara ”godkänna planen”. [beslutspunkt-normaliserad]",
            Fix(12, 8, 12, 8 + len("att godkänna planen; samt"), "godkänna planen"),
        )
    ]


def test_the_case_own_style_is_named(make_workspace: MakeWorkspace) -> None:
    text = case_file(points=("att godkänna planen,",)).replace(
        "  beslutspunkter:", "  stil: att-satser\n  skiljetecken: komma\n  beslutspunkter:"
    )
    root = make_workspace({NAME: text})
    assert _normalised(root) == [
        (
            f"{NAME}:14:7: varning: Beslutspunkt 1 innehåller inledande ”att” och avslutande "
            "”,”, som inte ska stå i ärendet. Beslutspunkterna skrivs som att-satser med komma "
            "(ärendets val): beslut sätter själv ut ”att” före varje punkt, komma mellan "
            "att-satserna, ”samt” före den sista och punkt efter den. Skriv bara "
            "”godkänna planen”. [beslutspunkt-normaliserad]",
            Fix(14, 7, 14, 7 + len("att godkänna planen,"), "godkänna planen"),
        )
    ]


def test_point_over_several_lines_gets_no_fix(make_workspace: MakeWorkspace) -> None:
    folded = ">-\n      1. Hälso- och sjukvårdsnämnden\n      godkänner planen;"
    [(message, fix)] = _normalised(_points(make_workspace, folded))
    assert message.startswith(f"{NAME}:12:7: varning: Beslutspunkt 1 innehåller inledande")
    assert fix is None


def test_fix_never_starts_a_plain_yaml_value_with_an_indicator(
    make_workspace: MakeWorkspace,
) -> None:
    [(_, fix)] = _normalised(
        _points(make_workspace, "att [preliminärt] godkänna planen", doc_type="direktiv")
    )
    assert fix is None


def test_point_with_only_renderer_text(make_workspace: MakeWorkspace) -> None:
    assert _found(make_workspace, "att", doc_type="direktiv") == [
        f"{NAME}:12:7: varning: Beslutspunkt 1 innehåller bara det som beslut själv lägger "
        "till. Beslutspunkterna skrivs som att-satser med semikolon (profilens förval): beslut "
        "sätter själv ut ”att” före varje punkt, semikolon mellan att-satserna, ”samt” före den "
        "sista och punkt efter den. Skriv vad som beslutas. [beslutspunkt-normaliserad]"
    ]


def test_clean_points_pass(make_workspace: MakeWorkspace) -> None:
    assert _found(make_workspace, "Hälso- och sjukvårdsnämnden godkänner planen") == []
    assert (
        _found(make_workspace, "godkänna planen", "anta budgeten m.m.", doc_type="direktiv") == []
    )


# --------------------------------------------------------------------------- issue 12: styles


def test_stray_att1_is_a_located_finding_with_a_fix(make_workspace: MakeWorkspace) -> None:
    root = _points(
        make_workspace, "att1 ge nämnden i uppdrag att utreda frågan", doc_type="direktiv"
    )
    assert _normalised(root) == [
        (
            f"{NAME}:12:7: varning: Beslutspunkt 1 innehåller inledande ”att1”, som inte ska stå "
            "i ärendet. Beslutspunkterna skrivs som att-satser med semikolon (profilens förval): "
            "beslut sätter själv ut ”att” före varje punkt, semikolon mellan att-satserna, "
            "”samt” före den sista och punkt efter den. Skriv bara ”ge nämnden i uppdrag att "
            "utreda frågan”. Numrerade att-satser (att 1, att 2 …) får du med ”numrera: ja” "
            "under förslag (eller i profilens beslut). [beslutspunkt-normaliserad]",
            Fix(
                12,
                7,
                12,
                7 + len("att1 ge nämnden i uppdrag att utreda frågan"),
                "ge nämnden i uppdrag att utreda frågan",
            ),
        )
    ]


@pytest.mark.parametrize("written", ["att 2. anta planen", "att-sats 2 anta planen"])
def test_other_numbered_att_forms_are_found(make_workspace: MakeWorkspace, written: str) -> None:
    root = _points(make_workspace, "godkänna budgeten", written, doc_type="direktiv")
    (found,) = _normalised(root)
    assert found[0].startswith(f"{NAME}:13:7: varning: Beslutspunkt 2 innehåller inledande ”att")
    assert found[1] is not None and found[1].replacement == "anta planen"


def test_an_amount_after_att_is_not_a_numbered_att(make_workspace: MakeWorkspace) -> None:
    assert _found(make_workspace, "avsätta 1 000 kr till projektet", doc_type="direktiv") == []


def _block_case(points: str, *, style: str = "") -> str:
    return case_file().replace(
        "  inledning: Förvaltningens förslag till beslut\n"
        "  beslutspunkter:\n"
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n",
        "  block:\n"
        "    - rubrik: Nämndens förslag till regionfullmäktige\n"
        "      beslutande: Regionfullmäktige\n"
        f"{style}"
        "      beslutspunkter:\n"
        f"{points}"
        "    - rubrik: Nämndens beslut för egen del\n"
        "      beslutspunkter:\n"
        "        - Hälso- och sjukvårdsnämnden förklarar paragrafen omedelbart justerad;\n",
    )


def test_points_in_blocks_are_linted_where_they_stand(make_workspace: MakeWorkspace) -> None:
    text = _block_case(
        "        - Regionfullmäktige godkänner planen\n        - Planen gäller från 2026\n"
    )
    root = make_workspace({NAME: text})
    assert findings(root, *CODES) == [
        f"{NAME}:15:11: varning: Beslutspunkt 2 börjar inte med Regionfullmäktige (beslutande). "
        "I numrerad stil är varje beslutspunkt en hel mening med Regionfullmäktige (beslutande) "
        "som subjekt, så att den kan flyttas oförändrad till protokollet, t.ex. "
        "”Regionfullmäktige godkänner …”. [beslut-subjekt]",
        f"{NAME}:18:11: varning: Beslutspunkt 3 innehåller avslutande ”;”, som inte ska stå i "
        f"ärendet. {NUMBERED_PRESET} Skriv bara ”Hälso- och sjukvårdsnämnden förklarar "
        "paragrafen omedelbart justerad”. [beslutspunkt-normaliserad]",
    ]


def test_point_with_a_list_is_linted_at_its_text(make_workspace: MakeWorkspace) -> None:
    text = case_file(doc_type="direktiv").replace(
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n",
        "    - punkt: 'att fördela medlen enligt bilaga 1;'\n"
        "      lista:\n"
        "        - 2 mnkr till primärvården\n",
    )
    root = make_workspace({NAME: text})
    (got,) = findings(root, *CODES)
    assert got.startswith(f"{NAME}:12:14: varning: Beslutspunkt 1 innehåller inledande ”att”")
    assert got.endswith("[beslutspunkt-normaliserad]")
    fixes = [
        d.fix for d in load_workspace(root).diagnostics if d.code == "beslutspunkt-normaliserad"
    ]
    assert fixes == [
        Fix(
            12,
            15,
            12,
            15 + len("att fördela medlen enligt bilaga 1;"),
            "fördela medlen enligt bilaga 1",
        )
    ]


def test_unnumbered_sentences_need_the_organ_as_subject(make_workspace: MakeWorkspace) -> None:
    text = case_file(points=("Planen godkänns",)).replace(
        "  beslutspunkter:", "  stil: onumrerad\n  beslutspunkter:"
    )
    got = findings(make_workspace({NAME: text}), *CODES)
    assert got == [
        f"{NAME}:13:7: varning: Beslutspunkt 1 börjar inte med instansen. I onumrerad stil är "
        "varje beslutspunkt en hel mening med instansen som subjekt, så att den kan flyttas "
        "oförändrad till protokollet, t.ex. ”Hälso- och sjukvårdsnämnden godkänner …”. "
        "[beslut-subjekt]"
    ]
