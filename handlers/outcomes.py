"""What published pieces earned: figures typed by their owner, imported from a file or polled from the analytics
server are stored as ``PieceResult`` rows (``record_result``), and ``outcomes_of`` adds them up per piece.

Sources are added together, since each counts a different place (views on LinkedIn typed by the owner, page views
from the analytics server); within a source a typed figure is a total so far, so its latest day counts, while
imported and polled figures are one day's count each, so their days are summed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from handlers import texts
from handlers.results import Text
from storage.models import PieceResult, ResultSource, TrackedLink

# The metrics people name most, in the order reports and cards show them; any other metric follows, by name.
KNOWN_METRICS = ("views", "clicks", "leads", "shares", "comments", "reactions", "downloads", "signups")


@dataclass(frozen=True)
class Outcome:
    """A published piece's figures so far: each metric's total, and the clicks its tracked link counted."""

    metrics: dict[str, int] = field(default_factory=dict)
    link_clicks: int = 0

    def ordered(self) -> list[tuple[str, int]]:
        """The metrics in the order people read them: the known ones first, then the rest by name."""
        return sorted(self.metrics.items(), key=lambda item: metric_order(item[0]))

    @property
    def is_empty(self) -> bool:
        return not self.metrics and not self.link_clicks


# Each known metric's text ("1 view", "3 views"); a metric without one is shown by its name.
METRIC_TEXTS = {
    "views": texts.RESULT_VIEWS,
    "clicks": texts.RESULT_CLICKS,
    "leads": texts.RESULT_LEADS,
    "shares": texts.RESULT_SHARES,
    "comments": texts.RESULT_COMMENTS,
    "reactions": texts.RESULT_REACTIONS,
    "downloads": texts.RESULT_DOWNLOADS,
    "signups": texts.RESULT_SIGNUPS,
}


# Each known metric's name ("Views"): a report's column header, a form's label.
METRIC_NAMES = {
    "views": texts.METRIC_NAME_VIEWS,
    "clicks": texts.METRIC_NAME_CLICKS,
    "leads": texts.METRIC_NAME_LEADS,
    "shares": texts.METRIC_NAME_SHARES,
    "comments": texts.METRIC_NAME_COMMENTS,
    "reactions": texts.METRIC_NAME_REACTIONS,
    "downloads": texts.METRIC_NAME_DOWNLOADS,
    "signups": texts.METRIC_NAME_SIGNUPS,
}
assert set(METRIC_TEXTS) == set(METRIC_NAMES) == set(KNOWN_METRICS)


def outcome_text(outcome: Outcome) -> Text | None:
    """The piece's figures as one line, in the reader's language ("86 clicks on its Cobot link · 1200 views ·
    3 leads"): the tracked link's clicks first, then each metric in reading order. None when nothing was counted."""
    parts = [Text(texts.RESULT_LINK_CLICKS, {"count": outcome.link_clicks})] if outcome.link_clicks else []
    for metric, value in outcome.ordered():
        known = METRIC_TEXTS.get(metric)
        parts.append(
            Text(known, {"count": value}) if known else Text(texts.RESULT_OTHER, {"metric": metric, "count": value})
        )
    if not parts:
        return None
    joined = parts[-1]
    for part in reversed(parts[:-1]):
        joined = Text(texts.RESULT_JOINED, {"first": part, "rest": joined})
    return joined


def metric_order(metric: str) -> tuple[int, str]:
    return (KNOWN_METRICS.index(metric) if metric in KNOWN_METRICS else len(KNOWN_METRICS), metric)


def record_result(
    *,
    session: Session,
    workspace_id: int,
    request_id: int,
    metric: str,
    value: int,
    day: date,
    source: ResultSource,
    now: datetime,
    recorded_by_id: int | None = None,
) -> None:
    """Stores one figure; the same metric, source and day stored again replaces it (so a re-import changes nothing)."""
    insert = sqlite_insert if session.get_bind().dialect.name == "sqlite" else postgresql_insert
    values = {
        "workspace_id": workspace_id,
        "request_id": request_id,
        "metric": metric,
        "source": source.value,
        "day": day,
        "value": value,
        "recorded_by_id": recorded_by_id,
        "recorded_at": now,
    }
    statement = insert(PieceResult).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["request_id", "metric", "source", "day"],
        set_={"value": statement.excluded.value, "recorded_by_id": recorded_by_id, "recorded_at": now},
    )
    session.execute(statement)


def outcomes_of(*, session: Session, workspace_id: int, request_ids: Iterable[int]) -> dict[int, Outcome]:
    """Every given piece's outcome (an empty one where nothing was recorded), with the readers its tracked link
    counted (``handlers.tracking``)."""
    ids = sorted(set(request_ids))
    if not ids:
        return {}
    rows = session.execute(
        sa.select(col(PieceResult.request_id), col(PieceResult.metric), col(PieceResult.source), col(PieceResult.value))
        .where(col(PieceResult.workspace_id) == workspace_id, col(PieceResult.request_id).in_(ids))
        .order_by(col(PieceResult.day))
    ).all()
    latest_typed: dict[tuple[int, str], int] = {}
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for request_id, metric, source, value in rows:
        if ResultSource(source) is ResultSource.TYPED:
            latest_typed[(request_id, metric)] = value  # rows come by day, so the last one wins
        else:
            totals[request_id][metric] += value
    for (request_id, metric), value in latest_typed.items():
        totals[request_id][metric] += value
    clicks = dict(
        session.execute(
            sa.select(col(TrackedLink.request_id), col(TrackedLink.clicks)).where(
                col(TrackedLink.workspace_id) == workspace_id, col(TrackedLink.request_id).in_(ids)
            )
        ).all()
    )
    return {
        request_id: Outcome(metrics=dict(totals.get(request_id, {})), link_clicks=int(clicks.get(request_id, 0)))
        for request_id in ids
    }


def count_results(*, session: Session, workspace_id: int) -> int:
    """How many figures the workspace has stored (for tests and the operator's status)."""
    return session.exec(
        select(sa.func.count()).select_from(PieceResult).where(PieceResult.workspace_id == workspace_id)
    ).one()
