"""What the public may see of a meeting: one pure decision for every withholding reason.

An agenda item's papers are withheld from the public versions (the public kallelse, the public
packet and the public item PDFs) when

* the item has ``sekretess:`` (secrecy under OSL, with its provision),
* the case it presents has ``sekretess:`` itself, even when the item forgot to say so (validation
  reports that as an error; this module withholds the papers regardless), or
* the item has ``publiceras_inte: true`` (not published on the web, e.g. personal data).

:func:`public_view` turns a meeting and its cases into a :class:`MeetingView`: per item the
internal and public titles, the reason, the notice texts, the line in the public kallelse's list
of left-out papers and the marking of a secret item in the internal kallelse. Everything that
builds a meeting's outputs reads this view, so the decision is made in one place only.

Only the models and the standard library are imported: the function has no side effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from beslut.model.models import AgendaItem, Case, Meeting
from beslut.model.models import item_title as item_title


class WithheldReason(StrEnum):
    """Why an item's papers are left out of the public versions."""

    SECRECY = "sekretess"
    """Secrecy under OSL (on the item or on its case)."""
    NOT_PUBLISHED = "publiceras_inte"
    """Not published on the web, without secrecy; the papers can be requested."""


@dataclass(frozen=True)
class DocumentView:
    """How one of an item's documents appears in a public packet or item PDF."""

    title: str
    """Bookmark title (and heading of the notice page when withheld)."""
    notice: str | None
    """None: the document itself is published; else a notice page with this text replaces it."""


@dataclass(frozen=True)
class ItemView:
    """One agenda item as each audience sees it."""

    number: int
    """The item's number on the agenda (from 1, or from 0 when the profile says so)."""
    title: str
    """The title in internal versions, with the item's marker: "… (KF)"."""
    public_title: str
    """The title in public versions (``offentlig_rubrik`` when withheld and given)."""
    reason: WithheldReason | None
    """Why the papers are withheld, or None when they are published."""
    provision: str | None
    """The OSL provision when the reason is secrecy, e.g. "19 kap. 3 §"."""
    has_papers: bool
    """The item has documents of its own (a case paper or extra handlingar)."""
    notice: str | None
    """Notice page text standing in for each withheld document ("Handlingen …")."""
    public_note: str | None
    """The only detail line under the item in the public kallelse ("Handlingarna …")."""
    left_out: str | None
    """The line in the public kallelse's "Utelämnade handlingar", or None."""
    marking: str | None
    """The visible secrecy marking under the item in the internal kallelse, or None."""

    @property
    def withheld(self) -> bool:
        """Return True when the item's papers are left out of the public versions."""
        return self.reason is not None

    def lists_papers(self, *, public: bool) -> bool:
        """Return True when the kallelse may name the item's papers (its bilagor) and details.

        A withheld item shows only its notice in public: a paper's title may name what is
        secret.
        """
        return not (public and self.withheld)

    def public_document(self, position: int, title: str) -> DocumentView:
        """Return how the item's document number ``position`` (1-based) appears in public.

        A withheld document is replaced by a notice page and loses its own title, which may
        name what is secret (a case title, an attachment's title): it becomes "Handling 2".
        """
        if self.notice is None:
            return DocumentView(title, None)
        return DocumentView(f"Handling {position}", self.notice)


@dataclass(frozen=True)
class MeetingView:
    """A meeting as each audience sees it: one :class:`ItemView` per agenda item, in order."""

    items: tuple[ItemView, ...]
    first: int = 1
    """The number of the first agenda item (``föredragningslista.första_nummer``)."""

    @property
    def left_out(self) -> tuple[str, ...]:
        """The public kallelse's list of left-out papers, in agenda order."""
        return tuple(i.left_out for i in self.items if i.left_out is not None)

    def item(self, number: int) -> ItemView:
        """Return the view of agenda item ``number`` (as numbered on the agenda)."""
        return self.items[number - self.first]


def _reason(item: AgendaItem, case: Case | None) -> tuple[WithheldReason | None, str | None]:
    """Secrecy wins over ``publiceras_inte``; the item's provision over its case's."""
    secrecy = item.secrecy or (case.secrecy if case is not None else None)
    if secrecy is not None:
        return WithheldReason.SECRECY, secrecy.provision
    if item.not_published:
        return WithheldReason.NOT_PUBLISHED, None
    return None, None


def secrecy_marking(provision: str | None) -> str:
    """The visible marking of something secret: "Sekretess enligt 19 kap. 3 § OSL"."""
    return f"Sekretess enligt {provision} OSL"


def notice_text(
    reason: WithheldReason, provision: str | None, *, plural: bool, subject: str | None = None
) -> str:
    """Return why papers are withheld: "Handlingen …" (one document) or "Handlingarna …";
    ``subject`` names something else, e.g. "Paragrafen" in a public protokoll."""
    subject = subject or ("Handlingarna" if plural else "Handlingen")
    if reason is WithheldReason.SECRECY:
        return f"{subject} omfattas av sekretess enligt {provision} OSL och publiceras inte."
    pronoun = "De" if plural else "Den"
    return f"{subject} publiceras inte på webben. {pronoun} kan begäras ut från registraturen."


def item_view(number: int, item: AgendaItem, case: Case | None) -> ItemView:
    """Return one agenda item's view (see :func:`public_view`)."""
    title = item_title(item, case)
    if item.marker:
        title = f"{title} ({item.marker})"
    reason, provision = _reason(item, case)
    has_papers = case is not None or bool(item.attachments)
    if reason is None:
        return ItemView(number, title, title, None, None, has_papers, None, None, None, None)
    public_title = item.public_title or title
    if item.public_title and item.marker:
        public_title = f"{public_title} ({item.marker})"
    if reason is WithheldReason.SECRECY:
        why = f"sekretess enligt {provision} OSL"
        marking: str | None = secrecy_marking(provision)
    else:
        why = "publiceras inte"
        marking = None
    return ItemView(
        number=number,
        title=title,
        public_title=public_title,
        reason=reason,
        provision=provision,
        has_papers=has_papers,
        notice=notice_text(reason, provision, plural=False),
        public_note=notice_text(reason, provision, plural=True),
        left_out=f"Ärende {number}: {public_title} ({why})" if has_papers else None,
        marking=marking,
    )


def public_view(meeting: Meeting, cases: Sequence[Case | None], *, first: int = 1) -> MeetingView:
    """Return what each audience sees of ``meeting``; ``cases[i]`` is item i's case or None.

    ``first`` is the number of the first item (the profile's ``föredragningslista``).
    """
    return MeetingView(
        tuple(
            item_view(number, item, case)
            for number, (item, case) in enumerate(zip(meeting.items, cases, strict=True), first)
        ),
        first,
    )
