"""The rules a protokoll must follow beyond its model: people, votes, § numbers, justering,
anslag, agenda and the decision points of a changed beslut.

Every problem is located at the key of the protokoll file it is about (file:line:column) and
says in Swedish what is wrong and how to put it right. The people of a protokoll are the
meeting's ``ledamöter`` and ``ersättare``, matched by :func:`beslut.model.minutes.person_key`;
when the meeting lists no ledamöter, that is one error (the protokoll cannot say who decided)
and the other rules about people are left out.

Who serves in a § (tjänstgör): the ledamöter not absent for that item, plus the ersättare who
replace someone for it, minus those who reported jäv in it. Only they may make a yrkande, make a
reservation or vote, and a vote lists exactly them (kommunallagen on the protokoll).

The rules run on every load; each is linear in the size of the protokoll and its meeting
(the § number rules compare a protokoll with the earlier ones of its organ and year, a dozen
or two).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from beslut.diagnostics import Diagnostic, error, warning
from beslut.load.source import Source
from beslut.load.yamlpos import PathKey
from beslut.model.minutes import (
    Minutes,
    Paragraph,
    ParagraphEntry,
    Vote,
    display_name,
    person_key,
    span_text,
)
from beslut.model.models import ItemKind, Meeting, Profile
from beslut.model.posting import latest_posting

LATEST_ADJUSTMENT_DAYS = 14
"""A nämnd's protokoll is justerat at the latest 14 days after the meeting (KL 5 kap. 69 §, 6 kap. 35 §)."""


def _join(names: Sequence[str]) -> str:
    """Names in quotes: ”A”, ”A” och ”B”, ”A”, ”B” och ”C”."""
    quoted = [f"”{n}”" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " och " + quoted[-1]


def _numbers(numbers: Iterable[int]) -> str:
    """Numbers as Swedish text: 7, 7 och 9, 7, 8 och 9."""
    ordered = [str(n) for n in sorted(set(numbers))]
    return ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " och " + ordered[-1]


@dataclass
class _Findings:
    """Diagnostics located in one protokoll file."""

    source: Source
    found: list[Diagnostic] = field(default_factory=list)

    def at(self, path: PathKey) -> tuple[int, int]:
        pos = self.source.positions.find(path, want_key=True)
        return pos.line, pos.column

    def named(self, path: PathKey, key: str) -> PathKey:
        """The path of a person in a list: ``path`` + ``key`` when the item is written as a
        group (``- namn: …``), else the item itself (``- Anna Berglund (S)``)."""
        grouped = (*path, key)
        return grouped if grouped in self.source.positions.entries else path

    def _error(self, path: PathKey, message: str, code: str) -> None:
        self.found.append(error(self.source.rel, *self.at(path), message, code))

    def _warn(self, path: PathKey, message: str, code: str) -> None:
        self.found.append(warning(self.source.rel, *self.at(path), message, code))


@dataclass
class _People:
    """Who the meeting has and who was absent or replaced, by :func:`person_key`."""

    members: dict[str, str]
    substitutes: dict[str, str]
    absent_all: set[str] = field(default_factory=set)
    absent_items: dict[str, set[int]] = field(default_factory=dict)
    replacing: list[tuple[str, str, frozenset[int] | None]] = field(default_factory=list)
    """(ersättare, ledamot, items or None for the whole meeting)."""

    def name(self, key: str) -> str:
        return self.members.get(key) or self.substitutes.get(key) or key

    def absent(self, key: str, number: int | None) -> bool:
        if key in self.absent_all:
            return True
        return number is not None and number in self.absent_items.get(key, ())

    def serving(self, number: int | None, disqualified: set[str]) -> dict[str, str]:
        """The people serving in the § of agenda item ``number`` (None: an added item)."""
        found = {k: v for k, v in self.members.items() if not self.absent(k, number)}
        for sub, _member, items in self.replacing:
            if items is None or (number is not None and number in items):
                found[sub] = self.substitutes[sub]
        return {k: v for k, v in found.items() if k not in disqualified}

    def why_not(self, key: str, number: int | None, disqualified: set[str]) -> str:
        """Why someone known does not serve in a §, in Swedish."""
        if key in disqualified:
            return "anmälde jäv"
        if key in self.members:
            by = [
                self.substitutes[s]
                for s, m, items in self.replacing
                if m == key and (items is None or (number is not None and number in items))
            ]
            return "frånvarande" + (f", ersatt av {by[0]}" if by else "")
        return "ersättare som inte tjänstgjorde i paragrafen"


class MinutesRules(_Findings):
    """The rules for one protokoll against its meeting."""

    def __init__(
        self,
        source: Source,
        minutes: Minutes,
        meeting: Meeting,
        meeting_rel: str,
        resolved: tuple[Paragraph, ...],
        profile: Profile | None,
        first_agenda: int,
    ) -> None:
        super().__init__(source)
        self.minutes = minutes
        self.meeting = meeting
        self.meeting_rel = meeting_rel
        self.resolved = resolved
        self.profile = profile
        self.first_agenda = first_agenda
        self.last_agenda = first_agenda + len(meeting.items) - 1
        self.people = _People(
            {person_key(m): display_name(m) for m in meeting.members},
            {person_key(s): display_name(s) for s in meeting.substitutes},
        )

    def run(self) -> list[Diagnostic]:
        checked = bool(self.meeting.members)
        if checked:
            self._attendance()
        else:
            self._error(
                ("sammanträde",),
                f"Mötesfilen {self.meeting_rel} har inga ledamöter, så protokollet kan inte "
                "visa vilka som beslutade. Skriv ledamöterna under ”ledamöter:” i mötesfilen, en "
                "per rad, t.ex. ”- Anna Andersson (S), ordförande”.",
                "protokoll-inga-ledamöter",
            )
        self._entries()
        self._missing_decisions()
        if checked:
            self._paragraph_people()
            self._adjusters()
        self._chair_adjusts()
        self._dates()
        self._decisions()
        return self.found

    # -- people ----------------------------------------------------------------------------

    def _known(self, name: str, path: PathKey, role: str | None = None) -> str | None:
        """The person's key when ``name`` is someone of the meeting in ``role`` (``ledamot``,
        ``ersättare`` or None for either); else report it and return None."""
        key = person_key(name)
        members, substitutes = self.people.members, self.people.substitutes
        found = "ledamot" if key in members else "ersättare" if key in substitutes else None
        if found is None:
            pool = members if role == "ledamot" else substitutes if role == "ersättare" else {}
            pool = pool or {**members, **substitutes}
            close = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.6)
            hint = (
                f" Menade du ”{pool[close[0]]}”?"
                if close
                else " Skriv namnet som i mötesfilens ledamöter eller ersättare."
            )
            self._error(
                path,
                f"”{name}” finns inte bland ledamöterna och ersättarna i {self.meeting_rel}."
                + hint,
                "protokoll-okänd-person",
            )
            return None
        if role is not None and found != role:
            key_name = next(p for p in reversed(path) if isinstance(p, str))
            listing = ", ".join((members if role == "ledamot" else substitutes).values())
            plural = "Ledamöter" if role == "ledamot" else "Ersättare"
            self._error(
                path,
                f"”{name}” under ”{key_name}” är {found}, inte {role}, i {self.meeting_rel}. "
                f"{plural}: {listing or 'inga'}.",
                "protokoll-fel-roll",
            )
            return None
        return key

    def _agenda_numbers(self, numbers: Sequence[int], path: PathKey, name: str) -> None:
        for index, number in enumerate(numbers):
            if not self.first_agenda <= number <= self.last_agenda:
                self._error(
                    (*path, index),
                    f"Ärende {number} under ”ärenden” för {name} finns inte på "
                    f"föredragningslistan i {self.meeting_rel}, som har ärende "
                    f"{self.first_agenda}–{self.last_agenda}. Rätta numret.",
                    "protokoll-okänt-ärende",
                )

    def _attendance(self) -> None:
        people = self.people
        for index, absence in enumerate(self.minutes.absent):
            path: PathKey = ("frånvarande", index)
            key = self._known(absence.name, self.named(path, "namn"), "ledamot")
            if key is None:
                continue
            self._agenda_numbers(absence.items, (*path, "ärenden"), absence.name)
            if absence.items:
                people.absent_items.setdefault(key, set()).update(absence.items)
            else:
                people.absent_all.add(key)
        for index, substitute in enumerate(self.minutes.present_substitutes):
            self._known(substitute, ("ej_tjänstgörande_ersättare", index), "ersättare")
        replaced: dict[str, list[tuple[str, frozenset[int] | None, int]]] = {}
        for index, replacement in enumerate(self.minutes.replacements):
            path = ("tjänstgörande_ersättare", index)
            sub = self._known(replacement.name, (*path, "namn"), "ersättare")
            member = self._known(replacement.replaces, (*path, "ersätter"), "ledamot")
            self._agenda_numbers(replacement.items, (*path, "ärenden"), replacement.name)
            if sub is None or member is None:
                continue
            items = frozenset(replacement.items) if replacement.items else None
            who, whom = people.substitutes[sub], people.members[member]
            present = self._present_during(member, items)
            if present is not None:
                self._error(
                    (*path, "ersätter"),
                    f"”{who}” ersätter ”{whom}”, men {whom} är inte frånvarande{present}. "
                    f"Skriv {whom} under frånvarande (med ”ärenden” om hen bara var borta under "
                    "en del av sammanträdet), eller rätta vem som ersätts.",
                    "protokoll-ersättare",
                )
            for other, other_items, other_index in replaced.get(member, ()):
                both = _overlap(items, other_items)
                if both is not None:
                    line, _ = self.at(("tjänstgörande_ersättare", other_index))
                    during = f" under ärende {_numbers(both)}" if both else ""
                    self._error(
                        (*path, "ersätter"),
                        f"”{whom}” ersätts redan av ”{other}” (rad {line}){during}. En "
                        "ledamot har bara en tjänstgörande ersättare åt gången; ange "
                        "”ärenden” för var och en om de tjänstgjorde under olika ärenden.",
                        "protokoll-ersättare",
                    )
                    break
            replaced.setdefault(member, []).append((who, items, index))
            people.replacing.append((sub, member, items))

    def _present_during(self, member: str, items: frozenset[int] | None) -> str | None:
        """None when ``member`` is absent for all of ``items``; else where they were present
        (as the end of a Swedish sentence)."""
        people = self.people
        if member in people.absent_all:
            return None
        if items is None:
            return " hela sammanträdet"
        present = [n for n in items if n not in people.absent_items.get(member, ())]
        return f" under ärende {_numbers(present)}" if present else None

    # -- entries and the agenda -------------------------------------------------------------

    def _entries(self) -> None:
        seen: dict[int, int] = {}
        if not self.resolved:
            self._error(
                ("paragrafer",) if self.minutes.paragraphs else ("sammanträde",),
                "Protokollet har inga paragrafer: varje ärende på föredragningslistan är "
                "markerat ”utgår”. Ta bort ”utgår: ja” från de ärenden som behandlades.",
                "protokoll-inga-paragrafer",
            )
        for index, entry in enumerate(self.minutes.paragraphs):
            if (
                entry.added
                and entry.after is not None
                and not (self.first_agenda <= entry.after <= self.last_agenda)
            ):
                self._error(
                    ("paragrafer", index, "efter"),
                    f"Det finns inget ärende {entry.after} på föredragningslistan i "
                    f"{self.meeting_rel} (ärende {self.first_agenda}–{self.last_agenda}), så "
                    f"det tillagda ärendet ”{entry.title}” kan inte stå efter det. Rätta "
                    "numret, eller ta bort ”efter” så kommer ärendet före Övriga frågor.",
                    "protokoll-okänt-ärende",
                )
            if entry.item is None:
                continue
            path: PathKey = ("paragrafer", index, "ärende")
            if not self.first_agenda <= entry.item <= self.last_agenda:
                self._error(
                    path,
                    f"Det finns inget ärende {entry.item} på föredragningslistan i "
                    f"{self.meeting_rel} (ärende {self.first_agenda}–{self.last_agenda}). "
                    "Rätta numret, eller skriv ”tillagt: ja” och ”rubrik” i stället för "
                    "”ärende” om ärendet lades till vid sammanträdet.",
                    "protokoll-okänt-ärende",
                )
            elif entry.item in seen:
                line, _ = self.at(("paragrafer", seen[entry.item]))
                self._error(
                    path,
                    f"Ärende {entry.item} har redan en paragraf på rad {line}. Skriv allt om "
                    "ärendet under den första och ta bort den här.",
                    "protokoll-dubbel-paragraf",
                )
            else:
                seen[entry.item] = index

    def _missing_decisions(self) -> None:
        """A beslut § without a case file needs its beslut in the protokoll."""
        for paragraph in self.resolved:
            entry = paragraph.entry
            if paragraph.kind is not ItemKind.BESLUT or paragraph.case is not None:
                continue
            if entry is not None and entry.decision is not None:
                continue
            if entry is not None and entry.added:
                self._error(
                    ("paragrafer", paragraph.entry_index or 0, "tillagt"),
                    f"Det tillagda ärendet ”{entry.title}” (§ {paragraph.number}) har inget "
                    "beslut. Ett ärende som lades till vid sammanträdet har ingen ärendefil: "
                    "skriv beslutet under ”beslut:” med ”beslutspunkter:”.",
                    "protokoll-beslut-saknas",
                )
                continue
            title = paragraph.item.title if paragraph.item and paragraph.item.title else None
            named = f" ({title})" if title else ""
            where: PathKey = (
                ("paragrafer", paragraph.entry_index, "ärende")
                if paragraph.entry_index is not None
                else ("paragrafer",)
                if "paragrafer" in self.source.data
                else ("sammanträde",)
            )
            self._error(
                where,
                f"§ {paragraph.number}{named} har ingen ärendefil i arbetsytan, så det finns "
                "inget förslag att ta över som beslut. Skriv beslutet under paragrafer: "
                f"- ärende: {paragraph.agenda_number} beslut: beslutspunkter: …, eller "
                "”utgår: ja” om ärendet utgick.",
                "protokoll-beslut-saknas",
            )

    # -- yrkanden, reservationer, omröstning and jäv per § ---------------------------------

    def _paragraph_people(self) -> None:
        for paragraph in self.resolved:
            if paragraph.entry is not None and paragraph.entry_index is not None:
                self._paragraph(paragraph, paragraph.entry, ("paragrafer", paragraph.entry_index))

    def _paragraph(self, paragraph: Paragraph, entry: ParagraphEntry, path: PathKey) -> None:
        people, number = self.people, paragraph.agenda_number
        disqualified = set()
        for index, name in enumerate(entry.disqualified):
            key = self._known(name, (*path, "jäv", index))
            if key is not None:
                disqualified.add(key)
        serving = people.serving(number, disqualified)
        acts = [
            ("yrkanden", "Yrkandet", [m.by for m in entry.motions]),
            ("reservationer", "Reservationen", [r.by for r in entry.reservations]),
        ]
        for key_name, what, names in acts:
            for index, name in enumerate(names):
                at = self.named((*path, key_name, index), "av")
                key = self._known(name, at)
                if key is not None and key not in serving:
                    why = people.why_not(key, number, disqualified)
                    self._error(
                        at,
                        f"{what} av ”{name}” kan inte stå i protokollet: {people.name(key)} "
                        f"var inte tjänstgörande i § {paragraph.number} ({why}). Bara de som "
                        "tjänstgör i paragrafen kan yrka och reservera sig; rätta namnet eller "
                        "ta bort uppgiften.",
                        "protokoll-ej-tjänstgörande",
                    )
        # A protokollsanteckning is the ordförande's to allow (not regulated in KL), also for an
        # ersättare who did not serve: only the name is checked.
        for index, note in enumerate(entry.notes):
            self._known(note.by, (*path, "protokollsanteckningar", index, "av"))
        if entry.ballot is not None:
            self._ballot(paragraph, entry, path, serving, disqualified)
        elif len(entry.motions) >= 2 and not entry.order:
            self._warn(
                (*path, "yrkanden"),
                f"§ {paragraph.number} har {len(entry.motions)} yrkanden men ingen "
                "propositionsordning. Protokollet ska visa i vilken ordning ordföranden ställde "
                "förslagen (kommunallagen): skriv den under ”propositionsordning”.",
                "protokoll-propositionsordning",
            )

    def _ballot(
        self,
        paragraph: Paragraph,
        entry: ParagraphEntry,
        path: PathKey,
        serving: dict[str, str],
        disqualified: set[str],
    ) -> None:
        assert entry.ballot is not None
        number = paragraph.number
        votes_path: PathKey = (*path, "omröstning", "röster")
        if not entry.order:
            self._warn(
                (*path, "omröstning"),
                f"§ {number} har en omröstning men ingen propositionsordning. Protokollet ska "
                "visa i vilken ordning ordföranden ställde förslagen (kommunallagen): skriv den under ”propositionsordning”.",
                "protokoll-propositionsordning",
            )
        votes: dict[str, Vote] = {}
        extra: list[str] = []
        complete = True
        for name, vote in entry.ballot.votes.items():
            key = self._known(name, (*votes_path, name))
            if key is None:
                complete = False
                continue
            votes[key] = vote
            if key in disqualified:
                complete = False
                self._error(
                    (*votes_path, name),
                    f"”{name}” anmälde jäv i § {number} och får inte rösta. Ta bort rösten, "
                    f"eller ta bort {self.people.name(key)} under ”jäv” om hen inte var jävig.",
                    "protokoll-jäv-röstar",
                )
            elif key not in serving:
                extra.append(self.people.name(key))
        missing = [name for key, name in serving.items() if key not in votes]
        if complete and (missing or extra):
            counted, expected = len(entry.ballot.votes), len(serving)
            message = (
                f"Omröstningen i § {number} har {counted} röster, men {expected} tjänstgjorde."
                if counted != expected
                else f"Omröstningen i § {number} stämmer inte med de tjänstgörande."
            )
            if missing:
                message += f" Röst saknas för {_join(missing)}."
            if extra:
                message += f" {_join(extra)} tjänstgjorde inte i paragrafen och kan inte rösta."
            message += (
                " Varje tjänstgörande ledamot och ersättare ska ha en röst (ja, nej eller "
                "avstår), och ingen annan."
            )
            self._error(votes_path, message, "protokoll-röster")
        self._reservations_with_majority(paragraph, entry, path, votes)

    def _reservations_with_majority(
        self,
        paragraph: Paragraph,
        entry: ParagraphEntry,
        path: PathKey,
        votes: dict[str, Vote],
    ) -> None:
        assert entry.ballot is not None
        yes, no, _ = entry.ballot.counts()
        if yes == no:  # the ordförande's vote decides (KL 5 kap. 56 §, 6 kap. 33 §)
            winner = votes.get(person_key(self.meeting.chair.name))
        else:
            winner = Vote.JA if yes > no else Vote.NEJ
        if winner is None:
            return
        for index, reservation in enumerate(entry.reservations):
            if votes.get(person_key(reservation.by)) is winner:
                at = self.named((*path, "reservationer", index), "av")
                self._warn(
                    at,
                    f"”{reservation.by}” reserverar sig i § {paragraph.number} men röstade "
                    f"{winner.value} med majoriteten. Den som röstade för beslutet reserverar "
                    "sig inte mot det; kontrollera rösten och reservationen.",
                    "protokoll-reservation-majoritet",
                )

    # -- justerare, justering and anslag ----------------------------------------------------

    def _adjusters(self) -> None:
        people = self.people
        present = {k for k in people.members if k not in people.absent_all}
        present |= {sub for sub, _member, _items in people.replacing}
        for index, name in enumerate(self.minutes.adjusters):
            path: PathKey = ("justerare", index)
            key = self._known(name, path)
            if key is not None and key not in present:
                why = "frånvarande" if key in people.members else "ersättare som inte tjänstgjorde"
                self._error(
                    path,
                    f"Justeraren ”{name}” tjänstgjorde inte vid sammanträdet ({why}). "
                    "Justerare väljs bland de närvarande ledamöterna och tjänstgörande "
                    "ersättarna; välj någon av dem.",
                    "protokoll-justerare-frånvarande",
                )

    def _chair_adjusts(self) -> None:
        chair = person_key(self.meeting.chair.name)
        for index, name in enumerate(self.minutes.adjusters):
            if person_key(name) == chair:
                self._error(
                    ("justerare", index),
                    f"Justeraren ”{name}” är sammanträdets ordförande, som justerar "
                    "protokollet ändå. Välj en annan ledamot som justerare.",
                    "protokoll-justerare-ordförande",
                )

    def _dates(self) -> None:
        held = self.meeting.date
        adjusted = self.minutes.adjustment.date
        latest = held + dt.timedelta(days=LATEST_ADJUSTMENT_DAYS)
        if adjusted < held:
            self._error(
                ("justering", "datum"),
                f"Justeringen {adjusted.isoformat()} är före sammanträdet {held.isoformat()}. "
                "Protokollet justeras efter sammanträdet; rätta datumet.",
                "protokoll-justeringsdatum",
            )
        elif adjusted > latest:
            self._error(
                ("justering", "datum"),
                f"Justeringen {adjusted.isoformat()} är {(adjusted - held).days} dagar efter "
                f"sammanträdet {held.isoformat()}. Protokollet ska justeras senast 14 dagar "
                f"efter sammanträdet (kommunallagen 5 kap. 69 § och 6 kap. 35 §), dvs. senast "
                f"{latest.isoformat()}.",
                "protokoll-justeringsdatum",
            )
        posted = self.minutes.posted
        if posted is None:
            return
        if posted < adjusted:
            self._error(
                ("anslag",),
                f"Anslaget {posted.isoformat()} är före justeringen {adjusted.isoformat()}. "
                "Justeringen tillkännages på anslagstavlan när protokollet är justerat; rätta "
                "datumet, eller ta bort ”anslag” så gäller justeringsdagen.",
                "protokoll-anslagsdatum",
            )
        elif posted > latest_posting(adjusted):
            self._error(
                ("anslag",),
                f"Anslaget {posted.isoformat()} är för sent: justeringen {adjusted.isoformat()} "
                "ska tillkännages på anslagstavlan senast andra dagen efter justeringen "
                f"(kommunallagen 8 kap. 12 §), dvs. senast {latest_posting(adjusted).isoformat()}.",
                "protokoll-anslagsdatum",
            )

    # -- the decision points of a changed beslut --------------------------------------------

    def _decisions(self) -> None:
        if self.profile is None:
            return
        # Imported here: the checks import the validate stage, which imports this module.
        from beslut.checks.catalogue import RULES
        from beslut.checks.proposal import point_findings, points_to_check

        organ = self.profile.organ(self.meeting.organ)
        for paragraph in self.resolved:
            entry = paragraph.entry
            if entry is None or entry.decision is None or paragraph.entry_index is None:
                continue
            settings = (
                self.profile.decision_for(paragraph.case.doc_type)
                if paragraph.case is not None
                else self.profile.decision
            )
            for point in points_to_check(
                entry.decision, settings, organ.name if organ is not None else None
            ):
                path: PathKey = ("paragrafer", paragraph.entry_index, "beslut", *point.path)
                if (*path, "punkt") in self.source.positions.entries:
                    path = (*path, "punkt")
                line, column = self.at(path)
                for code, message, _fix in point_findings(
                    point.number, point.text, point.style, point.preset, point.subjects, None
                ):
                    self.found.append(
                        RULES[code].at(
                            self.source.rel, line, column, f"§ {paragraph.number}: {message}"
                        )
                    )


def _overlap(first: frozenset[int] | None, second: frozenset[int] | None) -> frozenset[int] | None:
    """The items two replacements share: None when they share none, an empty set when one of
    them covers the whole meeting and the other too."""
    if first is None and second is None:
        return frozenset()
    if first is None:
        return second
    if second is None:
        return first
    return (first & second) or None


@dataclass(frozen=True)
class Numbered:
    """One protokoll's place in its organ's year, for the § number rules."""

    source: Source
    minutes: Minutes
    organ: str
    organ_name: str
    year: int
    first: int
    last: int


def numbering_rules(protocols: Sequence[Numbered]) -> list[Diagnostic]:
    """§ numbers reused by two protokoll of one organ and year (an error at the later one) and
    a first number that leaves a gap after the previous protokoll (a warning).

    ``protocols`` are in meeting order (organ, date, file), as numbered.
    """
    found: list[Diagnostic] = []
    earlier: dict[tuple[str, int], list[Numbered]] = {}
    for current in protocols:
        if current.last < current.first:
            continue  # no paragraphs
        before = earlier.setdefault((current.organ, current.year), [])
        findings = _Findings(current.source)
        at: PathKey = (
            ("första_paragraf",)
            if current.minutes.first_paragraph is not None
            else ("sammanträde",)
        )
        clash = False
        for other in before:
            low, high = max(current.first, other.first), min(current.last, other.last)
            if low <= high:
                clash = True
                findings._error(
                    at,
                    f"{span_text(list(range(low, high + 1)))} finns redan i {other.source.rel} "
                    f"({span_text(list(range(other.first, other.last + 1)))}): båda är protokoll för "
                    f"{current.organ_name} {current.year}, och varje paragrafnummer används en "
                    f"gång per år. Ändra ”första_paragraf” till {max(o.last for o in before) + 1}"
                    ", eller ta bort den så följer numret på det förra protokollet.",
                    "protokoll-paragraf-krock",
                )
                break
        if not clash and before and current.minutes.first_paragraph is not None:
            last = max(before, key=lambda o: o.last)
            if current.first > last.last + 1:
                gap = span_text(list(range(last.last + 1, current.first)))
                findings._warn(
                    at,
                    f"Protokollet börjar på § {current.first}, men förra protokollet för "
                    f"{current.organ_name} {current.year} ({last.source.rel}) slutar på "
                    f"§ {last.last}: {gap} "
                    "används inte. Ta bort ”första_paragraf” så följer numret på det förra "
                    "protokollet, eller rätta numret.",
                    "protokoll-paragraf-lucka",
                )
        found.extend(findings.found)
        before.append(current)
    return found


__all__ = ["LATEST_ADJUSTMENT_DAYS", "MinutesRules", "Numbered", "numbering_rules"]
