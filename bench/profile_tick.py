"""Where the every-minute tick spends its time: each SQL statement's share, and the Python around them.

    .venv/bin/python bench/profile_tick.py [--database postgres|sqlite] [--size 100000] [--repeat 15] [--cprofile]

Uses ``bench_growth.py``'s seeded workspace (seeding it first if it is not kept yet) and its ``tick (steady)``:
one committed tick queues what is due, then the timed ticks (dry runs, like the benchmark's) find it all queued.
Prints the median and best wall time of a tick, the statements one tick runs with the median time of each
(measured between SQLAlchemy's ``before_cursor_execute`` and ``after_cursor_execute`` events, so it includes the
driver's work on parameters and the database's answer, but not loading rows into Python objects), their sum, and
what is left: the Python in Cobot, SQLAlchemy and APScheduler. ``--cprofile`` adds the 25 functions with the most
cumulative time over the timed ticks.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time
from collections import defaultdict
from typing import Any

import common  # noqa: F401  (puts the repository root on sys.path)
from bench_growth import TICK_AT, FixedClock, build_cobot, operations, postgres_database, prepare, sqlite_database
from common import footer, header, table
from sqlalchemy import event


def main() -> int:
    parser = argparse.ArgumentParser(description="per-statement profile of the every-minute scheduler tick")
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--size", type=int, default=100_000, help="requests in the seeded workspace")
    parser.add_argument("--repeat", type=int, default=15, help="timed ticks")
    parser.add_argument("--cprofile", action="store_true", help="also print the functions with the most time")
    args = parser.parse_args()
    header("Profile of the every-minute tick")
    if args.database == "postgres":
        url, fresh = postgres_database(args.size, reseed=False)
    else:
        url, fresh = sqlite_database(args.size, reseed=False, quick=False)
    engine, seed, seeded_in = prepare(url, fresh, args.size, quick=False)
    print(
        f"[{args.database}] {seed.requests:,} requests, {seed.volunteers:,} volunteers"
        + (f"; seeded in {seeded_in:.0f} s" if seeded_in else "; seeded earlier")
    )
    clock = FixedClock(TICK_AT)
    cobot = build_cobot(engine, url, clock)
    setup, tick = operations(cobot, clock, seed)["tick (steady)"]
    setup()
    for _ in range(3):  # warm: the database's pages, SQLAlchemy's compiled statements, the pool
        tick()

    per_statement: dict[str, list[float]] = defaultdict(list)
    started_at: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        started_at[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        per_statement[statement].append((time.perf_counter() - started_at.pop(id(cursor))) * 1000)

    walls: list[float] = []
    profiler = cProfile.Profile() if args.cprofile else None
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        for _ in range(args.repeat):
            if profiler:
                profiler.enable()
            begun = time.perf_counter()
            tick()
            walls.append((time.perf_counter() - begun) * 1000)
            if profiler:
                profiler.disable()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)

    rows = []
    sql_total = 0.0
    for statement, times in sorted(per_statement.items(), key=lambda item: -sum(item[1])):
        per_tick = sum(times) / args.repeat
        sql_total += per_tick
        short = " ".join(statement.split())
        rows.append(
            [f"{len(times) / args.repeat:g}", f"{per_tick:.2f}", f"{statistics.median(times):.2f}", short[:110]]
        )
    print()
    print(f"## one tick: median {statistics.median(walls):.1f} ms, best {min(walls):.1f} ms ({args.repeat} ticks)")
    print()
    print(table(rows, ["per tick", "ms per tick", "median ms", "statement"]))
    print()
    executed = sum(len(times) for times in per_statement.values()) / args.repeat
    print(
        f"{executed:g} statements a tick, {sql_total:.1f} ms in them (driver and database); "
        f"the rest, {statistics.median(walls) - sql_total:.1f} ms of the median, is Python around them"
    )
    if profiler:
        print()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
    engine.dispose()
    footer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
