"""Stage 3, render, for published versions: the page "Ändringar sedan version N".

The page is the organisation's own template ``templates/ändringar.docx`` (built by
``render/templates_build.py`` with the kallelse's letterhead): which meeting, when the version
was published, then one line per change. It is converted like every paper (PDF/A-2b, tagged)
and put in front of the version's packet by
:func:`beslut.assemble.front.prepend_front_matter`. The lines are the change log's own
sentences (``beslut.versioning``), already in the audience's words: the public page is given
only the public change log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from beslut.model import formatting
from beslut.model.letterhead import format_date, letterhead
from beslut.model.models import Meeting, Profile
from beslut.render.kallelse import meeting_context, render_meeting_template
from beslut.render.letterhead import header_context, organisation_context
from beslut.render.templates_build import ANDRINGAR

LABEL = "ÄNDRINGAR"
"""The header's label on the change page."""


def changes_title(previous: int) -> str:
    """The page's heading and bookmark: "Ändringar sedan version N"."""
    return f"Ändringar sedan version {previous}"


def changes_context(
    meeting: Meeting,
    profile: Profile,
    *,
    previous: int,
    version: int,
    published: dt.datetime,
    changes: Sequence[str],
) -> dict[str, Any]:
    """The template context of the change page (``changes``: one sentence each)."""
    organ = profile.organ(meeting.organ)
    organ_name = organ.name if organ else meeting.organ
    head = letterhead(profile, meeting.organ, None)
    lines = list(changes) or ["Inga ändringar som syns i den här versionen av handlingarna."]
    return {
        "organisation": organisation_context(head),
        "sidhuvud": header_context(
            head,
            label=LABEL,
            organ=organ_name,
            date=published.date(),
            number=format_date(meeting.date, head.header.date_style),
            number_label="Sammanträde",
        ),
        "organ": {"namn": organ_name, "kortnamn": organ.short if organ else ""},
        "dokument": {"etikett": LABEL, "typ": ANDRINGAR},
        "datum": formatting.iso_date(published.date()),
        "sekretess": None,
        "möte": meeting_context(meeting),
        "rubrik": changes_title(previous),
        "ingress": f"{organ_name}, sammanträde {formatting.weekday_date(meeting.date)}",
        "publicerad": f"Version {version} publicerades {formatting.iso_date(published.date())} "
        f"kl. {published:%H.%M}.",
        "förklaring": f"Version {version} ersätter version {previous}. Sidnumren i handlingarna "
        "är desamma som förut: den här sidan står före dem.",
        "ändringar": lines,
    }


def render_changes(root: Path, profile: Profile, context: dict[str, Any], title: str) -> bytes:
    """The change page as .docx bytes (RenderError with a Swedish message)."""
    return render_meeting_template(root, ANDRINGAR, context, title, profile, "ändringssidan")
