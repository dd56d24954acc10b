"""The Plausible Stats API v2 client the daily analytics poll asks: one ``POST /api/v2/query`` per poll returns
every polled page's figures for every day (``dimensions: ["event:page", "time:day"]``), paged by 10,000 rows.

Why Plausible (and not Matomo): it is open source and self-hostable like Cobot, keeps no personal data (no cookies,
so no consent banner stands between a reader and the count), and its v2 query API answers "these pages, per day,
these metrics" in a single request with a JSON body, where Matomo's ``Actions.getPageUrl`` takes one request per
page and day. The key travels only in the ``Authorization: Bearer`` header; it is never logged, and no error
message repeats it. Only the standard library's HTTP client is used, with a timeout on every request.

Every failure (no answer in time, a refused key, a rate limit, a server error, an answer that is not Plausible's
JSON) raises ``AnalyticsUnavailable`` with one line saying what happened; the caller stores nothing and the next
day's poll asks again. A 429 whose ``Retry-After`` is a few seconds is waited out once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

PAGE_ROWS = 10_000  # Plausible's default and largest page (`pagination.limit`)
RETRY_AFTER_WAITED = 10  # seconds: a 429 asking for at most this long is waited out once; longer waits for tomorrow
USER_AGENT = "Cobot analytics poll"


class AnalyticsUnavailable(Exception):
    """The analytics server gave no usable answer; the message says why, in one line, without the key."""


@dataclass(frozen=True)
class PlausibleClient:
    base_url: str
    site_id: str
    api_key: str = field(repr=False)
    metrics: tuple[str, ...]  # Plausible's metric names, in the order asked
    timeout: float = 10.0
    sleep: Callable[[float], None] = time.sleep

    @property
    def endpoint(self) -> str:
        return self.base_url.rstrip("/") + "/api/v2/query"

    def daily_page_figures(
        self, *, paths: Sequence[str], start: date, end: date
    ) -> dict[tuple[str, date], dict[str, int]]:
        """Each (page, day) from ``start`` to ``end`` that Plausible has figures for, with metric → count."""
        figures: dict[tuple[str, date], dict[str, int]] = {}
        if not paths:
            return figures
        offset = 0
        while True:
            query = {
                "site_id": self.site_id,
                "metrics": list(self.metrics),
                "date_range": [start.isoformat(), end.isoformat()],
                "dimensions": ["event:page", "time:day"],
                "filters": [["is", "event:page", list(paths)]],
                "pagination": {"limit": PAGE_ROWS, "offset": offset},
            }
            rows = self._results(self._post(query))
            for path, day, values in rows:
                figures[(path, day)] = values
            if len(rows) < PAGE_ROWS:
                return figures
            offset += PAGE_ROWS

    def _post(self, query: Mapping[str, Any]) -> Any:
        request = urllib.request.Request(
            self.endpoint,
            data=json.dumps(query).encode("utf-8"),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.api_key}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        for attempt in (1, 2):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                wait = _retry_after(error.headers.get("Retry-After")) if error.code == 429 else None
                if wait is not None and attempt == 1:
                    self.sleep(wait)
                    continue
                raise AnalyticsUnavailable(self._refusal(error)) from None
            except TimeoutError:
                raise AnalyticsUnavailable(f"no answer from {self._host} within {self.timeout:g} s") from None
            except urllib.error.URLError as error:
                reason = error.reason
                if isinstance(reason, TimeoutError):
                    raise AnalyticsUnavailable(f"no answer from {self._host} within {self.timeout:g} s") from None
                raise AnalyticsUnavailable(f"cannot reach {self._host} ({_short(str(reason))})") from None
            except (ConnectionError, OSError) as error:
                raise AnalyticsUnavailable(f"the connection to {self._host} failed ({type(error).__name__})") from None
            try:
                return json.loads(body)
            except ValueError:
                raise AnalyticsUnavailable(f"{self._host} answered something that is not JSON") from None
        raise AnalyticsUnavailable(f"{self._host} is still rate limiting (HTTP 429)")

    @property
    def _host(self) -> str:
        parts = urlsplit(self.base_url)  # host and port only: never a user or password written into the URL
        return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname or "the analytics server")

    def _refusal(self, error: urllib.error.HTTPError) -> str:
        said = _error_text(error)
        if error.code in (401, 403):
            return (
                f"{self._host} refused the API key for {self.site_id} (HTTP {error.code}{said}); "
                "check PLAUSIBLE_API_KEY and analytics.site_id"
            )
        if error.code == 429:
            return f"{self._host} is rate limiting (HTTP 429{said}); the next poll asks again"
        if error.code >= 500:
            return f"{self._host} had a server error (HTTP {error.code})"
        return f"{self._host} refused the query (HTTP {error.code}{said})"

    def _results(self, answer: Any) -> list[tuple[str, date, dict[str, int]]]:
        """The rows of a query's answer, checked against the documented shape."""
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise AnalyticsUnavailable(f"{self._host} answered JSON without a results list")
        rows = []
        for row in results:
            metrics = row.get("metrics") if isinstance(row, dict) else None
            dimensions = row.get("dimensions") if isinstance(row, dict) else None
            if (
                not isinstance(metrics, list)
                or len(metrics) != len(self.metrics)
                or not all(isinstance(value, int) and not isinstance(value, bool) and value >= 0 for value in metrics)
                or not isinstance(dimensions, list)
                or len(dimensions) != 2
                or not all(isinstance(value, str) for value in dimensions)
            ):
                raise AnalyticsUnavailable(f"{self._host} answered a result row Cobot cannot read: {_short(str(row))}")
            try:
                day = date.fromisoformat(dimensions[1][:10])
            except ValueError:
                raise AnalyticsUnavailable(
                    f"{self._host} answered a day that is not a date: {dimensions[1]!r}"
                ) from None
            rows.append((dimensions[0], day, dict(zip(self.metrics, metrics, strict=True))))
        return rows


def _retry_after(value: str | None) -> float | None:
    """The seconds a 429's ``Retry-After`` asks for, when it is a small number (an HTTP date is not waited for)."""
    if value is None or not value.strip().isdecimal():
        return None
    seconds = int(value.strip())
    return float(seconds) if seconds <= RETRY_AFTER_WAITED else None


def _error_text(error: urllib.error.HTTPError) -> str:
    """Plausible's own ``{"error": "…"}`` text, shortened, as ": …"; empty when the body says nothing readable."""
    try:
        said = json.loads(error.read(2000) or b"{}").get("error")
    except (ValueError, AttributeError, OSError):
        return ""
    return f": {_short(said)}" if isinstance(said, str) and said.strip() else ""


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
