"""Slack telling Cobot it lost a workspace: ``app_uninstalled``, and ``tokens_revoked`` naming the bot's token.
Sending to that workspace stops at once (``Cobot.workspace_lost``); a token revoked for a person only (an
``oauth`` entry without a ``bot`` one) changes nothing, since Cobot posts with its bot token.

An app installed on a whole Enterprise Grid organisation hears ``team_access_revoked`` when an admin takes one or
more of the organisation's workspaces away from it, and ``team_access_granted`` when one is given (back): each
workspace named stops, or resumes, as if Cobot had been uninstalled from it or installed again.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.listeners.common import PLATFORM, cobot_of, workspace_of


def register(app: App) -> None:
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
    app.event("team_access_revoked")(team_access_revoked)
    app.event("team_access_granted")(team_access_granted)


def app_uninstalled(context: BoltContext) -> None:
    cobot_of(context).workspace_lost(platform=PLATFORM, workspace=workspace_of(context), reason="app_uninstalled")


def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and tokens.get("bot"):
        cobot_of(context).workspace_lost(platform=PLATFORM, workspace=workspace_of(context), reason="tokens_revoked")


def team_access_revoked(event: dict[str, Any], context: BoltContext) -> None:
    cobot = cobot_of(context)
    for team in _team_ids(event):
        cobot.workspace_lost(platform=PLATFORM, workspace=team, reason="team_access_revoked")


def team_access_granted(event: dict[str, Any], context: BoltContext) -> None:
    cobot = cobot_of(context)
    for team in _team_ids(event):
        cobot.workspace_back(platform=PLATFORM, workspace=team)


def _team_ids(event: dict[str, Any]) -> list[str]:
    teams = event.get("team_ids")
    return [team for team in teams if isinstance(team, str) and team] if isinstance(teams, list) else []
