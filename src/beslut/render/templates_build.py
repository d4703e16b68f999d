"""Reproducible Word templates: this module is the source of templates/*.docx.

``build_templates()`` writes one docxtpl template per document type (tjänsteskrivelse,
beslutsförslag, direktiv) and the meeting's templates (kallelse, protokoll, protokollsutdrag). Everything is built with python-docx from its blank default
document: page set-up, named styles, numbering definitions, header, footer and the body
skeleton with its Jinja tags. The .docx files are committed as well, so a secretary can open
one in Word or LibreOffice and restyle it (change "Normal", "Heading 1", "Beslutspunkt" …);
rendering uses whatever the files in templates/ contain. Rebuilding overwrites them.

Design notes:

* Fonts are named explicitly ("Calibri", "Courier New"), never through the theme, so that
  LibreOffice substitutes the metric-compatible free fonts (Carlito, Liberation Mono) and the
  PDF breaks lines where Word does.
* Built-in styles keep their English internal names (heading 1, header, footnote text,
  Quote, List Bullet …); Word shows them with Swedish names (Rubrik 1, Sidhuvud, Fotnotstext,
  Citat, Punktlista …) and LibreOffice maps them to its own. Styles that Word lacks are custom
  with Swedish names (Beslutspunkt, Metadata, Tabelltext …).
* The language is sv-SE in the document defaults, in every style and in settings, so that
  spelling, hyphenation and the PDF's /Lang are Swedish.
* Page numbers are real PAGE and NUMPAGES fields, which Word and LibreOffice update on their
  own; ``w:updateFields`` is deliberately not set (Word would ask on every open).
* The output is byte-for-byte reproducible (fixed zip timestamps, no dates in the metadata).

The tags use only the context keys the renderer provides (see ``CONTEXT_KEYS`` in render.case;
the kallelse's in render.kallelse, the protokoll's in the contract of render.protokoll).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docxtpl import DocxTemplate

from beslut.model.doctype import DocumentType
from beslut.model.styles import (
    FIELD_LABEL_STYLE,
    FIELD_VALUE_STYLE,
    PARAGRAPH_HEADING_STYLE,
    PARAGRAPH_PART_STYLE,
    SIGNATURE_LINE_STYLE,
    SIGNATURE_STYLE,
    SIGNATURE_TITLE_STYLE,
    TITLE_STYLE,
)

__all__ = [
    "ANDRINGAR",
    "BODY_FONT",
    "DOCUMENT_TYPES",
    "KALLELSE",
    "MEETING_TEMPLATES",
    "MONO_FONT",
    "PROTOKOLL",
    "PROTOKOLLSUTDRAG",
    "TILLAGGSLISTA",
    "build_templates",
    "list_template_tags",
]

BODY_FONT = "Calibri"
"""Body font; LibreOffice uses the metric-compatible Carlito."""

MONO_FONT = "Courier New"
"""Monospace font for code; LibreOffice uses the metric-compatible Liberation Mono."""

DOCUMENT_TYPES: tuple[str, ...] = tuple(t.value for t in DocumentType)
"""Document types, in the order the templates are written; file name is ``<typ>.docx``."""
KALLELSE = "kallelse"
"""The meeting template: kallelse with the föredragningslista."""
PROTOKOLL = "protokoll"
"""The minutes: first-page block, anslag, contents and every paragraf (also the public one)."""
PROTOKOLLSUTDRAG = "protokollsutdrag"
"""An extract of the minutes: one paragraf with the Utdragsbestyrkande."""
TILLAGGSLISTA = "tilläggslista"
"""The tilläggslista: the items added after the kallelse was sent, numbered on after it."""
ANDRINGAR = "ändringar"
"""The page "Ändringar sedan version N" in front of a published version's packets."""
MEETING_TEMPLATES: tuple[str, ...] = (
    KALLELSE,
    PROTOKOLL,
    PROTOKOLLSUTDRAG,
    TILLAGGSLISTA,
    ANDRINGAR,
)
"""The templates of a meeting (their context is the meeting's, not a case's)."""

NBSP = "\u00a0"

# the style names other stages rely on live in model.styles


# --------------------------------------------------------------------------- geometry

_TWIPS_PER_CM = 1440 / 2.54


def _tw(cm: float) -> int:
    """Centimetres to twips (twentieths of a point)."""
    return round(cm * _TWIPS_PER_CM)


PAGE_WIDTH_CM = 21.0
PAGE_HEIGHT_CM = 29.7
MARGIN_LEFT_CM = 2.5
MARGIN_RIGHT_CM = 2.5
MARGIN_TOP_CM = 3.0  # leaves room for the three-line header below the 1.25 cm header distance
MARGIN_BOTTOM_CM = 2.5
HEADER_DISTANCE_CM = 1.25
FOOTER_DISTANCE_CM = 1.25

TEXT_WIDTH = _tw(PAGE_WIDTH_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM)  # 9072 twips = 16 cm
HEADER_COLUMN = _tw(9.0)  # second header column (label, date, diarienummer)
HEADER_PAGE_COLUMN = _tw(2.4)  # third header column: the page number, right-aligned
HEADER_WIDTHS = (HEADER_COLUMN, TEXT_WIDTH - HEADER_COLUMN - HEADER_PAGE_COLUMN, HEADER_PAGE_COLUMN)
"""The header table's fixed columns: issuer (logo, organisation, förvaltning, organ); label,
date and number; page number. A long value wraps inside its own column."""
FOOTER_COLUMN = _tw(8.0)  # second footer column
LIST_INDENT = _tw(0.75)  # indent per list level
POINT_INDENT = _tw(1.0)  # hanging indent of decision points
ATTACHMENT_INDENT = _tw(2.0)  # hanging indent of "Bilaga 1 <tab> Titel"

# --------------------------------------------------------------------------- styles

LANG = '<w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/>'


def _rpr(
    *,
    font: str | None = None,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
    underline: str | None = None,
    vert_align: str | None = None,
) -> str:
    """Return the inner XML of a w:rPr in schema order, always ending with the language."""
    parts: list[str] = []
    if font:
        parts.append(
            f'<w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" w:cs="{font}"/>'
        )
    if bold:
        parts.append("<w:b/><w:bCs/>")
    if italic:
        parts.append("<w:i/><w:iCs/>")
    if color:
        parts.append(f'<w:color w:val="{color}"/>')
    if size is not None:
        half_points = round(size * 2)
        parts.append(f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>')
    if underline:
        parts.append(f'<w:u w:val="{underline}"/>')
    if vert_align:
        parts.append(f'<w:vertAlign w:val="{vert_align}"/>')
    parts.append(LANG)
    return "".join(parts)


def _ppr(
    *,
    keep_next: bool = False,
    keep_lines: bool = False,
    widow: bool = False,
    num: tuple[int, int] | None = None,
    border_top: bool = False,
    border_bottom: bool = False,
    tabs: Sequence[tuple[str, int] | tuple[str, int, str]] = (),
    before: int | None = None,
    after: int | None = None,
    line: int | None = None,
    left: int | None = None,
    right: int | None = None,
    hanging: int | None = None,
    jc: str | None = None,
    outline: int | None = None,
) -> str:
    """Return the inner XML of a w:pPr in schema order (spacing in twips)."""
    parts: list[str] = []
    if keep_next:
        parts.append("<w:keepNext/>")
    if keep_lines:
        parts.append("<w:keepLines/>")
    if widow:
        parts.append("<w:widowControl/>")
    if num is not None:
        num_id, ilvl = num
        parts.append(f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')
    if border_top or border_bottom:
        top = '<w:top w:val="single" w:sz="6" w:space="6" w:color="auto"/>' if border_top else ""
        bottom = (
            '<w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/>'
            if border_bottom
            else ""
        )
        parts.append(f"<w:pBdr>{top}{bottom}</w:pBdr>")
    if tabs:
        inner = "".join(
            f'<w:tab w:val="{tab[0]}"'
            + (f' w:leader="{tab[2]}"' if len(tab) > 2 else "")
            + f' w:pos="{tab[1]}"/>'
            for tab in tabs
        )
        parts.append(f"<w:tabs>{inner}</w:tabs>")
    spacing = []
    if before is not None:
        spacing.append(f'w:before="{before}"')
    if after is not None:
        spacing.append(f'w:after="{after}"')
    if line is not None:
        spacing.append(f'w:line="{line}" w:lineRule="auto"')
    if spacing:
        parts.append(f"<w:spacing {' '.join(spacing)}/>")
    ind = []
    if left is not None:
        ind.append(f'w:left="{left}"')
    if right is not None:
        ind.append(f'w:right="{right}"')
    if hanging is not None:
        ind.append(f'w:hanging="{hanging}"')
    if ind:
        parts.append(f"<w:ind {' '.join(ind)}/>")
    if jc:
        parts.append(f'<w:jc w:val="{jc}"/>')
    if outline is not None:
        parts.append(f'<w:outlineLvl w:val="{outline}"/>')
    return "".join(parts)


@dataclass(frozen=True)
class _Style:
    """One style definition; ``ppr``/``rpr``/``tblpr`` are inner XML in schema order."""

    style_id: str
    name: str
    kind: str = "paragraph"
    based_on: str | None = "Normal"
    next_style: str | None = None
    custom: bool = True
    default: bool = False
    priority: int | None = None
    quick: bool = True
    hidden: bool = False
    ppr: str = ""
    rpr: str = ""
    tblpr: str = ""

    def xml(self) -> str:
        attrs = f'w:type="{self.kind}"'
        if self.default:
            attrs += ' w:default="1"'
        if self.custom:
            attrs += ' w:customStyle="1"'
        attrs += f' w:styleId="{self.style_id}"'
        parts = [f'<w:name w:val="{self.name}"/>']
        if self.based_on:
            parts.append(f'<w:basedOn w:val="{self.based_on}"/>')
        if self.next_style:
            parts.append(f'<w:next w:val="{self.next_style}"/>')
        if self.priority is not None:
            parts.append(f'<w:uiPriority w:val="{self.priority}"/>')
        if self.hidden:
            parts.append("<w:semiHidden/><w:unhideWhenUsed/>")
        if self.quick:
            parts.append("<w:qFormat/>")
        if self.ppr:
            parts.append(f"<w:pPr>{self.ppr}</w:pPr>")
        if self.kind != "numbering":
            parts.append(f"<w:rPr>{self.rpr or LANG}</w:rPr>")
        if self.tblpr:
            parts.append(f"<w:tblPr>{self.tblpr}</w:tblPr>")
        return f"<w:style {nsdecls('w')} {attrs}>{''.join(parts)}</w:style>"


BULLET_NUM_ID = 1
NUMBER_NUM_ID = 2
_BULLET_ABSTRACT_ID = 0
_NUMBER_ABSTRACT_ID = 1
DECISION_BULLET_NUM_ID = 10
"""Bullets inside a decision point (style Beslutslista), indented under the point's text."""
LIST_NUMBER_NUM_ID = 11
"""The numbered Beslutsunderlag (style Numrerad förteckning); its own list, starting at 1."""
_DECISION_BULLET_ABSTRACT_ID = 10
_LIST_NUMBER_ABSTRACT_ID = 11

_CELL_MARGINS = (
    '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
    '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
)
_GRID_BORDERS = (
    "<w:tblBorders>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def _list_styles() -> list[_Style]:
    styles: list[_Style] = []
    for level in range(3):
        suffix = "" if level == 0 else f" {level + 1}"
        id_suffix = "" if level == 0 else str(level + 1)
        styles.append(
            _Style(
                f"ListBullet{id_suffix}",
                f"List Bullet{suffix}",
                custom=False,
                priority=99,
                ppr=_ppr(num=(BULLET_NUM_ID, level), after=60),
            )
        )
        styles.append(
            _Style(
                f"ListNumber{id_suffix}",
                f"List Number{suffix}",
                custom=False,
                priority=99,
                ppr=_ppr(num=(NUMBER_NUM_ID, level), after=60),
            )
        )
        styles.append(
            _Style(
                f"ListContinue{id_suffix}",
                f"List Continue{suffix}",
                custom=False,
                priority=99,
                ppr=_ppr(after=60, left=LIST_INDENT * (level + 1)),
            )
        )
    return styles


def _styles() -> list[_Style]:
    """All styles of a template, built-in ones first."""
    body = _rpr(font=BODY_FONT, size=11)
    return [
        _Style(
            "Normal",
            "Normal",
            based_on=None,
            custom=False,
            default=True,
            priority=0,
            ppr=_ppr(widow=True, after=120, line=264),
            rpr=body,
        ),
        _Style(
            "DefaultParagraphFont",
            "Default Paragraph Font",
            kind="character",
            based_on=None,
            custom=False,
            default=True,
            priority=1,
            hidden=True,
            quick=False,
        ),
        _Style(
            "TableNormal",
            "Normal Table",
            kind="table",
            based_on=None,
            custom=False,
            default=True,
            priority=99,
            hidden=True,
            quick=False,
            tblpr='<w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
            '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
            '<w:right w:w="108" w:type="dxa"/></w:tblCellMar>',
        ),
        _Style(
            "NoList",
            "No List",
            kind="numbering",
            based_on=None,
            custom=False,
            default=True,
            priority=99,
            hidden=True,
            quick=False,
        ),
        _Style(
            TITLE_STYLE,
            TITLE_STYLE,
            next_style="Normal",
            custom=False,
            priority=10,
            ppr=_ppr(keep_next=True, keep_lines=True, before=0, after=120, line=240),
            rpr=_rpr(size=16, bold=True),
        ),
        _Style(
            "Subtitle",
            "Subtitle",
            next_style="Normal",
            custom=False,
            priority=11,
            ppr=_ppr(keep_next=True, keep_lines=True, after=240, line=240),
            rpr=_rpr(size=13),
        ),
        _Style(
            "Heading1",
            "heading 1",
            next_style="Normal",
            custom=False,
            priority=9,
            ppr=_ppr(keep_next=True, keep_lines=True, before=360, after=120, line=240, outline=0),
            rpr=_rpr(size=14, bold=True),
        ),
        _Style(
            "Heading2",
            "heading 2",
            next_style="Normal",
            custom=False,
            priority=9,
            ppr=_ppr(keep_next=True, keep_lines=True, before=240, after=80, line=240, outline=1),
            rpr=_rpr(size=12, bold=True),
        ),
        _Style(
            "Heading3",
            "heading 3",
            next_style="Normal",
            custom=False,
            priority=9,
            ppr=_ppr(keep_next=True, keep_lines=True, before=200, after=60, line=240, outline=2),
            rpr=_rpr(size=11, bold=True, italic=True),
        ),
        *_list_styles(),
        _Style(
            "Quote",
            "Quote",
            next_style="Normal",
            custom=False,
            priority=29,
            ppr=_ppr(before=60, after=120, left=_tw(1.0), right=_tw(1.0)),
            rpr=_rpr(italic=True),
        ),
        _Style(
            "Header",
            "header",
            custom=False,
            priority=99,
            hidden=True,
            ppr=_ppr(tabs=(("left", HEADER_COLUMN), ("right", TEXT_WIDTH)), after=0, line=240),
            rpr=_rpr(size=9),
        ),
        _Style(
            "Footer",
            "footer",
            custom=False,
            priority=99,
            hidden=True,
            ppr=_ppr(tabs=(("left", FOOTER_COLUMN),), after=0, line=240),
            rpr=_rpr(size=8),
        ),
        _Style(
            "FootnoteText",
            "footnote text",
            custom=False,
            priority=99,
            hidden=True,
            ppr=_ppr(after=0, line=240),
            rpr=_rpr(size=9),
        ),
        _Style(
            "FootnoteReference",
            "footnote reference",
            kind="character",
            based_on="DefaultParagraphFont",
            custom=False,
            priority=99,
            hidden=True,
            quick=False,
            rpr=_rpr(vert_align="superscript"),
        ),
        _Style(
            "Hyperlink",
            "Hyperlink",
            kind="character",
            based_on="DefaultParagraphFont",
            custom=False,
            priority=99,
            hidden=True,
            quick=False,
            rpr=_rpr(color="0563C1", underline="single"),
        ),
        _Style(
            "TableGrid",
            "Table Grid",
            kind="table",
            based_on="TableNormal",
            custom=False,
            priority=39,
            quick=False,
            ppr=_ppr(after=0, line=240),
            tblpr=_GRID_BORDERS + _CELL_MARGINS,
        ),
        # Custom styles (Swedish names; Word has no built-in equivalent).
        _Style(
            "Metadata",
            "Metadata",
            ppr=_ppr(after=0, line=240),
            rpr=_rpr(size=10),
        ),
        _Style(
            "Beslutsinledning",
            "Beslutsinledning",
            next_style="Beslutspunkt",
            ppr=_ppr(keep_next=True, keep_lines=True, before=240, after=120),
            rpr=_rpr(bold=True),
        ),
        _Style(
            "Beslutspunkt",
            "Beslutspunkt",
            # the points stay together and with their lead-in
            ppr=_ppr(
                keep_next=True,
                keep_lines=True,
                tabs=(("left", POINT_INDENT),),
                after=120,
                left=POINT_INDENT,
                hanging=POINT_INDENT,
            ),
        ),
        _Style(
            "Beslutsmening",
            "Beslutsmening",
            ppr=_ppr(keep_next=True, keep_lines=True, after=120),
        ),
        # A bulleted list inside a decision point, indented under the point's text.
        _Style(
            "Beslutslista",
            "Beslutslista",
            ppr=_ppr(num=(DECISION_BULLET_NUM_ID, 0), keep_next=True, keep_lines=True, after=60),
        ),
        _Style("Forteckning", "Förteckning", ppr=_ppr(after=0)),
        # Beslutsunderlag as a numbered list (profile: avslutning.beslutsunderlag: numrerad).
        _Style(
            "NumreradForteckning",
            "Numrerad förteckning",
            ppr=_ppr(num=(LIST_NUMBER_NUM_ID, 0), after=0),
        ),
        _Style(
            "Punkt",
            "Punkt",
            ppr=_ppr(
                keep_next=True,
                tabs=(("left", POINT_INDENT), ("right", TEXT_WIDTH)),
                before=160,
                after=40,
                left=POINT_INDENT,
                hanging=POINT_INDENT,
            ),
            rpr=_rpr(font=BODY_FONT, size=11, bold=True),
        ),
        # An item's lines stay together with its heading (Punkt): every detail line keeps with
        # the next one, and the chain ends at the item's Punktslut paragraph.
        _Style(
            "Punktdetalj",
            "Punktdetalj",
            ppr=_ppr(keep_next=True, keep_lines=True, after=0, left=POINT_INDENT, right=_tw(1.5)),
            rpr=_rpr(font=BODY_FONT, size=10),
        ),
        _Style(
            "Punktbilaga",
            "Punktbilaga",
            based_on="Punktdetalj",
            ppr=_ppr(left=POINT_INDENT + ATTACHMENT_INDENT // 2),
        ),
        _Style(
            "Namnlista",
            "Namnlista",
            based_on="Forteckning",
            ppr=_ppr(keep_next=True, keep_lines=True),
        ),
        _Style(
            "Punktslut",
            "Punktslut",
            ppr=_ppr(before=0, after=0, line=20),
            rpr=_rpr(size=1),
        ),
        _Style(
            "Bilageforteckning",
            "Bilageförteckning",
            based_on="Forteckning",
            ppr=_ppr(
                tabs=(("left", ATTACHMENT_INDENT),),
                left=ATTACHMENT_INDENT,
                hanging=ATTACHMENT_INDENT,
            ),
        ),
        _Style(
            SIGNATURE_STYLE,
            SIGNATURE_STYLE,
            next_style="Underskrifttitel",
            ppr=_ppr(keep_next=True, before=720, after=0),
        ),
        _Style("Underskrifttitel", SIGNATURE_TITLE_STYLE, ppr=_ppr(after=0)),
        _Style(
            "Tabelltext",
            "Tabelltext",
            ppr=_ppr(before=0, after=0, line=240),
            rpr=_rpr(size=10),
        ),
        _Style(
            "Tabellhuvud",
            "Tabellhuvud",
            based_on="Tabelltext",
            ppr=_ppr(keep_next=True),
            rpr=_rpr(bold=True),
        ),
        _Style(
            "Tabellrubrik",
            "Tabellrubrik",
            next_style="Normal",
            ppr=_ppr(keep_next=True, before=120, after=60),
            rpr=_rpr(size=10, bold=True),
        ),
        # Figures: the picture centred (kept with a caption below it), the caption in Bildtext.
        _Style("Bild", "Bild", ppr=_ppr(before=120, after=60, jc="center")),
        _Style(
            "Bildtext",
            "Bildtext",
            next_style="Normal",
            ppr=_ppr(before=0, after=200),
            rpr=_rpr(size=10, italic=True),
        ),
        _Style(
            "Kodblock",
            "Kodblock",
            ppr=_ppr(after=120, line=240, left=_tw(0.5)),
            rpr=_rpr(font=MONO_FONT, size=9.5),
        ),
        _Style(
            "Kod",
            "Kod",
            kind="character",
            based_on="DefaultParagraphFont",
            rpr=_rpr(font=MONO_FONT, size=10),
        ),
        _Style("Sekretess", "Sekretess", based_on="Header", rpr=_rpr(bold=True)),
        # The marking again in the body: the header is an artifact a screen reader skips.
        _Style(
            "Sekretessmarkering",
            "Sekretessmarkering",
            ppr=_ppr(keep_next=True, before=0, after=160),
            rpr=_rpr(bold=True),
        ),
        _Style(
            "Punktsekretess",
            "Punktsekretess",
            based_on="Punktdetalj",
            rpr=_rpr(bold=True),
        ),
        _Style(
            "Etikett",
            "Etikett",
            kind="character",
            based_on="DefaultParagraphFont",
            rpr=_rpr(bold=True),
        ),
    ]


STYLE_NAMES: tuple[str, ...] = tuple(s.name for s in _styles())
"""Names of every style a template defines."""


def _setup_styles(document: Any, extra: Sequence[_Style] = ()) -> None:
    root = document.styles.element
    for child in list(root):
        if child.tag == qn("w:style"):
            root.remove(child)
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        root.remove(defaults)
    root.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}>"
            f"<w:rPrDefault><w:rPr>{_rpr(font=BODY_FONT, size=11)}</w:rPr></w:rPrDefault>"
            f"<w:pPrDefault><w:pPr>{_ppr(widow=True, after=120, line=264)}</w:pPr></w:pPrDefault>"
            "</w:docDefaults>"
        ),
    )
    for style in (*_styles(), *extra):
        root.append(parse_xml(style.xml()))


# --------------------------------------------------------------------------- numbering


def _abstract_num(
    abstract_id: int,
    nsid: str,
    levels: Iterable[tuple[str, str, str | None]],
    base_indent: int = 0,
) -> str:
    lvls = []
    for ilvl, (fmt, text, pstyle) in enumerate(levels):
        indent = base_indent + LIST_INDENT * (ilvl + 1)
        style = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
        font = (
            f'<w:rPr><w:rFonts w:ascii="{BODY_FONT}" w:hAnsi="{BODY_FONT}" w:hint="default"/>'
            "</w:rPr>"
            if fmt == "bullet"
            else ""
        )
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{style}'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{indent}"/></w:tabs>'
            f'<w:ind w:left="{indent}" w:hanging="{LIST_INDENT}"/></w:pPr>{font}</w:lvl>'
        )
    return (
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:nsid w:val="{nsid}"/><w:multiLevelType w:val="multilevel"/>'
        f"{''.join(lvls)}</w:abstractNum>"
    )


def _setup_numbering(document: Any) -> None:
    root = document.part.numbering_part.element
    for child in list(root):
        root.remove(child)
    bullets = ["\u2022", "\u2013", "\u25aa"] + ["\u2022"] * 6
    bullet_levels = [
        ("bullet", bullets[i], ("ListBullet", "ListBullet2", "ListBullet3")[i] if i < 3 else None)
        for i in range(9)
    ]
    number_formats = [("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "%3)")] + [
        ("decimal", f"%{i + 1}.") for i in range(3, 9)
    ]
    number_levels = [
        (fmt, text, ("ListNumber", "ListNumber2", "ListNumber3")[i] if i < 3 else None)
        for i, (fmt, text) in enumerate(number_formats)
    ]
    root.append(parse_xml(_abstract_num(_BULLET_ABSTRACT_ID, "4245534C", bullet_levels)))
    root.append(parse_xml(_abstract_num(_NUMBER_ABSTRACT_ID, "4245534E", number_levels)))
    root.append(
        parse_xml(
            _abstract_num(
                _DECISION_BULLET_ABSTRACT_ID,
                "4245534D",
                [("bullet", "\u2022", "Beslutslista")],
                base_indent=POINT_INDENT,
            )
        )
    )
    root.append(
        parse_xml(
            _abstract_num(
                _LIST_NUMBER_ABSTRACT_ID, "4245534F", [("decimal", "%1.", "NumreradForteckning")]
            )
        )
    )
    for num_id, abstract_id in (
        (BULLET_NUM_ID, _BULLET_ABSTRACT_ID),
        (NUMBER_NUM_ID, _NUMBER_ABSTRACT_ID),
        (DECISION_BULLET_NUM_ID, _DECISION_BULLET_ABSTRACT_ID),
        (LIST_NUMBER_NUM_ID, _LIST_NUMBER_ABSTRACT_ID),
    ):
        root.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{abstract_id}"/></w:num>'
            )
        )


# --------------------------------------------------------------------------- package clean-up


def _setup_settings(document: Any) -> None:
    root = document.settings.element

    def drop(tag: str) -> None:
        for element in root.findall(qn(tag)):
            root.remove(element)

    for tag in ("w:rsids", "w:proofState", "w:savePreviewPicture", "w:updateFields"):
        drop(tag)
    for tag, value in (
        ("w:defaultTabStop", "1304"),
        ("w:decimalSymbol", ","),
        ("w:listSeparator", ";"),
    ):
        element = root.find(qn(tag))
        if element is not None:
            element.set(qn("w:val"), value)
    lang = root.find(qn("w:themeFontLang"))
    if lang is not None:
        for attr in list(lang.attrib):
            del lang.attrib[attr]
        lang.set(qn("w:val"), "sv-SE")
    for setting in root.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _strip_package(document: Any) -> None:
    """Drop parts that only describe python-docx's own blank document."""
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
    for rid, rel in list(document.part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, _STYLES_WITH_EFFECTS):
            del document.part.rels[rid]
    props = document.core_properties
    props.author = ""
    props.comments = ""
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.last_modified_by = ""
    props.language = "sv-SE"
    props.revision = 1
    core = props._element
    for tag in ("dcterms:created", "dcterms:modified"):
        for element in core.findall(qn(tag)):
            core.remove(element)
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = (
                b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
                b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'extended-properties"><Application>beslut</Application></Properties>'
            )


def _setup_section(section: Any) -> None:
    section.page_width = Cm(PAGE_WIDTH_CM)
    section.page_height = Cm(PAGE_HEIGHT_CM)
    section.left_margin = Cm(MARGIN_LEFT_CM)
    section.right_margin = Cm(MARGIN_RIGHT_CM)
    section.top_margin = Cm(MARGIN_TOP_CM)
    section.bottom_margin = Cm(MARGIN_BOTTOM_CM)
    section.header_distance = Cm(HEADER_DISTANCE_CM)
    section.footer_distance = Cm(FOOTER_DISTANCE_CM)
    section.gutter = Cm(0)
    section.different_first_page_header_footer = True


# --------------------------------------------------------------------------- paragraphs

W_T = '<w:t xml:space="preserve">{}</w:t>'


SECRECY_LINE = "{{ sekretess.markering }} \u2013 {{ sekretess.organ }}, {{ sekretess.datum }}"
"""The secrecy marking (OSL 5 kap.): provision, authority and date; in the header and the body."""


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _run(text: str = "", *, style: str | None = None, tab_before: bool = False) -> str:
    rpr = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
    tab = "<w:tab/>" if tab_before else ""
    body = W_T.format(_esc(text)) if text else ""
    return f"<w:r>{rpr}{tab}{body}</w:r>"


def _field(instruction: str, cached: str = "1") -> str:
    """A complex field (begin, instruction, separate, cached result, end)."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:rPr><w:noProof/></w:rPr>{W_T.format(cached)}</w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def _paragraph(style: str | None, runs: str = "", ppr: str = "") -> Any:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    props = f"<w:pPr>{pstyle}{ppr}</w:pPr>" if (pstyle or ppr) else ""
    return parse_xml(f"<w:p {nsdecls('w', 'r')}>{props}{runs}</w:p>")


class _Writer:
    """Appends paragraphs and tables to a story (body, header, footer) before its sectPr."""

    def __init__(self, container: Any) -> None:
        self._container = container
        for child in list(container):
            if child.tag in (qn("w:p"), qn("w:tbl")):
                container.remove(child)
        self._sect_pr = container.find(qn("w:sectPr"))

    def add(self, element: Any) -> Any:
        if self._sect_pr is not None:
            self._sect_pr.addprevious(element)
        else:
            self._container.append(element)
        return element

    def p(self, style: str | None, text: str = "", ppr: str = "") -> Any:
        return self.add(_paragraph(style, _run(text) if text else "", ppr))

    def tag(self, statement: str) -> Any:
        """A paragraph holding only a ``{%p … %}`` tag (docxtpl removes the paragraph)."""
        return self.p("Normal", "{%p " + statement + " %}")

    def raw(self, style: str | None, runs: str, ppr: str = "") -> Any:
        return self.add(_paragraph(style, runs, ppr))


def _page_runs() -> str:
    """The page number: PAGE and NUMPAGES fields with the profile's text around them
    (``sidhuvud.sida``), so one template serves every page-number style."""
    return (
        _run("{{ sidhuvud.sida.före }}")
        + _field("PAGE")
        + _run("{{ sidhuvud.sida.mellan }}")
        + _field("NUMPAGES")
        + _run("{{ sidhuvud.sida.efter }}")
    )


_SPACER = '<w:spacing w:after="0" w:line="20" w:lineRule="exact"/>'
"""A one-point paragraph: a table cell must end with a paragraph even when its loops are empty."""


def _header_table(*, logo: bool) -> Any:
    """Borderless table with fixed columns: the issuer's lines (and the logo on the first
    page), the label with date and number, and the page number."""

    def cell(width: int, content: str) -> str:
        return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{content}</w:tc>'

    def p(runs: str, ppr: str = "") -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="Header"/>{ppr}</w:pPr>{runs}</w:p>'

    def tag(statement: str) -> str:
        return p(_run("{%p " + statement + " %}"))

    left = ""
    if logo:
        left += (
            tag("if sidhuvud.logotyp")
            + p(_run("{{ sidhuvud.logotyp }}"), '<w:spacing w:after="60"/>')
            + tag("endif")
        )
    left += (
        tag("for rad in sidhuvud.vänster") + p(_run("{{ rad }}")) + tag("endfor") + p("", _SPACER)
    )
    middle = (
        tag("if sidhuvud.etikett")
        + p(_run("{{ sidhuvud.etikett }}", style="Etikett"))
        + tag("endif")
        + tag("for rad in sidhuvud.höger")
        + p(_run("{{ rad }}"))
        + tag("endfor")
        + p("", _SPACER)
    )
    page = p(_page_runs(), '<w:jc w:val="right"/>')
    widths = HEADER_WIDTHS
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    no_borders = "".join(
        f'<w:{side} w:val="nil"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return parse_xml(
        f"<w:tbl {nsdecls('w')}>"
        f'<w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:tblInd w:w="0" w:type="dxa"/>'
        f"<w:tblBorders>{no_borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="113" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:cantSplit/></w:trPr>"
        f"{cell(widths[0], left)}{cell(widths[1], middle)}{cell(widths[2], page)}</w:tr>"
        "</w:tbl>"
    )


_PAPER_SECRECY = ("sekretess", SECRECY_LINE)


def _fill_header(
    header: Any, *, logo: bool, secrecy: tuple[str, str] | None = _PAPER_SECRECY
) -> None:
    """Secrecy marking (if any), then the header table. What the columns say comes from the
    ``sidhuvud`` context (the profile's header settings, see ``model.letterhead``).
    ``secrecy``: the condition and the line of the marking (None: the document has none)."""
    header.is_linked_to_previous = False
    writer = _Writer(header._element)
    if secrecy is not None:
        condition, line = secrecy
        writer.tag(f"if {condition}")
        writer.p("Sekretess", line)
        writer.tag("endif")
    writer.add(_header_table(logo=logo))
    # A header must not end with a table: a one-point paragraph closes it, with a little air
    # before the body when the header grows (a logo, a long diarienummer).
    writer.raw("Header", "", ppr='<w:spacing w:after="160" w:line="20" w:lineRule="exact"/>')


def _address_lines(writer: _Writer) -> None:
    """The address lines in two columns: first half left, second half right."""
    writer.tag("set halva = (organisation.adressrader|length + 1) // 2")
    writer.tag("for rad in organisation.adressrader[:halva]")
    writer.raw(
        "Footer",
        _run("{{ rad }}")
        + _run(
            "{% if loop.index0 + halva < organisation.adressrader|length %}"
            "{{ organisation.adressrader[loop.index0 + halva] }}{% endif %}",
            tab_before=True,
        ),
    )
    writer.tag("endfor")


def _fill_address_footer(footer: Any) -> None:
    """The address lines in two columns: first half left, second half right."""
    footer.is_linked_to_previous = False
    writer = _Writer(footer._element)
    _address_lines(writer)
    # A footer must contain a paragraph even when there are no address lines: a one-point one.
    writer.raw("Footer", "", ppr='<w:spacing w:after="0" w:line="20" w:lineRule="exact"/>')


def _fill_empty_footer(footer: Any) -> None:
    footer.is_linked_to_previous = False
    _Writer(footer._element).p("Footer")


# --------------------------------------------------------------------------- body


def _signature_table() -> Any:
    """Borderless two-column table: signatures side by side, two per row."""
    half = TEXT_WIDTH // 2

    def cell(content: str) -> str:
        return f'<w:tc><w:tcPr><w:tcW w:w="{half}" w:type="dxa"/></w:tcPr>{content}</w:tc>'

    def p(style: str, text: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_run(text)}</w:p>'

    def tag_row(statement: str) -> str:
        return f"<w:tr>{cell(p('Forteckning', '{%tr ' + statement + ' %}'))}{cell('<w:p/>')}</w:tr>"

    def person(index: int) -> str:
        if index == 0:
            name = "{{ par[0].namn }}"
            condition = "par[0].titel"
        else:
            name = '{{ par[1].namn if par|length > 1 else "" }}'
            condition = "par|length > 1 and par[1].titel"
        return (
            p(SIGNATURE_STYLE, name)
            + p("Forteckning", "{%p if " + condition + " %}")
            + p("Underskrifttitel", f"{{{{ par[{index}].titel }}}}")
            + p("Forteckning", "{%p endif %}")
        )

    return parse_xml(
        f"<w:tbl {nsdecls('w')}>"
        f'<w:tblPr><w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="113" w:type="dxa"/>'
        "</w:tblCellMar>"
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{half}"/><w:gridCol w:w="{half}"/></w:tblGrid>'
        + tag_row("for par in underskrifter|batch(2)")
        + f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cell(person(0))}{cell(person(1))}</w:tr>"
        + tag_row("endfor")
        + "</w:tbl>"
    )


CLOSING_PPR = _ppr(keep_next=True, keep_lines=True)
"""Direct paragraph properties of the items of the closing lists (Beslutsunderlag, Bilagor,
the recipients): keep with the next line, so a block stays whole and with the signatures."""


def _fill_body(document: Any, doc_type: str) -> None:
    writer = _Writer(document.element.body)
    writer.p(TITLE_STYLE, "{{ rubrik }}")
    writer.tag("if underrubrik")
    writer.p("Subtitle", "{{ underrubrik }}")
    writer.tag("endif")
    writer.tag("if sekretess")
    writer.p("Sekretessmarkering", SECRECY_LINE)
    writer.tag("endif")

    # Metadata repeated in the body: headers are artifacts that screen readers skip. The
    # lines (labels, date, people) are built from the profile in render.letterhead and
    # render.case.people_lines.
    writer.tag("for rad in metadata")
    writer.p("Metadata", "{{ rad.etikett }}: {{ rad.värde }}")
    writer.tag("endfor")

    _proposal(writer)
    writer.tag("if avslutning.underskrifter_efter_förslaget and underskrifter")
    writer.add(_signature_table())
    writer.tag("endif")

    # The Markdown body replaces this paragraph after rendering.
    writer.p("Normal", "{{ brödtext }}")

    # The closing blocks (Beslutsunderlag, Bilagor, the recipients, the signatures) keep
    # together and with the body's last lines (see markdown_docx): never a page holding only
    # two recipient names or only the Delges block. Their order is the profile's
    # (avslutning.ordning).
    together = CLOSING_PPR
    writer.tag("for avsnitt in avslutning.ordning")
    writer.tag('if avsnitt == "beslutsunderlag" and beslutsunderlag')
    writer.p("Heading1", "Beslutsunderlag")
    writer.tag("for underlag in beslutsunderlag")
    writer.tag('if avslutning.beslutsunderlag == "numrerad"')
    writer.p("NumreradForteckning", "{{ underlag }}", together)
    writer.tag('elif avslutning.beslutsunderlag == "punktlista"')
    writer.p("ListBullet", "{{ underlag }}", together)
    writer.tag("else")
    writer.p("Forteckning", "{{ underlag }}", together)
    writer.tag("endif")
    writer.tag("endfor")
    writer.tag("endif")

    writer.tag('if avsnitt == "bilagor" and bilagor')
    writer.p("Heading1", "Bilagor")
    writer.tag("for bilaga in bilagor")
    writer.raw(
        "Bilageforteckning",
        _run("Bilaga {{ bilaga.nummer }}") + _run("{{ bilaga.titel }}", tab_before=True),
        together,
    )
    writer.tag("endfor")
    writer.tag("endif")

    writer.tag('if avsnitt == "mottagare" and mottagare.namn')
    writer.p("Heading1", "{{ mottagare.rubrik }}")
    writer.tag("for namn in mottagare.namn")
    writer.p("Forteckning", "{{ namn }}", together)
    writer.tag("endfor")
    writer.tag("endif")

    writer.tag('if avsnitt == "underskrifter" and underskrifter')
    writer.add(_signature_table())
    writer.tag("endif")

    writer.tag('if avsnitt == "efterskrift" and efterskrift')
    # The case's efterskrift (Markdown) replaces this paragraph after rendering.
    writer.p("Normal", "{{ efterskrift }}")
    writer.tag("endif")
    writer.tag("endfor")
    # A document must not end with a table; this empty paragraph is the last one.
    writer.p("Forteckning")


def _proposal(writer: _Writer) -> None:
    """The proposal: its heading, then each block with heading, lead-in and numbered points
    ("att" / "1." / "att 1" + tab + text, or an unnumbered sentence), each with its list."""
    writer.tag("if förslag.rubrik")
    writer.p("Heading1", "{{ förslag.rubrik }}")
    writer.tag("endif")
    _decision_blocks(writer, "förslag.block", "Heading2")


def _decision_blocks(writer: _Writer, blocks: str, heading_style: str) -> None:
    """Each block of a förslag or beslut (``blocks``: its context path) with its heading,
    lead-in and points: "att" / "1." / "att 1" + tab + text, or an unnumbered sentence, each
    with its list. The case paper and the protokoll write decisions the same way."""
    writer.tag(f"for block in {blocks}")
    writer.tag("if block.rubrik")
    writer.p(heading_style, "{{ block.rubrik }}")
    writer.tag("endif")
    writer.tag("if block.inledning")
    writer.p("Beslutsinledning", "{{ block.inledning }}")
    writer.tag("endif")
    writer.tag("for punkt in block.punkter")
    writer.tag("if punkt.etikett")
    writer.raw(
        "Beslutspunkt", _run("{{ punkt.etikett }}") + _run("{{ punkt.text }}", tab_before=True)
    )
    writer.tag("else")
    writer.p("Beslutsmening", "{{ punkt.text }}")
    writer.tag("endif")
    writer.tag("for rad in punkt.lista")
    writer.p("Beslutslista", "{{ rad }}")
    writer.tag("endfor")
    writer.tag("endfor")
    writer.tag("endfor")


def _left_out_and_items(writer: _Writer, heading: str) -> None:
    """The public "Utelämnade handlingar", then the agenda rows: number, title, page in the
    packet, details (the kallelse's föredragningslista and the tilläggslista alike)."""
    writer.tag("if utelämnade")
    writer.p("Heading1", "Utelämnade handlingar")
    writer.p("Normal", "Följande handlingar har utelämnats ur den här versionen:")
    writer.tag("for rad in utelämnade")
    writer.p("Forteckning", "{{ rad }}")
    writer.tag("endfor")
    writer.tag("endif")
    writer.p("Heading1", heading)
    writer.raw(
        "Punkt",
        _run("Nr") + _run("Ärende", tab_before=True) + _run("Sida", tab_before=True),
    )
    writer.tag("for punkt in punkter")
    writer.raw(
        "Punkt",
        _run("{{ punkt.nummer }}.")
        + _run("{{ punkt.rubrik }}", tab_before=True)
        + _run("{{ punkt.sida }}", tab_before=True),
    )
    writer.tag("if punkt.diarienummer")
    writer.p("Punktdetalj", "Dnr {{ punkt.diarienummer }}")
    writer.tag("endif")
    writer.tag("if punkt.sekretess")
    writer.p("Punktsekretess", "{{ punkt.sekretess }}")
    writer.tag("endif")
    writer.tag("for rad in punkt.detaljer")
    writer.p("Punktdetalj", "{{ rad }}")
    writer.tag("endfor")
    writer.tag("if punkt.bilagor")
    writer.p("Punktdetalj", "Bilagor:")
    writer.tag("for bilaga in punkt.bilagor")
    writer.p("Punktbilaga", "{{ bilaga }}")
    writer.tag("endfor")
    writer.tag("endif")
    # Ends the item's keep-together chain; empty and one point high.
    writer.p("Punktslut")
    writer.tag("endfor")


def _fill_tillaggslista_body(document: Any) -> None:
    """The tilläggslista: which kallelse it adds to, its date(s), then the added items."""
    writer = _Writer(document.element.body)
    writer.p(TITLE_STYLE, "{{ rubrik }}")
    writer.p("Metadata", "{{ ingress }}")
    writer.p("Metadata", "Datum för tilläggslistan: {{ tilläggsdatum }}")
    _left_out_and_items(writer, "Ärenden som läggs till föredragningslistan")
    # The last item's keep-together chain ends in an empty paragraph.
    writer.p("Forteckning")


def _fill_changes_body(document: Any) -> None:
    """The change page of a published version: which meeting, when published, then one line
    per change (the change log's own sentences)."""
    writer = _Writer(document.element.body)
    writer.p(TITLE_STYLE, "{{ rubrik }}")
    writer.p("Metadata", "{{ ingress }}")
    writer.p("Metadata", "{{ publicerad }}")
    writer.p("Normal", "{{ förklaring }}")
    writer.tag("for rad in ändringar")
    writer.p("Normal", "{{ rad }}")
    writer.tag("endfor")


def _fill_kallelse_body(document: Any) -> None:
    """Kallelse with the föredragningslista: number, title, page in the packet, details."""
    writer = _Writer(document.element.body)
    writer.p(TITLE_STYLE, "{{ rubrik }}")
    for label, key in (
        ("Dag", "möte.dag"),
        ("Tid", "möte.tid"),
        ("Plats", "möte.plats"),
        ("Ordförande", "möte.ordförande"),
        ("Sekreterare", "möte.sekreterare"),
    ):
        writer.p("Metadata", f"{label}: {{{{ {key} }}}}")
    _left_out_and_items(writer, "Föredragningslista")
    for heading, key in (("Ledamöter", "möte.ledamöter"), ("Ersättare", "möte.ersättare")):
        writer.tag(f"if {key}")
        writer.p("Heading1", heading)
        writer.tag(f"for namn in {key}")
        writer.p("Namnlista", "{{ namn }}")
        writer.tag("endfor")
        writer.tag("endif")
    # Ledamöter and ersättare stay together as one block, ended by this empty paragraph.
    writer.p("Forteckning")


# --------------------------------------------------------------------------- protokoll
#
# The protokoll and the protokollsutdrag (conventions §4.5): the context is the contract in
# render.protokoll (all text formatted by Python; the templates only lay it out). The label/value
# blocks are borderless tables whose paragraphs have only the layout styles (model.styles
# LAYOUT_STYLES), so the PDF finisher tags them /Div, not as data tables without headers.

PROTOKOLL_LABEL_COLUMN = _tw(5.0)  # "Justeringens plats och tid" fits on one line at 10 pt
PROTOKOLL_ROLE_COLUMN = _tw(2.6)  # "Sekreterare", "Ordförande", "Justerare"
SIGNATURE_DOTS = _tw(4.6)  # where the dotted line to sign on ends, inside its cell
ANSLAG_LABEL_COLUMN = _tw(6.2)  # "Förvaringsplats för protokollet"
VOTE_WIDTHS = (_tw(7.0), _tw(1.8), _tw(1.8), _tw(1.8))  # Ledamot | Ja | Nej | Avstår
UTDRAG_DOTS = _tw(10.0)  # the dotted line of the Utdragsbestyrkande
CONTENTS_INDENT = _tw(1.6)  # "§ 41" <tab> rubrik
FOOTER_BOX_WIDTH = _tw(4.5)  # each of the two boxes Justerandes signatur | Utdragsbestyrkande
FOOTER_BOX_HEIGHT = _tw(0.9)  # room to sign in
# Room for the signature boxes in the footer (and the address lines under them on the first
# page). A footer taller than its room grows into the text area after LibreOffice has placed
# the page's last lines, and a "Beslut" heading kept with its points was then left alone at the
# bottom of a page (the layout check's ensam-rubrik, found in the public protokoll); 3.5 cm
# holds the footer. With 3.5 cm and no rule above the § headings, LibreOffice 7.4 still left
# "Beslut" alone at the bottom of page 3 of the public protokoll although the footer fitted
# (measured: body ends at 743 pt, footer starts at 779 pt) and with keepNext set directly on
# the paragraph: its keep-with-next is not honoured there. 4.0 cm gives the example a layout
# without it; tests/test_layout.py checks every produced PDF, so a new case of it is caught,
# but it is geometry, not a guarantee (noted in the issue 16 closing note).
PROTOKOLL_MARGIN_BOTTOM_CM = 4.0
PROTOKOLL_FOOTER_DISTANCE_CM = 0.8


def _protokoll_styles() -> list[_Style]:
    """The styles only the protokoll and the protokollsutdrag use."""
    return [
        # "§ 47 Rubrik": a Heading 1 (PDF /H1 and a bookmark), kept with its next line so no
        # heading ends a page. Space above it, not a rule: LibreOffice paints a paragraph
        # border outside the paragraph's tagged content (untagged paths, outloud TAG-001).
        _Style(
            "Paragrafrubrik",
            PARAGRAPH_HEADING_STYLE,
            based_on="Heading1",
            next_style="Normal",
            priority=9,
            ppr=_ppr(
                keep_next=True,
                keep_lines=True,
                before=480,
                after=60,
                line=240,
                outline=0,
            ),
            rpr=_rpr(size=13, bold=True),
        ),
        _Style(
            "Paragrafdel",
            PARAGRAPH_PART_STYLE,
            based_on="Heading2",
            next_style="Normal",
            priority=9,
            ppr=_ppr(keep_next=True, keep_lines=True, before=180, after=60, line=240, outline=1),
            rpr=_rpr(size=11, bold=True),
        ),
        # Dnr under the paragraf heading; kept with it.
        _Style(
            "Paragrafuppgift",
            "Paragrafuppgift",
            ppr=_ppr(keep_next=True, keep_lines=True, before=0, after=120, line=240),
            rpr=_rpr(size=10),
        ),
        _Style(
            "Innehallsrad",
            "Innehållsrad",
            ppr=_ppr(
                tabs=(("left", CONTENTS_INDENT),),
                # 4 pt apart: the number column is not read as one value broken over lines
                after=80,
                left=CONTENTS_INDENT,
                hanging=CONTENTS_INDENT,
            ),
        ),
        _Style(
            FIELD_LABEL_STYLE,
            FIELD_LABEL_STYLE,
            ppr=_ppr(keep_lines=True, before=0, after=0, line=240),
            rpr=_rpr(size=10, bold=True),
        ),
        _Style(
            FIELD_VALUE_STYLE,
            FIELD_VALUE_STYLE,
            ppr=_ppr(keep_lines=True, before=0, after=0, line=240),
            rpr=_rpr(size=10),
        ),
        # A line to sign on: the tab's dot leader draws it, room above for the signature.
        _Style(
            SIGNATURE_LINE_STYLE,
            SIGNATURE_LINE_STYLE,
            next_style="Underskrifttitel",
            ppr=_ppr(
                keep_next=True,
                keep_lines=True,
                tabs=(("left", SIGNATURE_DOTS, "dot"),),
                before=480,
                after=0,
                line=240,
            ),
            rpr=_rpr(size=10),
        ),
    ]


def _pxml(style: str, runs: str = "", ppr: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{runs}</w:p>'


def _cell_xml(width: int, content: str, *, span: int = 1, extra: str = "") -> str:
    grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid_span}{extra}</w:tcPr>'
        f"{content}</w:tc>"
    )


def _tag_row(statement: str, widths: Sequence[int], style: str) -> str:
    """A row holding only a ``{%tr … %}`` tag (docxtpl replaces the whole row with it)."""
    return (
        "<w:tr>"
        + _cell_xml(sum(widths), _pxml(style, _run("{%tr " + statement + " %}")), span=len(widths))
        + "</w:tr>"
    )


def _table_xml(
    widths: Sequence[int],
    rows: str,
    *,
    borders: str,
    style: str | None = None,
    look: str = (
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
    ),
    margins: str = (
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar>'
    ),
    caption: str = "",
) -> Any:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    table_style = f'<w:tblStyle w:val="{style}"/>' if style else ""
    caption_xml = f'<w:tblCaption w:val="{caption}"/>' if caption else ""
    return parse_xml(
        f"<w:tbl {nsdecls('w')}>"
        f'<w:tblPr>{table_style}<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblInd w:w="0" w:type="dxa"/><w:tblBorders>{borders}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/>{margins}{look}{caption_xml}</w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>"
    )


def _borders(outer: str, inner: str) -> str:
    def side(name: str, kind: str) -> str:
        if kind == "nil":
            return f'<w:{name} w:val="nil"/>'
        return f'<w:{name} w:val="{kind}" w:sz="4" w:space="0" w:color="auto"/>'

    return "".join(side(n, outer) for n in ("top", "left", "bottom", "right")) + "".join(
        side(n, inner) for n in ("insideH", "insideV")
    )


_NO_BORDERS = _borders("nil", "nil")
_CANT_SPLIT = "<w:trPr><w:cantSplit/></w:trPr>"


def _field_row(label: str, value: str, widths: Sequence[int], *, condition: str = "") -> str:
    """A label/value row of the first-page block; ``value`` is paragraph XML. With
    ``condition`` the row is printed only when it holds (an empty list prints no label)."""
    row = (
        f"<w:tr>{_CANT_SPLIT}"
        + _cell_xml(widths[0], _pxml(FIELD_LABEL_STYLE, _run(label)))
        + _cell_xml(widths[1], value)
        + "</w:tr>"
    )
    if not condition:
        return row
    return (
        _tag_row(f"if {condition}", widths, FIELD_LABEL_STYLE)
        + row
        + _tag_row("endif", widths, FIELD_LABEL_STYLE)
    )


def _value_lines(loop: str, line: str) -> str:
    """One value paragraph per item: ``{%p for … %}`` line ``{%p endfor %}``."""
    return (
        _pxml(FIELD_VALUE_STYLE, _run("{%p for " + loop + " %}"))
        + _pxml(FIELD_VALUE_STYLE, _run(line))
        + _pxml(FIELD_VALUE_STYLE, _run("{%p endfor %}"))
    )


def _first_page_table() -> Any:
    """Plats och tid, Beslutande, ersättare, övriga, Justerare, Justeringens plats och tid."""
    widths = (PROTOKOLL_LABEL_COLUMN, TEXT_WIDTH - PROTOKOLL_LABEL_COLUMN)
    rows = _field_row(
        "Plats och tid",
        _pxml(FIELD_VALUE_STYLE, _run("{{ möte.plats }}"))
        + _pxml(
            FIELD_VALUE_STYLE,
            _run(
                f"{{{{ möte.dag }}}}{{% if möte.tid %}}, kl.{NBSP}{{{{ möte.tid }}}}{{% endif %}}"
            ),
        ),
        widths,
    )
    # The lists: label, loop, one line per person (a label without people is left out).
    lists = (
        (
            "Beslutande",
            "person in närvaro.beslutande",
            "{{ person.namn }}{% if person.roll %}, {{ person.roll }}{% endif %}"
            "{% if person.anmärkning %}{% if person.roll %},{% endif %} "
            "{{ person.anmärkning }}{% endif %}",
        ),
        (
            "Tjänstgörande ersättare",
            "person in närvaro.tjänstgörande_ersättare",
            "{{ person.namn }} ersätter {{ person.ersätter }}"
            "{% if person.anmärkning %} {{ person.anmärkning }}{% endif %}",
        ),
        ("Ej tjänstgörande ersättare", "namn in närvaro.ej_tjänstgörande_ersättare", "{{ namn }}"),
        ("Övriga närvarande", "rad in närvaro.övriga", "{{ rad }}"),
        ("Justerare", "namn in justering.justerare", "{{ namn }}"),
    )
    for label, loop, line in lists:
        rows += _field_row(
            label, _value_lines(loop, line), widths, condition=loop.split(" in ", 1)[1]
        )
    rows += _field_row(
        "Justeringens plats och tid",
        _pxml(FIELD_VALUE_STYLE, _run("{{ justering.plats_och_tid }}")),
        widths,
        condition="justering.plats_och_tid",
    )
    return _table_xml(widths, rows, borders=_NO_BORDERS)


def _signature_line(after: str = "") -> str:
    """The dotted line to sign on (a dot-leader tab), then ``after`` on the same line."""
    return _pxml(SIGNATURE_LINE_STYLE, _run(tab_before=True) + after)


def _signatures_table() -> Any:
    """Underskrifter: per signatory the role, a dotted line (the sekreterare's with the
    paragraph range after it) and the name under the line."""
    widths = (
        PROTOKOLL_LABEL_COLUMN,
        PROTOKOLL_ROLE_COLUMN,
        TEXT_WIDTH - PROTOKOLL_LABEL_COLUMN - PROTOKOLL_ROLE_COLUMN,
    )
    before = '<w:spacing w:before="480"/>'  # level with the dotted line
    label = _pxml(FIELD_LABEL_STYLE, _run("{% if loop.first %}Underskrifter{% endif %}"), before)
    role = _pxml(FIELD_LABEL_STYLE, _run("{{ underskrift.roll }}"), before)
    line = _signature_line(
        _run(
            f"{{% if underskrift.paragrafer %}} Paragrafer{NBSP}{{{{ underskrift.paragrafer }}}}"
            "{% endif %}"
        )
    ) + _pxml("Underskrifttitel", _run("{{ underskrift.namn }}"))
    rows = (
        _tag_row("for underskrift in underskrifter", widths, FIELD_LABEL_STYLE)
        + f"<w:tr>{_CANT_SPLIT}"
        + _cell_xml(widths[0], label)
        + _cell_xml(widths[1], role)
        + _cell_xml(widths[2], line)
        + "</w:tr>"
        + _tag_row("endfor", widths, FIELD_LABEL_STYLE)
    )
    return _table_xml(widths, rows, borders=_NO_BORDERS)


def _anslag_table() -> Any:
    """The ANSLAG/BEVIS box: rubrik and sentence, the label/value rows, the signature."""
    widths = (ANSLAG_LABEL_COLUMN, TEXT_WIDTH - ANSLAG_LABEL_COLUMN)
    keep = _ppr(keep_next=True)  # the box stays on one page
    margins = (
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="113" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar>'
    )
    rows = (
        f"<w:tr>{_CANT_SPLIT}"
        + _cell_xml(
            TEXT_WIDTH,
            _pxml(
                FIELD_LABEL_STYLE, _run("{{ anslag.rubrik }}"), keep + '<w:spacing w:after="60"/>'
            )
            + _pxml(FIELD_VALUE_STYLE, _run("{{ anslag.text }}"), keep),
            span=2,
        )
        + "</w:tr>"
        + _tag_row("for rad in anslag.rader", widths, FIELD_LABEL_STYLE)
        + f"<w:tr>{_CANT_SPLIT}"
        + _cell_xml(widths[0], _pxml(FIELD_LABEL_STYLE, _run("{{ rad[0] }}"), keep))
        + _cell_xml(widths[1], _pxml(FIELD_VALUE_STYLE, _run("{{ rad[1] }}"), keep))
        + "</w:tr>"
        + _tag_row("endfor", widths, FIELD_LABEL_STYLE)
        + f"<w:tr>{_CANT_SPLIT}"
        + _cell_xml(
            widths[0],
            _pxml(FIELD_LABEL_STYLE, _run("Underskrift"), '<w:spacing w:before="480"/>'),
        )
        + _cell_xml(
            widths[1],
            _signature_line() + _pxml("Underskrifttitel", _run("{{ anslag.underskrift }}")),
        )
        + "</w:tr>"
    )
    # No ruling: a bordered grid tagged /Div is a "table without /Table" to checkers
    # (outloud TBL-014), and a /Table would need header cells it does not have.
    return _table_xml(widths, rows, borders=_NO_BORDERS, margins=margins)


def _vote_table() -> Any:
    """Omröstning: Ledamot | Ja | Nej | Avstår, one row per member, a sum row; the header row
    repeats on a new page and is tagged /TH."""
    widths = VOTE_WIDTHS
    centred = '<w:jc w:val="center"/>'

    def row(cells: Sequence[str], style: str, *, header: bool = False) -> str:
        tr_pr = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if header else _CANT_SPLIT
        return (
            f"<w:tr>{tr_pr}"
            + "".join(
                _cell_xml(width, _pxml(style, _run(text), "" if i == 0 else centred))
                for i, (width, text) in enumerate(zip(widths, cells, strict=True))
            )
            + "</w:tr>"
        )

    rows = (
        row(("Ledamot", "Ja", "Nej", "Avstår"), "Tabellhuvud", header=True)
        + _tag_row("for röst in paragraf.omröstning.röster", widths, "Tabelltext")
        + row(
            ("{{ röst.namn }}", "{{ röst.ja }}", "{{ röst.nej }}", "{{ röst.avstår }}"),
            "Tabelltext",
        )
        + _tag_row("endfor", widths, "Tabelltext")
        + row(
            (
                "Summa",
                "{{ paragraf.omröstning.summa.ja }}",
                "{{ paragraf.omröstning.summa.nej }}",
                "{{ paragraf.omröstning.summa.avstår }}",
            ),
            "Tabellhuvud",
        )
    )
    look = (
        '<w:tblLook w:val="0260" w:firstRow="1" w:lastRow="1" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
    )
    return _table_xml(
        widths,
        rows,
        borders=_borders("single", "single"),
        style="TableGrid",
        look=look,
        margins=_CELL_MARGINS,
        caption="Omröstning",
    )


def _lines_section(writer: _Writer, key: str, heading: str, style: str = "Normal") -> None:
    """An optional part of a paragraf: its heading and one paragraph per sentence."""
    writer.tag(f"if paragraf.{key}")
    writer.p(PARAGRAPH_PART_STYLE, heading)
    writer.tag(f"for rad in paragraf.{key}")
    writer.p(style, "{{ rad }}")
    writer.tag("endfor")
    writer.tag("endif")


def _paragraf(writer: _Writer, *, rule: bool = True) -> None:
    """One paragraf (variable ``paragraf``), in the order of conventions §4.5: heading, Dnr,
    secrecy marking, jäv, text, beslutsunderlag, yrkanden, propositionsordning, omröstning,
    beslut, reservationer, protokollsanteckningar, omedelbar justering, Beslutet skickas till.
    A hidden paragraf (the public protokoll) prints its heading and the notice only."""
    writer.p(
        PARAGRAPH_HEADING_STYLE,
        "{{ paragraf.nummer }} {{ paragraf.rubrik }}",
        "" if rule else '<w:pBdr><w:top w:val="nil"/></w:pBdr><w:spacing w:before="0"/>',
    )
    writer.tag("if paragraf.dold")
    writer.p("Normal", "{{ paragraf.dold }}")
    writer.tag("else")
    writer.tag("if paragraf.diarienummer")
    writer.p("Paragrafuppgift", "Dnr {{ paragraf.diarienummer }}")
    writer.tag("endif")
    writer.tag("if paragraf.sekretess")
    writer.p("Sekretessmarkering", "{{ paragraf.sekretess }}")
    writer.tag("endif")
    _lines_section(writer, "jäv", "Jäv")
    writer.tag("for rad in paragraf.text")
    writer.p("Normal", "{{ rad }}")
    writer.tag("endfor")
    _lines_section(writer, "beslutsunderlag", "Beslutsunderlag", "Forteckning")
    _lines_section(writer, "yrkanden", "Yrkanden")
    _lines_section(writer, "propositionsordning", "Propositionsordning")
    writer.tag("if paragraf.omröstning")
    writer.p(PARAGRAPH_PART_STYLE, "Omröstning")
    writer.tag("for rad in paragraf.omröstning.text")
    writer.p("Normal", "{{ rad }}", _ppr(keep_next=True))
    writer.tag("endfor")
    writer.add(_vote_table())
    writer.p("Normal", "{{ paragraf.omröstning.resultat }}", _ppr(before=120))
    writer.tag("endif")
    writer.tag("if paragraf.beslut.block")
    writer.p(PARAGRAPH_PART_STYLE, "{{ paragraf.beslut.rubrik }}")
    _decision_blocks(writer, "paragraf.beslut.block", "Heading3")
    writer.tag("endif")
    for key, one, many in (
        ("reservationer", "Reservation", "Reservationer"),
        ("protokollsanteckningar", "Protokollsanteckning", "Protokollsanteckningar"),
    ):
        _lines_section(
            writer, key, f'{{{{ "{one}" if paragraf.{key}|length == 1 else "{many}" }}}}'
        )
    writer.tag("if paragraf.omedelbart_justerad")
    writer.p("Beslutsmening", "{{ paragraf.omedelbart_justerad }}", _ppr(before=120))
    writer.tag("endif")
    _lines_section(writer, "delges", "Beslutet skickas till", "Forteckning")
    writer.tag("endif")


def _fill_protokoll_body(document: Any) -> None:
    writer = _Writer(document.element.body)
    # The document's title, the first /H1 (PDF/UA: the title a reader announces first).
    writer.p(TITLE_STYLE, "{{ rubrik }}")
    # The public protokoll says so where it starts: its hidden paragrafer show a notice only.
    writer.tag('if offentlig and paragrafer|selectattr("dold")|list')
    writer.p(
        "Metadata",
        "Offentlig version: paragrafer med uppgifter som omfattas av sekretess visas bara "
        "med rubrik.",
        _ppr(after=160),
    )
    writer.tag("endif")
    writer.add(_first_page_table())
    writer.raw("Forteckning", "", _SPACER)  # two tables must not touch
    writer.tag("if underskrifter")
    writer.add(_signatures_table())
    writer.tag("endif")
    writer.p("Forteckning", "", _ppr(after=240))
    writer.add(_anslag_table())
    writer.tag("if innehåll")
    writer.p("Heading1", "Innehåll")
    writer.tag("for rad in innehåll")
    writer.raw("Innehallsrad", _run("{{ rad.nummer }}") + _run("{{ rad.rubrik }}", tab_before=True))
    writer.tag("endfor")
    writer.tag("endif")
    writer.tag("for paragraf in paragrafer")
    _paragraf(writer)
    writer.tag("endfor")
    # A document must not end with a table; this empty paragraph is the last one.
    writer.p("Forteckning")


def _fill_utdrag_body(document: Any) -> None:
    writer = _Writer(document.element.body)
    writer.p(TITLE_STYLE, "{{ rubrik }}")
    writer.tag("for paragraf in paragrafer")
    _paragraf(writer, rule=False)  # the utdrag starts with its paragraf: no rule above it
    writer.tag("endfor")
    writer.p(PARAGRAPH_PART_STYLE, "Utdragsbestyrkande")
    writer.raw(
        SIGNATURE_LINE_STYLE,
        _run("{{ utdragsbestyrkande.text }}:") + _run(tab_before=True),
        f'<w:tabs><w:tab w:val="clear" w:pos="{SIGNATURE_DOTS}"/>'
        f'<w:tab w:val="left" w:leader="dot" w:pos="{UTDRAG_DOTS}"/></w:tabs>',
    )
    writer.p(
        "Underskrifttitel",
        "{{ utdragsbestyrkande.namn }}"
        "{% if utdragsbestyrkande.titel %}, {{ utdragsbestyrkande.titel }}{% endif %}"
        "{% if utdragsbestyrkande.datum %}, {{ utdragsbestyrkande.datum }}{% endif %}",
    )


def _fill_protokoll_footer(footer: Any, *, address: bool) -> None:
    """Two boxes to sign in on every page: Justerandes signatur | Utdragsbestyrkande; on the
    first page the organisation's address lines under them, as in the other templates."""
    footer.is_linked_to_previous = False
    widths = (FOOTER_BOX_WIDTH, FOOTER_BOX_WIDTH)
    label = "".join(
        _cell_xml(w, _pxml("Footer", _run(text)))
        for w, text in zip(widths, ("Justerandes signatur", "Utdragsbestyrkande"), strict=True)
    )
    box = "".join(_cell_xml(w, _pxml("Footer")) for w in widths)
    rows = (
        f"<w:tr>{_CANT_SPLIT}{label}</w:tr>"
        f'<w:tr><w:trPr><w:cantSplit/><w:trHeight w:val="{FOOTER_BOX_HEIGHT}" '
        f'w:hRule="exact"/></w:trPr>{box}</w:tr>'
    )
    writer = _Writer(footer._element)
    writer.add(
        _table_xml(
            widths,
            rows,
            borders=_borders("single", "single"),
            margins=_CELL_MARGINS,
        )
    )
    if not address:
        writer.raw("Footer", "", ppr='<w:spacing w:after="0" w:line="20" w:lineRule="exact"/>')
        return
    writer.raw("Footer", "", ppr='<w:spacing w:after="60" w:line="20" w:lineRule="exact"/>')
    _address_lines(writer)
    writer.raw("Footer", "", ppr='<w:spacing w:after="0" w:line="20" w:lineRule="exact"/>')


def _build_protokoll(document: Any, doc_type: str) -> None:
    section = document.sections[0]
    if doc_type == PROTOKOLL:
        section.bottom_margin = Cm(PROTOKOLL_MARGIN_BOTTOM_CM)
        section.footer_distance = Cm(PROTOKOLL_FOOTER_DISTANCE_CM)
        _fill_header(section.first_page_header, logo=True, secrecy=None)
        _fill_header(section.header, logo=False, secrecy=None)
        _fill_protokoll_footer(section.first_page_footer, address=True)
        _fill_protokoll_footer(section.footer, address=False)
        _fill_protokoll_body(document)
        return
    # The utdrag of a secret paragraf is marked in the header, like a secret paper.
    secrecy = ("paragrafer and paragrafer[0].sekretess", "{{ paragrafer[0].sekretess }}")
    _fill_header(section.first_page_header, logo=True, secrecy=secrecy)
    _fill_header(section.header, logo=False, secrecy=secrecy)
    _fill_address_footer(section.first_page_footer)
    _fill_empty_footer(section.footer)
    _fill_utdrag_body(document)


# --------------------------------------------------------------------------- build


def _build(doc_type: str) -> Any:
    document = docx.Document()
    _strip_package(document)
    meeting_minutes = doc_type in (PROTOKOLL, PROTOKOLLSUTDRAG)
    _setup_styles(document, _protokoll_styles() if meeting_minutes else ())
    _setup_numbering(document)
    _setup_settings(document)
    section = document.sections[0]
    _setup_section(section)
    if meeting_minutes:
        _build_protokoll(document, doc_type)
        return document
    _fill_header(section.first_page_header, logo=True)
    _fill_header(section.header, logo=False)
    _fill_address_footer(section.first_page_footer)
    _fill_empty_footer(section.footer)
    if doc_type == KALLELSE:
        _fill_kallelse_body(document)
    elif doc_type == TILLAGGSLISTA:
        _fill_tillaggslista_body(document)
    elif doc_type == ANDRINGAR:
        _fill_changes_body(document)
    else:
        _fill_body(document, doc_type)
    return document


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and permissions so equal input gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build_templates(dest: Path) -> list[Path]:
    """Write tjänsteskrivelse.docx, beslutsförslag.docx, direktiv.docx, kallelse.docx,
    protokoll.docx, protokollsutdrag.docx, tilläggslista.docx and ändringar.docx.

    The page-number style, labels and header fields are not built in: they come from the
    profile through the render context (``sidhuvud``), so one template serves every style.
    Existing files are overwritten. Returns the paths written.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for doc_type in (*DOCUMENT_TYPES, *MEETING_TEMPLATES):
        buffer = io.BytesIO()
        _build(doc_type).save(buffer)
        path = dest / f"{doc_type}.docx"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(_reproducible_zip(buffer.getvalue()))
        tmp.replace(path)
        written.append(path)
    return written


def list_template_tags(path: Path, jinja_env: jinja2.Environment | None = None) -> list[str]:
    """Return the sorted variables a template uses (body, headers and footers)."""
    template = DocxTemplate(str(path))
    names: set[str] = set(template.get_undeclared_template_variables(jinja_env))
    return sorted(names)
