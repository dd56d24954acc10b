"""A team's channels as Teams announces them: ``channelCreated``, ``channelRenamed``, ``channelDeleted`` and
``channelRestored`` arrive in the team's General channel (``conversation.id``) and name the channel they are about
in ``channelData.channel``. Cobot remembers that channel under its own id, so a channel named in app.yaml
(``digest.channel``) is the one that gets the digest; a deleted channel is forgotten.

The activities are the ones Microsoft's documentation prints (``../shared/teams_activities/``), replayed with the
fake connector as their service URL and Cobot as their recipient.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlmodel import select

from bot.runtime.scheduler import run_tick
from shared_files import require, shared
from storage.models import TeamsConversation
from teams_harness import BOT_ID, OWNER, TeamsScenario, visible_text

RECORDED = shared("teams_activities")
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"  # the tenant of the recorded activities
GENERAL = "19:efa9296d959346209fea44151c742e73@thread.skype"
FUN = "19:6d97d816470f481dbcda38244b98689a@thread.skype"  # created as FunDiscussions, renamed PhotographyUpdates


def replay(teams: TeamsScenario, name: str) -> None:
    activity: dict[str, Any] = json.loads(require(RECORDED / name).read_text(encoding="utf-8"))["activity"]
    activity.update(serviceUrl=teams.fake.url, recipient={**activity["recipient"], "id": BOT_ID})
    response = teams.post(activity)
    assert response.status in (200, 202), response


def digests(teams: TeamsScenario, conversation: str) -> list[str]:
    return [visible_text(m) for m in teams.fake.messages(conversation) if "Co-creation this week" in visible_text(m)]


def weekly_digest(teams: TeamsScenario, monday: datetime) -> None:
    teams.clock.advance(monday - teams.clock())
    assert run_tick(teams.service.cobot).queued["digest"] == 1
    teams.settle()


def a_request_in_the_team(teams: TeamsScenario) -> None:
    teams.install_in_team()
    teams.command("new Winter campaign due:2026-12-10 needs:2", user=OWNER, in_channel=True)
    teams.settle()


def test_the_digest_goes_to_a_channel_created_after_cobot_joined_not_to_general(make_teams: Any) -> None:
    teams: TeamsScenario = make_teams(tenant=TENANT, behaviour={"digest": {"channel": "FunDiscussions"}})
    a_request_in_the_team(teams)
    replay(teams, "004-conversationUpdate-channelCreated-channel.json")

    weekly_digest(teams, datetime(2026, 12, 7, 8, 30, tzinfo=UTC))  # Monday 09:30 in Copenhagen

    assert len(digests(teams, FUN)) == 1, "the digest is posted in FunDiscussions"
    assert digests(teams, GENERAL) == [], "General is not FunDiscussions"


def test_a_renamed_channel_gets_the_digest_under_its_new_name_and_a_deleted_one_gets_nothing(
    make_teams: Any,
) -> None:
    teams: TeamsScenario = make_teams(tenant=TENANT, behaviour={"digest": {"channel": "PhotographyUpdates"}})
    a_request_in_the_team(teams)
    replay(teams, "004-conversationUpdate-channelCreated-channel.json")
    replay(teams, "005-conversationUpdate-channelRenamed-channel.json")

    weekly_digest(teams, datetime(2026, 12, 7, 8, 30, tzinfo=UTC))
    assert len(digests(teams, FUN)) == 1
    assert digests(teams, GENERAL) == []

    # Deleted: the next week's digest has no channel of that name to go to, and General does not stand in for it.
    replay(teams, "006-conversationUpdate-channelDeleted-channel.json")
    teams.command("new Spring campaign due:2026-12-16 needs:1", user=OWNER, in_channel=True)
    weekly_digest(teams, datetime(2026, 12, 14, 8, 30, tzinfo=UTC))
    assert len(digests(teams, FUN)) == 1, "nothing more in the deleted channel"
    assert digests(teams, GENERAL) == []

    # Restored (under its first name): it is a channel Cobot can write in again.
    replay(teams, "007-conversationUpdate-channelRestored-channel.json")
    with teams.session() as session:
        names = {c.conversation_id: c.name for c in session.exec(select(TeamsConversation)).all()}
    assert names.get(FUN) == "FunDiscussions"
    assert names.get(GENERAL) != "FunDiscussions"
