"""Every Slack Web API method Cobot's code calls is covered by a bot scope the manifest asks for, and the manifest
asks for no scope that nothing needs. A missing scope shows up only in production, as ``missing_scope`` on the
first call of that kind (a report never uploaded, a channel never joined); this test finds it before Slack does.

The methods are found by reading the source with ``ast``: calls of a ``WebClient`` method on any object
(``client.chat_postMessage(...)``), Cobot's transport wrapper ``_api("chat_postMessage", ...)``, and
``api_call("chat.postMessage", ...)``. Each is looked up in ``REQUIRED_SCOPES``, taken from the method's page at
https://api.slack.com/methods (the bot-token scopes); a method missing from the table fails the test by name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from slack_sdk import WebClient

import bot
from bot.slack.manifest import EVENT_SUBSCRIPTIONS, PROFILE_FIELD_SCOPES, build_manifest, registered

SOURCE = Path(bot.__file__).parent
# Methods Cobot calls only when app.yaml's profiles.department_field is set, and only from this module; their scope
# is in the manifest only then (``build_manifest(profile_fields=True)``).
PROFILE_FIELD_METHODS = frozenset({"team.profile.get", "users.profile.get"})
PROFILE_FIELD_MODULE = "bot/slack/profiles.py"

# Slack method → the bot scopes it needs (empty: none). From the "Required scopes" of each method's documentation.
REQUIRED_SCOPES: dict[str, frozenset[str]] = {
    "auth.test": frozenset(),
    "chat.delete": frozenset({"chat:write"}),
    "chat.getPermalink": frozenset(),
    "chat.postEphemeral": frozenset({"chat:write"}),
    "chat.postMessage": frozenset({"chat:write"}),
    "chat.scheduleMessage": frozenset({"chat:write"}),
    "chat.update": frozenset({"chat:write"}),
    "conversations.history": frozenset({"channels:history"}),
    "conversations.info": frozenset({"channels:read"}),
    "conversations.join": frozenset({"channels:join"}),
    "conversations.members": frozenset({"channels:read"}),
    "conversations.open": frozenset({"im:write"}),  # a DM with one person; a group DM would need mpim:write
    "conversations.replies": frozenset({"channels:history"}),
    "files.info": frozenset({"files:read"}),
    # files_upload_v2 is slack_sdk's helper over files.getUploadURLExternal and files.completeUploadExternal.
    "files.completeUploadExternal": frozenset({"files:write"}),
    "files.getUploadURLExternal": frozenset({"files:write"}),
    "files.upload.v2": frozenset({"files:write"}),
    "reactions.add": frozenset({"reactions:write"}),
    "reactions.get": frozenset({"reactions:read"}),
    "reactions.remove": frozenset({"reactions:write"}),
    "team.info": frozenset({"team:read"}),
    "team.profile.get": frozenset({"users.profile:read"}),
    "users.info": frozenset({"users:read"}),
    "users.lookupByEmail": frozenset({"users:read.email"}),
    "users.profile.get": frozenset({"users.profile:read"}),
    "views.open": frozenset(),
    "views.publish": frozenset(),
    "views.push": frozenset(),
    "views.update": frozenset(),
}
WRAPPERS = frozenset({"_api", "api_call"})  # called with the method's name as their first argument


@dataclass(frozen=True)
class Use:
    method: str  # Slack's name, "chat.postMessage"
    where: str  # "bot/slack/transport.py:155"


def slack_name(name: str) -> str:
    """``chat_postMessage`` (a WebClient method) → ``chat.postMessage``; dotted names stay as they are."""
    return name.replace("_", ".")


def is_web_api_method(attribute: str) -> bool:
    return "_" in attribute and not attribute.startswith("_") and callable(getattr(WebClient, attribute, None))


def web_api_uses(root: Path = SOURCE) -> Iterator[Use]:
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(root.parent)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in WRAPPERS:
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield Use(slack_name(first.value), f"{where}:{node.lineno}")
            elif isinstance(func, ast.Attribute) and is_web_api_method(name):
                yield Use(slack_name(name), f"{where}:{node.lineno}")


def manifest_scopes(*, profile_fields: bool = True) -> set[str]:
    manifest = build_manifest(request_url=None, socket_mode=True, profile_fields=profile_fields)
    return set(manifest["oauth_config"]["scopes"]["bot"])


def test_the_profile_field_methods_are_called_only_where_the_setting_switches_them_on() -> None:
    uses = [use for use in web_api_uses() if use.method in PROFILE_FIELD_METHODS]
    assert {use.method for use in uses} == PROFILE_FIELD_METHODS
    assert {use.where.rsplit(":", 1)[0] for use in uses} == {PROFILE_FIELD_MODULE}


def test_users_profile_read_is_asked_for_only_with_a_department_field() -> None:
    assert "users.profile:read" not in manifest_scopes(profile_fields=False)
    assert manifest_scopes(profile_fields=True) - manifest_scopes(profile_fields=False) == set(PROFILE_FIELD_SCOPES)
    # Without the setting, every method called outside the profile-field module is still covered.
    granted = manifest_scopes(profile_fields=False)
    other = [use for use in web_api_uses() if use.method not in PROFILE_FIELD_METHODS]
    assert [use for use in other if not REQUIRED_SCOPES[use.method] <= granted] == []


def test_the_source_walk_finds_the_calls_cobot_is_known_to_make() -> None:
    found = {use.method for use in web_api_uses()}
    # One of each way of calling: the transport's wrapper, a listener's client, the report upload.
    assert {"chat.postMessage", "users.info", "conversations.join", "views.open", "files.upload.v2"} <= found


def test_every_web_api_method_cobot_calls_is_covered_by_a_manifest_scope() -> None:
    uses = list(web_api_uses())
    unknown = sorted({f"{use.method} ({use.where})" for use in uses if use.method not in REQUIRED_SCOPES})
    assert unknown == [], f"add these methods and their scopes (api.slack.com/methods) to REQUIRED_SCOPES: {unknown}"
    granted = manifest_scopes()
    missing = sorted(
        f"{use.method} needs {sorted(REQUIRED_SCOPES[use.method] - granted)} ({use.where})"
        for use in uses
        if not REQUIRED_SCOPES[use.method] <= granted
    )
    assert missing == [], missing


def test_the_manifest_asks_for_no_scope_that_nothing_needs() -> None:
    needed = {scope for use in web_api_uses() for scope in REQUIRED_SCOPES.get(use.method, frozenset())}
    found = registered()
    for event in found.events:
        needed.update(EVENT_SUBSCRIPTIONS[event][1])
    if found.commands:
        needed.add("commands")
    if "users.info" in {use.method for use in web_api_uses()}:
        # users.info returns the profile's e-mail only with this scope; content plans may name owners by e-mail.
        needed.add("users:read.email")
    assert sorted(manifest_scopes() - needed) == []
