"""Issue 13 point 8: what the YAML and Jinja parsers say reaches the user only in Swedish.

Every error here is produced by the real parser (ruamel.yaml on a case's front matter, Jinja on a
Word template), never by a made-up exception. Each test checks the Swedish explanation, the
position, and that none of the parser's own English words leaked into the message.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import jinja2
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from beslut.cli.main import cli
from beslut.render.templating import SYNTAX_FALLBACK, environment, syntax_message
from beslut.validate.workspace import load_workspace
from conftest import CASE, MEETING, MakeWorkspace

REL = "content/ärenden/x.md"

ENGLISH = re.compile(
    r"\b(found|expected|expect|while|parsing|scanning|mapping|allowed|token|got|unexpected|"
    r"character|encountered|unknown|innermost|looking|closed|named|missing|stream|"
    r"sequence|scalar|block end|template|statement|escape|indicator)\b",
    re.IGNORECASE,
)
"""Words of ruamel's and Jinja's messages that no Swedish message of beslut contains."""


KEYWORDS = {"endif", "endfor", "else", "elif", "for", "if", "in", "is"}
"""Jinja's own keywords, which a Swedish message may name (”Lägg till {% endif %}”)."""


def _english_words(original: str, source: str) -> set[str]:
    """The parser's own words: those of its message that the user did not write."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", original)}
    return {w for w in words if w not in source.lower() and w not in KEYWORDS}


def _assert_no_english(message: str, original: str, source: str) -> None:
    assert not ENGLISH.search(message), message
    leaked = {w for w in _english_words(original, source) if re.search(rf"\b{w}\b", message, re.I)}
    assert not leaked, (leaked, message)


# --------------------------------------------------------------------------- YAML

# (what the line becomes, the line it replaces, file:line:column, a part of the Swedish text)
YAML_CASES = {
    "hakparentes": (
        "rubrik: Ett ärende om åtgärder",
        "rubrik: [Ett ärende",
        "3:9",
        "hakparentesen [ som börjar här stängs aldrig",
    ),
    "klammer": (
        "instans: hsn",
        "instans: {hsn",
        "5:10",
        "klammerparentesen { som börjar här stängs aldrig",
    ),
    "kolon-i-värdet": (
        "rubrik: Ett ärende om åtgärder",
        "rubrik: Ärende: om åtgärder",
        "3:15",
        "ett kolon står på fel ställe",
    ),
    "tabb-inne-i-raden": (
        "instans: hsn",
        "instans: hsn\tx: y",
        "5:13",
        "tabbtecken är inte tillåtet",
    ),
    "tabb-som-indrag": (
        "  namn: Åsa Öberg",
        "\tnamn: Åsa Öberg",
        "8:1",
        "Tabbtecken används för indrag",
    ),
    "kolon-saknas": (
        "instans: hsn",
        "instans: hsn\nbara text\ndatum2: 1",
        "7:1",
        "ett kolon saknas efter nyckeln",
    ),
    "dubblett": (
        "datum: 2025-09-10",
        "datum: 2025-09-10\ninstans: rs",
        "7:1",
        "nyckeln ”instans” förekommer två gånger i samma grupp (första gången på rad 5)",
    ),
    "citattecken": (
        "rubrik: Ett ärende om åtgärder",
        "rubrik: 'Ett ärende",
        "3:9",
        "citattecknet ' som börjar här avslutas aldrig",
    ),
    "indrag": (
        "  namn: Åsa Öberg",
        "  namn: Åsa Öberg\n titel: Utredare",
        "9:2",
        "indraget stämmer inte med raderna ovanför",
    ),
    "listindrag": (
        "    - Hälso- och sjukvårdsnämnden godkänner planen",
        "    - Hälso- och sjukvårdsnämnden godkänner planen\n   - En till",
        "13:4",
        "listpunkten (-) har ett annat indrag",
    ),
    "snabel-a": ("instans: hsn", "instans: @hsn", "5:10", "ett tecken kan inte inleda ett värde"),
    "bakåtfnutt": ("instans: hsn", "instans: `hsn", "5:10", "ett tecken kan inte inleda"),
    "ensam-hakparentes": ("instans: hsn", "instans: ]", "5:10", "en ] eller } stänger något"),
    "ensam-klammer": ("instans: hsn", "instans: }", "5:10", "en ] eller } stänger något"),
    "text-efter-citat": (
        "rubrik: Ett ärende om åtgärder",
        'rubrik: "Ett ärende" om åtgärder',
        "3:22",
        "text står efter det avslutande citattecknet",
    ),
    "okänd-escape": (
        "rubrik: Ett ärende om åtgärder",
        'rubrik: "C:\\mappen"',
        "3:12",
        "ett omvänt snedstreck (\\) inom dubbla citattecken",
    ),
    "ofullständig-teckenkod": (
        "rubrik: Ett ärende om åtgärder",
        'rubrik: "\\u12"',
        "3:10",
        "en teckenkod (\\u eller \\x) inom dubbla citattecken är ofullständig",
    ),
    "blocktecken": (
        "rubrik: Ett ärende om åtgärder",
        "rubrik: |x\n  Ett ärende",
        "3:10",
        "tecknet efter | eller > är fel",
    ),
    "två-kommatecken": (
        "instans: hsn",
        "instans: [hsn,, rs]",
        "5:15",
        "ett värde saknas mellan två kommatecken",
    ),
    "tom-ankare": ("instans: hsn", "instans: &", "5:11", "efter & eller * ska ett namn stå"),
    "trasig-tagg": ("instans: hsn", "instans: !<x", "5:13", "en tagg (det som börjar med !)"),
    "lista-i-grupp": (
        "instans: hsn",
        "instans: hsn\n- en punkt",
        "6:1",
        "en listpunkt (-) står där en nyckel väntades",
    ),
    "bindestreck-efter-värde": (
        "instans: hsn",
        "instans: - hsn",
        "5:10",
        "ett bindestreck (-) står där det inte kan inleda en listpunkt",
    ),
    "mellanslag-efter-kolon": (
        "instans: hsn",
        "instans:hsn",
        "5:8",
        "mellanslag saknas efter kolon",
    ),
}


def _front_matter(text: str) -> str:
    return text.split("---\n")[1]


@pytest.mark.parametrize("name", list(YAML_CASES))
def test_yaml_error_in_front_matter_is_swedish_and_located(
    make_workspace: MakeWorkspace, name: str
) -> None:
    old, new, where, swedish = YAML_CASES[name]
    assert old in CASE
    text = CASE.replace(old, new, 1)
    original = ""
    try:
        YAML(typ="rt").load(_front_matter(text))
    except MarkedYAMLError as exc:  # what ruamel itself says
        original = f"{exc.problem} {exc.context}"
    if "\t" not in new.split(":", 1)[0]:  # tab indent is caught before ruamel
        assert original.strip(), f"ruamel accepted {new!r}"
    diagnostics = load_workspace(make_workspace({REL: text})).diagnostics
    (found,) = [d for d in diagnostics if d.path == REL]
    line = found.format()
    assert line.startswith(f"{REL}:{where}: fel: "), line
    assert swedish in found.message, found.message
    assert found.code == "yaml-syntax"
    _assert_no_english(found.message, original, new)


# --------------------------------------------------------------------------- Jinja

TEMPLATE = "templates/tjänsteskrivelse.docx"

# (the tag added as its own paragraph, the tag the message names, a part of the Swedish text)
JINJA_CASES = {
    "två-värden": ("{{ rubrik diarienummer }}", None, "”diarienummer” står där taggen borde sluta"),
    "tomt-uttryck": ("{{ }}", None, "ett värde saknas i taggen"),
    "if-utan-endif": ("{% if rubrik %}", None, "blocket {% if … %} avslutas aldrig"),
    "for-utan-endfor": ("{% for p in personer %}", None, "blocket {% for … %} avslutas aldrig"),
    "fel-end": (
        "{% if rubrik %}x{% endfor %}",
        "{% endfor %}",
        "taggen {% endfor %} står där {% endif %} väntades",
    ),
    "ensam-endif": ("{% endif %}", None, "hör inte till något öppet block"),
    "ensam-else": ("{% else %}", None, "hör inte till något öppet block"),
    "okänd-tagg": ("{% visa rubrik %}", None, "”visa” är ingen känd tagg"),
    "okänt-filter": ("{{ datum | långdatum }}", None, "filtret ”långdatum” finns inte"),
    "citattecken": ("{{ rubrik ~ 'x }}", None, "en text inom citattecken avslutas aldrig"),
    "konstigt-tecken": ("{{ rubrik $ }}", None, "tecknet ”$” kan inte stå i en tagg"),
    "for-utan-in": (
        "{% for p personer %}{% endfor %}",
        "{% for p personer %}",
        "”personer” står där ”in” väntades",
    ),
    "parentes": ("{{ (rubrik }}", None, "”)” saknas före"),
    "hakparentes": ("{{ personer[0 }}", None, "”]” saknas före"),
    "överbliven-parentes": ("{{ rubrik) }}", None, "”)” stänger något som aldrig öppnades"),
    "tom-tagg": ("{% %}", None, "taggen {% %} är tom"),
    "punkt-utan-fält": ("{{ handläggare. }}", None, "efter en punkt ska ett fältnamn stå"),
    "slutar-efter-plus": ("{{ rubrik ~ }}", None, "taggen slutar mitt i ett uttryck"),
    "filter-utan-namn": ("{{ rubrik | }}", None, "ett namn väntades"),
    "tilldela-text": (
        "{% set 'x' = rubrik %}",
        None,
        "i {% set %} och {% for %} ska ett namn stå före = eller in",
    ),
    "likhetstecken": ("{{ rubrik = 1 }}", None, "”=” står där taggen borde sluta"),
}


def _with_paragraph(path: Path, text: str) -> bytes:
    document = docx.Document(str(path))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _jinja_original(tag: str) -> str:
    try:
        environment().from_string(tag)
    except jinja2.TemplateSyntaxError as exc:
        return exc.message or ""
    raise AssertionError(f"Jinja accepted {tag!r}")


@pytest.mark.parametrize("name", list(JINJA_CASES))
def test_jinja_error_in_word_template_is_swedish_and_names_the_tag(
    make_workspace: MakeWorkspace, name: str
) -> None:
    tag, shown, swedish = JINJA_CASES[name]
    original = _jinja_original(tag)
    root = make_workspace({REL: CASE})
    (root / TEMPLATE).write_bytes(_with_paragraph(root / TEMPLATE, tag))
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 1
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith(TEMPLATE)]
    prefix = (
        f"{TEMPLATE}:1:1: fel: Mallen {TEMPLATE}, som används för {REL}, har ett syntaxfel i "
        f"taggen ”{shown or tag}” i dokumentets text: "
    )
    assert line.startswith(prefix), line
    assert swedish in line, line
    assert line.endswith("Rätta taggen i mallen. [mallfel]"), line
    _assert_no_english(line[len(prefix) :], original, tag)


@pytest.mark.parametrize(
    ("tag", "swedish"),
    [
        ("{% if rubrik is tom %}x{% endif %}", "testet ”tom” efter ”is” finns inte"),
        ("{% if rubrik | kort %}x{% endif %}", "filtret ”kort” finns inte"),
        ("{{ rubrik + 1 }}", "en tagg använder ett värde på ett sätt som inte går"),
        ("{{ rubrik() }}", "en tagg använder ett värde på ett sätt som inte går"),
    ],
    ids=["okänt-test", "okänt-filter-i-villkor", "text-plus-tal", "anrop"],
)
def test_jinja_error_while_filling_in_is_swedish(
    make_workspace: MakeWorkspace, tag: str, swedish: str
) -> None:
    root = make_workspace({REL: CASE})
    (root / TEMPLATE).write_bytes(_with_paragraph(root / TEMPLATE, tag))
    try:  # what Jinja itself says, to make sure none of it is shown
        environment().from_string(tag).render(rubrik="x")
    except Exception as exc:
        original = str(exc)
    else:
        raise AssertionError(f"Jinja accepted {tag!r}")
    result = CliRunner().invoke(cli, ["check", str(root)])
    assert result.exit_code == 1, result.output
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith(TEMPLATE)]
    prefix = f"{TEMPLATE}:1:1: fel: Mallen {TEMPLATE}, som används för {REL}, kunde inte fyllas i: "
    assert line.startswith(prefix), line
    assert swedish in line, line
    _assert_no_english(line[len(prefix) :], original, tag)


def test_jinja_error_in_the_kallelse_template_is_swedish(make_workspace: MakeWorkspace) -> None:
    root = make_workspace()
    path = root / "templates" / "kallelse.docx"
    path.write_bytes(_with_paragraph(path, "{% for punkt in punkter %}"))
    result = CliRunner().invoke(cli, ["mallar", str(root)])
    assert result.exit_code == 1
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("templates/kallelse")]
    assert line == (
        "templates/kallelse.docx:1:1: fel: Mallen templates/kallelse.docx har ett syntaxfel i "
        "taggen ”{% for punkt in punkter %}” i dokumentets text: blocket {% for … %} avslutas "
        "aldrig. Lägg till {% endfor %} där blocket ska sluta. Rätta taggen i mallen. [mallfel]"
    )


def test_an_unlisted_jinja_message_gets_the_swedish_fallback() -> None:
    # A message no table entry knows (constructed: real Jinja has none we have not listed).
    exc = jinja2.TemplateSyntaxError("a future Jinja message", 1)
    assert syntax_message(exc) == SYNTAX_FALLBACK
    assert not ENGLISH.search(SYNTAX_FALLBACK)


def test_every_listed_jinja_case_is_a_distinct_real_error() -> None:
    messages = {name: _jinja_original(tag) for name, (tag, _, _) in JINJA_CASES.items()}
    swedish = {syntax_message(jinja2.TemplateSyntaxError(m, 1)) for m in messages.values()}
    assert SYNTAX_FALLBACK not in swedish


@pytest.mark.parametrize(
    ("tag", "swedish"),
    [
        (
            "{{ möte.finns_inte }}",
            "använder ett värde ”finns_inte” som inte finns i kallelsens data",
        ),
        ("{{ möte.instans + 1 }}", "kunde inte fyllas i: en tagg använder ett värde på ett sätt"),
    ],
    ids=["okänt-fält", "text-plus-tal"],
)
def test_kallelse_that_cannot_be_filled_in_is_swedish(
    make_workspace: MakeWorkspace, tag: str, swedish: str
) -> None:
    meeting = MEETING + "  - typ: beslut\n    diarienummer: 25HSN1\n"
    root = make_workspace({REL: CASE, "content/möten/m.yaml": meeting})
    path = root / "templates" / "kallelse.docx"
    path.write_bytes(_with_paragraph(path, tag))
    result = CliRunner().invoke(cli, ["build", str(root), "--format", "docx"])
    assert result.exit_code == 1
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        "content/möten/m.yaml:1:1: fel: Mallen templates/kallelse.docx, som används för kallelsen, "
    ), line
    assert swedish in line and line.endswith("[paketfel]"), line
    assert not ENGLISH.search(line) and not re.search(r"\b(attribute|str|int)\b", line), line
