"""The calendar feed: draft deadlines and booked publishing slots as an iCalendar (RFC 5545) file, for
``cobot export calendar.ics`` and for ``GET /calendar/<token>.ics`` on ``cobot serve``, which Outlook and Google
Calendar subscribe to.

The feed is written by hand (it is a few lines per event): text values escaped as RFC 5545 §3.3.11 says (``\\``,
``;``, ``,`` and line breaks), every line folded at 75 octets without splitting a UTF-8 character (§3.1), CRLF line
ends. The URL's token opens the workspace's feed or one person's own (``handlers.feeds``); an unknown, expired or
revoked token gets the same 404 as a path that doesn't exist. A personal feed has a name of its own and speaks its
person's language; the workspace's speaks the workspace's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.exports.ical_text import WEB_LINK, content, date_value, utc_stamp
from bot.exports.ical_text import escape_text as escape_text  # the feed's tests and callers import them from here
from bot.exports.ical_text import fold as fold
from bot.exports.plaintext import Translate, identity, plain
from bot.runtime.cobot import Cobot
from handlers import texts
from handlers.context import Policy, Scope
from handlers.feeds import PATH_PREFIX as PATH_PREFIX  # where `cobot serve` routes the feeds
from handlers.feeds import FeedEvent, feed_events, feed_for_token, feed_path
from storage.db import read_only
from storage.models import Member

log = logging.getLogger(__name__)

SLOT_DURATION = timedelta(minutes=30)  # a slot is a moment; calendars show it better with some length
REFRESH = "PT1H"  # how often subscribers should fetch the feed again
_PATH = re.compile(r"^/calendar/([A-Za-z0-9_.\-]{1,200})\.ics$")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def calendar_path(token: str) -> str:
    return feed_path(token)


def build_calendar(
    events: Sequence[FeedEvent],
    *,
    now: datetime,
    policy: Policy,
    translate: Translate = identity,
    personal: bool = False,
) -> bytes:
    """The feed as an .ics file; ``personal``: one person's own, which calendars list under its own name."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cobot//Co-creation calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(translate(texts.PERSONAL_FEED_NAME if personal else texts.FEED_NAME))}",
        f"X-WR-TIMEZONE:{policy.timezone.key}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for event in events:
        if not _fits_calendar(event):
            # Stored before dates were bounded (a deadline in 9999): one such event must not break everyone's feed.
            log.warning("calendar feed: left out %s, whose date is at the end of the calendar", event.uid)
            continue
        lines += ["BEGIN:VEVENT", f"UID:{escape_text(event.uid)}", f"DTSTAMP:{utc_stamp(now)}"]
        if event.day is not None:
            lines += [
                f"DTSTART;VALUE=DATE:{date_value(event.day)}",
                f"DTEND;VALUE=DATE:{date_value(event.day + timedelta(days=1))}",
                "TRANSP:TRANSPARENT",  # a deadline is not a meeting: it doesn't make anyone busy
            ]
        elif event.starts_at is not None:
            lines += [f"DTSTART:{utc_stamp(event.starts_at)}", f"DTEND:{utc_stamp(event.starts_at + SLOT_DURATION)}"]
        lines.append(f"SUMMARY:{escape_text(plain(event.summary, translate))}")
        lines.append(f"DESCRIPTION:{escape_text(plain(event.description, translate))}")
        if event.modified is not None:
            lines.append(f"LAST-MODIFIED:{utc_stamp(event.modified)}")
        if event.url and WEB_LINK.match(event.url):
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return content(lines)


def _fits_calendar(event: FeedEvent) -> bool:
    try:
        if event.day is not None:
            event.day + timedelta(days=1)
        if event.starts_at is not None:
            event.starts_at + SLOT_DURATION
    except OverflowError:
        return False
    return True


def calendar_for(scope: Scope, *, translate: Translate = identity, member: Member | None = None) -> tuple[bytes, int]:
    """The feed of ``scope``'s workspace (or ``member``'s own), and how many events it holds."""
    events = feed_events(scope, member=member)
    body = build_calendar(events, now=scope.now, policy=scope.policy, translate=translate, personal=member is not None)
    return body, len(events)


def calendar_app(cobot: Cobot, *, translate: Translate | None = None) -> WSGIApp:
    """``GET /calendar/<token>.ics``: the feed the token opens (the workspace's in its default language, a person's
    in theirs, unless ``translate`` is given), or 404 for any token that opens none."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        found = _PATH.match(str(environ.get("PATH_INFO") or ""))
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or found is None:
            return _not_found(start_response)
        now = cobot.clock()
        with Session(read_only(cobot.engine)) as session:
            access = feed_for_token(session, found.group(1), now=now)
            if access is None:
                return _not_found(start_response)
            scope = Scope(session=session, workspace=access.workspace, policy=cobot.policy, now=now)
            language = cobot.policy.language_of(access.member)  # the workspace's default for its own feed
            body, _ = calendar_for(scope, translate=translate or cobot.translators(language), member=access.member)
        start_response(
            "200 OK",
            [
                ("Content-Type", "text/calendar; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Content-Disposition", 'inline; filename="cobot.ics"'),
                # Subscribers poll; a short private cache spares the database without hiding changes for long.
                ("Cache-Control", "private, max-age=300"),
            ],
        )
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    return application


def _not_found(start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"not found\n"]
