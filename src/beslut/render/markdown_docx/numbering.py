"""Numbering part and list state: one new w:num per ordered list so every list restarts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.parts.numbering import NumberingPart

from beslut.render.markdown_docx.styles import _Styles
from beslut.render.markdown_docx.xml import _el, qn


class _Numbering:
    """Numbering definitions: one new w:num per ordered list so every list restarts."""

    def __init__(self, document: Document, styles: _Styles) -> None:
        part = document.part
        try:
            numbering = part.part_related_by(RT.NUMBERING)
        except KeyError:
            numbering = NumberingPart(
                PackURI("/word/numbering.xml"),
                CT.WML_NUMBERING,
                parse_xml(f"<w:numbering {nsdecls('w')}/>"),
                part.package,
            )
            part.relate_to(numbering, RT.NUMBERING)
        self._root = cast(XmlPart, numbering).element
        nums = self._root.findall(qn("w:num"))
        self._abstract_of: dict[str, str] = {}
        for num in nums:
            abstract = num.find(qn("w:abstractNumId"))
            if abstract is not None:
                self._abstract_of[num.get(qn("w:numId"))] = abstract.get(qn("w:val"))
        self._next_num = max((int(n.get(qn("w:numId"))) for n in nums), default=0) + 1
        abstracts = self._root.findall(qn("w:abstractNum"))
        self._next_abstract = (
            max((int(a.get(qn("w:abstractNumId"))) for a in abstracts), default=-1) + 1
        )
        self._tail = self._root.find(qn("w:numIdMacAtCleanup"))
        self.bullet_num = self._style_num(styles, "List Bullet", "ListBullet")
        if self.bullet_num is None:
            self.bullet_num = self._append_num(self._new_abstract("bullet"))
        number_num = self._style_num(styles, "List Number", "ListNumber")
        self._number_abstract = (
            self._abstract_of.get(number_num) if number_num is not None else None
        ) or self._new_abstract("decimal")

    def _style_num(self, styles: _Styles, *names: str) -> str | None:
        style_id = styles.find(*names)
        if style_id is None:
            return None
        for style in styles.elements(style_id):
            num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
            if num_id is not None and num_id.get(qn("w:val")) in self._abstract_of:
                return str(num_id.get(qn("w:val")))
        return None

    def _new_abstract(self, kind: str) -> str:
        abstract_id = str(self._next_abstract)
        self._next_abstract += 1
        levels = []
        for ilvl in range(9):
            indent = 425 * (ilvl + 1)
            text = "\u2022" if kind == "bullet" else f"%{ilvl + 1}."
            levels.append(
                f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{kind}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr>'
                f'<w:ind w:left="{indent}" w:hanging="425"/></w:pPr></w:lvl>'
            )
        element = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
        )
        first_num = self._root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        elif self._tail is not None:
            self._tail.addprevious(element)
        else:
            self._root.append(element)
        return abstract_id

    def _append_num(self, abstract_id: str, override: tuple[int, int] | None = None) -> str:
        num_id = str(self._next_num)
        self._next_num += 1
        num = _el("w:num", numId=num_id)
        _el("w:abstractNumId", num, val=abstract_id)
        if override is not None:
            level, start = override
            lvl_override = _el("w:lvlOverride", num, ilvl=str(level))
            _el("w:startOverride", lvl_override, val=str(start))
        if self._tail is not None:
            self._tail.addprevious(num)
        else:
            self._root.append(num)
        self._abstract_of[num_id] = abstract_id
        return num_id

    def restart(self, level: int, start: int) -> str:
        """Return a new numId for an ordered list at ``level`` starting at ``start``."""
        return self._append_num(self._number_abstract, (level, start))


@dataclass
class _ListLevel:
    ordered: bool
    level: int
    num_id: str


@dataclass
class _Item:
    list_level: _ListLevel
    pending: bool = True  # no paragraph emitted yet (the next one carries the number)
