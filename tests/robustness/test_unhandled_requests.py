"""Genuine, signed requests that Cobot has no listener for (another app's button or shortcut, an event Cobot does
not use, an options request, a closed modal) are acknowledged with a 200 and otherwise ignored: no 404 that Slack
would show as an error, no WARNING in the log, nothing written and nothing sent.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from typing import Any

import pytest

from harness import TEAM, SlackScenario, payload

FORM = "application/x-www-form-urlencoded"


def interaction(slack: SlackScenario, data: dict[str, Any]) -> tuple[int, str]:
    response = slack.post(urllib.parse.urlencode({"payload": json.dumps(data)}).encode(), content_type=FORM)
    return response.status, response.text


def view_payload(kind: str, callback_id: str) -> dict[str, Any]:
    data = payload("view_submission")
    data["type"] = kind
    data["view"]["callback_id"] = callback_id
    return data


def block_suggestion() -> dict[str, Any]:
    data = view_payload("block_suggestion", "someone_elses_view")
    data.update(action_id="external_menu", block_id="menu_block", value="sea")
    return data


def global_shortcut() -> dict[str, Any]:
    return {
        "type": "shortcut",
        "token": "unused",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM, "domain": "cobot-test"},
        "user": {"id": "U0METTE", "username": "mette", "team_id": TEAM},
        "callback_id": "someone_elses_shortcut",
        "trigger_id": "1.2.3",
    }


CASES = [
    pytest.param(lambda: view_payload("view_closed", "someone_elses_view"), "", id="view_closed"),
    pytest.param(lambda: view_payload("view_submission", "someone_elses_view"), "", id="foreign-view-submission"),
    pytest.param(global_shortcut, "", id="foreign-shortcut"),
    pytest.param(block_suggestion, '{"options": []}', id="block_suggestion"),
]


@pytest.mark.parametrize(("make", "answer"), CASES)
def test_an_interaction_cobot_does_not_listen_for_is_acknowledged_quietly(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture, make: Any, answer: str
) -> None:
    caplog.set_level(logging.DEBUG)

    status, text = interaction(slack, make())

    assert status == 200
    assert text == answer
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    slack.fake.assert_no_call("chat.postMessage", within=0.2)


def test_a_button_of_an_old_card_is_acknowledged_quietly(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    response = slack.click("cocreate_button_from_an_old_version", "1")

    assert response.status == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("event_type", ["app_mention", "member_joined_channel", "team_join", "user_change"])
def test_an_event_cobot_does_not_use_is_acknowledged_quietly(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture, event_type: str
) -> None:
    caplog.set_level(logging.DEBUG)

    response = slack.event({"type": event_type, "user": "U0METTE", "event_ts": f"{time.time():.6f}"})

    assert response.status == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    slack.fake.assert_no_call("chat.postMessage", within=0.2)


def test_app_rate_limited_is_acknowledged_quietly(slack: SlackScenario, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = {"token": "unused", "type": "app_rate_limited", "team_id": TEAM, "minute_rate_limited": 1518467820}

    response = slack.post(json.dumps(body).encode(), content_type="application/json")

    assert response.status == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
