"""Content checks: what a careful nämndsekreterare catches on the last read.

Part of the validate stage. Each module checks one family of rules over the validated
workspace and returns located diagnostics; :func:`run` then applies each file's exemptions
(``undantag``). The profile's levels (``kontroller.regler``) are applied to every diagnostic of
the workspace in one place, :func:`beslut.validate.codes.apply_levels`. The rules and their default
levels are listed in :mod:`.catalogue`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from beslut.checks import (
    dates,
    numbers,
    pasted,
    personal_data,
    proposal,
    readability,
    references,
    sections,
    typography,
)
from beslut.checks.base import Context, Document
from beslut.checks.catalogue import RULES, Rule
from beslut.diagnostics import Diagnostic, error, warning
from beslut.model.models import Exemption
from beslut.validate.findings_cache import decode_findings as decode
from beslut.validate.findings_cache import encode_findings as encode

if TYPE_CHECKING:
    from beslut.load.source import Source
    from beslut.model.models import Profile
    from beslut.validate.workspace import CaseDocument, MeetingDocument

__all__ = ["RULES", "Context", "Rule", "run"]

CHECKS: tuple[Callable[[Context], Iterable[Diagnostic]], ...] = (
    proposal.check,
    sections.check,
    numbers.check,
    dates.check,
    references.check,
    personal_data.check,
)
"""Checks that look across files (agenda, attachments, other tables)."""

DOCUMENT_CHECKS: tuple[Callable[[Context, Document], Iterable[Diagnostic]], ...] = (
    typography.check_document,
    readability.check_document,
    dates.check_document,
    pasted.check_document,
)
"""Checks that need only one file and the profile; their findings are cached per file, in
memory and on disk (:func:`_document_findings`). Each reads only the document (its text, YAML
data and model, all made from the file alone) and ``context.settings``: never
``context.cases``/``meetings``, an attachment, an image or another file. A check that does
belongs in :data:`CHECKS`, or its other inputs must go into the cache key."""


def _document_findings(context: Context) -> Iterator[Diagnostic]:
    """Run the one-file checks, reusing the findings of files that have not changed.

    Two layers (:meth:`Context.one_file`): a document lives while its file is unchanged (see
    :meth:`Context.case_document`), so in watch mode only the edited file is looked up again;
    a new process (``beslut check``, ``beslut build``) finds the other files' findings in the
    disk cache (:mod:`beslut.validate.findings_cache`). The key is the file's text and path,
    the whole profile and the code fingerprint: the one-file checks read nothing else (no
    attachment, image or other case; see :data:`DOCUMENT_CHECKS`).
    """
    for document in context.documents():
        yield from context.one_file(
            document, "fynd", partial(_one_file, context, document), encode, decode
        )


DOCUMENT_CACHE = "dokument"
"""The disk cache of what checks find in one file (``.beslut-cache/fynd/dokument.json``)."""


def _one_file(context: Context, document: Document) -> list[Diagnostic]:
    return [item for check in DOCUMENT_CHECKS for item in check(context, document)]


def run(
    root: Path,
    profile: Profile,
    profile_source: Source | None,
    cases: Sequence[CaseDocument],
    meetings: Sequence[MeetingDocument],
    validation: Iterable[Diagnostic],
) -> list[Diagnostic]:
    """Run every content check and return all diagnostics (``validation`` included), with the
    files' exemptions applied and the profile's ``kontroller.regler`` checked (the levels are
    applied by the caller, :func:`beslut.validate.codes.apply_levels`)."""
    from beslut.validate.findings_cache import FindingsCache

    cache = FindingsCache(root, DOCUMENT_CACHE)
    context = Context(root, profile, tuple(cases), tuple(meetings), cache)
    found = list(validation)
    found.extend(_document_findings(context))
    for check in CHECKS:
        found.extend(check(context))
    cache.save()
    from beslut.validate.codes import settings_problems

    problems = settings_problems(profile, profile_source)
    exemptions = {c.rel: (c.source, c.case.exemptions) for c in cases}
    exemptions |= {m.rel: (m.source, m.meeting.exemptions) for m in meetings}
    kept, exemption_problems = _apply_exemptions(found, exemptions)
    return kept + problems + exemption_problems


def _apply_exemptions(
    found: list[Diagnostic], exemptions: dict[str, tuple[Source, tuple[Exemption, ...]]]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Drop findings a file exempts itself from; report exemptions that are wrong or unused."""
    from beslut.validate.codes import unknown_code

    problems: list[Diagnostic] = []
    waived: dict[str, set[str]] = {}
    for rel, (source, items) in exemptions.items():
        for index, exemption in enumerate(items):
            pos = source.positions.find(("undantag", index, "regel"))
            rule = RULES.get(exemption.rule)
            if rule is None:
                problems.append(
                    error(rel, pos.line, pos.column, unknown_code(exemption.rule), "okänd-regel")
                )
            elif not rule.exemptable:
                problems.append(
                    error(
                        rel,
                        pos.line,
                        pos.column,
                        f"Kontrollen ”{rule.code}” kan inte undantas i en fil. "
                        + _NOT_EXEMPTABLE.get(rule.code, ""),
                        "undantag-ej-tillåtet",
                    )
                )
            else:
                waived.setdefault(rel, set()).add(rule.code)
    kept = []
    used: set[tuple[str, str]] = set()
    for item in found:
        if item.code in waived.get(item.path, set()):
            used.add((item.path, item.code))
            continue
        kept.append(item)
    for rel, (source, items) in exemptions.items():
        for index, exemption in enumerate(items):
            if exemption.rule in waived.get(rel, set()) and (rel, exemption.rule) not in used:
                pos = source.positions.find(("undantag", index, "regel"))
                problems.append(
                    warning(
                        rel,
                        pos.line,
                        pos.column,
                        f"Undantaget för ”{exemption.rule}” behövs inte längre: kontrollen hittar "
                        "inget i filen. Ta bort undantaget.",
                        "onödigt-undantag",
                    )
                )
    return kept, problems


_NOT_EXEMPTABLE = {
    "personnummer": "Ta bort personnumret, eller markera punkten på föredragningslistan med "
    "sekretess: eller publiceras_inte: true så att handlingarna inte publiceras.",
}
