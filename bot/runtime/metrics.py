"""Prometheus metrics, served on ``/metrics`` by ``cobot serve`` and ``cobot teams``.

Counters and histograms are kept per process; under gunicorn, with ``PROMETHEUS_MULTIPROC_DIR`` set (``cobot serve``
makes a directory of its own when it is not), prometheus_client keeps them in files there and every worker's
``/metrics`` adds up all workers. The outbox's depth and the age of its oldest unsent message are not counted at
all but read from the database at each scrape, so any instance reports the same, true figures.

The metrics are made on first use, not at import, because the choice between in-process and file-backed values
is made when a metric is created, and ``cobot serve`` may set the directory only after importing this module.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlmodel import col

from storage.db import reader
from storage.models import OutboxMessage, Workspace

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
ACK_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
TICK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Metrics:
    requests: Counter
    ack_seconds: Histogram
    sends: Counter
    tick_seconds: Histogram
    registry: CollectorRegistry


_metrics: Metrics | None = None


def multiprocess() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


def use_multiprocess_dir(path: Path) -> None:
    """Keeps the metrics of this process and its children in ``path`` (emptied of an earlier run's files first).
    Must come before the first metric is made."""
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


def metrics() -> Metrics:
    global _metrics
    if _metrics is None:
        registry = CollectorRegistry()
        _metrics = Metrics(
            requests=Counter(
                "cobot_requests",
                "Requests from the chat platform, by surface (command, event, action, view, shortcut, options, "
                "activity) and outcome (ok, refused, error, database_unavailable)",
                ["platform", "surface", "outcome", "workspace"],
                registry=registry,
            ),
            ack_seconds=Histogram(
                "cobot_ack_seconds",
                "Time from a platform's request to Cobot's answer (Slack wants it within 3 s)",
                ["platform", "surface"],
                buckets=ACK_BUCKETS,
                registry=registry,
            ),
            sends=Counter(
                "cobot_outbox_sends",
                "Outbox send attempts by result: ok, 429 (rate limited), 5xx, network, retry (another transient "
                "error), given_up (out of attempts), failed (permanent), expired",
                ["platform", "result", "workspace"],
                registry=registry,
            ),
            tick_seconds=Histogram(
                "cobot_tick_seconds",
                "Duration of one follow-up tick (reminders, nudges, digest) over every workspace",
                buckets=TICK_BUCKETS,
                registry=registry,
            ),
            registry=registry,
        )
    return _metrics


def send_result(reason: str) -> str:
    """The ``result`` label for a send the platform asked to try again (``RetryLater.reason``)."""
    if "ratelimited" in reason or "429" in reason:
        return "429"
    if re.search(r"\b5\d\d\b", reason):
        return "5xx"
    if reason.startswith("network"):
        return "network"
    return "retry"


class OutboxCollector(Collector):
    """The outbox's unsent messages and the age of the oldest, per platform and workspace, read at scrape time."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "cobot_outbox_unsent",
            "Messages in the outbox not yet sent (nor given up)",
            labels=["platform", "workspace"],
        )
        age = GaugeMetricFamily(
            "cobot_outbox_oldest_unsent_age_seconds",
            "Age of the oldest unsent message in the outbox (0 when there is none)",
            labels=["platform", "workspace"],
        )
        statement = (
            sa.select(
                col(Workspace.platform),
                col(Workspace.external_id),
                sa.func.count(col(OutboxMessage.id)),
                sa.func.min(col(OutboxMessage.created_at)),
            )
            .outerjoin(
                OutboxMessage,
                sa.and_(
                    col(OutboxMessage.workspace_id) == col(Workspace.id),
                    col(OutboxMessage.sent_at).is_(None),
                    col(OutboxMessage.failed_at).is_(None),
                ),
            )
            .group_by(col(Workspace.platform), col(Workspace.external_id))
        )
        now = self.clock()
        with reader(self.engine).connect() as connection:
            rows = connection.execute(statement).all()
        for platform, workspace, count, oldest in rows:
            depth.add_metric([platform, workspace], float(count))
            waited = 0.0
            if oldest is not None:
                oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
                waited = max((now - oldest).total_seconds(), 0.0)
            age.add_metric([platform, workspace], waited)
        yield depth
        yield age


def exposition(collectors: Iterable[Collector] = ()) -> bytes:
    """The text every ``/metrics`` answers: this process's (or, under gunicorn, all workers') counters, then the
    figures ``collectors`` read now. A collector that fails (the database is down) leaves its figures out."""
    if multiprocess():
        from prometheus_client import multiprocess as files

        counted = CollectorRegistry()
        files.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = metrics().registry
    text = generate_latest(counted)
    for collector in collectors:
        scraped = CollectorRegistry(auto_describe=False)
        scraped.register(collector)
        try:
            text += generate_latest(scraped)
        except Exception:  # /readyz says what is wrong with the database; /metrics still gives the counters
            continue
    return text


class Timer:
    """``with Timer() as timer: …``; ``timer.seconds`` afterwards."""

    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *_: object) -> None:
        self.seconds = time.perf_counter() - self.started


def mark_worker_dead(pid: int) -> None:
    """gunicorn's ``child_exit`` hook: a worker's live gauges go with it (counters stay, as Prometheus expects)."""
    if multiprocess():
        from prometheus_client import multiprocess as files

        files.mark_process_dead(pid)  # type: ignore[no-untyped-call]
