from __future__ import annotations

import pytest

from beslut.load.yamlpos import Pos, YamlSyntaxError, load


def test_positions_of_keys_values_and_items_with_offset() -> None:
    data, positions = load("a: 1\nb:\n  c: [x, y]\n  d:\n    - e\n    - f\n", line_offset=10)
    assert data == {"a": 1, "b": {"c": ["x", "y"], "d": ["e", "f"]}}
    assert positions.entries[("a",)].key == Pos(11, 1)
    assert positions.entries[("a",)].value == Pos(11, 4)
    assert positions.entries[("b", "c")].key == Pos(13, 3)
    assert positions.entries[("b", "d", 1)].value == Pos(16, 7)
    # the longest existing prefix is used for paths that do not exist in the file
    assert positions.find(("b", "d", 1, "nope")) == Pos(16, 7)
    assert positions.find(("zzz",)) == Pos(11, 1)


def test_dates_stay_text_so_impossible_dates_do_not_crash() -> None:
    data, _ = load("datum: 2025-02-30\n")
    assert data == {"datum": "2025-02-30"}


def test_tab_indentation_is_reported_at_the_tab() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load("a:\n\tb: 1\n", line_offset=1)
    assert info.value.pos == Pos(3, 1)
    assert info.value.message == (
        "Tabbtecken används för indrag; YAML kräver mellanslag. Byt tabben mot mellanslag."
    )


UNCLOSED_LIST = (
    "YAML-syntaxfel: hakparentesen [ som börjar här stängs aldrig. Avsluta listan med ], "
    "eller sätt värdet inom citattecken om [ hör till texten."
)
NO_SPACE = (
    "YAML-syntaxfel: mellanslag saknas efter kolon. Skriv ”{key}: …” med ett mellanslag efter "
    "kolonet (eller sätt hela värdet inom citattecken)."
)


@pytest.mark.parametrize(
    ("text", "pos", "message"),
    [
        (
            "a: b: c\n",
            Pos(1, 5),
            "YAML-syntaxfel: ett kolon står på fel ställe. "
            "Sätt värdet inom citattecken om det innehåller ”: ”.",
        ),
        # an unclosed bracket is reported where it opens, not where the parser noticed it
        ("a: [1, 2\n", Pos(1, 4), UNCLOSED_LIST),
        ("typ: x\nlista: [a, b\nrubrik: y\n", Pos(2, 8), UNCLOSED_LIST),
        ("a: [1, [2, 3]\nb: 1\n", Pos(1, 4), UNCLOSED_LIST),
        (
            "typ: x\ng: {a: 1\nrubrik: y\n",
            Pos(2, 4),
            "YAML-syntaxfel: klammerparentesen { som börjar här stängs aldrig. Avsluta gruppen "
            "med }, eller sätt värdet inom citattecken om { hör till texten.",
        ),
        (
            "a: 1\na: 2\n",
            Pos(2, 1),
            "YAML-syntaxfel: nyckeln ”a” förekommer två gånger i samma grupp (första gången på "
            "rad 1). Ta bort den ena eller byt namn på den.",
        ),
        (
            "g:\n  x: 1\n  rubrik: a\n  rubrik: b\n",
            Pos(4, 3),
            "YAML-syntaxfel: nyckeln ”rubrik” förekommer två gånger i samma grupp (första gången "
            "på rad 3). Ta bort den ena eller byt namn på den.",
        ),
        (
            'a: "öppen\nb: 1\n',
            Pos(1, 4),
            'YAML-syntaxfel: citattecknet " som börjar här avslutas aldrig. Lägg till ett '
            'avslutande " efter texten.',
        ),
        (
            "a: 'öppen\n",
            Pos(1, 4),
            "YAML-syntaxfel: citattecknet ' som börjar här avslutas aldrig. Lägg till ett "
            "avslutande ' efter texten.",
        ),
        ("typ: x\nrubrik:Text\nandra: z\n", Pos(2, 7), NO_SPACE.format(key="rubrik")),
        ("g:\n  a:1\n  b: 2\n", Pos(2, 4), NO_SPACE.format(key="a")),
        (
            "lista:\n  - a\n - b\nx: 1\n",
            Pos(3, 2),
            "YAML-syntaxfel: listpunkten (-) har ett annat indrag än raderna ovanför. Ge alla "
            "punkter i samma lista samma indrag, med mellanslag.",
        ),
        (
            "g:\n  a: 1\n   b: 2\n",
            Pos(3, 4),
            "YAML-syntaxfel: raden är mer indragen än raden ovanför. Ge nycklar i samma grupp "
            "samma indrag.",
        ),
        (
            "typ: x\n---\nrubrik: y\n",
            Pos(2, 1),
            "YAML-syntaxfel: filen innehåller flera YAML-dokument (en rad med --- eller ... mitt "
            "i). En fil är ett dokument; ta bort raden.",
        ),
    ],
)
def test_syntax_errors_are_swedish_and_located(text: str, pos: Pos, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load(text)
    assert info.value.message == message
    assert info.value.pos == pos


def test_a_url_is_not_taken_for_a_missing_space() -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load("a: https://x.se/a: b\n")
    assert "mellanslag saknas" not in info.value.message
