"""Every title and description in the JSON Schemas is Swedish: an editor shows them in hovers
and completions to a case officer, who should never read a Python class name or an English
docstring there.

The English test is deliberately simple and honest about it: a text fails when it contains
one of a few common English function words (listed in ``ENGLISH``) that are not Swedish words
and do not occur in the Swedish texts. It catches a docstring leaking into the schema (they
are English in this code base), not every possible English phrase.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from enum import Enum

from pydantic import BaseModel

from beslut.authoring.schema import schemas
from beslut.model import doctype, formatting, minutes, models

ENGLISH = (
    "the", "of", "is", "are", "and", "which", "when", "where", "with", "for", "how", "what",
    "this", "that", "from", "return", "returns", "written", "should", "must", "one", "see",
)  # fmt: skip
"""English words that are not Swedish words (``in``, ``a``, ``at``, ``till`` are left out:
they are also Swedish)."""

_ENGLISH_RE = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)
_CAMEL_RE = re.compile(r"\b[A-Z][a-z]+[A-Z][A-Za-z]*\b")

CLASS_NAMES = {
    name
    for module in (models, doctype, formatting, minutes)
    for name, obj in vars(module).items()
    if inspect.isclass(obj) and issubclass(obj, BaseModel | Enum)
}


def _texts(node: object, path: str) -> Iterator[tuple[str, str, str]]:
    """Yield (path, kind, text) for every title, description and enum description."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}/{key}"
            if key in ("title", "description") and isinstance(value, str):
                yield where, key, value
            elif key in ("enumDescriptions", "markdownEnumDescriptions"):
                yield from ((f"{where}[{i}]", "description", t) for i, t in enumerate(value))
            else:
                yield from _texts(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{path}[{index}]")


def _all_texts() -> list[tuple[str, str, str]]:
    return [found for name, schema in schemas().items() for found in _texts(schema, name)]


def test_the_walk_finds_every_kind_of_text() -> None:
    """The walk reaches $defs, properties and enum value descriptions (so the checks below
    are not vacuous)."""
    paths = [path for path, _, _ in _all_texts()]
    assert len(paths) > 300
    assert any("/$defs/" in p and p.endswith("/title") for p in paths)
    assert any("/properties/" in p and p.endswith("/description") for p in paths)
    assert any("EnumDescriptions[" in p for p in paths)


def _problems(path: str, kind: str, text: str) -> list[str]:
    """What is wrong with one text (empty when it is a Swedish text)."""
    found = []
    if not text.strip():
        found.append(f"{path}: tom {kind}")
    english = _ENGLISH_RE.search(text)
    if english:
        found.append(f"{path}: engelska (”{english.group()}”) i {text!r}")
    class_name = text in CLASS_NAMES and "/properties/" not in path
    if kind == "title" and (_CAMEL_RE.search(text) or class_name):
        found.append(f"{path}: klassnamn som titel: {text!r}")
    return found


def test_every_text_is_swedish() -> None:
    problems = [p for found in _all_texts() for p in _problems(*found)]
    assert not problems, "\n".join(problems)


def test_every_definition_has_a_swedish_title_and_description() -> None:
    """A $defs entry (a group or a list of values) is what the editor shows for a key that
    refers to it; its title is never the Python class name it came from."""
    for name, schema in schemas().items():
        for key, definition in schema.get("$defs", {}).items():
            assert definition.get("title") not in (None, key), f"{name}: $defs/{key}"
            assert definition.get("description"), f"{name}: $defs/{key} saknar beskrivning"
            if "enum" in definition:
                texts = definition.get("markdownEnumDescriptions", [])
                assert len(texts) == len(definition["enum"]), f"{name}: $defs/{key}"


def test_the_english_check_catches_a_docstring() -> None:
    """The check itself: an English docstring and a class name are caught."""
    assert _ENGLISH_RE.search("How decision points are written.")
    assert _ENGLISH_RE.search("Kinds of agenda items.")
    assert _CAMEL_RE.search("DocumentType")
    assert _problems("x/$defs/DocumentType/title", "title", "DocumentType")
    assert _problems("x/$defs/Organ/title", "title", "Organ")
    assert not _problems("x/properties/rubrik/description", "description", "Ärendets rubrik.")
