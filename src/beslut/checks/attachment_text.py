"""The text of attachment files, for content checks that look inside them.

Every channel a reader of the published file can see is read, not just the body text:

* PDF (pypdf): the text of each page, the bookmarks (outline), the document information
  (title, subject, author, keywords …) and XMP metadata, annotations (comments, notes) and
  form field values. A PDF with only an owner password (opens without one) is read.
* DOCX (python-docx): paragraphs, tables, text boxes, headers, footers, footnotes, endnotes,
  comments and the core properties.
* ODT: paragraphs and headings (tables, frames and comments included), headers and footers,
  and the metadata in meta.xml.

A file that cannot be read (damaged, password-protected, or a PDF without any text on its
pages, e.g. a scan) carries a Swedish ``problem`` saying so, so the checks never pass it
unread. Results are cached in ``.beslut-cache/text/`` under a hash of the file's bytes, so
repeated runs do not read an unchanged file again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from beslut.atomic import write_text_atomic
from beslut.load.paths import CACHE_DIR

CACHE_VERSION = 2
TEXT_CACHE = "text"
SUFFIXES = (".pdf", ".docx", ".odt")

_SINGLE_PLACES = {
    "sidhuvud": "i sidhuvudet",
    "sidfot": "i sidfoten",
    "fotnot": "i fotnoterna",
    "slutnot": "i slutnoterna",
    "kommentar": "i kommentarerna",
}


@dataclass(frozen=True)
class TextPart:
    """A piece of an attachment's text, numbered from 1 within its kind.

    ``kind``: ``sida`` (PDF page), ``stycke`` (paragraph, counting non-empty ones),
    ``tabell``, ``textruta``, ``bokmärke`` (PDF outline entry), ``anteckning`` (PDF annotation
    on page ``number``), ``formulärfält``, ``egenskap`` (document property ``name``),
    ``sidhuvud``, ``sidfot``, ``fotnot``, ``slutnot`` or ``kommentar``.
    """

    kind: str
    number: int
    text: str
    name: str = ""

    @property
    def place(self) -> str:
        """Return where the part is, in Swedish: ”på sidan 3”, ”i stycke 5”, ”i tabell 1”."""
        if self.kind == "sida":
            return f"på sidan {self.number}"
        if self.kind == "anteckning":
            return f"i en kommentar eller anteckning på sidan {self.number}"
        if self.kind == "egenskap":
            return f"i dokumentegenskapen ”{self.name}”"
        if self.kind == "formulärfält":
            return f"i formulärfältet ”{self.name}”"
        if self.kind in _SINGLE_PLACES:
            return _SINGLE_PLACES[self.kind]
        return f"i {self.kind} {self.number}"


@dataclass(frozen=True)
class AttachmentText:
    """What could be read of an attachment; ``problem`` says (in Swedish, after the file
    name) why it could not be examined, e.g. ”är lösenordsskyddad”."""

    parts: list[TextPart] = field(default_factory=list)
    problem: str | None = None


class Unreadable(Exception):
    """An attachment cannot be read; ``str()`` is a Swedish predicate (”är skadad …”)."""


# --- PDF ------------------------------------------------------------------------------------

_INFO_NAMES = {
    "/Title": "Titel",
    "/Subject": "Ämne",
    "/Author": "Författare",
    "/Keywords": "Nyckelord",
    "/Creator": "Program",
    "/Producer": "PDF-tillverkare",
}


def _pdf(path: Path) -> AttachmentText:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("är lösenordsskyddad")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Unreadable:
        raise
    except Exception as exc:  # pypdf fails in many ways on damaged files
        raise Unreadable("är skadad eller ingen riktig PDF") from exc
    parts = [TextPart("sida", n, text) for n, text in enumerate(pages, start=1)]
    # The other channels are read one by one: a damaged outline must not hide the metadata.
    for channel in (_pdf_outline, _pdf_properties, _pdf_annotations, _pdf_fields):
        try:
            parts.extend(channel(reader))
        except Exception:  # a damaged channel shows nothing in a reader either
            continue
    problem = None if any(text.strip() for text in pages) else _NO_TEXT
    return AttachmentText(parts, problem)


_NO_TEXT = "har ingen sökbar text (troligen en inskannad bild)"


def _pdf_outline(reader: Any) -> Iterator[TextPart]:
    def walk(items: Iterable[Any]) -> Iterator[str]:
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield str(item.title or "")

    for number, title in enumerate(walk(reader.outline), start=1):
        yield TextPart("bokmärke", number, title)


def _pdf_properties(reader: Any) -> Iterator[TextPart]:
    seen: set[str] = set()
    info = reader.metadata or {}
    for key, value in info.items():
        if key in ("/CreationDate", "/ModDate", "/Trapped"):
            continue
        text = str(value.get_object() if hasattr(value, "get_object") else value)
        seen.add(text)
        yield TextPart("egenskap", 0, text, _INFO_NAMES.get(str(key), str(key).lstrip("/")))
    xmp = reader.root_object.get("/Metadata")
    if xmp is None:
        return
    for name, text in _xml_leaves(xmp.get_object().get_data()):
        if text not in seen:
            seen.add(text)
            yield TextPart("egenskap", 0, text, f"XMP {name}")


def _xml_leaves(data: bytes) -> Iterator[tuple[str, str]]:
    """Yield (local name, text) for every element with text in an XML document."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    root = etree.fromstring(data, parser)
    if root is None:
        return
    for element in root.iter():
        if isinstance(element.tag, str) and element.text and element.text.strip():
            parent = element
            # rdf:li/rdf:Alt wrappers: name the property that holds them
            while parent is not None and etree.QName(parent).namespace == _RDF:
                parent = parent.getparent()
            name = etree.QName(parent if parent is not None else element).localname
            yield name, element.text.strip()


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _pdf_annotations(reader: Any) -> Iterator[TextPart]:
    for number, page in enumerate(reader.pages, start=1):
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        for annotation in annotations.get_object():
            annotation = annotation.get_object()
            for key in ("/Contents", "/T", "/Subj", "/RC"):
                value = annotation.get(key)
                if value is not None:
                    yield TextPart("anteckning", number, str(value.get_object()))


def _pdf_fields(reader: Any) -> Iterator[TextPart]:
    for number, (name, value) in enumerate((reader.get_form_text_fields() or {}).items(), start=1):
        if value:
            yield TextPart("formulärfält", number, str(value), str(name))


# --- DOCX -----------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCX_PARTS = {
    "header": "sidhuvud",
    "footer": "sidfot",
    "footnotes": "fotnot",
    "endnotes": "slutnot",
    "comments": "kommentar",
}
_CORE = {
    "title": "Titel",
    "subject": "Ämne",
    "author": "Författare",
    "keywords": "Nyckelord",
    "comments": "Kommentarer",
    "last_modified_by": "Senast ändrad av",
    "category": "Kategori",
    "content_status": "Status",
    "identifier": "Identifierare",
}


def _paragraph_texts(element: Any) -> list[str]:
    """The text of every w:p under an element, one string per paragraph."""
    return ["".join(t.text or "" for t in p.iter(f"{{{_W}}}t")) for p in element.iter(f"{{{_W}}}p")]


def _refuse_zip_bomb(path: Path) -> None:
    from beslut.load.archive import MAX_UNPACKED_BYTES, too_large

    if too_large(path) is not None:
        raise Unreadable(f"packas upp till mer än {MAX_UNPACKED_BYTES // 1_000_000} MB")


def _docx(path: Path) -> AttachmentText:
    import docx

    _refuse_zip_bomb(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx, zipfile and lxml errors
        raise Unreadable("är skadad eller ingen riktig Word-fil (.docx)") from exc
    texts = [p.text for p in document.paragraphs if p.text.strip()]
    parts = [TextPart("stycke", number, text) for number, text in enumerate(texts, start=1)]
    for number, table in enumerate(document.tables, start=1):
        cells = [cell.text for row in table.rows for cell in row.cells]
        parts.append(TextPart("tabell", number, "\n".join(cells)))
    boxes = document.element.body.iter(f"{{{_W}}}txbxContent")
    for number, box in enumerate(boxes, start=1):
        parts.append(TextPart("textruta", number, "\n".join(_paragraph_texts(box))))
    for part in document.part.package.iter_parts():
        stem = Path(str(part.partname)).stem.rstrip("0123456789")
        kind = _DOCX_PARTS.get(stem)
        if kind is not None and str(part.partname).startswith("/word/"):
            from lxml import etree

            xml = etree.fromstring(part.blob)
            parts.extend(TextPart(kind, 0, t) for t in _paragraph_texts(xml) if t.strip())
    properties = document.core_properties
    for attribute, name in _CORE.items():
        value = getattr(properties, attribute, None)
        if value:
            parts.append(TextPart("egenskap", 0, str(value), name))
    return AttachmentText(parts)


# --- ODT ------------------------------------------------------------------------------------
# Read with zipfile and lxml (both already used here): odfpy, the ODF library, has had no
# release since 2020, and reading text needs no more than the XML of three parts.

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_ODF_META = {
    "title": "Titel",
    "subject": "Ämne",
    "description": "Beskrivning",
    "keyword": "Nyckelord",
    "initial-creator": "Författare",
    "creator": "Senast ändrad av",
    "user-defined": "Egen egenskap",
}


def _odf_text(element: Any) -> str:
    """The text of an ODF paragraph: text:s is one or more spaces, text:tab a tab."""
    out: list[str] = [element.text or ""]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == f"{{{_TEXT}}}s":
            out.append(" " * int(child.get(f"{{{_TEXT}}}c", "1") or 1))
        elif tag == f"{{{_TEXT}}}tab":
            out.append("\t")
        elif tag == f"{{{_TEXT}}}line-break":
            out.append("\n")
        else:
            out.append(_odf_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _odf_paragraphs(root: Any) -> list[str]:
    """Top-level paragraphs and headings (nested ones are part of their parent's text)."""
    found = root.xpath(
        "//text:p[not(ancestor::text:p or ancestor::text:h)]"
        " | //text:h[not(ancestor::text:p or ancestor::text:h)]",
        namespaces={"text": _TEXT},
    )
    return [_odf_text(element) for element in found]


def _odt(path: Path) -> AttachmentText:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    _refuse_zip_bomb(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            content = etree.fromstring(archive.read("content.xml"), parser)
            styles = (
                etree.fromstring(archive.read("styles.xml"), parser)
                if "styles.xml" in names
                else None
            )
            meta = archive.read("meta.xml") if "meta.xml" in names else None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, etree.XMLSyntaxError) as exc:
        raise Unreadable("är skadad, lösenordsskyddad eller ingen riktig ODT-fil") from exc
    texts = [t for t in _odf_paragraphs(content) if t.strip()]
    parts = [TextPart("stycke", number, text) for number, text in enumerate(texts, start=1)]
    if styles is not None:
        for tag, kind in (("header", "sidhuvud"), ("footer", "sidfot")):
            for element in styles.iter(f"{{{_STYLE}}}{tag}", f"{{{_STYLE}}}{tag}-left"):
                parts.extend(TextPart(kind, 0, t) for t in _odf_paragraphs(element) if t.strip())
    if meta is not None:
        try:
            for name, text in _xml_leaves(meta):
                if name in _ODF_META:
                    parts.append(TextPart("egenskap", 0, text, _ODF_META[name]))
        except etree.XMLSyntaxError:
            pass  # damaged metadata: the text itself was read
    return AttachmentText(parts)


def _extract(path: Path) -> AttachmentText:
    """Read the text of a PDF, DOCX or ODT file."""
    reader = {".pdf": _pdf, ".docx": _docx, ".odt": _odt}.get(path.suffix.lower())
    if reader is None:
        return AttachmentText(problem="har ett format som inte kan läsas")
    try:
        if not path.stat().st_size:
            return AttachmentText(problem="är tom (0 byte)")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return reader(path)
    except Unreadable as exc:
        return AttachmentText(problem=str(exc))
    except OSError:
        return AttachmentText(problem="kan inte öppnas")
    except Exception:  # damaged files fail in many ways
        return AttachmentText(problem="är skadad och kan inte läsas")


def _load(cache: Path) -> AttachmentText | None:
    try:
        data: Any = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return None
        parts = [TextPart(str(k), int(n), str(t), str(m)) for k, n, t, m in data["parts"]]
        problem = data["problem"]
        return AttachmentText(parts, None if problem is None else str(problem))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def _store(cache: Path, found: AttachmentText) -> None:
    data = {
        "version": CACHE_VERSION,
        "parts": [[p.kind, p.number, p.text, p.name] for p in found.parts],
        "problem": found.problem,
    }
    with contextlib.suppress(OSError):  # a read-only workspace just means no cache
        write_text_atomic(cache, json.dumps(data, ensure_ascii=False))


_SEEN: dict[tuple[Path, Path], tuple[tuple[int, int], AttachmentText]] = {}


def attachment_text(path: Path, root: Path) -> AttachmentText:
    """Return the text of an attachment, from the workspace's cache when it is there.

    Within one process (watch mode) a file whose size and modification time are unchanged is
    not even read again.
    """
    if path.suffix.lower() not in SUFFIXES:
        return AttachmentText(problem="har ett format som inte kan läsas")
    try:
        info = path.stat()
        stamp = (info.st_mtime_ns, info.st_size)
        seen = _SEEN.get((path, root))
        if seen is not None and seen[0] == stamp:
            return seen[1]
        content = path.read_bytes()
    except OSError:
        return AttachmentText(problem="kan inte öppnas")
    found = _cached(path, root, content)
    if len(_SEEN) >= 1024:
        _SEEN.clear()
    _SEEN[(path, root)] = (stamp, found)
    return found


def text_parts(path: Path, root: Path) -> list[TextPart]:
    """Return the text parts of an attachment (none when it cannot be read)."""
    return attachment_text(path, root).parts


def _cached(path: Path, root: Path, content: bytes) -> AttachmentText:
    key = f"{hashlib.sha256(content).hexdigest()}{path.suffix.lower()}"
    cache = root / CACHE_DIR / TEXT_CACHE / f"{key}.json"
    found = _load(cache)
    if found is None:
        found = _extract(path)
        _store(cache, found)
    return found
