"""The generated Slack manifest passes Slack's published manifest JSON schema (slackapi/manifest-schema, vendored in
tests/schemas with its source) and keeps within the field limits Slack's app manifest reference documents
(https://docs.slack.dev/reference/app-manifest, the "Manifest settings" table): Slack refuses a manifest that
breaks either."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot.slack.manifest import build_manifest

URL = "https://cobot.example.org/slack/events"
SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "slack-manifest.schema.1.0.0.json"

# (where, the longest Slack accepts), from the reference's table
LIMITS = {
    "display_information.name": 35,
    "display_information.description": 140,
    "display_information.long_description": 4000,
    "features.bot_user.display_name": 80,
    "features.shortcuts[].name": 24,
    "features.shortcuts[].callback_id": 255,
    "features.shortcuts[].description": 150,
    "features.slash_commands[].command": 32,
    "features.slash_commands[].description": 2000,
    "features.slash_commands[].usage_hint": 1000,
}


def values_at(node: Any, path: list[str]) -> list[Any]:
    if not path:
        return [node]
    head, *rest = path
    if head.endswith("[]"):
        items = (node or {}).get(head[:-2]) or []
        return [value for item in items for value in values_at(item, rest)]
    if not isinstance(node, dict) or head not in node:
        return []
    return values_at(node[head], rest)


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket"])
def test_every_field_is_within_slacks_limits(socket_mode: bool) -> None:
    manifest = build_manifest(request_url=None if socket_mode else URL, socket_mode=socket_mode)
    too_long = [
        f"{where}: {value!r} ({len(value)} > {limit})"
        for where, limit in LIMITS.items()
        for value in values_at(manifest, where.split("."))
        if isinstance(value, str) and len(value) > limit
    ]
    assert too_long == []
    assert values_at(manifest, ["features", "shortcuts[]", "name"])  # the shortcut is there, and was checked


@pytest.mark.parametrize("socket_mode", [False, True], ids=["http", "socket"])
def test_the_manifest_passes_slacks_published_schema(socket_mode: bool) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    manifest = build_manifest(request_url=None if socket_mode else URL, socket_mode=socket_mode)
    errors = [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in jsonschema.Draft7Validator(schema).iter_errors(manifest)
    ]
    assert errors == []


def test_the_schema_refuses_what_slack_refuses() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    manifest = build_manifest(request_url=URL, socket_mode=False)
    manifest["features"]["shortcuts"][0]["name"] = "Make a content request from this"  # 32 characters
    assert list(jsonschema.Draft7Validator(schema).iter_errors(manifest))
