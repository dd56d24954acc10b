"""Scenario tests (signed requests through the app, the fake Slack answering) for what the one core for every
surface changed on Slack: the owner's "Invite matching colleagues" is theirs only, and forms or menus Cobot cannot
read are answered politely instead of with an error."""

from __future__ import annotations

import json
import time
import urllib.parse
from typing import Any

from bot.slack import ids
from harness import CHANNEL, SlackScenario, message_text, payload

OWNER = "U0OWNER"
METTE = "U0METTE"


def action_ids(message: dict[str, Any]) -> list[str]:
    return [e["action_id"] for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def last_response(slack: SlackScenario) -> str:
    calls = slack.fake.calls_to("response_url")
    assert calls, "Cobot answered no click through its response_url"
    return message_text(calls[-1].params)


def test_invite_matching_colleagues_is_offered_to_the_owner_only(slack: SlackScenario) -> None:
    posted = slack.command("new Ten SEO tips due:2026-12-10 skills:SEO", user=OWNER)
    assert posted.status == 200
    reply = posted.json()
    number = int(message_text(reply).split("#", 1)[1].split(" ", 1)[0])
    slack.settle()

    # The channel card everyone sees has no Invite button; the owner's own answer has it.
    assert ids.INVITE_MATCHING not in action_ids(slack.card(number))
    assert ids.VOLUNTEER in action_ids(slack.card(number))
    assert ids.INVITE_MATCHING in action_ids(reply)

    # `show` gives the owner the button, and a colleague none.
    assert ids.INVITE_MATCHING in action_ids(slack.command(f"show {number}", user=OWNER).json())
    assert ids.INVITE_MATCHING not in action_ids(slack.command(f"show {number}", user=METTE).json())

    # A colleague who presses it anyway (an old card, a forwarded message) is told politely whose it is.
    assert slack.click(ids.INVITE_MATCHING, str(number), user=METTE).status == 200
    slack.settle()
    assert last_response(slack).startswith("Only")


def test_a_draft_form_whose_metadata_is_not_cobots_is_answered_beside_the_field(slack: SlackScenario) -> None:
    for metadata, expected in (
        ("", "This form is not one Cobot can read any more."),
        ("This is for you!", "is not a request id"),
    ):
        response = slack.submit_view(
            ids.SUBMIT_DRAFT_VIEW,
            private_metadata=metadata,
            values={ids.DRAFT_BLOCK: {ids.DRAFT_INPUT: "https://docs.example.com/d"}},
        )
        assert response.status == 200
        answer = response.json()
        assert answer["response_action"] == "errors"
        assert expected in answer["errors"][ids.DRAFT_BLOCK]


def test_a_new_request_form_whose_metadata_is_not_cobots_is_answered_in_the_form(slack: SlackScenario) -> None:
    blocks = ids.NEW_REQUEST_BLOCKS
    for metadata in ("This is for you!", '{"derived_from": "x; drop"}', "[1, 2]"):
        response = slack.submit_view(
            ids.NEW_REQUEST_VIEW,
            private_metadata=metadata,
            values={blocks["title"]: {ids.INPUT: "Customer case"}},
        )
        assert response.status == 200, response
        answer = response.json()
        assert answer["response_action"] == "errors"
        assert "Close it and press the button again" in answer["errors"][blocks["title"]]
    assert slack.fake.calls_to("chat.postMessage") == []  # nothing was posted, nothing went wrong


def test_taking_back_the_part_menu_choice_asks_for_a_part(slack: SlackScenario) -> None:
    number = slack.create("E-book", extra="parts:Intro|SEO")
    data = payload("block_actions")
    action = data["actions"][0]
    action.pop("value", None)
    action.update(type="static_select", action_id=ids.PICK_PART, selected_option=None, action_ts=f"{time.time():.6f}")
    data["user"].update(id=METTE, username="mette", name="mette")
    data["channel"]["id"] = CHANNEL
    data["container"].update(channel_id=CHANNEL)
    data["response_url"] = slack.fake.response_url()
    body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
    assert slack.post(body, content_type="application/x-www-form-urlencoded").status == 200
    slack.settle()
    answer = last_response(slack)
    assert answer == "Choose a part from the card's menu to volunteer for it."
    assert "is not a request id" not in answer
    assert "went wrong" not in answer
    assert slack.request(number).status.value == "open"
