"""When a justerat protokoll's anslag goes up and comes down, and the last day to appeal.

Kommunallagen 8 kap. 12 §: the justering is announced on the official anslagstavla at the
latest on the second day after the justering. Laglighetsprövning (13 kap. 5 §) must be asked for
within three weeks from the day of the announcement; a period whose last day falls on a
Saturday, Sunday or other public holiday ends on the next weekday (lag 1930:173 om beräkning
av lagstadgad tid). The anslag stays up until the period has run out and is taken down the day
after its last day (swedish-conventions.md §4.5).

Swedish public holidays, midsommarafton and julafton included, come from the ``holidays``
package (maintained tables with Easter computed), not a list of our own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import holidays

LATEST_POSTING_DAYS = 2
"""The anslag goes up at the latest on the second day after the justering (KL 8 kap. 12 §)."""
APPEAL_WEEKS = 3
"""Laglighetsprövning: three weeks from the announcement (KL 13 kap. 5 §)."""


@dataclass(frozen=True)
class PostingDates:
    """The dates of the anslag and of the appeal period."""

    posted: dt.date
    last_appeal_day: dt.date
    taken_down: dt.date


@cache
def _holidays(year: int) -> holidays.HolidayBase:
    # Imported here: the package takes about 70 ms to import, and loading a workspace (every
    # check and build) imports this module without needing a date computed.
    import holidays

    # Sundays count as holidays in this table (include_sundays is its default for Sweden).
    return holidays.country_holidays("SE", years=year)


def is_holiday(day: dt.date) -> bool:
    """Return True for Saturdays, Sundays and Swedish public holidays (and the eves that lag
    1930:173 treats like them: midsommarafton, julafton, nyårsafton)."""
    if day.weekday() >= 5:
        return True
    if day in _holidays(day.year):
        return True
    return (day.month, day.day) in ((12, 24), (12, 31)) or _midsummer_eve(day)


def _midsummer_eve(day: dt.date) -> bool:
    # The Friday between 19 and 25 June.
    return day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4


def next_weekday(day: dt.date) -> dt.date:
    """The day itself, or the first day after it that is not a holiday."""
    while is_holiday(day):
        day += dt.timedelta(days=1)
    return day


def posting_dates(posted: dt.date) -> PostingDates:
    """Return the dates that follow from posting the anslag on ``posted``."""
    last = next_weekday(posted + dt.timedelta(weeks=APPEAL_WEEKS))
    return PostingDates(posted, last, last + dt.timedelta(days=1))


def latest_posting(adjusted: dt.date) -> dt.date:
    """The last day on which the anslag may go up after a justering on ``adjusted``."""
    return adjusted + dt.timedelta(days=LATEST_POSTING_DAYS)


__all__ = [
    "APPEAL_WEEKS",
    "LATEST_POSTING_DAYS",
    "PostingDates",
    "is_holiday",
    "latest_posting",
    "next_weekday",
    "posting_dates",
]
