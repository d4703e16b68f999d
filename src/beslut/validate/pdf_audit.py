"""Structural PDF/A-2b and PDF/UA-1 checks of any PDF (``beslut granska``).

Not a full validator like veraPDF or PAC: it reads the catalog, the XMP metadata, the structure
tree, the pages' annotations, fonts and marked content, and reports what can be decided from
those structures. Every finding says what is wrong, where (page and/or structure path) and how a
non-programmer fixes it. Many findings of one rule are grouped, so an untagged or non-PDF/A file
gives a few lines, not hundreds.

:func:`structure_findings` is also what the tests of packet assembly use to prove that a
packet's structure tree agrees with its pages.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from beslut.diagnostics import Level
from beslut.validate.codes import AUDIT

# -- findings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem of a PDF, located by page and/or structure element."""

    code: str
    level: Level
    message: str
    page: int | None = None
    """1-based page number, when the problem is on a page."""
    where: str = ""
    """The structure element's path, e.g. ``Document › Sect › Table[2]``."""

    def location(self) -> str:
        """Return ``sida 3``, ``struktur: Document › P``, both, or an empty string."""
        parts = []
        if self.page is not None:
            parts.append(f"sida {self.page}")
        if self.where:
            parts.append(f"struktur: {self.where}")
        return ", ".join(parts)

    def format(self, path: str) -> str:
        """Return the one-line form ``FIL: sida N: fel: meddelande [kod]``."""
        location = self.location()
        place = f"{path}: {location}" if location else path
        return f"{place}: {self.level.value}: {self.message} [{self.code}]"


def _finding(code: str, message: str, page: int | None = None, where: str = "") -> Finding:
    """A finding at its code's level (registered in :data:`beslut.validate.codes.AUDIT`)."""
    return Finding(code, AUDIT[code].level, message, page, where)


SHOWN_PER_RULE = 3
"""How many findings of one rule are shown before the rest are summed up in one line."""

_WORD_PDFA = (
    "Exportera originalet igen som PDF/A (i Word: Spara som → PDF → Alternativ → "
    "”PDF/A-kompatibel”), eller be avsändaren om en PDF/A-fil."
)
_WORD_TAGS = (
    "Exportera originalet igen som taggad PDF (i Word: Spara som → PDF → Alternativ → "
    "”Dokumentstrukturtaggar för hjälpmedel”), eller be avsändaren om en tillgänglig PDF."
)
_FROM_BESLUT = "Gäller det en handling från beslut: meddela den som förvaltar beslut."
_RETAG = (
    "Rätta i originalet och exportera igen med ”Dokumentstrukturtaggar för hjälpmedel”. "
    + _FROM_BESLUT
)

STANDARD_TYPES = frozenset(
    [
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    ]
)
"""The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4), which PDF/UA-1 builds on."""

_UNTAGGED_ANNOTS = frozenset({"/Popup", "/PrinterMark"})
"""Annotation types that need not be in the structure tree (ISO 14289-1, 7.18.1)."""

_FORBIDDEN_ACTIONS = frozenset(
    {
        "/JavaScript", "/Launch", "/Sound", "/Movie", "/ResetForm", "/ImportData", "/Hide",
        "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView",
    }
)  # fmt: skip
"""Actions PDF/A-2 forbids (ISO 19005-2, 6.6.1)."""


def audit_pdf(path: Path | str) -> list[Finding]:
    """Return everything found wrong with one PDF against PDF/A-2b and PDF/UA-1 (structurally).

    Never raises for a bad file: an unreadable, non-PDF or encrypted file is a finding.
    """
    from pypdf import PdfReader

    try:
        with Path(path).open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        return [_unreadable(f"filen kan inte öppnas ({exc.strerror or exc})")]
    if b"%PDF-" not in head:
        return [_unreadable("det är ingen PDF-fil")]
    try:
        reader = PdfReader(str(path))
        encrypted = reader.is_encrypted
        if not encrypted:
            reader.root_object  # noqa: B018 (reads the trailer and the catalog)
    except Exception as exc:  # pypdf raises many kinds for a broken file
        return [_unreadable(f"filen är skadad ({type(exc).__name__})")]
    if encrypted:
        return [
            _finding(
                "pdf-krypterad",
                "Filen är lösenordsskyddad (krypterad); PDF/A tillåter inte det och filen kan inte "
                "granskas. Spara en version utan lösenord eller behörighetsskydd.",
            )
        ]
    return audit_reader(reader)


def _unreadable(why: str) -> Finding:
    return _finding(
        "pdf-oläslig",
        f"Filen kan inte läsas som PDF: {why}. Kontrollera att det är rätt fil, eller spara om "
        "den som PDF.",
    )


def audit_reader(reader: Any) -> list[Finding]:
    """Return the grouped findings of an opened, unencrypted PDF (a ``pypdf.PdfReader``)."""
    doc = _Doc(reader)
    found: list[Finding] = []
    for rule in (_pdfa_rules, _ua_catalog_rules, _fonts, _actions, _tagged_rules):
        try:
            found += rule(doc)
        except Exception as exc:  # a malformed object must not hide the other rules
            found.append(
                _finding(
                    "pdf-struktur",
                    f"En del av filen kan inte granskas eftersom den är felaktigt uppbyggd "
                    f"({type(exc).__name__}). {_RETAG}",
                )
            )
    return group(found)


def group(found: list[Finding]) -> list[Finding]:
    """Return at most :data:`SHOWN_PER_RULE` findings per code and level, plus one that sums
    up the rest (how many, on which pages)."""
    by_rule: dict[tuple[str, Level], list[Finding]] = {}
    for finding in found:
        by_rule.setdefault((finding.code, finding.level), []).append(finding)
    result: list[Finding] = []
    for (code, level), items in by_rule.items():
        result += items[:SHOWN_PER_RULE]
        rest = items[SHOWN_PER_RULE:]
        if rest:
            pages = sorted({f.page for f in rest if f.page is not None})
            on = f" (sidor: {_page_list(pages)})" if pages else ""
            result.append(
                Finding(
                    code,
                    level,
                    f"Samma problem på ytterligare {len(rest)} ställen{on}.",
                )
            )
    return result


def _page_list(pages: list[int], shown: int = 8) -> str:
    text = ", ".join(str(p) for p in pages[:shown])
    return text + (f" och {len(pages) - shown} till" if len(pages) > shown else "")


# -- the document, read once ----------------------------------------------------------------


class _Doc:
    """The parts of a PDF the rules share, read lazily."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.root: Any = reader.root_object
        self._xmp: _Xmp | None = None
        self._pages: dict[int, int] | None = None

    @property
    def xmp(self) -> _Xmp:
        if self._xmp is None:
            self._xmp = _Xmp.read(self.root)
        return self._xmp

    @property
    def page_numbers(self) -> dict[int, int]:
        """Page object number → 1-based page number."""
        if self._pages is None:
            self._pages = {}
            for index, page in enumerate(self.reader.pages):
                ref = page.indirect_reference
                if ref is not None:
                    self._pages[ref.idnum] = index + 1
        return self._pages


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` resolved, or ``default`` (also for a non-dictionary ``obj``)."""
    obj = _resolve(obj)
    if not hasattr(obj, "get"):
        return default
    value = obj.get(key, default)
    return _resolve(value)


def _resolve(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") and value is not None else value


def _as_list(value: Any) -> list[Any]:
    """The items of an array (unresolved), or ``[value]`` for a single one, ``[]`` for None."""
    if value is None:
        return []
    resolved = _resolve(value)
    if isinstance(resolved, list):
        return list(resolved)
    return [value]


def _true(value: Any) -> bool:
    """True for the PDF boolean true (pypdf's BooleanObject) or Python's True."""
    return getattr(value, "value", value) is True


def _idnum(value: Any) -> int | None:
    return getattr(value, "idnum", None)


def _name(value: Any) -> str:
    """A PDF name without its slash (``/H1`` → ``H1``)."""
    text = str(_resolve(value)) if value is not None else ""
    return text[1:] if text.startswith("/") else text


# -- XMP --------------------------------------------------------------------------------------

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}
PDFA_CORE_NAMESPACES = frozenset(
    {
        "http://purl.org/dc/elements/1.1/",
        "http://ns.adobe.com/xap/1.0/",
        "http://ns.adobe.com/xap/1.0/rights/",
        "http://ns.adobe.com/xap/1.0/mm/",
        "http://ns.adobe.com/xap/1.0/bj/",
        "http://ns.adobe.com/xap/1.0/t/pg/",
        "http://ns.adobe.com/xmp/1.0/DynamicMedia/",
        "http://ns.adobe.com/pdf/1.3/",
        "http://ns.adobe.com/photoshop/1.0/",
        "http://ns.adobe.com/camera-raw-settings/1.0/",
        "http://ns.adobe.com/exif/1.0/",
        "http://ns.adobe.com/exif/1.0/aux/",
        "http://ns.adobe.com/tiff/1.0/",
        "http://ns.adobe.com/xmp/Identifier/qual/1.0/",
        "http://www.aiim.org/pdfa/ns/id/",
        "http://www.aiim.org/pdfa/ns/extension/",
        "http://www.aiim.org/pdfa/ns/schema#",
        "http://www.aiim.org/pdfa/ns/property#",
        "http://www.aiim.org/pdfa/ns/type#",
        "http://www.aiim.org/pdfa/ns/field#",
    }
)
"""XMP namespaces PDF/A-2 knows without an extension schema (XMP 2005 and ISO 19005-2, 6.6.2)."""


@dataclass(frozen=True)
class _Xmp:
    """The XMP packet's top-level properties and extension schemas."""

    present: bool
    broken: bool = False
    values: dict[tuple[str, str], str] = field(default_factory=dict)
    """(namespace, name) → text (first rdf:li of an Alt/Seq/Bag)."""
    lists: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(namespace, name) → every rdf:li text of an Alt/Seq/Bag."""
    defined: dict[str, set[str]] = field(default_factory=dict)
    """Namespace → the property names its extension schema defines."""

    def get(self, prefix: str, name: str) -> str | None:
        return self.values.get((_NS[prefix], name))

    @classmethod
    def read(cls, root: Any) -> _Xmp:
        stream = _get(root, "/Metadata")
        if stream is None or not hasattr(stream, "get_data"):
            return cls(False)
        try:
            data = stream.get_data()
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # XMP has none; refuse entity tricks
                return cls(True, broken=True)
            tree = ET.fromstring(re.sub(rb"<\?xpacket[^>]*\?>", b"", data).strip())
        except Exception:
            return cls(True, broken=True)
        values: dict[tuple[str, str], str] = {}
        lists: dict[tuple[str, str], list[str]] = {}
        for description in tree.iter(f"{{{_RDF}}}Description"):
            if _is_nested(description, tree):
                continue
            for attr, value in description.attrib.items():
                if attr.startswith("{") and not attr.startswith(f"{{{_RDF}}}"):
                    ns, name = attr[1:].split("}", 1)
                    values.setdefault((ns, name), value.strip())
            for prop in description:
                ns, _, name = prop.tag[1:].partition("}")
                items = [
                    (li.text or "").strip() for li in prop.iter(f"{{{_RDF}}}li") if len(li) == 0
                ]
                text = items[0] if items else (prop.text or "").strip()
                values.setdefault((ns, name), text)
                lists.setdefault((ns, name), items)
        return cls(True, False, values, lists, _extension_schemas(tree))


def _is_nested(description: ET.Element, tree: ET.Element) -> bool:
    """True for an rdf:Description inside a property (a structure value, not the top level)."""
    rdf = tree if tree.tag == f"{{{_RDF}}}RDF" else tree.find(f".//{{{_RDF}}}RDF")
    return rdf is not None and description not in list(rdf)


def _extension_schemas(tree: ET.Element) -> dict[str, set[str]]:
    schema_ns, prop_ns = _NS["pdfaSchema"], _NS["pdfaProperty"]
    defined: dict[str, set[str]] = {}
    for node in tree.iter():
        uri = _field(node, f"{{{schema_ns}}}namespaceURI")
        if uri is None:
            continue
        names = defined.setdefault(uri, set())
        for sub in node.iter():
            name = _field(sub, f"{{{prop_ns}}}name")
            if name:
                names.add(name)
    return defined


def _field(node: ET.Element, tag: str) -> str | None:
    """A field of an XMP structure, written as a child element or as an attribute."""
    if tag in node.attrib:
        return node.attrib[tag].strip()
    child = node.find(tag)
    return (child.text or "").strip() if child is not None else None


# -- PDF/A --------------------------------------------------------------------------------------


def _pdfa_rules(doc: _Doc) -> list[Finding]:
    found: list[Finding] = []
    xmp = doc.xmp
    if xmp.broken:
        return [
            _finding(
                "pdf-xmp-fel",
                f"Filens XMP-metadata går inte att läsa (inte giltig XML). {_WORD_PDFA}",
            )
        ]
    part, conformance = xmp.get("pdfaid", "part"), xmp.get("pdfaid", "conformance")
    if not xmp.present or part is None or conformance is None:
        # The other PDF/A rules (metadata, schemas, colour profile) are not listed one by one
        # for a file that does not claim PDF/A at all: saving it as PDF/A fixes them all.
        return [
            _finding(
                "pdf-ej-pdfa",
                f"Filen är inte sparad som PDF/A (pdfaid:part och pdfaid:conformance saknas i "
                f"XMP-metadata), som krävs för arkivering. {_WORD_PDFA}",
            )
        ]
    if part not in ("1", "2", "3", "4") or conformance.upper() not in ("A", "B", "U", "E", "F"):
        found.append(
            _finding(
                "pdf-ej-pdfa",
                f"Filens PDF/A-märkning är ogiltig (del ”{part}”, nivå ”{conformance}”). "
                f"{_WORD_PDFA}",
            )
        )
    found += _schemas(xmp)
    found += _info_vs_xmp(doc)
    found += _output_intent(doc)
    return found


def _schemas(xmp: _Xmp) -> list[Finding]:
    found: list[Finding] = []
    used: dict[str, list[str]] = {}
    for ns, name in xmp.values:
        if ns not in PDFA_CORE_NAMESPACES:
            used.setdefault(ns, []).append(name)
    for ns, names in used.items():
        defined = xmp.defined.get(ns)
        if defined is None:
            found.append(
                _finding(
                    "pdf-xmp-schema-saknas",
                    f"XMP-metadata använder namnrymden {ns} ({', '.join(sorted(names))}) utan "
                    f"ett tilläggsschema (pdfaExtension:schemas) som beskriver den; PDF/A kräver "
                    f"det. {_WORD_PDFA} {_FROM_BESLUT}",
                )
            )
            continue
        for name in sorted(set(names) - defined):
            found.append(
                _finding(
                    "pdf-xmp-schema-saknas",
                    f"Tilläggsschemat för {ns} beskriver inte egenskapen {name}, som "
                    f"XMP-metadata använder. {_WORD_PDFA} {_FROM_BESLUT}",
                )
            )
    return found


_INFO_XMP = (
    ("/Title", "dc", "title", "titel"),
    ("/Author", "dc", "creator", "författare"),
    ("/Subject", "dc", "description", "ämne"),
    ("/Keywords", "pdf", "Keywords", "nyckelord"),
    ("/Producer", "pdf", "Producer", "PDF-tillverkare"),
    ("/Creator", "xmp", "CreatorTool", "skapande program"),
    ("/CreationDate", "xmp", "CreateDate", "skapad"),
    ("/ModDate", "xmp", "ModifyDate", "ändrad"),
)


def _info_vs_xmp(doc: _Doc) -> list[Finding]:
    info = _resolve(doc.reader.trailer.get("/Info"))
    if info is None or not hasattr(info, "get"):
        return []
    found: list[Finding] = []
    for key, prefix, name, label in _INFO_XMP:
        value = _resolve(info.get(key))
        if value is None:
            continue
        text = str(value)
        in_xmp = doc.xmp.get(prefix, name)
        if key in ("/CreationDate", "/ModDate"):
            same = in_xmp is not None and _same_instant(text, in_xmp)
        elif key == "/Author":
            same = in_xmp is not None and text == "; ".join(
                doc.xmp.lists.get((_NS[prefix], name), [in_xmp])
            )
            same = same or in_xmp == text
        else:
            same = in_xmp == text
        if not same:
            shown = "saknas" if in_xmp is None else f"”{in_xmp}”"
            found.append(
                _finding(
                    "pdf-metadata-olika",
                    f"Dokumentegenskapen {label} är ”{text}” men i XMP-metadata ({prefix}:{name}) "
                    f"{shown}; PDF/A kräver att de stämmer. Spara om filen som PDF/A, "
                    f"eller rätta dokumentegenskaperna och exportera igen. {_FROM_BESLUT}",
                )
            )
    return found


_PDF_DATE = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+\-])(\d{2})?'?(\d{2})?'?)?"
)
_XMP_DATE = re.compile(
    r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?"
    r"(?:([Zz+\-])(?:(\d{2}):?(\d{2}))?)?$"
)


def _parse_date(text: str, pattern: re.Pattern[str]) -> datetime | None:
    match = pattern.match(text.strip())
    if match is None:
        return None
    year, month, day, hour, minute, second, sign, tzh, tzm = match.groups()
    try:
        tz: timezone | None = None
        if sign in ("Z", "z"):
            tz = UTC
        elif sign in ("+", "-"):
            offset = timedelta(hours=int(tzh or 0), minutes=int(tzm or 0))
            tz = timezone(offset if sign == "+" else -offset)
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _same_instant(pdf_date: str, xmp_date: str) -> bool:
    first, second = _parse_date(pdf_date, _PDF_DATE), _parse_date(xmp_date, _XMP_DATE)
    if first is None or second is None:
        return False
    if first.tzinfo is None or second.tzinfo is None:
        return first.replace(tzinfo=None) == second.replace(tzinfo=None)
    return first == second


def _output_intent(doc: _Doc) -> list[Finding]:
    for intent in _as_list(_get(doc.root, "/OutputIntents")):
        intent = _resolve(intent)
        if _get(intent, "/S") == "/GTS_PDFA1":
            profile = _get(intent, "/DestOutputProfile")
            if profile is not None and hasattr(profile, "get_data"):
                return []
            return [
                _finding(
                    "pdf-färgprofil-saknas",
                    f"Filens PDF/A-färgprofil (OutputIntent) saknar ICC-profilen. {_WORD_PDFA} {_FROM_BESLUT}",
                )
            ]
    return [
        _finding(
            "pdf-färgprofil-saknas",
            f"Filen saknar färgprofil för PDF/A (OutputIntent GTS_PDFA1 med ICC-profil). "
            f"{_WORD_PDFA}",
        )
    ]


def _fonts(doc: _Doc) -> list[Finding]:
    """One finding per font that is not embedded, at the first page that uses it."""
    missing: dict[str, list[int]] = {}
    known: dict[int, str | None] = {}
    for index, page in enumerate(doc.reader.pages):
        names = set(_unembedded(_get(page, "/Resources"), known, set(), depth=0))
        for font_name in sorted(names):
            missing.setdefault(font_name, []).append(index + 1)
    found = []
    for font_name, pages in missing.items():
        more = f" (och på {len(pages) - 1} sidor till)" if len(pages) > 1 else ""
        found.append(
            _finding(
                "pdf-typsnitt-ej-inbäddat",
                f"Typsnittet {font_name} är inte inbäddat i filen{more}; PDF/A kräver att alla "
                f"typsnitt finns i filen. {_WORD_PDFA}",
                page=pages[0],
            )
        )
    return found


def _unembedded(
    resources: Any, known: dict[int, str | None], visited: set[int], depth: int
) -> Iterator[str]:
    """The names of the fonts not embedded that ``resources`` use (also in form XObjects);
    ``known`` caches the answer per font object across pages."""
    if resources is None or depth > 8:
        return
    fonts = _get(resources, "/Font")
    if hasattr(fonts, "items"):
        for _, ref in fonts.items():
            key = _idnum(ref)
            if key is None or key not in known:
                font = _resolve(ref)
                name = None if _embedded(font) else _name(_get(font, "/BaseFont")) or "utan namn"
                if key is None:
                    if name is not None:
                        yield name
                    continue
                known[key] = name
            if known[key] is not None:
                yield str(known[key])
    xobjects = _get(resources, "/XObject")
    if hasattr(xobjects, "items"):
        for _, ref in xobjects.items():
            key = _idnum(ref)
            if key is not None:
                if key in visited:
                    continue
                visited.add(key)
            xobject = _resolve(ref)
            if _get(xobject, "/Subtype") == "/Form":
                yield from _unembedded(_get(xobject, "/Resources"), known, visited, depth + 1)


def _embedded(font: Any) -> bool:
    subtype = _get(font, "/Subtype")
    if subtype == "/Type3":
        return True
    if subtype == "/Type0":
        descendants = _as_list(_get(font, "/DescendantFonts"))
        return bool(descendants) and all(_embedded(_resolve(d)) for d in descendants)
    descriptor = _get(font, "/FontDescriptor")
    return descriptor is not None and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _actions(doc: _Doc) -> list[Finding]:
    found: list[Finding] = []

    def check(holder: Any, page: int | None) -> None:
        for key in ("/A", "/OpenAction"):
            _action_chain(_get(holder, key), page, found)
        additional = _get(holder, "/AA")
        if hasattr(additional, "values"):
            for action in additional.values():
                _action_chain(action, page, found)

    check(doc.root, None)
    names = _get(_get(doc.root, "/Names"), "/JavaScript")
    if names is not None:
        found.append(_action_finding("JavaScript", None))
    for index, page in enumerate(doc.reader.pages):
        check(page, index + 1)
        for annot in _as_list(_get(page, "/Annots")):
            check(_resolve(annot), index + 1)
    outlines = _get(doc.root, "/Outlines")
    stack = (
        [outlines.raw_get("/First")]
        if hasattr(outlines, "raw_get") and "/First" in outlines
        else []
    )
    visited: set[int] = set()
    while stack:  # the bookmarks, each once even if the file links them in a circle
        ref = stack.pop()
        key = _idnum(ref)
        if key is not None:
            if key in visited:
                continue
            visited.add(key)
        item = _resolve(ref)
        if not hasattr(item, "raw_get"):
            continue
        check(item, None)
        stack += [item.raw_get(link) for link in ("/Next", "/First") if link in item]
    return found


def _action_chain(action: Any, page: int | None, found: list[Finding]) -> None:
    steps = 0
    while action is not None and steps < 100:
        action = _resolve(action)
        if not hasattr(action, "get"):
            return
        kind = _get(action, "/S")
        if kind in _FORBIDDEN_ACTIONS:
            found.append(_action_finding(_name(kind), page))
        action = _as_list(_get(action, "/Next"))[0] if _get(action, "/Next") is not None else None
        steps += 1


def _action_finding(kind: str, page: int | None) -> Finding:
    return _finding(
        "pdf-otillåten-åtgärd",
        f"Filen innehåller en åtgärd av typen {kind} (t.ex. ett skript eller start av ett annat "
        f"program), som PDF/A inte tillåter. Ta bort skript, knappar och makron i originalet och "
        f"spara om som PDF/A.",
        page=page,
    )


# -- PDF/UA: the catalog ------------------------------------------------------------------------


def _ua_catalog_rules(doc: _Doc) -> list[Finding]:
    found: list[Finding] = []
    xmp = doc.xmp
    if not xmp.broken and xmp.get("pdfuaid", "part") is None:
        found.append(
            _finding(
                "pdf-ej-pdfua",
                f"Filen är inte märkt som tillgänglig PDF/UA (pdfuaid:part saknas i "
                f"XMP-metadata). {_WORD_TAGS}",
            )
        )
    lang = _get(doc.root, "/Lang")
    if lang is None or not str(lang).strip():
        found.append(
            _finding(
                "pdf-språk",
                "Filen anger inte vilket språk texten är på (/Lang saknas), så en skärmläsare "
                "kan läsa upp svensk text med fel uttal. Ange språk svenska i originalet "
                "(Granska → Språk i Word) och exportera igen.",
            )
        )
    display = _get(_get(doc.root, "/ViewerPreferences"), "/DisplayDocTitle")
    title = xmp.get("dc", "title")
    if not _true(display) or not title:
        what = (
            "Filen saknar titel i XMP-metadata (dc:title)"
            if not title
            else "Filen visar filnamnet i stället för titeln (DisplayDocTitle är inte på)"
        )
        found.append(
            _finding(
                "pdf-titel",
                f"{what}; PDF/UA kräver att titeln visas. Skriv en titel "
                f"under Arkiv → Egenskaper i Word och exportera igen med "
                f"”Dokumentstrukturtaggar för hjälpmedel”.",
            )
        )
    return found


# -- PDF/UA: the structure tree -----------------------------------------------------------------


@dataclass
class _Node:
    """A structure element met while walking the tree, in document order."""

    obj: Any
    key: int | None
    """The element's object number (None for a direct object)."""
    raw: str
    """The type as written (``/S`` without the slash)."""
    std: str | None
    """The standard type it resolves to through the RoleMap (None: it does not resolve)."""
    parent: _Node | None
    label: str
    page: int | None
    children: list[_Node] = field(default_factory=list)

    def path(self) -> str:
        labels = []
        node: _Node | None = self
        while node is not None:
            labels.append(node.label)
            node = node.parent
        return " › ".join(reversed(labels))

    def first_page(self) -> int | None:
        stack = [self]
        while stack:
            node = stack.pop(0)
            if node.page is not None:
                return node.page
            stack[:0] = node.children
        return None


@dataclass
class _Tree:
    nodes: list[_Node]
    problems: list[Finding]
    marked: dict[tuple[int, int], int]
    """(page object number, MCID) → the number of the element that owns it."""
    objr: dict[int, _Node]
    """Annotation object number → the element whose OBJR refers to it."""


def _tagged_rules(doc: _Doc) -> list[Finding]:
    marked = _true(_get(_get(doc.root, "/MarkInfo"), "/Marked"))
    tree_root = _get(doc.root, "/StructTreeRoot")
    if not marked or tree_root is None:
        lacks = (
            "har inget strukturträd"
            if tree_root is None
            else "är inte markerad som taggad (MarkInfo /Marked)"
        )
        return [
            _finding(
                "pdf-ej-taggad",
                f"Filen {lacks}, så en skärmläsare kan inte följa rubriker, listor och tabeller. "
                f"{_WORD_TAGS}",
            )
        ]
    role_map = _get(tree_root, "/RoleMap")
    found = _role_map(role_map)
    tree = _walk(doc, tree_root, role_map)
    found += tree.problems
    found += _unknown_types(tree.nodes)
    found += _headings(tree.nodes)
    found += _tables(tree.nodes)
    found += _figures(tree.nodes)
    found += _notes(tree.nodes)
    found += _links(tree.nodes)
    found += _pages(doc, tree_root, tree)
    return found


def structure_findings(reader: Any) -> list[Finding]:
    """Everything wrong with the structure tree against the pages, their MCIDs and annotations
    (``pdf-struktur``), ungrouped; an empty list for a consistent tree."""
    doc = _Doc(reader)
    tree_root = _get(doc.root, "/StructTreeRoot")
    if tree_root is None:
        return [_finding("pdf-struktur", "Filen har inget strukturträd.")]
    tree = _walk(doc, tree_root, _get(tree_root, "/RoleMap"))
    return tree.problems + [f for f in _pages(doc, tree_root, tree) if f.code == "pdf-struktur"]


def _struct(message: str, page: int | None = None, where: str = "") -> Finding:
    return _finding("pdf-struktur", f"{message}. {_RETAG}", page, where)


def _role_map(role_map: Any) -> list[Finding]:
    found = []
    if hasattr(role_map, "items"):
        for key, target in role_map.items():
            name = _name(key)
            if name in STANDARD_TYPES:
                found.append(
                    _finding(
                        "pdf-rollmappning",
                        f"Filens RoleMap gör om standardtypen {name} till {_name(target)}; PDF/UA "
                        f"tillåter inte att standardtyper mappas om, och skärmläsare tolkar "
                        f"elementen olika. {_RETAG}",
                    )
                )
    return found


def _standard(raw: str, role_map: Any) -> str | None:
    name, steps = raw, 0
    while name not in STANDARD_TYPES:
        target = _get(role_map, "/" + name) if role_map is not None else None
        if target is None or steps > 20:
            return None
        name, steps = _name(target), steps + 1
    return name


def _walk(doc: _Doc, tree_root: Any, role_map: Any) -> _Tree:
    problems: list[Finding] = []
    pages = doc.page_numbers
    marked: dict[tuple[int, int], int] = {}
    objr: dict[int, _Node] = {}
    seen: set[int] = set()
    nodes: list[_Node] = []
    root_id = _idnum(getattr(tree_root, "indirect_reference", None))
    stack: list[tuple[Any, _Node | None, str, int | None]] = [
        (ref, None, label, root_id) for ref, label in reversed(_labelled(_get(tree_root, "/K")))
    ]
    while stack:
        ref, parent, label, parent_id = stack.pop()
        element = _resolve(ref)
        key = _idnum(ref)

        def where(parent: _Node | None = parent, label: str = label) -> str:
            return f"{parent.path()} › {label}" if parent is not None else label

        if key is not None:
            if key in seen:
                problems.append(_struct("Ett strukturelement förekommer två gånger", where=where()))
                continue
            seen.add(key)
            if parent_id is not None and _idnum(element.raw_get("/P")) != parent_id:
                problems.append(
                    _struct("Strukturelementet pekar på fel förälder (/P)", None, where())
                )
        page_ref = element.raw_get("/Pg") if "/Pg" in element else None
        page = pages.get(_idnum(page_ref) or -1) if page_ref is not None else None
        if page_ref is not None and page is None:
            problems.append(
                _struct("Strukturelementet pekar på en sida som inte finns", None, where())
            )
        raw = _name(element.get("/S"))
        node = _Node(element, key, raw, _standard(raw, role_map), parent, label, page)
        nodes.append(node)
        if parent is not None:
            parent.children.append(node)
        children: list[Any] = []
        for kid in _as_list(element.get("/K")):
            if isinstance(kid, int):
                if page_ref is None:
                    problems.append(_struct("Innehåll utan sida (/Pg saknas)", None, where()))
                else:
                    marked[(_idnum(page_ref) or -1, int(kid))] = key or -1
                continue
            kid_obj = _resolve(kid)
            kind = _get(kid_obj, "/Type")
            if kind is None and hasattr(kid_obj, "get") and "/S" not in kid_obj:
                kind = "/MCR" if "/MCID" in kid_obj else "/OBJR" if "/Obj" in kid_obj else None
            if kind == "/MCR":
                if "/Stm" in kid_obj:
                    continue  # marked content in a form XObject: not on the page itself
                mcr_page = kid_obj.raw_get("/Pg") if "/Pg" in kid_obj else page_ref
                if (_idnum(mcr_page) or -1) not in pages:
                    problems.append(_struct("Innehåll på en sida som inte finns", None, where()))
                    continue
                if node.page is None:
                    node.page = pages[_idnum(mcr_page) or -1]
                marked[(_idnum(mcr_page) or -1, int(_get(kid_obj, "/MCID", -1)))] = key or -1
            elif kind == "/OBJR":
                target = _idnum(kid_obj.raw_get("/Obj"))
                if target is not None:
                    objr[target] = node
                    if node.page is None and "/Pg" in kid_obj:
                        node.page = pages.get(_idnum(kid_obj.raw_get("/Pg")) or -1)
            elif hasattr(kid_obj, "get") and "/S" in kid_obj:
                children.append(kid)
        for kid, kid_label in reversed(_labelled(children)):
            stack.append((kid, node, kid_label, key))
    return _Tree(nodes, problems, marked, objr)


def _labelled(kids: Any) -> list[tuple[Any, str]]:
    """Structure element kids with their labels: ``Table`` or ``Table[2]`` among several."""
    elements = [k for k in _as_list(kids) if not isinstance(k, int)]
    elements = [k for k in elements if hasattr(_resolve(k), "get") and "/S" in _resolve(k)]
    names = [_name(_resolve(k).get("/S")) for k in elements]
    counts: dict[str, int] = {}
    labelled = []
    for kid, name in zip(elements, names, strict=True):
        counts[name] = counts.get(name, 0) + 1
        label = f"{name}[{counts[name]}]" if names.count(name) > 1 else name
        labelled.append((kid, label))
    return labelled


def _unknown_types(nodes: list[_Node]) -> list[Finding]:
    unknown: dict[str, list[_Node]] = {}
    for node in nodes:
        if node.std is None:
            unknown.setdefault(node.raw, []).append(node)
    found = []
    for raw, members in unknown.items():
        more = f" ({len(members)} element)" if len(members) > 1 else ""
        found.append(
            _finding(
                "pdf-okänd-strukturtyp",
                f"Strukturtypen {raw or '(utan namn)'}{more} är ingen standardtyp och mappas inte "
                f"till någon i RoleMap, så en skärmläsare vet inte vad det är. {_RETAG}",
                members[0].first_page(),
                members[0].path(),
            )
        )
    return found


_HEADING = re.compile(r"^H([1-6])$")


def _headings(nodes: list[_Node]) -> list[Finding]:
    found = []
    previous = 0
    for node in nodes:
        match = _HEADING.match(node.std or "")
        if match is None:
            continue
        level = int(match.group(1))
        if previous == 0 and level != 1:
            found.append(
                _finding(
                    "pdf-rubriknivå",
                    f"Den första rubriken är på nivå {level} (H{level}); den ska vara H1. "
                    f"Använd formatet Rubrik 1 för den första rubriken i originalet. {_RETAG}",
                    node.first_page(),
                    node.path(),
                )
            )
        elif previous and level > previous + 1:
            found.append(
                _finding(
                    "pdf-rubriknivå",
                    f"Rubriken på nivå {level} (H{level}) följer på en rubrik på nivå {previous}; "
                    f"en nivå hoppas över. Använd Rubrik {previous + 1} i originalet. {_RETAG}",
                    node.first_page(),
                    node.path(),
                )
            )
        previous = level
    return found


def _descendants(node: _Node, stop: Callable[[_Node], bool]) -> Iterator[_Node]:
    for child in node.children:
        yield child
        if not stop(child):
            yield from _descendants(child, stop)


def _tables(nodes: list[_Node]) -> list[Finding]:
    found = []
    for node in nodes:
        if node.std != "Table":
            continue
        headers = [
            n
            for n in _descendants(node, lambda n: n.std == "Table")
            if n.std == "TH" and n.std is not None
        ]
        if not headers:
            found.append(
                _finding(
                    "pdf-tabell-utan-th",
                    "Tabellen har ingen rubrikcell (TH), så en skärmläsare kan inte säga vilken "
                    "kolumn ett värde hör till. Markera första raden som rubrikrad "
                    "(Tabellegenskaper → Rad → ”Upprepa som rubrikrad” i Word) och exportera "
                    "igen.",
                    node.first_page(),
                    node.path(),
                )
            )
        for header in headers:
            if not _has_scope(header.obj):
                found.append(
                    _finding(
                        "pdf-th-utan-scope",
                        "Rubrikcellen (TH) anger inte om den gäller en kolumn eller en rad "
                        f"(/Scope saknas). {_RETAG}",
                        header.first_page(),
                        header.path(),
                    )
                )
    return found


def _has_scope(element: Any) -> bool:
    for attributes in _as_list(element.get("/A")):
        attributes = _resolve(attributes)
        if hasattr(attributes, "get") and _get(attributes, "/Scope") is not None:
            return True
    return False


def _figures(nodes: list[_Node]) -> list[Finding]:
    return [
        _finding(
            "pdf-bild-utan-alt",
            "Bilden saknar alternativtext (/Alt), så en skärmläsare kan inte beskriva den. "
            "Högerklicka på bilden i Word → ”Redigera alternativtext”, skriv vad bilden visar "
            "och exportera igen.",
            node.first_page(),
            node.path(),
        )
        for node in nodes
        if node.std == "Figure" and "/Alt" not in node.obj and "/ActualText" not in node.obj
    ]


def _has_content(node: _Node) -> bool:
    """Whether the element or an element below it holds marked content (text on a page)."""
    for kid in _as_list(node.obj.get("/K")):
        if isinstance(kid, int):
            return True
        kid = _resolve(kid)
        if isinstance(kid, dict) and _name(kid.get("/Type")) == "MCR":
            return True
    return any(_has_content(child) for child in node.children)


def _links(nodes: list[_Node]) -> list[Finding]:
    return [
        _finding(
            "pdf-länk-utan-text",
            "Länken har varken text eller alternativtext (/Alt), så en skärmläsare kan bara säga "
            "”länk”. Skriv länken som text i dokumentet (inte bara som en ruta) och exportera "
            "igen, eller be avsändaren om det.",
            node.first_page(),
            node.path(),
        )
        for node in nodes
        if node.std == "Link"
        and "/Alt" not in node.obj
        and "/ActualText" not in node.obj
        and not _has_content(node)
    ]


def _notes(nodes: list[_Node]) -> list[Finding]:
    found = []
    ids: set[str] = set()
    for node in nodes:
        if node.std != "Note":
            continue
        note_id = node.obj.get("/ID")
        text = str(_resolve(note_id)) if note_id is not None else ""
        if not text or text in ids:
            why = "saknar /ID" if not text else f"har samma /ID (”{text}”) som en annan not"
            found.append(
                _finding(
                    "pdf-not-id",
                    f"Fotnoten (Note) {why}; PDF/UA kräver ett unikt ID per not. {_RETAG}",
                    node.first_page(),
                    node.path(),
                )
            )
        ids.add(text)
    return found


def _number_tree(node: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    node = _resolve(node)
    if node is None or depth > 32:
        return
    nums = _as_list(_get(node, "/Nums"))
    for i in range(0, len(nums) - 1, 2):
        yield int(nums[i]), nums[i + 1]
    for kid in _as_list(_get(node, "/Kids")):
        yield from _number_tree(kid, depth + 1)


_MCID = re.compile(rb"/MCID\s+(\d+)")
_TEXT_SHOWN = re.compile(rb"(?:\)|>|\])\s*(?:Tj|TJ|'|\")(?![A-Za-z])")
_MARKED = re.compile(rb"\bB(?:DC|MC)\b")


def _pages(doc: _Doc, tree_root: Any, tree: _Tree) -> list[Finding]:
    found: list[Finding] = []
    parent_tree = dict(_number_tree(_get(tree_root, "/ParentTree")))
    next_key = _get(tree_root, "/ParentTreeNextKey")
    if parent_tree and next_key is not None and max(parent_tree) >= int(next_key):
        found.append(_struct("ParentTreeNextKey är för litet för strukturträdets ParentTree"))
    by_page: dict[int, set[int]] = {}
    for page_id, mcid in tree.marked:
        by_page.setdefault(page_id, set()).add(mcid)
    for index, page in enumerate(doc.reader.pages):
        number = index + 1
        ref = page.indirect_reference
        page_id = ref.idnum if ref is not None else -1
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        in_content = {int(m) for m in _MCID.findall(data)}
        in_tree = by_page.get(page_id, set())
        if in_content - in_tree:
            found.append(_struct("Taggat innehåll på sidan saknas i strukturträdet", number))
        if in_tree - in_content:
            found.append(
                _struct("Strukturträdet pekar på innehåll som inte finns på sidan", number)
            )
        if not in_content and not _MARKED.search(data) and _TEXT_SHOWN.search(data):
            found.append(
                _finding(
                    "pdf-otaggat-innehåll",
                    f"Texten på sidan är inte taggad, så en skärmläsare kan hoppa över den. "
                    f"{_WORD_TAGS}",
                    number,
                )
            )
        if in_content:
            key = _get(page, "/StructParents")
            entry = parent_tree.get(int(key)) if key is not None else None
            if entry is None:
                found.append(_struct("Sidan saknar sin post i ParentTree (/StructParents)", number))
            else:
                refs = _as_list(_resolve(entry))
                for mcid in sorted(in_content & in_tree):
                    owner = _idnum(refs[mcid]) if mcid < len(refs) else None
                    if owner != tree.marked[(page_id, mcid)]:
                        found.append(
                            _struct(f"ParentTree pekar fel för innehåll {mcid} på sidan", number)
                        )
        found += _annotations(page, number, parent_tree, tree)
    return found


def _annotations(page: Any, number: int, parent_tree: dict[int, Any], tree: _Tree) -> list[Finding]:
    found: list[Finding] = []
    tagged_annots = 0
    for annot in _as_list(_get(page, "/Annots")):
        annot_obj = _resolve(annot)
        subtype = _get(annot_obj, "/Subtype")
        if subtype in _UNTAGGED_ANNOTS:
            continue
        tagged_annots += 1
        key = _idnum(annot)
        owner = tree.objr.get(key) if key is not None else None
        parent_key = _get(annot_obj, "/StructParent")
        if parent_key is not None:
            target = parent_tree.get(int(parent_key))
            if target is None or owner is None or _idnum(target) != owner.key:
                found.append(_struct("Annoteringens /StructParent pekar på fel element", number))
        if subtype == "/Link":
            if owner is None or owner.std != "Link" or parent_key is None:
                found.append(
                    _finding(
                        "pdf-länk-otaggad",
                        "En länk på sidan är inte taggad som länk (Link-element med OBJR), så en "
                        f"skärmläsare hittar den inte. {_RETAG}",
                        number,
                    )
                )
        elif owner is None or parent_key is None:
            found.append(
                _finding(
                    "pdf-annotering-otaggad",
                    f"En annotering ({_name(subtype)}) på sidan finns inte i strukturträdet. "
                    f"{_RETAG}",
                    number,
                )
            )
    if tagged_annots and _get(page, "/Tabs") != "/S":
        found.append(
            _finding(
                "pdf-tabs",
                "Sidan har länkar eller andra annoteringar men ingen tabbordning efter "
                f"strukturen (/Tabs /S), så tabbtangenten hoppar i fel ordning. {_RETAG}",
                number,
            )
        )
    return found
