"""Styles: looking up the document's own styles, and our definitions for the ones it lacks."""

from __future__ import annotations

from docx.document import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from beslut.render.markdown_docx.xml import Element, qn

_STYLE_FALLBACKS: dict[str, str] = {
    "FootnoteText": (
        '<w:style {ns} w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>'
        '<w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/><w:lang w:val="sv-SE"/></w:rPr></w:style>'
    ),
    "FootnoteReference": (
        '<w:style {ns} w:type="character" w:styleId="FootnoteReference">'
        '<w:name w:val="footnote reference"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:rPr><w:vertAlign w:val="superscript"/><w:lang w:val="sv-SE"/></w:rPr></w:style>'
    ),
    "Hyperlink": (
        '<w:style {ns} w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
        '<w:uiPriority w:val="99"/><w:unhideWhenUsed/><w:rPr><w:color w:val="0563C1"/>'
        '<w:u w:val="single"/><w:lang w:val="sv-SE"/></w:rPr></w:style>'
    ),
    "TableGrid": (
        '<w:style {ns} w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:uiPriority w:val="39"/><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:rPr><w:lang w:val="sv-SE"/></w:rPr><w:tblPr>'
        "<w:tblBorders>"
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblCellMar><w:left w:w="85" w:type="dxa"/>'
        '<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
    ),
}


class _Styles:
    """Looks up style ids by name (or id), tolerant of renamed built-in styles."""

    def __init__(self, document: Document) -> None:
        self._root = document.styles.element
        self._ids: set[str] = set()
        self._by_name: dict[str, str] = {}
        self._elements: dict[str, list[Element]] = {}
        style_id_attr, name_tag, val_attr = qn("w:styleId"), qn("w:name"), qn("w:val")
        for style in self._root.iterchildren(qn("w:style")):
            style_id = style.get(style_id_attr)
            name_el = style.find(name_tag)
            name = name_el.get(val_attr) if name_el is not None else style_id
            self._ids.add(style_id)
            self._by_name.setdefault(str(name).casefold(), style_id)
            self._elements.setdefault(style_id, []).append(style)

    def elements(self, style_id: str) -> list[Element]:
        """The document's style elements with ``style_id``, in document order (when made)."""
        return self._elements.get(style_id, [])

    def find(self, *candidates: str) -> str | None:
        for candidate in candidates:
            found = self._by_name.get(candidate.casefold())
            if found is not None:
                return found
            if candidate in self._ids:
                return candidate
        return None

    def ensure(self, style_id: str, name: str) -> str:
        """Return the id of the style ``name``, creating our definition when missing."""
        found = self.find(name, style_id)
        if found is not None:
            return found
        style = parse_xml(_STYLE_FALLBACKS[style_id].format(ns=nsdecls("w")))
        self._root.append(style)
        self._elements.setdefault(style_id, []).append(style)
        self._ids.add(style_id)
        self._by_name[name.casefold()] = style_id
        return style_id
