"""Stage 3, render, for meetings: the kallelse with its föredragningslista, and the
tilläggslista of the items added after it was sent.

Assembly calls :func:`render_kallelse` twice per variant: first with placeholder page numbers
(:data:`PLACEHOLDER_PAGE`, as wide as real ones so the layout holds), then with the packet
pages it planned. What each audience sees comes from :mod:`beslut.disclosure` only.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2

from beslut.disclosure import ItemView, MeetingView, public_view
from beslut.model import formatting
from beslut.model.letterhead import format_date, letterhead
from beslut.model.models import PAPERS_NOTES, AgendaItem, Meeting, Papers, Profile
from beslut.render.case import (
    RenderError,
    proposal_lines,
    refuse_zip_bomb,
    template_error_message,
)
from beslut.render.images import ImageProblem
from beslut.render.letterhead import header_context, logo_image, organisation_context
from beslut.render.templates_build import KALLELSE, TILLAGGSLISTA
from beslut.render.templating import Template, environment
from beslut.validate.workspace import TEMPLATES_DIR, CaseDocument

PLACEHOLDER_PAGE = "000"
"""Stands in for a page number in the first pass."""


def meeting_view(
    meeting: Meeting, cases: Sequence[CaseDocument | None], first: int = 1
) -> MeetingView:
    """Return what each audience sees of the meeting (see :mod:`beslut.disclosure`)."""
    return public_view(meeting, [c.case if c is not None else None for c in cases], first=first)


def _details(
    item: AgendaItem, case: CaseDocument | None, profile: Profile, view: ItemView, *, public: bool
) -> list[str]:
    lines: list[str] = []
    if not view.lists_papers(public=public):
        return [view.public_note] if view.public_note is not None else []
    if item.papers is Papers.LATER or (item.papers is not None and not item.attachments):
        lines.append(PAPERS_NOTES[item.papers])
    if case is not None:
        lines.extend(proposal_lines(case.case, profile))
    lines.extend(f"– {topic}" for topic in item.topics)
    if item.presenter:
        lines.append(f"Föredragande: {item.presenter}")
    if item.note:
        lines.append(item.note)
    return lines


def _papers(item: AgendaItem, case: CaseDocument | None) -> list[str]:
    """The item's bilagor as the kallelse lists them: the case's, then the item's handlingar."""
    found: list[str] = []
    if case is not None:
        found.extend(
            f"Bilaga {number} {attachment.title}"
            for number, attachment in enumerate(case.case.attachments, start=1)
        )
    found.extend(extra.title for extra in item.attachments)
    return found


def _rows(
    meeting: Meeting,
    profile: Profile,
    cases: Sequence[CaseDocument | None],
    view: MeetingView,
    pages: dict[int, int] | None,
    *,
    supplement: bool,
    public: bool,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The agenda rows of the kallelse (``supplement=False``: the items sent) or of the
    tilläggslista (the items added by it), with their numbers on the whole agenda; and the
    public "Utelämnade handlingar" lines of those items."""
    rows: list[dict[str, Any]] = []
    left_out: list[str] = []
    for shown, item, case in zip(view.items, meeting.items, cases, strict=True):
        if (item.supplement is not None) is not supplement:
            continue
        number = shown.number
        page = "" if pages is None else str(pages.get(number, ""))
        rows.append(
            {
                "nummer": number,
                "rubrik": shown.public_title if public else shown.title,
                "diarienummer": case.case.diary_number if case else item.diary_number,
                "sida": PLACEHOLDER_PAGE if pages is None and page == "" else page,
                "sekretess": None if public else shown.marking,
                "detaljer": _details(item, case, profile, shown, public=public),
                "bilagor": _papers(item, case) if shown.lists_papers(public=public) else [],
            }
        )
        if public and shown.left_out is not None:
            left_out.append(shown.left_out)
    return rows, left_out


def meeting_context(meeting: Meeting) -> dict[str, Any]:
    return {
        "dag": _capitalise(formatting.weekday_date(meeting.date)),
        "datum": formatting.iso_date(meeting.date),
        "tid": formatting.clock(meeting.time),
        "plats": meeting.place,
        "ordförande": meeting.chair.name,
        "sekreterare": meeting.secretary.name,
        "instans": meeting.organ,
        "ledamöter": list(meeting.members),
        "ersättare": list(meeting.substitutes),
    }


def _list_context(
    meeting: Meeting,
    profile: Profile,
    cases: Sequence[CaseDocument | None],
    pages: dict[int, int] | None,
    *,
    public: bool,
    supplement: bool,
    label: str,
    kind: str,
    date: dt.date,
) -> dict[str, Any]:
    """The context the kallelse and the tilläggslista share: letterhead, header, the meeting
    and their items (the sent ones, or the added ones) with the left-out list."""
    organ = profile.organ(meeting.organ)
    organ_name = organ.name if organ else meeting.organ
    head = letterhead(profile, meeting.organ, None)
    view = meeting_view(meeting, cases, profile.agenda.first_number)
    items, left_out = _rows(
        meeting, profile, cases, view, pages, supplement=supplement, public=public
    )
    return {
        "organisation": organisation_context(head),
        "sidhuvud": header_context(
            head,
            label=label,
            organ=organ_name,
            date=date,
            number=format_date(meeting.date, head.header.date_style),
            number_label="Sammanträde",
        ),
        "organ": {"namn": organ_name, "kortnamn": organ.short if organ else ""},
        "dokument": {"etikett": label, "typ": kind},
        "datum": formatting.iso_date(date),
        "sekretess": None,
        "möte": meeting_context(meeting),
        "punkter": items,
        "utelämnade": left_out,
    }


def kallelse_context(
    meeting: Meeting,
    profile: Profile,
    cases: Sequence[CaseDocument | None],
    pages: dict[int, int] | None,
    *,
    public: bool,
) -> dict[str, Any]:
    """Return the template context for the kallelse (``pages``: item → packet page).

    The kallelse lists the items it was sent with (``Meeting.sent_items``); the items added
    later are the tilläggslista's (:func:`tillaggslista_context`)."""
    context = _list_context(
        meeting, profile, cases, pages, public=public, supplement=False,
        label="KALLELSE", kind=KALLELSE, date=meeting.sent or meeting.date,
    )  # fmt: skip
    return {**context, "rubrik": f"{context['organ']['namn']} kallas till sammanträde"}


def tillaggslista_context(
    meeting: Meeting,
    profile: Profile,
    cases: Sequence[CaseDocument | None],
    pages: dict[int, int] | None,
    *,
    public: bool,
) -> dict[str, Any]:
    """Return the template context for the tilläggslista: the items added after the kallelse
    was sent (``tillägg``), with their continuing numbers, as the kallelse lists its items."""
    dates = sorted({i.supplement for i in meeting.supplements if i.supplement is not None})
    context = _list_context(
        meeting, profile, cases, pages, public=public, supplement=True,
        label=SUPPLEMENT_LABEL, kind=TILLAGGSLISTA, date=dates[-1] if dates else meeting.date,
    )  # fmt: skip
    return {
        **context,
        "rubrik": SUPPLEMENT_LABEL,
        "ingress": f"Till kallelse för {context['organ']['namn']}, sammanträde "
        f"{formatting.weekday_date(meeting.date)}",
        "tilläggsdatum": ", ".join(formatting.iso_date(d) for d in dates),
    }


SUPPLEMENT_LABEL = "TILLÄGGSLISTA"
"""The tilläggslista's title and header label."""


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def render_kallelse(
    root: Path, context: dict[str, Any], title: str, profile: Profile | None = None
) -> bytes:
    """Render the kallelse to .docx bytes; raise RenderError with a Swedish message.

    With ``profile``, the letterhead's logo of the meeting's organ is placed in the header."""
    return render_meeting_template(root, KALLELSE, context, title, profile, "kallelsen")


def render_tillaggslista(
    root: Path, context: dict[str, Any], title: str, profile: Profile | None = None
) -> bytes:
    """Render the tilläggslista to .docx bytes; raise RenderError with a Swedish message."""
    return render_meeting_template(root, TILLAGGSLISTA, context, title, profile, "tilläggslistan")


def render_meeting_template(
    root: Path,
    template: str,
    context: dict[str, Any],
    title: str,
    profile: Profile | None,
    what: str,
) -> bytes:
    """Render one of a meeting's templates (kallelse, protokoll, protokollsutdrag) to .docx
    bytes; ``what`` names the document in messages ("kallelsen", "protokollet" …).

    With ``profile``, the letterhead's logo of the meeting's organ is placed in the header.
    Raises RenderError with a Swedish message."""
    path = root / TEMPLATES_DIR / f"{template}.docx"
    rel = f"{TEMPLATES_DIR}/{path.name}"
    if not path.is_file():
        raise RenderError(f"Mallen {rel} saknas. Bygg mallarna med ”beslut mallar --bygg”.")
    refuse_zip_bomb(path, rel, "")
    tpl = Template(str(path))
    if profile is not None and "sidhuvud" in context:
        head = letterhead(profile, context["möte"]["instans"], None)
        try:
            context = {
                **context,
                "sidhuvud": {**context["sidhuvud"], "logotyp": logo_image(tpl, root, head)},
            }
        except ImageProblem as exc:
            raise RenderError(f"Logotypen i {what}s brevhuvud kan inte användas: {exc}") from None
    try:
        tpl.render(context, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, ValueError, TypeError) as exc:
        raise RenderError(template_error_message(path, rel, exc, what)) from None
    props = tpl.docx.core_properties
    props.title = title
    props.language = "sv-SE"
    props.author = context["möte"]["sekreterare"]
    buffer = io.BytesIO()
    tpl.docx.save(buffer)
    return buffer.getvalue()
