"""The pages and page overlays that the packet assembly draws itself, made with reportlab.

One reportlab document holds everything: first one notice page per withheld document, then one
stamp page per packet page. Using one document means one embedded Carlito subset serves both,
and ``assemble`` copies each stamp page's content stream onto its packet page instead of merging
pages (which would re-parse every page).

* A stamp page holds one small grey line ("Ärende 5 · Sida 37 av 212") drawn in the coordinate
  system of the packet page it belongs to: bottom right in the page's *visible* area (crop box),
  turned with the page's ``/Rotate`` so that it reads upright in the margin of the page as shown.
* A notice page is an A4 page saying that a document is withheld. Its text is drawn inside
  marked-content sequences (``/H1`` MCID 0, ``/P`` MCID 1 and 2) so that ``assemble`` can hang it
  in the packet's structure tree; the notice page is thereby tagged like the LibreOffice papers.

Fonts are always embedded (reportlab embeds TrueType subsets with a ToUnicode map); the standard
14 fonts are never referenced, since even reportlab's initial font selection uses Carlito.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

__all__ = [
    "A4",
    "FONT_CANDIDATES",
    "NOTICE_TAGS",
    "FontMissing",
    "Notice",
    "PageBox",
    "Stamp",
    "render_overlays",
]

MM = 72.0 / 25.4
A4 = (595.2756, 841.8898)

#: Fonts tried in order; the first that exists is embedded. Carlito is metric-compatible with
#: Calibri, the papers' own font.
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
)
_FONT_NAME = "BeslutPacketSans"

#: Stamp: 8 pt, grey, baseline 6 mm above the visible bottom edge, right-aligned 10 mm from the
#: visible right edge. The papers' footers start 12.5 mm from the bottom edge.
STAMP_SIZE = 8.0
STAMP_MIN_SIZE = 4.0
STAMP_BOTTOM = 6 * MM
STAMP_RIGHT = 10 * MM
STAMP_GREY = (0.38, 0.38, 0.38)  # DeviceRGB, matching the sRGB output intent of the papers

#: Structure types of a notice page's marked-content sequences, in MCID order.
NOTICE_TAGS = ("/H1", "/P", "/P")

_register_lock = threading.Lock()


class FontMissing(Exception):
    """No usable TrueType font; ``str()`` is a Swedish message."""


@dataclass(frozen=True)
class PageBox:
    """The visible area of a page in its own user space, plus its ``/Rotate`` (0/90/180/270)."""

    x0: float
    y0: float
    x1: float
    y1: float
    rotation: int = 0

    @property
    def shown_size(self) -> tuple[float, float]:
        """Width and height as the page is shown (after ``/Rotate``)."""
        width, height = self.x1 - self.x0, self.y1 - self.y0
        return (height, width) if self.rotation in (90, 270) else (width, height)

    def shown_to_user(self) -> tuple[float, float, float, float, float, float]:
        """The ``cm`` matrix from "as shown" coordinates (origin bottom left) to user space."""
        x0, y0, x1, y1 = self.x0, self.y0, self.x1, self.y1
        if self.rotation == 90:  # shown turned a quarter clockwise
            return (0.0, 1.0, -1.0, 0.0, x1, y0)
        if self.rotation == 180:
            return (-1.0, 0.0, 0.0, -1.0, x1, y1)
        if self.rotation == 270:
            return (0.0, -1.0, 1.0, 0.0, x0, y1)
        return (1.0, 0.0, 0.0, 1.0, x0, y0)


@dataclass(frozen=True)
class Stamp:
    """One packet page's stamp line."""

    text: str
    box: PageBox


@dataclass(frozen=True)
class Notice:
    """A notice page that stands in for a withheld document."""

    title: str
    """The withheld document's title: the page's heading."""
    notice: str
    """Why it is withheld, e.g. "Handlingen omfattas av sekretess enligt 25 kap. 1 § OSL …"."""
    context: str
    """Where it belongs, e.g. "Handlingen hör till ärende 5: Direktiv – …"."""


def font_name() -> str:
    """Register the embedded font with reportlab (once) and return its reportlab name."""
    with _register_lock:
        if _FONT_NAME in pdfmetrics.getRegisteredFontNames():
            return _FONT_NAME
        for candidate in FONT_CANDIDATES:
            if candidate.is_file():
                pdfmetrics.registerFont(TTFont(_FONT_NAME, str(candidate)))
                return _FONT_NAME
    names = ", ".join(str(path) for path in FONT_CANDIDATES)
    raise FontMissing(
        "Typsnittet för sidstämplarna saknas (sökte efter "
        f"{names}); installera fonts-crosextra-carlito."
    )


def render_overlays(notices: Sequence[Notice], stamps: Sequence[Stamp]) -> bytes:
    """A PDF with ``len(notices)`` notice pages followed by ``len(stamps)`` stamp pages."""
    font = font_name()
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A4,
        pageCompression=0,  # the stamp streams are copied as they are; they are tiny
        invariant=1,
        initialFontName=font,
        initialFontSize=STAMP_SIZE,
    )
    for notice in notices:
        _draw_notice(canvas, font, notice)
    for stamp in stamps:
        _draw_stamp(canvas, font, stamp)
    canvas.save()
    return buffer.getvalue()


def _draw_stamp(canvas: Canvas, font: str, stamp: Stamp) -> None:
    box = stamp.box
    canvas.setPageSize((box.x1 - box.x0, box.y1 - box.y0))
    width, _height = box.shown_size
    size = STAMP_SIZE
    room = width - 2 * STAMP_RIGHT
    text_width = pdfmetrics.stringWidth(stamp.text, font, size)
    if text_width > room > 0:
        size = max(STAMP_MIN_SIZE, size * room / text_width)
    right = width - STAMP_RIGHT if width > 2 * STAMP_RIGHT else width - 1.0
    canvas.saveState()
    canvas.transform(*box.shown_to_user())
    canvas.setFillColorRGB(*STAMP_GREY)
    canvas.setFont(font, size)
    canvas.drawRightString(right, STAMP_BOTTOM, stamp.text)
    canvas.restoreState()
    canvas.showPage()


def _draw_notice(canvas: Canvas, font: str, notice: Notice) -> None:
    width, height = A4
    left = 25 * MM
    text_width = width - 2 * left
    y = height - 35 * MM
    canvas.setPageSize(A4)
    canvas.setFillColorRGB(0, 0, 0)
    blocks = ((notice.title, 16.0, 20.0), (notice.notice, 11.0, 14.5), (notice.context, 11.0, 14.5))
    for mcid, ((text, size, leading), tag) in enumerate(zip(blocks, NOTICE_TAGS, strict=True)):
        canvas.addLiteral(f"{tag} <</MCID {mcid}>> BDC")
        canvas.setFont(font, size)
        for line in simpleSplit(" ".join(text.split()), font, size, text_width) or [""]:
            canvas.drawString(left, y, line)
            y -= leading
        canvas.addLiteral("EMC")
        y -= leading * 0.8
    canvas.showPage()
