"""The Slack app manifest, derived from what the listeners register, so creating the app is one paste and the
manifest can never drift from the code.

``register_all`` is run against a recorder with the shape of Bolt's registration methods; every command, event
and interaction it registers ends up in the manifest, with the scopes each needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import yaml
from slack_bolt import App

from bot.runtime.config import OAUTH_REDIRECT_PATH
from bot.slack.listeners import register_all

EVENTS_PATH = "/slack/events"  # where bot.slack.app serves Slack's requests (it imports this module, not back)
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
    # A profile edited: a known person's department is read again (bot/slack/listeners/profiles.py).
    "user_change": (["user_change"], ["users:read"]),
    # Sent only to organisation-ready (Enterprise Grid) apps: a workspace of the organisation taken away or given.
    "team_access_granted": ([], []),
    "team_access_revoked": ([], []),
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
# Custom profile fields (team.profile.get, users.profile.get), asked for only when app.yaml's
# profiles.department_field names one: without it Cobot never calls those methods.
PROFILE_FIELD_SCOPES = ["users.profile:read"]
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


def bot_scopes() -> list[str]:
    """The bot scopes Cobot needs, as the manifest lists them (and the OAuth install asks for them)."""
    found = registered()
    scopes = {"commands", *TRANSPORT_SCOPES}
    for event in found.events:
        scopes.update(EVENT_SUBSCRIPTIONS.get(event, ([], []))[1])
    return sorted(scopes)


def redirect_url(request_url: str) -> str:
    """Where Slack sends an installer back (``/slack/oauth_redirect``), next to ``/slack/events`` on the same host
    (and under the same path prefix, behind a proxy that adds one)."""
    if request_url.endswith(EVENTS_PATH):
        return request_url[: -len(EVENTS_PATH)] + OAUTH_REDIRECT_PATH
    parts = urlsplit(request_url)
    return f"{parts.scheme}://{parts.netloc}{OAUTH_REDIRECT_PATH}"


def build_manifest(
    *,
    request_url: str | None,
    socket_mode: bool,
    name: str = "Cobot",
    oauth: bool = False,
    profile_fields: bool = False,
) -> dict[str, Any]:
    """The manifest; ``oauth``: for installs through OAuth (README, "Installing through OAuth"), with the redirect
    URL, token rotation and org-wide installs on Enterprise Grid. Socket Mode runs with one bot token only.
    ``profile_fields``: app.yaml's ``profiles.department_field`` is set, so departments come from a custom
    profile field and the app needs ``users.profile:read``."""
    if oauth and (socket_mode or not request_url):
        raise ValueError("installs through OAuth need HTTP mode and the request URL of /slack/events")
    found = registered()
    unknown = sorted(set(found.events) - set(EVENT_SUBSCRIPTIONS))
    if unknown:
        raise ValueError(f"no manifest entry for events {unknown}; add them to EVENT_SUBSCRIPTIONS")
    bot_events = sorted({sub for e in found.events for sub in EVENT_SUBSCRIPTIONS[e][0]})
    scopes = {"commands", *TRANSPORT_SCOPES, *(PROFILE_FIELD_SCOPES if profile_fields else ())}
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
        "oauth_config": (
            {"redirect_urls": [redirect_url(str(request_url))], "scopes": {"bot": sorted(scopes)}}
            if oauth
            else {"scopes": {"bot": sorted(scopes)}}
        ),
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": oauth,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": oauth,
        },
    }


def manifest_yaml(
    *, request_url: str | None, socket_mode: bool, oauth: bool = False, profile_fields: bool = False
) -> str:
    header = "# Slack app manifest generated by `cobot manifest` from the listeners Cobot registers.\n"
    if oauth:
        header += (
            "# For installs through OAuth: after creating the app, set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and\n"
            "# SLACK_SIGNING_SECRET (no SLACK_BOT_TOKEN), start `cobot serve`, and open /slack/install.\n"
        )
    body = yaml.safe_dump(
        build_manifest(request_url=request_url, socket_mode=socket_mode, oauth=oauth, profile_fields=profile_fields),
        sort_keys=False,
        allow_unicode=True,
    )
    return header + body
