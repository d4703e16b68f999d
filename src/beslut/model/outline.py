"""The outline of a Markdown body: its ## sections and structured-table references."""

from __future__ import annotations

import re
from dataclasses import dataclass

from beslut.model.markdown import parser


@dataclass(frozen=True)
class BodyOutline:
    """Sections (heading, file line) and table references (id, file line) of a body."""

    sections: tuple[tuple[str, int], ...]
    table_refs: tuple[tuple[str, int], ...]


def normal_heading(heading: str) -> str:
    """Return a heading without its number ("2.1 ") and case, for comparing section names."""
    return re.sub(r"^\d+(\.\d+)*\.?\s+", "", heading).strip().casefold()


def outline(text: str, line_offset: int = 0) -> BodyOutline:
    """Return the ## headings and ```tabell id``` fences of a body, with 1-based file lines."""
    tokens = parser().parse(text)
    sections: list[tuple[str, int]] = []
    refs: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        line = (token.map[0] if token.map else 0) + 1 + line_offset
        if token.type == "heading_open" and token.tag == "h2" and token.level == 0:
            # Top level only: a "## …" inside a quote or list is not a section.
            text = "".join(
                child.content
                for child in tokens[index + 1].children or []
                if child.type in ("text", "code_inline")
            )
            sections.append((text.strip(), line))
        elif token.type == "fence":
            parts = token.info.split()
            if len(parts) == 2 and parts[0] == "tabell":
                refs.append((parts[1], line))
    return BodyOutline(tuple(sections), tuple(refs))
