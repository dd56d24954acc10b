"""Helpers shared by the follow-up scenario tests: moving the harness clock to a moment, running one follow-up
pass the way the scheduler does, reading what people received by DM, and looking at the outbox.

The harness starts without the background scheduler, so a test decides exactly when a pass runs.
"""

from __future__ import annotations

import json
import urllib.parse
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import col, select

from bot.runtime.scheduler import TickSummary, run_tick
from bot.slack import ids
from handlers.outcomes import record_result
from harness import Response, SlackScenario, message_text, payload
from storage.models import OutboxMessage, RequestStatus, ResultSource

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"
BO = "U0BO"
CARL = "U0CARL"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def move_to(slack: SlackScenario, moment: datetime) -> None:
    """Sets the harness clock to ``moment`` (forwards or backwards); it keeps running at real speed from there."""
    slack.clock.advance(moment - slack.clock())


def tick(slack: SlackScenario) -> TickSummary:
    """One follow-up pass at the harness clock's now, then waits until everything due has been sent."""
    summary = run_tick(slack.service.cobot)
    slack.settle()
    return summary


def wake(slack: SlackScenario) -> None:
    """After moving the clock forward, deferred messages fall due: nudge the sender and wait for it."""
    slack.service.sender.wake()
    slack.settle()


def dm_texts(slack: SlackScenario, user: str, containing: str = "") -> list[str]:
    """The visible text of every DM the bot sent ``user``, oldest first (optionally only those containing …)."""
    return [message_text(m) for m in slack.fake.messages(user) if containing in message_text(m)]


def dms(slack: SlackScenario, user: str, containing: str) -> list[dict[str, Any]]:
    return [m for m in slack.fake.messages(user) if containing in message_text(m)]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(action_id, value) of every button in a message, in order; a repeat's suffix in its block
    (``cocreate_book_slot.2``, which the same listener serves) is left off."""
    found: list[tuple[str, str]] = []
    for block in message.get("blocks") or []:
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        found.extend(
            (e["action_id"].split(ids.SUFFIX_SEPARATOR)[0], str(e.get("value")))
            for e in elements
            if e.get("type") == "button"
        )
    return found


def press(slack: SlackScenario, message: dict[str, Any], action_id: str, *, user: str) -> Response:
    """Presses the button with ``action_id`` on a message Slack stores (a DM, a digest, a card)."""
    [value] = [v for a, v in buttons(message) if a == action_id]
    response = slack.click(action_id, value, user=user, channel=message["channel"], message_ts=message["ts"])
    assert response.status == 200, response
    slack.settle()
    return response


def last_response(slack: SlackScenario) -> str:
    """The text of the latest late answer to a click (sent to the interaction's response_url)."""
    calls = slack.fake.calls_to("response_url")
    assert calls, "Cobot answered no click through its response_url"
    return message_text(calls[-1].params)


def submit_date(slack: SlackScenario, *, number: int, picked: date | None, user: str) -> Response:
    """Submits the "Need more time" modal with a day picked in its datepicker (a signed view_submission)."""
    data = payload("view_submission")
    data["user"].update(id=user, username=user.lower(), name=user.lower())
    data["view"].update(
        id=f"VEXT{number}{picked}",
        callback_id=ids.EXTEND_VIEW,
        private_metadata=str(number),
        state={
            "values": {
                ids.EXTEND_BLOCK: {
                    ids.EXTEND_INPUT: {
                        "type": "datepicker",
                        "selected_date": picked.isoformat() if picked else None,
                    }
                }
            }
        },
    )
    body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
    return slack.post(body, content_type="application/x-www-form-urlencoded")


def outbox(slack: SlackScenario, key_prefix: str) -> list[OutboxMessage]:
    """Outbox rows whose dedupe key starts with ``key_prefix``, in the order they were queued."""
    with slack.session() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.dedupe_key).startswith(key_prefix))
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def sign_off(slack: SlackScenario, number: int, *, helper: str = METTE) -> None:
    """The helper signs off their approved version, so the request may be marked published."""
    assert "Signed off" in slack.command_reply(f'signoff {number} byline:"{helper}"', user=helper)


def approved_request(slack: SlackScenario, title: str = "Ten SEO tips", *, helper: str = METTE) -> int:
    """A request with one volunteer whose draft the owner approved: ready to be booked."""
    number = slack.create(title, due="2026-12-10", extra="needs:1")
    assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=helper)
    assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/{helper}", user=helper)
    assert "Approved" in slack.command_reply(f"approve {number} <@{helper}|x>", user=OWNER)
    slack.settle()
    assert slack.request(number).status is RequestStatus.APPROVED
    return number


def figures(slack: SlackScenario, number: int, **values: int) -> None:
    """The owner typed these figures for #number today (``ResultSource.TYPED``)."""
    request = slack.request(number)
    assert request.id is not None
    with slack.session() as session:
        for metric, value in values.items():
            record_result(
                session=session,
                workspace_id=request.workspace_id,
                request_id=request.id,
                metric=metric,
                value=value,
                day=slack.clock().date(),
                source=ResultSource.TYPED,
                now=slack.clock(),
            )
        session.commit()
