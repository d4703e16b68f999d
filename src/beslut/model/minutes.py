"""The protokoll (minutes) of a meeting: what the secretary writes after it.

A protokoll is its own file (``typ: protokoll``) next to the meeting file it belongs to, not a
part of it: it is written after the meeting, by another hand and at another time, and an edit to
it must not rebuild the kallelse and packet (nor an edit to the packet the protokoll). It names
its meeting by the meeting file's name (``sammanträde: 2022-06-14-hsn``).

Every agenda item becomes a paragraph (§) in agenda order, unless it is marked ``utgår``;
``paragrafer`` only says what differs from the default: a changed beslut, yrkanden,
propositionsordning, omröstning, reservationer, protokollsanteckningar, jäv, omedelbar justering,
and items added at the meeting (``tillagt``). By default a case's förslag is taken over word for
word as the organ's beslut (swedish-conventions.md §4.5): :func:`paragraphs` makes that list.

People are named as in the meeting's ``ledamöter`` and ``ersättare`` lists, with or without the
party and role: "Anna Berglund", "Anna Berglund (S)" and "Anna Berglund (S), förste vice
ordförande" are one person (:func:`person_key`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, model_validator

from beslut.model.models import (
    SCHEMA_REF_HELP,
    AgendaItem,
    Case,
    Frozen,
    ItemKind,
    Meeting,
    NonEmpty,
    Proposal,
    Secrecy,
    YesNo,
)
from beslut.model.schematext import swedish

MINUTES_TYPE = "protokoll"

Clock = Annotated[str, StringConstraints(pattern=r"^([01]?\d|2[0-3])[.:][0-5]\d$")]
Span = Annotated[
    str,
    StringConstraints(
        pattern=r"^([01]?\d|2[0-3])[.:][0-5]\d\s*[–-]\s*([01]?\d|2[0-3])[.:][0-5]\d$"
    ),
]


def person_key(text: str) -> str:
    """The part of a person's line that names them: without party, role and case.

    ``"Anna Berglund (S), förste vice ordförande"`` → ``"anna berglund"``.
    """
    name = text.split(",", 1)[0]
    name = re.sub(r"\([^)]*\)", "", name)
    return " ".join(name.split()).casefold()


def display_name(text: str) -> str:
    """A person's line without the role after the comma: ``"Anna Berglund (S)"``."""
    return " ".join(text.split(",", 1)[0].split())


def _named(value: object) -> object:
    """A person written as plain text is a group with only the name."""
    return {"namn": value} if isinstance(value, str) else value


def _proposer(value: object) -> object:
    return {"av": value} if isinstance(value, str) else value


class Absence(Frozen):
    """En ledamot som inte deltog, hela sammanträdet eller vissa ärenden."""

    model_config = ConfigDict(title="Frånvarande ledamot")

    name: NonEmpty = Field(alias="namn", description="Namnet som i mötets ledamöter.")
    items: tuple[int, ...] = Field(
        (),
        alias="ärenden",
        description="Bara under dessa ärenden (nummer på föredragningslistan); utelämnas när "
        "ledamoten var borta hela sammanträdet.",
    )


class Replacement(Frozen):
    """En tjänstgörande ersättare och vem hen ersätter."""

    model_config = ConfigDict(title="Tjänstgörande ersättare")

    name: NonEmpty = Field(alias="namn", description="Ersättarens namn, som i mötets ersättare.")
    replaces: NonEmpty = Field(
        alias="ersätter", description="Ledamoten som ersätts, som i mötets ledamöter."
    )
    items: tuple[int, ...] = Field(
        (),
        alias="ärenden",
        description="Bara under dessa ärenden (nummer på föredragningslistan); utelämnas när "
        "ersättaren tjänstgjorde hela sammanträdet.",
    )


class Adjustment(Frozen):
    """Tid och plats för justeringen."""

    model_config = ConfigDict(title="Justering")

    date: dt.date = Field(alias="datum", description="Justeringsdag, ÅÅÅÅ-MM-DD.")
    time: Clock | None = Field(None, alias="tid", description='Klockslag, t.ex. "13.00".')
    place: NonEmpty = Field(alias="plats", description="Var protokollet justeras.")


class Motion(Frozen):
    """Ett yrkande: vem som yrkade vad."""

    model_config = ConfigDict(title="Yrkande")

    by: NonEmpty = Field(alias="av", description="Vem som yrkar (namn som i mötets listor).")
    text: NonEmpty = Field(
        alias="yrkande",
        description="Vad som yrkas, så att det kan följa ”yrkar”: t.ex. ”bifall till "
        "förvaltningens förslag” eller ”att ärendet återremitteras för …”.",
    )


@swedish(
    "Röst",
    "Hur ledamoten röstade.",
    {"ja": "Ja-röst.", "nej": "Nej-röst.", "avstår": "Avstod från att rösta."},
)
class Vote(StrEnum):
    """One member's vote."""

    JA = "ja"
    NEJ = "nej"
    AVSTAR = "avstår"


class Ballot(Frozen):
    """En omröstning: vad ja och nej betyder och hur var och en röstade."""

    model_config = ConfigDict(title="Omröstning")

    yes: NonEmpty = Field(
        alias="ja",
        description="Vad en ja-röst är för, t.ex. ”förvaltningens förslag”.",
    )
    no: NonEmpty = Field(
        alias="nej",
        description="Vad en nej-röst är för, t.ex. ”Per Nilssons (M) yrkande”.",
    )
    votes: dict[NonEmpty, Vote] = Field(
        alias="röster",
        min_length=1,
        description="Varje tjänstgörande ledamots röst: namn: ja, nej eller avstår.",
    )

    def counts(self) -> tuple[int, int, int]:
        """Return (ja, nej, avstår)."""
        values = list(self.votes.values())
        return values.count(Vote.JA), values.count(Vote.NEJ), values.count(Vote.AVSTAR)


class Reservation(Frozen):
    """En reservation mot beslutet."""

    model_config = ConfigDict(title="Reservation mot beslutet")

    by: NonEmpty = Field(alias="av", description="Vem som reserverar sig.")
    written: YesNo = Field(
        False,
        alias="skriftlig",
        description="Reservationen lämnades skriftligt (ja) och bifogas protokollet.",
    )
    favour: str | None = Field(
        None,
        alias="till_förmån_för",
        description="Till förmån för vad, t.ex. ”eget yrkande” (valfritt).",
    )


class Note(Frozen):
    """En protokollsanteckning."""

    model_config = ConfigDict(title="Protokollsanteckning")

    by: NonEmpty = Field(alias="av", description="Vem som lämnar anteckningen.")
    text: NonEmpty = Field(alias="text", description="Anteckningens text.")


Person = Annotated[Absence, BeforeValidator(_named, json_schema_input_type=NonEmpty | Absence)]


class ParagraphEntry(Frozen):
    """Det som skiljer en paragraf från standarden: ett ärende på föredragningslistan, eller
    ett ärende som lades till vid sammanträdet."""

    model_config = ConfigDict(title="Paragraf i protokollet")

    item: int | None = Field(
        None,
        alias="ärende",
        description="Ärendets nummer på föredragningslistan (som i kallelsen).",
    )
    added: YesNo = Field(
        False,
        alias="tillagt",
        description="Ärendet lades till vid sammanträdet och finns inte i kallelsen (kräver "
        "rubrik och beslut).",
    )
    after: int | None = Field(
        None,
        alias="efter",
        description="För ett tillagt ärende: efter vilket ärende på föredragningslistan det "
        "behandlades (annars före Övriga frågor, eller sist).",
    )
    dropped: YesNo = Field(
        False,
        alias="utgår",
        description="Ärendet utgick vid sammanträdet: ingen paragraf, och godkännandet av "
        "föredragningslistan säger det.",
    )
    title: str | None = Field(None, alias="rubrik", description="Rubrik (annars ärendets).")
    diary_number: str | None = Field(
        None, alias="diarienummer", description="Diarienummer för ett tillagt ärende (valfritt)."
    )
    text: str | None = Field(
        None,
        alias="text",
        description="Paragrafens text, stycken åtskilda av en tom rad (annars ärendets "
        "sammanfattning).",
    )
    decision: Proposal | None = Field(
        None,
        alias="beslut",
        description="Ett ändrat beslut, skrivet som ett förslag (beslutspunkter eller block). "
        "Utelämnas när nämnden beslutade enligt förslaget.",
    )
    motions: tuple[Motion, ...] = Field(
        (), alias="yrkanden", description="Yrkanden i ordning: vem som yrkade vad."
    )
    order: str | None = Field(
        None,
        alias="propositionsordning",
        description="Hur ordföranden ställde förslagen mot varandra och vad hen fann, som hela "
        "meningar.",
    )
    ballot: Ballot | None = Field(None, alias="omröstning", description="Omröstning (valfri).")
    reservations: tuple[
        Annotated[
            Reservation, BeforeValidator(_proposer, json_schema_input_type=NonEmpty | Reservation)
        ],
        ...,
    ] = Field((), alias="reservationer", description="Reservationer mot beslutet.")
    notes: tuple[Note, ...] = Field(
        (), alias="protokollsanteckningar", description="Protokollsanteckningar."
    )
    disqualified: tuple[NonEmpty, ...] = Field(
        (), alias="jäv", description="Vilka som anmälde jäv och inte deltog i ärendet."
    )
    immediate: YesNo = Field(
        False,
        alias="omedelbar_justering",
        description="Paragrafen justerades omedelbart vid sammanträdet.",
    )
    secrecy: Secrecy | None = Field(
        None,
        alias="sekretess",
        description="Sekretess för paragrafen (annars punktens sekretess från mötesfilen).",
    )
    public_title: str | None = Field(
        None,
        alias="offentlig_rubrik",
        description="Rubrik i det offentliga protokollet (annars punktens offentliga rubrik).",
    )
    recipients: tuple[NonEmpty, ...] | None = Field(
        None,
        alias="delges",
        description="Vilka som får protokollsutdrag (annars ärendets delges).",
    )

    @model_validator(mode="after")
    def _item_or_added(self) -> ParagraphEntry:
        if self.added and self.item is not None:
            raise ValueError(
                "ett tillagt ärende har inget nummer på föredragningslistan: skriv ”efter” i "
                "stället för ”ärende”"
            )
        if not self.added and self.item is None:
            raise ValueError(
                "skriv ärendets nummer på föredragningslistan under ”ärende”, eller ”tillagt: "
                "ja” för ett ärende som lades till vid sammanträdet"
            )
        if self.added and not self.title:
            raise ValueError("ett tillagt ärende behöver en ”rubrik”")
        if self.added and self.dropped:
            raise ValueError("ett tillagt ärende kan inte samtidigt utgå")
        return self


class Minutes(Frozen):
    """Protokollet från ett sammanträde."""

    model_config = ConfigDict(title="Protokoll i beslut")

    schema_ref: str | None = Field(None, alias="$schema", description=SCHEMA_REF_HELP)
    doc_type: Literal["protokoll"] = Field(
        alias="typ", description="Alltid protokoll: filen är ett protokoll."
    )
    meeting: NonEmpty = Field(
        alias="sammanträde",
        description="Mötesfilens namn utan .yaml, t.ex. 2022-06-14-hsn.",
    )
    time: Span = Field(alias="tid", description='Sammanträdets tid, t.ex. "09.00–11.30".')
    place: str | None = Field(None, alias="plats", description="Plats (annars mötesfilens).")
    first_paragraph: int | None = Field(
        None,
        alias="första_paragraf",
        ge=1,
        le=99999,
        description="Numret på protokollets första paragraf. Utelämnas normalt: numret följer "
        "instansens förra protokoll samma år, eller profilens första_paragraf för instansen.",
    )
    absent: tuple[Person, ...] = Field(
        (),
        alias="frånvarande",
        description="Ledamöter som inte deltog (hela sammanträdet, eller vissa ärenden).",
    )
    replacements: tuple[Replacement, ...] = Field(
        (), alias="tjänstgörande_ersättare", description="Ersättare som tjänstgjorde."
    )
    present_substitutes: tuple[NonEmpty, ...] = Field(
        (),
        alias="ej_tjänstgörande_ersättare",
        description="Ersättare som var närvarande utan att tjänstgöra.",
    )
    others: tuple[NonEmpty, ...] = Field(
        (),
        alias="övriga_närvarande",
        description="Övriga närvarande, t.ex. ”Pia Lundbom, hälso- och sjukvårdsdirektör, "
        "ärende 3”.",
    )
    adjusters: tuple[NonEmpty, ...] = Field(
        alias="justerare",
        min_length=1,
        description="Justerare (utöver ordföranden), bland de tjänstgörande.",
    )
    adjustment: Adjustment = Field(alias="justering", description="Tid och plats för justering.")
    posted: dt.date | None = Field(
        None,
        alias="anslag",
        description="Dag då justeringen tillkännages på anslagstavlan (senast andra dagen "
        "efter justeringen; annars justeringsdagen).",
    )
    kept_at: str | None = Field(
        None,
        alias="förvaringsplats",
        description="Var protokollet förvaras (annars profilens protokoll.förvaringsplats).",
    )
    paragraphs: tuple[ParagraphEntry, ...] = Field(
        (),
        alias="paragrafer",
        description="Det som skiljer paragraferna från standarden, per ärende.",
    )


# --------------------------------------------------------------------------------------------
# The paragraphs as the protokoll has them
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """One § of the protokoll: its number, its agenda item (None when added at the meeting),
    the entry that changes the default (None: all default) and its case (None: no case file)."""

    number: int
    agenda_number: int | None
    """The item's number on the föredragningslista, None for an item added at the meeting."""
    item: AgendaItem | None
    entry: ParagraphEntry | None
    entry_index: int | None
    """Where ``entry`` is in ``paragrafer`` (for locating messages), or None."""
    case: Case | None

    @property
    def kind(self) -> ItemKind:
        return self.item.kind if self.item is not None else ItemKind.BESLUT

    @property
    def secrecy(self) -> Secrecy | None:
        if self.entry is not None and self.entry.secrecy is not None:
            return self.entry.secrecy
        return self.item.secrecy if self.item is not None else None

    @property
    def withheld(self) -> bool:
        """Left out of the public protokoll (secret, or the item is not published)."""
        return self.secrecy is not None or (self.item is not None and self.item.not_published)

    @property
    def diary_number(self) -> str | None:
        if self.case is not None:
            return self.case.diary_number
        if self.entry is not None and self.entry.diary_number:
            return self.entry.diary_number
        return self.item.diary_number if self.item is not None else None


def paragraphs(
    minutes: Minutes,
    meeting: Meeting,
    first_number: int,
    first_agenda_number: int,
    case_for: Callable[[AgendaItem], Case | None],
) -> tuple[Paragraph, ...]:
    """Return the protokoll's paragraphs in order, numbered from ``first_number``.

    Every agenda item not marked ``utgår`` is a §, in agenda order; an added item comes after
    the item named in ``efter``, else before Övriga frågor, else last. Entries naming an item
    that is not on the agenda are left out here (validation reports them).
    """
    by_item: dict[int, tuple[int, ParagraphEntry]] = {}
    added: list[tuple[int, ParagraphEntry]] = []
    for index, entry in enumerate(minutes.paragraphs):
        if entry.added:
            added.append((index, entry))
        elif entry.item is not None and entry.item not in by_item:
            by_item[entry.item] = (index, entry)
    slots: list[tuple[int | None, AgendaItem | None, int | None, ParagraphEntry | None]] = []
    for offset, item in enumerate(meeting.items):
        number = offset + first_agenda_number
        found = by_item.get(number)
        slots.append((number, item, *found) if found else (number, item, None, None))
    # "Before Övriga frågor": the kallelse's last item; the tilläggslista's items follow it.
    last = len(meeting.sent_items) + first_agenda_number - 1
    for index, extra in added:
        if extra.after is not None:
            position = next((i + 1 for i, s in enumerate(slots) if s[0] == extra.after), len(slots))
            # after earlier added items that follow the same agenda item
            while position < len(slots) and slots[position][0] is None:
                position += 1
        elif meeting.sent_items and meeting.sent_items[-1].kind is ItemKind.OVRIGT:
            position = next(i for i, s in enumerate(slots) if s[0] == last)
        else:
            position = len(slots)
        slots.insert(position, (None, None, index, extra))
    result: list[Paragraph] = []
    number = first_number
    for agenda_number, slot_item, entry_index, slot_entry in slots:
        if slot_entry is not None and slot_entry.dropped:
            continue
        case = case_for(slot_item) if slot_item is not None and slot_item.has_case else None
        result.append(Paragraph(number, agenda_number, slot_item, slot_entry, entry_index, case))
        number += 1
    return tuple(result)


def span_text(numbers: list[int]) -> str:
    """``§ 41`` for one paragraph, ``§§ 41–55`` for a range, ``§§ 41, 43`` otherwise, and
    ``§§ 41–53, 56`` for ranges with a gap (a member away for some items)."""
    if not numbers:
        return ""
    ordered = sorted(set(numbers))
    if len(ordered) == 1:
        return f"§ {ordered[0]}"
    runs: list[list[int]] = []
    for number in ordered:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return "§§ " + ", ".join(
        f"{run[0]}\u2013{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs
    )


__all__ = [
    "MINUTES_TYPE",
    "Absence",
    "Adjustment",
    "Ballot",
    "Minutes",
    "Motion",
    "Note",
    "Paragraph",
    "ParagraphEntry",
    "Replacement",
    "Reservation",
    "Vote",
    "display_name",
    "paragraphs",
    "person_key",
    "span_text",
]
