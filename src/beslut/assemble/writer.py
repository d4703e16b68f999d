"""Finishing the file: identical streams stored once, then written atomically."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from beslut.assemble.model import AssemblyError
from beslut.assemble.objects import _MAX_TREE_DEPTH


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
    names: dict[str, bytes] = {}
    for index, obj in enumerate(objects):
        if not isinstance(obj, StreamObject):
            continue
        data = obj._data
        if not isinstance(data, bytes):
            continue
        head: list[bytes] = []
        for key, value in obj.items():
            if key != "/Length":
                _emit(key, head, names, 0)
                _emit(value, head, names, 0)
        kept = first.setdefault((b"".join(head), hashlib.sha256(data).digest()), index)
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
            # pypdf writes a packet in hundreds of thousands of small pieces; into memory first
            # they cost less than half of what they cost through the file's buffer.
            handle.write(_serialize(writer))
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


def _serialize(writer: PdfWriter) -> bytes:
    """The whole file, byte for byte what ``writer.write`` gives, faster.

    Why not pypdf's own ``write``: it writes a packet's hundreds of thousands of tokens one
    ``write_to_stream`` call at a time and re-encodes every name character by character
    (``NameObject.renumber``); writing was the largest part of assembling a packet. This writer
    handles the common types (dictionaries, arrays, names, numbers, references, plain streams)
    itself, with each distinct name encoded once, and leaves every other type (strings, floats,
    content streams, anything pypdf may add) to that type's own ``write_to_stream``, so the bytes
    stay pypdf's. An encrypted or incremental writer is written by pypdf.
    """
    if writer._encryption is not None or writer.incremental:
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()
    writer._resolve_links()
    chunks: list[bytes] = [writer.pdf_header.encode() + b"\n", b"%\xe2\xe3\xcf\xd3\n"]
    position = len(chunks[0]) + len(chunks[1])
    positions: list[int] = []
    free: list[int] = []
    names: dict[str, bytes] = {}
    for idnum, obj in enumerate(writer._objects, start=1):
        if obj is None:
            positions.append(-1)
            free.append(idnum)
            continue
        positions.append(position)
        parts = [b"%d 0 obj\n" % idnum]
        _emit(obj, parts, names, 0)
        parts.append(b"\nendobj\n")
        data = b"".join(parts)
        chunks.append(data)
        position += len(data)
    free.append(0)
    xref = [b"xref\n", b"0 %d\n" % (len(writer._objects) + 1), b"%010d 65535 f \n" % free[0]]
    next_free = 1
    for offset in positions:
        if offset > 0:
            xref.append(b"%010d 00000 n \n" % offset)
        else:
            xref.append(b"%010d 00001 f \n" % free[next_free])
            next_free += 1
    chunks.append(b"".join(xref))
    tail = io.BytesIO()
    writer._write_trailer(tail, position)
    chunks.append(tail.getvalue())
    return b"".join(chunks)


class _Raw(PdfObject):
    """A structure element written from a template made by an earlier assembly of the same file.

    ``template`` is the element as :func:`_emit` wrote it, as a ``%``-format with a ``%d`` for
    the object number of each reference, and ``sources`` those references' numbers in the source
    file; ``table`` maps them to this packet's numbers (pypdf's translation table for the part's
    reader), so the element needs neither copying nor walking again. See ``structure._Replay``
    for when one is used.
    """

    __slots__ = ("sources", "table", "template")

    def __init__(self, template: bytes, sources: tuple[int, ...], table: Mapping[Any, Any]) -> None:
        self.template = template
        self.sources = sources
        self.table = table

    def render(self) -> bytes:
        table = self.table
        return self.template % tuple([table[source] for source in self.sources])

    def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
        stream.write(self.render())


def _template(
    obj: Any, sources: Mapping[int, int], names: dict[str, bytes] | None = None
) -> tuple[bytes, tuple[int, ...]] | None:
    """``obj`` as :func:`_emit` writes it, as a template for :class:`_Raw`, each reference by its
    source number (``sources``: packet number → source number); None when a reference has no
    source number. ``names``: encoded names, shared between calls."""
    out: list[bytes] = []
    try:
        _emit(obj, out, {} if names is None else names, 0, marks=True)
    except _NoTemplate:
        return None
    pieces: list[bytes] = []
    numbers: list[int] = []
    for piece in out:
        if isinstance(piece, _Mark):
            source = sources.get(piece.idnum)
            if source is None or piece.generation != 0:
                return None
            pieces.append(b"%d 0 R")
            numbers.append(source)
        else:
            pieces.append(piece.replace(b"%", b"%%"))
    return b"".join(pieces), tuple(numbers)


class _Mark(bytes):
    """A reference in :func:`_template`'s output (bytes, so that it travels through ``_emit``)."""

    idnum: int
    generation: int


class _Collect:
    """A minimal stream for the types whose own ``write_to_stream`` writes them."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[bytes]) -> None:
        self.parts = parts

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)


_DICT_WRITE = DictionaryObject.write_to_stream
_ARRAY_WRITE = ArrayObject.write_to_stream
_STREAM_WRITE = StreamObject.write_to_stream
_NAME_WRITE = NameObject.write_to_stream
_NUMBER_WRITE = NumberObject.write_to_stream
_REFERENCE_WRITE = IndirectObject.write_to_stream
_NULL_WRITE = NullObject.write_to_stream
_TEXT_WRITE = TextStringObject.write_to_stream
_ESCAPED = [
    bytes([byte]) if bytes([byte]).isalnum() or byte == 0x20 else b"\\%03o" % byte
    for byte in range(256)
]
"""Each byte as pypdf writes it in a text string: ASCII letters, digits and space as they are,
every other byte as an octal escape."""
_BOOLEAN_WRITE = BooleanObject.write_to_stream


def _emit(
    obj: Any, out: list[bytes], names: dict[str, bytes], depth: int, marks: bool = False
) -> None:
    """Append ``obj`` as pypdf's ``write_to_stream`` would write it (``marks``: each reference
    as a :class:`_Mark`, for :func:`_template`)."""
    method = getattr(type(obj), "write_to_stream", None)
    if type(obj) is _Raw:
        out.append(obj.render())
    elif method is _NAME_WRITE:
        encoded = names.get(obj)
        if encoded is None:
            encoded = names[obj] = obj.renumber()
        out.append(encoded)
    elif method is _REFERENCE_WRITE:
        if marks:
            mark = _Mark(b"%d %d R" % (obj.idnum, obj.generation))
            mark.idnum, mark.generation = obj.idnum, obj.generation
            out.append(mark)
        else:
            out.append(b"%d %d R" % (obj.idnum, obj.generation))
    elif method is _NUMBER_WRITE:
        out.append(int.__repr__(obj).encode())
    elif depth > _MAX_WRITE_DEPTH:
        if marks:  # a template must see every reference
            raise _NoTemplate
        obj.write_to_stream(_Collect(out))
    elif method is _DICT_WRITE:
        _emit_dict(obj, obj.items(), out, names, depth, marks)
    elif method is _ARRAY_WRITE:
        out.append(b"[")
        for value in obj:
            out.append(b" ")
            kind = type(value)
            if kind is NumberObject:  # most array members: widths, coordinates, references
                out.append(int.__repr__(value).encode())
            elif kind is IndirectObject and not marks:
                out.append(b"%d %d R" % (value.idnum, value.generation))
            else:
                _emit(value, out, names, depth + 1, marks)
        out.append(b" ]")
    elif method is _STREAM_WRITE and isinstance(obj._data, bytes):
        data = obj._data
        items = list(obj.items())
        length = NumberObject(len(data))
        if "/Length" in obj:
            items = [(k, length if k == "/Length" else v) for k, v in items]
        else:
            items.append((NameObject("/Length"), length))
        _emit_dict(obj, items, out, names, depth, marks)
        out.append(b"\nstream\n")
        out.append(data)
        out.append(b"\nendstream")
    elif method is _TEXT_WRITE:
        data = obj.get_encoded_bytes()
        out.append(b"(" + b"".join([_ESCAPED[byte] for byte in data]) + b")")
    elif method is _NULL_WRITE:
        out.append(b"null")
    elif method is _BOOLEAN_WRITE:
        out.append(b"true" if obj.value else b"false")
    else:
        if marks and not isinstance(obj, (TextStringObject, ByteStringObject, FloatObject)):
            raise _NoTemplate
        obj.write_to_stream(_Collect(out))


class _NoTemplate(Exception):
    """An object :func:`_template` cannot make a template of: nested deeper than
    :data:`_MAX_WRITE_DEPTH`, or of a type that pypdf writes (which might hold references)."""


def _emit_dict(
    obj: Any,
    items: Any,
    out: list[bytes],
    names: dict[str, bytes],
    depth: int,
    marks: bool = False,
) -> None:
    out.append(b"<<\n")
    for key, value in items:
        if len(key) > 2 and key[1] == "%" and key[-1] == "%":
            continue
        _emit(key, out, names, depth + 1, marks)
        out.append(b" ")
        _emit(value, out, names, depth + 1, marks)
        out.append(b"\n")
    out.append(b">>")


_MAX_WRITE_DEPTH = 400
"""Deeper nesting is left to pypdf's recursion (a safeguard; packets nest a few levels)."""
