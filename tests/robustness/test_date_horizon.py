"""Dates beyond a sane horizon (about five years) are refused everywhere a person can type or press one: a poisoned
deadline in 9998 once made the calendar feed fail for the whole workspace."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlmodel import select

from harness import SlackScenario
from storage.models import ContentRequest, PublishingSlot, SlotBooking

OWNER = "U0OWNER"
METTE = "U0METTE"
SLOTS = {"slots": [{"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"}]}


def rows(slack: SlackScenario, table: type) -> int:
    with slack.session() as session:
        return int(session.exec(select(sa.func.count()).select_from(table)).one())


def test_a_deadline_more_than_five_years_ahead_is_refused_and_nothing_is_posted(slack: SlackScenario) -> None:
    reply = slack.command_reply("new Ten SEO tips due:9998-12-31", user=OWNER)
    assert "9998-12-31 is more than five years ahead. Pick a day up to 2031-1" in reply
    assert rows(slack, ContentRequest) == 0
    assert "Posted request #1" in slack.command_reply("new Ten SEO tips due:2031-06-01", user=OWNER)


def test_a_far_extension_slot_or_booking_is_refused(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"publishing": SLOTS})
    number = slack.create("Ten SEO tips", due="2026-12-10", extra="needs:1")
    assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=METTE)
    assert "more than five years ahead" in slack.command_reply(f"extend {number} 9998-01-01", user=METTE)
    assert "more than five years ahead" in slack.command_reply("slot add Webinar 9998-01-01 10:00", user=OWNER)
    assert rows(slack, PublishingSlot) == 0
    assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/x", user=METTE)
    assert "Approved" in slack.command_reply(f"approve {number} <@{METTE}|x>", user=OWNER)
    assert "more than five years ahead" in slack.command_reply(f"book {number} LinkedIn 9998-12-28", user=OWNER)
    assert rows(slack, SlotBooking) == 0

    with slack.session() as session:
        [request] = session.exec(select(ContentRequest)).all()
    slack.settle()
    response = slack.click("cocreate_book_slot", f"{request.number}|LinkedIn|9999-12-31T09:00:00+00:00", user=OWNER)
    assert response.status == 200
    slack.settle()
    assert rows(slack, SlotBooking) == 0


def test_a_deadline_stored_before_the_horizon_existed_does_not_break_the_feed(slack: SlackScenario) -> None:
    from datetime import date

    from bot.exports.ics import build_calendar
    from handlers.context import Policy
    from handlers.feeds import FeedEvent
    from handlers.results import t

    poisoned = FeedEvent(uid="deadline-1@x", summary=t("Drafts due"), description=t("x"), day=date(9999, 12, 31))
    fine = FeedEvent(uid="deadline-2@x", summary=t("Drafts due"), description=t("x"), day=date(2026, 12, 10))
    body = build_calendar([poisoned, fine], now=slack.clock(), policy=Policy()).decode()
    assert "UID:deadline-2@x" in body and "deadline-1@x" not in body
