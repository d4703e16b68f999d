from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from beslut.model.formatting import (
    FILTERS,
    amount,
    clock,
    iso_date,
    long_date,
    number,
    page_label,
    percent,
    span,
    weekday_date,
)

# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2025, 9, 10), "10\u00a0september 2025"),
        (date(2026, 1, 1), "1\u00a0januari 2026"),
        (date(2026, 11, 22), "22\u00a0november 2026"),
        (datetime(2025, 9, 10, 13, 30), "10\u00a0september 2025"),
        ("2025-09-10", "10\u00a0september 2025"),
    ],
)
def test_long_date(d: date | str, expected: str) -> None:
    assert long_date(d) == expected


def test_iso_date() -> None:
    assert iso_date(date(2025, 9, 10)) == "2025-09-10"
    assert iso_date(date(2026, 1, 5)) == "2026-01-05"
    assert iso_date(datetime(2026, 1, 5, 8, 0)) == "2026-01-05"


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2016, 5, 30), "måndagen den 30\u00a0maj 2016"),
        (date(2016, 5, 31), "tisdagen den 31\u00a0maj 2016"),
        (date(2017, 6, 21), "onsdagen den 21\u00a0juni 2017"),
        (date(2025, 9, 11), "torsdagen den 11\u00a0september 2025"),
        (date(2025, 9, 12), "fredagen den 12\u00a0september 2025"),
        (date(2025, 9, 13), "lördagen den 13\u00a0september 2025"),
        (date(2025, 9, 14), "söndagen den 14\u00a0september 2025"),
    ],
)
def test_weekday_date(d: date, expected: str) -> None:
    assert weekday_date(d) == expected


def test_invalid_date_string() -> None:
    with pytest.raises(ValueError, match="Ogiltigt datum"):
        long_date("10/9 2025")


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (time(9, 0), "kl.\u00a009.00"),
        (time(13, 0), "kl.\u00a013.00"),
        (time(15, 30), "kl.\u00a015.30"),
        (time(0, 5), "kl.\u00a000.05"),
        ("9:00", "kl.\u00a009.00"),
        ("13.30", "kl.\u00a013.30"),
    ],
)
def test_clock(t: time | str, expected: str) -> None:
    assert clock(t) == expected


def test_clock_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="Ogiltigt klockslag"):
        clock("25.00")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (4500, "4\u00a0500"),
        (12500000, "12\u00a0500\u00a0000"),
        (1234567890123, "1\u00a0234\u00a0567\u00a0890\u00a0123"),
        (-1250, "\u22121\u00a0250"),
        (-3, "\u22123"),
        (12.5, "12,5"),
        (12.0, "12"),
        (Decimal("12.50"), "12,5"),
        (Decimal("1234.56"), "1\u00a0234,56"),
        (Decimal("-0.75"), "\u22120,75"),
        ("2500", "2\u00a0500"),
        ("12.5", "12,5"),
        ("12,5", "12,5"),
        ("\u22121\u00a0250", "\u22121\u00a0250"),
    ],
)
def test_number(value: int | float | Decimal | str, expected: str) -> None:
    assert number(value) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (2.675, 2, "2,68"),  # float formatting would give 2,67
        (Decimal("0.125"), 2, "0,13"),  # babel alone rounds half-even: 0,12
        (Decimal("2.5"), 0, "3"),
        (Decimal("3.5"), 0, "4"),
        (Decimal("-2.5"), 0, "\u22123"),
        (1250, 2, "1\u00a0250,00"),
        (Decimal("12.345"), 1, "12,3"),
        (Decimal("999999.995"), 2, "1\u00a0000\u00a0000,00"),
    ],
)
def test_number_rounding_half_up(
    value: int | float | Decimal, decimals: int, expected: str
) -> None:
    assert number(value, decimals) == expected


def test_number_auto_decimals_max_two() -> None:
    assert number(Decimal("1.005")) == "1,01"
    assert number(1 / 3) == "0,33"
    assert number(Decimal("2.999")) == "3"
    assert number(Decimal("0.10")) == "0,1"


def test_number_negative_rounding_to_zero_has_no_minus() -> None:
    assert number(Decimal("-0.001")) == "0"
    assert number(-0.4, 0) == "0"


def test_number_never_uses_hyphen_minus() -> None:
    assert "-" not in number(-1250) + number(-12.5) + amount(-3, "mnkr")


def test_number_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="Kan inte tolka"):
        number("tolv")
    with pytest.raises(ValueError, match="inte ändligt"):
        number(float("nan"))
    with pytest.raises(ValueError, match="decimaler"):
        number(1, -1)
    with pytest.raises(TypeError):
        number(True)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((1250,), "1\u00a0250\u00a0kr"),
        ((1250, "kr"), "1\u00a0250\u00a0kr"),
        ((450, "tkr"), "450\u00a0tkr"),
        ((12.5, "mnkr"), "12,5\u00a0mnkr"),
        ((Decimal("1.2"), "mdkr"), "1,2\u00a0mdkr"),
        ((-3, "mnkr"), "\u22123\u00a0mnkr"),
        ((-1250, "tkr"), "\u22121\u00a0250\u00a0tkr"),
        ((400000,), "400\u00a0000\u00a0kr"),
        ((12500000, None), "12\u00a0500\u00a0000"),
        (("450", "tkr"), "450\u00a0tkr"),
    ],
)
def test_amount(args: tuple[object, ...], expected: str) -> None:
    assert amount(*args) == expected  # type: ignore[arg-type]


def test_amount_with_decimals() -> None:
    assert amount(12.456, "mnkr", decimals=1) == "12,5\u00a0mnkr"
    assert amount(1250, decimals=2) == "1\u00a0250,00\u00a0kr"


@pytest.mark.parametrize("unit", ["kkr", "mkr", "MSEK", "Mkr", "kronor", ""])
def test_amount_rejects_unknown_unit(unit: str) -> None:
    with pytest.raises(ValueError, match="Okänd beloppsenhet"):
        amount(1, unit)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (15, None, "15\u00a0%"),
        (2.5, None, "2,5\u00a0%"),
        (Decimal("33.333"), 1, "33,3\u00a0%"),
        (-4, None, "\u22124\u00a0%"),
        ("100", None, "100\u00a0%"),
    ],
)
def test_percent(value: int | float | Decimal | str, decimals: int | None, expected: str) -> None:
    assert percent(value, decimals) == expected


# --------------------------------------------------------------------------- spans


def test_span_years_are_not_grouped() -> None:
    assert span(2022, 2025) == "2022\u20132025"
    assert span(1999, 10000) == "1999\u201310000"


def test_span_strings_and_numbers() -> None:
    assert span("s. 11", "29") == "s. 11\u201329"
    assert span("2025", "2026") == "2025\u20132026"
    assert span(200, 300) == "200\u2013300"
    assert span(Decimal("2.5"), Decimal("3.5")) == "2,5\u20133,5"


def test_span_dates_same_year() -> None:
    assert span(date(2026, 1, 1), date(2026, 6, 30)) == "1\u00a0januari\u201330\u00a0juni 2026"


def test_span_dates_different_years() -> None:
    assert (
        span(date(2025, 12, 1), date(2026, 1, 31))
        == "1\u00a0december 2025\u201331\u00a0januari 2026"
    )


def test_span_has_no_spaces_around_dash() -> None:
    for result in (span(2022, 2025), span(date(2026, 1, 1), date(2026, 6, 30))):
        assert " \u2013" not in result
        assert "\u2013 " not in result
        assert "-" not in result


# --------------------------------------------------------------------------- pages


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("1 (4)", "1\u00a0(4)"),
        ("1(4)", "1(4)"),
        ("Sida 1 (4)", "Sida 1\u00a0(4)"),
        ("Sida 1 av 4", "Sida 1 av 4"),
        ("1/4", "1/4"),
    ],
)
def test_page_label_styles(style: str, expected: str) -> None:
    assert page_label(1, 4, style) == expected


def test_page_label_default_and_large_numbers() -> None:
    assert page_label(3, 4) == "3\u00a0(4)"
    assert page_label(1000, 1200) == "1000\u00a0(1200)"


def test_page_label_errors() -> None:
    with pytest.raises(ValueError, match="Okänd stil"):
        page_label(1, 4, "sid 1/4")
    with pytest.raises(ValueError, match="Ogiltigt sidnummer"):
        page_label(5, 4)
    with pytest.raises(ValueError, match="Ogiltigt sidnummer"):
        page_label(0, 4)


# --------------------------------------------------------------------------- Jinja


def test_filters_mapping() -> None:
    assert dict(FILTERS) == {
        "långt_datum": long_date,
        "iso_datum": iso_date,
        "veckodag_datum": weekday_date,
        "klockslag": clock,
        "tal": number,
        "belopp": amount,
        "procent": percent,
        "spann": span,
    }


def test_filters_in_jinja() -> None:
    jinja2 = pytest.importorskip("jinja2")
    env = jinja2.Environment(autoescape=False)
    env.filters.update(FILTERS)
    template = env.from_string(
        "{{ d|långt_datum }} {{ d|iso_datum }} {{ d|veckodag_datum }} {{ t|klockslag }} "
        "{{ n|tal }} {{ n|belopp('tkr') }} {{ 15|procent }} {{ 2022|spann(2025) }}"
    )
    result = template.render(d=date(2016, 5, 31), t=time(13, 0), n=Decimal("-1250"))
    assert result == (
        "31\u00a0maj 2016 2016-05-31 tisdagen den 31\u00a0maj 2016 kl.\u00a013.00 "
        "\u22121\u00a0250 \u22121\u00a0250\u00a0tkr 15\u00a0% 2022\u20132025"
    )


def test_every_page_style_of_the_profile_has_a_label() -> None:
    from beslut.model.formatting import PAGE_LABEL_STYLES
    from beslut.model.models import PageStyle

    assert {s.value for s in PageStyle} == set(PAGE_LABEL_STYLES)
