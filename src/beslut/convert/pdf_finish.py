"""Finishing the PDFs LibreOffice exports, where LibreOffice 7.4 falls short of PDF/A-2b and
PDF/UA-1.

:func:`finish_pdf` takes the file LibreOffice wrote and returns it with one incremental update
appended (the original bytes stay as they are, only the changed objects are written again):

* Metadata: the XMP is written anew from the Info dictionary (:mod:`.pdf_metadata`), so both say
  the same, with the dates to the second in one form, and with the PDF/A extension schema that
  defines ``pdfuaid:part`` (LibreOffice writes the property without it).
* Headings: the paper's title (style :data:`~beslut.model.styles.TITLE_STYLE`, tagged
  ``/Title``) becomes ``/H1`` and every ``/Hn`` below it ``/H(n+1)`` (at most ``/H6``), so that
  heading navigation starts at the title.
* Role map: no standard structure type is mapped to another (LibreOffice names an element after
  its paragraph style, so Word's "Quote" became ``/Quote → /P``); consecutive block-quote
  paragraphs become one ``/BlockQuote`` with ``/P`` inside, other such elements get the type
  they were mapped to.
* Tables: layout tables (the signatures, the protokoll's label/value blocks: cells of only the
  :data:`~beslut.model.styles.LAYOUT_STYLES` paragraphs) are layout, not data: their
  ``/Table``, rows and cells become ``/Div``. Every ``/TH`` gets a ``/Scope`` if it lacks one.
* Annotations: every page with annotations gets ``/Tabs /S``; an annotation without a structure
  parent (LibreOffice leaves the footnote's link back to its reference untagged) gets a ``/Link``
  (``/Annot``) element with an object reference, in its footnote's ``/Note``; every ``/Note`` has
  a unique ``/ID``, listed in the ``/IDTree``.

It reads only what it needs: the cross-reference table, a scan of the plain objects for the
structure elements' types and parents, and the few objects it changes (parsed by pypdf). So it
costs a few per cent of the conversion (``benchmarks/bench_pdf_finish.py``). It is pure: bytes
in, bytes out; :func:`finish_file` applies it to a file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
    read_object,
)

from beslut.convert.pdf_metadata import XmpFields, parse_pdf_date, pdf_date, xmp_packet
from beslut.model.styles import LAYOUT_STYLES, TITLE_STYLE

__all__ = ["STANDARD_TYPES", "FinishError", "finish_file", "finish_pdf"]

STANDARD_TYPES = frozenset(
    "/" + name
    for name in (  # noqa: SIM905 (the standard's table, as it reads)
        "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private "
        "P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot "
        "Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP "
        "Figure Formula Form"
    ).split()
)
"""The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4): none may be role-mapped."""

_HEADINGS = ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
_TABLE_PARTS = frozenset({"/Table", "/TR", "/TH", "/TD", "/THead", "/TBody", "/TFoot"})
_ANNOTATION_ROLES = {"/Link": "/Link", "/Widget": "/Form"}
"""The structure type of an annotation by subtype; others are ``/Annot``."""
_UNTAGGED_ANNOTATIONS = frozenset({"/Popup", "/PrinterMark", "/TrapNet"})

_OBJ = re.compile(rb"[\t\n\f\r ]*(\d+)[\t\n\f\r ]+(\d+)[\t\n\f\r ]+obj\b")
_ROLE = re.compile(rb"/S[\t\n\f\r ]*(/[^\t\n\f\r ()<>\[\]{}/%]*)")
_PARENT = re.compile(rb"/P[\t\n\f\r ]+(\d+)[\t\n\f\r ]+\d+[\t\n\f\r ]+R")
_ATTRIBUTES = re.compile(rb"/A[\t\n\f\r ]*(\[[^\]]*\]|\d+[\t\n\f\r ]+\d+[\t\n\f\r ]+R)")
_REF = re.compile(rb"(\d+)[\t\n\f\r ]+\d+[\t\n\f\r ]+R")
_HAS_ID = re.compile(rb"/ID[\t\n\f\r ]*[(<]")
_SPACE = re.compile(rb"[\t\n\f\r \x00]*")
_STARTXREF = re.compile(rb"startxref[\t\n\f\r ]+(\d+)")
_SUBSECTION = re.compile(rb"[\t\n\f\r ]*(\d+)[ \t]+(\d+)[ \t]*\r?\n?")
_PDFAID_PART = re.compile(r"pdfaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d+)")
_PDFAID_CONFORMANCE = re.compile(r"pdfaid:conformance\s*(?:=\s*[\"']\s*|>\s*)([A-Za-z])")
_PDFUAID_PART = re.compile(r"pdfuaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d+)")


class FinishError(Exception):
    """The PDF could not be finished; ``str()`` is a Swedish reason (without the file's name)."""


def finish_file(path: Path) -> int:
    """Finish the PDF at ``path`` in place (the converter's temporary file).

    Returns its number of pages (found while finishing), so the converter needs no second
    parse of the file to check that it has pages.
    """
    data = path.read_bytes()
    update, pages = _finish(data)
    if update:
        # Only the incremental update is appended: the file LibreOffice just wrote is neither
        # truncated nor written a second time.
        with path.open("ab") as out:
            out.write(update)
    return pages


def finish_pdf(data: bytes) -> bytes:
    """Return ``data`` (a PDF from LibreOffice) with the fixes above as an incremental update.

    Raises :class:`FinishError` when the file is not shaped as LibreOffice writes PDFs.
    """
    return data + _finish(data)[0]


def _finish(data: bytes) -> tuple[bytes, int]:
    """The incremental update to append to ``data`` (empty when nothing changes) and the
    number of pages."""
    try:
        document = _Document(data)
        document.finish_structure(
            title="/" + TITLE_STYLE, layout=frozenset("/" + name for name in LAYOUT_STYLES)
        )
        document.finish_metadata()
        return document.update(), document.pages
    except FinishError:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # pypdf and the parsing raise many kinds for a damaged file
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise FinishError(f"PDF-filen kunde inte läsas ({detail})") from exc


@dataclass
class _Element:
    role: str
    parent: int | None
    has_id: bool
    text: tuple[int, int]
    """Where the object's text (between ``obj`` and ``endobj``) is in the file."""
    name: tuple[int, int]
    """Where its type's name (``/S``) is in the file."""
    children: list[int] = field(default_factory=list)


class _Document:
    """The objects of one PDF with a classic cross-reference table, and the changes to them."""

    strict = False  # read by pypdf's parser

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.stream = io.BytesIO(data)
        self.offsets: dict[int, tuple[int, int]] = {}
        self.trailer, self.startxref = self._read_xref()
        self.cache: dict[int, PdfObject] = {}
        self.changed: dict[int, PdfObject] = {}
        self.retagged: dict[int, bytes] = {}
        """Objects changed as text (an element's new type): their text in the update."""
        self.size = int(cast(int, self.trailer.get("/Size", 0)))
        self.size = max(self.size, max(self.offsets, default=0) + 1)
        root = self.trailer.get("/Root")
        if not isinstance(root, IndirectObject):
            raise FinishError("PDF-filen saknar katalog (/Root)")
        self.catalog_id = root.idnum
        self.catalog = self._dict(self.catalog_id)
        self.pages = 0
        """Pages found in the page tree (set by :meth:`finish_structure`)."""

    # -- reading ------------------------------------------------------------------------------

    def _read_xref(self) -> tuple[DictionaryObject, int]:
        data = self.data
        found = list(_STARTXREF.finditer(data, max(0, len(data) - 2048)))
        if not found:
            raise FinishError("PDF-filen saknar startxref")
        start = int(found[-1][1])
        position: int | None = start
        newest: DictionaryObject | None = None
        seen: set[int] = set()
        while position is not None and position not in seen:
            seen.add(position)
            if not data.startswith(b"xref", position):
                raise FinishError(
                    "PDF-filen har ingen vanlig xref-tabell (LibreOffice skriver en sådan)"
                )
            cursor = position + 4
            while True:
                header = _SUBSECTION.match(data, cursor)
                if header is None:
                    break
                first, count = int(header[1]), int(header[2])
                cursor = header.end()
                for index in range(count):
                    entry = data[cursor : cursor + 20]
                    cursor += 20
                    idnum = first + index
                    if entry[17:18] == b"n" and idnum not in self.offsets:
                        self.offsets[idnum] = (int(entry[0:10]), int(entry[11:16]))
            keyword = data.find(b"trailer", cursor)
            if keyword < 0:
                raise FinishError("PDF-filen saknar trailer")
            trailer = cast(DictionaryObject, self._parse_at(keyword + len(b"trailer")))
            if newest is None:
                newest = trailer
            prev = trailer.get("/Prev")
            position = int(cast(int, prev)) if prev is not None else None
        assert newest is not None
        return newest, start

    def _parse_at(self, position: int) -> PdfObject:
        self.stream.seek(_SPACE.match(self.data, position).end())  # type: ignore[union-attr]
        return read_object(self.stream, cast(Any, self))

    def get(self, idnum: int) -> PdfObject:
        """The object ``idnum`` as it will be written (changed, or parsed from the file)."""
        if idnum in self.changed:
            return self.changed[idnum]
        cached = self.cache.get(idnum)
        if cached is not None:
            return cached
        text = self.retagged.pop(idnum, None)
        if text is not None:  # retagged as text, now needed as an object
            value = read_object(io.BytesIO(text.lstrip()), cast(Any, self))
            self.changed[idnum] = value
            return value
        offset, _generation = self.offsets[idnum]
        header = _OBJ.match(self.data, offset)
        if header is None or int(header[1]) != idnum:
            raise FinishError(f"objekt {idnum} står inte där xref-tabellen anger")
        value = self._parse_at(header.end())
        self.cache[idnum] = value
        return value

    def get_object(self, ref: IndirectObject) -> PdfObject:
        """For pypdf: an indirect ``/Length`` of a stream."""
        return self.get(ref.idnum)

    def _dict(self, idnum: int) -> DictionaryObject:
        value = self.get(idnum)
        if not isinstance(value, DictionaryObject):
            raise FinishError(f"objekt {idnum} är ingen ordlista")
        return value

    def resolve(self, value: Any) -> Any:
        return self.get(value.idnum) if isinstance(value, IndirectObject) else value

    def ref(self, idnum: int) -> IndirectObject:
        return IndirectObject(idnum, self.offsets.get(idnum, (0, 0))[1], cast(Any, self))

    # -- changing -----------------------------------------------------------------------------

    def mark(self, idnum: int) -> None:
        """Write ``idnum`` (already changed in place) in the update."""
        self.changed[idnum] = self.get(idnum)

    def mark_holder(self, holder: int, value: Any) -> None:
        """Write the object that holds ``value``: ``value`` itself when indirect, else ``holder``."""
        self.mark(value.idnum if isinstance(value, IndirectObject) else holder)

    def add(self, value: PdfObject) -> IndirectObject:
        idnum = self.size
        self.size += 1
        self.changed[idnum] = value
        return IndirectObject(idnum, 0, cast(Any, self))

    def update(self) -> bytes:
        """The changed objects as an incremental update: the bytes to append to the file
        (empty when nothing changed)."""
        if not self.changed and not self.retagged:
            return b""
        out = io.BytesIO()
        if not self.data.endswith((b"\n", b"\r")):
            out.write(b"\n")
        start = len(self.data)  # offsets in the update count from the start of the file
        positions: dict[int, int] = {}
        for idnum in sorted({*self.changed, *self.retagged}):
            generation = self.offsets.get(idnum, (0, 0))[1]
            positions[idnum] = start + out.tell()
            out.write(f"{idnum} {generation} obj\n".encode())
            if idnum in self.changed:
                self.changed[idnum].write_to_stream(out)
            else:
                out.write(self.retagged[idnum].strip())
            out.write(b"\nendobj\n")
        xref = start + out.tell()
        out.write(b"xref\n")
        ids = sorted(positions)
        run: list[int] = []
        for idnum in [*ids, -1]:
            if run and idnum != run[-1] + 1:
                out.write(f"{run[0]} {len(run)}\n".encode())
                for member in run:
                    generation = self.offsets.get(member, (0, 0))[1]
                    out.write(f"{positions[member]:010d} {generation:05d} n \n".encode())
                run = []
            run.append(idnum)
        trailer = DictionaryObject(
            {
                NameObject("/Size"): NumberObject(self.size),
                NameObject("/Root"): self.trailer.raw_get("/Root"),
                NameObject("/Prev"): NumberObject(self.startxref),
            }
        )
        for key in ("/Info", "/ID"):
            if key in self.trailer:
                trailer[NameObject(key)] = self.trailer.raw_get(key)
        out.write(b"trailer\n")
        trailer.write_to_stream(out)
        out.write(f"\nstartxref\n{xref}\n%%EOF\n".encode())
        return out.getvalue()

    # -- the structure ------------------------------------------------------------------------

    def _elements(self, root_id: int) -> dict[int, _Element]:
        """Every structure element under the tree root: type, parent, whether it has an ID."""
        data = self.data
        found: dict[int, _Element] = {}
        for idnum, (offset, _generation) in self.offsets.items():
            header = _OBJ.match(data, offset)
            if header is None:
                continue
            start = header.end()
            if data.find(b"<<", start, start + 8) < 0:
                continue
            end = data.find(b"endobj", start)
            end = end if end >= 0 else len(data)
            if data.find(b"stream", start, end) >= 0:
                continue
            role = _ROLE.search(data, start, end)
            if role is None:
                continue
            parent = _PARENT.search(data, start, end)
            if parent is None:
                continue
            name = NameObject.unnumber(role[1]).decode("utf-8", "replace")
            found[idnum] = _Element(
                name,
                int(parent[1]),
                _HAS_ID.search(data, start, end) is not None,
                (start, end),
                role.span(1),
            )
        inside: dict[int, bool] = {root_id: True}

        def reaches(idnum: int, depth: int = 0) -> bool:
            if idnum in inside:
                return inside[idnum]
            element = found.get(idnum)
            result = (
                element is not None
                and element.parent is not None
                and depth < 500
                and reaches(element.parent, depth + 1)
            )
            inside[idnum] = result
            return result

        elements = {idnum: e for idnum, e in found.items() if reaches(idnum)}
        for idnum, element in elements.items():
            if element.parent in elements:
                elements[element.parent].children.append(idnum)
        return elements

    def finish_structure(self, *, title: str, layout: frozenset[str]) -> None:
        tree_ref = self.catalog.get("/StructTreeRoot")
        if not isinstance(tree_ref, IndirectObject):
            self._page_tabs()
            return
        root_id = tree_ref.idnum
        root = self._dict(root_id)
        elements = self._elements(root_id)
        role_map_value = root.get("/RoleMap")
        role_map = self.resolve(role_map_value)
        remapped: dict[str, str] = {}
        if isinstance(role_map, DictionaryObject):
            for key in list(role_map):
                if key in STANDARD_TYPES or (key == title and _any(elements, title)):
                    remapped[str(key)] = _standard(role_map, str(key))
                    del role_map[key]
            if remapped:
                self.mark_holder(root_id, role_map_value)
        self._headings(elements, title)
        quotes = [i for i, e in elements.items() if e.role == "/Quote" and "/Quote" in remapped]
        self._block_quotes(elements, quotes, root_id)
        for idnum, element in elements.items():
            if element.role in remapped and element.role not in ("/Quote", title):
                self._retag(elements, idnum, remapped[element.role])
        self._tables(elements, layout)
        pages = self._page_tabs()
        self._annotations(elements, root_id, pages)
        self._ids(elements, root_id)

    def _retag(self, elements: dict[int, _Element], idnum: int, role: str) -> None:
        """Change an element's type; as text when the element was not parsed (most are not)."""
        found = elements[idnum]
        found.role = role
        if idnum in self.changed or idnum in self.cache:
            element = self._dict(idnum)
            element[NameObject("/S")] = NameObject(role)
            self.mark(idnum)
            return
        (start, end), (name_start, name_end) = found.text, found.name
        data = self.data
        self.retagged[idnum] = (
            data[start:name_start] + NameObject(role).encode("utf-8") + data[name_end:end]
        )

    def _headings(self, elements: dict[int, _Element], title: str) -> None:
        """The title becomes ``/H1``, and the headings below it one level lower."""
        if not _any(elements, title):
            return
        for idnum, element in list(elements.items()):
            if element.role == title:
                self._retag(elements, idnum, "/H1")
            elif element.role in _HEADINGS:
                level = min(_HEADINGS.index(element.role) + 2, 6)
                self._retag(elements, idnum, f"/H{level}")

    def _block_quotes(self, elements: dict[int, _Element], quotes: list[int], root_id: int) -> None:
        """Consecutive ``/Quote`` paragraphs of one parent become one ``/BlockQuote`` of ``/P``."""
        by_parent: dict[int, set[int]] = {}
        for idnum in quotes:
            by_parent.setdefault(cast(int, elements[idnum].parent), set()).add(idnum)
        for parent_id, members in by_parent.items():
            parent = self._dict(parent_id)
            kids = self.resolve(parent.get("/K"))
            items = list(kids) if isinstance(kids, ArrayObject) else [kids]
            rebuilt = ArrayObject()
            run: list[IndirectObject] = []
            for item in [*items, None]:
                if isinstance(item, IndirectObject) and item.idnum in members:
                    run.append(item)
                    continue
                if run:
                    rebuilt.append(self._block_quote(elements, parent_id, run))
                    run = []
                if item is not None:
                    rebuilt.append(item)
            parent[NameObject("/K")] = rebuilt
            self.mark(parent_id)
            for idnum in members:  # not among its parent's kids: tag it on its own
                if elements[idnum].role == "/Quote":
                    self._retag(elements, idnum, "/BlockQuote")

    def _block_quote(
        self, elements: dict[int, _Element], parent_id: int, run: list[IndirectObject]
    ) -> IndirectObject:
        """A new ``/BlockQuote`` under ``parent_id`` with the paragraphs ``run`` as ``/P``."""
        first = self._dict(run[0].idnum)
        block = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/BlockQuote"),
                NameObject("/P"): self.ref(parent_id),
                NameObject("/K"): ArrayObject(run),
            }
        )
        if "/Pg" in first:
            block[NameObject("/Pg")] = first.raw_get("/Pg")
        block_ref = self.add(block)
        for member in run:
            quote = self._dict(member.idnum)
            quote[NameObject("/S")] = NameObject("/P")
            quote[NameObject("/P")] = block_ref
            elements[member.idnum].role = "/P"
            self.mark(member.idnum)
        return block_ref

    def _tables(self, elements: dict[int, _Element], layout: frozenset[str]) -> None:
        for idnum, element in list(elements.items()):
            if element.role != "/Table":
                continue
            parts = list(_descendants(elements, idnum))
            if _is_layout_table(elements, parts, layout):
                for part in [idnum, *parts]:
                    if elements[part].role in _TABLE_PARTS:
                        self._retag(elements, part, "/Div")
                continue
            for part in parts:
                if elements[part].role == "/TH" and not self._has_scope(elements[part]):
                    self._scope(elements, part, idnum)

    def _has_scope(self, element: _Element) -> bool:
        """Whether a ``/TH`` has a ``/Scope``, read from the text of it and its attributes."""
        start, end = element.text
        data = self.data
        if data.find(b"/Scope", start, end) >= 0:
            return True
        found = _ATTRIBUTES.search(data, start, end)
        if found is None:
            return False
        for ref in _REF.finditer(found[1]):
            offset = self.offsets.get(int(ref[1]), (-1, 0))[0]
            header = _OBJ.match(data, offset) if offset >= 0 else None
            if header is None:
                continue
            stop = data.find(b"endobj", header.end())
            if data.find(b"/Scope", header.end(), stop) >= 0:
                return True
        return False

    def _scope(self, elements: dict[int, _Element], th_id: int, table_id: int) -> None:
        """Give a ``/TH`` without ``/Scope`` one: Column in the header rows, Row elsewhere."""
        th = self._dict(th_id)
        attributes = self.resolve(th.get("/A"))
        listed = list(attributes) if isinstance(attributes, ArrayObject) else [attributes]
        for attribute in listed:
            attribute = self.resolve(attribute)
            if (
                isinstance(attribute, DictionaryObject)
                and attribute.get("/O") == "/Table"
                and "/Scope" in attribute
            ):
                return
        row = elements[th_id].parent
        header = row is not None and (
            elements[row].parent != table_id or row == self._first_kid(table_id)
        )
        scope = DictionaryObject(
            {
                NameObject("/O"): NameObject("/Table"),
                NameObject("/Scope"): NameObject("/Column" if header else "/Row"),
            }
        )
        if attributes is None:
            th[NameObject("/A")] = scope
        elif isinstance(attributes, ArrayObject):
            attributes.append(scope)
            self.mark_holder(th_id, th.get("/A"))
        else:
            th[NameObject("/A")] = ArrayObject([th.raw_get("/A"), scope])
        self.mark(th_id)

    def _first_kid(self, idnum: int) -> int | None:
        kids = self.resolve(self._dict(idnum).get("/K"))
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject):
                return kid.idnum
        return None

    def _page_tabs(self) -> list[tuple[IndirectObject, DictionaryObject]]:
        """Every page, in order; ``/Tabs /S`` on those with annotations."""
        pages: list[tuple[IndirectObject, DictionaryObject]] = []
        stack: list[Any] = [self.catalog.get("/Pages")]
        seen: set[int] = set()
        while stack:
            ref = stack.pop()
            if not isinstance(ref, IndirectObject) or ref.idnum in seen or len(seen) > 100_000:
                continue
            seen.add(ref.idnum)
            node = self._dict(ref.idnum)
            if node.get("/Type") == "/Pages" or "/Kids" in node:
                stack.extend(reversed(list(self.resolve(node.get("/Kids")) or [])))
                continue
            pages.append((ref, node))
            self.pages = len(pages)
            if self.resolve(node.get("/Annots")) and node.get("/Tabs") != "/S":
                node[NameObject("/Tabs")] = NameObject("/S")
                self.mark(ref.idnum)
        return pages

    def _annotations(
        self,
        elements: dict[int, _Element],
        root_id: int,
        pages: list[tuple[IndirectObject, DictionaryObject]],
    ) -> None:
        """Tag the annotations LibreOffice left without a structure parent."""
        untagged: list[tuple[IndirectObject, IndirectObject, DictionaryObject]] = []
        for page_ref, page in pages:
            for annot_ref in self.resolve(page.get("/Annots")) or []:
                if not isinstance(annot_ref, IndirectObject):
                    continue
                annot = self._dict(annot_ref.idnum)
                if "/StructParent" in annot or annot.get("/Subtype") in _UNTAGGED_ANNOTATIONS:
                    continue
                untagged.append((page_ref, annot_ref, annot))
        if not untagged:
            return
        order = {ref.idnum: index for index, (ref, _page) in enumerate(pages)}
        notes = sorted(
            (i for i, e in elements.items() if e.role == "/Note"),
            key=lambda i: (order.get(_page_of(self._dict(i)), 0), i),
        )
        root = self._dict(root_id)
        top = self._first_kid(root_id)
        next_key = self._next_key(root)
        for index, (page_ref, annot_ref, annot) in enumerate(untagged):
            role = _ANNOTATION_ROLES.get(str(annot.get("/Subtype")), "/Annot")
            label = str(annot.get("/Contents", "") or "").strip()
            if role == "/Link" and len(notes) == len(untagged):
                holder = notes[index]
                # its number is the footnote's own text: the element needs words of its own
                alt = f"Tillbaka till hänvisningen till fotnot {label} i texten".replace("  ", " ")
            elif top is not None:
                holder = top
                alt = label or ("Länk" if role == "/Link" else "Anteckning")
            else:
                raise FinishError("en länk saknar plats i strukturträdet")
            element = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/StructElem"),
                    NameObject("/S"): NameObject(role),
                    NameObject("/P"): self.ref(holder),
                    NameObject("/Pg"): page_ref,
                    NameObject("/Alt"): TextStringObject(alt),
                    NameObject("/K"): ArrayObject(
                        [
                            DictionaryObject(
                                {
                                    NameObject("/Type"): NameObject("/OBJR"),
                                    NameObject("/Obj"): annot_ref,
                                    NameObject("/Pg"): page_ref,
                                }
                            )
                        ]
                    ),
                }
            )
            element_ref = self.add(element)
            holder_obj = self._dict(holder)
            kids = holder_obj.get("/K")
            if isinstance(kids, ArrayObject):
                kids.insert(0, element_ref)
            elif kids is None:
                holder_obj[NameObject("/K")] = ArrayObject([element_ref])
            else:
                holder_obj[NameObject("/K")] = ArrayObject([element_ref, kids])
            self.mark(holder)
            annot[NameObject("/StructParent")] = NumberObject(next_key)
            self.mark(annot_ref.idnum)
            self._add_parent(root_id, root, next_key, element_ref)
            next_key += 1
        root[NameObject("/ParentTreeNextKey")] = NumberObject(next_key)
        self.mark(root_id)

    def _next_key(self, root: DictionaryObject) -> int:
        declared = root.get("/ParentTreeNextKey")
        highest = -1
        for key in _number_keys(self, root.get("/ParentTree"), 0):
            highest = max(highest, key)
        return max(int(cast(int, declared)) if declared is not None else 0, highest + 1)

    def _add_parent(
        self, root_id: int, root: DictionaryObject, key: int, element: IndirectObject
    ) -> None:
        tree_value = root.get("/ParentTree")
        tree = self.resolve(tree_value)
        if not isinstance(tree, DictionaryObject):
            tree = DictionaryObject({NameObject("/Nums"): ArrayObject()})
            root[NameObject("/ParentTree")] = self.add(tree)
            tree_value = root.raw_get("/ParentTree")
            self.mark(root_id)
        if "/Kids" in tree:
            leaf = DictionaryObject(
                {
                    NameObject("/Limits"): ArrayObject([NumberObject(key), NumberObject(key)]),
                    NameObject("/Nums"): ArrayObject([NumberObject(key), element]),
                }
            )
            kids_value = tree.raw_get("/Kids")
            cast(ArrayObject, self.resolve(kids_value)).append(self.add(leaf))
            self.mark_holder(_holder_id(tree_value, root_id), kids_value)
            return
        nums_value = tree.get("/Nums")
        nums = self.resolve(nums_value)
        if not isinstance(nums, ArrayObject):
            tree[NameObject("/Nums")] = nums = ArrayObject()
            nums_value = nums
        nums.extend([NumberObject(key), element])
        if isinstance(nums_value, IndirectObject):
            self.mark(nums_value.idnum)
        else:
            self.mark(_holder_id(tree_value, root_id))

    def _ids(self, elements: dict[int, _Element], root_id: int) -> None:
        """A unique ``/ID`` on every ``/Note``; the ``/IDTree`` of all element IDs."""
        names: dict[bytes, int] = {}
        for idnum, element in sorted(elements.items()):
            if element.has_id:
                value = self._dict(idnum).get("/ID")
                if isinstance(value, (ByteStringObject, TextStringObject)):
                    key = _id_bytes(value)
                    if key not in names:
                        names[key] = idnum
        token = self._token()
        counter = 0
        for idnum, element in sorted(elements.items()):
            if element.role != "/Note":
                continue
            value = self._dict(idnum).get("/ID") if element.has_id else None
            if value is not None and names.get(_id_bytes(value)) == idnum:
                continue
            while True:
                counter += 1
                key = f"fotnot-{token}-{counter}".encode("ascii")
                if key not in names:
                    break
            names[key] = idnum
            self._dict(idnum)[NameObject("/ID")] = ByteStringObject(key)
            self.mark(idnum)
        if not names:
            return
        listing = ArrayObject()
        for key in sorted(names):
            listing.extend([ByteStringObject(key), self.ref(names[key])])
        root = self._dict(root_id)
        root[NameObject("/IDTree")] = self.add(DictionaryObject({NameObject("/Names"): listing}))
        self.mark(root_id)

    def _token(self) -> str:
        """Eight hex digits from the file identifier, so IDs differ between papers."""
        identifier = self.trailer.get("/ID")
        if isinstance(identifier, ArrayObject) and identifier:
            first = identifier[0]
            raw = first.original_bytes if hasattr(first, "original_bytes") else bytes(first)
            return raw[:4].hex()
        return "0000"

    # -- metadata -----------------------------------------------------------------------------

    def finish_metadata(self) -> None:
        """Info dates in one form; the XMP written anew from Info, with the extension schema."""
        info_ref = self.trailer.get("/Info")
        info = self._dict(info_ref.idnum) if isinstance(info_ref, IndirectObject) else None
        dates: dict[str, Any] = {}
        if info is not None:
            for key in ("/CreationDate", "/ModDate"):
                if key in info:
                    when = parse_pdf_date(str(info[key]))
                    dates[key] = when
                    if when is None:
                        del info[NameObject(key)]
                    else:
                        info[NameObject(key)] = TextStringObject(pdf_date(when))
            assert isinstance(info_ref, IndirectObject)
            self.mark(info_ref.idnum)
        metadata_ref = self.catalog.get("/Metadata")
        if not isinstance(metadata_ref, IndirectObject):
            return
        old = self.get(metadata_ref.idnum)
        text = old.get_data().decode("utf-8", "replace") if isinstance(old, StreamObject) else ""
        part = _PDFAID_PART.search(text)
        conformance = _PDFAID_CONFORMANCE.search(text)
        ua = _PDFUAID_PART.search(text)

        def entry(key: str) -> str | None:
            value = info.get(key) if info is not None else None
            return str(value) if value is not None else None

        lang = self.catalog.get("/Lang")
        fields = XmpFields(
            title=entry("/Title"),
            author=entry("/Author"),
            subject=entry("/Subject"),
            keywords=entry("/Keywords"),
            producer=entry("/Producer"),
            creator_tool=entry("/Creator"),
            created=dates.get("/CreationDate"),
            modified=dates.get("/ModDate"),
            lang=str(lang) if lang else None,
            pdfa=(int(part[1]), conformance[1].upper() if conformance else "B") if part else None,
            pdfua=int(ua[1]) if ua else None,
        )
        stream = DecodedStreamObject()
        stream.set_data(xmp_packet(fields))
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        self.changed[metadata_ref.idnum] = stream


def _any(elements: dict[int, _Element], role: str) -> bool:
    return any(e.role == role for e in elements.values())


def _standard(role_map: DictionaryObject, key: str) -> str:
    """The standard type a role-mapped ``key`` ends at (``/P`` when the chain does not)."""
    seen = {key}
    current = key
    while True:
        target = role_map.get(current)
        if target is None:
            break
        current = str(target)
        if current in STANDARD_TYPES and current != key:
            return current
        if current in seen:
            break
        seen.add(current)
    return current if current in STANDARD_TYPES and current != key else "/P"


def _descendants(elements: dict[int, _Element], idnum: int) -> Iterator[int]:
    stack = list(elements[idnum].children)
    while stack:
        current = stack.pop()
        yield current
        stack.extend(elements[current].children)


def _is_layout_table(
    elements: dict[int, _Element], parts: list[int], layout: frozenset[str]
) -> bool:
    """The one rule for a layout table: its cells hold only layout (signature) paragraphs."""
    cells = [p for p in parts if elements[p].role in ("/TD", "/TH")]
    if not cells:
        return False
    paragraphs = [kid for cell in cells for kid in elements[cell].children]
    return bool(paragraphs) and all(elements[kid].role in layout for kid in paragraphs)


def _page_of(element: DictionaryObject) -> int:
    page = element.get("/Pg")
    return page.idnum if isinstance(page, IndirectObject) else -1


def _holder_id(value: Any, fallback: int) -> int:
    return value.idnum if isinstance(value, IndirectObject) else fallback


def _id_bytes(value: Any) -> bytes:
    if isinstance(value, ByteStringObject):
        return bytes(value)
    return cast(bytes, getattr(value, "original_bytes", str(value).encode("utf-8")))


def _number_keys(document: _Document, node: Any, depth: int) -> Iterable[int]:
    node = document.resolve(node)
    if not isinstance(node, DictionaryObject) or depth > 32:
        return
    nums = document.resolve(node.get("/Nums"))
    if isinstance(nums, ArrayObject):
        for key in nums[::2]:
            if isinstance(key, int):
                yield int(key)
    kids = document.resolve(node.get("/Kids"))
    if isinstance(kids, ArrayObject):
        for kid in kids:
            yield from _number_keys(document, kid, depth + 1)
