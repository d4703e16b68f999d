"""``beslut granska``: the structural PDF/A-2b and PDF/UA-1 audit of any PDF.

Each rule is tested twice: on a small clean PDF (built here with pypdf: tagged, PDF/A and PDF/UA
metadata, one page with a heading, a table, a figure, a link, a note) that must pass, and on the
same PDF with one fault injected that must give the rule's code at the right place. The audit is
also run over every PDF the example build makes, and over a LibreOffice-made PDF.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from beslut.cli.main import cli
from beslut.diagnostics import Level
from beslut.validate.code_docs import DOCS
from beslut.validate.codes import AUDIT
from beslut.validate.pdf_audit import SHOWN_PER_RULE, Finding, audit_pdf, audit_reader
from conftest import REPO, need_libreoffice

TITLE = "Budget 2026 för nämnden"
AUTHOR = "Eva Lind"
PRODUCER = "testverktyg 1.0"
CREATED = "D:20261202101500+01'00'"
CREATED_XMP = "2026-12-02T10:15:00+01:00"

_PDFUA_SCHEMA = """
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
     <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
     <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
     <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
     <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
       <pdfaProperty:name>part</pdfaProperty:name>
       <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
       <pdfaProperty:category>internal</pdfaProperty:category>
       <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
     </rdf:li></rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>"""


def xmp_packet(
    *,
    pdfa: bool = True,
    pdfua: bool = True,
    schema: str = _PDFUA_SCHEMA,
    title: str = TITLE,
    extra: str = "",
) -> bytes:
    """An XMP packet like LibreOffice's, with the PDF/UA extension schema unless left out."""
    text = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   {"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" if pdfa else ""}
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   {"<pdfuaid:part>1</pdfuaid:part>" if pdfua else ""}
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
     xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
     xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">{schema}
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{AUTHOR}</rdf:li></rdf:Seq></dc:creator>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
     xmlns:xmp="http://ns.adobe.com/xap/1.0/" pdf:Producer="{PRODUCER}">
   <xmp:CreateDate>{CREATED_XMP}</xmp:CreateDate>{extra}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return text.encode("utf-8")


@dataclass
class Built:
    """The clean PDF under construction: the writer and handles to its parts by name."""

    writer: PdfWriter
    page: Any
    tree: DictionaryObject
    catalog: DictionaryObject
    elements: dict[str, DictionaryObject] = field(default_factory=dict)
    refs: dict[str, IndirectObject] = field(default_factory=dict)
    annot: DictionaryObject = field(default_factory=DictionaryObject)

    def add(self, obj: Any) -> IndirectObject:
        return self.writer._add_object(obj)


# The page's marked content: (structure type, MCID); the structure below uses the same names.
CONTENT = [("H1", 0), ("P", 1), ("H2", 2), ("TH", 3), ("TD", 4), ("Figure", 5), ("Link", 6)]
CONTENT += [("Note", 7), ("Citat", 8)]


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def build_pdf(path: Path, change: Callable[[Built], None] | None = None) -> Path:
    """Write the clean tagged PDF/A-2b + PDF/UA-1 test file, after ``change`` (the fault)."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    catalog = writer.root_object
    font_file = writer._add_object(_stream(b"\x00\x01\x00\x00 (not a real font program)"))
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/TrueType"),
            NameObject("/BaseFont"): NameObject("/Carlito"),
            NameObject("/FontDescriptor"): writer._add_object(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/FontDescriptor"),
                        NameObject("/FontName"): NameObject("/Carlito"),
                        NameObject("/FontFile2"): font_file,
                    }
                )
            ),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    body = b"".join(
        b"/%s <</MCID %d>> BDC BT /F1 12 Tf 72 %d Td (%s) Tj ET EMC\n"
        % (tag.encode(), mcid, 770 - 20 * mcid, tag.encode())
        for tag, mcid in CONTENT
    )
    body += b"/Artifact BMC BT /F1 9 Tf 72 30 Td (Sidfot) Tj ET EMC\n"
    page[NameObject("/Contents")] = writer._add_object(_stream(body))
    tree = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    tree_ref = writer._add_object(tree)
    built = Built(writer, page, tree, catalog)
    page_ref = page.indirect_reference

    def element(name: str, kind: str, parent: IndirectObject, kids: list[Any]) -> IndirectObject:
        obj = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject("/" + kind),
                NameObject("/P"): parent,
                NameObject("/Pg"): page_ref,
                NameObject("/K"): ArrayObject(kids),
            }
        )
        ref = writer._add_object(obj)
        built.elements[name], built.refs[name] = obj, ref
        return ref

    document = element("Document", "Document", tree_ref, [])
    leaves: dict[str, IndirectObject] = {}
    kids: list[Any] = []
    for name in ("H1", "P", "H2"):
        leaves[name] = element(name, name, document, [NumberObject(CONTENT_MCID[name])])
        kids.append(leaves[name])
    table = element("Table", "Table", document, [])
    rows = [element("TR1", "TR", table, []), element("TR2", "TR", table, [])]
    leaves["TH"] = element("TH", "TH", rows[0], [NumberObject(3)])
    built.elements["TH"][NameObject("/A")] = DictionaryObject(
        {NameObject("/O"): NameObject("/Table"), NameObject("/Scope"): NameObject("/Column")}
    )
    leaves["TD"] = element("TD", "TD", rows[1], [NumberObject(4)])
    built.elements["TR1"][NameObject("/K")] = ArrayObject([leaves["TH"]])
    built.elements["TR2"][NameObject("/K")] = ArrayObject([leaves["TD"]])
    built.elements["Table"][NameObject("/K")] = ArrayObject(rows)
    kids.append(table)
    leaves["Figure"] = element("Figure", "Figure", document, [NumberObject(5)])
    built.elements["Figure"][NameObject("/Alt")] = TextStringObject("Karta över regionen")
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): RectangleObject([72, 640, 200, 660]),
            NameObject("/StructParent"): NumberObject(1),
            NameObject("/Contents"): TextStringObject("Till regionens webbplats"),
        }
    )
    annot_ref = writer._add_object(annot)
    built.annot = annot
    objr = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OBJR"),
            NameObject("/Obj"): annot_ref,
            NameObject("/Pg"): page_ref,
        }
    )
    leaves["Link"] = element("Link", "Link", document, [NumberObject(6), objr])
    leaves["Note"] = element("Note", "Note", document, [NumberObject(7)])
    built.elements["Note"][NameObject("/ID")] = TextStringObject("not1")
    leaves["Citat"] = element("Citat", "Citat", document, [NumberObject(8)])
    kids += [leaves["Figure"], leaves["Link"], leaves["Note"], leaves["Citat"]]
    built.elements["Document"][NameObject("/K")] = ArrayObject(kids)
    page[NameObject("/Annots")] = ArrayObject([annot_ref])
    page[NameObject("/Tabs")] = NameObject("/S")
    page[NameObject("/StructParents")] = NumberObject(0)
    by_mcid = ArrayObject([leaves[tag] if tag in leaves else leaves["H1"] for tag, _ in CONTENT])
    tree[NameObject("/K")] = ArrayObject([document])
    tree[NameObject("/ParentTree")] = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Nums"): ArrayObject(
                    [NumberObject(0), writer._add_object(by_mcid), NumberObject(1), leaves["Link"]]
                )
            }
        )
    )
    tree[NameObject("/ParentTreeNextKey")] = NumberObject(2)
    tree[NameObject("/RoleMap")] = DictionaryObject({NameObject("/Citat"): NameObject("/Quote")})
    catalog[NameObject("/StructTreeRoot")] = tree_ref
    catalog[NameObject("/MarkInfo")] = DictionaryObject(
        {NameObject("/Marked"): BooleanObject(True)}
    )
    catalog[NameObject("/Lang")] = TextStringObject("sv-SE")
    catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)}
    )
    metadata = _stream(xmp_packet())
    metadata[NameObject("/Type")] = NameObject("/Metadata")
    metadata[NameObject("/Subtype")] = NameObject("/XML")
    catalog[NameObject("/Metadata")] = writer._add_object(metadata)
    icc = _stream(b"ICC profile bytes")
    icc[NameObject("/N")] = NumberObject(3)
    catalog[NameObject("/OutputIntents")] = ArrayObject(
        [
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/OutputIntent"),
                    NameObject("/S"): NameObject("/GTS_PDFA1"),
                    NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB"),
                    NameObject("/DestOutputProfile"): writer._add_object(icc),
                }
            )
        ]
    )
    writer.add_metadata(
        {"/Title": TITLE, "/Author": AUTHOR, "/Producer": PRODUCER, "/CreationDate": CREATED}
    )
    if change is not None:
        change(built)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


CONTENT_MCID = dict(CONTENT)


def _set_xmp(built: Built, data: bytes) -> None:
    stream = built.catalog["/Metadata"].get_object()
    stream.set_data(data)


def _codes(found: list[Finding]) -> list[str]:
    return [f.code for f in found]


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return build_pdf(tmp_path / "ren.pdf")


def test_the_clean_pdf_passes_every_rule(clean: Path) -> None:
    assert audit_pdf(clean) == []
    reader = PdfReader(clean)  # and it really has what the rules look at
    assert reader.root_object["/StructTreeRoot"]["/RoleMap"] == {"/Citat": "/Quote"}
    assert reader.metadata is not None and reader.metadata.title == TITLE
    assert reader.pages[0]["/Tabs"] == "/S"


# -- one fault at a time ------------------------------------------------------------------------


def _del(obj: DictionaryObject, key: str) -> None:
    del obj[NameObject(key)]


@dataclass(frozen=True)
class Fault:
    code: str
    change: Callable[[Built], None]
    page: int | None = None
    where: str = ""
    message: str = ""
    """A part of the message that must be there."""
    also: tuple[str, ...] = ()
    """Codes that follow from the same fault (e.g. Info still has the title XMP lost)."""


FAULTS: dict[str, Fault] = {
    "no pdfaid": Fault(
        "pdf-ej-pdfa",
        lambda b: _set_xmp(b, xmp_packet(pdfa=False)),
        message="inte sparad som PDF/A",
    ),
    "no extension schema": Fault(
        "pdf-xmp-schema-saknas",
        lambda b: _set_xmp(b, xmp_packet(schema="")),
        message="http://www.aiim.org/pdfua/ns/id/ (part)",
    ),
    "schema without the property": Fault(
        "pdf-xmp-schema-saknas",
        lambda b: _set_xmp(b, xmp_packet(schema=_PDFUA_SCHEMA.replace(">part<", ">revision<"))),
        message="beskriver inte egenskapen part",
    ),
    "other namespace, no schema": Fault(
        "pdf-xmp-schema-saknas",
        lambda b: _set_xmp(
            b, xmp_packet(extra='<egen:Dnr xmlns:egen="http://exempel.se/ns/">KS 1</egen:Dnr>')
        ),
        message="http://exempel.se/ns/ (Dnr)",
    ),
    "title differs": Fault(
        "pdf-metadata-olika",
        lambda b: _set_xmp(b, xmp_packet(title="Gammal titel")),
        message="titel är ”Budget 2026 för nämnden” men i XMP-metadata (dc:title) ”Gammal titel”",
    ),
    "date differs": Fault(
        "pdf-metadata-olika",
        lambda b: b.writer.add_metadata({"/CreationDate": "D:20261202101500Z"}),
        message="skapad",
    ),
    "keywords only in Info": Fault(
        "pdf-metadata-olika",
        lambda b: b.writer.add_metadata({"/Keywords": "budget"}),
        message="(pdf:Keywords) saknas",
    ),
    "no output intent": Fault(
        "pdf-färgprofil-saknas", lambda b: _del(b.catalog, "/OutputIntents"), message="GTS_PDFA1"
    ),
    "output intent without profile": Fault(
        "pdf-färgprofil-saknas",
        lambda b: _del(b.catalog["/OutputIntents"][0], "/DestOutputProfile"),
        message="saknar ICC-profilen",
    ),
    "font not embedded": Fault(
        "pdf-typsnitt-ej-inbäddat",
        lambda b: _del(
            b.page["/Resources"]["/Font"]["/F1"]["/FontDescriptor"].get_object(), "/FontFile2"
        ),
        page=1,
        message="Typsnittet Carlito",
    ),
    "javascript": Fault(
        "pdf-otillåten-åtgärd",
        lambda b: b.catalog.__setitem__(
            NameObject("/OpenAction"),
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert(1)"),
                }
            ),
        ),
        message="JavaScript",
    ),
    "launch from a link": Fault(
        "pdf-otillåten-åtgärd",
        lambda b: b.annot.__setitem__(
            NameObject("/A"),
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("calc.exe"),
                }
            ),
        ),
        page=1,
        message="Launch",
    ),
    "no pdfuaid": Fault(
        "pdf-ej-pdfua", lambda b: _set_xmp(b, xmp_packet(pdfua=False)), message="pdfuaid:part"
    ),
    "no Lang": Fault("pdf-språk", lambda b: _del(b.catalog, "/Lang"), message="/Lang"),
    "no DisplayDocTitle": Fault(
        "pdf-titel", lambda b: _del(b.catalog, "/ViewerPreferences"), message="DisplayDocTitle"
    ),
    "no dc:title": Fault(
        "pdf-titel",
        lambda b: _set_xmp(b, xmp_packet(title="")),
        message="dc:title",
        also=("pdf-metadata-olika",),  # the Info dictionary still has the title
    ),
    "not marked": Fault(
        "pdf-ej-taggad", lambda b: _del(b.catalog, "/MarkInfo"), message="MarkInfo"
    ),
    "no structure tree": Fault(
        "pdf-ej-taggad", lambda b: _del(b.catalog, "/StructTreeRoot"), message="inget strukturträd"
    ),
    "RoleMap Quote → P": Fault(
        "pdf-rollmappning",
        lambda b: b.tree["/RoleMap"].__setitem__(NameObject("/Quote"), NameObject("/P")),
        message="standardtypen Quote till P",
    ),
    "type without RoleMap": Fault(
        "pdf-okänd-strukturtyp",
        lambda b: _del(b.tree, "/RoleMap"),
        page=1,
        where="Document › Citat",
        message="Strukturtypen Citat",
    ),
    "first heading H2": Fault(
        "pdf-rubriknivå",
        lambda b: b.elements["H1"].__setitem__(NameObject("/S"), NameObject("/H2")),
        page=1,
        where="Document › H2[1]",
        message="första rubriken är på nivå 2",
    ),
    "H1 → H3": Fault(
        "pdf-rubriknivå",
        lambda b: b.elements["H2"].__setitem__(NameObject("/S"), NameObject("/H3")),
        page=1,
        where="Document › H3",
        message="nivå 3 (H3) följer på en rubrik på nivå 1",
    ),
    "table without TH": Fault(
        "pdf-tabell-utan-th",
        lambda b: b.elements["TH"].__setitem__(NameObject("/S"), NameObject("/TD")),
        page=1,
        where="Document › Table",
    ),
    "TH without Scope": Fault(
        "pdf-th-utan-scope",
        lambda b: _del(b.elements["TH"], "/A"),
        page=1,
        where="Document › Table › TR[1] › TH",
    ),
    "figure without Alt": Fault(
        "pdf-bild-utan-alt",
        lambda b: _del(b.elements["Figure"], "/Alt"),
        page=1,
        where="Document › Figure",
    ),
    "note without ID": Fault(
        "pdf-not-id", lambda b: _del(b.elements["Note"], "/ID"), 1, "Document › Note", "saknar /ID"
    ),
    "link not in a Link element": Fault(
        "pdf-länk-otaggad",
        lambda b: b.elements["Link"].__setitem__(NameObject("/S"), NameObject("/Span")),
        page=1,
    ),
    "link without text or Alt": Fault(
        "pdf-länk-utan-text",
        lambda b: b.elements["Link"].__setitem__(
            NameObject("/K"), ArrayObject([b.elements["Link"]["/K"][1]])
        ),
        page=1,
        where="Document › Link",
        message="varken text eller alternativtext",
        also=("pdf-struktur",),
    ),
    "link without StructParent": Fault(
        "pdf-länk-otaggad", lambda b: _del(b.annot, "/StructParent"), page=1
    ),
    "comment outside the tree": Fault(
        "pdf-annotering-otaggad",
        lambda b: b.page["/Annots"].append(
            b.add(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Annot"),
                        NameObject("/Subtype"): NameObject("/Text"),
                        NameObject("/Rect"): RectangleObject([0, 0, 10, 10]),
                    }
                )
            )
        ),
        page=1,
        message="(Text)",
    ),
    "no Tabs": Fault("pdf-tabs", lambda b: _del(b.page, "/Tabs"), page=1),
    "MCID missing from the tree": Fault(
        "pdf-struktur",
        lambda b: b.elements["P"].__setitem__(NameObject("/K"), ArrayObject()),
        page=1,
        message="Taggat innehåll på sidan saknas i strukturträdet",
    ),
    "wrong parent": Fault(
        "pdf-struktur",
        lambda b: b.elements["P"].__setitem__(NameObject("/P"), b.refs["Table"]),
        where="Document › P",
        message="fel förälder",
    ),
    "element twice": Fault(
        "pdf-struktur",
        lambda b: b.elements["Document"]["/K"].append(b.refs["P"]),
        where="Document › P[2]",
        message="två gånger",
    ),
    "ParentTree points wrong": Fault(
        "pdf-struktur",
        lambda b: b.tree["/ParentTree"]["/Nums"][1].get_object().__setitem__(1, b.refs["H1"]),
        page=1,
        message="ParentTree pekar fel för innehåll 1",
    ),
    "ParentTreeNextKey too small": Fault(
        "pdf-struktur",
        lambda b: b.tree.__setitem__(NameObject("/ParentTreeNextKey"), NumberObject(1)),
        message="ParentTreeNextKey",
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_each_fault_gives_its_code_at_its_place(name: str, tmp_path: Path) -> None:
    fault = FAULTS[name]
    found = audit_pdf(build_pdf(tmp_path / "fel.pdf", fault.change))
    matching = [f for f in found if f.code == fault.code]
    assert matching, f"{name}: {[f.format('fel.pdf') for f in found]}"
    finding = matching[0]
    assert finding.level is AUDIT[fault.code].level
    assert finding.page == fault.page, finding
    assert finding.where == fault.where, finding
    assert fault.message in finding.message, finding.message
    assert set(_codes(found)) <= {fault.code, *fault.also}, _codes(found)


def test_every_audit_code_has_a_fault_or_a_file_test() -> None:
    tested = {f.code for f in FAULTS.values()} | {
        "pdf-oläslig",
        "pdf-krypterad",
        "pdf-xmp-fel",
        "pdf-otaggat-innehåll",
    }
    assert tested == set(AUDIT)
    assert set(AUDIT) <= set(DOCS)


def test_the_location_is_printed_like_a_diagnostic(tmp_path: Path) -> None:
    found = audit_pdf(build_pdf(tmp_path / "fel.pdf", FAULTS["TH without Scope"].change))
    (line,) = [f.format("fel.pdf") for f in found]
    assert line.startswith(
        "fel.pdf: sida 1, struktur: Document › Table › TR[1] › TH: fel: Rubrikcellen (TH) "
    )
    assert line.endswith("meddela den som förvaltar beslut. [pdf-th-utan-scope]")
    assert (
        Finding("pdf-ej-pdfa", Level.ERROR, "X.").format("a.pdf") == "a.pdf: fel: X. [pdf-ej-pdfa]"
    )


def test_th_scope_in_an_attribute_array_counts(tmp_path: Path) -> None:
    def change(built: Built) -> None:
        layout = DictionaryObject({NameObject("/O"): NameObject("/Layout")})
        table = built.elements["TH"]["/A"]
        built.elements["TH"][NameObject("/A")] = ArrayObject([layout, NumberObject(0), table])

    assert audit_pdf(build_pdf(tmp_path / "a.pdf", change)) == []


def test_actual_text_is_enough_for_a_figure(tmp_path: Path) -> None:
    def change(built: Built) -> None:
        figure = built.elements["Figure"]
        del figure["/Alt"]
        figure[NameObject("/ActualText")] = TextStringObject("Karta")

    assert audit_pdf(build_pdf(tmp_path / "a.pdf", change)) == []


def test_headings_may_go_up_any_number_of_levels(tmp_path: Path) -> None:
    def change(built: Built) -> None:  # H1, H2, then an H1 again after the table
        built.elements["Figure"][NameObject("/S")] = NameObject("/H1")

    assert audit_pdf(build_pdf(tmp_path / "a.pdf", change)) == []


def test_duplicate_note_ids(tmp_path: Path) -> None:
    def change(built: Built) -> None:
        built.elements["Citat"][NameObject("/S")] = NameObject("/Note")
        built.elements["Citat"][NameObject("/ID")] = TextStringObject("not1")

    found = audit_pdf(build_pdf(tmp_path / "a.pdf", change))
    assert [(f.code, f.where) for f in found] == [("pdf-not-id", "Document › Note[2]")]
    assert "samma /ID (”not1”)" in found[0].message


def test_popup_needs_no_tag_and_no_tabs(tmp_path: Path) -> None:
    def change(built: Built) -> None:
        popup = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Popup"),
                NameObject("/Rect"): RectangleObject([0, 0, 10, 10]),
            }
        )
        built.page[NameObject("/Annots")] = ArrayObject([built.add(popup)])
        built.elements["Link"][NameObject("/K")] = ArrayObject([NumberObject(6)])
        del built.tree["/ParentTree"].get_object()["/Nums"][2:]
        del built.page["/Tabs"]

    assert audit_pdf(build_pdf(tmp_path / "a.pdf", change)) == []


# -- files that are not (good) PDFs ------------------------------------------------------------


def test_not_a_pdf_missing_and_broken(tmp_path: Path) -> None:
    text = tmp_path / "protokoll.pdf"
    text.write_text("Det här är ingen PDF.", encoding="utf-8")
    broken = tmp_path / "halv.pdf"
    broken.write_bytes(build_pdf(tmp_path / "hel.pdf").read_bytes()[:300])
    for path, why in (
        (text, "det är ingen PDF-fil"),
        (tmp_path / "finns-inte.pdf", "filen kan inte öppnas"),
        (broken, "filen är skadad"),
    ):
        (finding,) = audit_pdf(path)
        assert finding.code == "pdf-oläslig" and finding.level is Level.ERROR
        assert why in finding.message, finding.message


def test_encrypted(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=build_pdf(tmp_path / "a.pdf"))
    writer.encrypt("hemligt")
    path = tmp_path / "låst.pdf"
    writer.write(path)
    (finding,) = audit_pdf(path)
    assert finding.code == "pdf-krypterad"
    assert "lösenordsskyddad" in finding.message


def test_javascript_in_a_bookmark_and_bookmarks_in_a_circle(tmp_path: Path) -> None:
    def change(built: Built) -> None:
        first = built.writer.add_outline_item(title="Början", page_number=0)
        second = built.writer.add_outline_item(title="Slutet", page_number=0)
        second.get_object()[NameObject("/A")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("")}
        )
        second.get_object()[NameObject("/Next")] = first  # a circle

    found = audit_pdf(build_pdf(tmp_path / "a.pdf", change))
    assert [(f.code, f.page) for f in found] == [("pdf-otillåten-åtgärd", None)]
    assert "JavaScript" in found[0].message


def test_broken_xmp(tmp_path: Path) -> None:
    found = audit_pdf(build_pdf(tmp_path / "a.pdf", lambda b: _set_xmp(b, b"<x:xmpmeta><oops")))
    assert "pdf-xmp-fel" in _codes(found)


def _reportlab_pdf(path: Path, pages: int) -> Path:
    canvas = Canvas(str(path))
    canvas.setTitle("Extern rapport")
    for n in range(pages):
        canvas.setFont("Helvetica", 12)
        canvas.drawString(72, 770, f"Sida {n + 1} i en extern rapport.")
        canvas.linkURL("https://example.org", (72, 700, 200, 720))
        canvas.showPage()
    canvas.save()
    return path


def test_an_untagged_external_pdf_gives_a_few_clear_findings(tmp_path: Path) -> None:
    found = audit_pdf(_reportlab_pdf(tmp_path / "extern.pdf", 40))
    assert Counter(_codes(found)) == Counter(
        {
            "pdf-ej-pdfa": 1,
            "pdf-ej-pdfua": 1,
            "pdf-språk": 1,
            "pdf-titel": 1,  # no XMP at all
            "pdf-typsnitt-ej-inbäddat": 1,
            "pdf-ej-taggad": 1,
        }
    )
    font = next(f for f in found if f.code == "pdf-typsnitt-ej-inbäddat")
    assert font.page == 1 and "Helvetica" in font.message and "39 sidor till" in font.message


def test_many_findings_of_one_rule_are_grouped(tmp_path: Path) -> None:
    """An untagged page of a tagged file, repeated: a few located lines and one sum."""
    source = build_pdf(tmp_path / "a.pdf")
    writer = PdfWriter(clone_from=source)
    extern = PdfReader(_reportlab_pdf(tmp_path / "extern.pdf", 12))
    for page in extern.pages:
        writer.add_page(page)
    path = tmp_path / "blandad.pdf"
    writer.write(path)
    found = audit_reader(PdfReader(path))
    untagged = [f for f in found if f.code == "pdf-otaggat-innehåll"]
    assert [f.page for f in untagged] == [2, 3, 4, None]
    assert untagged[0].level is Level.WARNING
    assert untagged[-1].message == (
        "Samma problem på ytterligare 9 ställen (sidor: 5, 6, 7, 8, 9, 10, 11, 12 och 1 till)."
    )
    assert len(untagged) == SHOWN_PER_RULE + 1
    tabs = [f for f in found if f.code == "pdf-tabs"]
    links = [f for f in found if f.code == "pdf-länk-otaggad"]
    assert len(tabs) == len(links) == SHOWN_PER_RULE + 1


# -- the example build --------------------------------------------------------------------------

# (codes and counts per PDF of the example build, relative to output/; files not listed: none)
EXPECTED_IN_EXAMPLE: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module")
def example_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace built once (needs LibreOffice)."""
    need_libreoffice()
    root = tmp_path_factory.mktemp("granska") / "arbetsyta"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    from beslut import api

    report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics]
    return root / "output"


@pytest.mark.libreoffice
def test_every_pdf_of_the_example_build_has_exactly_the_expected_findings(
    example_output: Path,
) -> None:
    pdfs = sorted(example_output.rglob("*.pdf"))
    assert len(pdfs) >= 25
    found = {
        str(pdf.relative_to(example_output)): dict(Counter(_codes(audit_pdf(pdf)))) for pdf in pdfs
    }
    assert {k: v for k, v in found.items() if v} == EXPECTED_IN_EXAMPLE


@pytest.mark.libreoffice
def test_the_packet_is_audited_quickly(example_output: Path) -> None:
    packet = example_output / "möten" / "2022-06-14-hsn" / "handlingar.pdf"
    assert len(PdfReader(packet).pages) >= 30
    started = time.perf_counter()
    audit_pdf(packet)
    assert time.perf_counter() - started < 5


@pytest.mark.libreoffice
def test_the_packet_structure_tree_is_walked(example_output: Path, tmp_path: Path) -> None:
    """The packet is tagged: a fault injected deep in it (a table's header cells made data
    cells) is located in its structure, with a page."""
    packet = example_output / "möten" / "2022-06-14-hsn" / "handlingar.pdf"
    assert audit_pdf(packet) == []
    writer = PdfWriter(clone_from=packet)

    def elements(node: Any) -> Any:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            return
        yield node
        kids = node.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids]:
            if isinstance(kid, IndirectObject | DictionaryObject):
                yield from elements(kid)

    tree = writer.root_object["/StructTreeRoot"]
    table = next(e for e in elements(tree) if e.get("/S") == "/Table")
    headers = [e for e in elements(table) if e.get("/S") == "/TH"]
    assert headers
    for header in headers:
        header[NameObject("/S")] = NameObject("/TD")
    faulty = tmp_path / "handlingar.pdf"
    writer.write(faulty)
    (finding,) = audit_pdf(faulty)
    assert finding.code == "pdf-tabell-utan-th"
    assert finding.page is not None
    assert re.fullmatch(r"Document › (\w+(\[\d+\])? › )+Table(\[\d+\])?", finding.where)


# -- a LibreOffice-made PDF, with faults injected -----------------------------------------------

EXPORT = (
    'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
    '"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"PDFUACompliance":{"type":"boolean","value":"true"}}'
)


@pytest.fixture(scope="module")
def libreoffice_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A LibreOffice PDF/A-2b with headings and a table with a repeated header row."""
    need_libreoffice()
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    folder = tmp_path_factory.mktemp("lo")
    document = docx.Document()
    document.core_properties.title = "Plan för 2026"
    document.add_heading("Plan för 2026", level=1)
    document.add_paragraph("Inledning med å, ä och ö.")
    document.add_heading("Kostnader", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, values in enumerate((("Post", "Belopp"), ("Lokaler", "10"), ("Personal", "20"))):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    source = folder / "plan.docx"
    document.save(str(source))
    soffice = shutil.which("soffice")
    assert soffice is not None
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/profil", "--headless", "--convert-to",
         EXPORT, "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return folder / "plan.pdf"


def _mutated(source: Path, target: Path, change: Callable[[PdfWriter, Any], None]) -> Path:
    writer = PdfWriter(clone_from=source)
    tree = writer.root_object["/StructTreeRoot"].get_object()
    change(writer, tree)
    writer.write(target)
    return target


def _first(tree: Any, kind: str) -> Any:
    stack = [tree]
    while stack:
        node = stack.pop().get_object()
        kids = node.get("/K")
        kids = kids.get_object() if kids is not None else []
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                continue
            obj = kid.get_object()
            if obj.get("/S") == kind:
                return obj
            if "/S" in obj:
                stack.append(obj)
    raise AssertionError(kind)


@pytest.mark.libreoffice
def test_a_libreoffice_pdf_and_injected_faults(libreoffice_pdf: Path, tmp_path: Path) -> None:
    # what LibreOffice 7.4 itself gets wrong (until the finishing step lands)
    assert _codes(audit_pdf(libreoffice_pdf)) == ["pdf-xmp-schema-saknas"]

    def quote(writer: PdfWriter, tree: Any) -> None:
        tree["/RoleMap"].get_object()[NameObject("/Quote")] = NameObject("/P")

    def no_scope(writer: PdfWriter, tree: Any) -> None:
        del _first(tree, "/TH")[NameObject("/A")]

    def skip(writer: PdfWriter, tree: Any) -> None:
        _first(tree, "/H2")[NameObject("/S")] = NameObject("/H3")

    expected = {
        "rollmappning": (quote, "pdf-rollmappning", None),
        "scope": (no_scope, "pdf-th-utan-scope", 1),
        "rubrik": (skip, "pdf-rubriknivå", 1),
    }
    for name, (change, code, page) in expected.items():
        found = audit_pdf(_mutated(libreoffice_pdf, tmp_path / f"{name}.pdf", change))
        assert _codes(found) == ["pdf-xmp-schema-saknas", code], name
        assert found[1].page == page, found[1]


# -- the command --------------------------------------------------------------------------------


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["granska", *args])


def test_cli_clean_file_exits_0(clean: Path) -> None:
    result = _run(str(clean))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{clean}: inga problem hittades.\n"
    assert result.stderr == "beslut: granskade 1 fil: 0 fel, 0 varningar.\n"


def test_cli_prints_located_findings_and_exits_1(tmp_path: Path, clean: Path) -> None:
    bad = build_pdf(tmp_path / "fel.pdf", FAULTS["no Tabs"].change)
    result = _run(str(clean), str(bad))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{clean}: inga problem hittades."
    assert lines[1].startswith(f"{bad}: sida 1: fel: Sidan har länkar eller andra annoteringar")
    assert lines[1].endswith("[pdf-tabs]") and len(lines) == 2
    assert result.stderr == "beslut: granskade 2 filer: 1 fel, 0 varningar.\n"


def _untagged_second_page(built: Built) -> None:
    """A second page with text outside any marked content (same embedded font)."""
    page = built.writer.add_blank_page(595, 842)
    page[NameObject("/Resources")] = built.page["/Resources"]
    page[NameObject("/Contents")] = built.add(_stream(b"BT /F1 12 Tf 72 700 Td (Otaggad) Tj ET"))


def test_cli_warnings_alone_exit_0(tmp_path: Path) -> None:
    path = build_pdf(tmp_path / "blandad.pdf", _untagged_second_page)
    result = _run(str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{path}: sida 2: varning: Texten på sidan är inte taggad")
    assert len(result.stdout.splitlines()) == 1
    assert result.stderr == "beslut: granskade 1 fil: 0 fel, 1 varning.\n"


def test_cli_folder_not_a_pdf_and_json(tmp_path: Path) -> None:
    folder = tmp_path / "bilagor"
    (folder / "under").mkdir(parents=True)
    build_pdf(folder / "ren.pdf")
    (folder / "under" / "trasig.PDF").write_text("inte en pdf", encoding="utf-8")
    (folder / "anteckning.txt").write_text("ignoreras", encoding="utf-8")
    result = _run(str(folder))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{folder / 'ren.pdf'}: inga problem hittades.",
        f"{folder / 'under' / 'trasig.PDF'}: fel: Filen kan inte läsas som PDF: det är ingen "
        "PDF-fil. Kontrollera att det är rätt fil, eller spara om den som PDF. [pdf-oläslig]",
    ]
    data = json.loads(_run("--format", "json", str(folder)).stdout)
    assert data["summary"] == {"filer": 2, "fel": 1, "varningar": 0}
    assert data["files"][1]["findings"][0]["code"] == "pdf-oläslig"
    assert data["files"][1]["findings"][0]["level"] == "fel"


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    missing = _run()
    assert missing.exit_code == 2 and "Saknat argument 'FIL...'" in missing.stderr
    nowhere = _run(str(tmp_path / "finns-inte.pdf"))
    assert nowhere.exit_code == 2 and "finns inte" in nowhere.stderr
    empty = tmp_path / "tom"
    empty.mkdir()
    result = _run(str(empty))
    assert result.exit_code == 2 and "innehåller inga PDF-filer" in result.stderr
    assert result.stdout == ""


def test_cli_help_and_regel_are_swedish() -> None:
    result = CliRunner().invoke(cli, ["granska", "--help"])
    assert "Användning: beslut granska [FLAGGOR] FIL..." in result.stdout
    assert "PDF/A-2b" in result.stdout and "PDF/UA-1" in result.stdout
    regel = CliRunner().invoke(cli, ["regel", "pdf-tabell-utan-th"])
    assert regel.exit_code == 0
    assert "rapporteras av ”beslut granska”" in regel.stdout
    assert "Upprepa som rubrikrad" in regel.stdout
