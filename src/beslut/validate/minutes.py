"""Stage 2, validate, for protokoll files (``typ: protokoll``).

``load_minutes`` builds each protokoll's model, finds its meeting, numbers its paragraphs so
that they continue through the calendar year per organ, resolves every § (agenda item, entry,
case) with :func:`beslut.model.minutes.paragraphs` and runs the rules of
:mod:`beslut.validate.minutes_rules`. Every problem is located at the protokoll file's line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from beslut.diagnostics import Diagnostic
from beslut.load.source import Source
from beslut.model.minutes import Minutes, Paragraph, paragraphs
from beslut.model.models import AgendaItem, Case, Meeting, Profile
from beslut.validate.minutes_rules import MinutesRules, Numbered, numbering_rules
from beslut.validate.models import build_model, note


@dataclass(frozen=True)
class MinutesDocument:
    """A validated protokoll: its source, model, meeting and numbered paragraphs."""

    source: Source
    minutes: Minutes
    meeting_rel: str
    """The meeting file's path relative to the workspace."""
    paragraphs: tuple[Paragraph, ...]

    @property
    def rel(self) -> str:
        """Return the protokoll file's path relative to the workspace."""
        return self.source.rel

    @property
    def first_number(self) -> int:
        return self.paragraphs[0].number if self.paragraphs else 0

    @property
    def last_number(self) -> int:
        return self.paragraphs[-1].number if self.paragraphs else 0


def meeting_stem(rel: str) -> str:
    """The name a protokoll uses for a meeting file: its file name without suffix."""
    return PurePosixPath(rel).stem


def load_minutes(
    sources: Sequence[Source],
    profile: Profile | None,
    meetings: Sequence[tuple[str, Meeting]],
    cases: Sequence[Case],
) -> tuple[list[MinutesDocument], list[Diagnostic]]:
    """Validate every protokoll source against its meeting.

    ``meetings`` are (rel, Meeting) pairs of the meetings that loaded.
    """
    problems: list[Diagnostic] = []
    by_stem: dict[str, tuple[str, Meeting]] = {}
    for rel, meeting in meetings:
        by_stem.setdefault(meeting_stem(rel), (rel, meeting))
    by_dnr = {c.diary_number: c for c in cases}

    def case_for(item: AgendaItem) -> Case | None:
        return by_dnr.get(item.diary_number) if item.diary_number else None

    loaded: list[tuple[Source, Minutes, str, Meeting]] = []
    taken: dict[str, str] = {}  # meeting name → the protokoll file that has it
    for source in sorted(sources, key=lambda s: s.rel):
        minutes, found = build_model(Minutes, source)
        problems.extend(found)
        if minutes is None:
            continue
        target = by_stem.get(minutes.meeting)
        if target is None:
            known = ", ".join(sorted(by_stem)) or "inga"
            problems.append(
                note(
                    source,
                    ("sammanträde",),
                    f"Det finns inget sammanträde ”{minutes.meeting}” i arbetsytan. Skriv "
                    f"mötesfilens namn utan .yaml; sammanträden som finns: {known}.",
                    "protokoll-okänt-sammanträde",
                    is_error=True,
                )
            )
            continue
        if minutes.meeting in taken:
            problems.append(
                note(
                    source,
                    ("sammanträde",),
                    f"Sammanträdet ”{minutes.meeting}” har redan ett protokoll: "
                    f"{taken[minutes.meeting]}. Ett sammanträde har ett protokoll; skriv allt i "
                    "det och ta bort den här filen, eller rätta sammanträdets namn.",
                    "protokoll-dubblett",
                    is_error=True,
                )
            )
            continue
        taken[minutes.meeting] = source.rel
        loaded.append((source, minutes, *target))
    first_agenda = profile.agenda.first_number if profile is not None else 1
    documents: list[MinutesDocument] = []
    # Numbers continue through the calendar year per organ, in meeting order.
    loaded.sort(key=lambda m: (m[3].organ, m[3].date, m[2]))
    previous: dict[tuple[str, int], int] = {}
    numbered: list[Numbered] = []
    for source, minutes, meeting_rel, meeting in loaded:
        year_key = (meeting.organ, meeting.date.year)
        organ = profile.organ(meeting.organ) if profile is not None else None
        if minutes.first_paragraph is not None:
            first = minutes.first_paragraph
        elif year_key in previous:
            first = previous[year_key] + 1
        else:
            first = organ.first_paragraph if organ is not None else 1
        resolved = paragraphs(minutes, meeting, first, first_agenda, case_for)
        document = MinutesDocument(source, minutes, meeting_rel, resolved)
        if resolved:
            previous[year_key] = max(previous.get(year_key, 0), document.last_number)
        documents.append(document)
        problems.extend(
            MinutesRules(
                source, minutes, meeting, meeting_rel, resolved, profile, first_agenda
            ).run()
        )
        numbered.append(
            Numbered(
                source,
                minutes,
                meeting.organ,
                organ.name if organ is not None else meeting.organ,
                meeting.date.year,
                document.first_number if resolved else first,
                document.last_number if resolved else first - 1,
            )
        )
    problems.extend(numbering_rules(numbered))
    documents.sort(key=lambda d: d.rel)
    return documents, problems


__all__ = ["MinutesDocument", "load_minutes", "meeting_stem"]
