"""The packet in one PdfWriter: pages, the merged structure tree and the catalog.

Each part's structure tree goes under one ``/Document`` (each part a ``/Part``, each item a
``/Sect``), with ``/StructParents`` (pages, annotations, forms) and the parent tree renumbered and
the role maps merged; an untagged attachment gets one ``/Div`` per page so that its text stays
reachable for screen readers. The outline and the stamps are in :mod:`.bookmarks` and
:mod:`.overlays`.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from beslut.assemble.bookmarks import _Bookmarks
from beslut.assemble.conformance import _timestamp, _xmp, srgb_profile
from beslut.assemble.model import PRODUCER, RESAVE_PDF, AssemblyError, PacketItem
from beslut.assemble.objects import (
    _as_list,
    _content_refs,
    _int,
    _name_tree,
    _number_tree,
    _raw_contents,
)
from beslut.assemble.overlays import _Stamps
from beslut.assemble.parts import _Part
from beslut.assemble.stamp import NOTICE_TAGS
from beslut.assemble.structure import _rename_roles, _shift_forms, _StructCopier
from beslut.convert.pdf_metadata import pdf_date


class _Builder(_Bookmarks, _Stamps):
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
                    f"{part.label}: PDF-filen är skadad och kan inte fogas in i paketet. "
                    f"{RESAVE_PDF}"
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
        memo = part.opened.memo if part.opened is not None else {}
        copier = _StructCopier(self, reader, memo.setdefault("source_text", {}))
        kids_indirect = all(isinstance(kid, IndirectObject) for kid in kids)
        replayable = (
            kids_indirect
            and not self._renames_needed(source_root)
            and not self._ids_renamed(source_root)
        )
        replay = memo.get("structure_replay") if replayable else None
        replayed = replay is not None and copier.can_replay(replay)
        if replay is not None and replayed:
            copier.replay(replay)
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
            copy_value = copier.parent_entry(value) if hasattr(value, "clone") else NullObject()
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
        elif replayable and "structure_replay" not in memo:
            memo["structure_replay"] = copier.record()  # None: this file is always copied

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

    def _renames_needed(self, source_root: DictionaryObject) -> bool:
        """Whether :meth:`_merge_maps` may rename roles of this part (a role mapped otherwise by
        an earlier part); a replayed tree cannot be renamed (see ``structure._Replay``)."""
        role_map = source_root.get("/RoleMap")
        if role_map is None:
            return False
        role_map = role_map.get_object()
        if not isinstance(role_map, DictionaryObject):
            return True
        for key, value in role_map.items():
            if isinstance(value, IndirectObject):
                return True
            if key in self.role_map and self.role_map[key] != value:
                return True
        return False

    def _ids_renamed(self, source_root: DictionaryObject) -> bool:
        """Whether :meth:`_merge_maps` will rename an element's ID (the same ID in an earlier
        part, or twice in this one); a replayed element cannot be renamed."""
        id_tree = source_root.get("/IDTree")
        if id_tree is None:
            return False
        names = [name for name, _ in _name_tree(id_tree)]
        return len(set(names)) != len(names) or any(name in self.ids for name in names)

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
                if name in self.ids:  # the same ID in two parts: this part's element renamed
                    name = _unique_id(name, self.ids)
                    element = copy.get_object()
                    if isinstance(element, DictionaryObject):
                        element[NameObject("/ID")] = ByteStringObject(name)
                self.ids[name] = copy
        return renames

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

    def _srgb_intent(self) -> IndirectObject:
        """A PDF/A output intent with beslut's sRGB profile (no part brought one)."""
        profile = DecodedStreamObject()
        profile.set_data(srgb_profile())
        profile[NameObject("/N")] = NumberObject(3)
        condition = TextStringObject("sRGB IEC61966-2.1")
        intent = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/OutputIntent"),
                NameObject("/S"): NameObject("/GTS_PDFA1"),
                NameObject("/OutputConditionIdentifier"): condition,
                NameObject("/Info"): condition,
                NameObject("/DestOutputProfile"): self._add(profile),
            }
        )
        return self._add(intent)

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
        if claim:
            if intent is None:
                reference = self._srgb_intent()
            else:
                copy = intent.clone(writer)
                reference = copy.indirect_reference or self._add(copy)
            catalog[NameObject("/OutputIntents")] = ArrayObject([reference])
        writer.add_metadata(
            {
                "/Title": title,
                "/Producer": PRODUCER,
                "/Creator": "beslut",
                "/CreationDate": pdf_date(when),
                "/ModDate": pdf_date(when),
            }
        )
        metadata = DecodedStreamObject()
        metadata.set_data(_xmp(title, self.lang, when, claim=claim))
        metadata[NameObject("/Type")] = NameObject("/Metadata")
        metadata[NameObject("/Subtype")] = NameObject("/XML")
        catalog[NameObject("/Metadata")] = self._add(metadata)
        # A file identifier derived from the inputs, so that the same inputs (and the same
        # SOURCE_DATE_EPOCH) give a byte-identical packet.
        identifier = ByteStringObject(self.digest.digest()[:16])
        writer._ID = ArrayObject([identifier, identifier])


def _unique_id(name: bytes, taken: dict[bytes, PdfObject]) -> bytes:
    """``name`` with the lowest ``-2``, ``-3`` … suffix that no element of the packet has."""
    number = 2
    while (candidate := name + b"-%d" % number) in taken:
        number += 1
    return candidate


def _has_mcids(page: Any) -> bool:
    """Whether the page's content already has marked content with MCIDs (without parsing it)."""
    for ref in _content_refs(_raw_contents(page)):
        stream = ref.get_object() if isinstance(ref, IndirectObject) else ref
        if isinstance(stream, StreamObject) and b"/MCID" in stream.get_data():
            return True
    return False
