"""Ack latency, throughput and memory of ``cobot serve``, against a bare Bolt app on the same server stack.

    .venv/bin/python bench/bench_serve.py [--quick] [--runs 3] [--database sqlite|postgres|both]

In one run, one after another, it starts each server under test (gunicorn, gthread, 2 workers × 4 threads):

- ``bare default``: a Bolt app whose listeners only ack, in Bolt's default mode (``bench/bare_bolt.py``);
- ``bare before-response``: the same with ``process_before_response=True``;
- ``cobot sqlite`` / ``cobot postgres``: ``cobot serve`` itself (the real CLI, its outbox sender and scheduler
  running), on a seeded workspace (``bench/seed.py``: 2,000 open requests with room for 50 volunteers each,
  cards in 10 channels, 5,000 people), talking to the fake Slack Web API in a process of its own;

and drives each from a separate process (``bench/loadgen.py``) with the same signed requests, a repeating mix
of ``/cocreate list``, ``/cocreate volunteer <n>`` and a click on a card's Volunteer button (each by a person who
has not volunteered for that request yet), in two phases:

- ``rate``: open loop at ``--rate`` requests/s (default 50): latency percentiles against the p99 ≤ 100 ms target;
- ``throughput``: closed loop at ``--concurrency`` connections (default 16): requests/s and latency.

Each server's memory is sampled throughout (peak RSS of the arbiter and each worker, and the peak of their
summed PSS). It prints one table per phase with median and best over ``--runs``, Cobot's ratios to the bare
app, the mix of answers, and the load average. ``--profile`` also samples Cobot's workers with py-spy during
the throughput phase and prints where their time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import urllib.parse
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common  # noqa: F401  (puts the repository root on sys.path)
import sqlalchemy as sa
from common import (
    BENCH,
    BOT_TOKEN,
    PYTHON,
    SIGNING_SECRET,
    FakeSlackProcess,
    Server,
    cpu_seconds,
    footer,
    free_port,
    header,
    loadavg,
    machine_busy_seconds,
    run_json,
    start_server,
    table,
)
from seed import ServeSeed, seed_serve

from storage.db import make_engine
from storage.migrate import head_revision, upgrade_to_head

TEAM = "T0BENCH"
POSTGRES_ADMIN_URL = os.environ.get("COBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SEED_VERSION = "serve-v1"


# --- the workspace -------------------------------------------------------------------------------------------


def work_dir() -> Path:
    folder = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "cobot-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sqlite_template() -> tuple[Path, ServeSeed]:
    path = work_dir() / f"serve-{head_revision()}-{SEED_VERSION}.db"
    seed_path = path.with_suffix(".json")
    if not path.exists() or not seed_path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{path}")
        upgrade_to_head(engine)
        seed = seed_serve(engine, team=TEAM, now=datetime.now(UTC))
        engine.dispose()
        with sqlite3.connect(path) as connection:  # everything into the main file, which is what gets copied
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        seed_path.write_text(json.dumps(seed.__dict__))
    return path, ServeSeed(**json.loads(seed_path.read_text()))


def fresh_sqlite(template: Path, name: str) -> str:
    target = work_dir() / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def postgres_admin() -> sa.Engine:
    return sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def postgres_url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def postgres_template() -> ServeSeed:
    name = "cobot_serve_template"
    marker = f"{head_revision()}:{SEED_VERSION}"
    admin = postgres_admin()
    with admin.connect() as connection:
        comment = connection.execute(
            sa.text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"), {"n": name}
        ).scalar()
    seed_path = work_dir() / f"serve-postgres-{SEED_VERSION}.json"
    if comment != marker or not seed_path.exists():
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(postgres_url(name))
        upgrade_to_head(engine)
        seed = seed_serve(engine, team=TEAM, now=datetime.now(UTC))
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'"))
        seed_path.write_text(json.dumps(seed.__dict__))
    admin.dispose()
    return ServeSeed(**json.loads(seed_path.read_text()))


def fresh_postgres(name: str) -> str:
    admin = postgres_admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE cobot_serve_template'))
    admin.dispose()
    return postgres_url(name)


def postgres_reachable() -> str | None:
    try:
        admin = sa.create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        admin.dispose()
    except Exception as error:  # any failure means: not there
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


# --- requests ------------------------------------------------------------------------------------------------


class Bodies:
    """The request mix: list, volunteer by command, volunteer by button, each volunteering by a person who has
    not yet volunteered for that request (pairs are numbered; each phase takes its own range of them)."""

    def __init__(self, seed: ServeSeed, fake: FakeSlackProcess) -> None:
        self.seed = seed
        self.fake = fake
        self.next_pair = 0
        self.command_url = fake.response_urls(1)[0]

    def _pair(self) -> tuple[str, int]:
        index = self.next_pair
        self.next_pair += 1
        numbers, users = self.seed.numbers, self.seed.users
        return users[(index // len(numbers)) % len(users)], numbers[index % len(numbers)]

    def _command(self, text: str, user: str) -> dict[str, str]:
        form = {
            "token": "unused",
            "team_id": self.seed.team,
            "team_domain": "bench",
            "channel_id": self.seed.channels[0],
            "channel_name": "bench",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/cocreate",
            "text": text,
            "api_app_id": "A0BENCH",
            "is_enterprise_install": "false",
            "response_url": self.command_url,
            "trigger_id": f"trigger-{user}-{text}",
        }
        return {"body": urllib.parse.urlencode(form), "content_type": "application/x-www-form-urlencoded"}

    def _click(self, user: str, number: int, response_url: str, serial: int) -> dict[str, str]:
        channel = self.seed.channels[(number - 1) % len(self.seed.channels)]
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.seed.team},
            "api_app_id": "A0BENCH",
            "token": "unused",
            "container": {"type": "message", "message_ts": f"1700000000.{number:06d}", "channel_id": channel},
            "trigger_id": f"trigger-{serial}",
            "team": {"id": self.seed.team, "domain": "bench"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": channel, "name": "bench"},
            "message": {"type": "message", "ts": f"1700000000.{number:06d}", "text": "card"},
            "response_url": response_url,
            "actions": [
                {
                    "action_id": "cocreate_volunteer",
                    "block_id": f"card_{number}",
                    "text": {"type": "plain_text", "text": "Volunteer"},
                    "value": str(number),
                    "type": "button",
                    "action_ts": f"1700000001.{serial:09d}",
                }
            ],
        }
        return {
            "body": urllib.parse.urlencode({"payload": json.dumps(payload)}),
            "content_type": "application/x-www-form-urlencoded",
        }

    def make(self, count: int) -> list[dict[str, str]]:
        clicks = count // 3 + 1
        urls = self.fake.response_urls(clicks)
        bodies: list[dict[str, str]] = []
        for index in range(count):
            which = index % 3
            if which == 0:
                user = self.seed.users[(index * 7919) % len(self.seed.users)]
                page = 1 + (index // 3) % 3
                bodies.append({"kind": "list", **self._command("list" if page == 1 else f"list {page}", user)})
            elif which == 1:
                user, number = self._pair()
                bodies.append({"kind": "volunteer", **self._command(f"volunteer {number}", user)})
            else:
                user, number = self._pair()
                bodies.append({"kind": "click", **self._click(user, number, urls[index // 3], self.next_pair)})
        return bodies


# --- running -------------------------------------------------------------------------------------------------


def run_phase(
    server: Server, fake: FakeSlackProcess, bodies: list[dict[str, str]], spec: dict[str, Any], *, timeout: float
) -> dict[str, Any]:
    spec_path = work_dir() / f"loadgen-{server.name.replace(' ', '-')}.json"
    spec_path.write_text(
        json.dumps({"port": server.port, "secret": SIGNING_SECRET, "bodies": bodies, **spec}), encoding="utf-8"
    )
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            server.sample_memory()

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Where the machine's CPU goes during the phase: the server's processes, the fake Web API, the load generator,
    # and the rest (PostgreSQL's backends, anything else running).
    pids = server.pids()
    before = (cpu_seconds(pids), cpu_seconds([fake.process.pid]), machine_busy_seconds())
    try:
        result = run_json([PYTHON, str(BENCH / "loadgen.py"), str(spec_path)], timeout=timeout)
    finally:
        stop.set()
        sampler.join()
    after = (cpu_seconds(pids), cpu_seconds([fake.process.pid]), machine_busy_seconds())
    server_s, fake_s, machine_s = (b - a for a, b in zip(before, after, strict=True))
    result["cpu_s"] = {
        "server": server_s,
        "fake Slack": fake_s,
        "load generator": result["client_cpu_s"],
        "the rest": max(0.0, machine_s - server_s - fake_s - result["client_cpu_s"]),
    }
    result["loadavg"] = loadavg()
    return result


def start_target(name: str, *, database_url: str | None, fake: FakeSlackProcess, workers: int, threads: int) -> Server:
    port = free_port()
    env = {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.api_url}
    if name.startswith("bare"):
        mode = "default" if name == "bare default" else "before-response"
        argv = [PYTHON, str(BENCH / "bare_bolt.py"), "--mode", mode, "--port", str(port)]
        argv += ["--workers", str(workers), "--threads", str(threads)]
    else:
        assert database_url is not None
        env.update(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            DATABASE_URL=database_url,
            COBOT_CONFIG=os.environ.get("BENCH_COBOT_CONFIG", str(ROOT_APP_YAML)),
        )
        # `cobot serve`, run as a module from this tree (the installed `cobot` script imports the installed tree).
        argv = [
            PYTHON,
            "-m",
            "bot.entrypoints.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]
    return start_server(name, argv, port=port, env=env, log_dir=work_dir())


ROOT_APP_YAML = BENCH.parent / "app.yaml"


def outbox_backlog(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT kind, COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL GROUP BY kind")
            ).all()
            sent = connection.execute(sa.text("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")).scalar_one()
    finally:
        engine.dispose()
    return {"sent": int(sent), **{f"waiting {kind}": int(n) for kind, n in rows}}


def profile_workers(server: Server, seconds: float, out: Path, *, idle: bool = False) -> subprocess.Popen[bytes] | None:
    py_spy = Path(PYTHON).with_name("py-spy")
    if not py_spy.exists():
        print("(py-spy not installed: .venv/bin/pip install py-spy)")
        return None
    return subprocess.Popen(
        [
            str(py_spy),
            "record",
            "--pid",
            str(server.process.pid),
            "--subprocesses",
            "--duration",
            str(int(seconds)),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
            *(["--idle"] if idle else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def summarize_profile(path: Path, *, idle: bool = False, top: int = 40) -> str:
    """Share of samples per function (inclusive) from py-spy's collapsed stacks; threads that only wait for work
    (the idle request threads, the scheduler) are left out, and unless ``idle``, so are waits of any kind."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = [frame for frame in stack.split(";") if not frame.startswith(("process ", "thread "))]
        if not frames or any(marker in frames[-1] for marker in IDLE_LEAVES):
            continue
        total += count
        seen = set()
        for frame in frames:
            function, _, where = frame.partition(" (")
            name = f"{function} ({where.split(':')[0].rsplit('/', 1)[-1]}"
            if name not in seen:
                seen.add(name)
                inclusive[name] += count
    lines = [f"{count / total:6.1%}  {name})" for name, count in inclusive.most_common(top)] if total else []
    return f"{total} samples\n" + "\n".join(lines)


# Leaf frames of threads that wait for work to come (not for a lock or the database).
IDLE_LEAVES = (
    "select (selectors.py",
    "poll (selectors.py",
    "_worker (concurrent",
    "_run (outbox.py",
    "run (threading.py",
)


def main() -> int:
    parser = argparse.ArgumentParser(description="ack latency and throughput: cobot serve against a bare Bolt app")
    parser.add_argument("--quick", action="store_true", help="one run, 5 s phases, SQLite only (under a minute)")
    parser.add_argument("--runs", type=int, default=None, help="runs (default 3)")
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default=None)
    parser.add_argument("--targets", default="bare default,bare before-response,cobot", help="comma-separated")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--duration", type=float, default=None, help="seconds per phase (default 20)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile", choices=["rate", "throughput"], help="py-spy Cobot's workers in this phase")
    parser.add_argument("--phases", default="rate,throughput", help="which phases to run (default both)")
    parser.add_argument("--profile-idle", action="store_true", help="with --profile: waiting threads count too")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    duration = args.duration or (5.0 if args.quick else 20.0)
    database = args.database or ("sqlite" if args.quick else "both")
    databases = ["sqlite", "postgres"] if database == "both" else [database]
    wanted_phases = args.phases.split(",")
    header("Ack latency and throughput: cobot serve and a bare Bolt app")
    if "postgres" in databases and (reason := postgres_reachable()) is not None:
        print(f"PostgreSQL not reachable ({reason}): SQLite only\n")
        databases = ["sqlite"]
    targets: list[str] = []
    for target in args.targets.split(","):
        targets.extend([f"cobot {d}" for d in databases] if target == "cobot" else [target])
    print(
        f"servers: gunicorn gthread {args.workers} workers × {args.threads} threads; phases: open loop "
        f"{args.rate:g} req/s for {duration:g} s, then closed loop {args.concurrency} connections for {duration:g} s "
        f"(2 s warm-up each, not counted); {runs} run(s)\n",
        flush=True,
    )

    template, seed = sqlite_template()
    pg_seed = postgres_template() if "cobot postgres" in targets else None
    fake = FakeSlackProcess()
    # The seeded cards were posted before the benchmark: Slack has them, so chat.update finds them.
    fake.ask(
        "cards", cards=[[seed.channels[(n - 1) % len(seed.channels)], f"1700000000.{n:06d}"] for n in seed.numbers]
    )
    results: dict[str, list[dict[str, Any]]] = {t: [] for t in targets}
    memory: dict[str, list[dict[str, Any]]] = {t: [] for t in targets}
    backlog: dict[str, list[dict[str, int]]] = {t: [] for t in targets}
    try:
        for run in range(runs):
            order = targets[run % len(targets) :] + targets[: run % len(targets)]  # rotate: no fixed favourite
            for target in order:
                database_url = None
                if target == "cobot sqlite":
                    database_url = fresh_sqlite(template, "serve-run")
                elif target == "cobot postgres":
                    database_url = fresh_postgres("cobot_serve_run")
                bodies = Bodies(pg_seed if target == "cobot postgres" and pg_seed else seed, fake)
                server = start_target(
                    target, database_url=database_url, fake=fake, workers=args.workers, threads=args.threads
                )
                try:
                    phases = {}
                    for phase in wanted_phases:
                        profiler = None
                        if args.profile == phase and target.startswith("cobot"):
                            profile_path = work_dir() / f"profile-{run}-{phase}.txt"
                            profiler = profile_workers(server, duration + 2, profile_path, idle=args.profile_idle)
                        if phase == "rate":
                            load = {"mode": "open", "rate": args.rate, "duration": duration, "warmup": 2}
                            count = int((duration + 2) * args.rate) + 10
                        else:
                            load = {
                                "mode": "closed",
                                "concurrency": args.concurrency,
                                "duration": duration,
                                "warmup": 2,
                            }
                            count = 30000
                        phases[phase] = run_phase(server, fake, bodies.make(count), load, timeout=duration + 120)
                        if profiler is not None:
                            profiler.wait(timeout=60)
                            print(f"## profile of {target}, run {run + 1}, {phase} phase (py-spy, inclusive)")
                            print(summarize_profile(profile_path, idle=args.profile_idle), flush=True)
                    if database_url is not None:
                        backlog[target].append(outbox_backlog(database_url))
                finally:
                    memory[target].append(server.memory())
                    server.stop()
                results[target].append(phases)
                summary = "; ".join(
                    f"{name}: {got['rps']} req/s p50 {got['latency_ms'].get('p50')}"
                    f" p99 {got['latency_ms'].get('p99')} ms"
                    f" ({kinds_p99(got)})"
                    f" statuses {got['statuses']} errors {got['errors'] or 0} loadavg {got['loadavg'].split()[0]}"
                    for name, got in phases.items()
                )
                print(f"run {run + 1} {target}: {summary}; max RSS {memory[target][-1]['max_rss_mib']} MiB", flush=True)
    finally:
        fake.stop()

    report(results, memory, backlog, targets, args.rate, args.concurrency, runs)
    footer()
    return 0


def kinds_p99(got: dict[str, Any]) -> str:
    return ", ".join(f"{kind} p99 {seen['latency_ms'].get('p99')}" for kind, seen in sorted(got["by_kind"].items()))


def _median_best(values: list[float], *, higher_is_better: bool) -> str:
    if not values:
        return "-"
    best = max(values) if higher_is_better else min(values)
    return f"{statistics.median(values):g} ({best:g})"


def report(
    results: dict[str, list[dict[str, Any]]],
    memory: dict[str, list[dict[str, Any]]],
    backlog: dict[str, list[dict[str, int]]],
    targets: list[str],
    rate: float,
    concurrency: int,
    runs: int,
) -> None:
    print()
    for phase, title in (
        ("rate", f"open loop, {rate:g} requests/s"),
        ("throughput", f"closed loop, {concurrency} connections"),
    ):
        if any(phase not in r for runs_of in results.values() for r in runs_of):
            continue
        rows = []
        for target in targets:
            got = [r[phase] for r in results[target]]
            rows.append(
                [
                    target,
                    _median_best([g["rps"] for g in got], higher_is_better=True),
                    *(
                        _median_best([g["latency_ms"].get(p, float("nan")) for g in got], higher_is_better=False)
                        for p in ("p50", "p95", "p99")
                    ),
                    sum(
                        sum(v for k, v in g["statuses"].items() if k != "200") + sum(g["errors"].values()) for g in got
                    ),
                    " / ".join(g["loadavg"].split()[0] for g in got),
                ]
            )
        print(f"## {title}: median (best) of {runs} run(s)")
        print(table(rows, ["server", "req/s", "p50 ms", "p95 ms", "p99 ms", "non-200 + errors", "loadavg (1 min)"]))
        print()

    bare = [t for t in targets if t.startswith("bare")]
    if bare and all("throughput" in r for runs_of in results.values() for r in runs_of):
        fastest = max(bare, key=lambda t: statistics.median(r["throughput"]["rps"] for r in results[t]))
        fastest_rps = statistics.median(r["throughput"]["rps"] for r in results[fastest])
        rows = []
        for target in targets:
            rps = statistics.median(r["throughput"]["rps"] for r in results[target])
            p50 = statistics.median(r["throughput"]["latency_ms"]["p50"] for r in results[target])
            rows.append([target, f"{rps:g}", f"{rps / fastest_rps:.0%}", f"{p50:g}"])
        print(f"## throughput relative to the faster bare mode ({fastest}, {fastest_rps:g} req/s)")
        print(table(rows, ["server", "req/s (median)", "share of fastest bare", "p50 ms"]))
        print()

    if all("throughput" in r for runs_of in results.values() for r in runs_of):
        rows = []
        for target in targets:
            got = [r["throughput"] for r in results[target]]
            per_request = {
                part: statistics.median(1000 * g["cpu_s"][part] / max(1, g["answered"]) for g in got)
                for part in got[0]["cpu_s"]
            }
            rows.append([target, *(f"{ms:.2f}" for ms in per_request.values()), f"{sum(per_request.values()):.2f}"])
        print("## CPU per request in the closed loop (ms; warm-up included; median of runs)")
        print("Two cores give 2,000 ms of CPU a second: at N req/s a request can cost at most 2000 / N ms in all.")
        print(table(rows, ["server", *results[targets[0]][0]["throughput"]["cpu_s"], "all"]))
        print()

    rows = []
    for target in targets:
        for index, seen in enumerate(memory[target]):
            processes = ", ".join(f"{role} {mib}" for role, mib in seen["processes"])
            rows.append([target, index + 1, seen["max_rss_mib"], seen["sum_rss_mib"], seen["peak_pss_mib"], processes])
    print("## memory under load: peak RSS (VmHWM) per process and summed, peak of the summed PSS, MiB")
    print(table(rows, ["server", "run", "max RSS", "sum RSS", "peak sum PSS", "per process"]))
    print()

    for target in targets:
        if not target.startswith("cobot"):
            continue
        print(f"## {target}: answers (last run), outbox after the run")
        last = results[target][-1]
        for phase in last:
            for kind, answers in last[phase]["answers"].items():
                print(f"- {phase} {kind}: " + "; ".join(f"{n}× {text!r}" for text, n in answers))
        for index, seen in enumerate(backlog[target]):
            print(f"- outbox after run {index + 1}: {seen}")
        print()


if __name__ == "__main__":
    raise SystemExit(main())
