"""``cobot doctor`` against the fake Slack Web API: every check named with ``ok`` or what to fix, exit status 1
when anything needs fixing, and nothing changed (no migration runs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_support import environment, run_cobot

from fake_slack import FakeSlack
from harness import BOT_TOKEN, SIGNING_SECRET
from storage.db import make_engine
from storage.migrate import upgrade_to_head


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN) as server:
        server.add_channel("C0DIGEST", name="co-creation")
        yield server


def doctor(tmp_path: Path, fake: FakeSlack, *, channel: str = "C0DIGEST", **env: str) -> tuple[int, dict[str, str]]:
    (tmp_path / "app.yaml").write_text(f"digest:\n  channel: {channel}\n", encoding="utf-8")
    settings = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url}
    result = run_cobot(tmp_path, environment(tmp_path, **{**settings, **env}), "doctor")
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.strip().splitlines()
    found = {}
    for line in lines[:-1]:
        verdict, rest = line.split(None, 1)
        check, detail = rest.split(": ", 1)
        found[check] = f"{verdict} {detail}"
    return result.returncode, found


def migrated(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/cobot.db")
    upgrade_to_head(engine)
    engine.dispose()


def test_a_healthy_deployment_passes_every_check(tmp_path: Path, fake: FakeSlack) -> None:
    migrated(tmp_path)
    status, found = doctor(tmp_path, fake)
    assert status == 0, found
    assert list(found) == ["configuration", "database", "slack token", "slack scopes", "digest channel"]
    assert all(detail.startswith("ok ") for detail in found.values()), found
    assert "#co-creation (C0DIGEST) exists and Cobot is in it" in found["digest channel"]


def test_a_database_never_migrated_is_named_with_the_fix_and_left_alone(tmp_path: Path, fake: FakeSlack) -> None:
    status, found = doctor(tmp_path, fake)
    assert status == 1
    assert found["database"].startswith("FIX ") and "cobot migrate" in found["database"]
    engine = make_engine(f"sqlite:///{tmp_path}/cobot.db")
    with engine.connect() as connection:
        assert not engine.dialect.has_table(connection, "alembic_version")  # the doctor migrated nothing
    engine.dispose()


def test_missing_scopes_are_listed_with_how_to_grant_them(tmp_path: Path, fake: FakeSlack) -> None:
    migrated(tmp_path)
    fake.granted_scopes = ["commands", "chat:write", "users:read"]  # installed from an old manifest
    status, found = doctor(tmp_path, fake)
    assert status == 1
    scopes = found["slack scopes"]
    assert scopes.startswith("FIX the token lacks ")
    assert "channels:join" in scopes and "channels:read" in scopes and "reinstall" in scopes
    assert "chat:write" not in scopes.split(":", 1)[0]
    assert found["digest channel"].startswith("FIX ") and "channels:read" in found["digest channel"]


def test_a_digest_channel_slack_does_not_know(tmp_path: Path, fake: FakeSlack) -> None:
    migrated(tmp_path)
    status, found = doctor(tmp_path, fake, channel="C0GONE")
    assert status == 1
    assert found["digest channel"].startswith("FIX C0GONE does not exist or is private")


def test_a_wrong_token_stops_at_the_token(tmp_path: Path, fake: FakeSlack) -> None:
    migrated(tmp_path)
    status, found = doctor(tmp_path, fake, SLACK_BOT_TOKEN="xoxb-1111-wrong")
    assert status == 1
    assert found["slack token"].startswith("FIX SLACK_BOT_TOKEN: Slack does not accept it (invalid_auth)")
    assert "slack scopes" not in found
