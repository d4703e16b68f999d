"""Inline Markdown → runs: bold, italic, struck and code text, hyperlinks, footnote references."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from markdown_it.token import Token

from beslut.model.outline import FIGURE_WIDTH, figure_width
from beslut.model.typography import hard_spaces
from beslut.render.markdown_docx.base import _ConverterBase
from beslut.render.markdown_docx.xml import Element, _add_text, _clean, _el, one_text, qn

MSG_HTML = "HTML stöds inte i brödtexten och skrivs ut som vanlig text."


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


def _width_after(children: Sequence[Token] | None, image: Token) -> tuple[float, str] | None:
    """Return the width written right after ``image`` ({bredd=60%}), if any and valid."""
    items = list(children or ())
    index = next(i for i, t in enumerate(items) if t is image)
    following = items[index + 1] if index + 1 < len(items) else None
    if following is None or following.type != "text":
        return None
    match = FIGURE_WIDTH.match(following.content)
    return figure_width(match.group(1)) if match else None


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


class _InlineConverter(_ConverterBase):
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
        return self._run(
            container,
            text,
            bold=bold,
            italic=italic,
            strike=strike,
            code=code,
            char_style=char_style,
        )[0]

    def _run(
        self,
        container: Element,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        strike: bool = False,
        code: bool = False,
        char_style: str | None = None,
    ) -> tuple[Element, Element | None]:
        """:meth:`run`, also returning the run's last ``w:t`` (None when it has none)."""
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
        return r, _add_text(r, text)

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
            if last is not None and last[1] == key:
                cleaned = _clean(text)
                if one_text(cleaned):  # a date after a line break keeps its hard hyphens
                    last[2].text = (last[2].text or "") + cleaned
                    return
            r, last_t = self._run(
                container,
                text,
                bold=depth["strong"] > 0,
                italic=depth["em"] > 0,
                strike=depth["s"] > 0,
                code=code,
                char_style=self.styles.ensure("Hyperlink", "Hyperlink") if link else None,
            )
            last = (r, key, last_t) if last_t is not None and "\t" not in text else None

        previous: Token | None = None
        for token in children or ():
            kind = token.type
            in_link = len(containers) > 1
            after_image = previous is not None and previous.type == "image"
            previous = token
            if kind == "text":
                content = token.content
                if after_image:
                    # the {bredd=60%} written right after an image belongs to the image
                    content = FIGURE_WIDTH.sub("", content, count=1)
                text_run(hard_spaces(content), link=in_link)
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
                line, col = position.locate("![")
                src = unquote(str(token.attrGet("src") or ""))
                alt = _plain(token.children) or token.content
                loaded = self.images.get(src)
                if loaded is None or part is not self.document.part:
                    # validation reports a missing file; a footnote cannot hold a picture
                    self.warn(
                        line,
                        col,
                        "bild-fel",
                        f"Bilden ”{src}” kan inte visas här; alternativtexten skrivs ut i stället.",
                    )
                    text_run(alt, link=in_link)
                else:
                    width = _width_after(children, token)
                    self.picture(_el("w:r", containers[-1]), loaded, alt, width)
                    last = None
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
