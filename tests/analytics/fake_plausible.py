"""A fake Plausible Stats API v2 (``POST /api/v2/query``) served over real HTTP on loopback, for tests.

It answers the way Plausible's reference (plausible.io/docs/stats-api, examples in the plausible/docs repository,
``src/js/apiv2-examples/``) documents: a JSON body with ``results`` (each row a ``metrics`` list in the order of
the query's ``metrics`` and a ``dimensions`` list in the order of its ``dimensions``), ``meta`` and the executed
``query``. ``DOCUMENTED_TIMESERIES`` below keeps part of Plausible's documented timeseries example, so a test can
check that the fake's answers have its shape. Like Plausible, a time bucket without data has no row, the key goes in
``Authorization: Bearer <key>`` (else 401 with Plausible's own ``{"error": …}`` text), and a page holds at most
``pagination.limit`` rows (default 10,000).

Besides answering, the fake records every request (:attr:`FakePlausible.requests`) and can be told to fail the
next requests (:meth:`FakePlausible.fail_next`): a status with a body, a 429 with ``Retry-After``, a JSON answer
cut short, or a silence longer than the client's timeout.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

# From plausible/docs, src/js/apiv2-examples/timeseries-response.json (the first two of its seven rows).
DOCUMENTED_TIMESERIES: dict[str, Any] = {
    "results": [
        {"metrics": [223, 255], "dimensions": ["2024-08-13"]},
        {"metrics": [168, 177], "dimensions": ["2024-08-14"]},
    ],
    "meta": {},
    "query": {
        "metrics": ["visitors", "events"],
        "date_range": ["2024-08-13", "2024-08-19"],
        "filters": [["is", "visit:os", ["GNU/Linux", "Mac"]]],
        "dimensions": ["time:day"],
        "order_by": [["time:day", "asc"], ["visitors", "desc"]],
    },
}

# Plausible's own texts (PlausibleWeb.Plugs.AuthorizePublicAPI).
MISSING_KEY = "Missing API key. Please use a valid Plausible API key as a Bearer Token."
INVALID_KEY = (
    "Invalid API key or site ID. Please make sure you're using a valid API key with access to the site you've "
    "requested."
)
TOO_MANY = (
    "Too many API requests. Your API key is limited to 600 requests per hour. Please contact us to request more "
    "capacity."
)


@dataclass(frozen=True)
class Received:
    """One request the fake received."""

    path: str
    authorization: str | None
    content_type: str | None
    body: Any  # the decoded JSON query, or the raw text when it was not JSON


@dataclass(frozen=True)
class _Failure:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class FakePlausible:
    """``with FakePlausible(key="…", site_id="example.com") as fake:`` then ``fake.base_url``."""

    def __init__(self, *, key: str, site_id: str) -> None:
        self.key = key
        self.site_id = site_id
        # (page path, day) → Plausible metric → count: what the site's pages were seen, day by day.
        self.figures: dict[tuple[str, date], dict[str, int]] = {}
        self.requests: list[Received] = []
        self._failures: list[_Failure] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakePlausible:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def seen(self, path: str, day: date, **metrics: int) -> None:
        """Records that ``path`` had these figures on ``day`` (``pageviews=30, visitors=20``)."""
        self.figures.setdefault((path, day), {}).update(metrics)

    def fail_next(
        self,
        status: int,
        body: str = "",
        *,
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        """The next ``times`` requests get ``status`` and ``body`` (after ``delay`` seconds) instead of an answer."""
        with self._lock:
            self._failures.extend(_Failure(status, body, dict(headers or {}), delay) for _ in range(times))

    def queries(self) -> list[dict[str, Any]]:
        """The JSON queries received, in order."""
        return [r.body for r in self.requests if isinstance(r.body, dict)]

    # --- answering ---------------------------------------------------------------------------------------

    def _answer(self, query: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if query.get("site_id") != self.site_id:
            return 401, {"error": INVALID_KEY}
        metrics = query.get("metrics")
        dimensions = query.get("dimensions", [])
        date_range = query.get("date_range")
        if not isinstance(metrics, list) or not metrics or not isinstance(date_range, list) or len(date_range) != 2:
            return 400, {"error": "#/metrics: Invalid metrics or #/date_range: Invalid date range"}
        if dimensions not in ([], ["time:day"], ["event:page", "time:day"], ["time:day", "event:page"]):
            return 400, {"error": f"#/dimensions: this fake does not know {dimensions}"}
        start, end = date.fromisoformat(date_range[0]), date.fromisoformat(date_range[1])
        pages: set[str] | None = None
        for operator, dimension, clauses, *_ in query.get("filters", []):
            if (operator, dimension) != ("is", "event:page"):
                return 400, {"error": f"#/filters: this fake does not know {operator} {dimension}"}
            pages = set(clauses) if pages is None else pages & set(clauses)
        # One row per combination of the asked dimensions' values, its metrics added up (Plausible's GROUP BY).
        groups: dict[tuple[str, ...], list[int]] = {}
        for (path, day), seen in self.figures.items():
            if start <= day <= end and (pages is None or path in pages):
                by_name = {"time:day": day.isoformat(), "event:page": path}
                values = groups.setdefault(tuple(by_name[d] for d in dimensions), [0] * len(metrics))
                for index, metric in enumerate(metrics):
                    values[index] += seen.get(metric, 0)
        if not dimensions and not groups:
            groups[()] = [0] * len(metrics)
        # Plausible's default order with a time dimension: time ascending, then the first metric descending.
        when = dimensions.index("time:day") if "time:day" in dimensions else None
        ordered = sorted(
            groups.items(), key=lambda item: (item[0][when] if when is not None else "", -item[1][0], item[0])
        )
        results = [{"metrics": values, "dimensions": list(names)} for names, values in ordered]
        pagination = query.get("pagination") or {}
        offset, limit = int(pagination.get("offset", 0)), int(pagination.get("limit", 10_000))
        executed = {
            "site_id": self.site_id,
            "metrics": metrics,
            "date_range": [start.isoformat(), end.isoformat()],
            "filters": query.get("filters", []),
            "dimensions": dimensions,
            "order_by": [["time:day", "asc"], [metrics[0], "desc"]] if dimensions else [[metrics[0], "desc"]],
        }
        if pagination:
            executed["pagination"] = {"offset": offset, "limit": limit}
        return 200, {"results": results[offset : offset + limit], "meta": {}, "query": executed}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8", errors="replace")
                try:
                    body: Any = json.loads(raw)
                except ValueError:
                    body = raw
                authorization = self.headers.get("Authorization")
                with fake._lock:
                    fake.requests.append(Received(self.path, authorization, self.headers.get("Content-Type"), body))
                    failure = fake._failures.pop(0) if fake._failures else None
                if failure is not None:
                    time.sleep(failure.delay)
                    self._send(failure.status, failure.body.encode("utf-8"), failure.headers)
                    return
                if self.path != "/api/v2/query":
                    self._json(404, {"error": "Not found"})
                elif not (authorization or "").startswith("Bearer "):
                    self._json(401, {"error": MISSING_KEY})
                elif (authorization or "").removeprefix("Bearer ").strip() != fake.key:
                    self._json(401, {"error": INVALID_KEY})
                elif not isinstance(body, dict):
                    self._json(400, {"error": "Invalid JSON"})
                else:
                    self._json(*fake._answer(body))

            def _json(self, status: int, payload: dict[str, Any]) -> None:
                self._send(status, json.dumps(payload).encode("utf-8"), {"Content-Type": "application/json"})

            def _send(self, status: int, body: bytes, headers: Mapping[str, str]) -> None:
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

        return Handler
