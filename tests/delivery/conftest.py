"""The delivery tests' fake Slack Web API: a real HTTP server on loopback, one per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_slack import FakeSlack
from harness import BOT_TOKEN, TEAM


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM) as server:
        yield server
