"""The real ``cobot serve``: gunicorn started as a separate process with its settings in the environment, exactly as
an admin runs it. Checks that it serves signed Slack requests and delivers to the Web API at ``SLACK_API_URL``,
refuses unsigned ones, refuses to start half-configured, starts unconnected without secrets, and never prints
its secrets.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from fake_slack import FakeSlack
from harness import BOT_TOKEN, SIGNING_SECRET, message_text, payload, sign

COBOT = Path(sys.executable).parent / "cobot"
ENV_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DATABASE_URL")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base_url: str
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8", errors="replace") + self.stderr.read_text(
            encoding="utf-8", errors="replace"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The test's own environment without any Cobot setting it may carry, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_SETTINGS and k != "COBOT_CONFIG"}
    env.update(PYTHONDONTWRITEBYTECODE="1", DATABASE_URL=f"sqlite:///{tmp_path}/cobot.db", **settings)
    return env


def http(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8")


@contextmanager
def cobot_serve(tmp_path: Path, env: dict[str, str]) -> Iterator[Served]:
    """Runs ``cobot serve`` in its own process group until /healthz answers; stops the whole group afterwards."""
    port = free_port()
    stdout, stderr = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [str(COBOT), "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,  # its own process group: gunicorn's worker goes down with it
        )
    served = Served(process, f"http://127.0.0.1:{port}", stdout, stderr)
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, f"cobot serve exited with {process.returncode}: {served.output()}"
            assert time.monotonic() < deadline, f"/healthz never answered: {served.output()}"
            try:
                if http("GET", served.base_url + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        yield served
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def command_body(fake: FakeSlack, text: str, *, user: str = "U0OWNER") -> bytes:
    data = payload("slash_command")
    data.update(text=text, user_id=user, user_name=user.lower(), response_url=fake.response_url())
    return urllib.parse.urlencode(data).encode()


def signed_post(base_url: str, body: bytes, *, secret: str = SIGNING_SECRET) -> tuple[int, str]:
    timestamp = int(time.time())
    return http(
        "POST",
        base_url + "/slack/events",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(body, timestamp=timestamp, secret=secret),
        },
    )


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN) as server:
        server.add_user("U0OWNER", name="mette", real_name="Mette Ørsted")
        yield server


def test_serve_handles_signed_commands_and_delivers_the_card(tmp_path: Path, fake: FakeSlack) -> None:
    env = environment(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url
    )
    with cobot_serve(tmp_path, env) as served:
        status, text = signed_post(served.base_url, command_body(fake, "new Ten SEO tips due:2026-12-10"))
        assert status == 200
        assert "Posted request #1 *Ten SEO tips* here" in message_text(json.loads(text))

        card = fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=10)[0]
        assert card.token == BOT_TOKEN
        assert card.params["channel"] == "C0MARKETING"
        assert "Ten SEO tips" in json.dumps(card.params["blocks"], ensure_ascii=False)

        status, _ = signed_post(served.base_url, command_body(fake, "new Sneaky due:2026-12-10"), secret="x" * 32)
        assert status == 401
        fake.assert_no_call("chat.postMessage", lambda c: "Sneaky" in str(c.params.get("text")), within=0.5)
        assert (tmp_path / "cobot.db").is_file()

    output = served.output()
    assert SIGNING_SECRET not in output
    assert BOT_TOKEN not in output


def test_serve_refuses_to_start_with_a_token_but_no_signing_secret(tmp_path: Path, fake: FakeSlack) -> None:
    env = environment(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_API_URL=fake.api_url)

    result = subprocess.run(
        [str(COBOT), "serve", "--port", str(free_port())],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=30,
        start_new_session=True,
    )

    assert result.returncode != 0
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert "SLACK_SIGNING_SECRET" in lines[0]
    assert BOT_TOKEN not in result.stdout.decode() + result.stderr.decode()


def test_serve_without_secrets_answers_health_and_explains_not_connected(tmp_path: Path) -> None:
    with cobot_serve(tmp_path, environment(tmp_path)) as served:
        status, text = http("GET", served.base_url + "/healthz")
        assert status == 200
        assert json.loads(text)["ok"] is True

        status, text = http(
            "POST",
            served.base_url + "/slack/events",
            body=b"command=%2Fcocreate&text=help",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 503
        assert json.loads(text)["error"] == "not_connected"

    assert "SLACK_SIGNING_SECRET" in served.output()  # the start-up hint says what to set
