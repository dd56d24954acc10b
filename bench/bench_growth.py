"""Growth: how Cobot's periodic and per-person work scales with the size of a workspace's history.

    .venv/bin/python bench/bench_growth.py [--quick] [--database sqlite|postgres|both] [--sizes 10000,100000]

Seeds a workspace at each size (``bench/seed.py``: the active part is the same at every size, the history of
published and closed requests grows; 100k requests carry about a million volunteer rows) and times, in process,
over ``--repeat`` runs (median and best, in ms):

- ``tick``: one scheduler tick (``bot.runtime.scheduler.run_tick``) on a Wednesday at 10:00, as a dry run, so every
  repetition finds and queues the same due reminders (and rolls them back);
- ``tick (steady)``: the next tick after one was committed, which finds everything queued already: what the
  60-second tick costs almost all the time;
- ``digest``: building the weekly digest (``handlers.digest.build_digest``) on the Monday at 09:00;
- ``list``, ``mine``, ``home``: what ``/cocreate list``, ``/cocreate mine`` and the App Home tab cost inside the
  listener or sender: ``Cobot.act`` (one transaction, the person resolved) and the Block Kit rendering; ``mine``
  and ``home`` for an owner with drafts waiting for review and for an ordinary helper.

It prints each time with the 10k → 100k ratio, then the query plans of every statement each operation ran,
flagging full-table scans (SQLite ``SCAN <table>`` without an index, PostgreSQL ``Seq Scan``) on large tables.
Seeded databases are kept in ``$TMPDIR/cobot-bench`` (SQLite) or as PostgreSQL databases ``cobot_growth_<size>``
and reused while the schema head and the seed are unchanged; ``--reseed`` rebuilds them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import common  # noqa: F401  (puts the repository root on sys.path)
import sqlalchemy as sa
from common import footer, header, table
from seed import HistorySeed, seed_history
from sqlalchemy import Engine, event
from sqlmodel import Session

from bot.runtime.cobot import Cobot, create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.runtime.scheduler import run_tick
from bot.slack.blocks import home_view, reply_message
from handlers.context import Scope
from handlers.digest import build_digest
from handlers.home import build_home
from handlers.requests import list_open_requests, my_requests
from storage import queries
from storage.db import make_engine
from storage.migrate import head_revision, upgrade_to_head
from storage.models import Workspace

SEED_VERSION = "history-v1"
POSTGRES_ADMIN_URL = os.environ.get("COBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# A fixed moment, so every run sees the same due work: Wednesday 25 Nov 2026, 10:00 in Copenhagen.
TICK_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DIGEST_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # the Monday before, 09:00 in Copenhagen
LARGE_TABLES = {"content_request", "volunteer", "draft", "outbox", "slot_booking", "member"}


@dataclass
class Captured:
    statements: list[tuple[str, Any]] = field(default_factory=list)


@contextmanager
def capture(engine: Engine) -> Iterator[Captured]:
    captured = Captured()

    def remember(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith("SELECT"):
            captured.statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield captured
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def plans(engine: Engine, captured: Captured) -> list[tuple[str, list[str]]]:
    """Each distinct statement's plan lines."""
    seen: dict[str, list[str]] = {}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in captured.statements:
            if statement in seen:
                continue
            if engine.dialect.name == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
                seen[statement] = [str(row[3]) for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN " + statement, parameters)
                seen[statement] = [str(row[0]) for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return list(seen.items())


def scans(engine: Engine, plan: list[str]) -> list[str]:
    flagged = []
    for line in plan:
        text = line.strip()
        if engine.dialect.name == "sqlite":
            if text.startswith("SCAN ") and " USING " not in text:
                name = text.split()[1]
                if name in LARGE_TABLES:
                    flagged.append(text)
        elif "Seq Scan on" in text:
            name = text.split("Seq Scan on", 1)[1].split()[0].strip('"')
            if name in LARGE_TABLES:
                flagged.append(text.lstrip("-> ").strip())
    return flagged


# --- databases -----------------------------------------------------------------------------------------------


def sqlite_database(size: int, *, reseed: bool, quick: bool) -> tuple[str, bool]:
    folder = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "cobot-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"growth-{size}-{head_revision()}-{SEED_VERSION}.db"
    fresh = reseed or not path.exists()
    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}", fresh


def postgres_database(size: int, *, reseed: bool) -> tuple[str, bool]:
    name = f"cobot_growth_{size}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    marker = f"{head_revision()}:{SEED_VERSION}"
    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        current = None
        if exists:
            comment = connection.execute(
                sa.text("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            current = comment
        fresh = reseed or current != marker
        if fresh:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    return url, fresh


def mark_postgres_seeded(size: int) -> None:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(
            sa.text(f"COMMENT ON DATABASE \"cobot_growth_{size}\" IS '{head_revision()}:{SEED_VERSION}'")
        )
    admin.dispose()


def describe(engine: Engine) -> HistorySeed:
    """The seed's facts, read back from a database seeded earlier."""
    with Session(engine) as session:
        count = lambda table: int(session.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())  # noqa: E731
        workspace_id = int(
            session.execute(sa.text("SELECT id FROM workspace WHERE external_id = 'T0GROWTH'")).scalar_one()
        )
        person, owner = session.execute(sa.text("SELECT person, owner FROM bench_seed")).one()
        return HistorySeed(
            workspace_id=workspace_id,
            requests=count("content_request"),
            volunteers=count("volunteer"),
            drafts=count("draft"),
            outbox=count("outbox"),
            members=count("member"),
            open_requests=int(
                session.execute(sa.text("SELECT COUNT(*) FROM content_request WHERE status = 'open'")).scalar_one()
            ),
            person=person,
            owner=owner,
            now=TICK_AT,
        )


def prepare(url: str, fresh: bool, size: int, quick: bool) -> tuple[Engine, HistorySeed, float]:
    engine = make_engine(url)
    if not fresh:
        try:
            return engine, describe(engine), 0.0
        except sa.exc.SQLAlchemyError:
            pass  # an interrupted seed: start again
    started = time.perf_counter()
    upgrade_to_head(engine)
    seed = seed_history(engine, requests=size, now=TICK_AT)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE bench_seed (person VARCHAR(64), owner VARCHAR(64))"))
        connection.execute(sa.text("INSERT INTO bench_seed VALUES (:p, :o)"), {"p": seed.person, "o": seed.owner})
    if engine.dialect.name == "postgresql":
        mark_postgres_seeded(size)
    return engine, seed, time.perf_counter() - started


# --- the operations ------------------------------------------------------------------------------------------


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def build_cobot(engine: Engine, url: str, clock: FixedClock) -> Cobot:
    behaviour = Behaviour.model_validate(
        {
            "digest": {"channel": "C0DIGEST"},
            "publishing": {
                "slots": [
                    {"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"},
                    {"name": "Newsletter", "day": "1st mon", "time": "09:00"},
                ]
            },
        }
    )
    settings = Settings(behaviour=behaviour, env=Environment.model_validate({"database_url": url}))
    return create_app(settings, clock=clock, engine=engine)


def _clear_queue(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"))


Operation = tuple[Callable[[], Any], Callable[[], Any]]  # (untimed set-up, timed work)


def operations(cobot: Cobot, clock: FixedClock, seed: HistorySeed) -> dict[str, Operation]:
    translate = cobot.translators("en")
    engine = cobot.engine

    def nothing() -> None:
        return None

    def act_as(user: str, action: Callable[..., Any]) -> Callable[[], Any]:
        def run() -> Any:
            clock.at = TICK_AT
            reply = cobot.act(action, platform="slack", workspace="T0GROWTH", user_id=user, channel_id="C0CHAN1")
            return reply_message(reply, translate)

        return run

    def home_of(user: str) -> Callable[[], Any]:
        def run() -> Any:
            clock.at = TICK_AT
            with Session(engine) as session:  # as the outbox sender builds it: bot/slack/transport.py
                workspace = session.get(Workspace, seed.workspace_id)
                assert workspace is not None
                member = queries.get_member(session=session, workspace_id=seed.workspace_id, user_id=user)
                assert member is not None
                scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=clock())
                return home_view(build_home(scope, member), translate)

        return run

    def tick() -> Any:
        clock.at = TICK_AT
        return run_tick(cobot, dry_run=True)

    def queue_once() -> None:
        clock.at = TICK_AT
        run_tick(cobot)

    def digest() -> Any:
        clock.at = DIGEST_AT
        with Session(engine) as session:
            workspace = session.get(Workspace, seed.workspace_id)
            assert workspace is not None
            return build_digest(Scope(session=session, workspace=workspace, policy=cobot.policy, now=clock()))

    return {
        "tick": (lambda: _clear_queue(engine), tick),
        "tick (steady)": (queue_once, tick),
        "digest": (nothing, digest),
        "list": (nothing, act_as(seed.person, lambda ctx: list_open_requests(ctx))),
        "mine (owner)": (nothing, act_as(seed.owner, lambda ctx: my_requests(ctx))),
        "mine (helper)": (nothing, act_as(seed.person, lambda ctx: my_requests(ctx))),
        "home (owner)": (nothing, home_of(seed.owner)),
        "home (helper)": (nothing, home_of(seed.person)),
    }


def time_all(
    engine: Engine, cobot: Cobot, clock: FixedClock, seed: HistorySeed, repeat: int
) -> tuple[dict[str, list[float]], dict[str, Captured], dict[str, str]]:
    ops = operations(cobot, clock, seed)
    timings: dict[str, list[float]] = {name: [] for name in ops}
    captured: dict[str, Captured] = {}
    notes: dict[str, str] = {}
    try:
        for name, (setup, op) in ops.items():
            setup()
            op()  # warm the caches: the database's pages and SQLAlchemy's compiled statements
            setup()
            with capture(engine) as found:
                result = op()
            captured[name] = found
            if name.startswith("tick"):
                notes[name] = f"queues {result.total} {dict(result.queued)}"
            elif name == "digest":
                notes[name] = f"{len(result)} part(s), {sum(len(p.lines) for p in result)} lines"
        for _ in range(repeat):
            for name, (setup, op) in ops.items():
                setup()
                started = time.perf_counter()
                op()
                timings[name].append((time.perf_counter() - started) * 1000)
    finally:
        _clear_queue(engine)
    return timings, captured, notes


def main() -> int:
    parser = argparse.ArgumentParser(description="growth: tick, digest, list, mine and home at two sizes")
    parser.add_argument(
        "--quick", action="store_true", help="1k and 10k requests, 3 repetitions (under a minute once seeded)"
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--sizes", default=None, help="comma-separated request counts (default 10000,100000)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions per operation (default 7)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if a seeded database is kept")
    parser.add_argument("--plans", action="store_true", help="print every query plan, not only the scans")
    args = parser.parse_args()
    sizes = [int(s) for s in (args.sizes or ("1000,10000" if args.quick else "10000,100000")).split(",")]
    repeat = args.repeat or (3 if args.quick else 7)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    header("Growth: tick, digest, list, mine, home")
    for database in databases:
        results: dict[int, dict[str, list[float]]] = {}
        all_plans: dict[int, dict[str, list[tuple[str, list[str]]]]] = {}
        engines: dict[int, Engine] = {}
        for size in sizes:
            if database == "sqlite":
                url, fresh = sqlite_database(size, reseed=args.reseed, quick=args.quick)
            else:
                url, fresh = postgres_database(size, reseed=args.reseed)
            engine, seed, seeded_in = prepare(url, fresh, size, args.quick)
            engines[size] = engine
            print(
                f"[{database}] {seed.requests:,} requests ({seed.open_requests} open), {seed.volunteers:,} volunteers, "
                f"{seed.drafts:,} drafts, {seed.outbox:,} outbox rows, {seed.members:,} people"
                + (f"; seeded in {seeded_in:.0f} s" if seeded_in else "; seeded earlier"),
                flush=True,
            )
            clock = FixedClock(TICK_AT)
            cobot = build_cobot(engine, url, clock)
            timings, captured, notes = time_all(engine, cobot, clock, seed, repeat)
            results[size] = timings
            all_plans[size] = {name: plans(engine, found) for name, found in captured.items()}
            for name, note in notes.items():
                print(f"  {name}: {note}")
        small, large = sizes[0], sizes[-1]
        rows = []
        for name in results[small]:
            med_small = statistics.median(results[small][name])
            med_large = statistics.median(results[large][name])
            rows.append(
                [
                    name,
                    *(f"{statistics.median(results[s][name]):.1f} (best {min(results[s][name]):.1f})" for s in sizes),
                    f"{med_large / med_small:.2f}" if med_small > 0 else "-",
                ]
            )
        print()
        print(f"## {database}: median (best) of {repeat} runs, ms")
        print(table(rows, ["operation", *(f"{s:,} requests" for s in sizes), f"ratio {small:,}→{large:,}"]))
        print()
        print(f"## {database}: full scans of large tables at {large:,} requests")
        any_scan = False
        for name, statement_plans in all_plans[large].items():
            for statement, plan in statement_plans:
                flagged = scans(engines[large], plan)
                if flagged or args.plans:
                    any_scan = any_scan or bool(flagged)
                    short = " ".join(statement.split())[:160]
                    print(f"- {name}: {short}…")
                    for line in plan if args.plans else flagged:
                        print(f"    {line}")
        if not any_scan:
            print("none: every statement reads the large tables through an index")
        for engine in engines.values():
            engine.dispose()
        print()
    footer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
