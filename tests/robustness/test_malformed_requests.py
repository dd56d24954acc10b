"""Bodies Slack never sends. Unsigned, they are refused 401 before anything parses them, whatever they hold; signed
but malformed (an empty ``actions`` list, a ``user`` that is a number, a payload that is not JSON, …) they get a
400 and one WARNING line: never a 500, never a traceback, nothing written.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from typing import Any

import pytest

from harness import SlackScenario, payload

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def no_signature(slack: SlackScenario, body: bytes, content_type: str) -> int:
    return slack.post(body, content_type=content_type, signature="").status


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"{not json", JSON, id="broken-json"),
        pytest.param(b"[1, 2, 3]", JSON, id="json-array"),
        pytest.param(b"payload=%7Bnot+json", FORM, id="form-payload-not-json"),
        pytest.param(b"\xff\xfe\x00garbage", JSON, id="not-utf8"),
    ],
)
def test_an_unsigned_body_is_refused_before_it_is_parsed(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.WARNING)

    assert no_signature(slack, body, content_type) == 401
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def block_actions(**changes: Any) -> dict[str, Any]:
    data = payload("block_actions")
    data.update(changes)
    return data


def with_view(**changes: Any) -> dict[str, Any]:
    data = payload("view_submission")
    data["view"].update(changes)
    return data


def event(inner: Any) -> dict[str, Any]:
    data = payload("event_callback")
    data["event"] = inner
    return data


MALFORMED = [
    pytest.param(block_actions(actions=[]), id="actions-empty"),
    pytest.param(block_actions(actions="volunteer"), id="actions-not-a-list"),
    pytest.param(block_actions(actions=[{"value": "1"}]), id="action-without-id"),
    pytest.param(block_actions(user=5), id="user-a-number"),
    pytest.param(block_actions(user=["U0METTE"]), id="user-a-list"),
    pytest.param(block_actions(team=5), id="team-a-number"),
    pytest.param(block_actions(channel=True), id="channel-a-boolean"),
    pytest.param(block_actions(authorizations="all"), id="authorizations-text"),
    pytest.param(block_actions(response_urls=["https://x"]), id="response-urls-of-text"),
    pytest.param(with_view(state="open"), id="view-state-text"),
    pytest.param(with_view(state={"values": {"draft": "x"}}), id="view-values-not-objects"),
    pytest.param(with_view(callback_id=7), id="callback-id-a-number"),
    pytest.param(payload("view_submission") | {"view": "V1"}, id="view-text"),
    pytest.param(event("reaction_added"), id="event-text"),
    pytest.param(event({"user": "U0METTE"}), id="event-without-type"),
    pytest.param(event({"type": "message", "channel": "C1", "thread_ts": 17}), id="thread-ts-a-number"),
]


@pytest.mark.parametrize("data", MALFORMED)
def test_a_signed_malformed_interaction_gets_400_and_a_warning(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture, data: dict[str, Any]
) -> None:
    caplog.set_level(logging.WARNING)
    if data.get("type") == "event_callback":
        body, content_type = json.dumps(data).encode(), JSON
    else:
        body, content_type = urllib.parse.urlencode({"payload": json.dumps(data)}).encode(), FORM

    response = slack.post(body, content_type=content_type)

    assert response.status == 400
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    slack.fake.assert_no_call("chat.postMessage", within=0.2)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"payload=%7Bnot+json", FORM, id="payload-not-json"),
        pytest.param(b"payload=%5B%5D", FORM, id="payload-a-list"),
        pytest.param(b'"just text"', JSON, id="json-string"),
        pytest.param(b"\xff\xfe", FORM, id="not-utf8"),
    ],
)
def test_a_signed_body_that_is_not_a_json_object_gets_400(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.WARNING)

    response = slack.post(body, content_type=content_type, timestamp=int(time.time()))

    assert response.status == 400
    assert [r.levelname for r in caplog.records] == ["WARNING"]
