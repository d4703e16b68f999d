"""Copying the parts' structure trees into the packet: the copier, which stores equal attribute
objects once, and the renumbering and renaming that merging the trees needs."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from beslut.assemble.objects import _MAX_TREE_DEPTH, _as_list, _int
from beslut.assemble.plain import _parse_plain
from beslut.assemble.writer import _Raw, _template

if TYPE_CHECKING:
    from beslut.assemble.builder import _Builder

_OBJ_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)\s+obj\b")


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

    def __init__(
        self,
        builder: _Builder,
        reader: PdfReader,
        texts: dict[tuple[int, int], bytes | None] | None = None,
    ) -> None:
        self.writer = builder.writer
        self.reader = reader
        self.texts: dict[tuple[int, int], bytes | None] = {} if texts is None else texts
        """Object → its source text (:meth:`_source_text`); kept with a cached reader, since it
        depends only on the file's bytes (see parts._ReaderCache)."""
        self.attr_text = builder.attr_text
        self.attr_value = builder.attr_value
        translated = self.writer._id_translated
        if id(reader) not in translated:
            translated[id(reader)] = {}
        self.table: dict[Any, Any] = translated[id(reader)]
        self.table.setdefault("PreventGC", reader)
        stream = reader.stream
        self.data = stream.getvalue() if isinstance(stream, io.BytesIO) else None
        self.events: list[tuple[str, int]] = []
        """The objects this copier made, in order: ("t", n) a top element, ("e", n) another
        element, ("a", n) an attribute object, n its number in the part (see :class:`_Replay`)."""
        self.foreign = False
        """Whether it made an object that is none of these (then no replay is recorded)."""

    # -- replay -------------------------------------------------------------------------------

    def record(self) -> _Replay | None:
        """What this copier made, for :meth:`replay` in a later packet; None when it made
        something a replay could not make again. Call it when the part's elements are final
        (after renaming roles and IDs): from then on they are written from their templates."""
        if self.foreign:
            return None
        objects = self.writer._objects
        sources = {
            packet: source for source, packet in self.table.items() if isinstance(source, int)
        }
        made = {number for _, number in self.events}
        templates: dict[int, tuple[bytes, tuple[int, ...]]] = {}
        names: dict[str, bytes] = {}
        for kind, number in self.events:
            if kind != "e":
                continue
            copy = objects[self.table[number] - 1]
            if not isinstance(copy, DictionaryObject) or isinstance(copy, StreamObject):
                return None
            template = _template(copy, sources, names)
            if template is None:
                return None
            templates[number] = template
        needs = {
            number for _, numbers in templates.values() for number in numbers if number not in made
        }
        for number in needs | made:
            # Streams may be merged by _deduplicate, which does not look into templates.
            if isinstance(objects[self.table[number] - 1], StreamObject):
                return None
        # The templates are the elements as they will be written: this packet writes them from
        # the templates too, so recording costs no second serialisation (same bytes).
        for number, (text, numbers) in templates.items():
            index = self.table[number] - 1
            raw = _Raw(text, numbers, self.table)
            raw.indirect_reference = objects[index].indirect_reference
            objects[index] = raw
        return _Replay(tuple(self.events), templates, frozenset(needs))

    def can_replay(self, replay: _Replay) -> bool:
        """Whether every object the templates refer to besides their own is in the packet."""
        return all(number in self.table for number in replay.needs)

    def replay(self, replay: _Replay) -> None:
        """Make the objects a copier made for the same file, in the same order, without
        copying: the elements from their templates (see ``writer._Raw``), the attribute objects
        as :meth:`_attribute` does (they are shared with the packet's other parts). The top
        elements are filled last; :meth:`top` then finds them made."""
        tops: list[tuple[DictionaryObject, IndirectObject]] = []
        table, texts, attr_text = self.table, self.texts, self.attr_text
        for kind, number in replay.events:
            if kind == "a":
                # What _attribute does for an attribute object seen before in this packet,
                # without its checks (the replay made no other object with this number).
                text = texts.get((number, 0))
                known = attr_text.get(text) if text is not None else None
                if known is not None and number not in table:
                    table[number] = known
                else:
                    self._attribute(IndirectObject(number, 0, self.reader))
            elif kind == "t":
                copy = DictionaryObject()
                table[number] = self.writer._add_object(copy).idnum
                tops.append((copy, IndirectObject(number, 0, self.reader)))
            else:
                template, sources = replay.templates[number]
                raw = _Raw(template, sources, table)
                table[number] = self.writer._add_object(raw).idnum
        for copy, ref in tops:
            source = self._read(ref)
            assert isinstance(source, DictionaryObject)
            self._fill(copy, source, 0, top=True)

    def parent_entry(self, value: Any) -> Any:
        """``value.clone(writer, ignore_fields=(1, "/P"))`` for an entry of the part's parent
        tree, made directly when it is an array of references to objects already copied (as
        nearly all are; pypdf's clone looks each of them up again)."""
        if isinstance(value, IndirectObject) and value.pdf is self.reader:
            known = self.table.get(value.idnum)
            if known is not None:
                return IndirectObject(known, 0, self.writer)
            source = value.get_object()
            if isinstance(source, ArrayObject):
                references = self._copied(source)
                if references is not None:
                    ref = self.writer._add_object(references)
                    self.table[value.idnum] = ref.idnum
                    return ref
        elif type(value) is ArrayObject:
            references = self._copied(value)
            if references is not None:
                return references
        return value.clone(self.writer, ignore_fields=(1, "/P"))

    def _copied(self, source: ArrayObject) -> ArrayObject | None:
        """The array with each member's copy, if every member is a reference to a copied
        object that is not a stream (which pypdf's clone would copy again)."""
        objects = self.writer._objects
        copied = ArrayObject()
        for member in source:
            if type(member) is not IndirectObject or member.pdf is not self.reader:
                return None
            number = self.table.get(member.idnum)
            if number is None or isinstance(objects[number - 1], StreamObject):
                return None
            copied.append(IndirectObject(number, 0, self.writer))
        return copied

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
                return self._clone(value, ignore_fields=(1, "/P") if top else ())
            copy = DictionaryObject()
            ref = self.writer._add_object(copy)
            self.table[value.idnum] = ref.idnum
            self.events.append(("t" if top else "e", value.idnum))
            if value.generation != 0:  # a replay makes generation 0 references
                self.foreign = True
            self._fill(copy, source, depth, top)
            return ref
        if isinstance(value, DictionaryObject) and not isinstance(value, StreamObject):
            if depth > _MAX_TREE_DEPTH:
                return self._clone(value, ignore_fields=(1, "/P") if top else ())
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
            return known if known is not None else self._clone(value)
        if isinstance(value, (DictionaryObject, ArrayObject)):
            return self._clone(value)
        return value  # numbers, names, strings: immutable, shared

    def _clone(self, value: Any, ignore_fields: tuple[Any, ...] = ()) -> Any:
        """pypdf's clone, noting whether it added objects to the packet."""
        before = len(self.writer._objects)
        copy = value.clone(self.writer, ignore_fields=ignore_fields)
        if len(self.writer._objects) != before:
            self.foreign = True
        return copy

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
            return cast(IndirectObject, self._clone(ref))
        self.events.append(("a", ref.idnum))
        if ref.generation != 0:
            self.foreign = True
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
        key = (ref.idnum, ref.generation)
        if key in self.texts:
            return self.texts[key]
        text = self.texts[key] = self._find_source_text(ref)
        return text

    def _find_source_text(self, ref: IndirectObject) -> bytes | None:
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


@dataclass(frozen=True)
class _Replay:
    """How one file's structure tree was copied into a packet, to do it again without copying.

    Kept with the parsed file (``_Opened.memo``, keyed by the SHA-256 of the file's bytes, see
    parts._ReaderCache), so a long-lived process (``watch``, the build service) that assembles a
    meeting again after one case changed copies only that case's tree; every other part's
    elements are written from their templates. Why it is safe: a template holds the element as
    it was written, with every reference as the number of the object in the *source file*, and
    those are resolved through this packet's own translation table when the file is written, so
    nothing about the part's place in the packet (its pages' numbers, the attribute objects it
    shares with other parts, its holder) is taken from the earlier packet. It is only recorded
    when every object the copy made is an element, a top element or an attribute object (no
    other object pypdf would clone), without renamed roles or an ID tree, and only replayed when
    every other object the templates refer to (pages, annotations) is already in the packet.
    Replaying makes the objects in the same order as copying did, so a warm packet is byte for
    byte the cold one.
    """

    events: tuple[tuple[str, int], ...]
    templates: dict[int, tuple[bytes, tuple[int, ...]]]
    """Element number → its template and the source numbers it refers to (``writer._Raw``)."""
    needs: frozenset[int]
    """Source numbers the templates refer to that the copier does not make."""


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
