"""The one Jinja environment (strict undefined, autoescaping, Swedish filters) and the
docxtpl template class that uses it.

docxtpl compiles each XML part of a template with ``from_string`` on every render, and
re-runs its tag-patching regexes; both depend only on the template, so both are cached here.
That makes rendering many cases from one template about twice as fast. The XML text of each
part before rendering (:class:`PartSources`) is likewise taken once from the template as parsed
(never rendered) and reused, instead of serialising the body and re-parsing every header and
footer per case.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.oxml import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

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
_SPLIT: OrderedDict[str, str] = OrderedDict()
"""A patched part with each ``<w:p`` on a line of its own (docxtpl's first step of rendering)."""

_HEADER_URI = DocxTemplate.HEADER_URI
_FOOTER_URI = DocxTemplate.FOOTER_URI
_LISTING_CHARS = ("\t", "\a", "\n", "\f")
"""What docxtpl's ``resolve_listing`` rewrites inside ``w:t``; a paragraph without any of these
comes out of it unchanged."""
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
"""The core properties docxtpl 0.20 renders as templates (``render_properties``)."""
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
"""docxtpl's paragraph pattern in ``resolve_listing``."""


def _cached(store: OrderedDict[str, str], key: str, compute: Callable[[str], str]) -> str:
    found = store.get(key)
    if found is None:
        found = compute(key)
        store[key] = found
        if len(store) > _CACHE_SIZE:
            store.popitem(last=False)
    return found


def _xml_text(element: Any) -> str:
    """docxtpl's ``xml_to_string``."""
    return str(etree.tostring(element, encoding="unicode", pretty_print=False))


@dataclass(frozen=True)
class PartSources:
    """The XML text docxtpl renders, taken from a template as parsed (never rendered).

    ``body`` is what ``get_xml`` gives (the body serialised); ``parts`` is, per relationship
    type (header, footer), the (relationship id, XML text) of each related part with content,
    in the document's order, as ``build_headers_footers_xml`` finds them. A copy of the parsed
    template has the same text, so every render of it reuses these strings (and, through them,
    the cached patching and compiled Jinja templates) instead of serialising and re-parsing.
    """

    body: str
    parts: Mapping[str, tuple[tuple[str, str], ...]]
    footnotes: bool
    """Whether the template has a footnotes part (docxtpl renders it as a template)."""

    @classmethod
    def of(cls, docx: Any) -> PartSources:
        """The sources of ``docx``, a python-docx document that has not been rendered."""
        parts: dict[str, tuple[tuple[str, str], ...]] = {}
        for uri in (_HEADER_URI, _FOOTER_URI):
            parts[uri] = tuple(
                (rel_key, _xml_text(parse_xml(rel.target_part.blob)))
                for rel_key, rel in docx._part.rels.items()
                if rel.reltype == uri and rel.target_part.blob
            )
        footnotes = any(
            part.content_type == CT.WML_FOOTNOTES for part in docx.part.package.iter_parts()
        )
        return cls(_xml_text(docx._element.body), parts, footnotes)


class Template(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template with its (pure) tag-patching step cached per XML part.

    With ``sources`` set (the :class:`PartSources` of the template this document is a fresh
    copy of), the body's and the headers' and footers' XML text is not serialised again.
    ``render_xml_part`` and ``resolve_listing`` are docxtpl's, with their pure steps cached or
    skipped where they would change nothing; the result is the same text.
    """

    sources: PartSources | None = None

    def patch_xml(self, xml: str) -> str:
        return _cached(_PATCHED, xml, lambda text: str(super(Template, self).patch_xml(text)))

    def get_xml(self) -> str:
        if self.sources is not None:
            return self.sources.body
        return str(super().get_xml())

    def build_headers_footers_xml(
        self, context: Any, uri: str, jinja_env: jinja2.Environment | None = None
    ) -> Iterator[tuple[str, bytes]]:
        if self.sources is None:
            yield from super().build_headers_footers_xml(context, uri, jinja_env)
            return
        for rel_key, source in self.sources.parts.get(uri, ()):
            part = self.docx._part.rels[rel_key].target_part
            encoding = self.get_headers_footers_encoding(source)
            xml = self.patch_xml(source)
            xml = self.render_xml_part(xml, part, context, jinja_env)
            yield rel_key, xml.encode(encoding)

    def render_xml_part(
        self, src_xml: str, part: Any, context: Any, jinja_env: jinja2.Environment | None = None
    ) -> str:
        # docxtpl's render_xml_part (0.20), with the first substitution cached per source.
        src_xml = _cached(_SPLIT, src_xml, lambda text: re.sub(r"<w:p([ >])", r"\n<w:p\1", text))
        try:
            self.current_rendering_part = part
            template = jinja_env.from_string(src_xml) if jinja_env else jinja2.Template(src_xml)
            dst_xml = template.render(context)
        except jinja2.TemplateError as exc:
            if hasattr(exc, "lineno") and exc.lineno is not None:
                line_number = max(exc.lineno - 4, 0)
                exc.docx_context = map(  # type: ignore[attr-defined]
                    lambda x: re.sub(r"<[^>]+>", "", x),
                    src_xml.splitlines()[line_number : (line_number + 7)],
                )
            raise exc
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        dst_xml = (
            dst_xml.replace("{_{", "{{")
            .replace("}_}", "}}")
            .replace("{_%", "{%")
            .replace("%_}", "%}")
        )
        return self.resolve_listing(dst_xml)

    def render_properties(
        self, context: dict[str, Any], jinja_env: jinja2.Environment | None = None
    ) -> None:
        """docxtpl's ``render_properties``, without rendering a property that holds no tag.

        Jinja gives such a text back as it is unless it has a carriage return or ends with a
        line break (Jinja normalises and drops those), so only those and any text with a
        brace are rendered; every property is set again, as docxtpl does.
        """
        if jinja_env is None:
            super().render_properties(context, jinja_env)
            return
        properties = self.docx.core_properties
        for prop in _PROPERTIES:
            initial = getattr(properties, prop)
            if "{" in initial or "\r" in initial or initial.endswith("\n"):
                initial = jinja_env.from_string(initial).render(context)
            setattr(properties, prop, initial)

    def render_footnotes(
        self, context: dict[str, Any], jinja_env: jinja2.Environment | None = None
    ) -> None:
        # docxtpl looks through every part of the package, once per section, for a footnotes
        # part to render; a template without one gets none while rendering (only header and
        # footer parts and pictures are added), so there is nothing to look for.
        if self.sources is not None and not self.sources.footnotes:
            return
        super().render_footnotes(context, jinja_env)

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's ``resolve_listing``, run only on the paragraphs it can change.

        It rewrites tabs, line and page breaks and ``\\a`` inside the text of each paragraph
        (``<w:p …>…</w:p>``, matched as docxtpl matches it); a paragraph without any of those
        characters is left as it is. docxtpl's own code run on one such paragraph alone
        finds the same match, so the result is the same text.
        """
        if not any(char in xml for char in _LISTING_CHARS):
            return xml

        def paragraph(match: re.Match[str]) -> str:
            text = match.group(0)
            if not any(char in text for char in _LISTING_CHARS):
                return text
            return str(super(Template, self).resolve_listing(text))

        return _PARAGRAPH.sub(paragraph, xml)


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
