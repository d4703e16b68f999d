"""Names of the paragraph styles that more than one stage relies on.

The template builder (:mod:`beslut.render.templates_build`) creates these styles; the PDF
finisher (:mod:`beslut.convert.pdf_finish`) recognises what LibreOffice made of them.
"""

from __future__ import annotations

TITLE_STYLE = "Title"
"""The paper's title paragraph (Word's built-in "Title", Swedish "Rubrik"). LibreOffice tags it
``/Title`` (role-mapped to ``/P``); :mod:`beslut.convert.pdf_finish` makes it the ``/H1``."""

SIGNATURE_STYLE = "Underskrift"
SIGNATURE_TITLE_STYLE = "Underskrift titel"
SIGNATURE_STYLES: tuple[str, ...] = (SIGNATURE_STYLE, SIGNATURE_TITLE_STYLE)
"""The names (as Word and LibreOffice show them) of the paragraphs in the signature table, a
layout table: :mod:`beslut.convert.pdf_finish` tags a table of only these as ``/Div``."""

FIELD_LABEL_STYLE = "Ledtext"
"""A label in the protokoll's first-page block and anslag box ("Plats och tid", "Organ")."""
FIELD_VALUE_STYLE = "Uppgift"
"""A value next to a :data:`FIELD_LABEL_STYLE` label."""
SIGNATURE_LINE_STYLE = "Underskriftsrad"
"""A dotted line to sign on ("Sekreterare ………… Paragrafer §§ 41–55")."""
LAYOUT_STYLES: tuple[str, ...] = (
    *SIGNATURE_STYLES,
    FIELD_LABEL_STYLE,
    FIELD_VALUE_STYLE,
    SIGNATURE_LINE_STYLE,
)
"""Paragraph styles of layout tables (signatures, the protokoll's label/value blocks): a table
whose cells hold only these is layout, not data, and :mod:`beslut.convert.pdf_finish` tags it
as ``/Div``."""

PARAGRAPH_HEADING_STYLE = "Paragrafrubrik"
"""The heading of a protokoll paragraf ("§ 47 Rubrik"), based on Heading 1 (outline level 1)."""
PARAGRAPH_PART_STYLE = "Paragrafdel"
"""A part of a paragraf (Yrkanden, Omröstning, Beslut …), based on Heading 2."""
