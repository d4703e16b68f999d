"""Swedish typography applied when text is rendered.

Authors type ordinary spaces; the documents get no-break spaces (U+00A0) where Swedish rules
want a number kept together with what belongs to it (swedish-conventions.md §3.1): between
digit groups, between a number and its unit or sign, after "kl." and "nr", around "§", after
"kap." and between day and month. So ``beslut check --fix`` can write plain spaces, which
authors can see, and the printed papers still never break "15 %" over two lines.
"""

from __future__ import annotations

import re

from beslut.model.formatting import AMOUNT_UNITS

NBSP = "\u00a0"

MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

_UNITS = (
    rf"(?:%|‰|{'|'.join(AMOUNT_UNITS)}|kronor|procent|procentenheter|st|mm|cm|m|km|kg|§§?|kap\.)"
)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # 12 500 000: a space between digit groups (a group is exactly three digits).
    (re.compile(r"(?<=\d) (?=\d{3}(?!\d))"), NBSP),
    # 15 %, 450 tkr, 26 kap., 5 §
    (re.compile(rf"(?<=\d) (?={_UNITS}(?!\w))"), NBSP),
    # kl. 13.00, nr 5, § 63, §§ 63–73, kap. 3
    (re.compile(r"(?<![\w.])(kl\.|nr|§§?|kap\.) (?=\d)"), rf"\1{NBSP}"),
    # 22 november
    (re.compile(rf"(?<=\d) (?=(?:{'|'.join(MONTHS)})\b)"), NBSP),
)


_CANDIDATE = re.compile(r"\d | \d")
"""Every rule above needs a digit next to a space; text without one is returned at once
(most of a case's text: the rules cost a tenth of rendering when run on every run of text)."""


def hard_spaces(text: str) -> str:
    """Return ``text`` with no-break spaces where a line break would split a number and what
    belongs to it."""
    if " " not in text or not _CANDIDATE.search(text):
        return text
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
