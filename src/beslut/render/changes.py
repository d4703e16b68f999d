"""Stage 3, render, for published versions: the page "Ändringar sedan version N".

A short Word document (heading, one line on the meeting and the time of publishing, one
bullet per change), converted like every paper (PDF/A-2b, tagged) and put in front of the
version's packet by :func:`beslut.assemble.front.prepend_front_matter`. The texts are the
change log's own sentences (``beslut.versioning``), already in the audience's words: the public
page is given only the public change log.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt


def changes_title(previous: int) -> str:
    """The page's heading and bookmark: "Ändringar sedan version N"."""
    return f"Ändringar sedan version {previous}"


def render_changes(
    *,
    previous: int,
    version: int,
    meeting_line: str,
    published_line: str,
    changes: Sequence[str],
    lang: str = "sv-SE",
) -> bytes:
    """The change page as .docx bytes."""
    document = Document()
    title = changes_title(previous)
    properties = document.core_properties
    properties.title = f"{title} – {meeting_line}"
    properties.language = lang
    properties.author = "beslut"
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Carlito"
    normal.font.size = Pt(11)
    _language(normal, lang)
    for name in ("Title", "Heading 1", "List Bullet"):
        if name in [s.name for s in styles if s.type == WD_STYLE_TYPE.PARAGRAPH]:
            styles[name].font.name = "Carlito"
    document.add_heading(title, level=1)
    document.add_paragraph(meeting_line)
    document.add_paragraph(published_line)
    intro = (
        f"Version {version} ersätter version {previous}. Sidnumren i handlingarna är desamma "
        "som förut: den här sidan står före dem."
    )
    document.add_paragraph(intro)
    if changes:
        for text in changes:
            document.add_paragraph(text, style="List Bullet")
    else:
        document.add_paragraph("Inga ändringar som syns i den här versionen av handlingarna.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _language(style: object, lang: str) -> None:
    """Give the style's runs the language (so the PDF's text is marked Swedish)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        rpr.append(found)
    found.set(qn("w:val"), lang)
