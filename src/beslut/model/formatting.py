"""Swedish formatting of dates, times, numbers, amounts and page labels.

All functions are pure and return strings that follow the conventions in
swedish-conventions.md §3.1 (locale sv_SE via babel). They are also exposed as
Jinja filters through :data:`FILTERS`.

Notes on babel's sv_SE output that these functions work around:

* Negative numbers come out with a hyphen-minus although CLDR's sv minus sign is
  U+2212, so the sign is added here instead.
* babel rounds half-even; values are quantized half-up with :mod:`decimal` first so
  babel never has to round.
* The locale's short time format is ``HH:mm``; the Swedish guideline wants a point.
* Weekday names are only available in the indefinite form ("tisdag"); the definite
  form used in kallelser ("tisdagen") is derived from them.
* Plain number formatting groups years ("2 026"); :func:`span` therefore renders
  integers without grouping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from beslut.model.schematext import swedish

__all__ = [
    "AMOUNT_UNITS",
    "FILTERS",
    "PAGE_LABEL_STYLES",
    "Numeric",
    "amount",
    "clock",
    "iso_date",
    "long_date",
    "number",
    "page_label",
    "percent",
    "span",
    "weekday_date",
]

LOCALE = "sv_SE"
_BABEL_LOCALE = Locale.parse(LOCALE)
"""Babel's locale, parsed once (Babel parses a locale name on every call otherwise)."""
NBSP = "\u00a0"
MINUS = "\u2212"
EN_DASH = "\u2013"

Numeric = int | float | Decimal | str
"""Anything :func:`number` accepts: int, float, Decimal or a numeric string."""


@swedish(
    "Beloppsenhet",
    "Enhet för belopp i en tabellkolumn.",
    {
        "kr": "Kronor.",
        "tkr": "Tusen kronor.",
        "mnkr": "Miljoner kronor.",
        "mdkr": "Miljarder kronor.",
    },
)
class Unit(StrEnum):
    """Enhet för belopp: kr, tkr, mnkr eller mdkr."""

    # The one list of amount units: tables, typography and the models use it.

    KR = "kr"
    TKR = "tkr"
    MNKR = "mnkr"
    MDKR = "mdkr"


AMOUNT_UNITS: tuple[str, ...] = tuple(unit.value for unit in Unit)
PAGE_LABEL_STYLES: tuple[str, ...] = ("1 (4)", "1(4)", "Sida 1 (4)", "Sida 1 av 4", "1/4")

_MAX_AUTO_DECIMALS = 2
_TIME_RE = re.compile(r"^\s*(\d{1,2})[.:](\d{2})\s*$")


# --------------------------------------------------------------------------- helpers


def _to_decimal(value: object) -> Decimal:
    """Convert int, float, Decimal or a numeric string to a finite Decimal.

    Strings may use Swedish notation: decimal comma, (non-breaking) spaces as
    group separators and U+2212 as minus sign.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise TypeError(f"Kan inte tolka {value!r} som ett tal.")
    text = str(value)
    if isinstance(value, str):
        text = re.sub(r"[\s\u00a0\u202f]", "", text).replace(MINUS, "-").replace(",", ".")
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"Kan inte tolka {value!r} som ett tal.") from None
    if not result.is_finite():
        raise ValueError(f"Talet {value!r} är inte ändligt.")
    return result


def _to_date(value: object) -> date:
    """Accept a date (or datetime) or an ISO string "YYYY-MM-DD"."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"Ogiltigt datum: {value!r} (förväntade ÅÅÅÅ-MM-DD).") from None
    raise TypeError(f"Kan inte tolka {value!r} som ett datum.")


def _to_time(value: object) -> time:
    """Accept a time (or datetime) or a string "HH.MM" / "HH:MM"."""
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = _TIME_RE.match(value)
        if match:
            try:
                return time(int(match.group(1)), int(match.group(2)))
            except ValueError:
                pass
        raise ValueError(f"Ogiltigt klockslag: {value!r} (förväntade TT.MM).")
    raise TypeError(f"Kan inte tolka {value!r} som ett klockslag.")


def _auto_places(value: Decimal) -> int:
    """Smallest number of decimals (at most 2) needed after half-up rounding to 2."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for places in range(_MAX_AUTO_DECIMALS + 1):
        if rounded == rounded.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):
            return places
    return _MAX_AUTO_DECIMALS


# --------------------------------------------------------------------------- dates


def long_date(d: date | str) -> str:
    """Date for running text: "10 september 2025" (NBSP between day and month)."""
    return _long_date(_to_date(d))


@lru_cache(maxsize=1024)
def _long_date(d: date) -> str:
    # Babel works out each pattern anew (about a tenth of a millisecond); a paper shows few dates.
    day = format_date(d, "d", locale=_BABEL_LOCALE)
    month = format_date(d, "MMMM", locale=_BABEL_LOCALE)
    year = format_date(d, "y", locale=_BABEL_LOCALE)
    return f"{day}{NBSP}{month} {year}"


def iso_date(d: date | str) -> str:
    """Compact date for headers and tables: "2025-09-10"."""
    return _iso_date(_to_date(d))


@lru_cache(maxsize=1024)
def _iso_date(d: date) -> str:
    return str(format_date(d, "yyyy-MM-dd", locale=_BABEL_LOCALE))


def weekday_date(d: date | str) -> str:
    """Date with weekday in definite form: "tisdagen den 31 maj 2016"."""
    d = _to_date(d)
    weekday = str(format_date(d, "EEEE", locale=_BABEL_LOCALE))  # "tisdag"
    return f"{weekday}en den {long_date(d)}"


def clock(t: time | str) -> str:
    """Time of day: "kl. 09.00" (NBSP after "kl.", point as separator)."""
    return f"kl.{NBSP}{format_time(_to_time(t), 'HH.mm', locale=_BABEL_LOCALE)}"


# --------------------------------------------------------------------------- numbers


def number(value: Numeric, decimals: int | None = None) -> str:
    """Format a number the Swedish way: "12 500 000", "12,5", "−1 250".

    Groups with NBSP, uses decimal comma and a true minus sign (U+2212). With
    ``decimals=None`` integers get no decimals and other values as many as needed,
    at most two. Rounding is half-up.
    """
    if decimals is not None and decimals < 0:
        raise ValueError("Antalet decimaler kan inte vara negativt.")
    dec = _to_decimal(value)
    places = _auto_places(dec) if decimals is None else decimals
    rounded = dec.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    digits = format_decimal(abs(rounded), format=pattern, locale=_BABEL_LOCALE)
    digits = digits.replace("\u202f", NBSP).replace(" ", NBSP)
    return f"{MINUS}{digits}" if rounded < 0 else str(digits)


def amount(value: Numeric, unit: str | None = "kr", decimals: int | None = None) -> str:
    """Amount with unit: "1 250 kr", "450 tkr", "12,5 mnkr", "−3 mnkr".

    ``unit`` must be one of :data:`AMOUNT_UNITS`, or None for the bare number.
    """
    if unit is not None and unit not in AMOUNT_UNITS:
        allowed = ", ".join(f'"{u}"' for u in AMOUNT_UNITS)
        raise ValueError(f'Okänd beloppsenhet "{unit}". Tillåtna enheter: {allowed}.')
    text = number(value, decimals)
    return text if unit is None else f"{text}{NBSP}{unit}"


def percent(value: Numeric, decimals: int | None = None) -> str:
    """Percentage with NBSP before the sign: 15 -> "15 %" (15 means 15 percent)."""
    return f"{number(value, decimals)}{NBSP}%"


def _span_part(value: object) -> str:
    if isinstance(value, date):
        return long_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        # Years, pages and paragraph numbers are never grouped.
        return f"{MINUS}{-value}" if value < 0 else str(value)
    if isinstance(value, float | Decimal):
        return number(value)
    if isinstance(value, str):
        return value.strip()
    raise TypeError(f"Kan inte använda {value!r} i ett intervall.")


def span(a: int | str | date | Decimal | float, b: int | str | date | Decimal | float) -> str:
    """Range with an en dash and no spaces: "2022–2025", "1 januari–30 juni 2026".

    Integers are not grouped (years, pages). Two dates in the same year share the
    year; otherwise both full dates are joined.
    """
    if isinstance(a, date) and isinstance(b, date) and a.year == b.year:
        start = f"{format_date(a, 'd', locale=_BABEL_LOCALE)}{NBSP}{format_date(a, 'MMMM', locale=_BABEL_LOCALE)}"
        return f"{start}{EN_DASH}{long_date(b)}"
    return f"{_span_part(a)}{EN_DASH}{_span_part(b)}"


# --------------------------------------------------------------------------- pages


def page_label(page: int, total: int, style: str = "1 (4)") -> str:
    """Page label in one of :data:`PAGE_LABEL_STYLES`: "1 (4)" (NBSP), "1(4)",
    "Sida 1 (4)" (NBSP), "Sida 1 av 4" or "1/4"."""
    if page < 1 or total < 1 or page > total:
        raise ValueError(f"Ogiltigt sidnummer {page} av {total}.")
    if style == "1 (4)":
        return f"{page}{NBSP}({total})"
    if style == "1(4)":
        return f"{page}({total})"
    if style == "Sida 1 (4)":
        return f"Sida {page}{NBSP}({total})"
    if style == "Sida 1 av 4":
        return f"Sida {page} av {total}"
    if style == "1/4":
        return f"{page}/{total}"
    allowed = ", ".join(f'"{s}"' for s in PAGE_LABEL_STYLES)
    raise ValueError(f'Okänd stil för sidnumrering "{style}". Tillåtna stilar: {allowed}.')


# --------------------------------------------------------------------------- Jinja

FILTERS: dict[str, Callable[..., str]] = {
    "långt_datum": long_date,
    "iso_datum": iso_date,
    "veckodag_datum": weekday_date,
    "klockslag": clock,
    "tal": number,
    "belopp": amount,
    "procent": percent,
    "spann": span,
}
"""Jinja filter names (Swedish) mapped to the formatting functions."""
