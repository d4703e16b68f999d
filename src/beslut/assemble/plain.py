"""A fast parser for plain PDF objects (see :func:`_parse_plain`), used for structure elements and
attribute objects."""

from __future__ import annotations

import re
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
)

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
