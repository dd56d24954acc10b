"""The daily analytics poll: once a day (app.yaml ``analytics.poll_at``, in the workspace's time zone) every
workspace's published pieces on the site are looked up on the analytics server (Plausible, ``bot.runtime.plausible``)
and their figures per day stored as results (``handlers.analytics``).

It runs in the scheduler's thread of the serving process (``bot.runtime.scheduler``), never while a request waits
for its acknowledgement. Every serving process has that scheduler, so each workspace's poll of a day is claimed
first, with the same once-only row Slack's retried events use (``processed_event``, key ``analytics-poll:<day>``):
whichever process claims it polls, the others skip it. A claimed poll that fails (the server is down, the key is
refused) stores nothing and is not retried that day; the next day's window starts at the figures last stored, so
it asks for the missing days too. ``cobot analytics poll`` runs a poll by hand, without claiming.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.runtime.cobot import Cobot
from bot.runtime.config import Settings, clock_time
from bot.runtime.plausible import AnalyticsUnavailable, PlausibleClient
from handlers.analytics import AnalyticsSite, FigureSource, PieceFigures, plan_poll, store_figures
from storage.db import transaction
from storage.models import Workspace
from storage.queries import record_event_once

log = logging.getLogger(__name__)

CLAIM_PREFIX = "analytics-poll:"


@dataclass
class WorkspacePoll:
    """What one workspace's poll did."""

    workspace_id: int
    workspace: str  # its external id (Slack's T0123)
    asked: int = 0  # pieces whose figures were asked for
    elsewhere: int = 0  # published pieces on another site, skipped
    pieces: list[PieceFigures] = field(default_factory=list)
    failed: str | None = None  # why the analytics server gave no figures
    claimed_elsewhere: bool = False  # another process polls this workspace today

    @property
    def stored(self) -> int:
        return sum(piece.stored for piece in self.pieces)


@dataclass(frozen=True)
class AnalyticsPoller:
    """The configured analytics server and how to poll it."""

    site: AnalyticsSite
    source: FigureSource
    at: time  # local time of the daily poll

    @classmethod
    def from_settings(cls, settings: Settings) -> AnalyticsPoller | None:
        """The poller app.yaml's ``analytics:`` describes; None without one, ``ConfigError`` without its key."""
        if settings.behaviour.analytics is None:
            return None
        analytics, key = settings.require_analytics()
        return cls(
            site=AnalyticsSite(
                site_id=analytics.site_id,
                metrics=dict(analytics.metrics),
                published_within_days=analytics.published_within_days,
                timezone=ZoneInfo(settings.behaviour.timezone),
            ),
            source=PlausibleClient(
                base_url=analytics.base_url,
                site_id=analytics.site_id,
                api_key=key,
                metrics=tuple(analytics.metrics),
                timeout=analytics.timeout_seconds,
            ),
            at=clock_time(analytics.poll_at),
        )

    def run(
        self,
        cobot: Cobot,
        *,
        workspace_ids: Sequence[int] | None = None,
        day: date | None = None,
        claim: bool = False,
    ) -> list[WorkspacePoll]:
        """Polls each workspace (all active ones unless named) at the Cobot clock's now; ``claim`` makes it the
        day's only poll of each workspace across processes. A workspace's failure never stops the others'."""
        now = cobot.clock()
        if workspace_ids is None:
            with Session(cobot.engine) as session:
                active = select(Workspace.id).where(col(Workspace.inactive_since).is_(None))
                found = session.exec(active.order_by(col(Workspace.id))).all()
            workspace_ids = [workspace_id for workspace_id in found if workspace_id is not None]
        polls = []
        for workspace_id in workspace_ids:
            try:
                polls.append(self._poll_workspace(cobot, workspace_id=workspace_id, now=now, day=day, claim=claim))
            except Exception as error:  # e.g. the database went away: this workspace's figures wait for tomorrow
                log.exception("analytics poll of workspace %s failed", workspace_id)
                polls.append(WorkspacePoll(workspace_id, str(workspace_id), failed=type(error).__name__))
        return polls

    def _poll_workspace(
        self, cobot: Cobot, *, workspace_id: int, now: datetime, day: date | None, claim: bool
    ) -> WorkspacePoll:
        with transaction(cobot.engine) as session:
            workspace = session.get(Workspace, workspace_id)
            external = workspace.external_id if workspace is not None else str(workspace_id)
            poll = WorkspacePoll(workspace_id=workspace_id, workspace=external)
            if claim:
                key = f"{CLAIM_PREFIX}{now.astimezone(self.site.timezone).date().isoformat()}"
                if not record_event_once(session=session, workspace_id=workspace_id, event_id=key, now=now):
                    poll.claimed_elsewhere = True
                    return poll
            plan = plan_poll(session=session, workspace_id=workspace_id, site=self.site, now=now, day=day)
        poll.asked, poll.elsewhere = len(plan.pieces), plan.elsewhere
        if not plan.pieces or plan.start is None or plan.end is None:
            return poll
        try:  # no transaction is open while the analytics server is asked
            figures = self.source.daily_page_figures(paths=plan.paths, start=plan.start, end=plan.end)
        except AnalyticsUnavailable as unavailable:
            poll.failed = str(unavailable)
            log.warning(
                "analytics poll of workspace %s stored nothing: %s; the next poll asks for these days again",
                external,
                poll.failed,
            )
            return poll
        with transaction(cobot.engine) as session:
            poll.pieces = store_figures(session=session, plan=plan, figures=figures, site=self.site, now=now)
        if poll.stored:
            log.info("analytics poll of workspace %s stored %d figure(s)", external, poll.stored)
        return poll
