"""Parsing the dates and times people type (``2026-12-01``, ``4/12``, ``i morgen``, ``fredag``, ``10:00``), with
polite errors that show an example."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, time, timedelta
from functools import cache

from babel.dates import get_day_names, get_month_names

from handlers import texts
from handlers.results import UserFacingError, t

# The mention token (see ``handlers.commands``): <@id> or <@id|label>, whatever the platform's ids look like.
MENTION = re.compile(r"^<@([^|>\s]+)(?:\|[^>]*)?>$")
# One plain e-mail address: a local part, an @ and a domain with a dot; no display name, list, quotes or spaces.
_EMAIL = re.compile(r"^[^@\s,;:<>()\[\]\\\"]+@[^@\s,;:<>()\[\]\\\"'.]+(\.[^@\s,;:<>()\[\]\\\"'.]+)+$")
EMAIL_LIMIT = 254  # the longest address SMTP carries (RFC 5321)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# Days a person may name. At the ends of the calendar a day has no next day (a deadline's end, a slot's week) and
# no UTC moment, so 0001-01-01 and 9999-12-31 are refused like any other day that does not exist.
FIRST_YEAR, LAST_YEAR = 1900, 9998


# How far ahead a person may plan (deadlines, extensions, slots, bookings). Further is a typo or a poisoned value:
# a deadline in 9999 once broke the calendar feed for everyone.
HORIZON = timedelta(days=5 * 366)


def email_address(value: str) -> str | None:
    """``value`` as one plain e-mail address with its domain in lower case, or None when it is not one."""
    value = value.strip()
    if len(value) > EMAIL_LIMIT or not _EMAIL.match(value):
        return None
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def within_horizon(day: date, *, today: date) -> date:
    """``day`` if it is at most about five years after ``today``; else a polite refusal naming the last day."""
    if day > today + HORIZON:
        raise UserFacingError(t(texts.DATE_TOO_FAR, value=day.isoformat(), last=(today + HORIZON).isoformat()))
    return day


def is_iso_date(value: str) -> bool:
    return bool(_ISO_DATE.match(value))


def is_clock_time(value: str) -> bool:
    return bool(_TIME.match(value))


def parse_day(value: str, *, today: date, example: str) -> date:
    """The day a person means by ``value``, read relative to ``today`` (the workspace's today).

    Understood, in English and Danish: ``2026-12-04``; day first, as in Denmark and most of Europe, ``4/12``,
    ``4/12/2026``, ``4.12.``, ``4. dec.``, ``4 december 2026``; ``today``/``i dag``, ``tomorrow``/``i morgen``,
    ``i overmorgen``, ``in 3 days``/``om 3 dage``, ``in 2 weeks``/``om 2 uger``; a weekday (``friday``, ``fri``,
    ``fredag``, ``fre.``, ``next friday``, ``næste fredag``), which is always the next such day, never today. A day
    and month without a year is the next such day from today on. Words may be joined by ``-`` or ``_`` so a value
    fits in one option token (``due:i-morgen``). Anything else, or a day that does not exist, is refused with
    ``example`` shown."""
    text = " ".join(value.strip().split())
    refused = UserFacingError(t(texts.BAD_DATE, value=text[:40], example=example))
    if _ISO_DATE.match(text):
        if not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
            raise refused
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise refused from None
    words = [w for w in re.split(r"[\s_]+|(?<=\D)-|-(?=\D)", text.casefold().rstrip(",")) if w]
    try:
        found = _relative_day(words, today=today) or _numeric_day(text, today=today) or _named_month_day(words, today)
    except (ValueError, OverflowError):  # 31/2, or a day past the end of the calendar
        raise refused from None
    if found is None or not FIRST_YEAR <= found.year <= LAST_YEAR:
        raise refused
    return found


_TODAY = {("today",), ("i", "dag"), ("idag",)}
_TOMORROW = {("tomorrow",), ("tmrw",), ("i", "morgen"), ("imorgen",)}
_DAY_AFTER = {("i", "overmorgen"), ("overmorgen",), ("day", "after", "tomorrow"), ("the", "day", "after", "tomorrow")}
# Words before a weekday that do not change which day is meant: "friday", "on friday" and "next friday" are all
# the next Friday after today (a person who means the Friday after that writes the date).
_WEEKDAY_LEAD = {"next", "on", "this", "coming", "næste", "på", "denne", "kommende", "nu", "på næste"}
_UNITS = {"day": 1, "days": 1, "dag": 1, "dage": 1, "week": 7, "weeks": 7, "uge": 7, "uger": 7}
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{1,2})(?:\s*[/.]\s*(\d{4})?)?\.?$")
_WORD_LANGUAGES = ("en", "da")


def _relative_day(words: list[str], *, today: date) -> date | None:
    key = tuple(words)
    if key in _TODAY:
        return today
    if key in _TOMORROW:
        return today + timedelta(days=1)
    if key in _DAY_AFTER:
        return today + timedelta(days=2)
    if len(words) == 3 and words[0] in ("in", "om") and words[1].isdecimal() and words[2] in _UNITS:
        if len(words[1]) > 4:
            return None
        return today + timedelta(days=int(words[1]) * _UNITS[words[2]])
    while len(words) > 1 and words[0] in _WEEKDAY_LEAD:
        words = words[1:]
    if len(words) == 1 and (weekday := _name_index(words[0], _weekday_names())) is not None:
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    return None


def _numeric_day(text: str, *, today: date) -> date | None:
    found = _NUMERIC.match(text)
    if not found:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    if found.group(3):
        return date(int(found.group(3)), month, day)
    return _next_day_of_year(day, month, today=today)


def _named_month_day(words: list[str], today: date) -> date | None:
    """``4. dec.``, ``4 december 2026``, ``december 4``, ``dec 4, 2026``."""
    pieces = [w.strip(".,") for w in words]
    pieces = [p for p in pieces if p]
    if len(pieces) in (2, 3) and pieces[0].isdecimal():
        day_text, month_text = pieces[0], pieces[1]
    elif len(pieces) in (2, 3) and pieces[1].isdecimal():
        month_text, day_text = pieces[0], pieces[1]
    else:
        return None
    month = _name_index(month_text, _month_names())
    if month is None or len(day_text) > 2:
        return None
    if len(pieces) == 3:
        if not (pieces[2].isdecimal() and len(pieces[2]) == 4):
            return None
        return date(int(pieces[2]), month, int(day_text))
    return _next_day_of_year(int(day_text), month, today=today)


def _next_day_of_year(day: int, month: int, *, today: date) -> date:
    """The first ``day``/``month`` from today on (29 February: the next leap year's)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            if not (1 <= month <= 12 and day == 29 and month == 2):
                raise
            continue
        if candidate >= today:
            return candidate
    raise ValueError(f"no {day}/{month} ahead")


def _name_index(word: str, names: dict[str, int]) -> int | None:
    """A weekday or month named in full, by its abbreviation, or by the first three letters or more."""
    word = word.strip(".")
    if word in names:
        return names[word]
    if len(word) < 3:
        return None
    matches = {index for name, index in names.items() if name.startswith(word)}
    return matches.pop() if len(matches) == 1 else None


@cache
def _weekday_names() -> dict[str, int]:
    """Weekday names and abbreviations in the languages Cobot reads (Monday is 0, as in ``date.weekday``)."""
    return _names(get_day_names, range(7))


@cache
def _month_names() -> dict[str, int]:
    return _names(get_month_names, range(1, 13))


def _names(source: Callable[..., Mapping[int, str]], indexes: range) -> dict[str, int]:
    names: dict[str, int] = {}
    for language in _WORD_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for index, name in source(width, context=context, locale=language).items():
                    if index in indexes:
                        names[name.casefold().strip(".")] = index
    return names


def parse_time(value: str) -> time:
    found = _TIME.match(value)
    if not found:
        raise UserFacingError(t(texts.BAD_TIME, value=value[:20]))
    return time(int(found.group(1)), int(found.group(2)))


def split_trailing_day(words: Sequence[str], *, today: date) -> tuple[list[str], str]:
    """``words`` (a slot's name, then a day) split into the name and the day: the longest tail of up to three words
    that reads as a day (``i morgen``, ``4. dec.``) while a name stays in front; else the last word, so a mistyped
    day is refused by ``parse_day`` with its example."""
    for size in range(min(3, len(words) - 1), 0, -1):
        tail = " ".join(words[-size:])
        try:
            parse_day(tail, today=today, example="")
        except UserFacingError:
            continue
        return list(words[:-size]), tail
    return list(words[:-1]), words[-1] if words else ""
