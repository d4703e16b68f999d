"""The one Markdown dialect beslut reads: CommonMark with tables, strikethrough and footnotes.

Rendering, the body outline and the content checks all parse case bodies with this parser, so
what a check sees is exactly what is printed.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin


@cache
def parser() -> MarkdownIt:
    """Return the shared parser (no typographic replacements, no automatic links)."""
    md = MarkdownIt("commonmark", {"typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md
