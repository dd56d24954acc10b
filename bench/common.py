"""What every benchmark here shares: how it reports (date, machine, load average, the command line), starting the
fake Slack Web API and the servers under test in processes of their own, reading their memory, and signing Slack
requests.

Benchmarks print their figures; they are not tests (see bench/README.md). Everything they start listens on
loopback only and is stopped by the benchmark itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import platform
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
COBOT = str(Path(PYTHON).with_name("cobot"))

SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "xoxb-bench-token"
TEAM = "T0BENCH"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(1, str(ROOT / "tests"))  # the fake Slack Web API lives with the tests


# --- reporting ----------------------------------------------------------------------------------------------


def command_line() -> str:
    """The command that produced the figures, as one would type it from the repository root."""
    script = Path(sys.argv[0]).resolve()
    try:
        shown = str(script.relative_to(ROOT))
    except ValueError:
        shown = str(script)
    python = os.path.relpath(PYTHON, ROOT) if PYTHON.startswith(str(ROOT)) else PYTHON
    return shlex.join([python, shown, *sys.argv[1:]])


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} × {cpu}, {memory} RAM, Linux {platform.release()}, Python {platform.python_version()}"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def header(title: str) -> None:
    print(f"# {title}")
    print(f"date:     {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    print(f"machine:  {machine()}")
    print(f"loadavg:  {loadavg()} (1/5/15 min, at start)")
    print(f"command:  {command_line()}")
    print(flush=True)


def footer() -> None:
    print()
    print(f"loadavg at end: {loadavg()}")
    print(f"command: {command_line()}", flush=True)


def median_best(values: Sequence[float], *, lower_is_better: bool = True) -> tuple[float, float]:
    best = min(values) if lower_is_better else max(values)
    return statistics.median(values), best


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(fraction * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def table(rows: Sequence[Sequence[Any]], headings: Sequence[str]) -> str:
    """A Markdown table (so the output can be pasted into RESULTS.md as it is)."""
    cells = [[str(h) for h in headings], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headings))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in cells]
    lines.insert(1, "| " + " | ".join("-" * w for w in widths) + " |")
    return "\n".join(lines)


# --- Slack requests ----------------------------------------------------------------------------------------


def sign(body: bytes, *, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def slash_command(base_url: str, text: str, *, response_url: str) -> urllib.request.Request:
    """A signed ``/cocreate <text>`` as Slack sends it to ``base_url``."""
    body = urllib.parse.urlencode(
        {
            "command": "/cocreate",
            "text": text,
            "user_id": "U0BENCH",
            "team_id": TEAM,
            "channel_id": "C0BENCH",
            "response_url": response_url,
            "trigger_id": "1.2.3",
            "user_name": "bench",
        }
    ).encode()
    timestamp = int(time.time())
    return urllib.request.Request(
        base_url + "/slack/events",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": sign(body, timestamp=timestamp),
        },
    )


def shown(seconds: float) -> str:
    """A measured answer time, or that none came within the benches' 30 s."""
    return "no answer in 30 s" if seconds == float("inf") else f"{seconds:.2f} s"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- processes ----------------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/<pid>/stat`` after the command name, from the state on (field 3 of proc(5) is index 0); None when
    the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # pid (comm) state ppid pgrp …: comm may hold spaces, so split after its closing parenthesis.
    return stat.rsplit(")", 1)[1].split()


def _pids_in_group(pgid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None and int(fields[2]) == pgid:
            found.append(int(entry.name))
    return sorted(found)


def _status_kib(pid: int, key: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _pss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


@dataclass
class Server:
    """A server under test in its own process group (gunicorn's arbiter and its workers share it)."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    peak_pss_kib: int = 0
    _hwm: dict[int, tuple[str, int]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log_path.read_text()[-3000:]
                raise RuntimeError(f"{self.name} exited early; see {self.log_path}:\n{tail}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1) as response:
                    if response.status == 200 and len(self.pids()) >= 2:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready within {timeout} s; see {self.log_path}")

    def pids(self) -> list[int]:
        return _pids_in_group(self.process.pid)

    def sample_memory(self) -> None:
        """Remembers each process's VmHWM and the group's largest total PSS seen so far."""
        total_pss = 0
        for pid in self.pids():
            hwm = _status_kib(pid, "VmHWM")
            if hwm is not None:
                role = "arbiter" if pid == self.process.pid else "worker"
                self._hwm[pid] = (role, max(hwm, self._hwm.get(pid, (role, 0))[1]))
            total_pss += _pss_kib(pid) or 0
        self.peak_pss_kib = max(self.peak_pss_kib, total_pss)

    def memory(self) -> dict[str, Any]:
        """Peak RSS (VmHWM) of each process in MiB, their sum, and the peak of the group's summed PSS."""
        self.sample_memory()
        per = sorted(((role, kib) for role, kib in self._hwm.values()), key=lambda x: (x[0] != "arbiter", -x[1]))
        return {
            "processes": [(role, round(kib / 1024, 1)) for role, kib in per],
            "max_rss_mib": round(max((k for _, k in per), default=0) / 1024, 1),
            "sum_rss_mib": round(sum(k for _, k in per) / 1024, 1),
            "peak_pss_mib": round(self.peak_pss_kib / 1024, 1),
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # the group this benchmark started: arbiter + workers
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_server(name: str, argv: Sequence[str], *, port: int, env: dict[str, str], log_dir: Path) -> Server:
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        list(argv),
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: memory is read, and it is stopped, as one
    )
    server = Server(name=name, process=process, port=port, log_path=log_path)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


def cpu_seconds(pids: Sequence[int]) -> float:
    """User and system CPU the processes have used so far (those that have exited count no more)."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of proc(5)
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores have spent busy so far (everything but idle and I/O wait), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class FakeSlackProcess:
    """``tests/fake_slack.FakeSlack`` in a process of its own (so its work does not share the GIL of the process
    under test), driven over its standard input: see ``bench/fake_slack_server.py``."""

    def __init__(self, *, users: int = 0, window_seconds: float = 60.0) -> None:
        self.process = subprocess.Popen(
            [PYTHON, str(BENCH / "fake_slack_server.py"), "--users", str(users), "--window", str(window_seconds)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        ready = self._read()
        self.base_url: str = ready["base_url"]
        self.api_url: str = ready["api_url"]

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the fake Slack process ended")
        result: dict[str, Any] = json.loads(line)
        return result

    def ask(self, command: str, **arguments: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"command": command, **arguments}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def response_urls(self, count: int) -> list[str]:
        urls: list[str] = self.ask("response_urls", count=count)["urls"]
        return urls

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError, RuntimeError, ValueError):
                self.ask("stop")
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def run_json(argv: Sequence[str], *, timeout: float) -> dict[str, Any]:
    """Runs a helper process that prints one JSON object last; returns it."""
    completed = subprocess.run(list(argv), cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if completed.stderr and os.environ.get("LOADGEN_DEBUG"):
        print(completed.stderr[-5000:], file=sys.stderr)
    if completed.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed ({completed.returncode}):\n{completed.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result
