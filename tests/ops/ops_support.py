"""Running the real ``cobot`` command in a process of its own, with its settings in the environment only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fake_slack import FakeSlack
from harness import SIGNING_SECRET, payload, sign

COBOT = Path(sys.executable).parent / "cobot"
COBOT_SETTINGS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "DATABASE_URL")


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in COBOT_SETTINGS and key not in ("COBOT_CONFIG", "LOG_FORMAT", "PROMETHEUS_MULTIPROC_DIR")
    }
    env.update({"PYTHONDONTWRITEBYTECODE": "1", "DATABASE_URL": f"sqlite:///{tmp_path}/cobot.db", **settings})
    return env


def run_cobot(tmp_path: Path, env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COBOT), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http(method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base_url: str
    stderr: Path

    def log(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")


@contextmanager
def cobot_serve(tmp_path: Path, env: dict[str, str], *, workers: int = 1) -> Iterator[Served]:
    port = free_port()
    stderr = tmp_path / "stderr.log"
    with stderr.open("wb") as err:
        process = subprocess.Popen(
            [str(COBOT), "serve", "--port", str(port), "--workers", str(workers), "--threads", "2"],
            cwd=tmp_path,
            env=env,
            stdout=err,
            stderr=err,
            start_new_session=True,
        )
    served = Served(process, f"http://127.0.0.1:{port}", stderr)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, f"cobot serve exited with {process.returncode}: {served.log()}"
            assert time.monotonic() < deadline, f"/readyz never answered 200: {served.log()}"
            try:
                if http("GET", served.base_url + "/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def signed_command(base_url: str, fake: FakeSlack, text: str, *, user: str = "U0OWNER") -> tuple[int, str]:
    data = payload("slash_command")
    data.update(text=text, user_id=user, user_name=user.lower(), response_url=fake.response_url())
    data["trigger_id"] = f"{time.time_ns()}.{uuid.uuid4().hex[:16]}"  # each command Slack sends has its own
    body = urllib.parse.urlencode(data).encode()
    timestamp = int(time.time())
    return http(
        "POST",
        base_url + "/slack/events",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(body, timestamp=timestamp, secret=SIGNING_SECRET),
        },
    )
