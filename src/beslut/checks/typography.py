"""Typography in prose (swedish-conventions.md §3.1): percent, digit groups, en dash in ranges,
minus signs, currency abbreviations, times, repeated words, "justeringsman" and double spaces.

Most findings carry a safe fix that ``beslut check --fix`` may write back: it only changes the
characters the message names. Fixes write ordinary spaces; the renderer turns them into
no-break spaces where they belong (:mod:`beslut.model.typography`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from beslut.checks.base import Context, Document
from beslut.checks.catalogue import RULES
from beslut.checks.dates import long_date
from beslut.checks.prose import Block
from beslut.diagnostics import Diagnostic
from beslut.model.typography import MONTHS


@dataclass(frozen=True)
class _Hit:
    """What a pattern found: where (offsets into the block text), the message and the fix."""

    start: int
    end: int
    message: str
    replacement: str | None
    fix_start: int | None = None
    fix_end: int | None = None


Finder = Callable[[str, Context], Iterator[_Hit]]

# --- percent ---------------------------------------------------------------------------------

_PERCENT = re.compile(r"(?<![\w,.])(\d+(?:[ \u00a0]\d{3})*(?:,\d+)?)%")


def _percent(text: str, _: Context) -> Iterator[_Hit]:
    if "%" not in text:
        return
    for m in _PERCENT.finditer(text):
        number = m.group(1)
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv mellanslag före procenttecknet: ”{number} %”, eller ”{number} procent” i "
            f"löpande text – inte ”{number}%”.",
            " ",
            m.end(1),
            m.end(1),
        )


# --- digit groups ----------------------------------------------------------------------------

_DIGIT_HINT = re.compile(r"\d(?:\d{4}|[.,]\d{3}[.,]\d{3})")
"""Five digits in a row, or groups of three after a separator: what either pattern below needs
(written with one leading digit, which the regex engine scans for fast; a year has four)."""
_UNGROUPED = re.compile(r"(?<![\w\-–−/.:,+\u00a0])([1-9]\d{4,8})((?:,\d+)?)(?![\w\-/:]|[.,]\d)")
_FOREIGN_GROUPS = re.compile(
    r"(?<![\w.,])([1-9]\d{0,2})((?:([.,])\d{3})(?:\3\d{3})+)(?![\w.,]\d|\d)"
)


def group_digits(digits: str) -> str:
    """Return an integer's digits grouped by three with ordinary spaces: 12500000 → 12 500 000."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return " ".join(parts)


def _digit_groups(text: str, _: Context) -> Iterator[_Hit]:
    if not _DIGIT_HINT.search(text):
        return
    for m in _UNGROUPED.finditer(text):
        if _compact_date(m.group(1)) is not None and not m.group(2):
            continue  # a date written 250910: reported by datumformat
        grouped = group_digits(m.group(1)) + m.group(2)
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv stora tal med mellanslag mellan siffergrupperna: ”{grouped}”, inte ”{m.group(0)}”.",
            group_digits(m.group(1)),
            m.start(1),
            m.end(1),
        )
    for m in _FOREIGN_GROUPS.finditer(text):
        separator = m.group(3)
        digits = m.group(1) + m.group(2).replace(separator, "")
        grouped = group_digits(digits)
        name = "punkt" if separator == "." else "komma"
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv siffergrupper med mellanslag, inte med {name}: ”{grouped}”, inte ”{m.group(0)}”.",
            grouped,
            m.start(),
            m.end(),
        )


# --- compact dates --------------------------------------------------------------------------

_SIX_DIGITS = re.compile(r"\d\d-?\d\d-?\d\d")
_COMPACT_DATE = re.compile(
    r"(?<![\w\-–−/.,:+\u00a0])(\d{6}|\d{8}|\d{2}-\d{2}-\d{2})(?![\w\-/:]|[.,]\d)"
)


def _compact_date(digits: str) -> dt.date | None:
    """Return the date a compact 250910, 20250910 or 25-09-10 stands for, if any."""
    digits = digits.replace("-", "")
    if len(digits) == 6:
        digits = "20" + digits
    if len(digits) != 8 or not digits.startswith(("19", "20")):
        return None
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        return None


def _dates(text: str, _: Context) -> Iterator[_Hit]:
    if not _SIX_DIGITS.search(text):
        return
    for m in _COMPACT_DATE.finditer(text):
        found = _compact_date(m.group(1))
        if found is None or found.year < 1990:
            continue
        long = long_date(found)
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv datum på formen ÅÅÅÅ-MM-DD: ”{found.isoformat()}”, inte ”{m.group(1)}” "
            f"(eller ”{long}” i löpande text).",
            None,
        )


# --- en dash in ranges -----------------------------------------------------------------------

_NUMBER_RANGE = re.compile(r"(?<![\w\-–−/.,:])(\d{1,4})-(\d{1,4})(?![\w\-–/]|[.,:]\d)")
_MONTH_RANGE = re.compile(rf"\b({'|'.join(MONTHS)})-({'|'.join(MONTHS)})\b", re.IGNORECASE)
_HYPHEN_DIGIT = re.compile(r"-\d")
"""What a number range and a minus sign need: cheap to look for (it starts with a literal)."""
_HYPHEN_MONTH = re.compile(rf"-(?:{'|'.join(MONTHS)})", re.IGNORECASE)
"""What a month range needs, with the same flags."""


def _is_range(first: str, second: str) -> bool:
    if first.startswith("0") or (second.startswith("0") and len(second) > 1):
        return False  # phone area codes (044-309) and year-month dates (2019-09)
    if len(first) == 4 and len(second) == 2:
        return False  # 2019-12 reads as a year and month
    return int(first) < int(second)


def _ranges(text: str, _: Context) -> Iterator[_Hit]:
    if "-" not in text:
        return
    numbers = _NUMBER_RANGE.finditer(text) if _HYPHEN_DIGIT.search(text) else ()
    for m in numbers:
        first, second = m.group(1), m.group(2)
        if not _is_range(first, second):
            continue
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv intervall med tankstreck utan mellanslag: ”{first}–{second}”, inte ”{m.group(0)}”.",
            "–",
            m.end(1),
            m.end(1) + 1,
        )
    months = _MONTH_RANGE.finditer(text) if _HYPHEN_MONTH.search(text) else ()
    for m in months:
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv intervall med tankstreck: ”{m.group(1)}–{m.group(2)}”, inte ”{m.group(0)}”.",
            "–",
            m.end(1),
            m.end(1) + 1,
        )


# --- minus -----------------------------------------------------------------------------------

_HYPHEN_MINUS = re.compile(r"(?:(?<=^)|(?<=[\s(]))-(?=\d)", re.MULTILINE)


def _minus(text: str, _: Context) -> Iterator[_Hit]:
    if "-" not in text or not _HYPHEN_DIGIT.search(text):
        return
    for m in _HYPHEN_MINUS.finditer(text):
        number = re.match(r"[\d \u00a0,]*\d", text[m.end() :])
        shown = number.group(0) if number else ""
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv minustecken (−), inte bindestreck, framför negativa tal: ”−{shown}”.",
            "−",
            m.start(),
            m.end(),
        )


# --- currency --------------------------------------------------------------------------------

_MILLIONS = r"mkr|Mkr|MKR|MSEK|Msek|mnkr|Mnkr|milj\.? ?kr|mn kr|miljoner kr"
_THOUSANDS = r"kkr|KSEK|Ksek|tSEK|TSEK|Tkr|TKR"
_BILLIONS = r"mdr kr|md kr|Mdkr|MDKR|mdSEK|MDSEK|GSEK|mdr\. kr"
_MILLION = re.compile(rf"(?<![\w.])({_MILLIONS})(?![\w])(?!\.\w)")
_THOUSAND = re.compile(rf"(?<![\w.])({_THOUSANDS})(?!\w)")
_BILLION = re.compile(rf"(?<![\w.])({_BILLIONS})(?!\w)")
_CURRENCY_HINT = re.compile(f"{_MILLIONS}|{_THOUSANDS}|{_BILLIONS}")
"""Any abbreviation of the patterns above, wherever it stands: found in one scan, in few blocks
(”kr” alone is in half of them: kronor, krav, skriva)."""


def _currency(text: str, context: Context) -> Iterator[_Hit]:
    if not _CURRENCY_HINT.search(text):
        return
    wanted: str = context.settings.million_unit
    for m in _MILLION.finditer(text):
        found = m.group(1)
        replacement = "miljoner kronor" if found == "miljoner kr" else wanted
        if found == replacement:
            continue
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv ”{replacement}” för miljoner kronor, inte ”{found}” (organisationens skrivregel).",
            replacement,
            m.start(),
            m.end(),
        )
    for pattern, replacement, meaning in (
        (_THOUSAND, "tkr", "tusen kronor"),
        (_BILLION, "mdkr", "miljarder kronor"),
    ):
        for m in pattern.finditer(text):
            yield _Hit(
                m.start(),
                m.end(),
                f"Skriv ”{replacement}” för {meaning}, inte ”{m.group(1)}”.",
                replacement,
                m.start(),
                m.end(),
            )


# --- times -----------------------------------------------------------------------------------

_CLOCK = re.compile(
    r"(?<![\w.])([Kk]l)(\.?)([ \u00a0]?)([01]?\d|2[0-3])(?:([:.])([0-5]\d))?"
    r"(?:([-–])([01]?\d|2[0-3])(?:([:.])([0-5]\d))?)?(?![\w:]|\.\d)"
)


_CLOCK_HINT = re.compile(r"[Kk]l\.?[ \u00a0]?\d")
"""What :data:`_CLOCK` needs: ”kl” is in many words (klar, enkla), a time is not."""


def _clock(text: str, _: Context) -> Iterator[_Hit]:
    if ("kl" not in text and "Kl" not in text) or not _CLOCK_HINT.search(text):
        return
    for m in _CLOCK.finditer(text):
        kl, hour, minute = m.group(1), m.group(4), m.group(6)
        dash, hour2, minute2 = m.group(7), m.group(8), m.group(10)
        wanted = f"{kl}. {hour}" + (f".{minute}" if minute else "")
        if dash:
            wanted += f"–{hour2}" + (f".{minute2}" if minute2 else "")
        found = m.group(0).replace("\u00a0", " ")
        if found == wanted:
            continue
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv klockslag med ”kl.” och punkt: ”{wanted}”, inte ”{m.group(0)}”.",
            wanted,
            m.start(),
            m.end(),
        )


# --- repeated words --------------------------------------------------------------------------

_REPEATED = re.compile(r"(?<![\w-])([^\W\d_][\w-]*+)[ \u00a0]+(\1)(?![\w-])", re.IGNORECASE)
"""The first word is matched possessively (``*+``): a shorter one would end before a letter,
digit or hyphen, where the spaces cannot follow, so backtracking into it never finds a match."""


def _repeated(text: str, _: Context) -> Iterator[_Hit]:
    for m in _REPEATED.finditer(text):
        yield _Hit(
            m.start(2),
            m.end(2),
            f"Ordet ”{m.group(1)}” står två gånger i rad. Ta bort det ena.",
            None,
        )


# --- justeringsman ---------------------------------------------------------------------------

_JUSTERINGSMAN = re.compile(r"\b([Jj])usteringsm(annen|ännen|an|än)\b")
_JUSTERARE = {"an": "justerare", "än": "justerare", "annen": "justeraren", "ännen": "justerarna"}


def _justeringsman(text: str, _: Context) -> Iterator[_Hit]:
    if "usteringsm" not in text:
        return
    for m in _JUSTERINGSMAN.finditer(text):
        wanted = _JUSTERARE[m.group(2)]
        if m.group(1) == "J":
            wanted = wanted.capitalize()
        yield _Hit(
            m.start(),
            m.end(),
            f"Skriv ”{wanted}”, inte ”{m.group(0)}”: titeln är könsneutral.",
            wanted,
            m.start(),
            m.end(),
        )


# --- double spaces ---------------------------------------------------------------------------

_DOUBLE_SPACE = re.compile(r"(?<=\S)  +(?=\S)")


def _double_spaces(text: str, _: Context) -> Iterator[_Hit]:
    if "  " not in text:
        return
    for m in _DOUBLE_SPACE.finditer(text):
        yield _Hit(
            m.start(),
            m.end(),
            f"{len(m.group(0))} mellanslag i rad; skriv ett.",
            " ",
            m.start(),
            m.end(),
        )


FINDERS: tuple[tuple[str, Finder], ...] = (
    ("procent", _percent),
    ("siffergruppering", _digit_groups),
    ("tankstreck-intervall", _ranges),
    ("minustecken", _minus),
    ("valutaförkortning", _currency),
    ("klockslag", _clock),
    ("upprepat-ord", _repeated),
    ("justeringsman", _justeringsman),
    ("dubbla-mellanslag", _double_spaces),
    ("datumformat", _dates),
)


_DIGIT = re.compile(r"\d")
NEED_A_DIGIT = frozenset({"procent", "siffergruppering", "minustecken", "klockslag", "datumformat"})
"""The rules whose every match holds a digit: not tried on a block without one (two in three)."""


def check_block(block: Block, rel: str, context: Context) -> Iterator[Diagnostic]:
    """Yield the typography findings of one prose block."""
    text = block.text
    digits = _DIGIT.search(text) is not None
    for code, finder in FINDERS:
        if not digits and code in NEED_A_DIGIT:
            continue
        rule = RULES[code]
        for hit in finder(text, context):
            fix = None
            if hit.replacement is not None and hit.fix_start is not None:
                end = hit.fix_end if hit.fix_end is not None else hit.fix_start
                fix = block.fix(hit.fix_start, end, hit.replacement)
            line, column = block.position(hit.start)
            yield rule.at(rel, line, column, hit.message, fix)


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield typography findings in every case and meeting file."""
    for document in context.documents():
        yield from check_document(context, document)


def check_document(context: Context, document: Document) -> Iterator[Diagnostic]:
    """Yield the typography findings of one case or meeting file."""
    for block in document.prose:
        yield from check_block(block, document.rel, context)
