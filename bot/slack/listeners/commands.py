"""The ``/cocreate`` slash command. The reply travels in the acknowledgement itself (an ephemeral message), so
the person sees it at once and nothing else has to wait for Slack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.blocks import reply_message
from bot.slack.listeners.common import act
from handlers.commands import parse_command, run_command


def register(app: App) -> None:
    app.command(ids.COMMAND)(cocreate)


def cocreate(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    """Runs a ``/cocreate`` command and answers the person who typed it."""
    command_text = str(body.get("text") or "")
    reply = act(
        context,
        lambda ctx: run_command(ctx, parse_command(command_text, today=ctx.today())),
        display_name=str(body.get("user_name") or ""),
    )
    text, blocks = reply_message(reply)
    ack(text=text, blocks=blocks, response_type="ephemeral")
