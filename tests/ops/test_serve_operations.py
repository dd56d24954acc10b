"""The real ``cobot serve`` (gunicorn, two workers) as an operator watches it: ``/metrics`` scraped over HTTP and
read with prometheus_client's own parser adds up both workers' counts; ``LOG_FORMAT=json`` writes one JSON object a
line for Cobot and gunicorn alike, with no token or signing secret in any of them, and the request id of a command
reappears in the sender's line about the card that command queued.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_support import cobot_serve, environment, http, signed_command
from prometheus_client.parser import text_string_to_metric_families

from fake_slack import FakeSlack
from harness import BOT_TOKEN, SIGNING_SECRET, message_text


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN) as server:
        server.add_user("U0OWNER", name="mette", real_name="Mette Ørsted")
        yield server


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    """The sum of the samples named ``name`` whose labels include ``labels``."""
    return sum(v for (n, ls), v in found.items() if n == name and set(labels.items()) <= set(ls))


def test_metrics_count_commands_acks_and_sends_across_workers(tmp_path: Path, fake: FakeSlack) -> None:
    env = environment(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url
    )
    with cobot_serve(tmp_path, env, workers=2) as served:
        for number in range(4):
            status, text = signed_command(served.base_url, fake, f"new Tip {number} due:2027-12-10")
            assert status == 200, text
        fake.wait_for("chat.postMessage", lambda c: c.ok, count=4, timeout=15)
        deadline = time.monotonic() + 10
        while True:  # the sender marks a card sent right after Slack answered
            status, text = http("GET", served.base_url + "/metrics")
            assert status == 200
            found = samples(text)
            if value(found, "cobot_outbox_sends_total", result="ok") >= 4 or time.monotonic() > deadline:
                break
            time.sleep(0.1)

    command = {"platform": "slack", "surface": "command"}
    assert value(found, "cobot_requests_total", outcome="ok", workspace="T0001", **command) == 4
    assert value(found, "cobot_ack_seconds_count", **command) == 4
    assert value(found, "cobot_ack_seconds_bucket", le="+Inf", **command) == 4
    assert value(found, "cobot_outbox_sends_total", platform="slack", result="ok") >= 4
    assert ("cobot_outbox_unsent", (("platform", "slack"), ("workspace", "T0001"))) in found
    assert value(found, "cobot_outbox_oldest_unsent_age_seconds", platform="slack") >= 0


def test_json_logs_are_one_object_a_line_without_secrets_and_follow_a_request_into_the_sender(
    tmp_path: Path, fake: FakeSlack
) -> None:
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        LOG_FORMAT="json",
    )
    with cobot_serve(tmp_path, env) as served:
        _, text = signed_command(served.base_url, fake, "new Ten SEO tips due:2027-12-10")
        assert "Posted request #1" in message_text(json.loads(text))
        fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=10)
        deadline = time.monotonic() + 10
        while '(card) sent"' not in served.log() and time.monotonic() < deadline:
            time.sleep(0.1)
        # A request that Slack did not sign reaches the log too, and must not carry the secret into it.
        http("POST", served.base_url + "/slack/events", body=f"token={BOT_TOKEN}".encode())
    log = served.log()

    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines, log
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert {"gunicorn.error", "cobot.server"} <= {line["logger"] for line in lines}  # one format for both
    assert BOT_TOKEN not in log and SIGNING_SECRET not in log
    assert not any("will be unused" in line["message"] for line in lines)
    assert not [line for line in lines if line["logger"].startswith("apscheduler") and line["level"] == "INFO"]
    [sent] = [line for line in lines if line["message"].endswith("(card) sent")]
    assert sent["logger"] == "bot.runtime.outbox"
    assert len(sent["request_id"]) >= 8
    with_that_id = [line for line in lines if line.get("request_id") == sent["request_id"]]
    assert len(with_that_id) >= 1


def test_the_request_id_of_a_command_is_kept_in_the_outbox_rows_it_queued(tmp_path: Path, fake: FakeSlack) -> None:
    import sqlalchemy as sa

    env = environment(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url
    )
    with cobot_serve(tmp_path, env) as served:
        signed_command(served.base_url, fake, "new Ten SEO tips due:2027-12-10")
        fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=10)
        time.sleep(0.5)
        log = served.log()
    engine = sa.create_engine(f"sqlite:///{tmp_path}/cobot.db")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT kind, payload FROM outbox")).all()
    engine.dispose()
    traces = {json.loads(row.payload).get("trace") for row in rows if row.kind == "card"}
    [trace] = traces
    assert trace and f"[{trace}]" in log  # the plain format names it too: "... bot.runtime.outbox [id]: ... sent"
