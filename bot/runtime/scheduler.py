"""The follow-up clock: APScheduler runs a tick every ``reminders.tick_seconds`` and once more at the digest's
cron time, in every process that serves Slack.

With app.yaml's ``analytics:`` it also polls the analytics server once a day at ``analytics.poll_at``
(``bot.runtime.analytics``; a process started after that time polls soon after it starts, unless another process
already did that day).

A tick asks each workspace what is due now (``handlers.followup.run_follow_ups``), deletes the guests' e-mail
addresses that ``guests.retention_days`` has run out for (``handlers.erasure.apply_retention``), refreshes once a day
the cards of pieces whose tracked link counted new clicks, deletes earlier days' reader hashes of tracked links
(``handlers.tracking``) and wakes the outbox sender. It also deletes what ``retention:`` says Cobot no longer
keeps (``storage.purge``): once a day per workspace the once-only marks older than ``retention.events_days``, and
every workspace Cobot has been uninstalled from for ``retention.uninstalled_days``.
Nothing about the work is kept in APScheduler's job store: the jobs only say *when* to look, and the database
says *what* is due. That makes restarts (the first tick runs at start and catches up), clock jumps and several
processes safe: dedupe keys let each follow-up be queued once, and the outbox claims let it be sent once.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session, col, select

from bot.runtime.analytics import AnalyticsPoller
from bot.runtime.cobot import Cobot
from bot.runtime.metrics import metrics
from handlers.context import Scope
from handlers.erasure import apply_retention
from handlers.followup import run_follow_ups
from handlers.tracking import prune_seen, refresh_changed_cards
from storage import purge
from storage.models import Workspace
from storage.queries import record_event_once

log = logging.getLogger(__name__)

TICK_JOB = "cobot-tick"
DIGEST_JOB = "cobot-digest"
ANALYTICS_JOB = "cobot-analytics"
# A process started after the day's poll time polls this long after it starts: after its first tick, never while
# it is still getting ready to answer Slack.
ANALYTICS_CATCH_UP_SECONDS = 30


@dataclass
class TickSummary:
    at: datetime
    workspaces: int = 0
    queued: Counter[str] = field(default_factory=Counter)
    addresses_erased: int = 0  # guests' e-mail addresses deleted by ``guests.retention_days``
    cards_refreshed: int = 0  # cards of pieces whose tracked link counted new clicks (once a day each)
    readers_forgotten: int = 0  # tracked links' hashes of earlier days' readers, deleted
    events_pruned: int = 0  # once-only marks older than ``retention.events_days``
    workspaces_purged: list[int] = field(default_factory=list)  # ids deleted by ``retention.uninstalled_days``

    @property
    def total(self) -> int:
        return sum(self.queued.values())


def run_tick(cobot: Cobot, *, dry_run: bool = False) -> TickSummary:
    """One pass over every workspace at the Cobot clock's now. A dry run reports what would be queued and
    changes nothing."""
    now = cobot.clock()
    summary = TickSummary(at=now)
    with Session(cobot.engine) as session:
        # Workspaces Cobot was uninstalled from (or lost its token for) get no follow-ups until it is back.
        workspace_ids = list(session.exec(select(Workspace.id).where(col(Workspace.inactive_since).is_(None))).all())
    for workspace_id in workspace_ids:
        with Session(cobot.engine, expire_on_commit=False) as session:
            workspace = session.get(Workspace, workspace_id)
            if workspace is None:
                continue
            scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=now)
            report = run_follow_ups(scope)
            erased = apply_retention(scope)
            refreshed = refresh_changed_cards(scope)
            pruned = _prune_events(cobot, session, scope.workspace_id, now)
            if dry_run:
                session.rollback()
            else:
                session.commit()
        summary.workspaces += 1
        summary.queued.update(report.counts())
        summary.addresses_erased += erased
        summary.cards_refreshed += refreshed
        summary.events_pruned += pruned
    with Session(cobot.engine) as session:
        summary.readers_forgotten = prune_seen(session, today=now.astimezone(cobot.policy.timezone).date())
        if dry_run:
            session.rollback()
        else:
            session.commit()
    summary.workspaces_purged = _purge_uninstalled(cobot, now, dry_run=dry_run)
    if (summary.total or summary.cards_refreshed) and not dry_run:
        cobot.wake_sender()
    return summary


def _prune_events(cobot: Cobot, session: Session, workspace_id: int, now: datetime) -> int:
    """Once a day per workspace (claimed, so one process does it): the once-only marks older than
    ``retention.events_days``, and never one an empty-slot warning may still look at."""
    days = max(cobot.settings.behaviour.retention.events_days, cobot.policy.follow_up.empty_slot_warning_days + 1)
    claim = f"prune-events:{now.date().isoformat()}"
    if not record_event_once(session=session, workspace_id=workspace_id, event_id=claim, now=now):
        return 0
    return purge.prune_events(session=session, workspace_id=workspace_id, before=now - timedelta(days=days))


def _purge_uninstalled(cobot: Cobot, now: datetime, *, dry_run: bool) -> list[int]:
    """Deletes every workspace Cobot has been uninstalled from for ``retention.uninstalled_days``; their ids."""
    days = cobot.settings.behaviour.retention.uninstalled_days
    if days is None:
        return []
    before = now - timedelta(days=days)
    with Session(cobot.engine) as session:
        due = purge.workspaces_inactive_since(session=session, before=before)
    purged: list[int] = []
    for workspace_id in due:
        with Session(cobot.engine) as session:
            if not purge.lock_if_still_inactive(session=session, workspace_id=workspace_id, before=before):
                continue  # back again, or purged by another process a moment ago
            counts = purge.purge_workspace(session=session, workspace_id=workspace_id)
            if dry_run:
                session.rollback()
            else:
                session.commit()
                log.info("workspace %d deleted (retention.uninstalled_days): %s", workspace_id, counts)
        purged.append(workspace_id)
    return purged


class FollowUpScheduler:
    def __init__(
        self, cobot: Cobot, *, tick_seconds: int, digest_cron: str, analytics: AnalyticsPoller | None = None
    ) -> None:
        self.cobot = cobot
        self.analytics = analytics
        self._scheduler = BackgroundScheduler(
            timezone=cobot.policy.timezone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        self._scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=tick_seconds, timezone=cobot.policy.timezone),
            id=TICK_JOB,
            name="follow-ups",
            next_run_time=datetime.now(cobot.policy.timezone),  # catch up on what fell due while we were down
        )
        self._scheduler.add_job(
            self.tick,
            CronTrigger.from_crontab(digest_cron, timezone=cobot.policy.timezone),
            id=DIGEST_JOB,
            name="weekly digest",
        )
        if analytics is not None:
            zone = cobot.policy.timezone
            now = datetime.now(zone)
            missed = now.time() >= analytics.at  # today's poll time has passed: catch up (the claim keeps it once)
            catch_up = {"next_run_time": now + timedelta(seconds=ANALYTICS_CATCH_UP_SECONDS)} if missed else {}
            self._scheduler.add_job(
                self.poll_analytics,
                CronTrigger(hour=analytics.at.hour, minute=analytics.at.minute, timezone=zone),
                id=ANALYTICS_JOB,
                name="analytics poll",
                **catch_up,
            )

    @classmethod
    def started_for(cls, cobot: Cobot) -> FollowUpScheduler:
        """A scheduler with the tick interval and digest cron from app.yaml, already running."""
        behaviour = cobot.settings.behaviour
        scheduler = cls(
            cobot,
            tick_seconds=behaviour.reminders.tick_seconds,
            digest_cron=behaviour.digest.cron,
            analytics=AnalyticsPoller.from_settings(cobot.settings),
        )
        scheduler.start()
        return scheduler

    def tick(self) -> None:
        try:
            with metrics().tick_seconds.time():
                summary = run_tick(self.cobot)
        except Exception:  # a failed pass is retried at the next tick; nothing is lost
            log.exception("follow-up tick failed")
            return
        if summary.total:
            log.info("follow-ups queued: %s", dict(summary.queued))
        if summary.addresses_erased:
            log.info("guests' e-mail addresses deleted (guests.retention_days): %d", summary.addresses_erased)
        if summary.events_pruned:
            log.info("once-only marks deleted (retention.events_days): %d", summary.events_pruned)

    def poll_analytics(self) -> None:
        """The daily analytics poll, claimed so that one process polls each workspace a day; a failure is logged
        (by the poll, without the key) and the next day's poll asks for the missing days."""
        if self.analytics is None:
            return
        try:
            self.analytics.run(self.cobot, claim=True)
        except Exception:  # e.g. the database is unreachable: nothing was stored, tomorrow's window covers it
            log.exception("analytics poll failed")

    def start(self) -> None:
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
