"""The content checks' shortcuts find exactly what the plain patterns find.

The checks skip a costly pattern when a cheap one (a substring, or a pattern the regex engine
finds fast) shows that it cannot match, and some patterns were rewritten to backtrack less.
Each test here compares the shortcut with the plain pattern, as it was written before, on
many random texts made of the pieces the patterns care about; and a golden file holds every
finding in a generated workspace, so a change in what the checks report shows up at once.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from beslut.checks import dates, personal_data, prose, readability, typography
from beslut.validate.workspace import load_workspace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from generate import generate

GOLDEN = Path(__file__).parent / "golden" / "check-generated.jsonl"

PIECES = (
    *("a", "Ä", "ö", "ord", "Ord", "ORD", "ord-", "x", "ı", "İ", "ſ", "K", "k", "ß"),
    *(" ", "  ", "\u00a0", "\n", "\t", "-", "–", "−", ".", ",", ":", "/", "+", "%", "(", ")"),
    *("0", "1", "2", "3", "5", "9", "12", "123", "2025", "19", "250910", "20250910", "1234"),
    *("kl", "Kl", "kl.", "nr", "§", "kap."),
    *("januari", "Juni", "DECEMBER", "mars", "dag", "Dag", "fredag", "Måndag", "lördagen"),
    *("mkr", "Mkr", "mnkr", "milj", "miljoner", "kr", "kronor", "SEK", "MSEK", "tkr", "Tkr"),
    *("kkr", "mdr", "md", "GSEK", "KSEK", "sek", "Sek"),
    *("@", "<", ">", "<!--", "-->", "`", "``", "](", "[", "]", "[^", "{", "}", "bredd", "="),
    *("http://", "https://", "www.", ".se", "\\", "\\sidbrytning", "#", "## ", "> ", "* "),
    *("t.ex.", "m.m.", "!", "?", "…", "”", '"', "’", "justeringsman"),
    *(" januari-juni ", " Mars-APRIL.", " 1.250.000 ", " 2,500,000", " 4-5 ", " 10-12,"),
)


def texts(count: int = 30000, seed: int = 14) -> Iterator[str]:
    """Yield random texts made of :data:`PIECES` (the same texts on every run)."""
    rng = random.Random(seed)
    for _ in range(count):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 14))]
        if rng.random() < 0.2:  # a word again, in other case: what upprepat-ord looks for
            word = rng.choice(parts)
            parts.insert(rng.randrange(len(parts) + 1), f"{word} {word.swapcase()} ")
        yield "".join(parts)


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], ...]]:
    return [tuple(m.span(g) for g in range(pattern.groups + 1)) for m in pattern.finditer(text)]


def test_random_texts_reach_the_patterns() -> None:
    """The random texts are good enough to test with: every pattern matches some of them."""
    sample = list(texts())
    for pattern in (
        typography._REPEATED,
        typography._NUMBER_RANGE,
        typography._MONTH_RANGE,
        typography._HYPHEN_MINUS,
        typography._MILLION,
        typography._THOUSAND,
        typography._BILLION,
        typography._CLOCK,
        typography._UNGROUPED,
        typography._FOREIGN_GROUPS,
        dates._WEEKDAY_TRIGGER,
    ):
        assert sum(1 for t in sample if pattern.search(t)) >= 5, pattern.pattern


PLAIN_REPEATED = re.compile(r"(?<![\w-])([^\W\d_][\w-]*)[ \u00a0]+(\1)(?![\w-])", re.IGNORECASE)


def test_repeated_words_pattern_finds_what_the_backtracking_one_found() -> None:
    for text in texts():
        assert spans(typography._REPEATED, text) == spans(PLAIN_REPEATED, text), repr(text)


def necessary(hint: Callable[[str], object], *patterns: re.Pattern[str]) -> None:
    """Assert that ``hint`` holds for every random text that one of ``patterns`` matches."""
    for text in texts():
        if any(p.search(text) for p in patterns):
            assert hint(text), repr(text)


HINTS = {  # the hint, then the patterns it stands in front of
    "siffror": ("typography._DIGIT_HINT", "typography._UNGROUPED", "typography._FOREIGN_GROUPS"),
    "intervall": ("typography._HYPHEN_DIGIT", "typography._NUMBER_RANGE"),
    "minus": ("typography._HYPHEN_DIGIT", "typography._HYPHEN_MINUS"),
    "månader": ("typography._HYPHEN_MONTH", "typography._MONTH_RANGE"),
    "valuta": (
        "typography._CURRENCY_HINT",
        "typography._MILLION",
        "typography._THOUSAND",
        "typography._BILLION",
    ),
    "klockslag": ("typography._CLOCK_HINT", "typography._CLOCK"),
    "personnummer": ("personal_data._SIX_DIGITS", "personal_data._NUMBER"),
}


def _pattern(name: str) -> re.Pattern[str]:
    module, attribute = name.split(".")
    found: re.Pattern[str] = getattr(MODULES[module], attribute)
    return found


MODULES = {"typography": typography, "dates": dates, "personal_data": personal_data}


@pytest.mark.parametrize("name", sorted(HINTS))
def test_a_skipped_pattern_could_not_have_matched(name: str) -> None:
    hint, *patterns = (_pattern(n) for n in HINTS[name])
    necessary(hint.search, *patterns)


def plain_mask(text: str) -> str:
    for pattern in prose._INLINE_MASKS:
        text = pattern.sub(lambda m: prose.MASK * len(m.group(0)), text)
    return text


def test_masking_skips_only_patterns_that_cannot_match() -> None:
    for text in texts():
        assert prose.mask_inline.__wrapped__(text) == plain_mask(text), repr(text)


def plain_sentences(text: str) -> tuple[tuple[int, int], ...]:
    found: list[tuple[int, int]] = []
    start = 0
    ends = [m.end() for m in readability._END.finditer(text) if _ends_sentence(text, m)]
    for end in [*ends, len(text)]:
        piece = text[start:end]
        if readability.words(piece):
            lead = len(piece) - len(piece.lstrip())
            found.append((start + lead, end))
        start = end
    return tuple(found)


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if match.group(0).startswith("."):
        start = match.start()
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
            start -= 1
        if text[start : match.start() + 1].lower() in readability.ABBREVIATIONS:
            return False
    following = readability._NEXT.match(text, match.end())
    return not (following and following.group(1).islower())


def plain_counts(text: str) -> tuple[int, int, int, list[int]]:
    found = readability.words(text)
    per_sentence = [len(readability.words(text[s:e])) for s, e in plain_sentences(text)]
    return (
        len(found),
        len(plain_sentences(text)),
        sum(map(readability.is_long, found)),
        per_sentence,
    )


def test_sentences_and_word_counts_are_the_plain_ones() -> None:
    for text in texts():
        readability.sentences.cache_clear()
        assert readability.sentences(text) == plain_sentences(text), repr(text)
        counts = readability.counts(text)
        assert (counts.words, counts.sentences, counts.long_words) == plain_counts(text)[:3]
        counts, per_sentence = readability.sentence_counts(text)
        found = (counts.words, counts.sentences, counts.long_words, per_sentence)
        assert found == plain_counts(text), repr(text)


def _findings(root: Path) -> list[str]:
    found = []
    for item in load_workspace(root).diagnostics:
        data = item.to_dict()
        if item.fix is not None:
            fix = item.fix
            data["fix"] = [fix.line, fix.column, fix.end_line, fix.end_column, fix.replacement]
        found.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    return found


SAMPLES = (
    "Kostnaderna ökar med 15% i år, budgeten är 12500000 kronor eller 12.500.000 kronor.",
    "Planen gäller 2022-2025 och mottagningen är stängd januari-juni; resultatet blev -5.",
    "Kostnaden är 5 mkr, 300 KSEK och 2 mdr kr. Mötet börjar kl 13:00 den 250910.",
    "Det det är bra. Justeringsman utses.  Två mellanslag.",
    "Mötet hölls måndag 14 juni 2022, senast 1 mars 2019.",
    "Personnummer 19121212-1212 står här.",
    "- En punkt med 45% och [en länk](https://exempel.se) och `kod 45%`.",
    "| A | B |\n|---|---|\n| 1000000 kr | kl 9 |",
)


def golden_workspace(dest: Path) -> Path:
    """Return 20 generated cases, the first with 300 random paragraphs added to its body."""
    root = generate(dest, 20)
    first = sorted((root / "content" / "ärenden").glob("*.md"))[0]
    extra = "\n\n".join([*SAMPLES, *(t.strip() or "x" for t in texts(800, seed=1))])
    first.write_text(first.read_text("utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return root


def test_generated_workspace_findings_are_the_golden_ones(tmp_path: Path) -> None:
    """Every finding in generated cases and random text, exactly as the plain checks found
    them (to accept a deliberate change: ``BESLUT_GOLDEN=skriv pytest
    tests/test_checks_equivalence.py``)."""
    found = _findings(golden_workspace(tmp_path / "arbetsyta"))
    if __import__("os").environ.get("BESLUT_GOLDEN") == "skriv":
        GOLDEN.write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found == GOLDEN.read_text("utf-8").splitlines()
    assert len(found) > 50


def test_every_abbreviation_is_still_found() -> None:
    """The look back for an abbreviation stops at the longest one: every one still counts."""
    for abbreviation in readability.ABBREVIATIONS:
        for word in (abbreviation, abbreviation.upper(), "x" + abbreviation, "ord_" + abbreviation):
            for text in (f"{word} Nästa mening.", f"Vi gör {word} Sedan annat.", f"a{word} B"):
                readability.sentences.cache_clear()
                assert readability.sentences(text) == plain_sentences(text), text


def test_prose_fields_are_the_yaml_blocks() -> None:
    """A document's prose strings, taken from all its strings, are those yaml_blocks finds."""
    from beslut.checks.base import Document
    from beslut.load.source import load_source

    root = Path(__file__).resolve().parents[1]
    files = sorted((root / "content").rglob("*.md")) + sorted((root / "content").rglob("*.yaml"))
    checked = 0
    for path in files:
        source, _ = load_source(path, root)
        if source is None:
            continue
        document = Document(source)
        plain = prose.yaml_blocks(source.data, source.positions, document.file_lines)
        assert document.field_blocks == plain, path
        checked += bool(plain)
    assert checked >= 5


def test_deadline_words_are_found_case_insensitively_as_the_pattern_does() -> None:
    """Every character re.IGNORECASE takes for a letter of the deadline words is lowered to
    that letter by str.lower(), or is one of the few the shortcut checks for first."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    letters = {c for word in dates._TRIGGER_WORDS for c in word}
    for letter in letters | set(dates._WEEKDAY_END):
        apart = dates._FOLDS_APART if letter in letters else ()
        for match in re.finditer(re.escape(letter), everything, re.IGNORECASE):
            char = match.group(0)
            assert char.lower() == letter or char in apart, (letter, char)
    for char in dates._FOLDS_APART:  # each of them is one the pattern takes for a letter
        assert any(re.fullmatch(letter, char, re.IGNORECASE) for letter in letters)


def test_a_block_without_deadline_words_is_skipped_only_when_the_pattern_finds_none() -> None:
    sample = [*texts(), "Senast", "FÖRE", "ınnan", "İnnan", "ſenast", "T.O.M.", "Till Och Med"]
    found = 0
    for text in sample:
        if dates._TRIGGER.search(text):
            found += 1
            assert dates._may_name_deadline(text), repr(text)
    assert found >= 7


def test_loading_and_rendering_parse_each_case_body_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outline (validation), the content checks and the conversion to Word share one
    parse of each body."""
    from markdown_it import MarkdownIt

    from beslut.checks import base
    from beslut.model.markdown import parse_body
    from beslut.render.case import render_case

    root = generate(tmp_path / "arbetsyta", 3)
    parsed: list[str] = []
    real = MarkdownIt.parse

    def counting(self: MarkdownIt, src: str, env: object = None) -> object:
        parsed.append(src)
        return real(self, src, env)  # type: ignore[arg-type]

    monkeypatch.setattr(MarkdownIt, "parse", counting)
    monkeypatch.setattr(base, "_DOCUMENTS", {})
    parse_body.cache_clear()
    workspace = load_workspace(root)
    bodies = [case.body for case in workspace.cases]
    assert len(bodies) == 3
    assert [parsed.count(body) for body in bodies] == [1, 1, 1]
    assert workspace.profile is not None
    for case in workspace.cases:
        render_case(case, workspace.profile, workspace.root)
    assert [parsed.count(body) for body in bodies] == [1, 1, 1]


def test_a_block_without_dag_is_skipped_only_when_no_weekday_pattern_matches() -> None:
    sample = [*texts(), "MÅNDAG", "Fredagen den 3 maj 2024", "lÖrDaG"]
    found = 0
    for text in sample:
        if dates._WEEKDAY_TRIGGER.search(text) or dates._WEEKDAY.search(text):
            found += 1
            assert dates._WEEKDAY_END in text.lower(), repr(text)
    assert found >= 20


def test_rules_skipped_without_a_digit_find_nothing_without_one() -> None:
    finders = [f for code, f in typography.FINDERS if code in typography.NEED_A_DIGIT]
    assert len(finders) == len(typography.NEED_A_DIGIT)
    found = 0
    for text in [*texts(), *SAMPLES]:
        for finder in finders:
            if list(finder(text, None)):  # type: ignore[arg-type]  # these read no settings
                found += 1
                assert re.search(r"\d", text), repr(text)
    assert found >= 100


def plain_locate(block: prose.Block, offset: int) -> tuple[int, int]:
    index = 0
    for i, span in enumerate(block.spans):
        if offset <= len(span.text):
            return i, offset
        offset -= len(span.text) + 1
        index = i
    last = block.spans[index]
    return index, len(last.text)


def test_offsets_are_located_as_the_walk_over_the_spans_did() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        spans = tuple(
            prose.Span(line, 1, "x" * rng.randint(0, 6), True)
            for line in range(1, rng.randint(1, 6) + 1)
        )
        block = prose.Block("stycke", spans)
        for offset in range(-2, len(block.text) + 3):
            assert block._locate(offset) == plain_locate(block, offset), (spans, offset)
