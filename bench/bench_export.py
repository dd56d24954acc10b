"""Export: how long `cobot export report.xlsx` takes, and how much memory it needs, for a big workspace.

    .venv/bin/python bench/bench_export.py [--rows 100000] [--repeat 3] [--database-url URL] [--verify]

Seeds one workspace with bulk INSERTs (``--rows`` contribution rows: 20 volunteer places per request, about four
in five with a draft and half of those approved, departments, a tenth of the requests with parts, some published
and booked), then runs the real command, ``cobot export report.xlsx``, in a process of its own ``--repeat`` times,
and prints for each run the wall-clock seconds, the CPU seconds and the peak resident memory of that process
(``ru_maxrss`` of the child, so the seeding is not counted), with the median and the best. The budget is 15 s and
200 MB for 100,000 contribution rows on a 2-core machine; the last column says whether a run kept it.

``--verify`` reads the last workbook back (openpyxl read-only mode) and counts the Contributions rows. The seeded
SQLite database lives in a temporary folder and is removed afterwards (unless ``--database-url`` names one).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import common  # noqa: F401  (puts the repository root on sys.path)
import sqlalchemy as sa
from common import PYTHON, ROOT, footer, header, median_best, table

from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import (
    ContentRequest,
    Decision,
    Draft,
    Member,
    RequestPart,
    RequestStatus,
    Review,
    ReviewState,
    SlotBooking,
    Volunteer,
    VolunteerState,
    Workspace,
)

BUDGET_SECONDS = 15.0
BUDGET_MB = 200.0
PLACES_PER_REQUEST = 20
PEOPLE = 3000
DEPARTMENTS = ["Marketing", "Sales", "Support", "Product", "Engineering", "Finance", "HR", "Legal", "Design", "Data"]
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
CONFIG = """\
permissions:
  admins: [U0ADMIN]
publishing:
  slots:
    - {name: LinkedIn, weekdays: [tue, thu], time: "10:00"}
"""


def seed(url: str, *, rows: int) -> int:
    """A workspace with ``rows`` contribution rows; returns the number of requests."""
    engine = make_engine(url)
    upgrade_to_head(engine)
    rng = random.Random(6)
    requests = max(1, rows // PLACES_PER_REQUEST)
    with engine.begin() as connection:
        workspace_id = connection.execute(
            sa.insert(Workspace)
            .values(
                platform="slack", external_id="T0BENCH", name="Bench", last_request_number=requests, created_at=START
            )
            .returning(sa.column("id"))
        ).scalar_one()
        connection.execute(
            sa.insert(Member),
            [
                {
                    "id": i,
                    "workspace_id": workspace_id,
                    "user_id": f"U{i:08d}",
                    "display_name": f"Kollega {i} Æbelø",
                    "department": DEPARTMENTS[i % len(DEPARTMENTS)] if i % 7 else None,
                    "email": f"kollega{i}@example.com",
                    "created_at": START,
                }
                for i in range(1, PEOPLE + 1)
            ],
        )
        request_rows: list[dict[str, Any]] = []
        part_rows: list[dict[str, Any]] = []
        booking_rows: list[dict[str, Any]] = []
        for number in range(1, requests + 1):
            created = START + timedelta(hours=number * 2)
            status = rng.choice(
                [
                    RequestStatus.OPEN,
                    RequestStatus.APPROVED,
                    RequestStatus.PUBLISHED,
                    RequestStatus.PUBLISHED,
                    RequestStatus.CLOSED,
                ]
            )
            published = created + timedelta(days=rng.randint(5, 40)) if status is RequestStatus.PUBLISHED else None
            request_rows.append(
                {
                    "id": number,
                    "workspace_id": workspace_id,
                    "number": number,
                    "title": f"Indhold nr. {number}: Sådan bryder vi siloerne",
                    "brief": "",
                    "format": rng.choice(["blog", "post", "video", "e-book"]),
                    "wanted_skills": ["seo", "writing"],
                    "volunteers_needed": PLACES_PER_REQUEST,
                    "draft_deadline": (created + timedelta(days=21)).date(),
                    "owner_id": rng.randint(1, PEOPLE),
                    "channel_id": "C0BENCH",
                    "status": status,
                    "derived_from_id": number - 1 if number > 1 and number % 9 == 0 else None,
                    "published_url": f"https://example.com/content/{number}" if published else None,
                    "published_at": published,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if number % 10 == 0:
                part_rows += [
                    {
                        "id": number * 100 + p,
                        "workspace_id": workspace_id,
                        "request_id": number,
                        "position": p,
                        "name": f"Kapitel {p}",
                        "capacity": 2,
                    }
                    for p in range(1, PLACES_PER_REQUEST // 2 + 1)
                ]
            if published is not None and number % 3 == 0:
                booking_rows.append(
                    {
                        "workspace_id": workspace_id,
                        "request_id": number,
                        "slot_name": "LinkedIn",
                        "starts_at": START + timedelta(days=number),  # one piece per slot
                        "booked_by_id": 1,
                        "created_at": created,
                    }
                )
        connection.execute(sa.insert(ContentRequest), request_rows)
        if part_rows:
            connection.execute(sa.insert(RequestPart), part_rows)
        connection.execute(sa.insert(SlotBooking), booking_rows)
        volunteer_id = draft_id = 0
        for start in range(0, requests, 500):
            places: list[dict[str, Any]] = []
            drafts: list[dict[str, Any]] = []
            reviews: list[dict[str, Any]] = []
            for request in request_rows[start : start + 500]:
                number = request["number"]
                for index, member in enumerate(rng.sample(range(1, PEOPLE + 1), PLACES_PER_REQUEST)):
                    volunteer_id += 1
                    state = (
                        VolunteerState.ACTIVE
                        if index < 17
                        else rng.choice([VolunteerState.WAITLISTED, VolunteerState.WITHDRAWN])
                    )
                    has_draft = state is VolunteerState.ACTIVE and rng.random() < 0.8
                    approved = has_draft and rng.random() < 0.5
                    joined = request["created_at"] + timedelta(hours=rng.randint(1, 240))
                    places.append(
                        {
                            "id": volunteer_id,
                            "workspace_id": workspace_id,
                            "request_id": number,
                            "part_id": number * 100 + index // 2 + 1 if number % 10 == 0 else None,
                            "member_id": member,
                            "state": state,
                            "review_state": ReviewState.APPROVED
                            if approved
                            else ReviewState.SUBMITTED
                            if has_draft
                            else ReviewState.NO_DRAFT,
                            "via": "command",
                            "created_at": joined,
                            "withdrawn_at": joined + timedelta(days=1) if state is VolunteerState.WITHDRAWN else None,
                        }
                    )
                    if has_draft:
                        draft_id += 1
                        drafted = joined + timedelta(days=rng.randint(1, 30))
                        drafts.append(
                            {
                                "id": draft_id,
                                "workspace_id": workspace_id,
                                "request_id": number,
                                "volunteer_id": volunteer_id,
                                "member_id": member,
                                "version": 1,
                                "url": f"https://docs.example.com/{draft_id}",
                                "source": "command",
                                "created_at": drafted,
                            }
                        )
                        if approved:
                            reviews.append(
                                {
                                    "workspace_id": workspace_id,
                                    "draft_id": draft_id,
                                    "reviewer_id": request["owner_id"],
                                    "decision": Decision.APPROVED,
                                    "feedback": "",
                                    "created_at": drafted + timedelta(days=1),
                                }
                            )
            connection.execute(sa.insert(Volunteer), places)
            connection.execute(sa.insert(Draft), drafts)
            if reviews:
                connection.execute(sa.insert(Review), reviews)
    engine.dispose()
    return requests


def export_once(url: str, config: Path, target: Path) -> tuple[float, float, float, str]:
    """Runs `cobot export` in a fresh process; wall seconds, CPU seconds, peak RSS in MB, and what it printed."""
    argv = [PYTHON, "-m", "bot.entrypoints.cli", "--config", str(config), "export", str(target)]
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out = process.stdout.read() if process.stdout else ""
    err = process.stderr.read() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"cobot export failed:\n{out}{err}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.strip()


def count_contributions(target: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(target, read_only=True)
    count = sum(1 for _ in workbook["Contributions"].iter_rows(min_row=2, values_only=True))
    workbook.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="contribution rows to export (default 100000)")
    parser.add_argument("--repeat", type=int, default=3, help="exports to time (default 3)")
    parser.add_argument("--database-url", help="seed and export this database (default: a temporary SQLite file)")
    parser.add_argument("--verify", action="store_true", help="read the last workbook back and count its rows")
    args = parser.parse_args()

    header(f"cobot export report.xlsx: {args.rows:,} contribution rows")
    with tempfile.TemporaryDirectory(prefix="cobot-bench-export-") as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        config = Path(folder) / "app.yaml"
        config.write_text(CONFIG, encoding="utf-8")
        seeding = time.perf_counter()
        requests = seed(url, rows=args.rows)
        print(
            f"seeded {requests:,} requests, {args.rows:,} volunteer places in {time.perf_counter() - seeding:.1f} s\n"
        )
        target = Path(folder) / "report.xlsx"
        runs = []
        for run in range(1, args.repeat + 1):
            seconds, cpu, peak, said = export_once(url, config, target)
            runs.append((seconds, cpu, peak))
            kept = "yes" if seconds <= BUDGET_SECONDS and peak <= BUDGET_MB else "NO"
            print(f"run {run}: {seconds:.2f} s wall, {cpu:.2f} s CPU, {peak:.0f} MB peak RSS, within budget: {kept}")
            print(f"        {said}", flush=True)
        wall_median, wall_best = median_best([r[0] for r in runs])
        cpu_median, cpu_best = median_best([r[1] for r in runs])
        rss_median, rss_best = median_best([r[2] for r in runs])
        print()
        print(
            table(
                [
                    ("wall seconds", f"{wall_median:.2f}", f"{wall_best:.2f}", f"{BUDGET_SECONDS:.0f}"),
                    ("CPU seconds", f"{cpu_median:.2f}", f"{cpu_best:.2f}", ""),
                    ("peak RSS (MB)", f"{rss_median:.0f}", f"{rss_best:.0f}", f"{BUDGET_MB:.0f}"),
                ],
                ["measure", "median", "best", "budget"],
            )
        )
        print(f"\nworkbook: {target.stat().st_size / 1024 / 1024:.1f} MB")
        if args.verify:
            print(f"Contributions rows read back: {count_contributions(target):,}")
    footer()


if __name__ == "__main__":
    main()
