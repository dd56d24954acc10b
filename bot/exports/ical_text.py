"""The few pieces of RFC 5545 (iCalendar) text that every .ics Cobot writes shares: the calendar feed
(``bot.exports.ics``) and the event attached to an e-mail (``bot.runtime.email``).

Text values are escaped as §3.3.11 says (``\\``, ``;``, ``,`` and line breaks; other control characters dropped, so
nothing a person types can end a line and start a property of its own), every content line is folded at 75 octets
without splitting a UTF-8 character (§3.1), and lines end in CRLF. Kept free of database and platform imports so
the e-mail layer can use it without pulling in the feed's web app.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

WEB_LINK = re.compile(r"^https?://[^\s\"<>\\]+$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as ``\\n``, other controls dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded into lines of at most 75 octets; continuation lines start with a space."""
    if len(line.encode()) <= 75:
        return line
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, 74  # the leading space of a continuation counts
        current.append(char)
        size += width
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def utc_stamp(moment: datetime) -> str:
    """A DATE-TIME in UTC (``20260105T090000Z``)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def date_value(value: date) -> str:
    """A DATE (``20260105``)."""
    return value.strftime("%Y%m%d")


def content(lines: Iterable[str]) -> bytes:
    """The .ics file: every line folded, CRLF after each, UTF-8."""
    return "".join(fold(line) + "\r\n" for line in lines).encode()
