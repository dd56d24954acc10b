"""Slack telling Cobot it lost a workspace: ``app_uninstalled``, and ``tokens_revoked`` naming the bot's token.
Sending to that workspace stops at once (``Cobot.workspace_lost``); a token revoked for a person only (an
``oauth`` entry without a ``bot`` one) changes nothing, since Cobot posts with its bot token.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.listeners.common import PLATFORM, cobot_of, workspace_of


def register(app: App) -> None:
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)


def app_uninstalled(context: BoltContext) -> None:
    cobot_of(context).workspace_lost(platform=PLATFORM, workspace=workspace_of(context), reason="app_uninstalled")


def tokens_revoked(event: dict[str, Any], context: BoltContext) -> None:
    tokens = event.get("tokens")
    if isinstance(tokens, dict) and tokens.get("bot"):
        cobot_of(context).workspace_lost(platform=PLATFORM, workspace=workspace_of(context), reason="tokens_revoked")
