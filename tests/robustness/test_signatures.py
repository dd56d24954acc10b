"""Request signatures: only requests signed with the app's signing secret, within Slack's five-minute window and over
the exact body that was signed, reach Cobot. Everything else is answered 401 and changes nothing: no row is
written and no Web API call is made.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from harness import SlackScenario, sign
from storage.models import ContentRequest

FORM = "application/x-www-form-urlencoded"
COMMAND_TEXT = "new Ten SEO tips due:2026-12-10"


def row_counts(slack: SlackScenario) -> dict[str, int]:
    """Rows in every table of the database, by table name."""
    tables = sa.inspect(slack.engine).get_table_names()
    with slack.engine.connect() as connection:
        return {
            table: connection.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
            for table in tables
        }


def post_without_signature(slack: SlackScenario, body: bytes) -> int:
    """Posts ``body`` with a timestamp but no ``X-Slack-Signature`` header at all; returns the HTTP status."""
    request = urllib.request.Request(
        slack.base_url + "/slack/events",
        data=body,
        method="POST",
        headers={"Content-Type": FORM, "X-Slack-Request-Timestamp": str(int(time.time()))},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def missing_signature(slack: SlackScenario, body: bytes) -> int:
    return post_without_signature(slack, body)


def wrong_signature(slack: SlackScenario, body: bytes) -> int:
    now = int(time.time())
    return slack.post(
        body, content_type=FORM, timestamp=now, signature=sign(body, timestamp=now, secret="x" * 32)
    ).status


def stale_timestamp(slack: SlackScenario, body: bytes) -> int:
    # Correctly signed, but six minutes old: a replay of a captured request.
    then = int(time.time()) - 6 * 60
    return slack.post(body, content_type=FORM, timestamp=then, signature=sign(body, timestamp=then)).status


def body_altered_after_signing(slack: SlackScenario, body: bytes) -> int:
    now = int(time.time())
    signature = sign(body, timestamp=now)
    altered = body.replace(b"Ten+SEO+tips", b"Ten+SEO+trap")
    assert altered != body
    return slack.post(altered, content_type=FORM, timestamp=now, signature=signature).status


@pytest.mark.parametrize(
    "send", [missing_signature, wrong_signature, stale_timestamp, body_altered_after_signing], ids=lambda f: f.__name__
)
def test_unverified_request_is_refused_and_changes_nothing(
    slack: SlackScenario, send: Callable[[SlackScenario, bytes], int]
) -> None:
    before = row_counts(slack)
    body = slack.command_body(COMMAND_TEXT, user="U0OWNER")

    assert send(slack, body) == 401

    slack.fake.assert_no_call("chat.postMessage", within=0.3)
    assert slack.fake.calls == []
    assert row_counts(slack) == before
    with slack.session() as session:
        assert session.exec(sa.select(ContentRequest)).all() == []


def test_correctly_signed_request_is_handled(slack: SlackScenario) -> None:
    before = row_counts(slack)

    response = slack.post(slack.command_body(COMMAND_TEXT, user="U0OWNER"), content_type=FORM)

    assert response.status == 200
    assert "Posted request #1" in response.text
    card = slack.fake.wait_for("chat.postMessage", lambda c: c.ok)[0]
    assert "Ten SEO tips" in card.params["text"]
    after = row_counts(slack)
    assert after["content_request"] == before["content_request"] + 1
    assert slack.request(1).title == "Ten SEO tips"
