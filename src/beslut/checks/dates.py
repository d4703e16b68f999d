"""Content checks, family "Datum": deadlines and weekdays.

* ``tidsfrist``: a deadline (”senast 1 mars 2019”, ”före 2019-03-01” …) in a decision point or
  the body lies before the day the case is decided.
* ``fel-veckodag``: a weekday that does not match its date (”måndag 14 juni 2022”); only dates
  with an explicit year are checked.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from beslut.checks.base import Context, Document
from beslut.checks.catalogue import RULES
from beslut.checks.prose import Block
from beslut.diagnostics import Diagnostic
from beslut.model.models import Case
from beslut.model.typography import MONTHS

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")

_DATE = (
    r"(?P<date>(?P<iso>(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-]))"
    rf"|(?<!\d)(?P<day>\d{{1,2}})\s+(?P<month>{'|'.join(MONTHS)})\s+(?P<year>\d{{4}})(?!\d))"
)
_DEADLINE = re.compile(
    rf"(?<!\w)(?P<word>senast|före|innan|till och med|t\.o\.m\.)\s+(?:den\s+)?{_DATE}",
    re.IGNORECASE,
)
_TRIGGER = re.compile(r"senast|före|innan|till och med|t\.o\.m\.", re.IGNORECASE)
_TRIGGER_WORDS = ("senast", "före", "innan", "till och med", "t.o.m.")
_FOLDS_APART = ("ı", "İ", "ſ")
"""The characters that ``re.IGNORECASE`` takes for a letter of :data:`_TRIGGER_WORDS` but
``str.lower()`` does not turn into it: dotless ı and dotted İ (for i), long ſ (for s).
``tests/test_checks_equivalence.py`` checks this against every Unicode character."""


def _may_name_deadline(text: str) -> bool:
    """Return False only when :data:`_TRIGGER` cannot match ``text``: none of its words is in
    the lower-cased text. Far faster than the case-insensitive pattern, which ran on every
    block; lower() keeps every other character that pattern takes for a letter of the words
    apart from the rest."""
    if any(char in text for char in _FOLDS_APART):
        return True
    lowered = text.lower()
    return any(word in lowered for word in _TRIGGER_WORDS)


_WEEKDAY_TRIGGER = re.compile("|".join(WEEKDAYS), re.IGNORECASE)
_WEEKDAY_END = "dag"
"""What every weekday ends with. In the lower-cased text it is found far faster than the seven
names case-insensitively, and in few blocks, so :data:`_WEEKDAY_TRIGGER` runs on those only
(no character that ``re.IGNORECASE`` takes for d, a or g is lowered to anything else:
``tests/test_checks_equivalence.py`` checks every Unicode character)."""
_WEEKDAY = re.compile(
    rf"(?<!\w)(?P<weekday>{'|'.join(WEEKDAYS)})(?:en)?,?\s+(?:den\s+)?{_DATE}", re.IGNORECASE
)


def check(context: Context) -> Iterator[Diagnostic]:
    """Yield deadlines before the decision date (which depends on the meetings); the
    deadlines a file names are kept per file (:meth:`Context.one_file`), the comparison with
    the meetings is made every time."""
    for case in context.cases:
        document = context.case_document(case)
        found = context.one_file(
            document, "tidsfrister", partial(_deadline_dates, document), _encode, _decode
        )
        yield from _deadlines(context, case.rel, case.case, found)


def check_document(context: Context, document: Document) -> Iterator[Diagnostic]:
    """Yield weekdays that do not match their dates in one case or meeting file."""
    yield from _weekdays(document.rel, document.prose)


def _deadline_dates(document: Document) -> list[tuple[dt.date, str, int, int]]:
    """Return (date, words as written, line, column) of every deadline in the decision points
    and the body."""
    points = [
        b
        for b in document.field_blocks
        if b.path[:1] == ("förslag",) and "beslutspunkter" in b.path
    ]
    found = []
    for block in [*points, *document.body_blocks]:
        if not _may_name_deadline(block.text) or not _TRIGGER.search(block.text):
            continue
        for match in _DEADLINE.finditer(block.text):
            deadline = _date(match)
            if deadline is not None:
                line, column = block.position(match.start("date"))
                found.append((deadline, " ".join(match.group(0).split()), line, column))
    return found


def _encode(found: list[tuple[dt.date, str, int, int]]) -> list[list[object]]:
    return [[day.isoformat(), written, line, column] for day, written, line, column in found]


def _decode(raw: Any) -> list[tuple[dt.date, str, int, int]] | None:
    """The deadlines :func:`_encode` stored, or None when the entry is damaged."""
    try:
        return [
            (dt.date.fromisoformat(day), str(written), int(line), int(column))
            for day, written, line, column in raw
        ]
    except (TypeError, ValueError):
        return None


def long_date(day: dt.date) -> str:
    """Return a date as in running text: ”1 mars 2019”."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _date(match: re.Match[str]) -> dt.date | None:
    """Return the date a match of :data:`_DATE` stands for, or None if there is no such day."""
    try:
        if match["iso"]:
            return dt.date.fromisoformat(match["iso"])
        month = MONTHS.index(match["month"].lower()) + 1
        return dt.date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return None


def _deadlines(
    context: Context, rel: str, case: Case, found: Iterable[tuple[dt.date, str, int, int]]
) -> Iterator[Diagnostic]:
    decided = context.decision_date(case)
    meeting = bool(context.agenda_entries(case.diary_number))
    when = (
        f"sammanträdet {long_date(decided)}" if meeting else f"ärendets datum {long_date(decided)}"
    )
    for deadline, written, line, column in found:
        if deadline >= decided:
            continue
        yield RULES["tidsfrist"].at(
            rel,
            line,
            column,
            f"Tidsfristen ”{written}” ligger före {when}, då ärendet beslutas. Ange ett "
            "senare datum, eller skriv om meningen om datumet inte är en tidsfrist.",
        )


def _weekdays(rel: str, blocks: Iterable[Block]) -> Iterator[Diagnostic]:
    for block in blocks:
        text = block.text
        if _WEEKDAY_END not in text.lower() or not _WEEKDAY_TRIGGER.search(text):
            continue
        for match in _WEEKDAY.finditer(block.text):
            day = _date(match)
            written = match["weekday"].lower()
            if day is None or WEEKDAYS[day.weekday()] == written:
                continue
            line, column = block.position(match.start("weekday"))
            yield RULES["fel-veckodag"].at(
                rel,
                line,
                column,
                f"{long_date(day)} är en {WEEKDAYS[day.weekday()]}, inte en {written}. "
                "Rätta veckodagen eller datumet.",
            )
