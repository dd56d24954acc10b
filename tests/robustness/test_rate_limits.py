"""Per-person limits (app.yaml ``limits``): one person posting requests in a loop, or hammering a command, is told
so politely past the limit and nothing changes; everybody else carries on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from harness import SlackScenario, message_text
from storage.models import ContentRequest, Volunteer

OWNER = "U0OWNER"
OTHER = "U0ANNA"


def count(slack: SlackScenario, table: type) -> int:
    with slack.session() as session:
        return int(session.exec(select(sa.func.count()).select_from(table)).one())


def test_a_person_who_posts_too_many_requests_in_an_hour_is_told_and_nothing_is_posted(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"limits": {"requests_per_hour": 3}})
    for index in range(3):
        slack.create(f"Guide {index}")
    slack.settle()
    cards = len(slack.fake.calls_to("chat.postMessage"))

    reply = slack.command_reply("new Guide 4 due:2026-12-10", user=OWNER)
    assert "You have posted 3 requests in the last hour" in reply
    assert count(slack, ContentRequest) == 3
    slack.settle()
    assert len(slack.fake.calls_to("chat.postMessage")) == cards

    assert "Posted request #4" in slack.command_reply("new Guide by Anna due:2026-12-10", user=OTHER)
    slack.clock.advance(timedelta(hours=1, seconds=1))
    assert "Posted request #5" in slack.command_reply("new Guide 5 due:2026-12-10", user=OWNER)


def test_a_person_who_makes_too_many_changes_in_a_minute_is_asked_to_wait_and_nothing_changes(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"limits": {"writes_per_minute": 4}})
    number = slack.create("Ten SEO tips", extra="needs:3")  # the owner's first change
    for _ in range(2):
        slack.command_reply(f"volunteer {number}", user=OTHER)
        slack.command_reply(f"withdraw {number}", user=OTHER)
    reply = slack.command_reply(f"volunteer {number}", user=OTHER)
    assert "more than 4 changes in a minute" in reply
    with slack.session() as session:
        places = session.exec(select(Volunteer)).all()
    assert all(place.state == "withdrawn" for place in places)
    assert "Posted request" in slack.command_reply("new Another due:2026-12-10", user=OWNER)
    assert "Ten SEO tips" in slack.command_reply("list", user=OTHER)  # reading is never limited


def test_a_replayed_slash_command_is_carried_out_once(slack: SlackScenario) -> None:
    """A signed `/cocreate new` sent again within Slack's five minutes (a replay, or the same request with
    X-Slack-Retry-Num) must not post a second request: its trigger_id is the same."""
    body = slack.command_body("new Ten SEO tips due:2026-12-10", user=OWNER)
    first = slack.post(body, content_type="application/x-www-form-urlencoded")
    assert "Posted request #1" in message_text(first.json())
    again = slack.post(body, content_type="application/x-www-form-urlencoded")
    assert "carried out already" in message_text(again.json())
    retried = slack.post(body, content_type="application/x-www-form-urlencoded", headers={"X-Slack-Retry-Num": "1"})
    assert retried.status == 200
    assert count(slack, ContentRequest) == 1
    assert "Ten SEO tips" in slack.command_reply("list", user=OWNER)  # a new command goes through as ever
