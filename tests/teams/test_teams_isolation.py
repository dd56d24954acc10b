"""A Slack workspace and a Teams tenant in one database: both apps run against it at once, and neither sees,
changes or delivers the other's requests, people or messages."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import select

from harness import SlackScenario
from storage.models import ContentRequest, OutboxMessage, Workspace
from teams_harness import ANNA, OWNER, TeamsScenario


def test_slack_and_teams_workspaces_share_a_database_and_stay_apart(
    sqlite_url: str,
    make_slack: Callable[..., SlackScenario],
    make_teams: Callable[..., TeamsScenario],
) -> None:
    slack = make_slack(database_url=sqlite_url)
    teams = make_teams(database_url=sqlite_url)

    slack_number = slack.create("Slack-only brief", user="U0OWNER")
    teams.install_in_team()
    teams.install_personal(ANNA)
    assert "Posted request #1" in teams.command("new Teams-only brief due:2026-12-10", user=OWNER, in_channel=True)
    teams.settle()
    slack.settle()
    assert slack_number == 1, "request numbers count per workspace"

    with teams.session() as session:
        workspaces = {(w.platform, w.external_id) for w in session.exec(select(Workspace)).all()}
        titles = {(r.workspace_id, r.title) for r in session.exec(select(ContentRequest)).all()}
    assert {platform for platform, _ in workspaces} == {"slack", "teams"}
    assert len(titles) == 2

    # Each side sees only its own #1.
    assert "Teams-only brief" in teams.command("show 1", user=ANNA)
    assert "Slack-only brief" not in teams.command("list", user=ANNA)
    assert "Slack-only brief" in slack.command_reply("show 1", user="U0METTE")
    assert "Teams-only brief" not in slack.command_reply("list", user="U0METTE")

    # Volunteering on Teams' #1 touches Teams' request only.
    assert "You're on #1 **Teams-only brief**" in teams.command("volunteer 1", user=ANNA)
    teams.settle()
    slack.settle()
    assert teams.request(1).title == "Teams-only brief"
    assert "0/1" in slack.command_reply("list", user="U0METTE")

    # Each sender delivered its own platform's messages, and none failed for want of a transport.
    with teams.session() as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert rows and all(m.sent_at is not None and m.failed_at is None for m in rows)
    assert not any("Teams-only" in str(call.params) for call in slack.fake.calls)
    assert not any("Slack-only" in str(message.activity) for message in teams.fake.all_messages())
