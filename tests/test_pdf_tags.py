"""PDF/A-2b and PDF/UA-1 structure of the PDFs LibreOffice makes, after beslut finishes them.

:func:`tag_problems` is the check, used here on small documents made for the purpose and in
``test_packet_build.py`` on every PDF of the example build (papers, kallelse, packets, public
versions, item PDFs), built once there.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NumberObject

from beslut.convert import libreoffice
from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter
from beslut.convert.pdf_finish import FinishError, finish_pdf
from beslut.convert.pdf_metadata import parse_pdf_date
from beslut.model.styles import SIGNATURE_STYLES, TITLE_STYLE
from conftest import need_libreoffice

# The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4), written out here on purpose.
STANDARD = {
    f"/{name}"
    for name in (  # noqa: SIM905
        "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H "
        "H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note "
        "Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP Figure Formula Form"
    ).split()
}
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
}


# -- the check ----------------------------------------------------------------------------------


def _xmp(reader: PdfReader) -> ET.Element | None:
    meta = reader.root_object.get("/Metadata")
    if meta is None:
        return None
    text = meta.get_object().get_data().decode("utf-8")
    return ET.fromstring(text.split("?>", 1)[1].rsplit("<?xpacket", 1)[0])


def _xmp_text(tree: ET.Element, path: str) -> str | None:
    found = tree.find(f".//{path}", NS)
    if found is None:
        return None
    item = found.find(".//rdf:li", NS)
    return (item if item is not None else found).text or ""


def _role(node: DictionaryObject, role_map: dict[str, str]) -> str:
    role = str(node.get("/S"))
    seen = set()
    while role in role_map and role not in STANDARD and role not in seen:
        seen.add(role)
        role = role_map[role]
    return role


def _kids(node: DictionaryObject) -> list[Any]:
    kids = node.get("/K")
    if kids is None:
        return []
    kids = kids.get_object() if isinstance(kids, IndirectObject) else kids
    return list(kids) if isinstance(kids, ArrayObject) else [kids]


def structure_elements(node: Any, depth: int = 0) -> Iterator[DictionaryObject]:
    """Every structure element under ``node``, in document order."""
    node = node.get_object() if isinstance(node, IndirectObject) else node
    if not isinstance(node, DictionaryObject) or node.get("/Type") in ("/MCR", "/OBJR"):
        return
    if "/S" in node:
        yield node
    for kid in _kids(node):
        if isinstance(kid, (IndirectObject, DictionaryObject)) and depth < 200:
            yield from structure_elements(kid, depth + 1)


def _element_kids(node: DictionaryObject) -> list[DictionaryObject]:
    found = []
    for kid in _kids(node):
        kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            found.append(kid)
    return found


def _attributes(node: DictionaryObject) -> list[DictionaryObject]:
    value = node.get("/A")
    value = value.get_object() if isinstance(value, IndirectObject) else value
    listed = list(value) if isinstance(value, ArrayObject) else [value]
    return [a.get_object() for a in listed if isinstance(a.get_object(), DictionaryObject)]


def _mcids(node: DictionaryObject, page: Any) -> Iterator[tuple[Any, int]]:
    for kid in _kids(node):
        kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
        if isinstance(kid, int):
            yield page, int(kid)
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
            yield kid.get("/Pg", page), int(kid["/MCID"])


def _page_text_of(page: Any, ids: set[int]) -> list[str]:
    """The text pieces of one page that are inside marked content with one of ``ids``."""
    stack: list[int | None] = []
    found: list[str] = []

    def before(op: bytes, args: Any, cm: Any, tm: Any) -> None:
        if op in (b"BDC", b"BMC"):
            props = args[1] if op == b"BDC" and len(args) > 1 else None
            mcid = props.get("/MCID") if isinstance(props, dict) else None
            stack.append(int(mcid) if mcid is not None else None)
        elif op == b"EMC" and stack:
            stack.pop()

    def visit(chunk: str, *_: Any) -> None:
        if any(m in ids for m in stack if m is not None):
            found.append(chunk)

    page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return found


def marked_text(reader: PdfReader, node: DictionaryObject) -> str:
    """The text of a structure element's own marked content (pypdf text extraction by MCID)."""
    wanted = list(_mcids(node, node.get("/Pg")))
    text: list[str] = []
    for page_ref in dict.fromkeys(p.idnum for p, _ in wanted if p is not None):
        page = next(p for p in reader.pages if p.indirect_reference.idnum == page_ref)
        ids = {m for p, m in wanted if p is not None and p.idnum == page_ref}
        text += _page_text_of(page, ids)
    return " ".join("".join(text).split())


def tag_problems(
    source: Path | bytes,
    *,
    layout: tuple[str, ...] = SIGNATURE_STYLES,
    title: str | None = None,
) -> list[str]:
    """What keeps a PDF that claims PDF/A or PDF/UA in its XMP from the rules of issue 13.

    ``title``: the text the first ``/H1`` must hold; default: a paper's Info ``/Title``.
    """
    data = source if isinstance(source, bytes) else source.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    tree = _xmp(reader)
    if tree is None:
        return []
    pdfa = tree.find(".//pdfaid:part", NS)
    pdfua = tree.find(".//pdfuaid:part", NS)
    if pdfa is None and pdfua is None:
        return []
    problems: list[str] = []
    if pdfua is not None:
        schemas = [
            s
            for s in tree.iterfind(".//pdfaExtension:schemas//rdf:li", NS)
            if s.findtext("pdfaSchema:namespaceURI", None, NS) == NS["pdfuaid"]
        ]
        if not schemas or schemas[0].findtext("pdfaSchema:prefix", None, NS) != "pdfuaid":
            problems.append("XMP: no extension schema for pdfuaid")
        elif "part" not in [n.text for n in schemas[0].iterfind(".//pdfaProperty:name", NS)]:
            problems.append("XMP: the extension schema does not define pdfuaid:part")
    info = reader.metadata or {}
    for key, path in (
        ("/Title", "dc:title"),
        ("/Author", "dc:creator"),
        ("/Subject", "dc:description"),
        ("/Keywords", "pdf:Keywords"),
        ("/Producer", "pdf:Producer"),
        ("/Creator", "xmp:CreatorTool"),
    ):
        if (str(info[key]) if key in info else None) != _xmp_text(tree, path):
            problems.append(f"Info {key} != XMP {path}")
    for key, path in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        in_info = parse_pdf_date(str(info[key])) if key in info else None
        in_xmp = _xmp_text(tree, path)
        if (in_info is None) != (in_xmp is None) or (
            in_info is not None
            and in_xmp is not None
            and in_info != datetime.fromisoformat(in_xmp.replace("Z", "+00:00"))
        ):
            problems.append(f"Info {key} != XMP {path}")
    root = reader.root_object
    if "/StructTreeRoot" not in root:
        return [*problems, "not tagged"]
    tree_root = root["/StructTreeRoot"].get_object()
    role_map = {
        str(k): str(v) for k, v in (tree_root.get("/RoleMap") or DictionaryObject()).items()
    }
    problems += [f"RoleMap remaps the standard type {k}" for k in role_map if k in STANDARD]
    elements = list(structure_elements(tree_root))
    layout_roles = {f"/{name}" for name in layout}
    headings: list[tuple[int, DictionaryObject]] = []
    ids: list[bytes] = []
    for element in elements:
        role = _role(element, role_map)
        if role == "/Table":
            cells = [
                c
                for row in structure_elements(element)
                if _role(row, role_map) == "/TR"
                for c in _element_kids(row)
            ]
            paragraphs = [str(p.get("/S")) for c in cells for p in _element_kids(c)]
            if paragraphs and set(paragraphs) <= layout_roles:
                problems.append("a signature (layout) table is tagged /Table")
            ths = [c for c in cells if _role(c, role_map) == "/TH"]
            if not ths:
                problems.append("a /Table without /TH")
            for th in ths:
                if not any(
                    a.get("/O") == "/Table" and a.get("/Scope") in ("/Column", "/Row", "/Both")
                    for a in _attributes(th)
                ):
                    problems.append("a /TH without /Scope")
        elif re.fullmatch(r"/H[1-6]", role):
            headings.append((int(role[2]), element))
        elif role == "/Link":
            if not any(
                isinstance(k.get_object(), DictionaryObject)
                and k.get_object().get("/Type") == "/OBJR"
                for k in _kids(element)
            ):
                problems.append("a /Link without an object reference (OBJR)")
        elif role == "/Note":
            value = element.get("/ID")
            if value is None:
                problems.append("a /Note without /ID")
            else:
                ids.append(getattr(value, "original_bytes", bytes(str(value), "utf-8")))
        if role == "/Title" or str(element.get("/S")) == f"/{TITLE_STYLE}":
            problems.append("the title is tagged /Title, not a heading")
    if len(ids) != len(set(ids)):
        problems.append("two /Note elements have the same /ID")
    if headings:
        if headings[0][0] != 1:
            problems.append(f"the first heading is H{headings[0][0]}, not H1")
        for (before, _), (after, _) in pairwise(headings):
            if after > before + 1:
                problems.append(f"heading level skipped: H{before} → H{after}")
        if title is None and str(info.get("/Creator", "")) != "beslut":  # a paper
            title = str(info.get("/Title", "") or "")
        if title:
            first = marked_text(reader, headings[0][1])
            if " ".join(title.split()) not in first:
                problems.append(f"the first H1 reads {first!r}, not the title {title!r}")
    else:
        problems.append("no headings")
    for number, page in enumerate(reader.pages, 1):
        annots = page.get("/Annots")
        annots = annots.get_object() if annots is not None else []
        if annots and page.get("/Tabs") != "/S":
            problems.append(f"page {number} has annotations but no /Tabs /S")
        for annot in annots:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Popup" and "/StructParent" not in annot:
                problems.append(f"page {number}: an annotation {annot.get('/Subtype')} untagged")
    return problems


# -- small documents made for the purpose --------------------------------------------------------


def _paper(path: Path) -> Path:
    """A .docx with what the finisher handles: title, headings, a block quote of two
    paragraphs, a data table with a header row and the signature table."""
    document = docx.Document()
    for name in SIGNATURE_STYLES:
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Provpapper om taggar", style=TITLE_STYLE)
    document.add_paragraph("Bakgrund", style="Heading 1")
    document.add_paragraph("Vanlig text före citatet.")
    document.add_paragraph("Första stycket i citatet.", style="Quote")
    document.add_paragraph("Andra stycket i citatet.", style="Quote")
    document.add_paragraph("Detaljer", style="Heading 2")
    table = document.add_table(rows=3, cols=2)
    for row, values in enumerate((("Post", "Belopp"), ("Hyra", "100"), ("Lön", "200"))):
        for column, value in enumerate(values):
            table.cell(row, column).text = value
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    document.add_paragraph("Underskrifter:")
    signatures = document.add_table(rows=1, cols=2)
    for column, (name, title) in enumerate((("Anna Andersson", "ordförande"), ("Bo Berg", ""))):
        cell = signatures.cell(0, column)
        cell.paragraphs[0].text = name
        cell.paragraphs[0].style = document.styles[SIGNATURE_STYLES[0]]
        if title:
            cell.add_paragraph(title, style=SIGNATURE_STYLES[1])
    document.core_properties.title = "Provpapper om taggar"
    document.core_properties.author = "Anna Andersson"
    document.core_properties.subject = "Test"
    document.core_properties.keywords = "taggar"
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def raw_and_finished(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[bytes, bytes]]:
    """The small paper as LibreOffice writes it, and as the converter delivers it."""
    need_libreoffice()
    folder = tmp_path_factory.mktemp("taggar")
    source = _paper(folder / "papper.docx")
    with pytest.MonkeyPatch.context() as patch, LibreOfficeConverter(workers=1) as converter:
        # leaves the file as LibreOffice wrote it (and says it has a page)
        patch.setattr(libreoffice, "finish_file", lambda path: 1)
        [raw] = converter.convert([ConversionJob(source, folder / "raw.pdf", "raw")])
        patch.undo()
        [done] = converter.convert([ConversionJob(source, folder / "klar.pdf", "klar")])
    assert raw.ok and done.ok, (raw.message, done.message)
    yield (folder / "raw.pdf").read_bytes(), (folder / "klar.pdf").read_bytes()


def _roles(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [str(e["/S"]) for e in structure_elements(reader.root_object["/StructTreeRoot"])]


@pytest.mark.libreoffice
def test_libreoffice_alone_breaks_the_rules(raw_and_finished: tuple[bytes, bytes]) -> None:
    raw, _ = raw_and_finished
    problems = tag_problems(raw)
    assert "XMP: no extension schema for pdfuaid" in problems
    assert "RoleMap remaps the standard type /Quote" in problems
    assert "a signature (layout) table is tagged /Table" in problems
    assert "the title is tagged /Title, not a heading" in problems


@pytest.mark.libreoffice
def test_the_converter_finishes_what_libreoffice_writes(
    raw_and_finished: tuple[bytes, bytes],
) -> None:
    raw, finished = raw_and_finished
    assert tag_problems(finished) == []
    assert finished.startswith(raw[:1024])  # an incremental update: LibreOffice's bytes stay
    roles = _roles(finished)
    assert roles.count("/BlockQuote") == 1
    assert roles[roles.index("/BlockQuote") + 1 : roles.index("/BlockQuote") + 3] == ["/P", "/P"]
    assert [r for r in roles if re.fullmatch(r"/H\d", r)] == ["/H1", "/H2", "/H3"]
    assert roles.count("/Table") == 1 and roles.count("/TH") == 2
    reader = PdfReader(io.BytesIO(finished))
    first = next(
        e for e in structure_elements(reader.root_object["/StructTreeRoot"]) if e["/S"] == "/H1"
    )
    assert marked_text(reader, first) == "Provpapper om taggar"
    assert reader.metadata is not None and reader.metadata["/CreationDate"].endswith("+00'00'")


@pytest.mark.libreoffice
def test_finishing_twice_changes_nothing_more(raw_and_finished: tuple[bytes, bytes]) -> None:
    _, finished = raw_and_finished
    again = finish_pdf(finished)
    assert _roles(again) == _roles(finished)
    assert tag_problems(again) == []


def test_finishing_a_pdf_without_structure_keeps_it_readable() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Tom", "/CreationDate": "D:20261202114857Z'"})
    buffer = io.BytesIO()
    writer.write(buffer)
    finished = PdfReader(io.BytesIO(finish_pdf(buffer.getvalue())))
    assert len(finished.pages) == 1
    assert finished.metadata is not None
    assert finished.metadata["/CreationDate"] == "D:20261202114857+00'00'"


def test_a_file_that_is_not_a_pdf_is_a_swedish_finish_error() -> None:
    with pytest.raises(FinishError, match="startxref"):
        finish_pdf(b"%PDF-1.6\nskrap\n")


@pytest.mark.libreoffice
def test_a_failed_finish_is_a_conversion_error_and_keeps_the_old_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need_libreoffice()
    source = _paper(tmp_path / "papper.docx")
    target = tmp_path / "papper.pdf"
    target.write_bytes(b"tidigare")

    def broken(path: Path) -> None:
        raise FinishError("PDF-filen kunde inte läsas (test)")

    monkeypatch.setattr(libreoffice, "finish_file", broken)
    with LibreOfficeConverter(workers=1) as converter:
        [result] = converter.convert([ConversionJob(source, target, "content/ärenden/x.md")])
    assert not result.ok
    assert result.message is not None
    assert result.message.startswith("content/ärenden/x.md: PDF-filen från LibreOffice kunde inte")
    assert "PDF/A och PDF/UA" in result.message
    assert target.read_bytes() == b"tidigare"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == ["papper.pdf"]


def test_a_th_without_scope_gets_one() -> None:
    """LibreOffice 7.4 writes /Scope; a /TH without one gets Column in the first row."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    root = DictionaryObject()
    root_ref = writer._add_object(root)

    def element(role: str, parent: Any, kids: list[Any]) -> Any:
        from pypdf.generic import NameObject

        node = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject(role),
                NameObject("/P"): parent,
                NameObject("/K"): ArrayObject(kids),
            }
        )
        return writer._add_object(node)

    from pypdf.generic import NameObject

    document = element("/Document", root_ref, [])
    table = element("/Table", document, [])
    rows = [element("/TR", table, []) for _ in range(2)]
    cells = [element("/TH", rows[0], [NumberObject(0)]), element("/TH", rows[1], [])]
    table.get_object()[NameObject("/K")] = ArrayObject(rows)
    rows[0].get_object()[NameObject("/K")] = ArrayObject([cells[0]])
    rows[1].get_object()[NameObject("/K")] = ArrayObject([cells[1]])
    document.get_object()[NameObject("/K")] = ArrayObject([table])
    root.update(
        {
            NameObject("/Type"): NameObject("/StructTreeRoot"),
            NameObject("/K"): ArrayObject([document]),
        }
    )
    writer.root_object[NameObject("/StructTreeRoot")] = root_ref
    page[NameObject("/StructParents")] = NumberObject(0)
    buffer = io.BytesIO()
    writer.write(buffer)
    reader = PdfReader(io.BytesIO(finish_pdf(buffer.getvalue())))
    scopes = [
        [a.get("/Scope") for a in _attributes(e)]
        for e in structure_elements(reader.root_object["/StructTreeRoot"])
        if e["/S"] == "/TH"
    ]
    assert scopes == [["/Column"], ["/Row"]]
