"""The calendar feed: written by hand, read back with the icalendar parser (escaping, folding, all-day deadlines,
booked slots in UTC), and served over real HTTP by the Slack app's WSGI application behind a secret that can be
rotated; any other address gets a 404."""

from __future__ import annotations

import urllib.request
from datetime import UTC, date, datetime, timedelta

import icalendar
from reports_support import NOW, POLICY, WORKSPACE, at, seed_history
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.exports.ics import build_calendar, calendar_for, calendar_path, escape_text, fold
from handlers.context import Scope
from handlers.reports import FeedEvent, calendar_token, workspace_for_calendar_token
from handlers.results import Text
from harness import TEAM, SlackScenario
from storage.db import transaction
from storage.models import Workspace


def events_of(body: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return list(calendar.walk("VEVENT"))


def test_deadlines_are_all_day_events_and_booked_slots_timed_ones(engine: Engine) -> None:
    history = seed_history(engine)
    with Session(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        body, count = calendar_for(Scope(session=session, workspace=workspace, policy=POLICY, now=at(days=1)))

    events = events_of(body)
    assert count == len(events) == 4
    deadlines = {str(e["SUMMARY"]): e for e in events if str(e["UID"]).startswith("deadline-")}
    assert set(deadlines) == {  # the e-book is published: its deadline has left, its booked slot stays
        f"Drafts due: #{history.case} Kundecase: Jensen",
        f"Drafts due: #{history.video} Video version",
        f"Drafts due: #{history.december} Julekalender",
    }
    case = deadlines[f"Drafts due: #{history.case} Kundecase: Jensen"]
    assert case.decoded("DTSTART") == date(2026, 11, 30)
    assert case.decoded("DTEND") == date(2026, 12, 1)
    assert str(case["DESCRIPTION"]) == "Owner: Mette Ørsted"
    assert str(case["TRANSP"]) == "TRANSPARENT"
    (slot,) = [e for e in events if str(e["UID"]).startswith("slot-")]
    assert str(slot["SUMMARY"]) == f"LinkedIn: #{history.ebook} E-bog: Digital markedsføring"
    assert slot.decoded("DTSTART") == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
    assert slot.decoded("DTEND") == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert str(slot["URL"]) == "https://example.com/e-bog"
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_text_is_escaped_and_long_lines_are_folded_without_splitting_a_letter() -> None:
    title = 'Kunder, salg; support\\ "citat"\nny linje · ' + "æøå" * 40
    event = FeedEvent(
        uid="deadline-1@slack-T1.cobot",
        summary=Text("{title}", {"title": title}),
        description=Text("Ejer: {owner}", {"owner": "Mette Ørsted"}),
        day=date(2026, 12, 10),
    )

    body = build_calendar([event], now=NOW, policy=POLICY)

    (parsed,) = events_of(body)
    assert str(parsed["SUMMARY"]) == title
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every folded line is whole UTF-8: no letter was cut in two
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"


def _token(slack: SlackScenario, *, rotate: bool = False) -> str:
    with transaction(slack.engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == TEAM)).one()
        policy = slack.service.cobot.policy
        return calendar_token(Scope(session=session, workspace=workspace, policy=policy, now=NOW), rotate=rotate)


def test_the_feed_is_served_over_http_behind_a_secret_that_can_be_rotated(slack: SlackScenario) -> None:
    number = slack.create("Kundecase, Jensen; ÆØÅ", user="U0OWNER")
    token = _token(slack)

    with urllib.request.urlopen(slack.base_url + calendar_path(token), timeout=10) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read()
    (event,) = events_of(body)
    assert str(event["SUMMARY"]) == f"Drafts due: #{number} Kundecase, Jensen; ÆØÅ"

    workspace_id, secret = token.split(".", 1)
    for wrong in (
        f"{workspace_id}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
        f"{workspace_id}.",
        secret,
        f"{int(workspace_id) + 1}.{secret}",
        "../../etc/passwd",
    ):
        response = slack.get(calendar_path(wrong))
        assert response.status == 404, wrong
        assert "Kundecase" not in response.text
    assert slack.get(f"/calendar/{token}").status == 404

    rotated = _token(slack, rotate=True)
    assert rotated != token
    assert slack.get(calendar_path(token)).status == 404
    assert slack.get(calendar_path(rotated)).status == 200
    again = _token(slack)  # only a hash is kept, so asking again makes another address; both work
    assert again != rotated
    assert slack.get(calendar_path(again)).status == 200
    assert slack.get(calendar_path(rotated)).status == 200
    assert slack.get("/healthz").status == 200


def test_a_workspace_without_a_feed_secret_has_no_feed(engine: Engine) -> None:
    seed_history(engine)
    with Session(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        assert workspace.calendar_secret is None
        assert workspace_for_calendar_token(session, f"{workspace.id}.") is None
        assert workspace_for_calendar_token(session, f"{workspace.id}.anything") is None
        assert workspace_for_calendar_token(session, "x" * 5000) is None


def test_the_feed_keeps_a_quarter_of_history(engine: Engine) -> None:
    seed_history(engine)
    with Session(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        later = Scope(session=session, workspace=workspace, policy=POLICY, now=NOW + timedelta(days=130))
        body, count = calendar_for(later)
    assert count == 0
    assert events_of(body) == []
