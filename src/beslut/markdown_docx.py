"""Markdown body → Word: the case text inserted at the anchor paragraph of a rendered template.

The body is converted *after* docxtpl has rendered the template, so case text is data: a
``{{ 7*7 }}`` or ``{% for %}`` written in the Markdown ends up literally in the document.
Only the document's own named styles are used (the template decides how everything looks);
styles a conversion needs but the document lacks (footnote text and reference, Hyperlink,
Table Grid) are created.

Supported Markdown (CommonMark plus GFM tables, strikethrough and footnotes):

* ``##`` → Heading 1, ``###`` → Heading 2, ``####`` → Heading 3. A ``#`` heading also becomes
  Heading 1, with a warning: the document's title (rubrik) comes from the front matter.
  Heading text is kept as written, including numbers typed by the author ("1.1 Bakgrund").
* paragraphs with **bold**, *italic*, ~~struck~~, ``code``, links (real Word hyperlinks) and
  hard line breaks; soft line breaks become spaces.
* bullet and ordered lists, nested up to three levels. Every ordered list restarts its
  numbering (and honours its first number, e.g. a list starting at 3).
* GFM tables: the header row repeats on every page; columns whose cells are all numbers
  ("1 300", "−3", "15 %") are right-aligned.
* structured tables: a fenced block with the info string ``tabell <id>`` is replaced by the
  case's table with that id, formatted the Swedish way, with an optional sum row.
* footnotes: ``[^1]`` references and ``[^1]: text`` definitions become real Word footnotes.
* block quotes (style Quote, shown as "Citat" in Swedish Word).
* page breaks: a paragraph consisting only of ``\\sidbrytning`` (also accepted: an HTML
  comment ``<!-- sidbrytning -->`` on its own, and the thematic break ``***``).

Not supported, kept as plain text with a warning: HTML (``html-stöds-inte``) and images
(``bild-stöds-inte``). The thematic breaks ``---`` and ``___`` are dropped with a warning.

A heading level whose style the document lacks raises :class:`MissingStyleError`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any, cast

from docx.document import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.parts.numbering import NumberingPart
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from . import formatting
from .models import ColumnKind, StructuredTable, TableColumn

__all__ = ["BodyWarning", "MissingStyleError", "insert_markdown"]

Element = Any
"""An lxml element (python-docx's oxml classes are untyped)."""

PAGE_BREAK_TEXT = "\\sidbrytning"
_PAGE_BREAK_COMMENT = re.compile(r"^\s*<!--\s*sidbrytning\s*-->\s*$", re.IGNORECASE)
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SPACE = "[ \u00a0\u202f]"
_NUMERIC_CELL = re.compile(
    rf"^[\u2212\u2013+-]?{_SPACE}?\d{{1,3}}(?:{_SPACE}?\d{{3}})*(?:,\d+)?"
    rf"(?:{_SPACE}?(?:%|kr|tkr|mnkr|mdkr))?$"
)
_MAX_LIST_LEVEL = 2
_DEFAULT_TEXT_WIDTH = 9072  # 16 cm in twips
_SPACE_AFTER_TABLE = 160  # twips (8 pt) before a paragraph that follows a table

MSG_HTML = "HTML stöds inte i brödtexten och skrivs ut som vanlig text."
MSG_H1 = (
    "Rubriker med en # blir Rubrik 1, precis som ##; dokumentets rubrik hämtas från fältet "
    "rubrik i ärendefilens huvud."
)
MSG_DEEP_HEADING = "Rubriker med fem eller sex # stöds inte och blir Rubrik 3, precis som ####."
MSG_THEMATIC_BREAK = (
    "En tematisk brytning (--- eller ___) stöds inte och tas bort; skriv \\sidbrytning "
    "eller *** på en egen rad för en sidbrytning."
)
MSG_DEEP_LIST = "Listor med fler än tre nivåer stöds inte; djupare nivåer skrivs som nivå 3."


class MissingStyleError(Exception):
    """The document lacks a style the body needs (a heading level); the caller words the message.

    ``style`` is the style's name as Word knows it (``heading 2``), ``line`` the 1-based line
    in the file of the first Markdown element that needs it.
    """

    def __init__(self, style: str, line: int) -> None:
        super().__init__(style, line)
        self.style = style
        self.line = line


@dataclass(frozen=True)
class BodyWarning:
    """A problem in the body text; ``line`` and ``column`` are 1-based positions in the file."""

    line: int
    column: int
    code: str
    message: str


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"typographer": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


def _plain(children: Sequence[Token] | None) -> str:
    """Plain text of inline tokens (formatting dropped)."""
    out: list[str] = []
    for child in children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(_plain(child.children) or child.content)
    return "".join(out).strip()


# --------------------------------------------------------------------------- XML helpers


def _el(tag: str, parent: Element | None = None, **attrs: str) -> Element:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    if parent is not None:
        parent.append(element)
    return element


def _clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text)


def _add_text(run: Element, text: str) -> Element | None:
    """Append text to a run (tabs become w:tab); return the last w:t element."""
    last = None
    for index, piece in enumerate(_clean(text).split("\t")):
        if index:
            _el("w:tab", run)
        if piece:
            last = _el("w:t", run)
            last.set(qn("xml:space"), "preserve")
            last.text = piece
    return last


# --------------------------------------------------------------------------- document parts


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
        for style in self._root.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            name_el = style.find(qn("w:name"))
            name = name_el.get(qn("w:val")) if name_el is not None else style_id
            self._ids.add(style_id)
            self._by_name.setdefault(str(name).casefold(), style_id)

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
        self._root.append(parse_xml(_STYLE_FALLBACKS[style_id].format(ns=nsdecls("w"))))
        self._ids.add(style_id)
        self._by_name[name.casefold()] = style_id
        return style_id


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
        for style in styles._root.findall(qn("w:style")):
            if style.get(qn("w:styleId")) == style_id:
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


# --------------------------------------------------------------------------- converter


@dataclass
class _ListLevel:
    ordered: bool
    level: int
    num_id: str


@dataclass
class _Item:
    list_level: _ListLevel
    pending: bool = True  # no paragraph emitted yet (the next one carries the number)


@dataclass
class _Cell:
    children: list[Token]
    align: str | None
    line: int
    raw: str


class _Position:
    """Tracks where inline tokens are in the source, for warnings."""

    def __init__(self, lines: Sequence[str], line: int) -> None:
        self.lines = lines
        self.line = line
        self.col = 0

    def locate(self, fragment: str) -> tuple[int, int]:
        """Find ``fragment`` on the current line from the cursor; return (line, col), 0-based."""
        line_text = self.lines[self.line] if 0 <= self.line < len(self.lines) else ""
        probe = fragment.split("\n", 1)[0][:40]
        col = line_text.find(probe, self.col) if probe else -1
        if col < 0 and probe:
            col = line_text.find(probe)
        found = (self.line, max(col, 0))
        if col >= 0:
            self.col = col + len(probe)
        return found

    def newline(self, count: int = 1) -> None:
        self.line += count
        self.col = 0


class _Converter:
    def __init__(
        self,
        document: Document,
        anchor: Element,
        text: str,
        tables: Mapping[str, StructuredTable],
        line_offset: int,
    ) -> None:
        self.document = document
        self.cursor = anchor
        self.anchor = anchor
        self.tables = tables
        self.line_offset = line_offset
        self.source = text.replace("\r\n", "\n").replace("\r", "\n")
        self.lines = self.source.split("\n")
        self.warnings: list[BodyWarning] = []
        self.styles = _Styles(document)
        self.numbering = _Numbering(document, self.styles)
        settings = document.settings.element if document.settings is not None else None
        self.footnotes = _Footnotes(document, settings)
        self.footnote_defs: dict[int, list[Token]] = {}
        self.lists: list[_ListLevel] = []
        self.items: list[_Item] = []
        self.quote_depth = 0
        self.page_break = False
        self.deep_list_warned = False
        self.last_was_table = False
        self.link_ids: dict[tuple[int, str], str] = {}
        self._style_cache: dict[tuple[str, ...], str | None] = {}
        self.text_width = self._text_width()

    # ----------------------------------------------------------------- helpers

    def _text_width(self) -> int:
        try:
            section = self.document.sections[-1]
            dims = (section.page_width, section.left_margin, section.right_margin)
            if any(d is None for d in dims):
                return _DEFAULT_TEXT_WIDTH
            emu = int(dims[0] or 0) - int(dims[1] or 0) - int(dims[2] or 0)
        except (AttributeError, IndexError, TypeError):
            return _DEFAULT_TEXT_WIDTH
        return emu // 635 if emu > 0 else _DEFAULT_TEXT_WIDTH  # 635 EMU per twip

    def _own_spacing(self) -> set[str | None]:
        return {
            self.style("heading 1", "Heading1"),
            self.style("heading 2", "Heading2"),
            self.style("heading 3", "Heading3"),
            self.style("Tabellrubrik", "caption"),
        } - {None}

    def style(self, *names: str) -> str | None:
        key = tuple(names)
        if key not in self._style_cache:
            self._style_cache[key] = self.styles.find(*names)
        return self._style_cache[key]

    def warn(self, line0: int, col0: int, code: str, message: str) -> None:
        self.warnings.append(BodyWarning(line0 + 1 + self.line_offset, col0 + 1, code, message))

    def warn_block(self, token: Token, code: str, message: str) -> None:
        line0 = token.map[0] if token.map else 0
        text = self.lines[line0] if line0 < len(self.lines) else ""
        self.warn(line0, len(text) - len(text.lstrip()), code, message)

    def insert(self, element: Element) -> Element:
        is_table = element.tag == qn("w:tbl")
        if is_table and self.last_was_table:
            self._insert_raw(self._paragraph_element(None))
        if is_table and self.page_break:
            self.page_break = False
            breaker = self._paragraph_element(None)
            _el("w:br", _el("w:r", breaker), type="page")
            self._insert_raw(breaker)
        self._insert_raw(element)
        self.last_was_table = is_table
        return element

    def _insert_raw(self, element: Element) -> None:
        self.cursor.addnext(element)
        self.cursor = element

    def _paragraph_element(
        self,
        style_id: str | None,
        *,
        num: tuple[str, int] | None = None,
        jc: str | None = None,
        page_break: bool = False,
        space_before: int | None = None,
    ) -> Element:
        p = OxmlElement("w:p")
        if style_id or num or jc or page_break or space_before is not None:
            ppr = _el("w:pPr", p)
            if style_id:
                _el("w:pStyle", ppr, val=style_id)
            if page_break:
                _el("w:pageBreakBefore", ppr)
            if num is not None:
                num_pr = _el("w:numPr", ppr)
                _el("w:ilvl", num_pr, val=str(num[1]))
                _el("w:numId", num_pr, val=num[0])
            if space_before is not None:
                _el("w:spacing", ppr, before=str(space_before))
            if jc:
                _el("w:jc", ppr, val=jc)
        return p

    def paragraph(
        self, style_id: str | None, *, num: tuple[str, int] | None = None, jc: str | None = None
    ) -> Element:
        """Insert a new body paragraph (carrying a pending page break).

        A paragraph right after a table gets some space before it, unless its style has its
        own (headings, captions): Word has no spacing below tables.
        """
        space_before = None
        if self.last_was_table and style_id not in self._own_spacing():
            space_before = _SPACE_AFTER_TABLE
        p = self._paragraph_element(
            style_id, num=num, jc=jc, page_break=self.page_break, space_before=space_before
        )
        self.page_break = False
        return self.insert(p)

    # ----------------------------------------------------------------- runs

    def run(
        self,
        container: Element,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        strike: bool = False,
        code: bool = False,
        char_style: str | None = None,
    ) -> Element:
        r = _el("w:r", container)
        if bold or italic or strike or code or char_style:
            rpr = _el("w:rPr", r)
            code_style = self.style("Kod", "HTML Code") if code else None
            style = char_style or code_style
            if style:
                _el("w:rStyle", rpr, val=style)
            if code and not code_style:
                fonts = _el("w:rFonts", rpr)
                for attr in ("ascii", "hAnsi", "cs"):
                    fonts.set(qn(f"w:{attr}"), "Courier New")
            if bold:
                _el("w:b", rpr)
            if italic:
                _el("w:i", rpr)
            if strike:
                _el("w:strike", rpr)
        _add_text(r, text)
        return r

    def inline(
        self,
        paragraph: Element,
        children: Sequence[Token] | None,
        line0: int,
        *,
        part: Any = None,
        bold: bool = False,
        in_footnote: bool = False,
    ) -> None:
        """Render inline tokens into ``paragraph`` (hyperlinks are related to ``part``)."""
        part = part if part is not None else self.document.part
        position = _Position(self.lines, line0)
        depth = {"strong": 1 if bold else 0, "em": 0, "s": 0}
        containers = [paragraph]
        last: tuple[Element, tuple[Any, ...], Element] | None = None

        def text_run(text: str, *, code: bool = False, link: bool = False) -> None:
            nonlocal last
            if not text:
                return
            container = containers[-1]
            key = (container, depth["strong"] > 0, depth["em"] > 0, depth["s"] > 0, code, link)
            if last is not None and last[1] == key and "\t" not in text:
                last[2].text = (last[2].text or "") + _clean(text)
                return
            r = self.run(
                container,
                text,
                bold=depth["strong"] > 0,
                italic=depth["em"] > 0,
                strike=depth["s"] > 0,
                code=code,
                char_style=self.styles.ensure("Hyperlink", "Hyperlink") if link else None,
            )
            t_elements = r.findall(qn("w:t"))
            last = (r, key, t_elements[-1]) if t_elements and "\t" not in text else None

        for token in children or ():
            kind = token.type
            in_link = len(containers) > 1
            if kind == "text":
                text_run(token.content, link=in_link)
            elif kind == "softbreak":
                text_run(" ", link=in_link)
                position.newline()
            elif kind == "hardbreak":
                _el("w:br", _el("w:r", containers[-1]))
                last = None
                position.newline()
            elif kind == "code_inline":
                text_run(token.content, code=True, link=in_link)
            elif kind.endswith("_open") and kind[:-5] in depth:
                depth[kind[:-5]] += 1
            elif kind.endswith("_close") and kind[:-6] in depth:
                depth[kind[:-6]] = max(0, depth[kind[:-6]] - 1)
            elif kind == "link_open":
                href = str(token.attrGet("href") or "")
                link = _el("w:hyperlink", containers[-1])
                link.set(qn("r:id"), self._link_id(part, href))
                link.set(qn("w:history"), "1")
                containers.append(link)
                last = None
            elif kind == "link_close":
                if len(containers) > 1:
                    link = containers.pop()
                    if len(link) == 0:  # [](url): show the address
                        href_rid = link.get(qn("r:id"))
                        target = part.rels[href_rid].target_ref if href_rid in part.rels else ""
                        containers.append(link)
                        text_run(target, link=True)
                        containers.pop()
                last = None
            elif kind == "image":
                alt = _plain(token.children) or token.content
                line, col = position.locate("![")
                self.warn(
                    line,
                    col,
                    "bild-stöds-inte",
                    f'Bilder stöds inte ännu; bildtexten "{alt}" skrivs ut som text.',
                )
                text_run(alt, link=in_link)
            elif kind == "html_inline":
                line, col = position.locate(token.content)
                self.warn(line, col, "html-stöds-inte", MSG_HTML)
                text_run(token.content, link=in_link)
                position.line += token.content.count("\n")
            elif kind == "footnote_ref":
                last = None
                if in_footnote:
                    text_run(f"[^{token.meta.get('label', '')}]")
                else:
                    self.footnote_reference(containers[-1], token)

    def _link_id(self, part: Any, href: str) -> str:
        key = (id(part), href)
        if key not in self.link_ids:
            self.link_ids[key] = str(part.relate_to(href, RT.HYPERLINK, is_external=True))
        return self.link_ids[key]

    # ----------------------------------------------------------------- footnotes

    def footnote_reference(self, container: Element, token: Token) -> None:
        ref_style = self.styles.ensure("FootnoteReference", "footnote reference")
        text_style = self.styles.ensure("FootnoteText", "footnote text")
        footnote_id, footnote = self.footnotes.add()
        definition = self.footnote_defs.get(int(token.meta.get("id", -1)), [])
        inlines: list[Token | None] = [t for t in definition if t.type == "inline"] or [None]
        for index, inline in enumerate(inlines):
            p = self._paragraph_element(text_style)
            footnote.append(p)
            if index == 0:
                mark = _el("w:r", p)
                _el("w:rStyle", _el("w:rPr", mark), val=ref_style)
                _el("w:footnoteRef", mark)
                self.run(p, " ")
            if inline is not None:
                line0 = inline.map[0] if inline.map else 0
                self.inline(p, inline.children, line0, part=self.footnotes.part, in_footnote=True)
        r = _el("w:r", container)
        _el("w:rStyle", _el("w:rPr", r), val=ref_style)
        _el("w:footnoteReference", r, id=str(footnote_id))

    # ----------------------------------------------------------------- blocks

    def list_paragraph(self) -> Element:
        """A paragraph inside the current list item: numbered first, then continuation."""
        item = self.items[-1]
        level = item.list_level.level
        suffix = "" if level == 0 else f" {level + 1}"
        if item.pending:
            item.pending = False
            base = "List Number" if item.list_level.ordered else "List Bullet"
            style = self.style(base + suffix, base)
            return self.paragraph(style, num=(item.list_level.num_id, level))
        style = self.style("List Continue" + suffix, "List Continue")
        return self.paragraph(style)

    def body_paragraph(self) -> Element:
        if self.items and self.items[-1].pending:
            return self.list_paragraph()
        if self.quote_depth:
            return self.paragraph(self.style("Quote", "Citat", "Quotations"))
        if self.items:
            return self.list_paragraph()
        return self.paragraph(None)

    def flush_item_marker(self) -> None:
        """A list item starting with something other than a paragraph still gets its number."""
        if self.items and self.items[-1].pending:
            self.list_paragraph()

    def heading(self, token: Token, inline: Token) -> None:
        self.flush_item_marker()
        level = int(token.tag[1])
        if level == 1:
            self.warn_block(token, "rubrik-nivå-1", MSG_H1)
        elif level > 4:
            self.warn_block(token, "rubriknivå-stöds-inte", MSG_DEEP_HEADING)
        word_level = min(max(level - 1, 1), 3)
        style = self.style(f"heading {word_level}", f"Heading{word_level}")
        if style is None:
            # A heading in Normal style would look right but is no heading for screen readers,
            # bookmarks or the PDF structure: the template must have the style.
            line0 = token.map[0] if token.map else 0
            raise MissingStyleError(f"heading {word_level}", line0 + 1 + self.line_offset)
        p = self.paragraph(style)
        self.inline(p, inline.children, token.map[0] if token.map else 0)

    def page_break_here(self) -> None:
        self.page_break = True

    def code_block(self, token: Token) -> None:
        self.flush_item_marker()
        style = self.style("Kodblock", "HTML Preformatted")
        p = self.paragraph(style)
        r = self.run(p, "", code=style is None)
        for index, line in enumerate(token.content.rstrip("\n").split("\n")):
            if index:
                _el("w:br", r)
            _add_text(r, line)

    def fence(self, token: Token) -> None:
        info = token.info.strip()
        words = info.split()
        if words and words[0] == "tabell":
            table_id = words[1] if len(words) > 1 else ""
            table = self.tables.get(table_id)
            if table is not None:
                self.flush_item_marker()
                self.structured_table(table)
                return
            known = ", ".join(sorted(self.tables)) or "inga"
            self.warn_block(
                token,
                "okänd-tabell",
                f'Tabellen "{table_id}" finns inte bland ärendets tabeller (tillgängliga: '
                f"{known}); blocket skrivs ut som text.",
            )
            self.flush_item_marker()
            p = self.body_paragraph()
            fence_text = f"{token.markup}{token.info}\n{token.content}{token.markup}"
            r = self.run(p, "")
            for index, line in enumerate(fence_text.split("\n")):
                if index:
                    _el("w:br", r)
                _add_text(r, line)
            return
        self.code_block(token)

    def html_block(self, token: Token) -> None:
        if _PAGE_BREAK_COMMENT.match(token.content):
            self.page_break_here()
            return
        self.warn_block(token, "html-stöds-inte", MSG_HTML)
        self.flush_item_marker()
        p = self.body_paragraph()
        r = self.run(p, "")
        for index, line in enumerate(token.content.rstrip("\n").split("\n")):
            if index:
                _el("w:br", r)
            _add_text(r, line)

    def open_list(self, token: Token) -> None:
        self.flush_item_marker()
        depth = len(self.lists)
        if depth > _MAX_LIST_LEVEL and not self.deep_list_warned:
            self.deep_list_warned = True
            self.warn_block(token, "lista-för-djup", MSG_DEEP_LIST)
        level = min(depth, _MAX_LIST_LEVEL)
        if token.type == "ordered_list_open":
            start = int(str(token.attrGet("start") or 1))
            num_id = self.numbering.restart(level, start)
            self.lists.append(_ListLevel(True, level, num_id))
        else:
            self.lists.append(_ListLevel(False, level, str(self.numbering.bullet_num)))

    # ----------------------------------------------------------------- tables

    def _column_widths(self, weights: Sequence[int]) -> list[int]:
        total = sum(weights) or 1
        widths = [max(self.text_width * w // total, 400) for w in weights]
        return widths

    def _table_element(
        self, widths: Sequence[int], *, caption: str | None, has_sum: bool
    ) -> Element:
        tbl = OxmlElement("w:tbl")
        tbl_pr = _el("w:tblPr", tbl)
        style = self.styles.find("Tabell", "Table Grid", "TableGrid") or self.styles.ensure(
            "TableGrid", "Table Grid"
        )
        _el("w:tblStyle", tbl_pr, val=style)
        _el("w:tblW", tbl_pr, w=str(sum(widths)), type="dxa")
        _el("w:tblLayout", tbl_pr, type="fixed")
        look = 0x0020 | 0x0200 | 0x0400 | (0x0040 if has_sum else 0)
        _el(
            "w:tblLook",
            tbl_pr,
            val=f"{look:04X}",
            firstRow="1",
            lastRow="1" if has_sum else "0",
            firstColumn="0",
            lastColumn="0",
            noHBand="1",
            noVBand="1",
        )
        if caption:
            _el("w:tblCaption", tbl_pr, val=_clean(caption))
        grid = _el("w:tblGrid", tbl)
        for width in widths:
            _el("w:gridCol", grid, w=str(width))
        return tbl

    def _row(self, tbl: Element, *, header: bool = False) -> Element:
        tr = _el("w:tr", tbl)
        tr_pr = _el("w:trPr", tr)
        _el("w:cantSplit", tr_pr)
        if header:
            _el("w:tblHeader", tr_pr)
        return tr

    def _cell(self, tr: Element, width: int, style: str | None, right: bool) -> Element:
        tc = _el("w:tc", tr)
        _el("w:tcW", _el("w:tcPr", tc), w=str(width), type="dxa")
        p = self._paragraph_element(style, jc="right" if right else None)
        tc.append(p)
        return p

    def _cell_styles(self) -> tuple[str | None, str | None, bool]:
        body = self.style("Tabelltext")
        head = self.style("Tabellhuvud")
        head_bold = head is None
        if head is None:
            head = self.style("Tabellrubrik") or body
        return head, body, head_bold

    def gfm_table(self, tokens: Sequence[Token], start: int) -> int:
        """Convert a GFM table starting at ``tokens[start]``; return the index after it."""
        self.flush_item_marker()
        rows: list[list[_Cell]] = []
        header_rows = 0
        index = start + 1
        in_head = False
        while index < len(tokens) and tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "thead_open":
                in_head = True
            elif token.type == "thead_close":
                in_head = False
            elif token.type == "tr_open":
                rows.append([])
                if in_head:
                    header_rows += 1
            elif token.type in ("th_open", "td_open"):
                style = str(token.attrGet("style") or "")
                align = style.split(":", 1)[1].strip() if "text-align" in style else None
                inline = tokens[index + 1]
                line0 = inline.map[0] if inline.map else (token.map[0] if token.map else 0)
                rows[-1].append(_Cell(inline.children or [], align, line0, inline.content))
            index += 1
        if not rows:
            return index + 1
        ncols = max(len(row) for row in rows)
        body = rows[header_rows:]
        numeric: list[bool] = []
        for col in range(ncols):
            values = [re.sub(r"[*_`]", "", row[col].raw).strip() for row in body if col < len(row)]
            filled = [v for v in values if v]
            numeric.append(bool(filled) and all(_NUMERIC_CELL.match(v) for v in filled))
        weights = [
            min(max(max((len(row[col].raw) for row in rows if col < len(row)), default=3), 4), 40)
            for col in range(ncols)
        ]
        widths = self._column_widths(weights)
        tbl = self._table_element(widths, caption=None, has_sum=False)
        head_style, body_style, head_bold = self._cell_styles()
        for row_index, row in enumerate(rows):
            is_head = row_index < header_rows
            tr = self._row(tbl, header=is_head)
            for col in range(ncols):
                cell = row[col] if col < len(row) else None
                align = cell.align if cell else None
                right = align == "right" or (align is None and numeric[col])
                jc_right = right and align != "center"
                p = self._cell(tr, widths[col], head_style if is_head else body_style, jc_right)
                if align == "center":
                    ppr = p.find(qn("w:pPr"))
                    _el("w:jc", ppr if ppr is not None else _el("w:pPr", p), val="center")
                if cell is not None:
                    self.inline(p, cell.children, cell.line, bold=is_head and head_bold)
        self.insert(tbl)
        return index + 1

    def structured_table(self, table: StructuredTable) -> None:
        if table.caption:
            p = self.paragraph(self.style("Tabellrubrik", "caption"))
            self.run(p, table.caption)
        columns = table.columns
        formatted = [
            [_format_cell(row[i] if i < len(row) else None, col) for i, col in enumerate(columns)]
            for row in table.rows
        ]
        sum_row: list[str] | None = None
        if table.sum_label:
            sums = table.column_sums()
            sum_row = [
                _format_cell(value, col) if value is not None else ""
                for value, col in zip(sums, columns, strict=True)
            ]
            label_col = next((i for i, c in enumerate(columns) if not c.numeric), None)
            if label_col is not None:
                sum_row[label_col] = table.sum_label
        weights = []
        for i, col in enumerate(columns):
            longest = max([len(col.heading), *(len(r[i]) for r in formatted)], default=4)
            weights.append(min(max(longest, 4), 40))
        widths = self._column_widths(weights)
        tbl = self._table_element(widths, caption=table.caption, has_sum=sum_row is not None)
        head_style, body_style, head_bold = self._cell_styles()
        tr = self._row(tbl, header=True)
        for i, col in enumerate(columns):
            p = self._cell(tr, widths[i], head_style, col.numeric)
            self.run(p, col.heading, bold=head_bold)
        for values in formatted:
            tr = self._row(tbl)
            for i, col in enumerate(columns):
                p = self._cell(tr, widths[i], body_style, col.numeric)
                if values[i]:
                    self.run(p, values[i])
        if sum_row is not None:
            tr = self._row(tbl)
            for i, col in enumerate(columns):
                p = self._cell(tr, widths[i], body_style, col.numeric)
                if sum_row[i]:
                    self.run(p, sum_row[i], bold=True)
        self.insert(tbl)

    # ----------------------------------------------------------------- main loop

    def convert(self) -> list[BodyWarning]:
        tokens = _parser().parse(self.source, {})
        tokens = self._collect_footnotes(tokens)
        index = 0
        while index < len(tokens):
            index = self._block(tokens, index)
        if self.page_break:
            self.page_break = False
            breaker = self._paragraph_element(None)
            _el("w:br", _el("w:r", breaker), type="page")
            self.insert(breaker)
        self._finish()
        return self.warnings

    def _collect_footnotes(self, tokens: list[Token]) -> list[Token]:
        start = next((i for i, t in enumerate(tokens) if t.type == "footnote_block_open"), None)
        if start is None:
            return tokens
        current: list[Token] | None = None
        for token in tokens[start + 1 :]:
            if token.type == "footnote_open":
                current = self.footnote_defs.setdefault(int(token.meta["id"]), [])
            elif token.type == "footnote_close":
                current = None
            elif current is not None:
                current.append(token)
        return tokens[:start]

    def _block(self, tokens: Sequence[Token], index: int) -> int:
        token = tokens[index]
        kind = token.type
        if kind == "paragraph_open":
            inline = tokens[index + 1]
            if inline.content.strip() == PAGE_BREAK_TEXT:
                self.page_break_here()
            else:
                p = self.body_paragraph()
                self.inline(p, inline.children, inline.map[0] if inline.map else 0)
            return index + 3
        if kind == "heading_open":
            self.heading(token, tokens[index + 1])
            return index + 3
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.open_list(token)
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.items.append(_Item(self.lists[-1]))
        elif kind == "list_item_close":
            self.flush_item_marker()
            self.items.pop()
        elif kind == "blockquote_open":
            self.flush_item_marker()
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
        elif kind == "fence":
            self.fence(token)
        elif kind == "code_block":
            self.code_block(token)
        elif kind == "html_block":
            self.html_block(token)
        elif kind == "hr":
            if token.markup.startswith("*"):
                self.page_break_here()
            else:
                self.warn_block(token, "tematisk-brytning", MSG_THEMATIC_BREAK)
        elif kind == "table_open":
            return self.gfm_table(tokens, index)
        return index + 1

    def _finish(self) -> None:
        # Word needs a paragraph after a table at the end of a cell or the body.
        if self.cursor.tag == qn("w:tbl"):
            following = self.cursor.getnext()
            if following is None or following.tag != qn("w:p"):
                self._insert_raw(self._paragraph_element(None))
        parent = self.anchor.getparent()
        if parent is not None:
            parent.remove(self.anchor)
            if parent.tag == qn("w:tc") and parent.find(qn("w:p")) is None:
                parent.append(OxmlElement("w:p"))  # a table cell must keep a paragraph
        self.footnotes.flush()


def _format_cell(value: object, column: TableColumn) -> str:
    """Format one structured-table cell the Swedish way."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, int | float | Decimal) or isinstance(value, bool):
        return str(value)
    if column.kind is ColumnKind.BELOPP:
        unit = column.unit.value if column.unit is not None else None
        if unit is None or column.heading.rstrip().endswith(f"({unit})"):
            # The heading already says "Belopp (tkr)": print bare numbers, as the seeds do.
            return formatting.number(value, column.decimals)
        return formatting.amount(value, unit, column.decimals)
    if column.kind is ColumnKind.TAL:
        return formatting.number(value, column.decimals)
    if column.kind is ColumnKind.PROCENT:
        return formatting.percent(value, column.decimals)
    return str(value)


def insert_markdown(
    document: Document,
    anchor: Paragraph,
    text: str,
    *,
    tables: Mapping[str, StructuredTable],
    line_offset: int = 0,
) -> list[BodyWarning]:
    """Insert the Markdown ``text`` in place of ``anchor`` (which is removed).

    ``tables`` maps ids to the case's structured tables (```` ```tabell <id> ```` blocks).
    A paragraph consisting only of ``\\sidbrytning`` (or ``***``) starts a new page; see the
    module docstring for everything supported. ``line_offset`` is the number of file lines
    before the body (the front matter), so that warnings point at lines in the file.
    Returns the warnings, in document order.
    """
    element = anchor._p if hasattr(anchor, "_p") else anchor
    return _Converter(document, element, text, tables, line_offset).convert()
