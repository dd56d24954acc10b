"""Bolt listeners grouped by Slack surface; each module's ``register(app)`` wires ids to plain callbacks."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import ids
from bot.slack.listeners import (
    actions,
    commands,
    events,
    files,
    forms,
    guests,
    lifecycle,
    profiles,
    results,
    signoff,
    views,
)
from bot.slack.listeners.common import reported


def register_all(app: App) -> None:
    commands.register(app)
    actions.register(app)
    guests.register(app)
    results.register(app)
    files.register(app)  # before events: a plan shared in a DM is not a thread reply
    events.register(app)
    lifecycle.register(app)
    profiles.register(app)  # user_change: departments from edited profiles
    views.register(app)
    signoff.register(app)
    # The message shortcut and the new-request form (the form's openers live in forms.py too).
    app.shortcut(ids.FROM_MESSAGE_SHORTCUT)(ack=forms.acknowledge, lazy=[reported(forms.open_form_from_message)])
    app.view(ids.NEW_REQUEST_VIEW)(forms.form_submitted)
