"""The last check before a public protokoll is published: nothing secret, no personnummer.

The build calls :func:`leaks` twice for the public protokoll: on every string of its template
context (per §, so that the message can name the §), and on the text pypdf extracts from the
converted PDF (so that nothing a template or LibreOffice added slips through either). A hit
keeps the public protokoll from being published; the internal protokoll and the utdrag are not
affected.

Personnummer and samordningsnummer are found by :func:`beslut.checks.personal_data.find_numbers`
(the check the cases and meetings get). Text of a withheld § is compared without any
whitespace (and with its case), so that line breaks, wrapping and the spaces pypdf puts between
text runs do not hide it; long texts are compared sentence by sentence too, so that a sentence
moved into another § is found. Texts of fewer than :data:`MIN_WORDS` words are not compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pypdf import PdfReader

from beslut.checks.personal_data import find_numbers

MIN_FRAGMENT = 20
"""Sentences shorter than this are not compared on their own (too likely to recur)."""
MIN_WORDS = 4
"""Texts of fewer words are not compared: a recipient ("Hälso- och sjukvårdsdirektören"), a
name or a date recurs in other §§ as part of their own sentences and is no leak there."""
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?:;])\s+")


def _squeezed(text: str) -> str:
    return _WHITESPACE.sub("", text)


def fragments(withheld: Iterable[str]) -> list[str]:
    """Each withheld text of at least :data:`MIN_WORDS` words, and each of its sentences of as
    many words and at least :data:`MIN_FRAGMENT` characters."""
    found: dict[str, None] = {}
    for text in withheld:
        for part in (text, *_SENTENCE_END.split(text)):
            if len(part.split()) >= MIN_WORDS and (part == text or len(part) >= MIN_FRAGMENT):
                found[part] = None
    return list(found)


def leaks(text: str, withheld: Sequence[str]) -> list[str]:
    """What in ``text`` must not be published, as Swedish phrases ("ett personnummer
    (”…-XXXX”)", "texten ”…” ur en paragraf som inte publiceras"); empty when nothing."""
    found = [f"ett {hit.kind} (”{hit.masked}”)" for hit in find_numbers(text)]
    squeezed = _squeezed(text)
    for fragment in fragments(withheld):
        if _squeezed(fragment) and _squeezed(fragment) in squeezed:
            shown = fragment if len(fragment) <= 60 else fragment[:57] + "…"
            found.append(f"texten ”{shown}” ur en paragraf som inte publiceras")
    return list(dict.fromkeys(found))


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, as pypdf extracts it."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


__all__ = ["MIN_FRAGMENT", "MIN_WORDS", "fragments", "leaks", "pdf_pages"]
