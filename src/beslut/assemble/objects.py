"""Small readers of PDF objects shared by the assembly: references, numbers, arrays, page
contents, and number and name trees (depth-limited, so that a damaged file cannot recurse forever)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
)

_MAX_TREE_DEPTH = 64


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
