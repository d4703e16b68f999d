"""PDF/A-2b and PDF/UA-1: whether the parts allow the packet to claim them, and the packet's own
XMP metadata and dates.

The claim (XMP identification and output intent) is made only when every part is PDF/A and tagged
PDF/UA with the same RGB output intent; otherwise each part that stops it is named, in Swedish.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    StreamObject,
)

from beslut.assemble.model import PRODUCER, _reading
from beslut.assemble.objects import _resolve
from beslut.assemble.parts import _Part
from beslut.assemble.stamp import PageBox
from beslut.convert.pdf_metadata import XmpFields, xmp_packet

_A4_MM = (210.0, 297.0)
_PT_PER_MM = 72.0 / 25.4

_PDFAID_PART = re.compile(rb"pdfaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d+)")
_PDFUAID_PART = re.compile(rb"pdfuaid:part\s*(?:=\s*[\"']\s*|>\s*)(\d+)")


@dataclass(frozen=True)
class PartConformance:
    """What one PDF lacks for a packet to be claimed as PDF/A-2b and PDF/UA-1."""

    missing: tuple[str, ...]
    """Swedish, e.g. ”inte PDF/A”, ”inte taggad” (joined into a sentence by the caller)."""
    tagged: bool
    lang: str
    intent: DictionaryObject | None
    """The PDF/A output intent with an RGB profile, when the part has one."""
    digest: bytes | None


def part_conformance(reader: PdfReader) -> PartConformance:
    """Return what a PDF lacks on its own to be part of a PDF/A-2b and PDF/UA-1 packet.

    The one place that decides it: packet assembly (:func:`_inspect`) and the check of
    attachments before any build (:mod:`beslut.validate.attachments`) both call it.
    """
    root = reader.root_object
    xmp = _xmp_of(root)
    pdfa = _int_match(_PDFAID_PART, xmp)
    pdfua = _int_match(_PDFUAID_PART, xmp)
    mark_info = _resolve(root.get("/MarkInfo"))
    marked = isinstance(mark_info, DictionaryObject) and bool(
        _resolve(mark_info.get("/Marked", False))
    )
    tagged = "/StructTreeRoot" in root and marked
    lang = str(root.get("/Lang", "") or "")
    intent = _pdfa_intent(root)
    missing: list[str] = []
    if pdfa not in (1, 2, 3):
        missing.append("inte PDF/A" if pdfa is None else f"PDF/A-{pdfa}, inte PDF/A-1–3")
    if not tagged:
        missing.append("inte taggad")
    elif pdfua != 1:
        missing.append("inte märkt som PDF/UA")
    if pdfa in (1, 2, 3) and intent is not None:
        if _profile_components(intent) != 3:
            missing.append(
                "gjord för en färgprofil som inte är RGB (sidstämplarna och "
                "ersättningssidorna är i RGB)"
            )
            intent = None
    elif pdfa in (1, 2, 3):
        missing.append("utan färgprofil (OutputIntent)")
    if pdfa not in (1, 2, 3):
        intent = None
    digest = _profile_digest(intent) if intent is not None else None
    return PartConformance(tuple(missing), tagged, lang, intent, digest)


def conformance_problem(label: str, missing: Sequence[str]) -> str:
    """Return the Swedish sentence that a part stops the packet's PDF/A and PDF/UA claim."""
    return f"{label} är {_join(missing)}; paketet kan inte anges som PDF/A-2b eller PDF/UA."


def _inspect(
    parts: Sequence[_Part], lang: str
) -> tuple[list[str], list[str], DictionaryObject | None, set[str]]:
    """Conformance problems and warnings per part; the output intent to keep; the problems
    already reported by the validate stage (of inspected attachments)."""
    problems: list[str] = []
    known: set[str] = set()
    warnings: list[str] = []
    profile: DictionaryObject | None = None
    profile_digest: bytes | None = None
    for part in parts:
        reader = part.reader
        if reader is None:
            continue
        # Depends only on the file's bytes: remembered with its reader (see parts._ReaderCache).
        memo = part.opened.memo if part.opened is not None else {}
        found = memo.get("conformance")
        if found is None:
            with _reading(part.label):
                found = memo["conformance"] = part_conformance(reader)
        part.tagged = found.tagged
        part_lang = found.lang
        missing = list(found.missing)
        if found.intent is not None:
            if profile is None:
                profile, profile_digest = found.intent, found.digest
            elif found.digest != profile_digest:
                missing.append("gjord med en annan färgprofil (OutputIntent) än resten av paketet")
        if missing:
            problems.append(conformance_problem(part.label, missing))
            if part.inspected:
                known.add(problems[-1])
        if part_lang and part_lang.lower() != lang.lower():
            warnings.append(
                f"{part.label} har språket {part_lang}, inte {lang}; skärmläsare läser den delen "
                f"som {part_lang}."
            )
        if not part.tagged and "fonts" not in memo:
            memo["fonts"] = _has_fonts(reader)
        if not part.tagged and not memo["fonts"]:
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
    # No part brings an output intent only when no part is a PDF (e.g. an item of notice pages
    # alone): beslut's own pages are RGB, so the packet gets the sRGB intent (:func:`srgb_profile`).
    return problems, warnings, profile, known


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (littleCMS's, through Pillow) for a packet none of whose parts has an
    output intent, with the creation time cleared so that equal inputs give equal bytes."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = bytes(12)  # dateTimeNumber
    data[84:100] = bytes(16)  # profile ID: zero means "not computed"
    return bytes(data)


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


def _join(words: Sequence[str]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " och " + words[-1]


def _timestamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.fromtimestamp(int(time.time()), UTC)


def _xmp(title: str, lang: str, when: datetime, *, claim: bool) -> bytes:
    return xmp_packet(
        XmpFields(
            title=title,
            producer=PRODUCER,
            creator_tool="beslut",
            created=when,
            modified=when,
            lang=lang,
            pdfa=(2, "B") if claim else None,
            pdfua=1 if claim else None,
        )
    )
