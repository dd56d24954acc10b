"""What the daily analytics poll asks for and what it stores: which published pieces are on the site, which days
each still needs, and the figures the analytics server gave for them, stored as ``ResultSource.ANALYTICS`` results.

The poll is split in three so that no transaction is held while the analytics server is asked: ``plan_poll`` reads
the pieces and their windows, the caller asks the server (``FigureSource``, e.g. ``bot.runtime.plausible``), and
``store_figures`` writes what came back. A piece's window starts on the day it was published, or, once figures were
polled for it, on the day before the last polled one (analytics servers count late visits for a while), and ends
yesterday (today is not over). It is derived from the stored figures, so a failed poll needs no bookkeeping: the
next one asks for the days that are missing. Storing a day again replaces it, so polling twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from handlers.outcomes import metric_order, record_result
from storage.models import ContentRequest, PieceResult, ResultSource


class FigureSource(Protocol):
    def daily_page_figures(
        self, *, paths: Sequence[str], start: date, end: date
    ) -> Mapping[tuple[str, date], Mapping[str, int]]:
        """Each (page path, day) that had any figures from ``start`` to ``end`` (both included), with the
        server's metric → count; days without figures may be left out."""
        ...


@dataclass(frozen=True)
class AnalyticsSite:
    """The site the analytics server counts, and how its figures become ours."""

    site_id: str  # the site's domain, e.g. example.com
    metrics: Mapping[str, str]  # the server's metric → the metric key Cobot stores (pageviews → views)
    published_within_days: int = 90
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))  # what "yesterday" means

    def path_of(self, url: str) -> str | None:
        """The page path of ``url`` when it is on the site (its domain or www. it), else None."""
        try:
            parts = urlsplit(url.strip())
            host = (parts.hostname or "").rstrip(".").lower()
        except ValueError:
            return None
        if parts.scheme.lower() not in ("http", "https") or host not in (self.site_id, f"www.{self.site_id}"):
            return None
        return parts.path or "/"


def page_variants(path: str) -> tuple[str, ...]:
    """The paths one page is counted under: with and without a trailing slash (``/blog/x`` and ``/blog/x/``)."""
    if path == "/":
        return ("/",)
    bare = path.rstrip("/") or "/"
    return (bare, f"{bare}/")


@dataclass(frozen=True)
class PieceWindow:
    """One published piece to poll: its page and the days it still needs."""

    request_id: int
    number: int
    url: str
    paths: tuple[str, ...]
    start: date
    end: date


@dataclass(frozen=True)
class PollPlan:
    workspace_id: int
    pieces: tuple[PieceWindow, ...]
    elsewhere: int = 0  # pieces published in the window on another site, left alone
    up_to_date: int = 0  # pieces on the site with no day to ask for yet (published today)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(sorted({path for piece in self.pieces for path in piece.paths}))

    @property
    def start(self) -> date | None:
        return min((piece.start for piece in self.pieces), default=None)

    @property
    def end(self) -> date | None:
        return max((piece.end for piece in self.pieces), default=None)


@dataclass(frozen=True)
class PieceFigures:
    """What one poll stored for one piece: each metric's sum over the days asked for."""

    number: int
    url: str
    start: date
    end: date
    totals: tuple[tuple[str, int], ...]
    stored: int  # figures written (one per metric and day with data)


def plan_poll(
    *, session: Session, workspace_id: int, site: AnalyticsSite, now: datetime, day: date | None = None
) -> PollPlan:
    """The workspace's pieces on the site published in the last ``published_within_days`` days, each with the
    days still to ask for; ``day`` asks for that one day instead (for the pieces published by then)."""
    today = now.astimezone(site.timezone).date()
    yesterday = today - timedelta(days=1)
    first_day = today - timedelta(days=site.published_within_days)
    cutoff = datetime.combine(first_day, time(0), tzinfo=site.timezone).astimezone(UTC)
    rows = session.exec(
        select(ContentRequest.id, ContentRequest.number, ContentRequest.published_url, ContentRequest.published_at)
        .where(
            ContentRequest.workspace_id == workspace_id,
            col(ContentRequest.published_url).is_not(None),
            col(ContentRequest.published_at).is_not(None),
            col(ContentRequest.published_at) >= cutoff,
        )
        .order_by(col(ContentRequest.number))
    ).all()
    on_site = []
    elsewhere = 0
    for request_id, number, url, published_at in rows:
        path = site.path_of(url or "")
        if path is None or request_id is None or published_at is None:
            elsewhere += 1
            continue
        on_site.append((request_id, number, str(url), path, published_at.astimezone(site.timezone).date()))
    last_polled = _last_polled_days(session=session, workspace_id=workspace_id, ids=[r[0] for r in on_site])
    pieces = []
    up_to_date = 0
    for request_id, number, url, path, published_on in on_site:
        if day is not None:
            start, end = max(day, published_on), day
        else:
            last = last_polled.get(request_id)
            start = published_on if last is None else max(published_on, last - timedelta(days=1))
            end = yesterday
        if start > end:
            up_to_date += 1
            continue
        pieces.append(PieceWindow(request_id, number, url, page_variants(path), start, end))
    return PollPlan(workspace_id=workspace_id, pieces=tuple(pieces), elsewhere=elsewhere, up_to_date=up_to_date)


def _last_polled_days(*, session: Session, workspace_id: int, ids: Sequence[int]) -> dict[int, date]:
    if not ids:
        return {}
    rows = session.execute(
        sa.select(col(PieceResult.request_id), sa.func.max(col(PieceResult.day)))
        .where(
            col(PieceResult.workspace_id) == workspace_id,
            col(PieceResult.source) == ResultSource.ANALYTICS.value,
            col(PieceResult.request_id).in_(list(ids)),
        )
        .group_by(col(PieceResult.request_id))
    ).all()
    return {request_id: last for request_id, last in rows if last is not None}


def store_figures(
    *,
    session: Session,
    plan: PollPlan,
    figures: Mapping[tuple[str, date], Mapping[str, int]],
    site: AnalyticsSite,
    now: datetime,
) -> list[PieceFigures]:
    """Stores each piece's figures for the days of its window, a page's variants added together; days the server
    had nothing for are not stored. Returns what was stored, piece by piece (pieces without any figure left out)."""
    by_page: dict[str, list[tuple[date, Mapping[str, int]]]] = defaultdict(list)
    for (path, on), seen in figures.items():
        by_page[path].append((on, seen))
    stored: list[PieceFigures] = []
    for piece in plan.pieces:
        days: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for path in piece.paths:
            for on, seen in by_page.get(path, ()):
                if piece.start <= on <= piece.end:
                    for source_metric, key in site.metrics.items():
                        if source_metric in seen:
                            days[on][key] += seen[source_metric]
        count = 0
        totals: dict[str, int] = defaultdict(int)
        for on, values in sorted(days.items()):
            for key, value in values.items():
                record_result(
                    session=session,
                    workspace_id=plan.workspace_id,
                    request_id=piece.request_id,
                    metric=key,
                    value=value,
                    day=on,
                    source=ResultSource.ANALYTICS,
                    now=now,
                )
                totals[key] += value
                count += 1
        if count:
            ordered = tuple(sorted(totals.items(), key=lambda item: metric_order(item[0])))
            stored.append(PieceFigures(piece.number, piece.url, piece.start, piece.end, ordered, count))
    return stored
