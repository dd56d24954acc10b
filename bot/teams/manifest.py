"""The Teams app package (``cobot teams-manifest``): manifest.json and the two icons, zipped, from app.yaml's
``teams:`` settings and the bot's app id.

Upload the zip in Teams (Apps → Manage your apps → Upload an app) or in the Teams admin center. The bot works in
1:1 chats, group chats and team channels; the command menus list the shared ``/cocreate`` grammar (typed without
the ``/cocreate`` in Teams). The resource-specific permission ``ChannelMessage.Read.Group`` lets Teams deliver the
replies in a request card's thread without an @mention, so a link posted there can become a draft.

The icons are drawn here (a ring on the accent colour, and its white outline), written as PNG with the standard
library alone, so the package needs no image files or imaging library.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

from bot.runtime.config import TeamsSettings

MANIFEST_VERSION = "1.17"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
COLOR_SIZE = 192
OUTLINE_SIZE = 32

# (command, description) as typed in Teams; Teams shows at most ten per scope.
PERSONAL_COMMANDS = (
    ("help", "What Cobot can do"),
    ("list", "Open requests, soonest deadline first"),
    ("mine", "The requests you own and the ones you help with"),
    ("show", "One request's card: show <id>"),
    ("volunteer", "Take a place: volunteer <id> [part]"),
    ("submit", "Hand in a draft: submit <id> <link or text>"),
    ("withdraw", "Step back: withdraw <id>"),
    ("extend", "Ask for more time: extend <id> YYYY-MM-DD"),
    ("digest", "Preview this week's digest"),
    ("reminders", "Reminder messages: reminders off|on"),
)
CHANNEL_COMMANDS = (
    ("help", "What Cobot can do"),
    ("new", "Post a request here: new <title> due:YYYY-MM-DD"),
    ("list", "Open requests, soonest deadline first"),
    ("show", "One request's card: show <id>"),
    ("volunteer", "Take a place: volunteer <id> [part]"),
    ("submit", "Hand in a draft: submit <id> <link or text>"),
    ("approve", "Approve a draft: approve <id> @person"),
    ("changes", "Ask for changes: changes <id> @person <feedback>"),
    ("slots", "The publishing calendar"),
    ("published", "Mark it published: published <id> <url>"),
)


def build_manifest(teams: TeamsSettings, *, app_id: str) -> dict[str, Any]:
    def commands(items: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        return [{"title": title, "description": description} for title, description in items]

    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": teams.version,
        "id": app_id,
        "developer": {
            "name": teams.developer_name,
            "websiteUrl": teams.website_url,
            "privacyUrl": teams.privacy_url,
            "termsOfUseUrl": teams.terms_url,
        },
        "name": {"short": teams.app_name, "full": f"{teams.app_name}: co-create content with your colleagues"[:100]},
        "description": {"short": teams.short_description, "full": teams.full_description},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": teams.accent_color,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": commands(PERSONAL_COMMANDS)},
                    {"scopes": ["team", "groupChat"], "commands": commands(CHANNEL_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [teams.public_host] if teams.public_host else [],
        "webApplicationInfo": {"id": app_id, "resource": "https://RscBasedStoreApp"},
        "authorization": {
            "permissions": {"resourceSpecific": [{"name": "ChannelMessage.Read.Group", "type": "Application"}]}
        },
    }


def write_package(path: Path, teams: TeamsSettings, *, app_id: str) -> Path:
    """Writes the zip Teams takes: manifest.json and the icons at the top level (no folder inside)."""
    manifest = build_manifest(teams, app_id=app_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        package.writestr(COLOR_ICON, color_icon(teams.accent_color))
        package.writestr(OUTLINE_ICON, outline_icon())
    return path


# --- icons -------------------------------------------------------------------------------------------------


def color_icon(accent: str) -> bytes:
    """192×192, opaque: a white ring open to the right (a "C") on the accent colour."""
    background = tuple(int(accent[i : i + 2], 16) for i in (1, 3, 5))
    white = (255, 255, 255)
    rows = []
    for y in range(COLOR_SIZE):
        row = []
        for x in range(COLOR_SIZE):
            row.append(white if _on_ring(x, y, COLOR_SIZE) else background)
        rows.append(b"".join(bytes((*pixel, 255)) for pixel in row))
    return png(COLOR_SIZE, COLOR_SIZE, rows)


def outline_icon() -> bytes:
    """32×32: the same ring in white on a transparent background, as Teams requires of outline icons."""
    rows = [
        b"".join(bytes((255, 255, 255, 255)) if _on_ring(x, y, OUTLINE_SIZE) else bytes(4) for x in range(OUTLINE_SIZE))
        for y in range(OUTLINE_SIZE)
    ]
    return png(OUTLINE_SIZE, OUTLINE_SIZE, rows)


def _on_ring(x: int, y: int, size: int) -> bool:
    centre = (size - 1) / 2
    dx, dy = x - centre, y - centre
    radius = math.hypot(dx, dy)
    outer, inner = size * 0.36, size * 0.24
    opening = abs(math.degrees(math.atan2(dy, dx))) < 40  # the gap on the right that makes the ring a "C"
    return inner <= radius <= outer and not opening


def png(width: int, height: int, rows: list[bytes]) -> bytes:
    """A PNG of 8-bit RGBA rows (no filtering), with the standard library's zlib and crc32."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    out = io.BytesIO()
    out.write(b"\x89PNG\r\n\x1a\n")
    out.write(chunk(b"IHDR", header))
    out.write(chunk(b"IDAT", zlib.compress(raw, 9)))
    out.write(chunk(b"IEND", b""))
    return out.getvalue()
