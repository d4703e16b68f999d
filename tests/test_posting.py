"""Anslag and appeal dates (model/posting.py): KL 8 kap. 12 §, 13 kap. 5 §, lag 1930:173."""

from __future__ import annotations

import datetime as dt

import pytest

from beslut.model.posting import is_holiday, latest_posting, next_weekday, posting_dates

D = dt.date


@pytest.mark.parametrize(
    ("posted", "last", "down"),
    [
        # observed in real protokoll (swedish-conventions.md §4.5): Nynäshamn, Ljusdal
        (D(2020, 8, 18), D(2020, 9, 8), D(2020, 9, 9)),
        (D(2014, 3, 12), D(2014, 4, 2), D(2014, 4, 3)),
        # the example protokoll: justering and anslag 2022-06-21
        (D(2022, 6, 21), D(2022, 7, 12), D(2022, 7, 13)),
    ],
)
def test_three_weeks_from_the_anslag(posted: dt.date, last: dt.date, down: dt.date) -> None:
    dates = posting_dates(posted)
    assert (dates.posted, dates.last_appeal_day, dates.taken_down) == (posted, last, down)


@pytest.mark.parametrize(
    ("posted", "last"),
    [
        (D(2022, 6, 3), D(2022, 6, 27)),  # ends on midsommarafton (Friday) → Monday
        (D(2022, 12, 3), D(2022, 12, 27)),  # julafton (Saturday), juldagen, annandag jul
        (D(2022, 3, 28), D(2022, 4, 19)),  # annandag påsk
        (D(2022, 12, 10), D(2023, 1, 2)),  # nyårsafton (Saturday), nyårsdagen (Sunday)
        (D(2022, 5, 13), D(2022, 6, 3)),  # an ordinary Friday stays
    ],
)
def test_a_period_ending_on_a_holiday_runs_to_the_next_weekday(
    posted: dt.date, last: dt.date
) -> None:
    assert posting_dates(posted).last_appeal_day == last
    assert posting_dates(posted).taken_down == last + dt.timedelta(days=1)


def test_holidays_and_weekdays() -> None:
    assert is_holiday(D(2022, 6, 6))  # nationaldagen
    assert is_holiday(D(2022, 6, 25))  # midsommardagen (Saturday)
    assert is_holiday(D(2026, 6, 19))  # midsommarafton 2026
    assert not is_holiday(D(2026, 6, 18))
    assert next_weekday(D(2026, 12, 24)) == D(2026, 12, 28)
    assert latest_posting(D(2022, 6, 21)) == D(2022, 6, 23)
