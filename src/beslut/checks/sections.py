"""Content checks on the sections (##-rubriker) of a case.

A section the profile requires must say something, and an impact section (konsekvensavsnitt,
e.g. Barnrättsperspektiv) must say explicitly whether the proposal has an impact, also when it
has none (swedish-conventions.md §1.3): a heading with "-" or "Ej aktuellt" is not enough.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from beslut.checks.base import Context
from beslut.checks.catalogue import RULES
from beslut.checks.prose import MASK
from beslut.diagnostics import Diagnostic
from beslut.model.outline import normal_heading
from beslut.validate.findings_cache import decode_findings, encode_findings

if TYPE_CHECKING:
    from beslut.validate.workspace import CaseDocument

# Answers that do not say whether the proposal has an impact (compared without final stops).
_EMPTY_ANSWERS = frozenset(
    {"-", "–", "—", "ej aktuellt", "inte aktuellt", "inget", "inga", "ingen", "saknas", "n/a"}
    | {"na", "se ovan", "ej tillämpligt", "inte tillämpligt", "x", "?"}
)
_MIN_WORDS = 3
# Model sentences by what the impact section is about (first match wins).
_EXAMPLES = (
    ("jämställ", "Förslaget bedöms inte påverka jämställdheten mellan kvinnor och män."),
    ("barn", "Förslaget bedöms inte påverka barn och unga."),
    ("miljö", "Förslaget bedöms inte påverka miljön."),
)


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield empty required sections and missing or empty impact sections.

    What is found depends only on the case file and the profile, so it is kept per file
    (:meth:`Context.one_file`): a new process does not cut unchanged files into prose again.
    """
    for case in context.cases:
        document = context.case_document(case)
        compute = partial(_case_findings, context, case)
        yield from context.one_file(document, "avsnitt", compute, encode_findings, decode_findings)


def _case_findings(context: Context, case: CaseDocument) -> list[Diagnostic]:
    return list(_check_case(context, case))


def _check_case(context: Context, case: CaseDocument) -> Iterator[Diagnostic]:
    """Yield the section findings of one case (its outline and prose, the profile)."""
    settings = context.profile.type_settings(case.case.doc_type)
    doc_type = case.case.doc_type.value
    impact = {normal_heading(name) for name in settings.impact_sections}
    required = {normal_heading(name) for name in settings.required_sections} - impact
    sections = _sections(context, case)
    for heading, line, text, table in sections:
        if normal_heading(heading) in required and not text and not table:
            yield RULES["tomt-avsnitt"].at(
                case.rel,
                line,
                1,
                f"Avsnittet ”{heading}” är tomt, men profilen kräver det för {doc_type}. "
                "Skriv avsnittets text under rubriken.",
            )
    for name in settings.impact_sections:
        found = [s for s in sections if normal_heading(s[0]) == normal_heading(name)]
        example = _example(name)
        if not found:
            line, column = context.case_document(case).at(("typ",))
            yield RULES["konsekvens-saknas"].at(
                case.rel,
                line,
                column,
                f"Konsekvensavsnittet ”{name}” saknas; profilen kräver det för {doc_type}. "
                f"Lägg till rubriken ”## {name}” och skriv uttryckligen om förslaget "
                f"påverkar, t.ex. ”{example}”",
            )
        for heading, line, text, table in found:
            if table or not _weak(text):
                continue
            said = f"säger bara ”{text}”" if text else "är tomt"
            yield RULES["konsekvens-saknas"].at(
                case.rel,
                line,
                1,
                f"Konsekvensavsnittet ”{heading}” {said}. Skriv uttryckligen om förslaget "
                f"påverkar, även när det inte gör det, t.ex. ”{example}”",
            )


def _sections(context: Context, case: CaseDocument) -> list[tuple[str, int, str, bool]]:
    """Return (heading, line, text, has a structured table) for each ## section; the text is
    that of its paragraphs, lists, table cells and subsections, whitespace collapsed."""
    sections = case.outline.sections
    blocks = context.case_document(case).body_blocks
    result = []
    for index, (heading, line) in enumerate(sections):
        end: float = sections[index + 1][1] if index + 1 < len(sections) else float("inf")
        parts = [b.text for b in blocks if b.kind != "rubrik" and line < b.spans[0].line < end]
        text = " ".join(" ".join(parts).replace(MASK, " ").split())
        table = any(line < ref < end for _, ref in case.outline.table_refs)
        result.append((heading, line, text, table))
    return result


def _weak(text: str) -> bool:
    """Return True when an impact section's text makes no explicit statement."""
    answer = text.strip().rstrip(".!").strip().casefold()
    return answer in _EMPTY_ANSWERS or len(re.findall(r"\w+", text)) < _MIN_WORDS


def _example(name: str) -> str:
    lower = name.casefold()
    default = f"Förslaget bedöms inte ha några konsekvenser för {lower}."
    return next((sentence for key, sentence in _EXAMPLES if key in lower), default)
