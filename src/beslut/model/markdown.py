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

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
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


_SHARED: ContextVar[dict[str, tuple[list[Token], dict[str, Any]]] | None] = ContextVar(
    "beslut_shared_parses", default=None
)


@contextmanager
def shared_parses() -> Iterator[None]:
    """Within the block, :func:`parse` keeps what it parsed, so the second reader of a body
    does not parse it again: loading a workspace parses each case body once for the outline
    (validation) and the content checks. Per thread and task (a context variable); dropped
    when the block ends."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def parse(text: str, *, last: bool = False) -> tuple[list[Token], dict[str, Any]]:
    """Return the tokens of a Markdown text and the parse environment (see :data:`TOO_DEEP`).

    Inside :func:`shared_parses` the result is kept for the next reader of the same text;
    ``last`` says no reader comes after this one (the entry is dropped). The tokens may be
    shared: readers must not change them.
    """
    shared = _SHARED.get()
    if shared is not None:
        found = shared.pop(text, None) if last else shared.get(text)
        if found is not None:
            return found
    env: dict[str, Any] = {}
    tokens = parser().parse(text, env)
    if shared is not None and not last:
        shared[text] = (tokens, env)
    return tokens, env
