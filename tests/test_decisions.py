from __future__ import annotations

import dataclasses

import pytest

from beslut.model.decisions import (
    NormalisedPoint,
    RenderedPoint,
    full_line,
    normalise_point,
    render_points,
)

# Seed 000 ("Direktiv – program för strukturförändring"): the four att-satser under
# "Regionledningen beslutar", wrapped lines joined with single spaces.
SEED_000_LINES = [
    "att godkänna förslag till programdirektiv;",
    "att hälso- och sjukvårdsdirektören ska inneha ordförandeskapet i programmets styrgrupp;",
    "att besluta om att finansiering av administratör till programledningen motsvarande "
    "en kostnad om 400 000 kr per år söks från regionstyrelsens oförutsedda kostnader "
    "2026 och inarbetas i budget för 2027; samt",
    "att ordförande i programmets styrgrupp i dialog med berörda funktionsdirektörer "
    "uppskattar tillkommande arbete och behov av utökad finansiering som funktionerna ser "
    "och återkomma med en uppskattad kostnad i kr per år som söks från regionstyrelsens "
    "oförutsedda kostnader 2026 och inarbetas i budget för 2027.",
]
SEED_000_CLAUSES = [
    "godkänna förslag till programdirektiv",
    "hälso- och sjukvårdsdirektören ska inneha ordförandeskapet i programmets styrgrupp",
    "besluta om att finansiering av administratör till programledningen motsvarande "
    "en kostnad om 400 000 kr per år söks från regionstyrelsens oförutsedda kostnader "
    "2026 och inarbetas i budget för 2027",
    "ordförande i programmets styrgrupp i dialog med berörda funktionsdirektörer "
    "uppskattar tillkommande arbete och behov av utökad finansiering som funktionerna ser "
    "och återkomma med en uppskattad kostnad i kr per år som söks från regionstyrelsens "
    "oförutsedda kostnader 2026 och inarbetas i budget för 2027",
]

# Seed 003 (Region Skåne beslutsförslag): "Ordförandens förslag" 1–3.
SEED_003_LINES = [
    "1. Hälso- och sjukvårdsnämnden fastställer Förändrings- och genomförandeplan för "
    "Framtidens hälsosystem 2022-2025 som inriktning för hälso- och sjukvårdsnämndens "
    "fortsatta arbete för omställningen av hälso- och sjukvården.",
    "2. De beslut som behövs kring åtgärder, lösningar och uppdrag som bidrar till att "
    "uppnå de önskade effekterna, hanteras i ordinarie ärendeprocesser eller, där det är "
    "lämpligt, i Region Skånes verksamhetsplans- och budgetprocesser.",
    "3. Hälso- och sjukvårdsnämnden översänder Förändrings- och genomförandeplan för "
    "Framtidens hälsosystem 2022-2025 till sjukhusstyrelserna, sjukvårdsnämnderna, "
    "personalnämnden och servicenämnden i Region Skåne för synpunkter inför hälso- och "
    "sjukvårdsnämndens förslag till hälso- och sjukvårdsbudget 2023, med svar senast "
    "2022-09-15.",
]

DOUBLED = (";;", ",,", "..", ";.", ".;;", ",.", ";,", ",;", "; samt;", ", samt,", "samt samt")


def lines(points: list[RenderedPoint]) -> list[str]:
    return [full_line(p) for p in points]


# --------------------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    ("raw", "style", "expected"),
    [
        (
            "att godkänna förslaget;",
            "att-satser",
            NormalisedPoint("godkänna förslaget", True, ('inledande "att"', 'avslutande ";"')),
        ),
        (
            "Att godkänna.",
            "att-satser",
            NormalisedPoint("godkänna", True, ('inledande "att"', 'avslutande "."')),
        ),
        (
            "godkänna x; samt",
            "att-satser",
            NormalisedPoint("godkänna x", True, ('avslutande "; samt"',)),
        ),
        (
            "godkänna x, samt",
            "att-satser",
            NormalisedPoint("godkänna x", True, ('avslutande ", samt"',)),
        ),
        (
            "godkänna x samt",
            "att-satser",
            NormalisedPoint("godkänna x", True, ('avslutande "samt"',)),
        ),
        (
            "ATT anta riktlinjerna,",
            "att-satser",
            NormalisedPoint("anta riktlinjerna", True, ('inledande "att"', 'avslutande ","')),
        ),
        (
            "samt att förklara paragrafen omedelbart justerad.",
            "att-satser",
            NormalisedPoint(
                "förklara paragrafen omedelbart justerad",
                True,
                ('inledande "samt"', 'inledande "att"', 'avslutande "."'),
            ),
        ),
        (
            "1. Nämnden beslutar.",
            "numrerad",
            NormalisedPoint("Nämnden beslutar", True, ('inledande numrering "1."',)),
        ),
        (
            "2) Nämnden beslutar;",
            "numrerad",
            NormalisedPoint(
                "Nämnden beslutar", True, ('inledande numrering "2)"', 'avslutande ";"')
            ),
        ),
        (
            "3 . Nämnden beslutar",
            "numrerad",
            NormalisedPoint("Nämnden beslutar", True, ('inledande numrering "3."',)),
        ),
    ],
)
def test_normalise_point(raw: str, style: str, expected: NormalisedPoint) -> None:
    assert normalise_point(raw, style) == expected


def test_normalise_whitespace_only_is_not_a_change() -> None:
    result = normalise_point("  godkänna\n   förslaget \t till\r\n direktiv  ", "att-satser")
    assert result == NormalisedPoint("godkänna förslaget till direktiv", False, ())


def test_normalise_keeps_no_break_spaces() -> None:
    result = normalise_point("avsätta 400\u00a0000 kr", "att-satser")
    assert result.text == "avsätta 400\u00a0000 kr"
    assert not result.changed


def test_numbered_keeps_leading_att_and_final_stop_is_silent() -> None:
    result = normalise_point("Att förklara paragrafen omedelbart justerad.", "numrerad")
    assert result == NormalisedPoint("Att förklara paragrafen omedelbart justerad", False, ())


def test_numbered_strips_samt() -> None:
    result = normalise_point("Nämnden godkänner yttrandet; samt", "numrerad")
    assert result == NormalisedPoint("Nämnden godkänner yttrandet", True, ('avslutande "; samt"',))


def test_words_ending_in_samt_are_kept() -> None:
    result = normalise_point("att arbeta gemensamt", "att-satser")
    assert result == NormalisedPoint("arbeta gemensamt", True, ('inledande "att"',))
    assert normalise_point("verka långsamt;", "att-satser").text == "verka långsamt"


def test_words_starting_with_att_are_kept() -> None:
    assert normalise_point("attestera fakturan", "att-satser") == NormalisedPoint(
        "attestera fakturan", False, ()
    )


def test_abbreviation_keeps_its_full_stop() -> None:
    result = normalise_point("att ta fram rutiner m.m.;", "att-satser")
    assert result == NormalisedPoint(
        "ta fram rutiner m.m.", True, ('inledande "att"', 'avslutande ";"')
    )
    assert normalise_point("ta fram rutiner m.m.", "att-satser").changed is False


def test_mixed_trailing_punctuation_reported_once() -> None:
    result = normalise_point("godkänna x ; .", "att-satser")
    assert result == NormalisedPoint("godkänna x", True, ('avslutande ";."',))


def test_leading_bullet_is_removed() -> None:
    result = normalise_point("- Informationen noteras.", "numrerad")
    assert result == NormalisedPoint("Informationen noteras", True, ('inledande listtecken "-"',))


@pytest.mark.parametrize("raw", ["", "   ", "att ;", "; samt", "1."])
def test_normalise_empty_point_raises(raw: str) -> None:
    style = "numrerad" if raw == "1." else "att-satser"
    with pytest.raises(ValueError, match="tom"):
        normalise_point(raw, style)


def test_normalise_unknown_style() -> None:
    with pytest.raises(ValueError, match="Okänd stil"):
        normalise_point("godkänna", "punktlista")


def test_dataclasses_are_frozen() -> None:
    point = normalise_point("godkänna", "att-satser")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.text = "x"  # type: ignore[misc]
    rendered = render_points(["godkänna"], "att-satser", "semikolon")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rendered.label = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- att-satser


def test_seed_000_semikolon_from_clean_clauses() -> None:
    rendered = render_points(SEED_000_CLAUSES, "att-satser", "semikolon")
    assert lines(rendered) == SEED_000_LINES
    assert [p.label for p in rendered] == ["att"] * 4
    assert rendered[0] == RenderedPoint("att", "godkänna förslag till programdirektiv;")


def test_seed_000_semikolon_from_pasted_lines_is_idempotent() -> None:
    rendered = render_points(SEED_000_LINES, "att-satser", "semikolon")
    assert lines(rendered) == SEED_000_LINES


def test_seed_000_from_wrapped_text() -> None:
    wrapped = [line.replace(" i programmets ", " i programmets\n") for line in SEED_000_LINES]
    assert lines(render_points(wrapped, "att-satser", "semikolon")) == SEED_000_LINES


@pytest.mark.parametrize(
    ("punctuation", "count", "expected"),
    [
        ("semikolon", 1, ["att a."]),
        ("semikolon", 2, ["att a; samt", "att b."]),
        ("semikolon", 4, ["att a;", "att b;", "att c; samt", "att d."]),
        ("komma", 1, ["att a."]),
        ("komma", 2, ["att a, samt", "att b."]),
        ("komma", 4, ["att a,", "att b,", "att c, samt", "att d."]),
        ("ingen", 1, ["att a."]),
        ("ingen", 2, ["att a", "att b."]),
        ("ingen", 4, ["att a", "att b", "att c", "att d."]),
    ],
)
def test_att_presets(punctuation: str, count: int, expected: list[str]) -> None:
    points = ["a", "b", "c", "d"][:count]
    assert lines(render_points(points, "att-satser", punctuation)) == expected


def test_socialnamnden_example_preset_a() -> None:
    points = [
        "anta reviderade riktlinjer för ekonomiskt bistånd att gälla från och med "
        "den 1 januari 2027",
        "upphäva riktlinjer för ekonomiskt bistånd, antagna den 14 december 2023, § 201",
        "förklara paragrafen omedelbart justerad",
    ]
    assert lines(render_points(points, "att-satser", "semikolon")) == [
        "att anta reviderade riktlinjer för ekonomiskt bistånd att gälla från och med "
        "den 1 januari 2027;",
        "att upphäva riktlinjer för ekonomiskt bistånd, antagna den 14 december 2023, § 201; samt",
        "att förklara paragrafen omedelbart justerad.",
    ]


@pytest.mark.parametrize("punctuation", ["semikolon", "komma", "ingen"])
def test_att_rendering_never_doubles_punctuation(punctuation: str) -> None:
    messy = [
        "att godkänna a;",
        "Att godkänna b.",
        "godkänna c, samt",
        "godkänna d; samt",
        "samt att godkänna e.",
    ]
    rendered = lines(render_points(messy, "att-satser", punctuation))
    for line in rendered:
        assert not line.startswith("att att")
        assert not line.lower().startswith("att samt")
        for bad in DOUBLED:
            assert bad not in line, (bad, line)
    assert rendered[-1] == "att godkänna e."
    assert sum("samt" in line for line in rendered) == (0 if punctuation == "ingen" else 1)


def test_att_rendering_with_final_abbreviation() -> None:
    rendered = lines(
        render_points(["ta fram rutiner m.m.", "anta planen m.fl."], "att-satser", "semikolon")
    )
    assert rendered == ["att ta fram rutiner m.m.; samt", "att anta planen m.fl."]


# --------------------------------------------------------------------------- numrerad


def test_seed_003_numbered_from_pasted_lines() -> None:
    rendered = render_points(SEED_003_LINES, "numrerad", "semikolon")
    assert lines(rendered) == SEED_003_LINES
    assert [p.label for p in rendered] == ["1.", "2.", "3."]
    assert rendered[0].text.startswith("Hälso- och sjukvårdsnämnden fastställer ")
    assert rendered[2].text.endswith("senast 2022-09-15.")


def test_seed_003_numbered_from_clean_clauses() -> None:
    clauses = [line[3:].rstrip(".") for line in SEED_003_LINES]
    assert lines(render_points(clauses, "numrerad", "ingen")) == SEED_003_LINES


def test_numbered_capitalises_and_adds_stop() -> None:
    rendered = render_points(
        ["socialnämnden antar riktlinjerna", "Paragrafen förklaras omedelbart justerad."],
        "numrerad",
        "komma",
    )
    assert rendered == [
        RenderedPoint("1.", "Socialnämnden antar riktlinjerna."),
        RenderedPoint("2.", "Paragrafen förklaras omedelbart justerad."),
    ]


def test_numbered_never_doubles_punctuation() -> None:
    rendered = lines(
        render_points(
            ["1. Nämnden beslutar.", "2) Nämnden noterar;", "Nämnden tackar,", "Är det klart?"],
            "numrerad",
            "semikolon",
        )
    )
    assert rendered == [
        "1. Nämnden beslutar.",
        "2. Nämnden noterar.",
        "3. Nämnden tackar.",
        "4. Är det klart?",
    ]


def test_numbered_ignores_punctuation_argument() -> None:
    a = render_points(["a", "b"], "numrerad", "semikolon")
    b = render_points(["a", "b"], "numrerad", "whatever")
    assert a == b == [RenderedPoint("1.", "A."), RenderedPoint("2.", "B.")]


# --------------------------------------------------------------------------- errors


def test_empty_list_raises() -> None:
    with pytest.raises(ValueError, match="inga beslutspunkter"):
        render_points([], "att-satser", "semikolon")


def test_unknown_style_and_punctuation() -> None:
    with pytest.raises(ValueError, match="Okänd stil"):
        render_points(["a"], "punktlista", "semikolon")
    with pytest.raises(ValueError, match="Okänd interpunktion"):
        render_points(["a"], "att-satser", "kolon")


def test_string_instead_of_list_raises() -> None:
    with pytest.raises(TypeError):
        render_points("godkänna", "att-satser", "semikolon")


def test_full_line() -> None:
    assert full_line(RenderedPoint("att", "godkänna förslag till programdirektiv;")) == (
        "att godkänna förslag till programdirektiv;"
    )
    assert full_line(RenderedPoint("1.", "Nämnden fastställer planen.")) == (
        "1. Nämnden fastställer planen."
    )
