"""Text with NUL characters and ids longer than Cobot stores, on SQLite and on PostgreSQL: PostgreSQL refused NULs
(a ``DataError``, so the person saw "something went wrong") and over-long ids (``StringDataRightTruncation``), while
SQLite stored both. Now NULs are dropped on the way to the database and an over-long id is refused politely, with
nothing written, on both.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlmodel import select

from bot.slack import ids
from harness import SlackScenario, message_text, start_scenario
from storage.models import ContentRequest, Draft, Member, MemberSkill, Workspace

OWNER = "U0OWNER"
ANNA = "U0ANNA"


@pytest.fixture
def slack(any_database_url: str) -> Iterator[SlackScenario]:
    scenario = start_scenario(any_database_url)
    yield scenario
    scenario.close()


def counts(slack: SlackScenario) -> dict[str, int]:
    with slack.engine.connect() as connection:
        return {
            model.__tablename__: connection.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()  # type: ignore[arg-type]
            for model in (Workspace, Member, ContentRequest)
        }


def test_nul_characters_are_dropped_from_commands_skills_who_forms_and_thread_drafts(slack: SlackScenario) -> None:
    reply = slack.command_reply("new Foo\x00bar due:2026-12-10 skills:se\x00o", user=OWNER)
    assert "Posted request #1" in reply
    slack.settle()
    assert slack.request(1).title == "Foobar"
    assert slack.request(1).wanted_skills == ["seo"]

    assert "something went wrong" not in slack.command_reply("skills add analyt\x00ics", user=ANNA)
    with slack.session() as session:
        assert session.exec(select(MemberSkill.skill)).all() == ["analytics"]
    who = slack.command_reply("who analyt\x00ics", user=OWNER)
    assert "U0ANNA" in who, who

    assert "Thank you" in slack.command_reply("volunteer 1", user=ANNA)
    assert slack.thread_reply(1, user=ANNA, text="Here it is: https://docs.example.com/dr\x00aft").status == 200
    slack.settle()
    assert "something went wrong" not in slack.command_reply("submit 1 https://docs.example.com/v\x002", user=ANNA)
    form = slack.submit_view(
        ids.SUBMIT_DRAFT_VIEW,
        private_metadata="1",
        values={ids.DRAFT_BLOCK: {ids.DRAFT_INPUT: "Third\x00 try https://docs.example.com/v3"}},
        user=ANNA,
    )
    assert (form.status, form.text) == (200, "")
    slack.settle()
    with slack.session() as session:
        urls = session.exec(select(Draft.url).order_by(Draft.version)).all()
    assert urls == ["https://docs.example.com/draft", "https://docs.example.com/v2", "https://docs.example.com/v3"]
    told = [message_text(m) for m in slack.fake.messages() + slack.fake.ephemeral_messages()]
    assert not any("went wrong" in text for text in told), told


@pytest.mark.parametrize(
    "where",
    [
        pytest.param({"user": "U" + "X" * 100}, id="user"),
        pytest.param({"team": "T" + "X" * 100}, id="team"),
        pytest.param({"channel": "C" + "X" * 100}, id="channel"),
    ],
)
def test_an_id_longer_than_cobot_stores_is_refused_politely_and_nothing_is_written(
    slack: SlackScenario, where: dict[str, str]
) -> None:
    slack.command_reply("help", user=OWNER)  # the workspace and a member exist, so "nothing written" is checked
    before = counts(slack)
    reply = slack.command_reply("new Ten SEO tips due:2026-12-10", **{"user": OWNER, **where})
    assert "Cobot can't store that: a name or id in it is longer than 64 characters" in reply
    assert counts(slack) == before
