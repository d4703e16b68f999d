"""The C route of YAML loading (libyaml's events, :mod:`beslut.load.yamlpos`) gives exactly what
ruamel's pure-Python route gives: the same data with the same types, the same position of every
key, value and list item, and the same error (message, place, code) for what it cannot read.

Compared on every YAML file and front matter of the example workspace and of the benchmarks'
generated one, and on snippets chosen where two YAML parsers are likely to differ."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from beslut.load import yamlpos
from beslut.load.yamlpos import MAX_VALUES, Pos, PositionMap, YamlSyntaxError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_yaml import texts_of
from generate import generate

REPO = Path(__file__).resolve().parents[1]


Outcome = tuple[str, dict[Any, Any]] | str


def _shown(data: Any, positions: PositionMap) -> tuple[str, dict[Any, Any]]:
    """Data as repr (True and 1, 1.0 and 1, 1 and "1" differ) and every position."""
    return repr(data), positions.entries


def _c_route(text: str, offset: int = 0) -> Outcome:
    try:
        return _shown(*yamlpos._read_c(text, offset))
    except Exception as exc:
        return f"error {type(exc).__name__}"


def _pure_route(text: str, offset: int = 0) -> Outcome:
    try:
        data = yamlpos._parse_pure(text)
    except Exception as exc:
        return f"error {type(exc).__name__}"
    positions = PositionMap(root=Pos(1 + offset, 1))
    plain = yamlpos._plain(data, (), positions, offset)
    assert positions.root == Pos(1 + offset, 1)
    return _shown(plain, positions)


def _public(text: str) -> tuple[str, dict[Any, Any]] | tuple[str, Pos, str]:
    """What :func:`yamlpos.load` returns or raises (with a line offset, as for front matter)."""
    try:
        data, positions = yamlpos.load(text, line_offset=3)
    except YamlSyntaxError as exc:
        return exc.message, exc.pos, exc.code
    return repr(data), positions.entries


def test_the_c_parser_is_installed() -> None:
    # a declared dependency (pyproject.toml): without it every load takes the slow route
    assert yamlpos._CParser is not None, "ruamel.yaml.clib is missing: run make venv"


# every other test compares the C route with the pure one: without the C parser only the test
# above fails, once, saying why
needs_c = pytest.mark.skipif(
    yamlpos._CParser is None, reason="ruamel.yaml.clib is missing (test_the_c_parser_is_installed)"
)


@pytest.fixture(scope="module")
def workspace_texts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    generated = generate(tmp_path_factory.mktemp("yamlpos") / "arbetsyta", 100)
    # (name for messages, text): every YAML text beslut reads, as the loader is handed it
    texts = [*texts_of(REPO), *texts_of(generated)]
    return [
        (f"text {index} (line offset {offset})", text) for index, (text, offset) in enumerate(texts)
    ]


@needs_c
def test_workspaces_read_the_same_on_both_routes(workspace_texts: list[tuple[str, str]]) -> None:
    assert len(workspace_texts) > 100
    for name, text in workspace_texts:
        assert yamlpos._PURE_ONLY.search(text) is None, name  # really read by libyaml
        fast = _c_route(text, 1)
        assert isinstance(fast, tuple), (name, fast)
        assert fast == _pure_route(text, 1), name


SNIPPETS: dict[str, str] = {
    "plain": "a: 1\nb: text\n",
    "empty": "",
    "only_comment": "# nothing\n",
    "no_final_newline": "a: 1\nb: två",
    "scalar_root": "bara text\n",
    "list_root": "- a\n- b\n",
    "document_markers": "---\na: 1\n...\n",
    "document_start_inline": "--- {a: 1}\n",
    "two_documents": "a: 1\n---\nb: 2\n",
    "multiline_plain": "rubrik: en rad\n  som fortsätter\n\n  och ett nytt stycke\nb: 1\n",
    "multiline_double": 'a: "rad ett\n  rad två\\\n  tre"\nb: 1\n',
    "multiline_single": "a: 'rad ett\n\n  rad ''två'''\nb: 1\n",
    "literal": "text: |\n  Rad ett\n    indragen\n\n  Rad tre\nb: 1\n",
    "literal_keep": "text: |+\n  Rad\n\n\nb: 1\n",
    "literal_strip": "text: |-\n  Rad\n\nb: 1\n",
    "literal_indent_indicator": "text: |2\n    fyra\n  två\nb: 1\n",
    "literal_at_end": "text: |\n  sista",
    "literal_blank_lines_with_spaces": "text: |\n  a\n    \n  b\n   \nc: 1\n",
    "folded": "text: >\n  Ett stycke\n  som viks\n\n  Nytt\n    indraget\n  slut\nb: 1\n",
    "folded_strip": "text: >-\n  viks\n  ihop\n",
    "folded_keep": "text: >+\n  viks\n\n",
    "literal_in_list": "- |\n  ett\n- >\n  två\n  tre\n- c\n",
    "empty_values": "a:\nb: ~\nc: null\nd: ''\ne:\n  -\n  - x\nf: []\ng: {}\n",
    "flow": "a: [1, 'två', \"tre\", [4, {fem: 5}], {}]\nb: {x: 1, y: [a, b], z: 3}\n",
    "flow_empty_values": "b: {x: 1, z: }\nc: {y: , x}\nd: [a: ]\n",
    "empty_value_comment": "a: # kommentar\nb:\n  # kommentar\nc:\n  d:\ne: !!str\n",
    "flow_multiline": "a: [\n  ett,\n  två ,\n  tre\n]\nb: {\n  x: 1,\n  y: 2,\n}\n",
    "flow_trailing_comma": "a: [1, 2, ]\n",
    "flow_colons": "a: [a:b, http://x.se, 'c: d']\nb: {a:1}\nc: [a: 1]\n",
    "flow_key_only": "a: {x, y: 1}\n",
    "colon_in_value": "a: b:c\nurl: https://exempel.se/a?b=c#d\nc: a - b\n",
    "hash_in_value": "a: b#c\nb: b #kommentar\nc: '# inte kommentar'\n",
    "comments": "# först\na: 1 # efter\n# mellan\nb:\n  # inne\n  - x # y\n\n  - z\n",
    "sequences": "a:\n- x\n- y\nb:\n  - x\n  -   y\n  - - inre\n    - inre2\n  - k: v\n    l: w\n",
    "nested_maps": "a:\n  b:\n    c:\n      d: 1\n  e: 2\nf: 3\n",
    "complex_key": "? a\n: 1\n? [x, y]\n: 2\n",
    "explicit_key_scalar": "? lång nyckel\n: värde\n",
    "unicode": "rubrik: Åtgärder för ökad hälsa 😀\nnämnd: hälso- och sjukvårdsnämnden\n"
    "ärende:\n  - 'Övrigt ✓'\n  - \"Ä\\u00e5 \\U0001F600\"\nemoji😀nyckel: 😀😀 x\n",
    "unicode_flow": "a: [å, ä, ö, 😀, 中文]\nb: {ä: ö}\n",
    "long_line_unicode": "a: " + "åäö😀 " * 300 + "\nb: 1\n",
    "escapes": 'a: "\\t \\n \\\\ \\" \\/ \\x41 \\u00e5 \\U0001F600 \\_ \\N \\L \\P \\0 \\a \\e"\n',
    "bad_escape": 'a: "C:\\sökväg"\n',
    "single_quotes": "a: 'it''s'\nb: ''\n",
    "types": "a: yes\nb: no\nc: true\nd: False\ne: 012\nf: 0o12\ng: 0x1F\nh: 1_000\n"
    "i: 1.5\nj: .inf\nk: -.INF\nl: .nan\nm: 1e3\nn: -1\no: +1\np: 1.\nq: 0.5e-3\nr: 1:20\n"
    "s: ~\nt: Null\nu: 0b101\nv: 00\nw: -0\n",
    "dates": "a: 2025-02-30\nb: 2025-01-01\nc: 2025-01-01 10:00:00\nd: 2025-01-01T10:00:00Z\n"
    "e: '2025-01-01'\n",
    "tags": "a: !!str 12\nb: !!int '3'\nc: ! x\nd: !!float 1\ne: !!bool true\nf: !!null ''\n"
    "g: !!seq [a]\nh: !!map {a: 1}\ni: !!timestamp 2025-01-01\n",
    "unknown_tag": "a: !python/name:os.system x\n",
    "local_tag": "a: !minTagg x\n",
    "anchor": "a: &x 1\nb: *x\n",
    "alias_undefined": "a: *x\n",
    "merge": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
    "merge_quoted": "'<<': 1\n",
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "duplicate_nested": "g:\n  x: 1\n  x: 2\n",
    "duplicate_flow": "a: {x: 1, x: 2}\n",
    "mapping_values_not_allowed": "a: b: c\n",
    "no_space_after_colon": "rubrik:Text\nb: 1\n",
    "unclosed_list": "a: [1, 2\nb: 1\n",
    "unclosed_map": "a: {x: 1\nb: 1\n",
    "unclosed_quote": 'a: "öppen\nb: 1\n',
    "unclosed_single": "a: 'öppen\nb: 1\n",
    "text_after_quote": 'a: "x" y\n',
    "bad_indent": "a:\n  b: 1\n c: 2\n",
    "more_indented": "a: 1\n  b: 2\n",
    "list_indent": "a:\n  - x\n - y\n",
    "seq_after_map": "a: 1\n- b\n",
    "stray_bracket": "a: ]\n",
    "stray_comma": "a: [1,,2]\n",
    "question_mark": "a: ? b\n",
    "dash_in_value": "a: - b\n",
    "at_sign": "a: @x\n",
    "backtick": "a: `x`\n",
    "percent_value": "a: 50 %\nb: '%x'\n",
    "directive": "%YAML 1.1\n---\na: yes\nb: 012\n",
    "tag_directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "bad_directive": "%FOO bar\n---\na: 1\n",
    "long_key": "x" * 1100 + ": 1\n",
    "long_key_ok": "x" * 1000 + ": 1\n",
    "deep_50": "a: " + "[" * 49 + "]" * 49 + "\n",
    "deep_51": "a: " + "[" * 50 + "]" * 50 + "\n",
    "deep_block": "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v\n",
    "crlf": "a: 1\r\nb:\r\n  - x\r\n  - 'y\r\n    z'\r\ntext: |\r\n  rad\r\n  rad två\r\n",
    "crlf_error": "a: 1\r\nb: [x\r\nc: 2\r\n",
    "cr_only": "a: 1\rb: 2\r",
    "cr_mixed": "a: 1\r\rb: 2\r\n\nc: 3",
    "cr_list": "- a\r- b\r  - c\r",
    "crlf_scalars": 'a: "x\r\n  y"\r\nb: |+\r\n  k\r\n\r\n\r\nc: >\r\n  f\r\n  g\r\n\r\n  h\r\n',
    "crlf_plain_flow": "a: p\r\n  q\r\n\r\n  r\r\nb: [x,\r\n y]\r\n",
    "bom": "\ufeffa: 1\nb: [x, y]\n",
    "bom_front": "\ufeff# kommentar\nrubrik: x\n",
    "bom_twice": "\ufeff\ufeffa: 1\n",
    "bom_in_text": "a: x\ufeffy\nb: 1\n",
    "bom_on_second_line": "a: 1\n\ufeffb: 2\n",
    "bom_document_start": "\ufeff---\na: 1\n",
    "tab_in_value": "a: x\ty\nb: 'x\ty'\nc: \"x\\ty\"\n",
    "tab_after_colon": "a:\tx\nb: 1\n",
    "tab_in_flow": "a: [x,\ty]\n",
    "tab_in_block_scalar": "text: |\n  a\tb\n  \tc\n",
    "tab_trailing": "a: x\t\nb: 1\t# k\n",
    "tab_indent": "a:\n\tb: 1\n",
    "nel": "a: x\x85b: 1\n",
    "line_separator": "a: x\u2028y\nb: 1\n",
    "paragraph_separator": "a: x\u2029y\nb: 1\n",
    "nbsp": "a: x\u00a0y\n\u00a0b: 1\n",
    "zero_width": "a: x\u200by\n",
    "control_char": "a: x\x07y\n",
    "trailing_spaces": "a: x   \nb:   \n  - y  \n",
    "blank_lines": "\n\n\na: 1\n\n\nb: 2\n\n",
    "indented_root": "  a: 1\n  b: 2\n",
    "key_with_spaces": "lång nyckel med mellanslag: värde\n'citerad: nyckel': 1\n\"dubbel\": 2\n",
    "numeric_keys": "1: a\n2.5: b\ntrue: c\n~: d\n",
    "numeric_keys_distinct": "1: a\n2.5: b\nfalse: c\n~: d\n0x10: e\n2025-01-01: f\n.inf: g\n",
    "int_and_text_key": "1: a\n'1': b\n",
    "int_and_float_key": "1: a\n1.0: b\n",
    "nan_keys": ".nan: a\n.NaN: b\n",
    "none_and_text_key": "~: a\nNone: b\n",
    "block_scalar_key": "? |\n  nyckel\n: värde\n? >\n  vikt\n: 2\n",
    "quoted_typed": "a: '1'\nb: \"true\"\nc: 'null'\nd: |\n  12\n",
    "case_variants": "a: True\nb: TRUE\nc: tRUE\nd: NULL\ne: Null\nf: nULL\ng: .Inf\nh: 0X1F\n",
    "equals_and_merge_values": "a: =\nb: <<\nc: [<<, =]\n",
    "flow_root": "[a, {b: 1}, [], {}]\n",
    "empty_flow_root": "{}\n",
    "deep_block_50": "".join(f"{'  ' * i}k{i}:\n" for i in range(49)) + "  " * 49 + "v\n",
    "deep_block_51": "".join(f"{'  ' * i}k{i}:\n" for i in range(50)) + "  " * 50 + "v\n",
    "deep_list_50": "".join(f"{'  ' * i}-\n" for i in range(48)) + "  " * 48 + "- v\n",
    "deep_list_51": "".join(f"{'  ' * i}-\n" for i in range(49)) + "  " * 49 + "- v\n",
    "list_of_maps": "punkter:\n  - rubrik: Ett\n    text: |\n      Rad\n  - rubrik: Två\n"
    "    lista: [a, b]\n",
    "case_like": '---\ntyp: tjänsteskrivelse\ndiarienummer: KS 2025/118\nrubrik: "Handlingsplan: '
    'klarspråk"\ndatum: 2025-03-04\nförslag:\n  - Att anta planen.\n  - >-\n    Att ge uppdrag\n'
    "    till förvaltningen.\nbilagor: []\n",
}


PARAMS = [pytest.param(text, id=name) for name, text in SNIPPETS.items()]


@needs_c
@pytest.mark.parametrize("text", PARAMS)
def test_what_the_c_route_reads_it_reads_as_the_pure_route(text: str) -> None:
    fast = _c_route(text, 2)
    pure = _pure_route(text, 2)
    if isinstance(fast, tuple) and yamlpos._PURE_ONLY.search(text) is None:
        # read by libyaml: then ruamel must read the same, with the same positions
        assert fast == pure


@needs_c
def test_the_pure_only_text_is_where_the_routes_differ() -> None:
    differ = sorted(
        name
        for name, text in SNIPPETS.items()
        if isinstance(_c_route(text), tuple) and _c_route(text) != _pure_route(text)
    )
    assert differ, "no snippet shows why _PURE_ONLY exists"
    assert all(yamlpos._PURE_ONLY.search(SNIPPETS[name]) for name in differ), differ


@needs_c
@pytest.mark.parametrize("text", PARAMS)
def test_load_answers_as_the_pure_route(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Data, positions, and for malformed text the message, file position and code."""
    answer = _public(text)
    monkeypatch.setattr(yamlpos, "_CParser", None)
    assert answer == _public(text)


@needs_c
def test_well_formed_snippets_take_the_c_route(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above compare something: most snippets are read by libyaml."""
    pure_calls: list[str] = []
    original = yamlpos._parse_pure

    def counting(text: str) -> Any:
        pure_calls.append(text)
        return original(text)

    monkeypatch.setattr(yamlpos, "_parse_pure", counting)
    for name in (
        "plain",
        "multiline_plain",
        "literal",
        "folded",
        "flow",
        "comments",
        "sequences",
        "unicode",
        "types",
        "dates",
        "numeric_keys_distinct",
        "crlf",
        "case_like",
    ):
        yamlpos.load(SNIPPETS[name])
    assert pure_calls == []
    yamlpos.load(SNIPPETS["bom"])
    with pytest.raises(YamlSyntaxError):
        yamlpos.load(SNIPPETS["anchor"])
    assert pure_calls == [SNIPPETS["bom"], SNIPPETS["anchor"]]


@needs_c
@pytest.mark.parametrize("items", [MAX_VALUES - 3, MAX_VALUES - 2])
def test_the_value_limit_is_counted_as_the_pure_route_counts(items: int) -> None:
    """A group, its key, its list and the list's items: exactly the limit reads on the C
    route; one more is refused with the pure route's message and place."""
    text = "a:\n" + "- x\n" * items
    if items + 3 <= MAX_VALUES:
        data, _ = yamlpos._read_c(text, 0)
        assert len(data["a"]) == items
        assert _c_route(text) == _pure_route(text)
        return
    with pytest.raises(yamlpos._Unusual):
        yamlpos._read_c(text, 0)
    with pytest.raises(YamlSyntaxError) as info:
        yamlpos.load(text)
    assert (info.value.code, info.value.pos) == ("för-många-värden", Pos(MAX_VALUES - 1, 3))
