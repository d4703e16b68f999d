"""Stage 3, render, for protokoll: the protokoll, its public version and one utdrag per §.

:func:`minutes_context` and :func:`extract_context` turn a validated protokoll
(:class:`beslut.validate.minutes.MinutesDocument`) into the template context of
``templates/protokoll.docx`` and ``templates/protokollsutdrag.docx`` (the contract is in
docs/architecture.md, "Protokoll"); :func:`render_minutes` renders it to .docx bytes.

Every Swedish sentence of a protokoll is written here, by small functions that tests call:
the beslut in the organ's voice (the case's förslag word for word, swedish-conventions.md
§4.5), the default beslut of the procedural items, yrkanden, omröstning, reservationer, jäv,
närvaro, justering and anslag. What the public may see of a § follows
:func:`beslut.disclosure.notice_text`: a withheld § keeps its number and a public title, and
nothing else of it reaches the public context.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from beslut.disclosure import WithheldReason, item_title, notice_text, secrecy_marking
from beslut.model import formatting, posting
from beslut.model.letterhead import Letterhead, format_date, letterhead
from beslut.model.markdown import parser
from beslut.model.minutes import (
    Ballot,
    Minutes,
    Motion,
    Note,
    Paragraph,
    Reservation,
    Vote,
    display_name,
    person_key,
    span_text,
)
from beslut.model.models import (
    DecisionSettings,
    ItemKind,
    Meeting,
    Profile,
    Proposal,
    Secrecy,
)
from beslut.model.outline import normal_heading
from beslut.render.case import (
    ProposalPart,
    render_proposal,
)
from beslut.render.kallelse import render_meeting_template
from beslut.render.letterhead import header_context, organisation_context
from beslut.validate.minutes import MinutesDocument
from beslut.validate.workspace import Workspace

MINUTES_TEMPLATE = "protokoll"
"""The protokoll's template and output name (``templates/protokoll.docx``)."""
EXTRACT_TEMPLATE = "protokollsutdrag"
"""The utdrag's template (``templates/protokollsutdrag.docx``) and output folder."""
SECRET_TITLE = "Ärende som omfattas av sekretess"
"""The public title of a withheld § that has no ``offentlig_rubrik``: neutral, so that the
internal title (which may name what is secret) never reaches the public protokoll."""
UNPUBLISHED_TITLE = "Ärende som inte publiceras på webben"
"""The public title of a § withheld without secrecy (``publiceras_inte``) and without
``offentlig_rubrik``."""
SUMMARY_SECTION = "Sammanfattning"
"""The case section whose text becomes the §'s text by default."""
DECISION_HEADING = "Beslut"
IMMEDIATE = "Paragrafen justerades omedelbart."
ANSLAG_HEADING = "ANSLAG/BEVIS"
ANSLAG_TEXT = "Protokollet är justerat. Justeringen har tillkännagivits genom anslag."


# --------------------------------------------------------------------------------------------
# Small Swedish phrases (each one place)
# --------------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    """A sentence with exactly one final full stop (or its own ? or !)."""
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _and_list(names: Sequence[str]) -> str:
    """``A``, ``A och B``, ``A, B och C``."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} och {names[-1]}"


def organ_word(organ_name: str) -> str:
    """How a sentence refers back to the organ: "nämnden", "styrelsen", "fullmäktige"."""
    for word in ("nämnden", "styrelsen", "fullmäktige", "utskottet", "beredningen"):
        if organ_name.casefold().endswith(word):
            return word
    return _lower_first(organ_name)


def time_span(span: str) -> str:
    """``"09:00-11.40"`` → ``"09.00–11.40"``."""
    start, end = re.split(r"\s*[–-]\s*", span.strip(), maxsplit=1)
    return "\u2013".join(formatting.clock(t).split("\u00a0", 1)[1] for t in (start, end))


def motion_sentence(motion: Motion) -> str:
    """ "Per Nilsson (M) yrkar att ärendet återremitteras …"."""
    return _sentence(f"{display_name(motion.by)} yrkar {motion.text}")


def reservation_sentence(reservation: Reservation, appendix: int | None = None) -> str:
    """ "<namn> reserverar sig mot beslutet[ till förmån för <x>][ och lämnar en skriftlig
    reservation, bilaga N]"; ``appendix`` is the written reservation's bilaga number."""
    text = f"{display_name(reservation.by)} reserverar sig mot beslutet"
    if reservation.favour:
        text += f" till förmån för {reservation.favour.rstrip('.')}"
    if reservation.written:
        text += " och lämnar en skriftlig reservation, bilaga"
        if appendix is not None:
            text += f" {appendix}"
    return _sentence(text)


def disqualification_sentence(name: str) -> str:
    """ "<namn> anmäler jäv och deltar inte i handläggningen av ärendet"."""
    return f"{display_name(name)} anmäler jäv och deltar inte i handläggningen av ärendet."


def note_sentence(note: Note) -> str:
    """A protokollsanteckning: who, and the text in quotation marks."""
    return f"{display_name(note.by)} lämnar följande protokollsanteckning: ”{note.text.strip()}”"


def ballot_text(ballot: Ballot) -> list[str]:
    """The sentences before the vote table: the vote is called and what ja and nej mean."""
    return [
        "Omröstning begärs och verkställs.",
        _sentence(
            f"Ordföranden ställer följande voteringsproposition: ja-röst för {ballot.yes}, "
            f"nej-röst för {ballot.no}"
        ),
    ]


def _decided(text: str, organ: str) -> str:
    """ "har nämnden beslutat att …" / "har nämnden beslutat enligt <förslag>"."""
    clause = text.rstrip(".")
    how = "" if clause.startswith("att ") else "enligt "
    return f"har {organ} beslutat {how}{clause}"


def _votes(count: int, kind: str) -> str:
    return f"{count} {kind}-röst" if count == 1 else f"{count} {kind}-röster"


def ballot_result(ballot: Ballot, organ_name: str, chair: str) -> str:
    """ "Med 4 ja-röster mot 2 nej-röster, 1 avstår, har nämnden beslutat …"; on a tie the
    ordförande's vote decides (KL 6 kap. 34 §), and the sentence says so."""
    yes, no, abstain = ballot.counts()
    counts = f"Med {_votes(yes, 'ja')} mot {_votes(no, 'nej')}"
    if abstain:
        counts += f", {abstain} avstår,"
    word = organ_word(organ_name)
    if yes != no:
        winner = ballot.yes if yes > no else ballot.no
        return _sentence(f"{counts} {_decided(winner, word)}")
    chair_vote = next(
        (v for name, v in ballot.votes.items() if person_key(name) == person_key(chair)), None
    )
    tie = f"{counts.removesuffix(',')} är röstetalet lika, och ordföranden har utslagsröst"
    if chair_vote is Vote.JA:
        return _sentence(f"{tie}. Ordföranden röstade ja, så {_decided(ballot.yes, word)}")
    if chair_vote is Vote.NEJ:
        return _sentence(f"{tie}. Ordföranden röstade nej, så {_decided(ballot.no, word)}")
    return _sentence(tie)


def ballot_context(ballot: Ballot, organ_name: str, chair: str) -> dict[str, Any]:
    """The ``omröstning`` of a PARAGRAF: text, one row per member, sums and result."""
    yes, no, abstain = ballot.counts()
    mark = {Vote.JA: "ja", Vote.NEJ: "nej", Vote.AVSTAR: "avstår"}
    rows = []
    for name, vote in ballot.votes.items():
        row = {"namn": display_name(name), "ja": "", "nej": "", "avstår": ""}
        row[mark[vote]] = "X"
        rows.append(row)
    return {
        "text": ballot_text(ballot),
        "röster": rows,
        "summa": {"ja": str(yes), "nej": str(no), "avstår": str(abstain)},
        "resultat": ballot_result(ballot, organ_name, chair),
    }


def adjusters_decision(
    organ_name: str, adjusters: Sequence[str], place: str, when: str, clock_text: str | None
) -> str:
    """The justerare item's default beslut."""
    names = _and_list([display_name(a) for a in adjusters])
    time_part = f" {clock_text}" if clock_text else ""
    return (
        f"{organ_name} utser {names} att jämte ordföranden justera protokollet. "
        f"Justering sker {when}{time_part}, {place}."
    )


def agenda_decision(
    organ_name: str,
    dropped: Sequence[int],
    added: Sequence[str],
    supplements: Sequence[int] = (),
    lists: int = 1,
) -> str:
    """The föredragningslista item's default beslut: with the items of the tilläggslista
    (``supplements``, from ``lists`` tilläggslistor) and the changes made at the meeting."""
    supplement = ""
    if supplements:
        which = "tilläggslistan" if lists == 1 else "tilläggslistorna"
        numbers = _and_list([str(n) for n in supplements])
        noun = "ärende" if len(supplements) == 1 else "ärendena"
        supplement = f" med tillägg av {noun} {numbers} enligt {which}"
    changes = []
    if len(dropped) == 1:
        changes.append(f"att ärende {dropped[0]} utgår")
    elif dropped:
        changes.append(f"att ärendena {_and_list([str(n) for n in dropped])} utgår")
    changes.extend(f"att ärendet ”{title}” läggs till" for title in added)
    if not changes:
        return f"{organ_name} godkänner föredragningslistan{supplement}."
    noun = "ändringen" if len(changes) == 1 else "ändringarna"
    joined = " och" if supplement else ""
    return (
        f"{organ_name} godkänner föredragningslistan{supplement}{joined} med {noun} "
        f"{_and_list(changes)}."
    )


PROCEDURAL_DECISIONS: dict[ItemKind, str] = {
    ItemKind.INFORMATION: "{organ} tar emot informationen.",
    ItemKind.DELEGATIONSBESLUT: "{organ} lägger anmälan av delegationsbesluten till handlingarna.",
    ItemKind.MEDDELANDEN: "{organ} lägger meddelandena till handlingarna.",
    ItemKind.OVRIGT: "Inga övriga frågor tas upp.",
}
"""The default beslut of the procedural items without their own phrase function."""

TOPIC_LEADS: dict[ItemKind, str] = {
    ItemKind.DELEGATIONSBESLUT: "Följande delegationsbeslut anmäls:",
    ItemKind.MEDDELANDEN: "Följande meddelanden anmäls:",
}


def topic_text(kind: ItemKind, topics: Sequence[str], presenter: str | None) -> list[str]:
    """An information, delegationsbeslut or meddelanden item's ``punkter`` as the §'s text."""
    # "Pia Lundbom, hälso- och sjukvårdsdirektör, informerar": the title is an apposition
    who = f"{presenter}," if presenter and "," in presenter else presenter
    if not topics:
        return [f"{who} informerar."] if who and kind is ItemKind.INFORMATION else []
    if kind is ItemKind.INFORMATION:
        lead = f"{who} informerar om:" if who else "Information lämnas om:"
    else:
        lead = TOPIC_LEADS.get(kind, "")
    return [x for x in (lead, *(f"\u2013 {t}" for t in topics)) if x]


def in_organ_voice(parts: Sequence[ProposalPart], organ_name: str) -> list[dict[str, Any]]:
    """A proposal's blocks as the organ's beslut: the points word for word, the heading kept,
    the lead-in "<Organ> beslutar" for att-satser (sentences carry the organ as subject and get
    none), and "<Organ> föreslår <beslutande> besluta" for a block another organ decides."""
    blocks = []
    for part in parts:
        other = part.decider and part.decider.casefold() != organ_name.casefold()
        sentences = part.style != "att-satser"
        if other:
            assert part.decider is not None
            lead = f"{organ_name} föreslår {_lower_first(part.decider)} besluta"
            lead += " följande:" if sentences else ""
        else:
            lead = "" if sentences else f"{organ_name} beslutar"
        blocks.append(
            {
                "rubrik": part.heading or "",
                "inledning": lead,
                "punkter": [
                    {"etikett": p.label, "text": p.text, "lista": list(p.items)}
                    for p in part.points
                ],
            }
        )
    return blocks


def _sentence_block(text: str) -> list[dict[str, Any]]:
    return [
        {"rubrik": "", "inledning": "", "punkter": [{"etikett": "", "text": text, "lista": []}]}
    ]


def section_text(body: str, heading: str) -> list[str]:
    """The plain text paragraphs of a ``## heading`` section of a Markdown body.

    Read with the project's Markdown parser (markdown-it), so emphasis, links and line breaks
    become plain text; list items become lines of their own; tables and figures are left out.
    """
    tokens = parser().parse(body)
    wanted = normal_heading(heading)
    inside = False
    found: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0:
            if inside:
                break
            title = tokens[index + 1].content if index + 1 < len(tokens) else ""
            inside = token.tag == "h2" and normal_heading(title) == wanted
            continue
        if not inside or token.type != "inline" or tokens[index - 1].type == "heading_open":
            continue
        if any(t.type == "th_open" or t.type == "td_open" for t in tokens[index - 2 : index]):
            continue
        in_list = any(t.type == "list_item_open" for t in tokens[max(index - 2, 0) : index])
        text = "".join(
            " " if c.type in ("softbreak", "hardbreak") else c.content
            for c in token.children or []
            if c.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        text = " ".join(text.split())
        if text:
            found.append(f"\u2013 {text}" if in_list else text)
    return found


def _without_basis(lines: list[str], basis: Sequence[str]) -> list[str]:
    """A Sammanfattning's lines without a list of the beslutsunderlag (printed under its own
    heading), and without the sentence that introduced that list."""
    listed = {f"\u2013 {b}" for b in basis}
    kept = [line for line in lines if line not in listed]
    if len(kept) == len(lines):
        return lines
    return [
        line
        for i, line in enumerate(kept)
        if not line.endswith(":") or (i + 1 < len(kept) and kept[i + 1].startswith("\u2013 "))
    ]


# --------------------------------------------------------------------------------------------
# Context
# --------------------------------------------------------------------------------------------


def anslag_dates(minutes: Minutes) -> posting.PostingDates:
    """The anslag's dates: put up on ``anslag`` (else the justering day), the last day to
    appeal and the day it comes down. The protokoll, its utdrag and the app's meeting page
    all take them from here."""
    return posting.posting_dates(minutes.posted or minutes.adjustment.date)


class _Minutes:
    """What every § and block of one protokoll needs: names, dates, organ and settings."""

    def __init__(self, document: MinutesDocument, workspace: Workspace) -> None:
        assert workspace.profile is not None
        self.document = document
        self.workspace = workspace
        self.profile: Profile = workspace.profile
        self.minutes: Minutes = document.minutes
        meeting = next(m for m in workspace.meetings if m.rel == document.meeting_rel)
        self.meeting: Meeting = meeting.meeting
        organ = self.profile.organ(self.meeting.organ)
        self.organ_name = organ.name if organ else self.meeting.organ
        self.organ_short = organ.short if organ else ""
        self.head: Letterhead = letterhead(self.profile, self.meeting.organ, None)
        self.first_agenda = self.profile.agenda.first_number
        self.numbers = {p.agenda_number: p.number for p in document.paragraphs}
        self.all_numbers = [p.number for p in document.paragraphs]
        self.posted = anslag_dates(self.minutes).posted
        appendix = 0
        self.appendices: dict[tuple[int, int], int] = {}
        for paragraph in document.paragraphs:
            entry = paragraph.entry
            for index, reservation in enumerate(entry.reservations if entry else ()):
                if reservation.written:
                    appendix += 1
                    self.appendices[(paragraph.number, index)] = appendix

    # -- names and dates ----------------------------------------------------------------------

    def date(self, day: dt.date) -> str:
        """A date in the profile's date style (ISO by default)."""
        return format_date(day, self.head.header.date_style)

    def person(self, name: str) -> str:
        """A person as the meeting lists them, with party: "Gilbert Tribo (L)"."""
        key = person_key(name)
        for line in (*self.meeting.members, *self.meeting.substitutes):
            if person_key(line) == key:
                return display_name(line)
        return display_name(name)

    @property
    def chair(self) -> str:
        return self.person(self.meeting.chair.name)

    def span_of_items(self, items: Iterable[int]) -> str:
        return span_text([self.numbers[i] for i in items if i in self.numbers])

    def span_without(self, items: Iterable[int]) -> str:
        left_out = {self.numbers[i] for i in items if i in self.numbers}
        return span_text([n for n in self.all_numbers if n not in left_out])

    # -- blocks -------------------------------------------------------------------------------

    def meeting_block(self) -> dict[str, Any]:
        return {
            "datum": formatting.iso_date(self.meeting.date),
            "dag": _capitalise(formatting.weekday_date(self.meeting.date)),
            "plats": self.minutes.place or self.meeting.place,
            "tid": time_span(self.minutes.time),
            "ordförande": self.chair,
            "sekreterare": self.meeting.secretary.name,
            "instans": self.meeting.organ,
        }

    def attendance(self) -> dict[str, Any]:
        absent = {person_key(a.name): a for a in self.minutes.absent}
        deciding = []
        for line in self.meeting.members:
            away = absent.get(person_key(line))
            if away is not None and not away.items:
                continue
            role = line.split(",", 1)[1].strip() if "," in line else ""
            note = self.span_without(away.items) if away is not None else ""
            deciding.append({"namn": display_name(line), "roll": role, "anmärkning": note})
        serving = [
            {
                "namn": self.person(r.name),
                "ersätter": self.person(r.replaces),
                "anmärkning": self.span_of_items(r.items) if r.items else "",
            }
            for r in self.minutes.replacements
        ]
        return {
            "beslutande": deciding,
            "tjänstgörande_ersättare": serving,
            "ej_tjänstgörande_ersättare": [
                self.person(n) for n in self.minutes.present_substitutes
            ],
            "övriga": [self.items_as_paragraphs(o) for o in self.minutes.others],
        }

    def items_as_paragraphs(self, text: str) -> str:
        """ "…, ärende 4" → "…, § 44" (agenda numbers as the protokoll's § numbers)."""

        def replace(match: re.Match[str]) -> str:
            numbers = [int(n) for n in re.findall(r"\d+", match.group(0))]
            return self.span_of_items(numbers) or match.group(0)

        return re.sub(r"\bärenden?\s+\d+(?:\s*(?:,|och)\s*\d+)*", replace, text)

    def adjustment(self) -> dict[str, Any]:
        adjustment = self.minutes.adjustment
        when = self.date(adjustment.date)
        clock_text = formatting.clock(adjustment.time) if adjustment.time else None
        return {
            "justerare": [self.person(a) for a in self.minutes.adjusters],
            "plats_och_tid": ", ".join(
                x for x in (adjustment.place, f"{when} {clock_text or ''}".strip()) if x
            ),
        }

    def signatures(self) -> list[dict[str, str]]:
        rows = [
            {
                "roll": "Sekreterare",
                "namn": self.meeting.secretary.name,
                "paragrafer": span_text(self.all_numbers),
            },
            {"roll": "Ordförande", "namn": self.chair, "paragrafer": ""},
        ]
        rows.extend(
            {"roll": "Justerare", "namn": self.person(a), "paragrafer": ""}
            for a in self.minutes.adjusters
        )
        return rows

    def kept_at(self) -> str:
        return (
            self.minutes.kept_at
            or self.profile.minutes.kept_at
            or self.head.administration
            or self.head.organisation
        )

    def anslag(self) -> dict[str, Any]:
        dates = anslag_dates(self.minutes)
        return {
            "rubrik": ANSLAG_HEADING,
            "text": ANSLAG_TEXT,
            "rader": [
                ["Organ", self.organ_name],
                ["Sammanträdesdatum", self.date(self.meeting.date)],
                ["Datum för anslags uppsättande", self.date(dates.posted)],
                ["Datum för anslags nedtagande", self.date(dates.taken_down)],
                ["Sista dag för överklagande", self.date(dates.last_appeal_day)],
                ["Förvaringsplats för protokollet", self.kept_at()],
            ],
            "underskrift": self.meeting.secretary.name,
        }

    def common(self, *, label: str, kind: str, number: str, public: bool) -> dict[str, Any]:
        return {
            "organisation": organisation_context(self.head),
            "sidhuvud": header_context(
                self.head,
                label=label,
                organ=self.organ_name,
                date=self.meeting.date,
                number=number,
                number_label="",
                date_label="Sammanträdesdatum",
            ),
            "dokument": {"etikett": label, "typ": kind},
            "organ": {"namn": self.organ_name, "kortnamn": self.organ_short},
            "offentlig": public,
            "möte": self.meeting_block(),
            "paragrafer_spann": span_text(self.all_numbers),
        }

    # -- paragraphs ---------------------------------------------------------------------------

    def title(self, paragraph: Paragraph) -> str:
        entry, item = paragraph.entry, paragraph.item
        if entry is not None and entry.title:
            return entry.title
        if item is None:
            return ""
        title = item_title(item, paragraph.case)
        return f"{title} ({item.marker})" if item.marker else title

    def secrecy(self, paragraph: Paragraph) -> Secrecy | None:
        """The §'s secrecy; a secret case makes its § secret even if the item forgot it."""
        if paragraph.secrecy is not None:
            return paragraph.secrecy
        return paragraph.case.secrecy if paragraph.case is not None else None

    def withheld(self, paragraph: Paragraph) -> bool:
        return paragraph.withheld or self.secrecy(paragraph) is not None

    def public_title(self, paragraph: Paragraph) -> str:
        if not self.withheld(paragraph):
            return self.title(paragraph)
        entry, item = paragraph.entry, paragraph.item
        if entry is not None and entry.public_title:
            return entry.public_title
        if item is not None and item.public_title:
            return item.public_title
        return SECRET_TITLE if self.secrecy(paragraph) is not None else UNPUBLISHED_TITLE

    def notice(self, paragraph: Paragraph) -> str:
        secrecy = self.secrecy(paragraph)
        if secrecy is not None:
            return notice_text(
                WithheldReason.SECRECY, secrecy.provision, plural=False, subject="Paragrafen"
            )
        return notice_text(WithheldReason.NOT_PUBLISHED, None, plural=False, subject="Paragrafen")

    def decision_settings(self, paragraph: Paragraph) -> DecisionSettings:
        if paragraph.case is not None:
            return self.profile.decision_for(paragraph.case.doc_type)
        return self.profile.decision

    def proposal_blocks(self, proposal: Proposal, paragraph: Paragraph) -> list[dict[str, Any]]:
        _, parts = render_proposal(proposal, self.decision_settings(paragraph))
        return in_organ_voice(parts, self.organ_name)

    def decision(self, paragraph: Paragraph) -> list[dict[str, Any]]:
        entry = paragraph.entry
        if entry is not None and entry.decision is not None:
            return self.proposal_blocks(entry.decision, paragraph)
        kind = paragraph.kind
        if kind is ItemKind.BESLUT:
            if paragraph.case is not None:
                return self.proposal_blocks(paragraph.case.proposal, paragraph)
            return []
        if kind is ItemKind.JUSTERARE:
            adjustment = self.minutes.adjustment
            clock_text = formatting.clock(adjustment.time) if adjustment.time else None
            text = adjusters_decision(
                self.organ_name,
                [self.person(a) for a in self.minutes.adjusters],
                adjustment.place,
                self.date(adjustment.date),
                clock_text,
            )
        elif kind is ItemKind.FOREDRAGNINGSLISTA:
            dropped = [e.item for e in self.minutes.paragraphs if e.dropped and e.item is not None]
            added = [e.title for e in self.minutes.paragraphs if e.added and e.title]
            supplements = [
                number
                for number, item in enumerate(self.meeting.items, self.first_agenda)
                if item.supplement is not None
            ]
            lists = len({i.supplement for i in self.meeting.supplements})
            text = agenda_decision(self.organ_name, sorted(dropped), added, supplements, lists)
        else:
            text = PROCEDURAL_DECISIONS[kind].format(organ=self.organ_name)
        return _sentence_block(text)

    def text(self, paragraph: Paragraph) -> list[str]:
        entry, item, case = paragraph.entry, paragraph.item, paragraph.case
        if entry is not None and entry.text:
            return [" ".join(p.split()) for p in re.split(r"\n\s*\n", entry.text) if p.strip()]
        if case is not None:
            document = self.workspace.case_by_dnr(case.diary_number)
            if document is not None:
                return _without_basis(section_text(document.body, SUMMARY_SECTION), case.basis)
        if item is not None and item.kind in (
            ItemKind.INFORMATION,
            ItemKind.DELEGATIONSBESLUT,
            ItemKind.MEDDELANDEN,
        ):
            return topic_text(item.kind, item.topics, item.presenter)
        return []

    def paragraph(self, paragraph: Paragraph, *, public: bool) -> dict[str, Any]:
        number = f"§ {paragraph.number}"
        if public and self.withheld(paragraph):
            return _empty_paragraph(number, self.public_title(paragraph), self.notice(paragraph))
        entry, case = paragraph.entry, paragraph.case
        secrecy = self.secrecy(paragraph)
        if entry is not None and entry.recipients is not None:
            recipients = list(entry.recipients)
        else:
            recipients = list(case.recipients) if case is not None else []
        reservations = [
            reservation_sentence(r, self.appendices.get((paragraph.number, i)))
            for i, r in enumerate(entry.reservations if entry else ())
        ]
        return {
            "nummer": number,
            "rubrik": self.title(paragraph),
            "diarienummer": paragraph.diary_number or "",
            "sekretess": secrecy_marking(secrecy.provision) if secrecy is not None else "",
            "dold": "",
            "omedelbart_justerad": IMMEDIATE if entry is not None and entry.immediate else "",
            "text": self.text(paragraph),
            "beslutsunderlag": list(case.basis) if case is not None else [],
            "yrkanden": [motion_sentence(m) for m in (entry.motions if entry else ())],
            "propositionsordning": [_sentence(entry.order)] if entry and entry.order else [],
            "omröstning": (
                ballot_context(entry.ballot, self.organ_name, self.chair)
                if entry is not None and entry.ballot is not None
                else None
            ),
            "beslut": {"rubrik": DECISION_HEADING, "block": self.decision(paragraph)},
            "jäv": [disqualification_sentence(self.person(n)) for n in entry.disqualified]
            if entry
            else [],
            "reservationer": reservations,
            "protokollsanteckningar": [note_sentence(n) for n in (entry.notes if entry else ())],
            "delges": recipients,
        }


def _empty_paragraph(number: str, title: str, notice: str) -> dict[str, Any]:
    """A withheld § in the public protokoll: number, public title and the notice only."""
    return {
        "nummer": number,
        "rubrik": title,
        "diarienummer": "",
        "sekretess": "",
        "dold": notice,
        "omedelbart_justerad": "",
        "text": [],
        "beslutsunderlag": [],
        "yrkanden": [],
        "propositionsordning": [],
        "omröstning": None,
        "beslut": {"rubrik": "", "block": []},
        "jäv": [],
        "reservationer": [],
        "protokollsanteckningar": [],
        "delges": [],
    }


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def minutes_context(
    document: MinutesDocument, workspace: Workspace, *, public: bool
) -> dict[str, Any]:
    """The context of ``templates/protokoll.docx`` (``public``: the public protokoll, in
    which every withheld § is its number, its public title and a notice)."""
    m = _Minutes(document, workspace)
    label = "PROTOKOLL"
    context = m.common(
        label=label, kind=MINUTES_TEMPLATE, number=span_text(m.all_numbers), public=public
    )
    paragraphs = [m.paragraph(p, public=public) for p in document.paragraphs]
    context.update(
        {
            "rubrik": minutes_title(document, workspace, public=public),
            "närvaro": m.attendance(),
            "justering": m.adjustment(),
            "underskrifter": m.signatures(),
            "anslag": m.anslag(),
            "innehåll": [{"nummer": p["nummer"], "rubrik": p["rubrik"]} for p in paragraphs],
            "paragrafer": paragraphs,
        }
    )
    return context


def extract_context(
    document: MinutesDocument, workspace: Workspace, paragraph: Paragraph
) -> dict[str, Any]:
    """The context of ``templates/protokollsutdrag.docx`` for one §."""
    m = _Minutes(document, workspace)
    label = "PROTOKOLLSUTDRAG"
    context = m.common(
        label=label, kind=EXTRACT_TEMPLATE, number=f"§ {paragraph.number}", public=False
    )
    context["rubrik"] = extract_title(document, workspace, paragraph)
    context["paragrafer"] = [m.paragraph(paragraph, public=False)]
    context["utdragsbestyrkande"] = {
        "text": m.profile.minutes.certification,
        "namn": m.meeting.secretary.name,
        "titel": _in_sentence(m.meeting.secretary.title or ""),
        "datum": m.date(m.posted),
    }
    return context


def minutes_title(document: MinutesDocument, workspace: Workspace, *, public: bool) -> str:
    """The protokoll's title: its first heading and its PDF /Title."""
    m = _Minutes(document, workspace)
    suffix = " (offentlig version)" if public else ""
    return f"Protokoll {m.organ_name} {formatting.iso_date(m.meeting.date)}{suffix}"


def extract_title(document: MinutesDocument, workspace: Workspace, paragraph: Paragraph) -> str:
    """An utdrag's document title: "Protokollsutdrag § 47 Hälso- och sjukvårdsnämnden …"."""
    m = _Minutes(document, workspace)
    day = formatting.iso_date(m.meeting.date)
    return f"Protokollsutdrag § {paragraph.number} {m.organ_name} {day}"


def public_strings(context: Any) -> list[str]:
    """Every string in a context, depth first (what a leak check reads)."""
    if isinstance(context, str):
        return [context]
    if isinstance(context, dict):
        return [s for v in context.values() for s in public_strings(v)]
    if isinstance(context, list | tuple):
        return [s for v in context for s in public_strings(v)]
    return []


def withheld_strings(document: MinutesDocument, workspace: Workspace) -> list[str]:
    """The texts of the withheld §§ that must not reach the public protokoll: internal title,
    text, beslut, yrkanden, … (the internal context of each withheld §, minus its
    number, its secrecy marking and every string the public protokoll has anyway, e.g. a
    "Tjänsteskrivelse 2022-05-27" or "Regionstyrelsen" that another § lists too)."""
    m = _Minutes(document, workspace)
    found: list[str] = []
    # What is public anyway, from the internal texts (never from the public context, so that a
    # bug that lets a withheld § into the public context cannot hide its own text from here).
    public = set(public_strings(m.common(label="", kind="", number="", public=True)))
    for paragraph in document.paragraphs:
        if not m.withheld(paragraph):
            public.update(public_strings(m.paragraph(paragraph, public=False)))
        else:
            public.add(m.public_title(paragraph))
    for paragraph in document.paragraphs:
        if not m.withheld(paragraph):
            continue
        shown = m.paragraph(paragraph, public=False)
        # The diarienummer is public (the public kallelse lists it), so it is no leak.
        for key in ("nummer", "sekretess", "diarienummer"):
            shown.pop(key)
        shown["beslut"].pop("rubrik")
        found.extend(public_strings(shown))
    public.update(public_strings([m.attendance(), m.adjustment(), m.signatures(), m.anslag()]))
    # Equal strings only: a secret sentence copied into a longer text of another § is a leak.
    unique = dict.fromkeys(s for s in found if len(s) > 3)
    return [s for s in unique if s not in public]


def render_minutes(
    root: Path, context: dict[str, Any], title: str, profile: Profile | None, template: str
) -> bytes:
    """Render a protokoll (``template`` = "protokoll") or an utdrag ("protokollsutdrag") to
    .docx bytes; raise RenderError with a Swedish message."""
    what = "protokollet" if template == MINUTES_TEMPLATE else "protokollsutdraget"
    return render_meeting_template(root, template, context, title, profile, what)


def _in_sentence(title: str) -> str:
    """A title inside a line is written in lower case ("Sara Ekström, nämndsekreterare"),
    abbreviations excepted ("HR-chef" stays)."""
    if len(title) > 1 and title[0].isupper() and not title[1].isupper():
        return title[0].lower() + title[1:]
    return title


__all__ = [
    "EXTRACT_TEMPLATE",
    "MINUTES_TEMPLATE",
    "PROCEDURAL_DECISIONS",
    "SECRET_TITLE",
    "UNPUBLISHED_TITLE",
    "adjusters_decision",
    "agenda_decision",
    "anslag_dates",
    "ballot_context",
    "ballot_result",
    "disqualification_sentence",
    "extract_context",
    "extract_title",
    "in_organ_voice",
    "minutes_context",
    "minutes_title",
    "motion_sentence",
    "note_sentence",
    "organ_word",
    "public_strings",
    "render_minutes",
    "reservation_sentence",
    "section_text",
    "time_span",
    "topic_text",
    "withheld_strings",
]


@dataclass(frozen=True)
class ParagraphTitle:
    """A §'s number, agenda item and titles, as the protokoll prints them (for manifests)."""

    number: int
    agenda_number: int | None
    title: str
    public_title: str
    withheld: bool


def paragraph_titles(document: MinutesDocument, workspace: Workspace) -> tuple[ParagraphTitle, ...]:
    """Every § of the protokoll with its internal and public title (the protokoll's own rules)."""
    minutes = _Minutes(document, workspace)
    return tuple(
        ParagraphTitle(
            p.number,
            p.agenda_number,
            minutes.title(p),
            minutes.public_title(p),
            minutes.withheld(p),
        )
        for p in document.paragraphs
    )
