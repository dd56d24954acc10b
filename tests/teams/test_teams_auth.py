"""Authentication of incoming activities (the Bot Framework JWT), against keys the test makes and serves.

The fake identity plays login.botframework.com on loopback: OpenID metadata naming a JWKS with the test's RSA
key. Cobot is configured with ``TEAMS_OPENID_METADATA_URL`` pointing there, so the production code path runs
unchanged: the metadata and keys are fetched over HTTP, the token's signature, issuer, audience, lifetime, key
endorsement and ``serviceurl`` claim are checked, and only then does the SDK see the activity. A refused
activity is answered 401 and changes nothing: no row, no message.

The last tests run the real ``cobot teams`` process: the unauthenticated development mode says so loudly at
start, and the authenticated mode refuses to start without its secret.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from teams_harness import APP_ID, CHANNEL, OWNER, TeamsScenario

COBOT = Path(sys.executable).parent / "cobot"


def row_counts(teams: TeamsScenario) -> dict[str, int]:
    with teams.engine.connect() as connection:
        return {
            name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()
        }


def new_request_activity(teams: TeamsScenario) -> dict[str, Any]:
    activity = teams._envelope(
        user=OWNER,
        conversation=f"{CHANNEL};messageid=1",
        kind="message",
        text="<at>Cobot</at> new Sneaky due:2026-12-10",
        entities=[{"type": "mention", "text": "<at>Cobot</at>", "mentioned": {"id": f"28:{APP_ID}", "name": "Cobot"}}],
    )
    return activity


def test_a_valid_token_is_accepted_with_keys_from_the_configured_metadata(
    make_teams: Callable[..., TeamsScenario],
) -> None:
    teams = make_teams(authenticated=True)
    assert teams.identity is not None
    assert teams.install_in_team().status == 202
    assert teams.post(new_request_activity(teams)).status == 202
    teams.settle()
    assert teams.request(1).title == "Sneaky"
    assert (teams.identity.metadata_requests, teams.identity.key_requests) == (1, 1), "keys are fetched once"
    # Every call to the connector carries the bot's own token (MSAL's in production, the test's provider here).
    assert {call.authorization for call in teams.fake.calls()} == {"Bearer outbound-test-token"}


def test_tokens_that_are_not_from_teams_for_this_bot_are_refused_and_change_nothing(
    make_teams: Callable[..., TeamsScenario],
) -> None:
    teams = make_teams(authenticated=True)
    identity = teams.identity
    assert identity is not None
    service_url = teams.fake.url
    good = {"audience": APP_ID, "service_url": service_url}
    refused: dict[str, str] = {
        "no Authorization header": "",
        "not a bearer token": "Basic dXNlcjpwYXNz",
        "not a JWT": "Bearer not-a-token",
        "expired (beyond five minutes of clock skew)": "Bearer " + identity.token(**good, expires_in=-400),
        "not valid yet": "Bearer " + identity.token(**good, not_before_in=900),
        "another bot's audience": "Bearer "
        + identity.token(audience="99999999-0000-4000-8000-000000000000", service_url=service_url),
        "another issuer": "Bearer " + identity.token(**good, issuer="https://evil.example.com"),
        "signed with a stranger's key": "Bearer " + identity.token(**good, signed_by_stranger=True),
        "an unknown key id": "Bearer " + identity.token(**good, kid="no-such-key"),
        "a serviceurl elsewhere": "Bearer " + identity.token(audience=APP_ID, service_url="https://evil.example.com/"),
        "an unsigned token": "Bearer " + unsigned_token(APP_ID, service_url),
    }
    before = row_counts(teams)
    for reason, authorization in refused.items():
        response = teams.post(new_request_activity(teams), authorization=authorization)
        assert response.status == 401, reason
        assert response.json() == {"error": "unauthorized"}, reason
    # A key endorsed for Teams only does not sign activities claiming to come from another channel.
    other_channel = dict(new_request_activity(teams), channelId="webchat")
    assert teams.post(other_channel).status == 401
    assert row_counts(teams) == before
    assert teams.fake.calls() == [], "Cobot sent nothing anywhere"

    # Within the five minutes of allowed clock skew, an expired token still passes.
    late = identity.token(**good, expires_in=-120)
    assert teams.post(new_request_activity(teams), authorization=f"Bearer {late}").status == 202


def unsigned_token(audience: str, service_url: str) -> str:
    import jwt

    now = int(time.time())
    claims = {"iss": "https://api.botframework.com", "aud": audience, "serviceurl": service_url, "exp": now + 600}
    return jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cobot_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "SLACK_", "COBOT_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path}/cobot.db", **extra)
    return env


def test_the_unauthenticated_development_mode_says_so_loudly_at_start(tmp_path: Path) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [str(COBOT), "teams", "--port", str(port)],
        env=_cobot_env(tmp_path, TEAMS_ALLOW_UNAUTHENTICATED="true"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        health = None
        while time.monotonic() < deadline and health is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    health = response.read().decode()
            except OSError:
                time.sleep(0.1)
        assert health is not None, "cobot teams did not answer /healthz"
        assert "UNAUTHENTICATED" in health
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "WITHOUT AUTHENTICATION" in stderr
    assert "Never expose it" in stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "TEAMS_APP_ID is not set"),
        ({"TEAMS_APP_ID": APP_ID}, "TEAMS_APP_PASSWORD is not set"),
        ({"TEAMS_APP_ID": "not-a-guid", "TEAMS_APP_PASSWORD": "s3cret-value"}, "TEAMS_APP_ID"),
    ],
)
def test_the_authenticated_mode_refuses_to_start_without_its_credentials(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    finished = subprocess.run(
        [str(COBOT), "teams"], env=_cobot_env(tmp_path, **env), cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 2
    assert message in finished.stderr
    assert len(finished.stderr.strip().splitlines()) == 1, "one line naming the setting"
