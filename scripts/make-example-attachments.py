"""Write the example's external attachments, content/bilagor/*.pdf, as an organisation would.

Each attachment is written as a Word document (python-docx) and exported by LibreOffice as a
tagged PDF/A-2b, PDF/UA-1 file through beslut's own converter, so the PDF finisher runs, just
as for the papers beslut makes. The result passes ``beslut granska content/bilagor``, and the
meeting packets that contain these attachments can then be claimed as PDF/A-2b and PDF/UA.

Run from the repository root (needs LibreOffice and python3-uno, like ``beslut build``):

    PYTHONPATH=src .venv/bin/python scripts/make-example-attachments.py

The .docx sources are written to a temporary folder and not kept; the text lives here.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from beslut.convert.libreoffice import ConversionJob, LibreOfficeConverter, PdfOptions

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "content" / "bilagor"

#: PDF/A-2b, tagged, PDF/UA-1: the options an organisation ticks when it exports for archiving.
OPTIONS = PdfOptions(pdfa=True, tagged=True, pdfua=True, bookmarks=True)

Block = tuple[str, Any]
"""One piece of a document: ("title" | "heading" | "text" | "bullets" | "numbers" | "page" |
"signature", value)."""


@dataclass(frozen=True)
class Attachment:
    file: str
    title: str
    """The document's title property (the PDF's /Title and dc:title)."""
    author: str
    date: dt.date
    font: str
    blocks: Sequence[Block]
    footer: str | None = None
    """Footer text before "sida N av M"; None: no footer."""


PLAN = Attachment(
    file="förändrings-och-genomförandeplan-2022-2025.pdf",
    title="Förändrings- och genomförandeplan för Framtidens hälsosystem 2022–2025",
    author="Region Skåne",
    date=dt.date(2022, 5, 30),
    font="Calibri",
    blocks=(
        ("text", "Region Skåne"),
        ("text", "Hälso- och sjukvårdsnämnden"),
        ("title", "Förändrings- och genomförandeplan för Framtidens hälsosystem 2022–2025"),
        ("text", "Maj 2022"),
        ("page", None),
        ("text", "Bilaga till beslutsförslag 2022-05-30, ärendenummer 2020-POL000027."),
        ("heading", "Inledning"),
        (
            "text",
            "Regionfullmäktige fastställde 2020 Målbild och färdplan för framtidens "
            "hälsosystem. Hälso- och sjukvårdsnämnden fastställde i december 2021 Mål och "
            "strategi för Framtidens hälsosystem. Denna förändrings- och genomförandeplan "
            "konkretiserar strategin med milstolpar och önskade effekter på kort sikt för "
            "perioden 2022–2025. Planen utvärderas och revideras årligen.",
        ),
        ("heading", "Den strategiska kartan"),
        (
            "text",
            "Planen beskriver strategiskt viktiga milstolpar i färdplanens sju insatsområden. "
            "Milstolparna är i många fall beroende av eller påverkar varandra och bildar "
            "tillsammans en strategisk karta. Kartan är ett verktyg för att få överblick, "
            "orientera sig och följa vilka steg som behöver tas, när och i vilken ordning. För "
            "varje milstolpe beskrivs de önskade effekterna för invånarna, systemet och "
            "verksamheterna när milstolpen är uppnådd.",
        ),
        ("heading", "De sju insatsområdena"),
        (
            "numbers",
            (
                "Hälsofrämjande och förebyggande arbete – fler insatser som stärker hälsan "
                "innan sjukdom uppstår, i samverkan med kommunerna och civilsamhället.",
                "Invånarens delaktighet och egenvård – invånaren är medskapare i sin egen vård "
                "och får stöd att ta ansvar för sin hälsa.",
                "Nära vård med primärvården som bas – vården ges så nära invånaren som möjligt "
                "och primärvårdens uppdrag stärks.",
                "Sammanhållen och koncentrerad specialiserad vård – sjukhusens uppdrag renodlas "
                "och vård som kräver särskild kompetens samlas.",
                "Kompetensförsörjning och nya arbetssätt – rätt kompetens på rätt plats och "
                "arbetssätt som tar tillvara medarbetarnas kunskap.",
                "Digitalisering och kunskapsstyrning – digitala vårdtjänster och data som stöd "
                "för beslut, uppföljning och lärande.",
                "Styrning, ersättning och uppföljning – styrmodeller och ersättningssystem som "
                "stödjer omställningen mot framtidens hälsosystem.",
            ),
        ),
        ("heading", "Milstolpar och beslut"),
        (
            "text",
            "Alla milstolpar för 2022 har redan beslutats på olika nivåer i Region Skåne. För "
            "kommande år hanteras beslut om åtgärder, lösningar och uppdrag i ordinarie "
            "ärendeprocesser eller i Region Skånes verksamhetsplans- och budgetprocesser. "
            "Planen är ingen lista över kommande beslut utan en översikt av Region Skånes "
            "rörelse mot framtiden.",
        ),
        ("heading", "Uppföljning"),
        (
            "text",
            "Planen utvärderas årligen mot de kortsiktiga effekterna och de långsiktiga "
            "målbilderna. Den parlamentariska gruppen för framtidens hälsosystem följer "
            "utvecklingen av färdplanen, mål och strategi samt förändrings- och "
            "genomförandeplanen.",
        ),
    ),
)

NORRA = Attachment(
    file="norra-sjukvårdsregionförbundet-2020.pdf",
    title="Sammanfattning av samverkan i Norra sjukvårdsregionen 2020",
    author="Norra sjukvårdsregionförbundet",
    date=dt.date(2021, 2, 15),
    font="Arial",
    blocks=(
        ("title", "Samverkan i Norra sjukvårdsregionen 2020"),
        (
            "text",
            "Norra sjukvårdsregionförbundet är ett kommunalförbund som bildades 2005 av de fyra "
            "regionerna i norra Sverige: Region Jämtland Härjedalen, Region Västernorrland, "
            "Region Västerbotten och Region Norrbotten.",
        ),
        ("text", "Sammanfattning av ärenden under 2020:"),
        (
            "bullets",
            (
                "avtal om högspecialiserad vård inom sjukvårdsregionen,",
                "verksamhetsplan för kunskapsstyrning,",
                "utvecklingsplan för cancervården,",
                "gemensamma utbildnings- och forskningsfrågor.",
            ),
        ),
        ("text", "Förbundsdirektionen har tre ledamöter och tre ersättare från varje region."),
    ),
)

DIRECTIVE = Attachment(
    file="programdirektiv.pdf",
    title="Programdirektiv – strukturförändring i hälso- och sjukvården",
    author="Hälso- och sjukvårdsförvaltningen",
    date=dt.date(2025, 9, 1),
    font="Liberation Serif",
    blocks=(
        ("title", "Programdirektiv – strukturförändring i hälso- och sjukvården"),
        ("text", "Bilaga till ärende 25HSN3392."),
        ("text", "Direktivet anger ramar, mål, organisation och tidplan för programmet."),
    ),
)

AUDIT = Attachment(
    file="revisionsrapport-fallprevention.pdf",
    title="Revisionsrapport – det fallförebyggande arbetet (sammanfattning)",
    author="Regionens revisorer",
    date=dt.date(2019, 6, 14),
    font="Liberation Sans",
    footer="Revisionsrapport 2019",
    blocks=(
        ("title", "Revisionsrapport: Granskning av det fallförebyggande arbetet"),
        ("heading", "Sammanfattning"),
        (
            "text",
            "Regionens revisorer har på uppdrag av revisionen granskat hur det "
            "fallförebyggande arbetet bedrivs i regionen. Granskningen genomfördes under våren "
            "2019 genom dokumentstudier och intervjuer med företrädare för hälso- och "
            "sjukvården, primärvården och länets kommuner.",
        ),
        ("heading", "Revisionell bedömning"),
        (
            "text",
            "Vår sammanfattande bedömning är att det fallförebyggande arbetet delvis bedrivs på "
            "ett ändamålsenligt sätt. Det finns ett engagemang i verksamheterna, men arbetet är "
            "inte samordnat mellan regionen och kommunerna, och det saknas en gemensam "
            "uppföljning av antalet fallskador.",
        ),
        (
            "text",
            "Fallskador bland äldre är ett stort folkhälsoproblem. Varje år skadas ett stort "
            "antal personer som är 80 år och äldre så allvarligt vid fall att de behöver "
            "sjukhusvård. Skadorna medför lidande för den enskilde och betydande kostnader för "
            "både region och kommun.",
        ),
        ("page", None),
        ("heading", "Rekommendationer"),
        ("text", "Utifrån granskningen rekommenderar vi hälso- och sjukvårdsnämnden att:"),
        (
            "numbers",
            (
                "ta fram en länsgemensam plan för fallprevention tillsammans med länets kommuner,",
                "säkerställa att riskbedömningar för fall genomförs och dokumenteras på ett "
                "enhetligt sätt,",
                "fastställa mål och mätetal för det fallförebyggande arbetet och följa upp dem "
                "regelbundet,",
                "tydliggöra ansvaret för det fallförebyggande arbetet i de lokala "
                "samverkansgrupperna.",
            ),
        ),
        (
            "text",
            "Revisionen kommer att följa upp nämndens åtgärder med anledning av granskningen. "
            "Nämndens svar och återrapportering av den utvärdering som nämnden har beslutat om "
            "lämnas till revisorerna.",
        ),
        ("signature", ("För regionens revisorer", "Ingrid Westin, certifierad kommunal revisor")),
    ),
)

ATTACHMENTS = (PLAN, NORRA, DIRECTIVE, AUDIT)


# --------------------------------------------------------------------------------------------
# Word documents
# --------------------------------------------------------------------------------------------


def _set_language_and_font(document: Any, font: str) -> None:
    """Swedish and ``font`` in the document defaults and every style that names a font."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for element in styles.iter(qn("w:rPr")):
        fonts = element.find(qn("w:rFonts"))
        if element is rpr or fonts is not None:
            if fonts is None:
                fonts = OxmlElement("w:rFonts")
                element.insert(0, fonts)
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), font)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")
    lang.set(qn("w:bidi"), "ar-SA")
    for element in styles.iter(qn("w:lang")):
        element.set(qn("w:val"), "sv-SE")
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        for attr in list(theme_lang.attrib):
            del theme_lang.attrib[attr]
        theme_lang.set(qn("w:val"), "sv-SE")


def _style(document: Any, font: str) -> None:
    _set_language_and_font(document, font)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    title = styles["Title"]
    title.font.size = Pt(20)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0, 0, 0)
    title.paragraph_format.space_after = Pt(12)
    # python-docx's Title has a bottom border; a plain title reads as most organisations' do.
    border = title.element.find(qn("w:pPr")).find(qn("w:pBdr"))
    if border is not None:
        border.getparent().remove(border)
    heading = styles["Heading 1"]
    heading.font.size = Pt(13)
    heading.font.bold = True
    heading.font.color.rgb = RGBColor(0, 0, 0)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(4)


def _field(paragraph: Any, code: str, shown: str) -> None:
    """A PAGE or NUMPAGES field, as Word writes it."""
    for kind, text in (("begin", None), ("instr", code), ("separate", None), ("text", shown)):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {text} "
            run._r.append(instr)
        elif kind == "text":
            run.text = shown
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _footer(document: Any, text: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["Footer"]
    paragraph.add_run(f"{text} – sida ")
    _field(paragraph, "PAGE", "1")
    paragraph.add_run(" av ")
    _field(paragraph, "NUMPAGES", "1")
    for run in paragraph.runs:
        run.font.size = Pt(8)


def _list(document: Any, items: Sequence[str], style: str) -> None:
    for item in items:
        document.add_paragraph(item, style=style)


def _signature(document: Any, lines: Sequence[str]) -> None:
    first, *rest = lines
    document.add_paragraph(first).paragraph_format.space_before = Pt(18)
    for line in rest:
        document.add_paragraph(line)


def _page_break(document: Any) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


BUILDERS: dict[str, Callable[[Any, Any], None]] = {
    "title": lambda document, text: document.add_paragraph(text, style="Title"),
    "heading": lambda document, text: document.add_heading(text, level=1),
    "text": lambda document, text: document.add_paragraph(text),
    "bullets": lambda document, items: _list(document, items, "List Bullet"),
    "numbers": lambda document, items: _list(document, items, "List Number"),
    "signature": _signature,
    "page": lambda document, _: _page_break(document),
}


def write_docx(attachment: Attachment, path: Path) -> None:
    document = Document()
    _style(document, attachment.font)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.0)
    for kind, value in attachment.blocks:
        BUILDERS[kind](document, value)
    if attachment.footer:
        _footer(document, attachment.footer)
    props = document.core_properties
    props.title = attachment.title
    props.author = attachment.author
    props.last_modified_by = attachment.author
    props.language = "sv-SE"
    props.subject = ""
    props.keywords = ""
    props.comments = ""
    created = dt.datetime.combine(attachment.date, dt.time(9, 0))
    props.created = created
    props.modified = created
    props.revision = 1
    document.save(str(path))


# --------------------------------------------------------------------------------------------
# PDF export
# --------------------------------------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    chosen = [a for a in ATTACHMENTS if not argv or a.file in argv]
    with tempfile.TemporaryDirectory(prefix="beslut-bilagor-") as temp:
        jobs = []
        for attachment in chosen:
            source = Path(temp) / Path(attachment.file).with_suffix(".docx").name
            write_docx(attachment, source)
            jobs.append(
                ConversionJob(
                    source, TARGET / attachment.file, f"content/bilagor/{attachment.file}"
                )
            )
        with LibreOfficeConverter(workers=1, pdf_options=OPTIONS) as converter:
            results = converter.convert(jobs)
    failed = [r for r in results if not r.ok]
    for result in results:
        print(result.message if not result.ok else f"skrev {result.job.label}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
