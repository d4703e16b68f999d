"""Checks on attachment PDFs before they go into a packet.

Encrypted or damaged files are errors (naming the file); a file without extractable text is a
warning (not accessible); page sizes other than A4 are kept and noted. Nothing is left out
silently: every problem becomes a diagnostic at the place the attachment is referenced.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

_A4 = (595.0, 842.0)
_TOLERANCE = 6.0


class Severity(StrEnum):
    """How serious an attachment finding is."""

    ERROR = "fel"
    WARNING = "varning"
    NOTE = "notering"


@dataclass(frozen=True)
class Finding:
    """One thing found about an attachment, in Swedish."""

    severity: Severity
    code: str
    message: str


def _is_a4(width: float, height: float) -> bool:
    short, long = sorted((width, height))
    return abs(short - _A4[0]) <= _TOLERANCE and abs(long - _A4[1]) <= _TOLERANCE


def inspect_pdf(path: Path, name: str) -> list[Finding]:
    """Return what is wrong or notable about the PDF at ``path`` (``name`` is shown to users)."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return [
                Finding(
                    Severity.ERROR,
                    "bilaga-krypterad",
                    f"Bilagan ”{name}” är lösenordsskyddad och kan inte tas med. Spara en version "
                    "utan lösenord.",
                )
            ]
        pages = list(reader.pages)
        if not pages:
            raise PdfReadError("inga sidor")
        text = "".join((page.extract_text() or "") for page in pages[:10]).strip()
        sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        return [
            Finding(
                Severity.ERROR,
                "bilaga-skadad",
                f"Bilagan ”{name}” är skadad eller ingen PDF och kan inte läsas ({exc}). "
                "Exportera den till PDF igen.",
            )
        ]
    findings = []
    if not text:
        findings.append(
            Finding(
                Severity.WARNING,
                "bilaga-utan-text",
                f"Bilagan ”{name}” har ingen sökbar text (troligen en skannad bild) och är inte "
                "tillgänglig för skärmläsare. Be om en textbaserad version eller kör OCR.",
            )
        )
    odd = sorted(f"{w}×{h} pt" for w, h in sizes if not _is_a4(w, h))
    if odd:
        findings.append(
            Finding(
                Severity.NOTE,
                "bilaga-sidformat",
                f"Bilagan ”{name}” har sidor som inte är A4 ({', '.join(odd)}); de tas med i "
                "sitt eget format.",
            )
        )
    return findings
