"""Slack's event retries: Slack sends an event again (same ``event_id``, ``X-Slack-Retry-Num`` 1, 2) when it thinks the
first delivery was lost. A retry must take effect once: one volunteer, one card update, one confirmation, one
draft version. Two *different* events do count twice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, select

from fake_slack import Call
from harness import CHANNEL, Response, SlackScenario, message_text
from storage.models import Draft, ProcessedEvent, Volunteer, VolunteerState

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"


def card_updates(slack: SlackScenario, number: int) -> list[Call]:
    card_ts = slack.request(number).card_ts
    return [c for c in slack.fake.calls_to("chat.update") if c.params.get("ts") == card_ts and c.ok]


def volunteers(slack: SlackScenario, number: int) -> list[Volunteer]:
    request_id = slack.request(number).id
    with slack.session() as session:
        return list(
            session.exec(select(Volunteer).where(Volunteer.request_id == request_id).order_by(col(Volunteer.id))).all()
        )


def drafts(slack: SlackScenario, number: int) -> list[Draft]:
    request_id = slack.request(number).id
    with slack.session() as session:
        return list(session.exec(select(Draft).where(Draft.request_id == request_id).order_by(col(Draft.id))).all())


def deliver_three_times(slack: SlackScenario, send: Callable[[int | None], Response]) -> None:
    """Calls ``send(retry_num)`` as Slack would: the first delivery, then retries 1 and 2; each is acknowledged."""
    for retry_num in (None, 1, 2):
        response = send(retry_num)
        assert response.status == 200, response
        slack.settle()


def test_retried_reaction_volunteers_once(make_slack: Callable[..., SlackScenario], any_database_url: str) -> None:
    # On PostgreSQL too: there a duplicate event id aborts a savepoint, not the whole transaction.
    slack = make_slack(database_url=any_database_url)
    number = slack.create()
    request = slack.request(number)
    reaction = {
        "type": "reaction_added",
        "user": METTE,
        "reaction": "raised_hand",
        "item_user": "UBOT",
        "item": {"type": "message", "channel": request.channel_id, "ts": request.card_ts},
        "event_ts": "1764000000.000100",
    }

    deliver_three_times(slack, lambda retry: slack.event(reaction, event_id="Ev0RETRYHAND", retry_num=retry))

    places = volunteers(slack, number)
    assert [(v.state, v.via) for v in places] == [(VolunteerState.ACTIVE, "reaction")]
    assert len(card_updates(slack, number)) == 1
    confirmations = [c for c in slack.fake.calls_to("chat.postEphemeral") if c.params.get("user") == METTE]
    assert len(confirmations) == 1
    assert "Thank you! You're on #1" in message_text(confirmations[0].params)
    assert f"<@{METTE}>" in message_text(slack.card(number))
    with slack.session() as session:
        assert len(session.exec(select(ProcessedEvent).where(ProcessedEvent.event_id == "Ev0RETRYHAND")).all()) == 1


def test_retries_arriving_while_the_first_is_still_running_take_effect_once(
    make_slack: Callable[..., SlackScenario], any_database_url: str
) -> None:
    # Slack retries when the first delivery was slow, so the copies can overlap with it.
    slack = make_slack(database_url=any_database_url)
    number = slack.create()
    request = slack.request(number)
    reaction = {
        "type": "reaction_added",
        "user": ANNA,
        "reaction": "raised_hand::skin-tone-3",
        "item_user": "UBOT",
        "item": {"type": "message", "channel": request.channel_id, "ts": request.card_ts},
        "event_ts": "1764000000.000300",
    }
    start = threading.Barrier(3)

    def deliver(retry_num: int | None) -> int:
        start.wait()
        return slack.event(reaction, event_id="Ev0OVERLAP", retry_num=retry_num).status

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(deliver, (None, 1, 2)))
    slack.settle()

    assert statuses == [200, 200, 200]
    assert len(volunteers(slack, number)) == 1
    assert len(card_updates(slack, number)) == 1
    assert len([c for c in slack.fake.calls_to("chat.postEphemeral") if c.params.get("user") == ANNA]) == 1


def test_two_different_reactions_count_twice(slack: SlackScenario) -> None:
    number = slack.create(extra="needs:2")

    assert slack.react(number, user=METTE, event_id="Ev0HANDMETTE").status == 200
    slack.settle()
    assert slack.react(number, user=ANNA, event_id="Ev0HANDANNA").status == 200
    slack.settle()

    members = {slack.member(METTE).id: METTE, slack.member(ANNA).id: ANNA}
    assert sorted(members[v.member_id] for v in volunteers(slack, number)) == [ANNA, METTE]
    card = message_text(slack.card(number))
    assert f"<@{METTE}>" in card
    assert f"<@{ANNA}>" in card
    assert "*Volunteers* 2/2" in card


def test_retried_thread_reply_makes_one_draft_version(slack: SlackScenario) -> None:
    number = slack.create()
    assert "Thank you" in slack.command_reply(f"volunteer {number}", user=METTE)
    slack.settle()
    request = slack.request(number)
    reply = {
        "type": "message",
        "channel": request.channel_id,
        "user": METTE,
        "text": "My draft: <https://docs.example.com/seo-v1>",
        "ts": "1764000001.000200",
        "thread_ts": request.card_ts,
        "channel_type": "channel",
    }

    deliver_three_times(slack, lambda retry: slack.event(reply, event_id="Ev0RETRYDRAFT", retry_num=retry))

    assert [(d.version, d.url) for d in drafts(slack, number)] == [(1, "https://docs.example.com/seo-v1")]
    owner_dms = [m for m in slack.fake.messages(OWNER) if "handed in version" in message_text(m)]
    assert len(owner_dms) == 1
    thread = [m for m in slack.fake.messages(CHANNEL) if m.get("thread_ts") == request.card_ts]
    assert len(thread) == 1
    assert "Version 1 of your draft is saved" in message_text(thread[0])


def test_two_different_thread_replies_make_two_versions(slack: SlackScenario) -> None:
    number = slack.create()
    slack.command_reply(f"volunteer {number}", user=METTE)
    slack.settle()

    slack.thread_reply(number, user=METTE, text="<https://docs.example.com/v1>", event_id="Ev0DRAFTONE")
    slack.settle()
    slack.thread_reply(number, user=METTE, text="<https://docs.example.com/v2>", event_id="Ev0DRAFTTWO")
    slack.settle()

    assert [(d.version, d.url) for d in drafts(slack, number)] == [
        (1, "https://docs.example.com/v1"),
        (2, "https://docs.example.com/v2"),
    ]
    assert len([m for m in slack.fake.messages(OWNER) if "handed in version" in message_text(m)]) == 2
