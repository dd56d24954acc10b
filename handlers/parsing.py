"""Parsing the dates and times people type (``2026-12-01``, ``10:00``), with polite errors that show an example."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from handlers import texts
from handlers.results import UserFacingError, t

# The mention token (see ``handlers.commands``): <@id> or <@id|label>, whatever the platform's ids look like.
MENTION = re.compile(r"^<@([^|>\s]+)(?:\|[^>]*)?>$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# Days a person may name. At the ends of the calendar a day has no next day (a deadline's end, a slot's week) and
# no UTC moment, so 0001-01-01 and 9999-12-31 are refused like any other day that does not exist.
FIRST_YEAR, LAST_YEAR = 1900, 9998


# How far ahead a person may plan (deadlines, extensions, slots, bookings). Further is a typo or a poisoned value:
# a deadline in 9999 once broke the calendar feed for everyone.
HORIZON = timedelta(days=5 * 366)


def within_horizon(day: date, *, today: date) -> date:
    """``day`` if it is at most about five years after ``today``; else a polite refusal naming the last day."""
    if day > today + HORIZON:
        raise UserFacingError(t(texts.DATE_TOO_FAR, value=day.isoformat(), last=(today + HORIZON).isoformat()))
    return day


def is_iso_date(value: str) -> bool:
    return bool(_ISO_DATE.match(value))


def is_clock_time(value: str) -> bool:
    return bool(_TIME.match(value))


def parse_day(value: str, *, example: str) -> date:
    """A YYYY-MM-DD date from 1900 to 9998; anything else (or a day that does not exist) is refused with
    ``example`` shown."""
    if not _ISO_DATE.match(value) or not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise UserFacingError(t(texts.BAD_DATE, value=value[:40], example=example))
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserFacingError(t(texts.BAD_DATE, value=value[:40], example=example)) from None


def parse_time(value: str) -> time:
    found = _TIME.match(value)
    if not found:
        raise UserFacingError(t(texts.BAD_TIME, value=value[:20]))
    return time(int(found.group(1)), int(found.group(2)))
