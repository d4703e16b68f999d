"""The one Markdown dialect beslut reads: CommonMark with tables, strikethrough and footnotes.

Rendering, the body outline and the content checks all parse case bodies with this parser, so
what a check sees is exactly what is printed.

markdown-it stops nesting blocks at ``maxNesting`` levels (its guard against deep recursion) and
then silently drops the rest of the container: ``- - - … x`` eleven lists deep, or 20 ``>``,
would lose text without a word. The parser records the first body line it dropped in the
parse environment (:data:`TOO_DEEP`), and the outline reports it as an error (``för-djup-text``)
so no text is lost unnoticed. Inline nesting (emphasis, brackets) past the limit keeps its
text (the markers are printed as they stand), so only blocks need the guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

MAX_NESTING = 20
"""markdown-it's own limit (CommonMark preset), in token levels: a list in a list counts two
(list and list item), a quote one. Kept: it is what keeps the recursive parser bounded."""

TOO_DEEP = "beslut_too_deep_line"
"""Key in the parse environment: 0-based body line of the first block dropped as too deep."""


def _guard_nesting(md: MarkdownIt) -> None:
    """Record where markdown-it's block parser would drop text for nesting too deeply."""
    tokenize = md.block.tokenize

    def guarded(state: Any, start: int, end: int) -> None:
        if state.level >= md.options["maxNesting"]:
            first = state.skipEmptyLines(start)
            if first < end:
                state.env.setdefault(TOO_DEEP, first)
        tokenize(state, start, end)

    md.block.tokenize = guarded  # type: ignore[method-assign,assignment]


@cache
def parser() -> MarkdownIt:
    """Return the shared parser (no typographic replacements, no automatic links)."""
    md = MarkdownIt(
        "commonmark", {"typographer": False, "linkify": False, "maxNesting": MAX_NESTING}
    )
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    _guard_nesting(md)
    return md


@dataclass(frozen=True)
class ParsedBody:
    """A body parsed by :func:`parser`: its tokens, and the 0-based line of the first block
    dropped as too deep (:data:`TOO_DEEP`), if any."""

    tokens: tuple[Token, ...]
    too_deep: int | None


@lru_cache(maxsize=256)
def parse_body(text: str) -> ParsedBody:
    """``text`` parsed once for all who read it in this process: the outline made when a case
    is loaded and the conversion to Word parse the same body, and get the same tokens.

    The tokens are shared: callers read them and never change them. Keyed by the text itself,
    so an edited body is parsed again (the build service and ``watch`` live long).
    """
    env: dict[str, Any] = {}
    tokens = parser().parse(text, env)
    return ParsedBody(tuple(tokens), env.get(TOO_DEEP))
