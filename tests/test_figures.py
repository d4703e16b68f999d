"""Figures in the body: ![alt](bild.png "Bildtext"){bredd=60%} → a picture with alt text.

The image file is read by ``render.images.read_image`` (PNG, JPEG, SVG rasterised to PNG),
checked by ``beslut check`` (alt text required, the file must be usable), declared as an input
of the paper (an edited image rebuilds it) and tagged as a Figure with /Alt in the PDF.
"""

from __future__ import annotations

import io
import shutil
import struct
import zlib
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from beslut.convert.libreoffice import FakeConverter
from beslut.pipeline import build
from beslut.render import images
from beslut.render.images import ImageProblem, read_image
from conftest import CASE, MakeWorkspace, findings, need, pdf_figures

CASE_REL = "content/ärenden/ok.md"
ALT = "Stapeldiagram över kostnaderna per år"
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">'
    '<rect width="400" height="200" fill="#fff"/><rect x="20" y="50" width="80" height="150" '
    'fill="#1f5f8b"/><text x="150" y="100" font-size="20">2020</text></svg>\n'
)


def png(width: int, height: int, color: bytes = b"\xff\xff\xff", *, data: bool = True) -> bytes:
    """An RGB PNG of one colour (``data=False``: only the header says how big it is)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + color * width for _ in range(height)) if data else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg(width: int, height: int) -> bytes:
    from PIL import Image  # reportlab's dependency

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def need_rsvg() -> None:
    need(bool(shutil.which("rsvg-convert")), "rsvg-convert (librsvg2-bin)")


def case(body: str) -> str:
    return CASE.replace("Text med å, ä och ö.\n", body)


def figure_case(extra: str = "") -> str:
    return case(
        "Kostnaderna har ökat.\n\n"
        f'![{ALT}](../bilder/diagram.png "Bild 1. Kostnader 2020–2022"){{bredd=50%}}\n\n'
        f"Texten fortsätter.{extra}\n"
    )


# --------------------------------------------------------------------------- read_image


def test_read_image_png_jpeg_and_svg(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(png(30, 20))
    (tmp_path / "b.jpg").write_bytes(jpeg(40, 10))
    loaded = read_image(tmp_path / "a.png")
    assert (loaded.content_type, loaded.width_px, loaded.height_px) == ("image/png", 30, 20)
    assert loaded.source == tmp_path / "a.png"
    loaded = read_image(tmp_path / "b.jpg")
    assert (loaded.content_type, loaded.width_px, loaded.height_px) == ("image/jpeg", 40, 10)
    need_rsvg()
    (tmp_path / "c.svg").write_text(SVG, encoding="utf-8")
    loaded = read_image(tmp_path / "c.svg")
    # python-docx cannot embed SVG: it becomes a PNG in the SVG's proportions
    assert loaded.content_type == "image/png" and loaded.data.startswith(b"\x89PNG")
    assert loaded.width_px == 2 * loaded.height_px and loaded.width_px >= 1200


def test_an_svg_is_rasterised_once_per_content_and_again_after_an_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-lived process (watch, the build service) rasterises an unchanged logo once."""
    need_rsvg()
    calls: list[bytes] = []
    real = images._rasterise_svg

    def counted(path: Path, data: bytes) -> bytes:
        calls.append(data)
        return real(path, data)

    monkeypatch.setattr(images, "_rasterise_svg", counted)
    monkeypatch.setattr(images, "_IMAGES", images._ImageCache())
    logo, copy = tmp_path / "logo.svg", tmp_path / "kopia.svg"
    logo.write_text(SVG, encoding="utf-8")
    copy.write_text(SVG, encoding="utf-8")
    first = read_image(logo)
    again = read_image(copy)  # the same bytes under another name
    assert len(calls) == 1
    assert again.data == first.data and again.source == copy
    # Edited in place (same path): rasterised again, and the new drawing is what is returned.
    logo.write_text(SVG.replace('width="400" height="200"', 'width="400" height="400"'), "utf-8")
    edited = read_image(logo)
    assert len(calls) == 2
    assert edited.width_px == edited.height_px and first.width_px == 2 * first.height_px


def test_read_image_problems_are_swedish(tmp_path: Path) -> None:
    with pytest.raises(ImageProblem, match=r"”saknas\.png” finns inte"):
        read_image(tmp_path / "saknas.png")
    (tmp_path / "text.png").write_text("inte en bild", encoding="utf-8")
    with pytest.raises(ImageProblem, match=r"”text\.png” är ingen PNG-bild: innehållet känns inte"):
        read_image(tmp_path / "text.png")
    (tmp_path / "bild.gif").write_bytes(b"GIF89a" + bytes(20))
    with pytest.raises(ImageProblem, match=r"format som inte stöds\. Använd PNG, JPEG eller SVG"):
        read_image(tmp_path / "bild.gif")
    (tmp_path / "stor.png").write_bytes(png(9000, 9000, data=False))
    with pytest.raises(ImageProblem, match=r"för stor \(9000 × 9000 bildpunkter\)"):
        read_image(tmp_path / "stor.png")
    (tmp_path / "mapp.png").mkdir()
    with pytest.raises(ImageProblem, match="ingen fil"):
        read_image(tmp_path / "mapp.png")
    need_rsvg()
    (tmp_path / "trasig.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><rect", "utf-8")
    with pytest.raises(ImageProblem, match=r"”trasig\.svg” är skadad"):
        read_image(tmp_path / "trasig.svg")


# --------------------------------------------------------------------------- check


def test_missing_alt_text_file_and_width_are_located_errors(make_workspace: MakeWorkspace) -> None:
    body = (
        "Inledning.\n\n"
        "![](../bilder/diagram.png)\n\n"
        "Se ![Karta](../bilder/karta.png) här.\n\n"
        "![Logga](../bilder/diagram.png){bredd=150%}\n\n"
        "![Webb](https://example.org/a.png)\n"
    )
    root = make_workspace({CASE_REL: case(body), "content/bilder/diagram.png": png(10, 10)})
    first = case(body).splitlines().index("![](../bilder/diagram.png)") + 1
    found = findings(root, "bild-alt-saknas", "bild-fel", "bild-bredd")
    assert found == [
        f"{CASE_REL}:{first}:1: fel: Bilden ”../bilder/diagram.png” saknar alternativtext. Skriv "
        "vad bilden visar mellan hakparenteserna, t.ex. ![Diagram över kostnader per år]"
        "(../bilder/diagram.png); texten läses upp av skärmläsare och krävs i en tillgänglig "
        "handling. [bild-alt-saknas]",
        f"{CASE_REL}:{first + 2}:4: fel: Bilden ”karta.png” finns inte. Kontrollera filnamnet "
        "(stora och små bokstäver räknas) och att sökvägen är relativ till filen som använder "
        "bilden. [bild-fel]",
        f"{CASE_REL}:{first + 4}:1: fel: Bredden ”150%” kan inte användas. Skriv en andel av "
        "textbredden eller ett mått, t.ex. {bredd=60%} eller {bredd=8 cm} (högst 100 % eller "
        "30 cm). [bild-bredd]",
        f"{CASE_REL}:{first + 6}:1: fel: Bilden ”https://example.org/a.png” är en webbadress. "
        "Spara bilden i arbetsytan, t.ex. i content/bilder/, och ange sökvägen relativt till "
        "ärendefilen. [bild-fel]",
    ]


def test_unreadable_image_is_an_error_and_the_figure_is_not_a_stray_file(
    make_workspace: MakeWorkspace,
) -> None:
    whole = png(10, 10)
    root = make_workspace({CASE_REL: figure_case(), "content/bilder/diagram.png": whole[:60]})
    assert [f.split(": ", 2)[2] for f in findings(root, "bild-fel")] == [
        "Bilden ”diagram.png” är skadad och kan inte läsas. Spara om den som PNG eller JPEG. "
        "[bild-fel]"
    ]
    (root / "content" / "bilder" / "diagram.png").write_bytes(png(10, 10))
    assert findings(root, "bild-fel", "fil-ej-listad", "procent") == []


# --------------------------------------------------------------------------- the .docx


def build_docx(root: Path) -> Any:
    report = build(root, formats=("docx",), converter=FakeConverter())
    assert report.ok, [d.format() for d in report.diagnostics]
    return docx.Document(str(root / "output" / "ärenden" / "ok.docx"))


def test_figure_is_a_centred_picture_with_alt_text_width_and_caption(
    make_workspace: MakeWorkspace,
) -> None:
    root = make_workspace({CASE_REL: figure_case(), "content/bilder/diagram.png": png(300, 150)})
    document = build_docx(root)
    (shape,) = document.inline_shapes
    doc_pr = shape._inline.docPr
    assert doc_pr.get("descr") == ALT  # LibreOffice exports it as the Figure's /Alt
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert abs(shape.width - text_width // 2) < 2 * 635  # {bredd=50%}
    assert shape.height * 2 == pytest.approx(shape.width, abs=2)
    paragraphs = document.paragraphs
    index = next(
        i for i, p in enumerate(paragraphs) if p._p.find(".//" + qn("w:drawing")) is not None
    )
    picture, caption = paragraphs[index], paragraphs[index + 1]
    assert picture.style.name == "Bild" and picture.text == ""
    assert picture.paragraph_format.keep_with_next is True  # never apart from its caption
    assert (caption.style.name, caption.text) == ("Bildtext", "Bild 1. Kostnader 2020–2022")
    assert paragraphs[index - 1].text == "Kostnaderna har ökat."
    assert paragraphs[index + 2].text == "Texten fortsätter."


def test_svg_figure_is_embedded_as_png(make_workspace: MakeWorkspace) -> None:
    need_rsvg()
    body = f"![{ALT}](../bilder/diagram.svg)\n"
    root = make_workspace({CASE_REL: case(body), "content/bilder/diagram.svg": SVG})
    document = build_docx(root)
    (shape,) = document.inline_shapes
    assert shape._inline.docPr.get("descr") == ALT
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    part = document.part.related_parts[blip.embed]
    assert part.content_type == "image/png" and part.blob.startswith(b"\x89PNG")
    # no caption: the picture stands alone, at most the text width
    section = document.sections[-1]
    assert shape.width <= section.page_width - section.left_margin - section.right_margin


def test_edited_image_rebuilds_the_paper(make_workspace: MakeWorkspace) -> None:
    root = make_workspace({CASE_REL: figure_case(), "content/bilder/diagram.png": png(30, 15)})
    first = build(root, formats=("docx",), converter=FakeConverter())
    assert first.ok and CASE_REL in first.changed
    again = build(root, formats=("docx",), converter=FakeConverter())
    assert CASE_REL not in again.changed
    (root / "content" / "bilder" / "diagram.png").write_bytes(png(30, 15, b"\x00\x00\x00"))
    edited = build(root, formats=("docx",), converter=FakeConverter())
    assert CASE_REL in edited.changed
    assert "diagram.png har ändrats" in edited.reasons[CASE_REL]


# --------------------------------------------------------------------------- the PDF


@pytest.mark.libreoffice
def test_pdf_tags_the_figure_with_its_alt_text(
    make_workspace: MakeWorkspace, require_libreoffice: None
) -> None:
    need_rsvg()
    body = (
        "Kostnaderna har ökat.\n\n"
        f'![{ALT}](../bilder/diagram.svg "Bild 1. Kostnader 2020–2022"){{bredd=60%}}\n'
    )
    root = make_workspace({CASE_REL: case(body), "content/bilder/diagram.svg": SVG})
    report = build(root, formats=("pdf",))
    assert report.ok, [d.format() for d in report.diagnostics]
    reader = PdfReader(str(root / "output" / "ärenden" / "ok.pdf"))
    figures = pdf_figures(reader)
    assert [str(f.get("/Alt")) for f in figures] == [ALT]
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Bild 1. Kostnader 2020–2022" in text


def test_an_image_that_breaks_after_the_check_fails_only_its_paper(
    make_workspace: MakeWorkspace,
) -> None:
    from beslut.render.case import render_case
    from beslut.validate.workspace import load_workspace

    root = make_workspace({CASE_REL: figure_case(), "content/bilder/diagram.png": png(30, 15)})
    workspace = load_workspace(root)
    (document,) = workspace.cases
    assert workspace.profile is not None
    (root / "content" / "bilder" / "diagram.png").unlink()
    rendered = render_case(document, workspace.profile, root)
    line = (
        figure_case()
        .splitlines()
        .index(next(x for x in figure_case().splitlines() if x.startswith("![")))
        + 1
    )
    assert [d.format() for d in rendered.warnings] == [
        f"{CASE_REL}:{line}:1: fel: Bilden ”diagram.png” finns inte. Kontrollera filnamnet "
        "(stora och små bokstäver räknas) och att sökvägen är relativ till filen som använder "
        "bilden. [bild-fel]"
    ]
