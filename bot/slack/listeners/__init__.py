"""Bolt listeners grouped by Slack surface; each module's ``register(app)`` wires ids to plain callbacks."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, commands, events, views


def register_all(app: App) -> None:
    commands.register(app)
    actions.register(app)
    events.register(app)
    views.register(app)
