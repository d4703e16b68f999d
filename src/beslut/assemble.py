"""The agenda packet ("handlingar"): the kallelse followed by every item's documents, as one PDF.

:func:`plan_pages` tells, without writing anything, on which packet page each item will start, so
that the föredragningslista can print the numbers before the kallelse is rendered for good.
:func:`assemble_packet` then builds the packet (or, with ``front=None`` and one item, a per-item
PDF) in one pass with pypdf, and checks the start pages against that plan:

* pages: the front matter, then each item's documents in order; a withheld document is replaced
  by a notice page (see :mod:`beslut.stamp`) and its file is never opened, so nothing of it can
  reach the public packet;
* outline: "Kallelse och föredragningslista", then "Ärende N: titel" → each document → that
  document's own heading outline;
* page labels 1, 2, 3 … equal to the physical page numbers and to the stamps;
* a stamp on every page ("Ärende 5 · Sida 37 av 212") in the bottom margin of the page as shown,
  in an embedded font, marked as a pagination artifact;
* the parts' structure trees merged under one ``/Document`` (each part a ``/Part``, each item a
  ``/Sect``), with ``/StructParents`` (pages, annotations, forms) and the parent tree renumbered
  and the role maps merged; an untagged attachment gets one ``/Div`` per page so that its text
  stays reachable for screen readers;
* a fresh XMP packet and an Info dictionary that agree, ``/Lang``, ``/MarkInfo`` and
  ``DisplayDocTitle``. PDF/A-2b and PDF/UA-1 are claimed (XMP identification and output intent)
  only when every part is PDF/A and tagged PDF/UA; otherwise nothing is claimed and
  :attr:`PacketResult.conformance_problems` names each part that stops it.

The output is deterministic: the same inputs and ``SOURCE_DATE_EPOCH`` give the same bytes.
Every message meant for a user is in Swedish and names the file.

Speed (a 40-item packet of ~125 pages takes about 0.35 s): the structure trees are copied by
:class:`_StructCopier`, which parses plain objects itself (:func:`_parse_plain`) and stores equal
attribute objects once; identical streams are merged afterwards; bookmarks to one place share
their action; and the cycle collector is paused while the objects are built.

pypdf internals used (pinned by ``pypdf>=5,<8``): ``PdfWriter._add_object``, ``_objects``,
``_ID`` and ``_id_translated`` (the reader → writer object numbers that ``clone`` and ``append``
keep); ``PdfReader.xref``, ``xref_objStm`` and ``xref_free_entry``; ``StreamObject._data``.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    Destination,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from . import __version__
from .stamp import NOTICE_TAGS, FontMissing, Notice, PageBox, Stamp, render_overlays

__all__ = [
    "FRONT_OUTLINE_TITLE",
    "AssemblyError",
    "PacketDocument",
    "PacketItem",
    "PacketResult",
    "assemble_packet",
    "plan_pages",
]

FRONT_OUTLINE_TITLE = "Kallelse och föredragningslista"
FRONT_STAMP_LABEL = "Kallelse"
PRODUCER = f"beslut {__version__}"

_A4_MM = (210.0, 297.0)
_PT_PER_MM = 72.0 / 25.4
_MAX_TREE_DEPTH = 64

_PDFAID_PART = re.compile(rb"pdfaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d+)")
_PDFUAID_PART = re.compile(rb"pdfuaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d+)")
_RL_FONT = re.compile(rb"/(F\d+\+\d+)(?=\s+[\d.]+\s+Tf\b)")  # only in "/F1+0 8 Tf"
_OBJ_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")
_END = (
    rb"(?=[\t\n\f\r ()<>\[\]{}/%]|\Z)"  # a delimiter (not NUL: pypdf reads it as part of a token)
)
_PLAIN_TOKEN = re.compile(
    rb"[\t\n\f\r ]*(?:"
    rb"(?P<id>\d+)[\t\n\f\r ]+(?P<gen>\d+)[\t\n\f\r ]+R"
    + _END
    + rb"|(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+))"
    + _END
    + rb"|(?P<name>/[!-~]*?)"
    + _END
    + rb"|(?P<open><<|\[)|(?P<close>>>|\])"
    + rb"|(?P<word>true|false|null)"
    + _END
    + rb")"
)


# --------------------------------------------------------------------------------------------
# Interface
# --------------------------------------------------------------------------------------------


class AssemblyError(Exception):
    """The packet cannot be built; ``str()`` is a Swedish message that names the file."""


@dataclass(frozen=True)
class PacketDocument:
    """One document of an item: a converted paper or an external attachment, as PDF."""

    path: Path
    title: str
    """Bookmark title, e.g. "Tjänsteskrivelse: Direktiv – …" or "Bilaga 1 Programdirektiv"."""
    withheld_notice: str | None = None
    """When set, the document is left out and a notice page with this text stands in for it."""


@dataclass(frozen=True)
class PacketItem:
    """One agenda item and its documents, in the order of its Beslutsunderlag."""

    number: int
    title: str
    documents: tuple[PacketDocument, ...]


@dataclass(frozen=True)
class PacketResult:
    """What :func:`assemble_packet` wrote."""

    page_count: int
    item_start_pages: dict[int, int]
    """Item number → 1-based packet page where the item starts; items without documents absent."""
    conformance_problems: tuple[str, ...]
    """Swedish: why the packet is not claimed as PDF/A-2b and PDF/UA-1, one entry per part."""
    warnings: tuple[str, ...]


def plan_pages(front: Path | None, items: Sequence[PacketItem]) -> dict[int, int]:
    """Item number → 1-based start page in the packet, without writing anything.

    Counts pages with pypdf; a withheld document counts as its one notice page and is not opened.
    """
    _check_items(items)
    page = 0
    if front is not None:
        label = _front_label(front)
        page = _counted_pages(front, label)
    starts: dict[int, int] = {}
    for item in items:
        for document in item.documents:
            starts.setdefault(item.number, page + 1)
            if document.withheld_notice is not None:
                page += 1
            else:
                label = _document_label(item, document)
                page += _counted_pages(document.path, label)
    return starts


def assemble_packet(
    front: Path | None,
    items: Sequence[PacketItem],
    target: Path,
    *,
    title: str,
    stamp_label: str = "Ärende",
    lang: str = "sv-SE",
    planned: Mapping[int, int] | None = None,
) -> PacketResult:
    """Write the packet to ``target`` (atomically) and report what it contains.

    ``front`` is the kallelse with the föredragningslista; ``None`` builds a file of items only,
    e.g. one item's own PDF, whose stamps count that file's pages. ``planned`` is what
    :func:`plan_pages` returned when the föredragningslista was filled in: when given, the
    packet's real start pages must match it, or :class:`AssemblyError` is raised and nothing is
    written. Damaged, encrypted or missing files also raise :class:`AssemblyError`.
    """
    with _collector_paused():
        return _assemble(front, items, target, title, stamp_label, lang, planned)


class _CollectorPause:
    """Keeps Python's cycle collector out of the assembly.

    A packet is thousands of small PDF objects that live until it is written, all in reference
    cycles (object ↔ writer); the collector's repeated full passes over them cost as much as a
    third of the assembly and free nothing. Calls may overlap in threads: the collector is
    switched back on when the last one ends, and only if it was on when the first began.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self.lock:
            if self.depth == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.depth += 1
        try:
            yield
        finally:
            with self.lock:
                self.depth -= 1
                if self.depth == 0 and self.was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


def _assemble(
    front: Path | None,
    items: Sequence[PacketItem],
    target: Path,
    title: str,
    stamp_label: str,
    lang: str,
    planned: Mapping[int, int] | None,
) -> PacketResult:
    _check_items(items)
    parts = _open_parts(front, items, stamp_label)
    if not parts:
        raise AssemblyError(f"Paketet {target.name} får inga sidor: det finns inga handlingar.")
    total = 0
    starts: dict[int, int] = {}
    for part in parts:
        part.start = total
        if part.item is not None:
            starts.setdefault(part.item.number, total + 1)
        total += part.page_count
    if planned is not None and dict(planned) != starts:
        raise AssemblyError(_plan_mismatch(planned, starts))

    problems, warnings, profile = _inspect(parts, lang)
    claim = not problems
    try:
        overlay = PdfReader(io.BytesIO(_render_overlays(parts, total, stamp_label)))
    except FontMissing as exc:
        raise AssemblyError(str(exc)) from exc

    builder = _Builder(PdfWriter(), lang, overlay, stamp_label)
    for part in parts:
        builder.add(part)
    if builder.total_pages != total:  # a part changed between counting and merging
        raise AssemblyError(f"Paketet {target.name} fick fel antal sidor; bygg om det.")
    builder.stamp_all()
    builder.finish_structure()
    builder.set_catalog(title=title, intent=profile if claim else None, claim=claim)
    _deduplicate(builder.writer)
    _write_atomic(builder.writer, target)
    return PacketResult(
        page_count=total,
        item_start_pages=starts,
        conformance_problems=tuple(problems),
        warnings=tuple(warnings),
    )


# --------------------------------------------------------------------------------------------
# Parts
# --------------------------------------------------------------------------------------------


@dataclass
class _Part:
    """One run of packet pages: the front, a document, or the notice for a withheld one."""

    label: str
    """Swedish name for messages, e.g. 'Bilaga 1 Programdirektiv (”x.pdf”, ärende 3)'."""
    title: str
    """Outline and structure title."""
    item: PacketItem | None
    reader: PdfReader | None
    notice: Notice | None
    page_count: int
    start: int = 0
    boxes: list[PageBox] = field(default_factory=list)
    tagged: bool = False


def _check_items(items: Sequence[PacketItem]) -> None:
    seen: set[int] = set()
    for item in items:
        if item.number in seen:
            raise AssemblyError(f"Ärende {item.number} finns två gånger i paketet.")
        seen.add(item.number)


def _front_label(front: Path) -> str:
    return f"Kallelsen (”{front.name}”)"


def _document_label(item: PacketItem, document: PacketDocument) -> str:
    return f"{document.title} (”{document.path.name}”, ärende {item.number})"


def _open_parts(front: Path | None, items: Sequence[PacketItem], stamp_label: str) -> list[_Part]:
    parts: list[_Part] = []
    if front is not None:
        label = _front_label(front)
        reader = _open(front, label)
        count = _page_count(reader, label)
        parts.append(_Part(label, FRONT_OUTLINE_TITLE, None, reader, None, count))
    for item in items:
        for document in item.documents:
            label = _document_label(item, document)
            if document.withheld_notice is not None:
                notice = Notice(
                    title=document.title,
                    notice=document.withheld_notice,
                    context=_sentence(
                        f"Handlingen hör till {stamp_label.lower()} {item.number}: {item.title}"
                    ),
                )
                parts.append(_Part(label, document.title, item, None, notice, 1))
            else:
                reader = _open(document.path, label)
                parts.append(
                    _Part(label, document.title, item, reader, None, _page_count(reader, label))
                )
    for part in parts:
        part.boxes = _boxes(part) if part.reader is not None else []
    return parts


def _open(path: Path, label: str) -> PdfReader:
    if not path.is_file():
        raise AssemblyError(f"{label}: hittar inte filen {path}.")
    try:
        reader = PdfReader(path)
    except MemoryError:
        raise
    except Exception as exc:
        raise AssemblyError(
            f"{label}: PDF-filen är skadad och kan inte läsas ({_why(exc)})."
        ) from exc
    if reader.is_encrypted:
        raise AssemblyError(
            f"{label}: PDF-filen är krypterad eller lösenordsskyddad och kan inte tas med i "
            "paketet; spara den utan skydd och försök igen."
        )
    return reader


_COUNTS: dict[Path, tuple[tuple[int, int], int]] = {}


def _counted_pages(path: Path, label: str) -> int:
    """Page count of a file, remembered by modification time and size (plans run often)."""
    try:
        info = path.stat()
    except OSError:
        return _page_count(_open(path, label), label)
    stamp = (info.st_mtime_ns, info.st_size)
    known = _COUNTS.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    count = _page_count(_open(path, label), label)
    if len(_COUNTS) > 4096:
        _COUNTS.clear()
    _COUNTS[path] = (stamp, count)
    return count


def _page_count(reader: PdfReader, label: str) -> int:
    try:
        count = len(reader.pages)
    except MemoryError:
        raise
    except Exception as exc:
        raise AssemblyError(
            f"{label}: PDF-filen är skadad och kan inte läsas ({_why(exc)})."
        ) from exc
    if count < 1:
        raise AssemblyError(f"{label}: PDF-filen har inga sidor.")
    return count


def _boxes(part: _Part) -> list[PageBox]:
    assert part.reader is not None
    boxes: list[PageBox] = []
    try:
        for page in part.reader.pages:
            media = _rect(page.mediabox)
            crop = _rect(page.cropbox)
            x0, y0 = max(media[0], crop[0]), max(media[1], crop[1])
            x1, y1 = min(media[2], crop[2]), min(media[3], crop[3])
            if x1 - x0 < 1 or y1 - y0 < 1:
                x0, y0, x1, y1 = media
            rotation = int(page.rotation) % 360
            boxes.append(PageBox(x0, y0, x1, y1, rotation if rotation % 90 == 0 else 0))
    except MemoryError:
        raise
    except Exception as exc:
        raise AssemblyError(
            f"{part.label}: PDF-filen är skadad och kan inte läsas ({_why(exc)})."
        ) from exc
    return boxes


def _rect(box: Any) -> tuple[float, float, float, float]:
    a, b, c, d = (float(v) for v in box)
    return min(a, c), min(b, d), max(a, c), max(b, d)


# --------------------------------------------------------------------------------------------
# Conformance
# --------------------------------------------------------------------------------------------


def _inspect(
    parts: Sequence[_Part], lang: str
) -> tuple[list[str], list[str], DictionaryObject | None]:
    """Conformance problems and warnings per part; the output intent to keep."""
    problems: list[str] = []
    warnings: list[str] = []
    profile: DictionaryObject | None = None
    profile_digest: bytes | None = None
    for part in parts:
        reader = part.reader
        if reader is None:
            continue
        try:
            root = reader.root_object
            xmp = _xmp_of(root)
            pdfa = _int_match(_PDFAID_PART, xmp)
            pdfua = _int_match(_PDFUAID_PART, xmp)
            mark_info = _resolve(root.get("/MarkInfo"))
            marked = isinstance(mark_info, DictionaryObject) and bool(
                _resolve(mark_info.get("/Marked", False))
            )
            part.tagged = "/StructTreeRoot" in root and marked
            part_lang = str(root.get("/Lang", "") or "")
            intent = _pdfa_intent(root)
            digest = _profile_digest(intent) if intent is not None else None
        except MemoryError:
            raise
        except Exception as exc:
            raise AssemblyError(
                f"{part.label}: PDF-filen är skadad och kan inte läsas ({_why(exc)})."
            ) from exc
        missing: list[str] = []
        if pdfa not in (1, 2, 3):
            missing.append("inte PDF/A" if pdfa is None else f"PDF/A-{pdfa}, inte PDF/A-1–3")
        if not part.tagged:
            missing.append("inte taggad")
        elif pdfua != 1:
            missing.append("inte märkt som PDF/UA")
        if pdfa in (1, 2, 3) and intent is not None:
            if _profile_components(intent) != 3:
                missing.append(
                    "gjord för en färgprofil som inte är RGB (sidstämplarna och "
                    "ersättningssidorna är i RGB)"
                )
            elif profile is None:
                profile, profile_digest = intent, digest
            elif digest != profile_digest:
                missing.append("gjord med en annan färgprofil (OutputIntent) än resten av paketet")
        elif pdfa in (1, 2, 3):
            missing.append("utan färgprofil (OutputIntent)")
        if missing:
            problems.append(
                f"{part.label} är {_join(missing)}; paketet kan inte anges som PDF/A-2b eller "
                "PDF/UA."
            )
        if part_lang and part_lang.lower() != lang.lower():
            warnings.append(
                f"{part.label} har språket {part_lang}, inte {lang}; skärmläsare läser den delen "
                f"som {part_lang}."
            )
        if not part.tagged and not _has_fonts(reader):
            warnings.append(
                f"{part.label} saknar text (inskannad bild?): den går inte att söka i eller läsa "
                "med skärmläsare."
            )
        odd = [(i, box) for i, box in enumerate(part.boxes) if not _is_a4_portrait(box)]
        if odd:
            i, box = odd[0]
            width, height = (size / _PT_PER_MM for size in box.shown_size)
            warnings.append(
                f"{part.label}: {len(odd)} av {part.page_count} sidor är inte stående A4 (t.ex. "
                f"paketsidan {part.start + i + 1}: {width:.0f} × {height:.0f} mm); "
                "sidstämpeln hamnar i den sidans egen marginal."
            )
    if parts and profile is None and not problems:
        problems.append(
            "Ingen del har en färgprofil (OutputIntent); paketet kan inte anges som PDF/A-2b."
        )
    return problems, warnings, profile


def _xmp_of(root: DictionaryObject) -> bytes:
    meta = root.get("/Metadata")
    if meta is None:
        return b""
    try:
        return cast(StreamObject, meta.get_object()).get_data()
    except MemoryError:
        raise
    except Exception:
        return b""


def _int_match(pattern: re.Pattern[bytes], data: bytes) -> int | None:
    match = pattern.search(data)
    return int(match.group(1)) if match else None


def _pdfa_intent(root: DictionaryObject) -> DictionaryObject | None:
    """The part's PDF/A output intent (``/S /GTS_PDFA1`` with an ICC profile), if any."""
    intents = root.get("/OutputIntents")
    if intents is None:
        return None
    for intent in cast(ArrayObject, intents.get_object()):
        intent_dict = intent.get_object()
        if (
            isinstance(intent_dict, DictionaryObject)
            and intent_dict.get("/S") == "/GTS_PDFA1"
            and "/DestOutputProfile" in intent_dict
        ):
            return intent_dict
    return None


def _profile_components(intent: DictionaryObject) -> int | None:
    """Colour components of the intent's ICC profile (3 for RGB, 4 for CMYK)."""
    value = _resolve(cast(StreamObject, intent["/DestOutputProfile"].get_object()).get("/N"))
    return int(value) if isinstance(value, int) else None


def _profile_digest(intent: DictionaryObject) -> bytes:
    """A digest of the intent's ICC profile that ignores its creation time and profile ID.

    LibreOffice writes its sRGB profile afresh at every export, stamped with the time, so two
    papers carry byte-different copies of the same profile.
    """
    data = bytearray(cast(StreamObject, intent["/DestOutputProfile"].get_object()).get_data())
    if len(data) >= 128:
        data[24:36] = bytes(12)  # dateTimeNumber
        data[84:100] = bytes(16)  # profile ID (MD5 over the profile, date included)
    return hashlib.sha256(bytes(data)).digest()


def _has_fonts(reader: PdfReader) -> bool:
    """Whether any page (or a form it draws) has a font: a cheap test for a text layer."""
    return any(_resources_have_fonts(page.get("/Resources"), 0) for page in reader.pages)


def _resources_have_fonts(resources: Any, depth: int) -> bool:
    if resources is None or depth > 4:
        return False
    resources = resources.get_object()
    if not isinstance(resources, DictionaryObject):
        return False
    fonts = resources.get("/Font")
    if fonts is not None and len(cast(DictionaryObject, fonts.get_object())) > 0:
        return True
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return False
    for xobject in cast(DictionaryObject, xobjects.get_object()).values():
        form = xobject.get_object()
        if (
            isinstance(form, DictionaryObject)
            and form.get("/Subtype") == "/Form"
            and _resources_have_fonts(form.get("/Resources"), depth + 1)
        ):
            return True
    return False


def _is_a4_portrait(box: PageBox) -> bool:
    width, height = (size / _PT_PER_MM for size in box.shown_size)
    return abs(width - _A4_MM[0]) < 3 and abs(height - _A4_MM[1]) < 3


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _join(words: Sequence[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " och " + words[-1]


# --------------------------------------------------------------------------------------------
# Overlays
# --------------------------------------------------------------------------------------------


def _render_overlays(parts: Sequence[_Part], total: int, stamp_label: str) -> bytes:
    notices = [part.notice for part in parts if part.notice is not None]
    stamps: list[Stamp] = []
    a4 = PageBox(0.0, 0.0, 595.2756, 841.8898)
    for part in parts:
        prefix = FRONT_STAMP_LABEL if part.item is None else f"{stamp_label} {part.item.number}"
        boxes = part.boxes or [a4] * part.page_count
        for offset, box in enumerate(boxes):
            page = part.start + offset + 1
            stamps.append(Stamp(f"{prefix} · Sida {page} av {total}", box))
    return render_overlays(notices, stamps)


# --------------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------------


class _Builder:
    """Collects pages, outline and structure in one PdfWriter."""

    def __init__(self, writer: PdfWriter, lang: str, overlay: PdfReader, label: str) -> None:
        self.writer = writer
        self.lang = lang
        self.label = label
        self.digest = hashlib.sha256()
        self.overlay = overlay
        self.notices_used = 0
        self.total_pages = 0
        self.next_key = 0
        self.parent_nums: list[tuple[int, PdfObject]] = []
        self.role_map: dict[str, PdfObject] = {}
        self.class_map: dict[str, PdfObject] = {}
        self.ids: dict[bytes, PdfObject] = {}
        self.attr_text: dict[bytes, int] = {}
        """Source text of a plain attribute object → its packet object number."""
        self.attr_value: dict[bytes, int] = {}
        """Serialized plain attribute object → its packet object number."""
        self.tree_root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
        self.tree_root_ref = self._add(self.tree_root)
        self.document = self._element("/Document", self.tree_root_ref)
        self.current_item: int | None = None
        self.current_sect: DictionaryObject | None = None
        self.item_outline: IndirectObject | None = None
        self.current_outline_item: int | None = None
        self.untagged_pages: set[int] = set()
        self.actions: dict[tuple[int, str, tuple[str, ...]], IndirectObject] = {}

    # -- objects ------------------------------------------------------------------------------

    def _add(self, obj: PdfObject) -> IndirectObject:
        return self.writer._add_object(obj)

    def _element(
        self, role: str, parent: IndirectObject, title: str | None = None
    ) -> DictionaryObject:
        element = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/StructElem"),
                NameObject("/S"): NameObject(role),
                NameObject("/P"): parent,
                NameObject("/K"): ArrayObject(),
            }
        )
        if title is not None:
            element[NameObject("/T")] = TextStringObject(title)
        self._add(element)
        parent_obj = cast(DictionaryObject, parent.get_object())
        if parent_obj is not self.tree_root:
            cast(ArrayObject, parent_obj["/K"]).append(element.indirect_reference)
        return element

    def _container(self, part: _Part) -> DictionaryObject:
        """The ``/Document`` for the front, the item's ``/Sect`` for its documents."""
        if part.item is None:
            return self.document
        if self.current_item != part.item.number or self.current_sect is None:
            self.current_item = part.item.number
            self.current_sect = self._element(
                "/Sect", self._ref(self.document), self._item_title(part.item)
            )
        return self.current_sect

    def _item_title(self, item: PacketItem) -> str:
        return f"{self.label} {item.number}: {item.title}"

    @staticmethod
    def _ref(obj: DictionaryObject) -> IndirectObject:
        assert obj.indirect_reference is not None
        return obj.indirect_reference

    # -- parts --------------------------------------------------------------------------------

    def add(self, part: _Part) -> None:
        start = len(self.writer.pages)
        part.start = start
        self.digest.update(f"{part.label}\0{part.title}\0".encode())
        if part.reader is None:
            assert part.notice is not None
            self.digest.update(f"{part.notice}\0".encode())
            self._add_notice(part)
        else:
            stream = part.reader.stream
            if isinstance(stream, io.BytesIO):
                self.digest.update(stream.getbuffer())
            try:
                self.writer.append(part.reader, import_outline=False)
                if part.tagged:
                    self._merge_structure(part)
                else:
                    self._wrap_untagged(part)
            except (AssemblyError, MemoryError):
                raise
            except Exception as exc:
                raise AssemblyError(
                    f"{part.label}: PDF-filen är skadad och kan inte fogas in i paketet "
                    f"({_why(exc)})."
                ) from exc
        self.total_pages = len(self.writer.pages)
        self._outline(part)

    def _add_notice(self, part: _Part) -> None:
        assert part.notice is not None
        source = self.overlay.pages[self.notices_used]
        self.notices_used += 1
        page = self.writer.add_page(source)
        if "/Trans" in page:
            del page["/Trans"]
        container = self._container(part)
        holder = self._element("/Part", self._ref(container), part.title)
        page_ref = page.indirect_reference
        assert page_ref is not None
        kids: list[PdfObject] = []
        for mcid, tag in enumerate(NOTICE_TAGS):
            element = self._element(tag, self._ref(holder))
            element[NameObject("/Pg")] = page_ref
            element[NameObject("/K")] = NumberObject(mcid)
            kids.append(self._ref(element))
        page[NameObject("/StructParents")] = NumberObject(self.next_key)
        self.parent_nums.append((self.next_key, ArrayObject(kids)))
        self.next_key += 1

    def _wrap_untagged(self, part: _Part) -> None:
        """Untagged pages: each page's whole content becomes one ``/Div`` (MCID 0).

        Without this the tagged packet would hide their text from assistive technology; with it
        a screen reader reads each page in content order. Pages that already carry MCIDs (tags
        without a structure tree) are left alone.
        """
        container = self._container(part)
        holder = self._element("/Part", self._ref(container), part.title)
        for offset in range(part.page_count):
            index = part.start + offset
            page = self.writer.pages[index]
            if _has_mcids(page):
                continue
            element = self._element("/Div", self._ref(holder))
            element[NameObject("/Pg")] = page.indirect_reference
            element[NameObject("/K")] = NumberObject(0)
            page[NameObject("/StructParents")] = NumberObject(self.next_key)
            self.parent_nums.append((self.next_key, ArrayObject([self._ref(element)])))
            self.next_key += 1
            self.untagged_pages.add(index)

    def _merge_structure(self, part: _Part) -> None:
        reader = part.reader
        assert reader is not None
        writer = self.writer
        source_root = cast(DictionaryObject, reader.root_object["/StructTreeRoot"].get_object())
        kids = _as_list(source_root.get("/K"))
        copier = _StructCopier(self, reader)
        cloned: list[DictionaryObject] = []
        for kid in kids:
            kid_obj = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if not isinstance(kid_obj, DictionaryObject):
                continue
            copy = copier.top(kid)
            if copy.indirect_reference is None:
                self._add(copy)
            cloned.append(copy)

        offset = self.next_key
        entries = sorted(_number_tree(source_root.get("/ParentTree")), key=lambda e: e[0])
        part_next = _int(source_root.get("/ParentTreeNextKey", 0))
        for key, value in entries:
            copy_value = (
                value.clone(writer, ignore_fields=(1, "/P"))
                if hasattr(value, "clone")
                else NullObject()
            )
            self.parent_nums.append((key + offset, copy_value))
            part_next = max(part_next, key + 1)

        seen: set[int] = set()
        for index in range(part.page_count):
            source = reader.pages[index]
            page = writer.pages[part.start + index]
            if "/StructParents" in source:
                value = _int(source["/StructParents"])
                page[NameObject("/StructParents")] = NumberObject(value + offset)
                part_next = max(part_next, value + 1)
            for annot in _as_list(page.get("/Annots")):
                annot_obj = annot.get_object()
                if (
                    isinstance(annot_obj, DictionaryObject)
                    and "/StructParent" in annot_obj
                    and id(annot_obj) not in seen
                ):
                    seen.add(id(annot_obj))
                    value = _int(annot_obj["/StructParent"])
                    annot_obj[NameObject("/StructParent")] = NumberObject(value + offset)
                    part_next = max(part_next, value + 1)
            part_next = max(part_next, _shift_forms(page.get("/Resources"), offset, seen, 0))
        self.next_key = offset + part_next

        renames = self._merge_maps(source_root)
        if renames:
            _rename_roles(cloned, renames)

        container = self._container(part)
        if len(cloned) == 1 and cloned[0].get("/S") == "/Document":
            holder = cloned[0]
            holder[NameObject("/S")] = NameObject("/Part")
            holder[NameObject("/P")] = self._ref(container)
            cast(ArrayObject, container["/K"]).append(self._ref(holder))
        else:
            holder = self._element("/Part", self._ref(container))
            for copy in cloned:
                copy[NameObject("/P")] = self._ref(holder)
                cast(ArrayObject, holder["/K"]).append(self._ref(copy))
        holder[NameObject("/T")] = TextStringObject(part.title)
        part_lang = str(reader.root_object.get("/Lang", "") or "")
        if part_lang and part_lang.lower() != self.lang.lower():
            holder[NameObject("/Lang")] = TextStringObject(part_lang)

    def _merge_maps(self, source_root: DictionaryObject) -> dict[str, str]:
        """Merge the role map, class map and ID tree; roles to rename in this part on clashes."""
        renames: dict[str, str] = {}
        role_map = source_root.get("/RoleMap")
        if role_map is not None:
            for key, value in cast(DictionaryObject, role_map.get_object()).items():
                copy = value.clone(self.writer) if hasattr(value, "clone") else value
                if key not in self.role_map:
                    self.role_map[key] = copy
                elif self.role_map[key] != copy:
                    new = f"{key}_{len(self.role_map)}"
                    self.role_map[new] = copy
                    renames[key] = new
        class_map = source_root.get("/ClassMap")
        if class_map is not None:
            for key, value in cast(DictionaryObject, class_map.get_object()).items():
                self.class_map.setdefault(key, value.clone(self.writer))
        id_tree = source_root.get("/IDTree")
        if id_tree is not None:
            for name, value in _name_tree(id_tree):
                copy = value.clone(self.writer, ignore_fields=(1, "/P"))
                self.ids.setdefault(name, copy)
        return renames

    # -- outline ------------------------------------------------------------------------------

    def _outline(self, part: _Part) -> None:
        if part.item is None:
            parent = self._outline_item(part.title, part.start, None, Fit.fit(), is_open=False)
        else:
            if self.item_outline is None or self.current_outline_item != part.item.number:
                self.item_outline = self._outline_item(
                    self._item_title(part.item), part.start, None, Fit.fit(), is_open=True
                )
                self.current_outline_item = part.item.number
            parent = self._outline_item(
                part.title, part.start, self.item_outline, Fit.fit(), is_open=False
            )
        if part.reader is not None:
            try:
                outline = part.reader.outline
            except MemoryError:
                raise
            except Exception:
                return
            self._import_outline(part, outline, parent, 0)

    def _import_outline(self, part: _Part, nodes: Any, parent: IndirectObject, depth: int) -> None:
        reader = part.reader
        assert reader is not None
        if depth > _MAX_TREE_DEPTH:
            return
        last: IndirectObject | None = None
        for node in nodes:
            if isinstance(node, list):
                if last is not None:
                    self._import_outline(part, node, last, depth + 1)
                continue
            try:
                index = reader.get_destination_page_number(node)
                array = node.dest_array
                fit = Fit(fit_type=str(array[1]), fit_args=list(array[2:]))
            except MemoryError:
                raise
            except Exception:
                index, fit = None, Fit.fit()
            if index is None or not 0 <= index < part.page_count:
                index, fit = 0, Fit.fit()
            last = self._outline_item(
                str(node.title or ""), part.start + index, parent, fit, is_open=False
            )

    def _outline_item(
        self, title: str, page: int, parent: IndirectObject | None, fit: Fit, *, is_open: bool
    ) -> IndirectObject:
        """``add_outline_item``, but bookmarks to the same place share one ``/GoTo`` action.

        An item's bookmark and its first document's bookmark both open the item's first page.
        """
        writer = self.writer
        item = writer.add_outline_item(
            title=title, page_number=None, parent=parent, is_open=is_open
        )
        key = (page, str(fit.fit_type), tuple(repr(arg) for arg in fit.fit_args))
        action = self.actions.get(key)
        if action is None:
            page_ref = writer.pages[page].indirect_reference
            assert page_ref is not None
            destination = Destination(NameObject(f"/{title} outline item"), page_ref, fit)
            action = self._add(
                DictionaryObject(
                    {
                        NameObject("/D"): destination.dest_array,
                        NameObject("/S"): NameObject("/GoTo"),
                    }
                )
            )
            self.actions[key] = action
        cast(DictionaryObject, item.get_object())[NameObject("/A")] = action
        return item

    # -- stamps -------------------------------------------------------------------------------

    def stamp_all(self) -> None:
        writer = self.writer
        overlay = self.overlay
        first_stamp = self.notices_used
        fonts: dict[bytes, IndirectObject] = {}
        sample = overlay.pages[first_stamp] if len(overlay.pages) > first_stamp else None
        if sample is not None:
            resources = cast(DictionaryObject, sample["/Resources"].get_object())
            font_dict = cast(DictionaryObject, resources["/Font"].get_object())
            for name, ref in font_dict.items():
                copy = ref.clone(writer)
                fonts[name[1:].encode()] = (
                    copy if isinstance(copy, IndirectObject) else self._add(copy)
                )
        plain = self._stream(b"q\n")
        wrapped = self._stream(b"q\n/Div <</MCID 0>> BDC\n") if self.untagged_pages else plain
        for index, page in enumerate(writer.pages):
            data = cast(
                StreamObject, overlay.pages[first_stamp + index]["/Contents"].get_object()
            ).get_data()
            names = self._font_names(page, fonts)
            data = _rename_fonts(data, names)
            head = b"EMC\nQ\n" if index in self.untagged_pages else b"Q\n"
            stream = self._stream(
                head
                + b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq\n"
                + data
                + b"\nQ\nEMC\n"
            )
            before = wrapped if index in self.untagged_pages else plain
            page[NameObject("/Contents")] = ArrayObject(
                [before, *_content_refs(_raw_contents(page)), stream]
            )

    def _stream(self, data: bytes) -> IndirectObject:
        stream = DecodedStreamObject()
        stream.set_data(data)
        return self._add(stream)

    def _font_names(self, page: Any, fonts: Mapping[bytes, IndirectObject]) -> dict[bytes, bytes]:
        """Add the stamp fonts to the page's resources under names no page font uses."""
        resources = page.get("/Resources")
        if resources is None:
            resources = DictionaryObject()
            page[NameObject("/Resources")] = resources
        resources = resources.get_object()
        font_dict = resources.get("/Font")
        if font_dict is None:
            font_dict = DictionaryObject()
            resources[NameObject("/Font")] = font_dict
        font_dict = font_dict.get_object()
        names: dict[bytes, bytes] = {}
        for number, (rl_name, ref) in enumerate(sorted(fonts.items())):
            suffix = 0
            while True:
                name = f"/BeslutStamp{number}" + (f"_{suffix}" if suffix else "")
                existing = font_dict.get(name)
                if existing is None:
                    font_dict[NameObject(name)] = ref
                    break
                if isinstance(existing, IndirectObject) and existing.idnum == ref.idnum:
                    break
                suffix += 1
            names[rl_name] = name[1:].encode()
        return names

    # -- catalog ------------------------------------------------------------------------------

    def finish_structure(self) -> None:
        root = self.tree_root
        root[NameObject("/K")] = ArrayObject([self._ref(self.document)])
        nums = ArrayObject()
        for key, value in sorted(self.parent_nums, key=lambda e: e[0]):
            nums.append(NumberObject(key))
            nums.append(value)
        root[NameObject("/ParentTree")] = self._add(DictionaryObject({NameObject("/Nums"): nums}))
        root[NameObject("/ParentTreeNextKey")] = NumberObject(self.next_key)
        if self.role_map:
            root[NameObject("/RoleMap")] = DictionaryObject(
                {NameObject(k): cast(Any, v) for k, v in self.role_map.items()}
            )
        if self.class_map:
            root[NameObject("/ClassMap")] = DictionaryObject(
                {NameObject(k): cast(Any, v) for k, v in self.class_map.items()}
            )
        if self.ids:
            names = ArrayObject()
            for name in sorted(self.ids):
                names.append(TextStringObject(name.decode("latin-1")))
                names.append(self.ids[name])
            root[NameObject("/IDTree")] = DictionaryObject({NameObject("/Names"): names})

    def set_catalog(self, *, title: str, intent: DictionaryObject | None, claim: bool) -> None:
        writer = self.writer
        when = _timestamp()
        self.digest.update(f"{title}\0{self.lang}\0{self.label}\0{when}".encode())
        catalog = writer.root_object
        catalog[NameObject("/StructTreeRoot")] = self.tree_root_ref
        catalog[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True)}
        )
        catalog[NameObject("/Lang")] = TextStringObject(self.lang)
        catalog[NameObject("/ViewerPreferences")] = DictionaryObject(
            {NameObject("/DisplayDocTitle"): BooleanObject(True)}
        )
        catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
        catalog[NameObject("/PageLabels")] = DictionaryObject(
            {
                NameObject("/Nums"): ArrayObject(
                    [NumberObject(0), DictionaryObject({NameObject("/S"): NameObject("/D")})]
                )
            }
        )
        if claim and intent is not None:
            copy = intent.clone(writer)
            reference = copy.indirect_reference or self._add(copy)
            catalog[NameObject("/OutputIntents")] = ArrayObject([reference])
        writer.add_metadata(
            {
                "/Title": title,
                "/Producer": PRODUCER,
                "/Creator": "beslut",
                "/CreationDate": _pdf_date(when),
                "/ModDate": _pdf_date(when),
            }
        )
        metadata = DecodedStreamObject()
        metadata.set_data(_xmp(title, self.lang, when, claim=claim and intent is not None))
        metadata[NameObject("/Type")] = NameObject("/Metadata")
        metadata[NameObject("/Subtype")] = NameObject("/XML")
        catalog[NameObject("/Metadata")] = self._add(metadata)
        # A file identifier derived from the inputs, so that the same inputs (and the same
        # SOURCE_DATE_EPOCH) give a byte-identical packet.
        identifier = ByteStringObject(self.digest.digest()[:16])
        writer._ID = ArrayObject([identifier, identifier])


class _StructCopier:
    """Copies one part's structure elements into the packet, storing equal attribute objects once.

    It does what ``clone(writer, ignore_fields=(1, "/P"))`` on each top element did, sharing
    pypdf's translation table so that ``/Pg``, ``/Obj`` and the parent tree still point at the
    pages and annotations that ``append`` copied, but it walks the elements itself. LibreOffice
    writes one indirect attribute object (``/A``, e.g. ``<</O/Layout/Placement/Block>>``) per
    element, and most of them are equal within a paper and across papers: an attribute object
    whose source text was seen before is neither parsed nor copied again, which also spares a
    compress pass over the whole packet. Anything that is not a structure element, ``/K`` or
    ``/A`` is left to pypdf's clone.
    """

    def __init__(self, builder: _Builder, reader: PdfReader) -> None:
        self.writer = builder.writer
        self.reader = reader
        self.attr_text = builder.attr_text
        self.attr_value = builder.attr_value
        translated = self.writer._id_translated
        if id(reader) not in translated:
            translated[id(reader)] = {}
        self.table: dict[Any, Any] = translated[id(reader)]
        self.table.setdefault("PreventGC", reader)
        stream = reader.stream
        self.data = stream.getvalue() if isinstance(stream, io.BytesIO) else None

    def _known(self, ref: IndirectObject) -> IndirectObject | None:
        if ref.pdf is not self.reader:
            return None
        idnum = self.table.get(ref.idnum)
        return None if idnum is None else IndirectObject(idnum, 0, self.writer)

    def top(self, kid: Any) -> DictionaryObject:
        """A copy of a child of the part's ``/StructTreeRoot``, without its ``/P``."""
        if isinstance(kid, IndirectObject):
            known = self._known(kid)
            if known is not None:
                return cast(DictionaryObject, known.get_object())
            return cast(DictionaryObject, self._element(kid, 0, top=True).get_object())
        return cast(DictionaryObject, self._element(kid, 0, top=True))

    def _element(self, value: Any, depth: int, top: bool = False) -> Any:
        """A copy of a structure element, marked-content or object reference (``/K`` entries)."""
        if isinstance(value, IndirectObject):
            known = self._known(value)
            if known is not None:
                return known
            source = self._read(value) if value.pdf is self.reader else None
            if (
                value.pdf is not self.reader
                or depth > _MAX_TREE_DEPTH
                or not isinstance(source, DictionaryObject)
                or isinstance(source, StreamObject)
            ):
                return value.clone(self.writer, ignore_fields=(1, "/P") if top else ())
            copy = DictionaryObject()
            ref = self.writer._add_object(copy)
            self.table[value.idnum] = ref.idnum
            self._fill(copy, source, depth, top)
            return ref
        if isinstance(value, DictionaryObject) and not isinstance(value, StreamObject):
            if depth > _MAX_TREE_DEPTH:
                return value.clone(self.writer, ignore_fields=(1, "/P") if top else ())
            copy = DictionaryObject()
            self._fill(copy, value, depth, top)
            return copy
        if isinstance(value, ArrayObject):
            return ArrayObject([self._element(item, depth + 1) for item in value])
        return self._other(value)

    def _fill(
        self, copy: DictionaryObject, source: DictionaryObject, depth: int, top: bool
    ) -> None:
        for key, value in source.items():
            if key == "/K":
                copy[key] = self._element(value, depth + 1)
            elif key == "/A":
                copy[key] = self._attributes(value)
            elif not (top and key == "/P"):
                copy[key] = self._other(value)

    def _other(self, value: Any) -> Any:
        if isinstance(value, IndirectObject):
            known = self._known(value)
            return known if known is not None else value.clone(self.writer)
        if isinstance(value, (DictionaryObject, ArrayObject)):
            return value.clone(self.writer)
        return value  # numbers, names, strings: immutable, shared

    def _attributes(self, value: Any) -> Any:
        if isinstance(value, IndirectObject):
            return self._attribute(value)
        if isinstance(value, ArrayObject):  # attribute objects, possibly with revision numbers
            return ArrayObject(
                [
                    self._attribute(item) if isinstance(item, IndirectObject) else self._other(item)
                    for item in value
                ]
            )
        return self._other(value)

    def _attribute(self, ref: IndirectObject) -> IndirectObject:
        known = self._known(ref)
        if known is not None:
            return known
        if ref.pdf is not self.reader:
            return ref.clone(self.writer)
        text = self._source_text(ref)
        idnum = self.attr_text.get(text) if text is not None else None
        if idnum is None:
            parsed = _parse_plain(text, self.reader) if text is not None else None
            source = parsed if parsed is not None else ref.get_object()
            if not _is_plain_attribute(source):
                return ref.clone(self.writer)
            buffer = io.BytesIO()
            assert source is not None
            source.write_to_stream(buffer)
            value = buffer.getvalue()
            idnum = self.attr_value.get(value)
            if idnum is None:
                if parsed is not None:  # a fresh object without references: no copy needed
                    idnum = self.writer._add_object(parsed).idnum
                else:
                    idnum = ref.clone(self.writer).idnum
                self.attr_value[value] = idnum
            if text is not None:
                self.attr_text[text] = idnum
        self.table[ref.idnum] = idnum
        return IndirectObject(idnum, 0, self.writer)

    def _read(self, ref: IndirectObject) -> PdfObject | None:
        """The object, parsed here when it is plain (see :func:`_parse_plain`), else by pypdf."""
        cached = self.reader.cache_get_indirect_object(ref.generation, ref.idnum)
        if cached is not None:
            return cached
        text = self._source_text(ref)
        parsed = _parse_plain(text, self.reader) if text is not None else None
        if parsed is None:
            return ref.get_object()
        # Cached as pypdf would, so that its clone of the parent tree does not parse it again.
        self.reader.cache_indirect_object(ref.generation, ref.idnum, parsed)
        return parsed

    def _source_text(self, ref: IndirectObject) -> bytes | None:
        """The object's text between ``obj`` and ``endobj`` in the file, if it is plainly there."""
        data = self.data
        reader = self.reader
        offset = reader.xref.get(ref.generation, {}).get(ref.idnum)
        if (
            data is None
            or not isinstance(offset, int)
            or (ref.generation == 0 and ref.idnum in reader.xref_objStm)
            or reader.xref_free_entry.get(ref.generation, {}).get(ref.idnum, False)
        ):
            return None
        header = _OBJ_HEADER.match(data, offset)
        if header is None or int(header[1]) != ref.idnum or int(header[2]) != ref.generation:
            return None
        end = data.find(b"endobj", header.end())
        if end < 0 or end - header.end() > 65536:
            return None
        text = data[header.end() : end].strip()
        return None if b"stream" in text else text


def _parse_plain(text: bytes, reader: PdfReader) -> DictionaryObject | None:
    """Parse a dictionary of names, numbers, booleans, nulls, references, arrays and dictionaries.

    Structure elements and attribute objects are almost always just that, and pypdf's general
    parser, which reads them a byte at a time, is the largest cost of assembling a packet. This
    builds the same objects pypdf would; anything else (strings, comments, escaped or non-ASCII
    names, repeated keys, trailing data) gives ``None`` and is left to pypdf.
    """
    match = _PLAIN_TOKEN.match
    frames: list[tuple[dict[Any, Any] | ArrayObject, list[Any]]] = []
    position = 0
    while True:
        token = match(text, position)
        if token is None:
            return None
        position = token.end()
        value: Any
        kind = token.lastgroup
        if kind == "gen":
            value = IndirectObject(int(token["id"]), int(token["gen"]), reader)
        elif kind == "num":
            number = token["num"]
            value = FloatObject(number) if b"." in number else NumberObject(number)
        elif kind == "name":
            value = _plain_name(token["name"])
            if value is None:
                return None
        elif kind == "word":
            word = token["word"]
            value = NullObject() if word == b"null" else BooleanObject(word == b"true")
        elif kind == "open":
            frames.append(({} if token["open"] == b"<<" else ArrayObject(), []))
            continue
        else:  # close
            if not frames:
                return None
            container, pending = frames.pop()
            if isinstance(container, ArrayObject):
                if token["close"] != b"]":
                    return None
                value = container
            else:
                if token["close"] != b">>" or pending:
                    return None
                value = DictionaryObject()
                value.update(container)
            if not frames:
                whole = isinstance(value, DictionaryObject)
                return value if whole and not text[position:].strip(b" \t\n\r\f") else None
        if not frames:
            return None
        container, pending = frames[-1]
        if isinstance(container, ArrayObject):
            container.append(value)
        elif not pending:
            if not isinstance(value, NameObject):
                return None
            pending.append(value)
        else:
            key = pending.pop()
            if key in container:
                return None
            container[key] = value


class _PlainName(NameObject):
    """A name of printable ASCII without delimiters or ``#``: written as it reads.

    pypdf encodes every name a character at a time when writing; these need no escapes.
    """

    def renumber(self) -> bytes:
        return self.encode("ascii")


_PLAIN_NAMES: dict[bytes, NameObject] = {}


def _plain_name(token: bytes) -> NameObject | None:
    """The name for a token as pypdf reads it (``#`` escapes, UTF-8), or None to let pypdf."""
    name = _PLAIN_NAMES.get(token)
    if name is not None:
        return name
    if b"#" not in token:  # the token is printable ASCII up to a delimiter
        name = _PlainName(token.decode("ascii"))
        if len(_PLAIN_NAMES) > 4096:
            _PLAIN_NAMES.clear()
        _PLAIN_NAMES[token] = name
        return name
    try:  # escaped, e.g. /F#C3#B6rteckning: pypdf tries UTF-8 first
        return NameObject(NameObject.unnumber(token).decode("utf-8"))
    except UnicodeDecodeError:
        return None


def _is_plain_attribute(obj: Any) -> bool:
    """An attribute object (``/O``) without references: equal ones can be stored once."""
    return (
        isinstance(obj, DictionaryObject)
        and not isinstance(obj, StreamObject)
        and "/O" in obj
        and "/Type" not in obj
        and _without_references(obj, 0)
    )


def _without_references(obj: Any, depth: int) -> bool:
    if isinstance(obj, IndirectObject) or depth > 8:
        return False
    if isinstance(obj, DictionaryObject):
        return not isinstance(obj, StreamObject) and all(
            _without_references(v, depth + 1) for v in obj.values()
        )
    if isinstance(obj, ArrayObject):
        return all(_without_references(v, depth + 1) for v in obj)
    return True


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _rename_fonts(data: bytes, names: Mapping[bytes, bytes]) -> bytes:
    """Replace reportlab's font resource names in a stamp content stream."""

    def rename(match: re.Match[bytes]) -> bytes:
        return b"/" + names[match.group(1)]

    return _RL_FONT.sub(rename, data)


def _has_mcids(page: Any) -> bool:
    """Whether the page's content already has marked content with MCIDs (without parsing it)."""
    for ref in _content_refs(_raw_contents(page)):
        stream = ref.get_object() if isinstance(ref, IndirectObject) else ref
        if isinstance(stream, StreamObject) and b"/MCID" in stream.get_data():
            return True
    return False


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _int(value: Any) -> int:
    """An integer from a PDF number (resolving a reference); damaged values raise ValueError."""
    resolved = _resolve(value)
    if isinstance(resolved, bool) or not isinstance(resolved, (int, float)):
        raise ValueError(f"inget heltal: {resolved!r}")
    return int(resolved)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    resolved = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(resolved, ArrayObject):
        return list(resolved)
    return [value]


def _raw_contents(page: Any) -> Any:
    """Return a page's /Contents unresolved, or None for a blank page without one."""
    return page.raw_get("/Contents") if "/Contents" in page else None


def _content_refs(contents: Any) -> list[PdfObject]:
    if contents is None:
        return []
    if isinstance(contents, IndirectObject):
        resolved = contents.get_object()
        if isinstance(resolved, ArrayObject):
            return list(resolved)
        return [contents]
    if isinstance(contents, ArrayObject):
        return list(contents)
    return []


def _number_tree(node: Any, depth: int = 0) -> Iterator[tuple[int, Any]]:
    if node is None or depth > _MAX_TREE_DEPTH:
        return
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return
    nums = node.get("/Nums")
    if nums is not None:
        values = list(cast(ArrayObject, nums.get_object()))
        for i in range(0, len(values) - 1, 2):
            yield int(values[i]), values[i + 1]
    for kid in _as_list(node.get("/Kids")):
        yield from _number_tree(kid, depth + 1)


def _name_tree(node: Any, depth: int = 0) -> Iterator[tuple[bytes, Any]]:
    if node is None or depth > _MAX_TREE_DEPTH:
        return
    node = node.get_object()
    if not isinstance(node, DictionaryObject):
        return
    names = node.get("/Names")
    if names is not None:
        values = list(cast(ArrayObject, names.get_object()))
        for i in range(0, len(values) - 1, 2):
            key = values[i]
            raw = key.original_bytes if hasattr(key, "original_bytes") else str(key).encode()
            yield raw, values[i + 1]
    for kid in _as_list(node.get("/Kids")):
        yield from _name_tree(kid, depth + 1)


def _shift_forms(resources: Any, offset: int, seen: set[int], depth: int) -> int:
    """Renumber ``/StructParents`` of form XObjects; return the part's highest key + 1 seen."""
    if resources is None or depth > 8:
        return 0
    resources = resources.get_object()
    if not isinstance(resources, DictionaryObject) or "/XObject" not in resources:
        return 0
    highest = 0
    for xobject in cast(DictionaryObject, resources["/XObject"].get_object()).values():
        form = xobject.get_object()
        if not isinstance(form, DictionaryObject) or id(form) in seen:
            continue
        seen.add(id(form))
        if form.get("/Subtype") != "/Form":
            continue
        if "/StructParents" in form:
            value = _int(form["/StructParents"])
            form[NameObject("/StructParents")] = NumberObject(value + offset)
            highest = max(highest, value + 1)
        highest = max(highest, _shift_forms(form.get("/Resources"), offset, seen, depth + 1))
    return highest


def _rename_roles(elements: Sequence[DictionaryObject], renames: Mapping[str, str]) -> None:
    stack: list[tuple[Any, int]] = [(element, 0) for element in elements]
    seen: set[int] = set()
    while stack:
        node, depth = stack.pop()
        node = node.get_object()
        if not isinstance(node, DictionaryObject) or id(node) in seen or depth > _MAX_TREE_DEPTH:
            continue
        seen.add(id(node))
        role = node.get("/S")
        if role in renames:
            node[NameObject("/S")] = NameObject(renames[str(role)])
        for kid in _as_list(node.get("/K")):
            if isinstance(kid, (IndirectObject, DictionaryObject)):
                stack.append((kid, depth + 1))


def _plan_mismatch(planned: Mapping[int, int], actual: Mapping[int, int]) -> str:
    for number in sorted(set(planned) | set(actual)):
        want, got = planned.get(number), actual.get(number)
        if want != got:
            where = f"sidan {got}" if got is not None else "inga sidor"
            said = f"sidan {want}" if want is not None else "inget sidnummer"
            return (
                f"Föredragningslistans sidnummer stämmer inte med paketet: ärende {number} börjar "
                f"på {where}, men listan anger {said}. Kallelsen har troligen fått ett annat antal "
                "sidor när sidnumren fylldes i; bygg om paketet."
            )
    return "Föredragningslistans sidnummer stämmer inte med paketet; bygg om paketet."


def _timestamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromtimestamp(int(time.time()), UTC)


def _pdf_date(when: datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(title: str, lang: str, when: datetime, *, claim: bool) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    ids = ""
    if claim:
        ids = (
            '  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
            "   <pdfaid:part>2</pdfaid:part>\n"
            "   <pdfaid:conformance>B</pdfaid:conformance>\n"
            "  </rdf:Description>\n"
            '  <rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">\n'
            "   <pdfuaid:part>1</pdfuaid:part>\n"
            "  </rdf:Description>\n"
            '  <rdf:Description rdf:about=""'
            ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
            ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
            ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">\n'
            '   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">\n'
            "    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
            "    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
            "    <pdfaSchema:schema>PDF/UA identification schema</pdfaSchema:schema>\n"
            '    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\n'
            "     <pdfaProperty:category>internal</pdfaProperty:category>\n"
            "     <pdfaProperty:description>PDF/UA version identifier</pdfaProperty:description>\n"
            "     <pdfaProperty:name>part</pdfaProperty:name>\n"
            "     <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
            "    </rdf:li></rdf:Seq></pdfaSchema:property>\n"
            "   </rdf:li></rdf:Bag></pdfaExtension:schemas>\n"
            "  </rdf:Description>\n"
        )
    body = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        + ids
        + '  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
        "</rdf:Alt></dc:title>\n"
        f"   <dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>\n"
        "   <dc:format>application/pdf</dc:format>\n"
        "  </rdf:Description>\n"
        '  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">\n'
        f"   <pdf:Producer>{escape(PRODUCER)}</pdf:Producer>\n"
        "  </rdf:Description>\n"
        '  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        "   <xmp:CreatorTool>beslut</xmp:CreatorTool>\n"
        f"   <xmp:CreateDate>{stamp}</xmp:CreateDate>\n"
        f"   <xmp:ModifyDate>{stamp}</xmp:ModifyDate>\n"
        f"   <xmp:MetadataDate>{stamp}</xmp:MetadataDate>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
    )
    padding = (" " * 99 + "\n") * 20
    return (body + padding + '<?xpacket end="w"?>').encode("utf-8")


def _deduplicate(writer: PdfWriter) -> None:
    """Store identical streams once (a logo in every paper, the same file in two items …).

    Equal attribute objects are already stored once while the structure trees are copied, and
    bookmarks share their actions, so only streams are left to compare; the rest of the packet
    is walked only when two streams are equal. Streams are never structure elements, pages or
    annotations, whose merging would corrupt the trees.
    """
    objects = writer._objects
    first: dict[tuple[bytes, bytes], int] = {}
    replace: dict[int, IndirectObject] = {}
    for index, obj in enumerate(objects):
        if not isinstance(obj, StreamObject):
            continue
        head = io.BytesIO()
        for key, value in obj.items():
            if key != "/Length":
                key.write_to_stream(head)
                value.write_to_stream(head)
        data = obj._data
        if not isinstance(data, bytes):
            continue
        kept = first.setdefault((head.getvalue(), hashlib.sha256(data).digest()), index)
        if kept != index:
            replace[index + 1] = IndirectObject(kept + 1, 0, writer)
    if not replace:
        return
    for obj in objects:
        if isinstance(obj, (DictionaryObject, ArrayObject)):
            _replace_references(obj, replace, 0)
    for idnum in replace:
        objects[idnum - 1] = None


def _replace_references(obj: Any, replace: Mapping[int, IndirectObject], depth: int) -> None:
    if depth > _MAX_TREE_DEPTH:
        return
    items: Any = obj.items() if isinstance(obj, DictionaryObject) else enumerate(obj)
    for key, value in list(items):
        if isinstance(value, IndirectObject):
            new = replace.get(value.idnum)
            if new is not None:
                obj[key] = new
        elif isinstance(value, (DictionaryObject, ArrayObject)):
            _replace_references(value, replace, depth + 1)


def _write_atomic(writer: PdfWriter, target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.chmod(tmp, _file_mode(target))
    except OSError as exc:
        raise AssemblyError(f"Kunde inte skriva {target}: {exc.strerror or exc}.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            writer.write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise AssemblyError(f"Kunde inte skriva {target}: {exc.strerror or exc}.") from exc
        raise


def _file_mode(target: Path) -> int:
    """The mode for the new file: the old file's, else what open() would give (0666 - umask)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:200] + "…"
    return text or type(exc).__name__


# --------------------------------------------------------------------------------------------
# Many packets at once
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PacketJob:
    """One call of :func:`assemble_packet`, for :func:`assemble_many`."""

    front: Path | None
    items: tuple[PacketItem, ...]
    target: Path
    title: str
    planned: Mapping[int, int] | None = None


def _run_job(job: PacketJob) -> PacketResult | AssemblyError:
    try:
        return assemble_packet(
            job.front, job.items, job.target, title=job.title, planned=job.planned
        )
    except AssemblyError as exc:
        return exc


def assemble_many(
    jobs: Sequence[PacketJob], workers: int | None = None
) -> list[PacketResult | AssemblyError]:
    """Run independent assembly jobs on all cores; results (or errors) in job order.

    Assembly is pure-Python CPU work, so threads would not help; a process pool does, and
    LibreOffice is idle by the time packets are assembled.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    count = min(len(jobs), workers or os.cpu_count() or 1)
    if count <= 1:
        return [_run_job(job) for job in jobs]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=count, mp_context=context) as pool:
        return list(pool.map(_run_job, jobs, chunksize=max(1, len(jobs) // (4 * count))))
