"""The token walker: block-level Markdown → Word, and the entry point :func:`insert_markdown`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from docx.document import Document
from docx.text.paragraph import Paragraph
from markdown_it.token import Token

from beslut.model.markdown import parse_body
from beslut.model.models import StructuredTable
from beslut.model.outline import FIGURE_WIDTH
from beslut.model.typography import hard_spaces
from beslut.render.images import LoadedImage
from beslut.render.markdown_docx.base import BodyWarning, MissingStyleError
from beslut.render.markdown_docx.inline import MSG_HTML
from beslut.render.markdown_docx.numbering import _Item
from beslut.render.markdown_docx.tables import _TableConverter
from beslut.render.markdown_docx.xml import _add_text, _el, qn

PAGE_BREAK_TEXT = "\\sidbrytning"
_PAGE_BREAK_COMMENT = re.compile(r"^\s*<!--\s*sidbrytning\s*-->\s*$", re.IGNORECASE)

MSG_H1 = (
    "Rubriker med en # blir Rubrik 1, precis som ##; dokumentets rubrik hämtas från fältet "
    "rubrik i ärendefilens huvud."
)
MSG_DEEP_HEADING = "Rubriker med fem eller sex # stöds inte och blir Rubrik 3, precis som ####."
MSG_THEMATIC_BREAK = (
    "En tematisk brytning (--- eller ___) stöds inte och tas bort; skriv \\sidbrytning "
    "eller *** på en egen rad för en sidbrytning."
)


class _Converter(_TableConverter):
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

    def figure(self, inline: Token) -> None:
        """A paragraph holding only an image: the picture centred, kept with its caption (the
        image's title) in the style Bildtext below it."""
        self.flush_item_marker()
        image = _lone_image(inline.children)
        caption = str(image.attrGet("title") or "").strip() if image is not None else ""
        p = self.paragraph(self.style("Bild"), jc="center")
        if caption:
            self.keep_with_next(p)
        self.inline(p, inline.children, inline.map[0] if inline.map else 0)
        if caption:
            style = self.style("Bildtext", "caption", "Tabellrubrik")
            self.run(self.paragraph(style), hard_spaces(caption))

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

    def convert(self) -> list[BodyWarning]:
        tokens = self._collect_footnotes(list(parse_body(self.source).tokens))
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
            elif _lone_image(inline.children) is not None:
                self.figure(inline)
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
        self._keep_last_with_next()
        # Word needs a paragraph after a table at the end of a cell or the body.
        if self.cursor.tag == qn("w:tbl"):
            following = self.cursor.getnext()
            if following is None or following.tag != qn("w:p"):
                self._insert_raw(self._paragraph_element(None))
        parent = self.anchor.getparent()
        if parent is not None:
            parent.remove(self.anchor)
            if parent.tag == qn("w:tc") and parent.find(qn("w:p")) is None:
                parent.append(_el("w:p"))  # a table cell must keep a paragraph
        self.footnotes.flush()

    def _keep_last_with_next(self) -> None:
        """Keep the body's last paragraph with what follows it (the closing blocks: Beslutsunderlag,
        Bilagor, the recipients, the signatures), so that those never stand alone on a page.

        Keep-with-next without keep-lines: a long paragraph still splits, and widow control
        takes its last two lines along.
        """
        last = self.cursor
        if last is self.anchor or last.tag != qn("w:p") or self.anchor.getparent() is None:
            return
        if self.anchor.getparent().tag != qn("w:body"):
            return
        if last.find(f".//{qn('w:br')}[@{qn('w:type')}='page']") is not None:
            return  # a page break ends the body: what follows starts a page anyway
        ppr = last.find(qn("w:pPr"))
        if ppr is None:
            ppr = _el("w:pPr")
            last.insert(0, ppr)
        if ppr.find(qn("w:keepNext")) is None:
            keep = _el("w:keepNext")
            style = ppr.find(qn("w:pStyle"))
            if style is None:
                ppr.insert(0, keep)
            else:
                style.addnext(keep)


def _lone_image(children: Sequence[Token] | None) -> Token | None:
    """Return the image when it is all a paragraph holds (besides its {bredd=…})."""
    items = list(children or ())
    images = [t for t in items if t.type == "image"]
    if len(images) != 1:
        return None
    rest = "".join(
        FIGURE_WIDTH.sub("", t.content, count=1)
        if i > 0 and items[i - 1] is images[0]
        else t.content
        for i, t in enumerate(items)
        if t.type == "text"
    )
    others = [t for t in items if t.type not in ("image", "text", "softbreak")]
    return images[0] if not rest.strip() and not others else None


def insert_markdown(
    document: Document,
    anchor: Paragraph,
    text: str,
    *,
    tables: Mapping[str, StructuredTable],
    line_offset: int = 0,
    images: Mapping[str, LoadedImage] | None = None,
) -> list[BodyWarning]:
    """Insert the Markdown ``text`` in place of ``anchor`` (which is removed).

    ``tables`` maps ids to the case's structured tables (```` ```tabell <id> ```` blocks).
    A paragraph consisting only of ``\\sidbrytning`` (or ``***``) starts a new page; see the
    module docstring for everything supported. ``line_offset`` is the number of file lines
    before the body (the front matter), so that warnings point at lines in the file.
    ``images`` maps each image's address as written (``![alt](address)``) to the image read
    by the caller. Returns the warnings, in document order.
    """
    element = anchor._p if hasattr(anchor, "_p") else anchor
    return _Converter(document, element, text, tables, line_offset, images).convert()
