"""Checks on attachment files (PDF, DOCX, ODT) before anything is built.

Run by the validate stage for every ``bilagor:`` entry of a case and every ``handlingar:``
entry of an agenda item, so ``beslut check`` and ``beslut build`` report the same. Empty,
damaged, password-protected files and files that are not what their name says are errors; a PDF
without extractable text is a warning (not accessible); page sizes other than A4 are kept and
noted; a PDF that stops the packet from being claimed as PDF/A-2b and PDF/UA is noted
(``paket-ej-pdfa``, decided by :func:`beslut.assemble.conformance.part_conformance`). A PDF with
only an owner password (it opens without one) is taken in. Messages from the PDF and Word
libraries are never shown: every finding is a Swedish sentence that says what to do.

Findings are cached in ``.beslut-cache/bilagor/`` under a hash of the file's bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import warnings
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from beslut.atomic import write_text_atomic
from beslut.load.archive import MAX_UNPACKED_BYTES, megabytes, too_large
from beslut.load.paths import CACHE_DIR

_A4 = (595.0, 842.0)
_TOLERANCE = 6.0
CACHE_VERSION = 2
"""2: zip bombs and PDFs over pypdf's limits are ``bilaga-för-stor``."""
FINDINGS_CACHE = "bilagor"


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


def _damaged(name: str, what: str, program: str, save: str) -> Finding:
    return Finding(
        Severity.ERROR,
        "bilaga-skadad",
        f"Bilagan ”{name}” {what} och kan inte läsas. Öppna den i {program} och {save} igen.",
    )


_PDF_FIX = ("programmet den gjordes i (eller en PDF-läsare)", "spara eller exportera den som PDF")


def _empty(name: str) -> Finding:
    return Finding(
        Severity.ERROR,
        "bilaga-skadad",
        f"Bilagan ”{name}” är tom (0 byte). Lägg in rätt fil, eller ta bort bilagan.",
    )


def _unpacks_too_large(path: Path, name: str) -> Finding | None:
    """A Word or ODT file that would unpack to more than beslut reads (a "zip bomb")."""
    size = too_large(path)
    if size is None:
        return None
    return Finding(
        Severity.ERROR,
        "bilaga-för-stor",
        f"Bilagan ”{name}” packas upp till {megabytes(size)} MB; beslut läser Word- och "
        f"ODT-filer som packas upp till högst {MAX_UNPACKED_BYTES // 1_000_000} MB. Filen är "
        "troligen trasig: öppna den i Word eller LibreOffice och spara den igen, eller spara "
        "den som PDF.",
    )


def _pdf_too_large(name: str) -> Finding:
    return Finding(
        Severity.ERROR,
        "bilaga-för-stor",
        f"Bilagan ”{name}” går utöver PDF-läsarens gränser (en ström som packas upp till mer "
        "än 75 MB, ett sidträd i mer än 100 nivåer eller en lista med miljontals värden) och "
        "kan inte läsas. Filen är troligen trasig: öppna den i en PDF-läsare och skriv ut eller "
        "spara den som en ny PDF, eller dela den i flera bilagor.",
    )


def inspect_pdf(path: Path, name: str, *, conformance: bool = False) -> list[Finding]:
    """Return what is wrong or notable about the PDF at ``path`` (``name`` is shown to users);
    with ``conformance``, also whether it stops a packet's PDF/A-2b and PDF/UA claim."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _inspect_pdf(path, name, conformance)


def _inspect_pdf(path: Path, name: str, conformance: bool) -> list[Finding]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    from beslut.assemble.conformance import conformance_problem, part_conformance

    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return [_damaged(name, "kan inte öppnas", *_PDF_FIX)]
    if not head:
        return [_empty(name)]
    if b"%PDF-" not in head:
        return [_damaged(name, "är ingen PDF, fast namnet slutar på .pdf", *_PDF_FIX)]
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
            return [_damaged(name, "har inga sidor", *_PDF_FIX)]
        text = "".join((page.extract_text() or "") for page in pages[:10]).strip()
        sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages}
    except MemoryError:
        raise
    except LimitReachedError:  # pypdf's guards against decompression bombs and deep trees
        return [_pdf_too_large(name)]
    except Exception:  # pypdf fails in many ways on damaged files; its messages are English
        return [_damaged(name, "är skadad", *_PDF_FIX)]
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
    if not conformance:
        return findings
    try:
        missing = part_conformance(reader).missing
    except MemoryError:
        raise
    except Exception:  # unreadable metadata: the part cannot be claimed conforming either
        missing = ("inte PDF/A",)
    if missing:
        findings.append(
            Finding(
                Severity.WARNING,
                "paket-ej-pdfa",
                conformance_problem(f"Bilagan ”{name}”", missing),
            )
        )
    return findings


def _inspect_docx(path: Path, name: str) -> list[Finding]:
    import docx

    if not path.stat().st_size:
        return [_empty(name)]
    bomb = _unpacks_too_large(path, name)
    if bomb is not None:
        return [bomb]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            docx.Document(str(path))
    except MemoryError:
        raise
    except Exception:  # zipfile.BadZipFile, python-docx and lxml errors, all in English
        return [
            _damaged(
                name,
                "är skadad eller ingen riktig Word-fil (.docx)",
                "Word eller LibreOffice",
                "spara den som Word-dokument (.docx)",
            )
        ]
    return []


def _inspect_odt(path: Path, name: str) -> list[Finding]:
    from lxml import etree

    if not path.stat().st_size:
        return [_empty(name)]
    bomb = _unpacks_too_large(path, name)
    if bomb is not None:
        return [bomb]
    try:
        with zipfile.ZipFile(path) as archive:
            parser = etree.XMLParser(resolve_entities=False, no_network=True)
            etree.fromstring(archive.read("content.xml"), parser)
    except MemoryError:
        raise
    except Exception:  # zipfile.BadZipFile, KeyError, lxml errors, all in English
        return [
            _damaged(
                name,
                "är skadad, lösenordsskyddad eller ingen riktig ODT-fil",
                "LibreOffice",
                "spara den som ODF-textdokument (.odt) utan lösenord",
            )
        ]
    return []


def _inspect_pdf_fully(path: Path, name: str) -> list[Finding]:
    return inspect_pdf(path, name, conformance=True)


_INSPECTORS = {".pdf": _inspect_pdf_fully, ".docx": _inspect_docx, ".odt": _inspect_odt}


def inspect_attachment(path: Path, name: str, root: Path | None = None) -> list[Finding]:
    """Return the findings for an attachment file of any supported kind.

    With ``root``, findings are cached in the workspace under a hash of the file's bytes and
    the shown name, so an unchanged file is not opened again.
    """
    inspector = _INSPECTORS.get(path.suffix.lower())
    if inspector is None:
        return []
    if root is None:
        return inspector(path, name)
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
        seen = _SEEN.get((path, name, root))
        if seen is not None and seen[0] == stamp:
            return list(seen[1])  # watch mode: unchanged since the last check in this process
        content = path.read_bytes()
    except OSError:
        return inspector(path, name)
    key = hashlib.sha256(content + b"\0" + name.encode("utf-8")).hexdigest()
    cache = root / CACHE_DIR / FINDINGS_CACHE / f"{key}.json"
    found = _load(cache)
    if found is None:
        found = inspector(path, name)
        _store(cache, found)
    if len(_SEEN) >= 1024:
        _SEEN.clear()
    _SEEN[(path, name, root)] = (stamp, tuple(found))
    return found


_SEEN: dict[tuple[Path, str, Path], tuple[tuple[int, int], tuple[Finding, ...]]] = {}


def _load(cache: Path) -> list[Finding] | None:
    try:
        data: Any = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return None
        return [Finding(Severity(s), str(c), str(m)) for s, c, m in data["findings"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _store(cache: Path, found: list[Finding]) -> None:
    data = {
        "version": CACHE_VERSION,
        "findings": [[f.severity.value, f.code, f.message] for f in found],
    }
    with contextlib.suppress(OSError):  # a read-only workspace just means no cache
        write_text_atomic(cache, json.dumps(data, ensure_ascii=False))
