"""The footnotes part, created with Word's separator footnotes when missing."""

from __future__ import annotations

from typing import Any

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from beslut.render.markdown_docx.xml import Element, _el, qn

_FOOTNOTES_NS = nsdecls("w", "r")


class _Footnotes:
    """The footnotes part, created with Word's separator footnotes when missing."""

    def __init__(self, document: Document, settings: Element) -> None:
        self._document = document
        self._settings = settings
        self._part: Any = None
        self._root: Element = None
        self._generic = False
        self._next_id = 1

    def _load(self) -> None:
        if self._part is not None:
            return
        part = self._document.part
        try:
            footnotes = part.part_related_by(RT.FOOTNOTES)
        except KeyError:
            root = parse_xml(
                f"<w:footnotes {_FOOTNOTES_NS}>"
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" '
                'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p>'
                "</w:footnote>"
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing '
                'w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r>'
                "<w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"
            )
            footnotes = XmlPart(
                PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, root, part.package
            )
            part.relate_to(footnotes, RT.FOOTNOTES)
            self._declare_separators()
        if isinstance(footnotes, XmlPart):
            self._root = footnotes.element
        else:
            self._root = parse_xml(footnotes.blob)
            self._generic = True
        self._part = footnotes
        ids = [int(f.get(qn("w:id"))) for f in self._root.findall(qn("w:footnote"))]
        self._next_id = max([0, *ids]) + 1

    def _declare_separators(self) -> None:
        if self._settings is None or self._settings.find(qn("w:footnotePr")) is not None:
            return
        pr = parse_xml(
            f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/>'
            "</w:footnotePr>"
        )
        following = (
            "w:endnotePr",
            "w:compat",
            "w:docVars",
            "w:rsids",
            "m:mathPr",
            "w:attachedSchema",
            "w:themeFontLang",
            "w:clrSchemeMapping",
            "w:doNotIncludeSubdocsInStats",
            "w:doNotAutoCompressPictures",
            "w:forceUpgrade",
            "w:captions",
            "w:readModeInkLockDown",
            "w:smartTagType",
            "sl:schemaLibrary",
            "w:shapeDefaults",
            "w:doNotEmbedSmartTags",
            "w:decimalSymbol",
            "w:listSeparator",
        )
        for tag in following:
            anchor = self._settings.find(qn(tag))
            if anchor is not None:
                anchor.addprevious(pr)
                return
        self._settings.append(pr)

    @property
    def part(self) -> Any:
        self._load()
        return self._part

    def add(self) -> tuple[int, Element]:
        """Create an empty footnote; return its id and element."""
        self._load()
        footnote_id = self._next_id
        self._next_id += 1
        footnote = _el("w:footnote", self._root, id=str(footnote_id))
        return footnote_id, footnote

    def flush(self) -> None:
        if self._generic and self._part is not None:
            self._part._blob = serialize_part_xml(self._root)
