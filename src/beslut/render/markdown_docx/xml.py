"""Low-level OOXML helpers: creating elements and adding text that is valid in XML."""

from __future__ import annotations

import re
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

Element = Any
"""An lxml element (python-docx's oxml classes are untyped)."""

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _el(tag: str, parent: Element | None = None, **attrs: str) -> Element:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    if parent is not None:
        parent.append(element)
    return element


def _clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text)


_HARD_HYPHEN = re.compile(r"(?<=\d)-(?=[0-9A-ZÅÄÖ])|(?<=[A-ZÅÄÖ])-(?=\d)")
"""A hyphen inside a date, a period or a diarienummer (2021-01-25, 2019-09, 2020-POL27,
RS-730): a line must not break there, so it becomes a non-breaking hyphen (w:noBreakHyphen,
read back as "-")."""


def _add_text(run: Element, text: str) -> Element | None:
    """Append text to a run (tabs become w:tab, hyphens inside dates and diarienummer
    w:noBreakHyphen); return the last w:t element."""
    last = None
    for index, piece in enumerate(_clean(text).split("\t")):
        if index:
            _el("w:tab", run)
        for part_index, part in enumerate(_HARD_HYPHEN.split(piece)):
            if part_index:
                _el("w:noBreakHyphen", run)
            if part:
                last = _el("w:t", run)
                last.set(qn("xml:space"), "preserve")
                last.text = part
    return last
