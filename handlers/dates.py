"""How Cobot writes a day and a moment for a reader: one format for each, in the reader's language (Babel's
locale data: ``Tue 1 Dec 2026`` and ``Tue 1 Dec 10:00`` in English, ``tirs. 1. dec. 2026`` and
``tirs. 1. dec. 10:00`` in Danish).

Every place that shows a date as text uses these two functions: the console and Teams renderers for ``Day`` and
``Moment`` parameters, and the core for the few labels it must write itself (Slack button labels are plain text,
where Slack's own date tokens do not work). Slack messages keep Slack's date tokens, which every reader sees in
their own Slack format and time zone. Machine formats (ISO dates people type, iCalendar, exports) are not here.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel.dates import format_date, format_datetime

# Babel patterns: the weekday and month abbreviated, the day without a leading zero; a moment is soon (a slot, a
# reminder), so it leaves out the year, while a day may be a deadline months away and keeps it.
DAY_PATTERNS = {"en": "EEE d MMM y", "da": "EEE d. MMM y"}
MOMENT_PATTERNS = {"en": "EEE d MMM HH:mm", "da": "EEE d. MMM HH:mm"}
# An e-mail is a letter, not a chat line: its days are written out (``Friday 11 December 2026``,
# ``fredag den 11. december 2026``).
LONG_DAY_PATTERNS = {"en": "EEEE d MMMM y", "da": "EEEE 'den' d. MMMM y"}


def format_day(day: date, *, language: str) -> str:
    """``day`` as the reader of ``language`` reads it: ``Fri 4 Dec 2026``, ``fre. 4. dec. 2026``."""
    locale = language if language in DAY_PATTERNS else "en"
    return format_date(day, DAY_PATTERNS[locale], locale=locale)


def format_long_day(day: date, *, language: str) -> str:
    """``day`` written out, for e-mails: ``Friday 11 December 2026``, ``fredag den 11. december 2026``."""
    locale = language if language in LONG_DAY_PATTERNS else "en"
    return format_date(day, LONG_DAY_PATTERNS[locale], locale=locale)


def format_moment(moment: datetime, *, language: str, timezone: tzinfo) -> str:
    """``moment`` (aware) on the clock of ``timezone``: ``Tue 1 Dec 10:00``, ``tirs. 1. dec. 10:00``."""
    locale = language if language in MOMENT_PATTERNS else "en"
    return format_datetime(moment.astimezone(timezone), MOMENT_PATTERNS[locale], locale=locale)
