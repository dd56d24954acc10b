"""Malformed or refused ``/cocreate`` commands: each gets a 200 with a short, polite ephemeral answer that says what
to type instead, and leaves every table exactly as it was.

The cases share one app and database, set up once: request #1 (open, owned by U0OWNER) with U0METTE on it and
U0BO who stepped back, and request #2 (closed). Sharing is safe because every case checks that it wrote nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from harness import SlackScenario, message_text, start_scenario

OWNER = "U0OWNER"
METTE = "U0METTE"
BO = "U0BO"
CARL = "U0CARL"
BACKTICKED = re.compile(r"`[^`]+`")


def row_counts(slack: SlackScenario) -> dict[str, int]:
    tables = sa.inspect(slack.engine).get_table_names()
    with slack.engine.connect() as connection:
        return {
            table: connection.execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one()
            for table in tables
        }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackScenario]:
    """One app for the whole table (the cases only read, and each checks that it wrote nothing)."""
    slack = start_scenario(f"sqlite:///{tmp_path_factory.mktemp('bad_input')}/cobot.db")
    try:
        slack.create("Ten SEO tips", user=OWNER, extra="needs:3")
        slack.create("Old newsletter", user=OWNER)
        assert "Closed #2" in slack.command_reply("close 2", user=OWNER)
        assert "Thank you" in slack.command_reply("volunteer 1", user=METTE)
        assert "Thank you" in slack.command_reply("volunteer 1", user=BO)
        assert "stepped back" in slack.command_reply("withdraw 1", user=BO)
        slack.command_reply("help", user=CARL)  # CARL is known, so refusals below cannot hide a new member row
        slack.settle()
        yield slack
    finally:
        slack.close()


# (who types it, the text after /cocreate, a phrase the answer must contain, the backticked example it must show)
CASES = [
    pytest.param(CARL, "frobnicate", "I don't know `frobnicate`", "`/cocreate help`", id="unknown-subcommand"),
    pytest.param(CARL, "show abc", "`abc` is not a request id", "`#12`", id="show-not-a-number"),
    pytest.param(CARL, "show 999", "There is no request #999", "`/cocreate list`", id="show-unknown-id"),
    pytest.param(
        CARL,
        "show 99999999999999999999999",
        "There is no request #99999999999999999999999",
        "`/cocreate list`",
        id="show-huge-id",
    ),
    pytest.param(
        CARL, "volunteer #2147483648", "There is no request #2147483648", "`/cocreate list`", id="volunteer-huge-id"
    ),
    pytest.param(
        OWNER,
        "new due:2026-12-10",
        "Please give the request a title",
        "`/cocreate new &lt;title&gt; due:YYYY-MM-DD`",
        id="new-no-title",
    ),
    pytest.param(OWNER, "new X due:2026-13-01", "`2026-13-01` is not a date", "`due:2026-12-07`", id="new-bad-date"),
    pytest.param(OWNER, "new X due:2020-01-01", "The deadline 2020-01-01 has already passed", None, id="new-past-date"),
    pytest.param(OWNER, "new X", "Please add a draft deadline", "`due:2026-12-07`", id="new-no-due"),
    pytest.param(OWNER, "new X due:2026-12-01 needs:0", "`needs:` takes a number", "`needs:2`", id="new-needs-zero"),
    pytest.param(
        OWNER, 'new X due:2026-12-01 parts:"unclosed', "is never closed", '`parts:"a; b"`', id="new-unclosed-quote"
    ),
    pytest.param(CARL, "volunteer", "Which request?", "`/cocreate volunteer 12`", id="volunteer-no-id"),
    pytest.param(BO, "withdraw 1", "You've already stepped back from #1", None, id="withdraw-twice"),
    pytest.param(METTE, "volunteer 1", "You're already on #1", "`/cocreate withdraw 1`", id="volunteer-twice"),
    pytest.param(CARL, "volunteer 2", "Request #2 is closed", None, id="volunteer-closed"),
    pytest.param(METTE, "submit 1", "Your draft is empty", "`/cocreate submit 1 https://…`", id="submit-empty"),
    pytest.param(OWNER, "approve 1", "Say whose draft", "`/cocreate approve 12 @person`", id="approve-nobody"),
    pytest.param(OWNER, "approve 1 @nobody", "is not a person I know", "`@mette`", id="approve-unknown-person"),
    pytest.param(OWNER, "changes 1 <@U0METTE>", "Please say what should change", None, id="changes-no-feedback"),
    pytest.param(CARL, "close 1", "Only the request's owner", None, id="close-not-owner"),
    pytest.param(CARL, "list 99", "There is no page 99", None, id="list-beyond-last-page"),
]


@pytest.mark.parametrize(("user", "text", "phrase", "example"), CASES)
def test_bad_command_gets_a_polite_hint_and_changes_nothing(
    world: SlackScenario, user: str, text: str, phrase: str, example: str | None
) -> None:
    calls_before = len(world.fake.calls)
    rows_before = row_counts(world)

    response = world.command(text, user=user)

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    reply = message_text(body)
    assert phrase in reply
    assert len(reply) <= 200, reply
    assert "Traceback" not in reply
    assert "something went wrong" not in reply
    if example is not None:
        assert example in reply
        assert BACKTICKED.search(reply)
    assert row_counts(world) == rows_before
    world.settle()
    assert len(world.fake.calls) == calls_before  # nothing was queued for Slack either


def test_the_world_is_what_the_cases_assume(world: SlackScenario) -> None:
    """Guards the table: a case like 'withdrawing twice' only means something if the set-up really happened."""
    assert "#1 *Ten SEO tips*" in world.command_reply("list", user=CARL)
    assert "Request #2 is closed" in world.command_reply("volunteer 2", user=METTE)
    mine = world.command_reply("mine", user=METTE)
    assert "#1 *Ten SEO tips* · no draft yet" in mine
