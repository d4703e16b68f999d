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
    DictionaryObject,
    IndirectObject,
    StreamObject,
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
            # pypdf writes a packet in hundreds of thousands of small pieces; into memory first
            # they cost less than half of what they cost through the file's buffer.
            buffer = io.BytesIO()
            writer.write(buffer)
            handle.write(buffer.getbuffer())
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
