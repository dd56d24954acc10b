"""Every recorded Slack payload in ``../shared/slack_payloads/``, signed and sent in order through the served app
against the fake Slack: each is answered 2xx (a URL check gets its challenge back), none logs an ERROR, and the
ones Cobot has no listener for are acknowledged quietly (no WARNING either).
"""

from __future__ import annotations

import logging

import pytest

from harness import SlackScenario
from log_records import Records
from slack_replay import SLACK_PAYLOADS, SlackReplay, recorded_payloads


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
