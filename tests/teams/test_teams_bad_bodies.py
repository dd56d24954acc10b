"""Bodies on ``/api/messages`` that are not activities (a JSON array, a string, a numeric ``type``, …) get a 400,
in the unauthenticated test mode too (they got a 500 with a traceback there), and log no ERROR."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import Any

import pytest

from teams_harness import TeamsScenario


def post_raw(teams: TeamsScenario, body: bytes) -> int:
    request = urllib.request.Request(
        teams.base_url + "/api/messages", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"[]", id="json-array"),
        pytest.param(b'[{"type": "message"}]', id="array-of-activity"),
        pytest.param(b'"message"', id="json-string"),
        pytest.param(b"5", id="json-number"),
        pytest.param(b'{"type": 5}', id="type-a-number"),
        pytest.param(b"{}", id="no-type"),
        pytest.param(b'{"type": "message", "from": "29:1"}', id="from-text"),
        pytest.param(b'{"type": "message", "conversation": [1]}', id="conversation-a-list"),
        pytest.param(b'{"type": "conversationUpdate", "membersAdded": {"id": "x"}}', id="members-not-a-list"),
        pytest.param(b"{not json", id="broken-json"),
    ],
)
def test_a_body_that_is_not_an_activity_gets_400(
    teams: TeamsScenario, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    caplog.set_level(logging.WARNING)

    assert post_raw(teams, body) == 400
    errors: list[Any] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
