"""Every recorded Slack payload in ``../shared/slack_payloads/``, signed and sent in order through the served app
against the fake Slack: each is answered 2xx (a URL check gets its challenge back), none logs an ERROR, and the
ones Cobot has no listener for are acknowledged quietly (no WARNING either).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from harness import SlackScenario
from slack_replay import SLACK_PAYLOADS, SlackReplay, recorded_payloads


class Records(logging.Handler):
    """Every log record of the app's threads while it is attached to the root logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[logging.LogRecord]:
        taken, self.records = self.records, []
        return taken


@pytest.fixture
def records() -> Iterator[Records]:
    handler = Records()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def describe(record: logging.LogRecord) -> str:
    return f"{record.levelname} {record.name}: {record.getMessage()[:300]}"


def test_every_recorded_slack_payload_is_acknowledged_without_an_error(slack: SlackScenario, records: Records) -> None:
    recorded = recorded_payloads()
    if not recorded:
        pytest.skip(f"no recorded Slack payloads at {SLACK_PAYLOADS} (the shared folder is not next to the repo)")
    replay = SlackReplay(slack)
    replay.set_up_cards()
    records.take()
    problems: list[str] = []
    for item in recorded:
        status, text = replay.send(replay.prepare(item))
        slack.settle()
        logged = [r for r in records.take() if r.levelno >= logging.WARNING]
        errors = [describe(r) for r in logged if r.levelno >= logging.ERROR]
        if not 200 <= status < 300:
            problems.append(f"{item.name}: HTTP {status} {text[:200]}")
        if errors:
            problems.append(f"{item.name}: logged {errors}")
        if item.expect == "ignored" and logged:
            problems.append(f"{item.name} (ignored by Cobot) logged {[describe(r) for r in logged]}")
        if item.expect == "challenge" and item.data["payload"]["challenge"] not in text:
            problems.append(f"{item.name}: the challenge was not answered ({text[:200]})")
    assert problems == [], "\n".join(problems)
