"""The Slack app manifest, derived from what the listeners register, so creating the app is one paste and the
manifest can never drift from the code.

``register_all`` is run against a recorder with the shape of Bolt's registration methods; every command, event
and interaction it registers ends up in the manifest, with the scopes each needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import yaml
from slack_bolt import App

from bot.slack.listeners import register_all

# Bolt event name → the Events API subscriptions and scopes it needs.
EVENT_SUBSCRIPTIONS: dict[str, tuple[list[str], list[str]]] = {
    "reaction_added": (["reaction_added"], ["reactions:read"]),
    "reaction_removed": (["reaction_removed"], ["reactions:read"]),
    # Replies in cards' threads, and content plans shared with Cobot in its DM (bot/slack/listeners/files.py).
    "message": (
        ["message.channels", "message.groups", "message.im"],
        ["channels:history", "groups:history", "im:history"],
    ),
    "app_home_opened": (["app_home_opened"], []),
    # Cobot stops sending to a workspace it was removed from (bot/slack/listeners/lifecycle.py).
    "app_uninstalled": (["app_uninstalled"], []),
    "tokens_revoked": (["tokens_revoked"], []),
}
# Scopes for the Web API methods the transport calls: post and update cards and DMs, join public channels to
# post a card there, read a member's name, time zone and locale (and e-mail, which content plans may name owners
# by); for `/cocreate report`: open the DM with the person and upload the workbook there; and to download a content
# plan an admin shares with Cobot (files.info, url_private_download).
TRANSPORT_SCOPES = [
    "chat:write",
    "channels:join",
    "users:read",
    "users:read.email",
    "im:write",
    "files:write",
    "files:read",
    "channels:read",  # conversations.info: `cobot doctor` checks that the digest channel exists and Cobot is in it
]
COMMAND_DESCRIPTIONS = {"/cocreate": "Co-create content with your colleagues"}
# Message shortcuts Cobot registers: callback id → (name shown in Slack's "More actions" menu, description).
SHORTCUTS = {
    "cocreate_request_from_message": (
        "Make a content request",  # Slack allows 24 characters here
        "Turn a good conversation into a content request",
    )
}
COMMAND_HINTS = {"/cocreate": "help | new <title> due:YYYY-MM-DD | list | volunteer <id> | submit <id> <link>"}


@dataclass
class _Recorder:
    commands: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)
    shortcuts: list[str] = field(default_factory=list)

    def _record(self, bucket: list[str], name: Any) -> Callable[..., Any]:
        bucket.append(name if isinstance(name, str) else str(name))
        return lambda *args, **kwargs: None

    def command(self, name: str, matchers: Any = None) -> Callable[..., Any]:
        if name in self.commands:  # one command may have several listeners (matchers pick one)
            return lambda *args, **kwargs: None
        return self._record(self.commands, name)

    def event(self, name: str, matchers: Any = None) -> Callable[..., Any]:
        if name in self.events:  # one event may have several listeners (matchers pick one)
            return lambda *args, **kwargs: None
        return self._record(self.events, name)

    def action(self, name: str) -> Callable[..., Any]:
        return self._record(self.actions, name)

    def view(self, name: str) -> Callable[..., Any]:
        return self._record(self.views, name)

    def shortcut(self, name: str) -> Callable[..., Any]:
        return self._record(self.shortcuts, name)


def registered() -> _Recorder:
    recorder = _Recorder()
    register_all(cast(App, recorder))
    return recorder


def build_manifest(*, request_url: str | None, socket_mode: bool, name: str = "Cobot") -> dict[str, Any]:
    found = registered()
    unknown = sorted(set(found.events) - set(EVENT_SUBSCRIPTIONS))
    if unknown:
        raise ValueError(f"no manifest entry for events {unknown}; add them to EVENT_SUBSCRIPTIONS")
    bot_events = sorted({sub for e in found.events for sub in EVENT_SUBSCRIPTIONS[e][0]})
    scopes = {"commands", *TRANSPORT_SCOPES}
    for event in found.events:
        scopes.update(EVENT_SUBSCRIPTIONS[event][1])
    if not socket_mode and not request_url:
        raise ValueError("an HTTP-mode manifest needs the request URL of /slack/events")
    url = None if socket_mode else request_url
    commands = []
    for command in found.commands:
        entry: dict[str, Any] = {
            "command": command,
            "description": COMMAND_DESCRIPTIONS.get(command, command),
            "usage_hint": COMMAND_HINTS.get(command, ""),
            "should_escape": True,  # mentions arrive as <@U…> so `approve 12 @mette` names a user id
        }
        if url:
            entry["url"] = url
        commands.append(entry)
    interactivity: dict[str, Any] = {"is_enabled": True}
    events: dict[str, Any] = {"bot_events": bot_events}
    if url:
        interactivity["request_url"] = url
        events["request_url"] = url
    return {
        "display_information": {
            "name": name,
            "description": "Recruits colleagues as co-creators of content.",
            "background_color": "#2c2d30",
        },
        "features": {
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
            "shortcuts": [
                {
                    "name": SHORTCUTS[callback][0],
                    "type": "message",
                    "callback_id": callback,
                    "description": SHORTCUTS[callback][1],
                }
                for callback in found.shortcuts
            ],
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
        },
        "oauth_config": {"scopes": {"bot": sorted(scopes)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(*, request_url: str | None, socket_mode: bool) -> str:
    header = "# Slack app manifest generated by `cobot manifest` from the listeners Cobot registers.\n"
    body = yaml.safe_dump(
        build_manifest(request_url=request_url, socket_mode=socket_mode), sort_keys=False, allow_unicode=True
    )
    return header + body
