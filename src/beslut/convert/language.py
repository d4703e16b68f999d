"""Which language a converted attachment gets: the one place that decides it.

A Word or ODT attachment is converted by LibreOffice, whose PDF takes the document's default
language as the catalog's /Lang (what a screen reader reads the text as). Most documents never
had a language chosen for them: Word's and LibreOffice's stock templates carry ``en-US``, so a
Swedish text comes out as English. :func:`attachment_language` decides, from the file alone:

* the document declares no default language: it gets the profile's language (``språk``);
* it declares the profile's language: nothing to do;
* it declares ``en-US`` (the application default, :data:`APPLICATION_DEFAULTS`): the author
  most likely never chose it, so it gets the profile's language, unless its text is clearly
  English (:func:`looks_english`); then ``en-US`` was right and stays;
* it declares any other language (``de-DE``, ``en-GB``, ``fi-FI`` …): chosen on purpose, kept.
  The packet then warns that the part is read in another language (``assemble.conformance``).

Limits of the English test: it counts common English and Swedish function words in the body
text. Fewer than :data:`MIN_WORDS` words (a form, a table of figures) is not "clearly English",
so a short English document declared ``en-US`` gets the profile's language; a mixed document
counts as English only when English function words clearly dominate. It tells English from
other languages only; a German text declared ``en-US`` gets the profile's language too. Text
that the author marked with a language of its own inside the document keeps it (the worker
changes only the default and the styles that carry it, ``_uno_worker._set_language``).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

APPLICATION_DEFAULTS = frozenset({"en-US"})
"""Declared defaults that usually mean nobody chose a language: the stock templates' one."""

MIN_WORDS = 20
"""Fewer words than this are too few to call a text English."""

MAX_WORDS = 3000
"""Only the first words are counted; a document is one language throughout in practice."""

# Function words, kept apart from the other language's (no "i", "in", "man", "under" …).
_ENGLISH = frozenset(
    (  # noqa: SIM905 - a word list reads best as one string
        "the and of to is that for it with as on be are this by was not or from at which have an "
        "will we our their has been were they would should can these its also than into there "
        "who what when where more other such about any each only may must"
    ).split()
)
_SWEDISH = frozenset(
    (  # noqa: SIM905
        "och att det som en på är av för med till den har de inte om ett men var sig så vi kan "
        "ska från eller vid när detta också efter mot samt denna dessa enligt inom sina varit "
        "skall både ut där"
    ).split()
)
_WORD = re.compile(r"[^\W\d_]+")

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"


def attachment_language(path: Path, profile_language: str) -> str | None:
    """The language to give a .docx/.odt attachment before conversion, or None to keep its own.

    Unreadable files get the profile's language (LibreOffice reports the real problem).
    """
    try:
        declared, text = read_language_and_text(path)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return profile_language
    return choose_language(declared, text, profile_language)


def choose_language(declared: str | None, text: str, profile_language: str) -> str | None:
    """The decision of :func:`attachment_language`, on a declared language and the text."""
    if not declared:
        return profile_language
    if declared.lower() == profile_language.lower():
        return None
    if declared.lower() in {tag.lower() for tag in APPLICATION_DEFAULTS}:
        return None if looks_english(text) else profile_language
    return None


def looks_english(text: str) -> bool:
    """True when ``text`` is clearly English prose (a function-word count; see the limits)."""
    words = [w.lower() for w in _WORD.findall(text)[:MAX_WORDS]]
    if len(words) < MIN_WORDS:
        return False
    english = sum(w in _ENGLISH for w in words)
    swedish = sum(w in _SWEDISH for w in words)
    return english >= 0.15 * len(words) and english > 3 * swedish


def read_language_and_text(path: Path) -> tuple[str | None, str]:
    """The document's declared default language (``en-US``) or None, and its body text."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    suffix = path.suffix.lower()
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if suffix == ".odt":
            styles = _xml(archive, "styles.xml", names, parser)
            content = etree.fromstring(archive.read("content.xml"), parser)
            return _odt_language(styles), _texts(content, f"{{{_TEXT}}}p", f"{{{_TEXT}}}h")
        styles = _xml(archive, "word/styles.xml", names, parser)
        body = etree.fromstring(archive.read("word/document.xml"), parser)
        return _docx_language(styles), " ".join(t.text or "" for t in body.iter(f"{{{_W}}}t"))


def _xml(archive: zipfile.ZipFile, name: str, names: set[str], parser: Any) -> Any:
    from lxml import etree

    return etree.fromstring(archive.read(name), parser) if name in names else None


def _texts(root: Any, *tags: str) -> str:
    return " ".join("".join(element.itertext()) for element in root.iter(*tags))


def _docx_language(styles: Any) -> str | None:
    """w:docDefaults' language, unless the default paragraph style sets its own."""
    if styles is None:
        return None
    found: str | None = None
    for lang in styles.iterfind(f"{{{_W}}}docDefaults/{{{_W}}}rPrDefault/{{{_W}}}rPr/{{{_W}}}lang"):
        found = lang.get(f"{{{_W}}}val") or found
    for style in styles.iterfind(f"{{{_W}}}style"):
        if style.get(f"{{{_W}}}type") == "paragraph" and style.get(f"{{{_W}}}default") in (
            "1",
            "true",
            "on",
        ):
            lang = style.find(f"{{{_W}}}rPr/{{{_W}}}lang")
            if lang is not None and lang.get(f"{{{_W}}}val"):
                found = lang.get(f"{{{_W}}}val")
    return found


def _odt_language(styles: Any) -> str | None:
    """The default paragraph style's language, unless the "Standard" style sets its own."""
    if styles is None:
        return None
    found: str | None = None
    candidates = [
        element
        for element in styles.iter(f"{{{_STYLE}}}default-style", f"{{{_STYLE}}}style")
        if element.get(f"{{{_STYLE}}}family") == "paragraph"
        and (
            element.tag == f"{{{_STYLE}}}default-style"
            or element.get(f"{{{_STYLE}}}name") == "Standard"
        )
    ]
    candidates.sort(key=lambda element: element.tag != f"{{{_STYLE}}}default-style")
    for element in candidates:
        props = element.find(f"{{{_STYLE}}}text-properties")
        if props is None:
            continue
        language = props.get(f"{{{_FO}}}language")
        country = props.get(f"{{{_FO}}}country")
        if language and language != "none":
            found = f"{language}-{country}" if country and country != "none" else language
    return found
