"""A load generator for Slack's HTTP endpoint: signed requests over keep-alive connections, from its own process.

    .venv/bin/python bench/loadgen.py SPEC.json

The spec (written by ``bench/bench_serve.py``) names the target, the request bodies (each with a kind and a
content type; they are sent in order, round and round), and the load:

- ``"mode": "closed"``: ``concurrency`` connections, each sending its next request as soon as the previous one is
  answered: the throughput the server sustains at that concurrency;
- ``"mode": "open"``: requests start at a fixed ``rate`` per second whatever the server does (a new connection
  when none is free), and latency counts from the moment a request was due, so a slow server cannot hide its
  queue (no coordinated omission).

Both stop after ``duration`` seconds or ``max_requests`` requests, whichever comes first; the first ``warmup``
seconds are not counted. Every request is signed just before it is sent, with the current timestamp, as Slack
does. It prints one JSON object: requests, requests/s, latency percentiles (ms), statuses, and the most common
answers per kind (digits folded to ``#``), so the mix of outcomes can be reported.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import json
import os
import re
import resource
import sys
import time
from dataclasses import dataclass, field
from typing import Any

DIGITS = re.compile(r"\d+")


@dataclass
class Body:
    kind: str
    content_type: str
    data: bytes


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    answers: dict[str, collections.Counter[str]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    first_counted: float | None = None
    last_done: float = 0.0
    answered: int = 0  # every request answered, the warm-up's included (the CPU figures count those too)


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, request: bytes) -> tuple[int, bytes, bool]:
        """Sends one request; returns the status, the body, and whether the connection may be used again."""
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(chunks)
        else:
            body = await self.reader.read()
            return status, body, False
        reusable = headers.get("connection", "").lower() != "close" and not lines[0].startswith("HTTP/1.0")
        return status, body, reusable


class LoadGenerator:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.host: str = spec.get("host", "127.0.0.1")
        self.port: int = int(spec["port"])
        self.path: str = spec.get("path", "/slack/events")
        self.secret: bytes = spec["secret"].encode()
        self.bodies = [Body(b["kind"], b["content_type"], b["body"].encode()) for b in spec["bodies"]]
        self.mode: str = spec["mode"]
        self.concurrency: int = int(spec.get("concurrency", 16))
        self.rate: float = float(spec.get("rate", 50))
        self.duration: float = float(spec.get("duration", 20))
        self.warmup: float = float(spec.get("warmup", 2))
        self.max_requests: int = int(spec.get("max_requests", 10**9))
        self.max_connections: int = int(spec.get("max_connections", 256))
        self.stats = Stats()
        self._next = 0
        self._idle: list[Connection] = []
        self._open = 0

    def _request(self, body: Body) -> bytes:
        timestamp = str(int(time.time())).encode()
        signature = hmac.new(self.secret, b"v0:" + timestamp + b":" + body.data, hashlib.sha256).hexdigest()
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: {body.content_type}\r\nContent-Length: {len(body.data)}\r\n"
            f"X-Slack-Request-Timestamp: {timestamp.decode()}\r\nX-Slack-Signature: v0={signature}\r\n\r\n"
        )
        return head.encode() + body.data

    def _take_body(self) -> Body:
        body = self.bodies[self._next % len(self.bodies)]
        self._next += 1
        return body

    def _record(self, body: Body, *, started: float, done: float, status: int, answer: bytes, counted: bool) -> None:
        stats = self.stats
        stats.answered += 1
        if not counted:
            return
        if stats.first_counted is None:
            stats.first_counted = started
        stats.last_done = max(stats.last_done, done)
        latency = (done - started) * 1000
        stats.latencies.append(latency)
        stats.by_kind[body.kind].append(latency)
        stats.statuses[str(status)] += 1
        stats.answers[body.kind][_summary(answer)] += 1

    async def _get_connection(self) -> tuple[Connection, bool]:
        """A connection, and whether it was used before (the server may have closed it while it was idle)."""
        if self._idle:
            return self._idle.pop(), True
        self._open += 1
        return await Connection.open(self.host, self.port), False

    def _put_connection(self, connection: Connection, reusable: bool) -> None:
        if reusable:
            self._idle.append(connection)
        else:
            self._open -= 1
            connection.close()

    async def _one(self, body: Body, *, due: float, counted: bool) -> None:
        connection: Connection | None = None
        try:
            connection, reused = await self._get_connection()
            request = self._request(body)
            try:
                status, answer, reusable = await connection.exchange(request)
            except (OSError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                # The server closed an idle keep-alive connection (gunicorn's keepalive is 2 s): as any HTTP
                # client does, send the request again on a new connection; the latency still counts from ``due``.
                connection.close()
                connection = None
                connection = await Connection.open(self.host, self.port)  # a new one: other idle ones may be stale too
                status, answer, reusable = await connection.exchange(request)
            done = time.perf_counter()
            self._put_connection(connection, reusable)
            self._record(body, started=due, done=done, status=status, answer=answer, counted=counted)
        except (OSError, asyncio.IncompleteReadError, ValueError) as error:
            if connection is not None:
                self._open -= 1
                connection.close()
            if counted:
                self.stats.errors[type(error).__name__] += 1
            if os.environ.get("LOADGEN_DEBUG"):
                print(f"error {type(error).__name__}: {error!r} kind={body.kind}", file=sys.stderr)

    async def run_closed(self) -> None:
        start = time.perf_counter()
        end = start + self.warmup + self.duration
        counted_from = start + self.warmup
        sent = 0

        async def worker() -> None:
            nonlocal sent
            while sent < self.max_requests:
                now = time.perf_counter()
                if now >= end:
                    return
                sent += 1
                await self._one(self._take_body(), due=now, counted=now >= counted_from)

        await asyncio.gather(*(worker() for _ in range(self.concurrency)))

    async def run_open(self) -> None:
        start = time.perf_counter()
        total = min(self.max_requests, int((self.warmup + self.duration) * self.rate))
        counted_after = int(self.warmup * self.rate)
        tasks = set()
        for index in range(total):
            due = start + index / self.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(self._one(self._take_body(), due=due, counted=index >= counted_after))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.wait(tasks, timeout=60)

    def report(self) -> dict[str, Any]:
        stats = self.stats
        ordered = sorted(stats.latencies)
        elapsed = (stats.last_done - stats.first_counted) if stats.first_counted is not None else 0.0
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {
            "mode": self.mode,
            "concurrency": self.concurrency if self.mode == "closed" else None,
            "rate": self.rate if self.mode == "open" else None,
            "requests": len(ordered),
            "answered": stats.answered,
            "seconds": round(elapsed, 3),
            "rps": round(len(ordered) / elapsed, 1) if elapsed > 0 else 0.0,
            "latency_ms": _percentiles(ordered),
            "by_kind": {
                kind: {"requests": len(values), "latency_ms": _percentiles(sorted(values))}
                for kind, values in stats.by_kind.items()
            },
            "statuses": dict(stats.statuses),
            "errors": dict(stats.errors),
            "answers": {kind: counter.most_common(4) for kind, counter in stats.answers.items()},
            "client_cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        }


def _percentiles(ordered: list[float]) -> dict[str, float]:
    if not ordered:
        return {}

    def at(fraction: float) -> float:
        rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5 - 1e-9)))
        return round(ordered[rank - 1], 2)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 2)}


def _summary(answer: bytes) -> str:
    """What an answer said, short: an ephemeral reply's first words, digits folded, or "(empty)"."""
    if not answer:
        return "(empty)"
    try:
        data = json.loads(answer)
        text = str(data.get("text") or "") if isinstance(data, dict) else str(data)
    except ValueError:
        text = answer.decode("utf-8", "replace")
    return DIGITS.sub("#", text.strip().splitlines()[0] if text.strip() else "(no text)")[:48]


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as file:
        spec = json.load(file)
    generator = LoadGenerator(spec)
    asyncio.run(generator.run_closed() if spec["mode"] == "closed" else generator.run_open())
    print(json.dumps(generator.report()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
