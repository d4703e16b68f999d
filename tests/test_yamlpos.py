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


@pytest.mark.parametrize(
    ("text", "pos", "message"),
    [
        (
            "a: b: c\n",
            Pos(1, 5),
            "YAML-syntaxfel: ett kolon står på fel ställe. "
            "Sätt värdet inom citattecken om det innehåller ”: ”.",
        ),
        ("a: [1, 2\n", Pos(2, 1), "YAML-syntaxfel: en lista inom [ ] avslutas aldrig med ]."),
        (
            "a: 1\na: 2\n",
            Pos(2, 1),
            "YAML-syntaxfel: samma nyckel förekommer två gånger i samma "
            "grupp. Ta bort eller byt namn på den ena.",
        ),
        ('a: "öppen\n', Pos(2, 1), "YAML-syntaxfel: ett citattecken avslutas aldrig."),
    ],
)
def test_syntax_errors_are_swedish_and_located(text: str, pos: Pos, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as info:
        load(text)
    assert info.value.message == message
    assert info.value.pos == pos
