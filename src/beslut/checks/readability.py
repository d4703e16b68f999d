"""Content checks: readability (LIX per section and long sentences).

LIX (läsbarhetsindex, Björnsson) = O/M + 100·L/O, where O is the number of words, M the number
of sentences and L the number of long words (more than six letters). It is computed per ``##``
section of a case body over paragraphs, list items and footnotes; headings and table cells are
not running text and are left out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from beslut.checks.base import Context, Document
from beslut.checks.catalogue import RULES
from beslut.checks.prose import Block
from beslut.diagnostics import Diagnostic

ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "t.ex.",
        "bl.a.",
        "m.m.",
        "m.fl.",
        "s.k.",
        "dvs.",
        "d.v.s.",
        "ca.",
        "kl.",
        "nr.",
        "fr.o.m.",
        "t.o.m.",
        "resp.",
        "jfr.",
        "inkl.",
        "exkl.",
        "osv.",
        "o.s.v.",
        "etc.",
        "p.g.a.",
        "pga.",
        "f.d.",
        "kap.",
        "st.",
        "s.",
        "prop.",
    }
)
"""Abbreviations whose final full stop does not end a sentence."""
_LONGEST = max(map(len, ABBREVIATIONS))

_WORD = re.compile(r"[^\W_]+(?:[-'’.,:/][^\W_]+)*")
# Sentence-ending punctuation, with closing quotes or brackets, before a space or the end.
_END = re.compile(r"[.!?…]+[”\"’)\]]*(?=\s|$)")
_NEXT = re.compile(r"\s*(\S)")
_PROSE_KINDS = frozenset({"stycke", "listpunkt", "fotnot"})
_SUMMARY = "sammanfattning"


def words(text: str) -> list[str]:
    """Return the words of a text: runs of letters or digits, joined by -, ', ., , : or /."""
    return _WORD.findall(text)


def is_long(word: str) -> bool:
    """Return True for a word with more than six letters."""
    return len(word) > 6 and (word.isalpha() or sum(ch.isalpha() for ch in word) > 6)


def _long_words(found: list[str]) -> int:
    """Return how many of the words are long (:func:`is_long`), testing only those longer than
    six characters."""
    return sum(1 for word in found if len(word) > 6 and (word.isalpha() or is_long(word)))


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if match.group(0).startswith("."):
        start = match.start()
        # Look back no further than the longest abbreviation: a longer word is none, and
        # neither is what is left of it (lower() never shortens a text).
        floor = max(0, start - _LONGEST)
        while start > floor and (text[start - 1].isalnum() or text[start - 1] in "._"):
            start -= 1
        if text[start : match.start() + 1].lower() in ABBREVIATIONS:
            return False
    following = _NEXT.match(text, match.end())
    # A sentence starts with a capital or a digit; "kap. i" or "m.m. och" goes on.
    return not (following and following.group(1).islower())


@lru_cache(maxsize=4096)
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    """Return the (start, end) offsets of the sentences in a text that contain a word.

    A sentence ends at . ! ? or … before a space (so not in ”3.5” or ”t.ex.” inside), except
    after a common abbreviation or before a lower-case letter, and at the end of the text.
    """
    found: list[tuple[int, int]] = []
    start = 0
    ends = [m.end() for m in _END.finditer(text) if _ends_sentence(text, m)]
    for end in [*ends, len(text)]:
        piece = text[start:end]
        if _WORD.search(piece):
            lead = len(piece) - len(piece.lstrip())
            found.append((start + lead, end))
        start = end
    return tuple(found)


@dataclass(frozen=True)
class Counts:
    """Words, sentences and long words of a text."""

    words: int = 0
    sentences: int = 0
    long_words: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.words + other.words,
            self.sentences + other.sentences,
            self.long_words + other.long_words,
        )

    @property
    def lix(self) -> float:
        """Return O/M + 100·L/O (0 for a text without words)."""
        if not self.words:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def counts(text: str) -> Counts:
    """Return the word, sentence and long-word counts of one text (a block ends a sentence)."""
    found = words(text)
    return Counts(len(found), len(sentences(text)), _long_words(found))


def sentence_counts(text: str) -> tuple[Counts, list[int]]:
    """Return :func:`counts` of a text and the number of words in each of its
    :func:`sentences`, with one scan for words per sentence.

    The words of the text are exactly those of its sentences: a sentence ends before white
    space (or at the end) and a word holds none, so no word crosses the end of a sentence;
    the white space a sentence starts after and the pieces left out hold no word.
    """
    spans = sentences(text)
    per_sentence = [words(text[start:end]) for start, end in spans]
    found = [word for part in per_sentence for word in part]
    return Counts(len(found), len(spans), _long_words(found)), [len(p) for p in per_sentence]


def lix(texts: Iterable[str]) -> float:
    """Return the LIX of some texts, each of which ends a sentence."""
    return sum((counts(t) for t in texts), Counts()).lix


def rounded(value: float) -> int:
    """Return a LIX figure rounded to the nearest integer (halves up)."""
    return math.floor(value + 0.5)


def scale(value: int) -> str:
    """Return the Swedish word for how hard a text with this LIX is to read."""
    if value < 30:
        return "mycket lätt"
    if value < 40:
        return "lätt"
    if value < 50:
        return "medelsvår"
    if value < 60:
        return "svår"
    return "mycket svår"


@dataclass
class _Section:
    name: str | None
    heading: Block | None
    blocks: list[Block]


def _sections(blocks: list[Block]) -> Iterator[_Section]:
    """Group body blocks by ``##`` section, in order."""
    current: _Section | None = None
    for block in blocks:
        if current is None or block.section != current.name:
            if current is not None:
                yield current
            heading = block if block.kind == "rubrik" else None
            current = _Section(block.section, heading, [])
        if block.kind in _PROSE_KINDS:
            current.blocks.append(block)
    if current is not None:
        yield current


def _label(name: str | None) -> str:
    return f"Avsnittet ”{name}”" if name else "Texten före första rubriken"


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield LIX findings per section and findings for overlong sentences."""
    for case in context.cases:
        yield from check_document(context, context.case_document(case))


def check_document(context: Context, document: Document) -> Iterator[Diagnostic]:
    """Yield the readability findings of one case file (meetings have no body)."""
    settings = context.settings
    if document.case is None:
        return
    for section in _sections(document.body_blocks):
        if not section.blocks:
            continue
        found = [sentence_counts(b.text) for b in section.blocks]
        total = sum((block_counts for block_counts, _ in found), Counts())
        value = rounded(total.lix)
        is_summary = (section.name or "").strip().lower() == _SUMMARY
        limit = settings.lix_summary_limit if is_summary else settings.lix_limit
        if total.words >= settings.lix_min_words and value > limit:
            where = section.heading or section.blocks[0]
            line, column = where.position(0)
            yield RULES["lix"].at(
                document.rel,
                line,
                column,
                f"{_label(section.name)} har LIX {value} ({scale(value)} text); gränsen är "
                f"{limit}. Skriv kortare meningar och använd färre långa ord (ord med fler än "
                "sex bokstäver), t.ex. genom att dela upp långa sammansättningar.",
            )
        for block, (_, per_sentence) in zip(section.blocks, found, strict=True):
            for (start, _), count in zip(sentences(block.text), per_sentence, strict=True):
                if count <= settings.sentence_words:
                    continue
                line, column = block.position(start)
                yield RULES["lång-mening"].at(
                    document.rel,
                    line,
                    column,
                    f"Meningen har {count} ord; gränsen är {settings.sentence_words}. Dela "
                    "upp den i två eller flera kortare meningar med en sak i varje. "
                    f"({_label(section.name)} har LIX {value}.)",
                )
