"""The one Jinja environment (strict undefined, autoescaping, Swedish filters) and the
docxtpl template class that uses it.

docxtpl compiles each XML part of a template with ``from_string`` on every render, and
re-runs its tag-patching regexes; both depend only on the template, so both are cached here.
That makes rendering many cases from one template about twice as fast.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from beslut.model.formatting import FILTERS

_CACHE_SIZE = 256


class _CachingEnvironment(jinja2.Environment):
    """A Jinja environment that reuses compiled templates for identical sources."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: OrderedDict[str, jinja2.Template] = OrderedDict()

    def from_string(  # type: ignore[override]
        self, source: str, globals: dict[str, Any] | None = None, template_class: Any = None
    ) -> jinja2.Template:
        if globals or template_class is not None:
            return super().from_string(source, globals, template_class)
        found = self._compiled.get(source)
        if found is None:
            found = super().from_string(source)
            self._compiled[source] = found
            if len(self._compiled) > _CACHE_SIZE:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(source)
        return found


@cache
def environment() -> jinja2.Environment:
    """Return the shared Jinja environment used for every template."""
    env = _CachingEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(FILTERS)
    return env


_PATCHED: OrderedDict[str, str] = OrderedDict()


class Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template with its (pure) tag-patching step cached per XML part."""

    def patch_xml(self, xml: str) -> str:
        found = _PATCHED.get(xml)
        if found is None:
            found = str(super().patch_xml(xml))
            _PATCHED[xml] = found
            if len(_PATCHED) > _CACHE_SIZE:
                _PATCHED.popitem(last=False)
        return found


# --------------------------------------------------------------------------- Jinja's messages
#
# Jinja's syntax errors are English; every one a user can meet is translated here (first match
# wins), and anything else gets a generic Swedish explanation. Jinja's own text is never shown.

_TOKENS = {
    "end of print statement": "slutet av taggen (}})",
    "end of statement block": "slutet av taggen (%})",
    "end of template": "mallens slut",
    "end of comment": "slutet av kommentaren (#})",
    "begin of print statement": "{{",
    "begin of statement block": "{%",
    "begin of comment": "{#",
    "name": "ett namn",
    "string": "en text",
    "integer": "ett tal",
    "float": "ett tal",
}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_BLOCKS = "if, for, set, with eller macro och deras end-taggar"


def _token(name: str) -> str:
    return _TOKENS.get(name, f"”{name}”")


def _unclosed_block(match: re.Match[str]) -> str:
    block = match["block"]
    return (
        f"blocket {{% {block} … %}} avslutas aldrig. Lägg till {{% end{block} %}} där blocket "
        "ska sluta."
    )


def _misplaced_end(match: re.Match[str]) -> str:
    tag, block = match["tag"], match["block"]
    return (
        f"taggen {{% {tag} %}} står där {{% end{block} %}} väntades: blocket {{% {block} … %}} "
        f"är inte avslutat. Avsluta det med {{% end{block} %}} före {{% {tag} %}}, eller ta bort "
        f"{{% {tag} %}} om den är överflödig."
    )


def _stray_end(match: re.Match[str]) -> str:
    tag = match["tag"]
    return (
        f"taggen {{% {tag} %}} hör inte till något öppet block (det saknas ett {{% if %}} eller "
        f"{{% for %}} före den). Ta bort den eller lägg till blocket den ska avsluta."
    )


def _unknown_tag(match: re.Match[str]) -> str:
    return (
        f"”{match['tag']}” är ingen känd tagg. Kontrollera stavningen; i {{% %}} kan stå {_BLOCKS}."
    )


def _no_filter(match: re.Match[str]) -> str:
    known = ", ".join(sorted(FILTERS))
    return (
        f"filtret ”{match['name']}” finns inte. Kontrollera stavningen efter |; beslut har "
        f"filtren {known} (och Jinjas vanliga, t.ex. upper och join)."
    )


def _no_test(match: re.Match[str]) -> str:
    return (
        f"testet ”{match['name']}” efter ”is” finns inte. Kontrollera stavningen, "
        "t.ex. ”is defined” eller ”is none”."
    )


def _bad_char(match: re.Match[str]) -> str:
    char = match["char"]
    if char in "'\"":
        return (
            f"en text inom citattecken avslutas aldrig. Lägg till ett avslutande {char} "
            "före taggens slut."
        )
    return f"tecknet ”{char}” kan inte stå i en tagg. Ta bort det eller sätt det inom citattecken."


def _expected_token(match: re.Match[str]) -> str:
    want, got = match["want"], match["got"]
    if want in ("end of print statement", "end of statement block"):
        return (
            f"”{got}” står där taggen borde sluta. Troligen står två värden efter varandra "
            "eller ett tecken för mycket; skriv ett uttryck per tagg (sätt ihop texter med ~)."
        )
    if want == "in":
        return f"”{got}” står där ”in” väntades; en for-tagg skrivs {{% for namn in lista %}}."
    return f"{_token(want)} väntades men {_token(got)} står där. Rätta taggen."


def _no_expression(_match: re.Match[str]) -> str:
    return (
        "ett värde saknas i taggen: den slutar innan den säger vad den ska visa eller pröva. "
        "Skriv t.ex. {{ rubrik }} eller {% if beslut %}."
    )


def _unexpected_expected(match: re.Match[str]) -> str:
    return (
        f"en parentes öppnas men stängs aldrig: ”{match['want']}” saknas före "
        f"{_token(match['got'])}. Lägg till ”{match['want']}”."
    )


def _unexpected(match: re.Match[str]) -> str:
    got = match["got"]
    if got in _CLOSERS:
        return (
            f"”{got}” stänger något som aldrig öppnades. Ta bort tecknet eller lägg till "
            f"”{_CLOSERS[got]}” där det ska börja."
        )
    if got in ("end of print statement", "end of statement block", "end of template"):
        return (
            "taggen slutar mitt i ett uttryck (t.ex. direkt efter +, ~ eller |). Skriv klart "
            "uttrycket eller ta bort tecknet."
        )
    return f"{_token(got)} kan inte stå här. Rätta taggen."


_SYNTAX: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern, re.DOTALL), explain)
    for pattern, explain in (
        (
            r"^Unexpected end of template\..*The innermost block that needs to be closed is "
            r"'(?P<block>\w+)'",
            _unclosed_block,
        ),
        (
            r"^Encountered unknown tag '(?P<tag>\w+)'\..*The innermost block that needs to be "
            r"closed is '(?P<block>\w+)'",
            _misplaced_end,
        ),
        (r"^Encountered unknown tag '(?P<tag>end\w+|else|elif)'\.?$", _stray_end),
        (r"^Encountered unknown tag '(?P<tag>[^']+)'", _unknown_tag),
        (r"^No filter named '(?P<name>[^']+)'", _no_filter),
        (r"^No test named '(?P<name>[^']+)'", _no_test),
        (r"^unexpected char (?P<q>['\"])(?P<char>.)(?P=q) at \d+$", _bad_char),
        (r"^expected token '(?P<want>[^']+)', got '(?P<got>[^']*)'$", _expected_token),
        (r"^[Ee]xpected an expression, got '(?P<got>[^']+)'$", _no_expression),
        (r"^unexpected '(?P<got>[^']+)', expected '(?P<want>[^']+)'$", _unexpected_expected),
        (r"^unexpected '(?P<got>[^']+)'$", _unexpected),
        (
            r"^Missing end of comment tag$",
            lambda _m: "en kommentar {# avslutas aldrig. Lägg till #} efter kommentaren.",
        ),
        (
            r"^tag name expected$",
            lambda _m: (
                f"taggen {{% %}} är tom. Skriv vad den ska göra ({_BLOCKS}) eller ta bort den."
            ),
        ),
        (
            r"^expected name or number$",
            lambda _m: (
                "efter en punkt ska ett fältnamn stå, t.ex. ärende.rubrik. Ta bort punkten "
                "eller skriv fältets namn."
            ),
        ),
        (
            r"^can't assign to ",
            lambda _m: (
                "i {% set %} och {% for %} ska ett namn stå före = eller in, t.ex. "
                "{% set namn = rubrik %} eller {% for p in personer %}."
            ),
        ),
        (
            r"^block '(?P<name>[^']+)' defined twice$",
            lambda m: f"blocket ”{m['name']}” finns två gånger. Byt namn på det ena.",
        ),
        (
            r"^Unexpected end of template",
            lambda _m: (
                "mallen tar slut mitt i en tagg eller ett block. Avsluta varje {% if %} "
                "med {% endif %} och varje {% for %} med {% endfor %}."
            ),
        ),
    )
)

SYNTAX_FALLBACK = (
    "taggen kan inte tolkas. Kontrollera att varje {{ avslutas med }} och varje {% med %}, "
    "att citattecken och parenteser är parade och att varje {% if %} och {% for %} har sitt "
    "{% endif %} och {% endfor %}."
)


_RUNTIME: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^No filter named '(?P<name>[^']+)'"), _no_filter),
    (re.compile(r"^No test named '(?P<name>[^']+)'"), _no_test),
)


def runtime_message(exc: Exception) -> str | None:
    """A Swedish clause for a Jinja error met while filling in (a filter or test that does not
    exist, used in a condition), or None when Jinja's text is not one of those."""
    message = str(getattr(exc, "message", None) or exc).strip()
    for pattern, explain in _RUNTIME:
        match = pattern.search(message)
        if match:
            return explain(match)
    return None


def syntax_message(exc: jinja2.TemplateSyntaxError) -> str:
    """Jinja's syntax error as a Swedish clause (what is wrong and how to fix it)."""
    message = (exc.message or "").strip()
    for pattern, explain in _SYNTAX:
        match = pattern.search(message)
        if match:
            return explain(match)
    return SYNTAX_FALLBACK
