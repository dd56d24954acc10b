"""``cobot teams-manifest``: the Teams app package, read back from the zip the command writes."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from bot.entrypoints.cli import main
from shared_files import shared
from teams_harness import APP_ID

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and RGBA rows of a PNG as the manifest's icons are written (8-bit RGBA, no filter)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks[kind] = chunks.get(kind, b"") + body
        position += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 6), "8-bit RGBA"
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + width * 4
    rows = [raw[i * stride + 1 : (i + 1) * stride] for i in range(height)]
    assert all(raw[i * stride] == 0 for i in range(height))
    return width, height, rows


def pixels(rows: list[bytes]) -> list[tuple[int, int, int, int]]:
    return [tuple(row[i : i + 4]) for row in rows for i in range(0, len(row), 4)]  # type: ignore[misc]


def test_teams_manifest_writes_a_package_teams_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("teams:\n  public_host: cobot.example.com\n  app_name: Cobot\n  accent_color: '#336699'\n")
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    out = tmp_path / "package" / "cobot-teams.zip"

    assert main(["--config", str(config), "teams-manifest", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out

    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color = read_png(package.read("color.png"))
        outline = read_png(package.read("outline.png"))

    assert manifest["manifestVersion"] == "1.17"
    assert manifest["$schema"].endswith("/v1.17/MicrosoftTeams.schema.json")
    assert GUID.match(manifest["id"]) and manifest["id"] == APP_ID
    assert re.match(r"^\d+\.\d+\.\d+$", manifest["version"])
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80 and len(manifest["description"]["full"]) <= 4000
    assert all(
        manifest["developer"][key].startswith("https://") for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl")
    )
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["accentColor"] == "#336699"
    assert manifest["validDomains"] == ["cobot.example.com"]

    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    listed = {tuple(entry["scopes"]): [c["title"] for c in entry["commands"]] for entry in bot["commandLists"]}
    assert set(listed) == {("personal",), ("team", "groupChat")}
    for entry in bot["commandLists"]:
        assert 1 <= len(entry["commands"]) <= 10
        for command in entry["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    assert {"help", "volunteer", "submit"} <= set(listed[("personal",)])
    assert {"help", "new", "volunteer", "approve"} <= set(listed[("team", "groupChat")])
    resource_specific = manifest["authorization"]["permissions"]["resourceSpecific"]
    assert {"name": "ChannelMessage.Read.Group", "type": "Application"} in resource_specific
    assert manifest["webApplicationInfo"]["id"] == APP_ID

    width, height, rows = color
    assert (width, height) == (192, 192)
    assert all(alpha == 255 for *_, alpha in pixels(rows)), "the colour icon is opaque"
    assert (0x33, 0x66, 0x99, 255) in pixels(rows) and (255, 255, 255, 255) in pixels(rows)
    width, height, rows = outline
    assert (width, height) == (32, 32)
    shown = [p for p in pixels(rows) if p[3]]
    assert shown and len(shown) < 32 * 32, "the outline icon is white on transparent"
    assert all(p == (255, 255, 255, 255) for p in shown)


def test_teams_manifest_needs_the_bots_app_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["teams-manifest"]) == 2
    assert "TEAMS_APP_ID" in capsys.readouterr().err
    assert main(["teams-manifest", "--app-id", "cobot"]) == 2
    assert "is not a GUID" in capsys.readouterr().err
    assert not (tmp_path / "cobot-teams.zip").exists()


TEAMS_SCHEMA = shared("teams_schemas", "MicrosoftTeams.v1.17.schema.json")


def test_the_teams_manifest_passes_microsofts_published_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not TEAMS_SCHEMA.exists():
        pytest.skip(f"Microsoft's Teams manifest schema is not at {TEAMS_SCHEMA}")
    import jsonschema

    config = tmp_path / "app.yaml"
    config.write_text("teams:\n  public_host: cobot.example.com\n  app_name: Cobot\n")
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    out = tmp_path / "cobot-teams.zip"
    assert main(["--config", str(config), "teams-manifest", "--out", str(out)]) == 0
    with zipfile.ZipFile(out) as package:
        manifest = json.loads(package.read("manifest.json"))
    schema = json.loads(TEAMS_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(manifest)]
    assert errors == []
