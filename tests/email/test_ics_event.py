"""The .ics a deadline e-mail carries: valid iCalendar a calendar imports, that nothing typed can add to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from email_support import calendar_of, deadline_ics


def _lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    return data.split(b"\r\n")[:-1]


def test_an_all_day_deadline_is_published_with_a_stamp() -> None:
    data = deadline_ics()

    lines = _lines(data)
    assert lines[0] == b"BEGIN:VCALENDAR"
    assert lines[-1] == b"END:VCALENDAR"
    assert b"METHOD:PUBLISH" in lines
    assert b"DTSTART;VALUE=DATE:20260305" in lines
    assert b"DTEND;VALUE=DATE:20260306" in lines
    assert b"DTSTAMP:20260302T083000Z" in lines
    assert b"TRANSP:TRANSPARENT" in lines  # a deadline makes no one busy
    (event,) = calendar_of(data).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2026, 3, 5)
    assert str(event["UID"]) == "request-17-deadline@cobot.example.com"


def test_a_moment_is_in_utc_and_lasts_half_an_hour() -> None:
    start = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
    (event,) = calendar_of(deadline_ics(start=start)).walk("VEVENT")

    assert event.decoded("DTSTART") == start
    assert event.decoded("DTEND") == start + timedelta(minutes=30)
    with pytest.raises(ValueError, match="time zone"):
        deadline_ics(start=datetime(2026, 3, 5, 10, 0))


def test_text_is_escaped_so_typed_lines_cannot_add_properties() -> None:
    data = deadline_ics(
        summary="Frist\r\nATTENDEE:mailto:eve@evil.example\r\nEND:VEVENT",
        description="a; b, c \\ d\ne",
        organizer_name='Eve"\r\n:mailto:eve@evil.example;X',
    )

    assert not any(line.startswith((b"ATTENDEE", b"END:VEVENT\r")) for line in _lines(data))
    assert sum(line == b"END:VEVENT" for line in _lines(data)) == 1
    assert b"DESCRIPTION:a\\; b\\, c \\\\ d\\ne" in data
    (event,) = calendar_of(data).walk("VEVENT")
    assert "ATTENDEE" not in event
    assert str(event["SUMMARY"]) == "Frist\nATTENDEE:mailto:eve@evil.example\nEND:VEVENT"
    assert str(event["ORGANIZER"]) == "mailto:soren@example.com"
    assert event["ORGANIZER"].params["CN"] == "Eve' :mailto:eve@evil.example;X"


def test_long_danish_lines_fold_at_75_octets_without_splitting_a_letter() -> None:
    summary = "Frist for kladden til Ærøskøbing " + "æøå" * 40
    data = deadline_ics(summary=summary)

    assert all(len(line) <= 75 for line in _lines(data))
    for line in _lines(data):
        line.decode()  # a fold never cuts a UTF-8 sequence in two
    (event,) = calendar_of(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == summary


def test_a_link_that_is_not_a_web_link_or_an_organizer_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="url"):
        deadline_ics(url="javascript:alert(1)")
    with pytest.raises(ValueError, match="url"):
        deadline_ics(url="https://x.example/\r\nATTENDEE:x")
    with pytest.raises(ValueError, match="e-mail address"):
        deadline_ics(organizer_email="eve@evil.example\r\nATTENDEE:x")
    assert b"URL:" not in deadline_ics(url=None)


def test_the_stamp_is_now_when_not_given() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    (event,) = calendar_of(deadline_ics(now=None)).walk("VEVENT")

    assert before <= event.decoded("DTSTAMP") <= datetime.now(UTC) + timedelta(seconds=1)
