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
