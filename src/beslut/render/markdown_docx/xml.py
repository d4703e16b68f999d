"""Low-level OOXML helpers: creating elements and adding text that is valid in XML."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from docx.oxml.ns import NamespacePrefixedTag
from docx.oxml.ns import qn as _docx_qn
from docx.oxml.parser import oxml_parser
from lxml import etree

Element = Any
"""An lxml element (python-docx's oxml classes are untyped)."""

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


@cache
def _tag(tag: str) -> tuple[str, dict[str, str]]:
    """Clark name and namespace map of ``w:p`` and the like (what OxmlElement works out each
    time; the body of a case creates thousands of elements, so it is worked out once)."""
    name = NamespacePrefixedTag(tag)
    return name.clark_name, name.nsmap


@cache
def qn(tag: str) -> str:
    """python-docx's ``qn`` (``w:p`` → Clark name), worked out once per tag."""
    return str(_docx_qn(tag))


@cache
def _attr(key: str) -> str:
    return qn(f"w:{key}")


def _el(tag: str, parent: Element | None = None, **attrs: str) -> Element:
    clark, nsmap = _tag(tag)
    if parent is None:
        # What OxmlElement(tag) does, without parsing the tag again.
        element = oxml_parser.makeelement(clark, nsmap=nsmap)
    else:
        # Made in the parent's document, where the tag's namespace is declared already: the
        # same element as one made on its own and appended (lxml then drops the repeated
        # declaration), without a document of its own to make and merge.
        element = etree.SubElement(parent, clark)
    for key, value in attrs.items():
        element.set(_attr(key), value)
    return element


def _clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text)


_HARD_HYPHEN = re.compile(r"(?<=\d)-(?=[0-9A-ZÅÄÖ])|(?<=[A-ZÅÄÖ])-(?=\d)")
"""A hyphen inside a date, a period or a diarienummer (2021-01-25, 2019-09, 2020-POL27,
RS-730): a line must not break there, so it becomes a non-breaking hyphen (w:noBreakHyphen,
read back as "-")."""


def one_text(text: str) -> bool:
    """Does :func:`_add_text` write ``text`` (cleaned) as a single w:t: no tab, no hyphen that
    must not break? Only such text may be appended to a run's existing w:t."""
    return "\t" not in text and ("-" not in text or _HARD_HYPHEN.search(text) is None)


_XML_SPACE = qn("xml:space")


def _add_text(run: Element, text: str) -> Element | None:
    """Append text to a run (tabs become w:tab, hyphens inside dates and diarienummer
    w:noBreakHyphen); return the last w:t element."""
    text = _clean(text)
    if one_text(text):  # the common case: one w:t, or none
        if not text:
            return None
        last = _el("w:t", run)
        last.set(_XML_SPACE, "preserve")
        last.text = text
        return last
    last = None
    for index, piece in enumerate(text.split("\t")):
        if index:
            _el("w:tab", run)
        for part_index, part in enumerate(_HARD_HYPHEN.split(piece)):
            if part_index:
                _el("w:noBreakHyphen", run)
            if part:
                last = _el("w:t", run)
                last.set(_XML_SPACE, "preserve")
                last.text = part
    return last
