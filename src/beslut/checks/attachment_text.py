"""The text of attachment files, for content checks that look inside them.

PDF text is read page by page with pypdf, DOCX text paragraph by paragraph and table by table
with python-docx; ODT files are not read. Encrypted or damaged files give no text (other
checks report them). Extracted text is cached in ``.beslut-cache/text/`` under a hash of the
file's bytes, so repeated runs do not read an unchanged file again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..state import CACHE_DIR

CACHE_VERSION = 1
TEXT_CACHE = "text"


@dataclass(frozen=True)
class TextPart:
    """A piece of an attachment's text: ``kind`` is ``sida`` (PDF page), ``stycke`` (DOCX
    paragraph, counting non-empty ones) or ``tabell`` (DOCX table), numbered from 1."""

    kind: str
    number: int
    text: str

    @property
    def place(self) -> str:
        """Return where the part is, in Swedish: ”på sidan 3”, ”i stycke 5”, ”i tabell 1”."""
        if self.kind == "sida":
            return f"på sidan {self.number}"
        return f"i {self.kind} {self.number}"


def _pdf_parts(path: Path) -> list[TextPart]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if reader.is_encrypted and not reader.decrypt(""):
        return []
    return [
        TextPart("sida", number, page.extract_text() or "")
        for number, page in enumerate(reader.pages, start=1)
    ]


def _docx_parts(path: Path) -> list[TextPart]:
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    parts = [TextPart("stycke", number, text) for number, text in enumerate(texts, start=1)]
    for number, table in enumerate(document.tables, start=1):
        cells = [cell.text for row in table.rows for cell in row.cells]
        parts.append(TextPart("tabell", number, "\n".join(cells)))
    return parts


def _extract(path: Path) -> list[TextPart]:
    """Read the text of a PDF or DOCX file (an empty list for other or unreadable files)."""
    suffix = path.suffix.lower()
    reader = {".pdf": _pdf_parts, ".docx": _docx_parts}.get(suffix)
    if reader is None:
        return []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reader(path)
    except Exception:  # damaged files fail in many ways; other checks report them
        return []


def _load(cache: Path) -> list[TextPart] | None:
    try:
        data: Any = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return None
        return [TextPart(str(k), int(n), str(t)) for k, n, t in data["parts"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _store(cache: Path, parts: list[TextPart]) -> None:
    data = {"version": CACHE_VERSION, "parts": [[p.kind, p.number, p.text] for p in parts]}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(temp, cache)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only workspace just means no cache


_SEEN: dict[tuple[Path, Path], tuple[tuple[int, int], list[TextPart]]] = {}


def text_parts(path: Path, root: Path) -> list[TextPart]:
    """Return the text of an attachment, from the workspace's cache when it is there.

    Within one process (watch mode) a file whose size and modification time are unchanged is
    not even read again.
    """
    if path.suffix.lower() not in (".pdf", ".docx"):
        return []
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
        seen = _SEEN.get((path, root))
        if seen is not None and seen[0] == stamp:
            return seen[1]
        content = path.read_bytes()
    except OSError:
        return []
    parts = _cached(path, root, content)
    if len(_SEEN) >= 1024:
        _SEEN.clear()
    _SEEN[(path, root)] = (stamp, parts)
    return parts


def _cached(path: Path, root: Path, content: bytes) -> list[TextPart]:
    key = f"{hashlib.sha256(content).hexdigest()}{path.suffix.lower()}"
    cache = root / CACHE_DIR / TEXT_CACHE / f"{key}.json"
    parts = _load(cache)
    if parts is None:
        parts = _extract(path)
        _store(cache, parts)
    return parts
