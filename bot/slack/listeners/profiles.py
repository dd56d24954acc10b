"""``user_change``: someone edited their Slack profile (or an admin or directory sync did). For a person Cobot
knows, the department and title are read again as app.yaml's ``profiles:`` says (``bot.slack.profiles``), so
reports count them where they work now; people Cobot never met are not stored."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.listeners.common import PLATFORM, cobot_of, profiles_of, workspace_of
from handlers.departments import PROFILE


def register(app: App) -> None:
    app.event("user_change")(user_changed)


def user_changed(event: dict[str, Any], context: BoltContext) -> None:
    user = event.get("user")
    profiles = profiles_of(context)
    if not isinstance(user, dict) or not profiles.enabled or user.get("is_bot") or context.client is None:
        return
    cobot = cobot_of(context)
    who = {"platform": PLATFORM, "workspace": workspace_of(context), "user_id": str(user.get("id"))}
    if not cobot.knows_member(**who):
        return
    # Slack is asked between the two transactions, so a slow answer holds no database lock.
    found = profiles.read(context.client, user)
    cobot.profile_changed(**who, department=found.department, title=found.title, source=PROFILE)
