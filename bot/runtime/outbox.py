"""The outbox sender: claims due messages, hands them to their platform's transport, records the outcome.

Messages with the same sequence key leave in the order they were queued (a thread reply never overtakes the
card it belongs to): such a message is only due when no earlier unsent message with its key is waiting. DMs
carry no sequence key, so a fan-out of reminders is not held up by anything. Claims expire,
so a crashed sender's messages are picked up again; claiming uses ``FOR UPDATE SKIP LOCKED`` on PostgreSQL and a
conditional update on SQLite, so several processes can drain one database without sending anything twice. For
the same reason a pass that nears the end of its claims (Slack answering slowly) hands the rest back unsent, and so
does a pass that outlasts a message's deferral (a paced channel's turn), so that message goes at its turn.

Each message is made ready by ``bot.runtime.delivery.prepare`` (the card view, the language, the thread), sent by
its transport, and the transport's answer written back by ``delivery.record``. Transports raise ``RetryLater`` (rate
limits, 5xx, network trouble, a channel that is still being paced) or ``SendFailed`` (permanent: the channel is gone,
the bot was removed); anything else counts as a transient error. A card that can never be posted is reported to its
owner, whichever platform failed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime import delivery
from bot.runtime.delivery import MailRetryLater, RetryLater, SendEmail, SendFailed, Transport, WorkspaceLost
from bot.runtime.metrics import metrics, send_result
from handlers.context import Policy
from handlers.messages import MAIL_KINDS, decode
from storage.db import is_sqlite, reader, transaction
from storage.models import OutboxMessage, Workspace
from storage.trace import TRACE_KEY, tracing

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
# A claimed message is only sent while at least this much of its claim is left. One send (a 10 s timeout, a retry,
# a card's join and second post) ends well within it, so no other sender can have claimed the message meanwhile.
SEND_MARGIN_SECONDS = 60
BATCH = 50


@dataclass
class DrainResult:
    sent: int = 0
    deferred: int = 0
    failed: int = 0
    next_due: datetime | None = None

    @property
    def handled(self) -> int:
        return self.sent + self.deferred + self.failed


def backoff_seconds(attempts: int) -> float:
    """2, 4, 8, … seconds, at most five minutes."""
    return float(min(2**attempts, 300))


# E-mail is retried the way mail servers retry each other: for about a day, at most an hour apart.
MAIL_MAX_ATTEMPTS = 30


def mail_backoff_seconds(attempts: int) -> float:
    """1, 2, 4, … minutes, at most an hour: 30 tries span about a day."""
    return float(min(60 * 2 ** max(attempts - 1, 0), 3600))


def _finished(column: str) -> sa.Update:
    """Marks one claimed message sent (or failed): built once, as the sender runs it for every message."""
    table = OutboxMessage.metadata.tables[OutboxMessage.__tablename__]
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("b_id"), table.c.claim_token == sa.bindparam("b_token"))
        .values({column: sa.bindparam("b_at"), "claimed_until": None, "last_error": sa.bindparam("b_error")})
    )


_SENT = _finished("sent_at")
_FAILED = _finished("failed_at")


class MailTransport(Protocol):
    """E-mail's transport (``bot.mail.transport``): every ``SendEmail``, whichever platform its workspace is on."""

    delivers: frozenset[str]

    def send(self, email: SendEmail) -> None: ...


@dataclass
class OutboxSender:
    engine: Engine
    transports: Mapping[str, Transport]  # platform name → transport
    clock: Callable[[], datetime]
    policy: Policy = field(default_factory=Policy)
    mail: MailTransport | None = None  # without it, nothing goes to guests (no SMTP_URL)
    max_attempts: int = 8
    worker_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    idle_seconds: float = 1.0
    _wake: threading.Event = field(default_factory=threading.Event, init=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _platforms: dict[int, str] = field(default_factory=dict, init=False)
    _workspaces: dict[int, str] = field(default_factory=dict, init=False)  # id → the platform's id (metrics' label)
    _last_next_due: datetime | None = field(default=None, init=False)  # the last pass's ``DrainResult.next_due``

    # --- one pass ---------------------------------------------------------------------------------------

    def drain(self, *, limit: int = BATCH) -> DrainResult:
        """Sends what is due now, once; returns what happened. Safe to run in several processes at once."""
        result = DrainResult()
        started = self.clock()
        claimed = self._claim(limit)
        blocked: set[str] = set()
        # The pass's deferrals are written together when it ends, in one transaction: with many messages waiting
        # for a paced channel, one write each kept SQLite's write lock from the requests people were waiting for.
        # Until then the messages stay claimed, so no other sender takes them meanwhile.
        deferred: list[dict[str, Any]] = []
        # A pass whose posts are spread (bot.slack.transport) takes a second or more; a message put back for a
        # moment (a paced channel's next turn) that falls due meanwhile would wait for the pass to end and then
        # miss its turn by most of another one. So the pass ends when one falls due; the next claims it.
        back_at = self._last_next_due if self._last_next_due is not None and self._last_next_due > started else None
        try:
            for index, message in enumerate(claimed):
                if result.sent and back_at is not None and self.clock() >= back_at:
                    self._release(claimed[index:])
                    break
                if self._claim_running_out(message):
                    self._release([message])  # a slow pass (Slack answering slowly): another sender may take it over
                    continue
                if message.sequence_key is not None and message.sequence_key in blocked:
                    self._release([message])  # an earlier message of its sequence is waiting: keep the order
                    continue
                outcome = self._send_one(message, deferred=deferred)
                if outcome == "sent":
                    result.sent += 1
                elif outcome == "failed":
                    result.failed += 1
                else:
                    result.deferred += 1
                    if message.sequence_key is not None:
                        blocked.add(message.sequence_key)
                    again = deferred[-1]["b_not_before"]
                    back_at = again if back_at is None else min(back_at, again)
        finally:
            self._write_deferrals(deferred)
        result.next_due = self._last_next_due = self._next_due()
        return result

    def drain_until_idle(self, *, max_passes: int = 100, wait_up_to: float = 0.0) -> int:
        """Drains until nothing is due now; returns how many were sent. Messages deferred into the future stay,
        except those due within ``wait_up_to`` seconds of the call (a channel's next pacing turn): a one-shot run
        (`cobot tick` from cron) waits for them rather than leaving them to its next run."""
        sent = 0
        deadline = time.monotonic() + wait_up_to
        for _ in range(max_passes):
            result = self.drain()
            sent += result.sent
            if result.sent:
                continue
            if result.next_due is None:
                break
            wait = (result.next_due - self.clock()).total_seconds()
            if time.monotonic() + wait > deadline:
                break
            time.sleep(max(wait, 0.0) + 0.01)
        return sent

    # --- background thread ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()  # started again after stop(): without this the new thread would exit at once
        self._thread = threading.Thread(target=self._run, name=f"outbox-{self.worker_id}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Something was queued: send it now instead of at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                result = self.drain()
            except Exception:  # keep the sender alive through database hiccups; the rows wait for next time
                log.exception("outbox pass failed")
                result = DrainResult()
            if result.sent:
                continue
            wait = self.idle_seconds
            if result.next_due is not None:
                wait = min(wait, max((result.next_due - self.clock()).total_seconds(), 0.01))
            self._wake.wait(wait)

    # --- internals --------------------------------------------------------------------------------------

    def _due_query(self, now: datetime, limit: int) -> sa.Select[Any]:
        # A message with a sequence key is due only as the first unsent one of its sequence. That is asked once,
        # as a set (the lowest unsent id of each sequence), not once per candidate: written as NOT EXISTS, a
        # PostgreSQL planner whose statistics had not yet seen a backlog (a fresh burst of a few thousand rows)
        # joined it by scanning every unsent row for every candidate, and a claim took 1.9 s at 3,000 waiting
        # messages (bench/bench_serve.py; 0.5 ms once analysed). As a set it costs one pass over the unsent rows.
        unsent = sa.orm.aliased(OutboxMessage)
        first_of_sequences = (
            sa.select(sa.func.min(col(unsent.id)))
            .where(
                col(unsent.sent_at).is_(None),
                col(unsent.failed_at).is_(None),
                col(unsent.sequence_key).is_not(None),
            )
            .group_by(col(unsent.sequence_key))
        )
        return (
            sa.select(col(OutboxMessage.id))
            .where(
                col(OutboxMessage.sent_at).is_(None),
                col(OutboxMessage.failed_at).is_(None),
                col(OutboxMessage.not_before) <= now,
                sa.or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
                sa.or_(col(OutboxMessage.sequence_key).is_(None), col(OutboxMessage.id).in_(first_of_sequences)),
                *self._own_platforms(),
                *self._mail_waits(),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
        )

    def _own_platforms(self) -> list[sa.ColumnElement[bool]]:
        """A sender claims only the messages of workspaces whose platform it has a transport for: Slack and Teams
        workspaces may share one database, each drained by the process that can reach its platform."""
        active = col(Workspace.inactive_since).is_(None)
        if not self.transports:
            return [col(OutboxMessage.workspace_id).in_(sa.select(col(Workspace.id)).where(active))]
        platforms = sa.select(col(Workspace.id)).where(col(Workspace.platform).in_(sorted(self.transports)), active)
        return [col(OutboxMessage.workspace_id).in_(platforms)]

    def _mail_waits(self) -> list[sa.ColumnElement[bool]]:
        """E-mail (a guest's invitation) is left unclaimed by a sender none of whose transports delivers it: a chat
        transport would skip it and mark it sent, and the guest would never get their link."""
        delivered = frozenset().union(
            *(transport.delivers for transport in self.transports.values()),
            self.mail.delivers if self.mail is not None else frozenset(),
        )
        waiting = sorted(MAIL_KINDS - delivered)
        return [col(OutboxMessage.kind).not_in(waiting)] if waiting else []

    def _claim(self, limit: int) -> list[OutboxMessage]:
        now = self.clock()
        token = f"{self.worker_id}:{uuid.uuid4().hex[:8]}"
        until = now + timedelta(seconds=CLAIM_SECONDS)
        with transaction(self.engine) as session:
            if is_sqlite(self.engine):
                # SQLite transactions here are BEGIN IMMEDIATE: nobody else claims between select and update.
                ids = list(session.execute(self._due_query(now, limit)).scalars())
            else:
                ids = list(
                    session.execute(
                        self._due_query(now, limit).with_for_update(skip_locked=True, of=OutboxMessage)
                    ).scalars()
                )
            if not ids:
                return []
            session.execute(
                sa.update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(ids))
                .values(claimed_until=until, claim_token=token)
            )
            rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(ids))).all()
            for row in rows:
                session.expunge(row)
        return sorted(rows, key=lambda m: m.id or 0)

    def _claim_running_out(self, message: OutboxMessage) -> bool:
        if message.claimed_until is None:
            return True
        return message.claimed_until - self.clock() < timedelta(seconds=SEND_MARGIN_SECONDS)

    def _send_one(self, message: OutboxMessage, *, deferred: list[dict[str, Any]]) -> str:
        """Sends one message under the request id that queued it, so the lines logged about it name that id."""
        queued_by = message.payload.get(TRACE_KEY) if isinstance(message.payload, dict) else None
        with tracing(str(queued_by) if queued_by else None):
            return self._attempt(message, deferred=deferred)

    def _count(self, message: OutboxMessage, result: str) -> None:
        platform = self._platform_of(message.workspace_id)
        workspace = self._workspaces.get(message.workspace_id, str(message.workspace_id))
        metrics().sends.labels(platform=platform, result=result, workspace=workspace).inc()

    def _attempt(self, message: OutboxMessage, *, deferred: list[dict[str, Any]]) -> str:
        if message.expires_at is not None and self.clock() > message.expires_at:
            # A digest titled "this week" ten days later, a reminder next to the one that replaced it: worse than
            # nothing. Dropped where an operator sees it.
            self._finish(
                message, failed=True, error=f"expired: no longer useful after {message.expires_at.isoformat()}"
            )
            log.info(
                "outbox %s (%s) dropped unsent: no longer useful after %s", message.id, message.kind, message.expires_at
            )
            self._count(message, "expired")
            return "failed"
        platform = self._platform_of(message.workspace_id)
        transport = self.transports.get(platform)
        try:
            if transport is None:
                raise SendFailed(f"no transport for platform {platform!r}")
            if message.kind in transport.delivers or (self.mail is not None and message.kind in self.mail.delivers):
                self._deliver(transport, message)
        except RetryLater as retry:
            attempts = message.attempts + (1 if retry.count_attempt else 0)
            mail = isinstance(retry, MailRetryLater)
            if attempts >= (MAIL_MAX_ATTEMPTS if mail else self.max_attempts):
                self._give_up(message, f"gave up after {attempts} attempts: {retry.reason}")
                self._count(message, "given_up")
                return "failed"
            result = send_result(retry.reason)
            if retry.count_attempt or result == "429":  # not a channel's pacing turn, which is no send at all
                self._count(message, result)
            backoff = mail_backoff_seconds if mail else backoff_seconds
            seconds = retry.seconds if retry.seconds is not None else backoff(attempts)
            self._defer(message, seconds=seconds, attempts=attempts, error=retry.reason, into=deferred)
            return "deferred"
        except WorkspaceLost as lost:
            self._finish(message, failed=True, error=f"workspace inactive: {lost}"[:500])
            given_up = delivery.workspace_lost(self.engine, message.workspace_id, reason=str(lost), now=self.clock())
            log.warning(
                "workspace %s: %s; stopped sending there (%d queued messages given up)",
                message.workspace_id,
                lost,
                given_up,
            )
            self._count(message, "failed")
            return "failed"
        except SendFailed as failure:
            self._give_up(message, str(failure), for_good=True)
            self._count(message, "failed")
            return "failed"
        except Exception as error:
            attempts = message.attempts + 1
            log.exception("outbox %s (%s) raised; will retry", message.id, message.kind)
            reason = f"{type(error).__name__}: {error}"[:500]
            if attempts >= self.max_attempts:
                self._give_up(message, reason)
                self._count(message, "given_up")
                return "failed"
            self._count(message, "retry")
            self._defer(message, seconds=backoff_seconds(attempts), attempts=attempts, error=reason, into=deferred)
            return "deferred"
        self._finish(message, failed=False, error=None)
        self._count(message, "ok")
        log.info("outbox %s (%s) sent", message.id, message.kind)
        return "sent"

    def _deliver(self, transport: Transport, message: OutboxMessage) -> None:
        """Prepares the message (reads only), sends it, and writes back what the platform answered."""
        try:
            outgoing = decode(message.kind, message.payload)
        except ValueError as error:
            raise SendFailed(str(error)) from None
        message_id = message.id or 0
        with delivery.read_session(self.engine) as session:
            prepared = delivery.prepare(
                session,
                message,
                outgoing,
                policy=self.policy,
                now=self.clock(),
                hold=lambda destination: transport.hold(destination, message_id=message_id),
                hold_update=lambda destination: transport.hold(destination, message_id=message_id, update=True),
            )
        if prepared is None:
            log.debug("outbox %s (%s): nothing left to send", message.id, message.kind)
            return
        if isinstance(prepared, SendEmail):
            if self.mail is None:
                log.info("outbox %s (%s): not sent, it is for a guest and there is no e-mail", message.id, message.kind)
                return
            linked = delivery.with_page_link(self.engine, prepared, policy=self.policy, now=self.clock())
            if linked is None:
                log.info("outbox %s (%s): not sent, a newer invitation replaced it", message.id, message.kind)
                return
            self.mail.send(linked)
            return
        outcome = transport.send(prepared)
        delivery.record(self.engine, message, outcome, now=self.clock())

    def _give_up(self, message: OutboxMessage, reason: str, *, for_good: bool = False) -> None:
        self._finish(message, failed=True, error=reason[:500])
        log.warning("outbox %s (%s) failed%s: %s", message.id, message.kind, " for good" if for_good else "", reason)
        delivery.tell_owner_not_delivered(self.engine, message, reason=reason, now=self.clock())

    def _mine(self, message: OutboxMessage) -> sa.ColumnElement[bool]:
        return sa.and_(col(OutboxMessage.id) == message.id, col(OutboxMessage.claim_token) == message.claim_token)

    def _finish(self, message: OutboxMessage, *, failed: bool, error: str | None) -> None:
        params = {"b_id": message.id, "b_token": message.claim_token, "b_at": self.clock(), "b_error": error}
        with transaction(self.engine) as session:
            session.execute(_FAILED if failed else _SENT, params)

    def _defer(
        self, message: OutboxMessage, *, seconds: float, attempts: int, error: str, into: list[dict[str, Any]]
    ) -> None:
        """Notes that the message goes back into the queue until ``seconds`` from now (see ``_write_deferrals``)."""
        into.append(
            {
                "b_id": message.id,
                "b_token": message.claim_token,
                "b_not_before": self.clock() + timedelta(seconds=seconds),
                "b_attempts": attempts,
                "b_error": error[:500],
            }
        )

    def _write_deferrals(self, deferred: list[dict[str, Any]]) -> None:
        if not deferred:
            return
        table = OutboxMessage.metadata.tables[OutboxMessage.__tablename__]
        with transaction(self.engine) as session:
            session.execute(
                sa.update(table)
                .where(table.c.id == sa.bindparam("b_id"), table.c.claim_token == sa.bindparam("b_token"))
                .values(
                    not_before=sa.bindparam("b_not_before"),
                    attempts=sa.bindparam("b_attempts"),
                    claimed_until=None,
                    last_error=sa.bindparam("b_error"),
                ),
                deferred,
            )

    def _release(self, messages: list[OutboxMessage]) -> None:
        """Hands messages of this pass's claim (one token) back to the queue, unsent and untried."""
        if not messages:
            return
        with transaction(self.engine) as session:
            session.execute(
                sa.update(OutboxMessage)
                .where(
                    col(OutboxMessage.id).in_([m.id for m in messages]),
                    col(OutboxMessage.claim_token) == messages[0].claim_token,
                )
                .values(claimed_until=None)
            )

    def _next_due(self) -> datetime | None:
        """The earliest deferred message's time. Messages already due but held back behind an earlier one of
        their request do not count: they become due when that one is handled, which wakes the loop anyway."""
        with Session(reader(self.engine)) as session:
            return session.execute(
                sa.select(sa.func.min(col(OutboxMessage.not_before))).where(
                    col(OutboxMessage.sent_at).is_(None),
                    col(OutboxMessage.failed_at).is_(None),
                    col(OutboxMessage.not_before) > self.clock(),
                    *self._own_platforms(),
                )
            ).scalar_one_or_none()

    def _platform_of(self, workspace_id: int) -> str:
        if workspace_id not in self._platforms:
            with Session(reader(self.engine)) as session:
                workspace = session.get(Workspace, workspace_id)
                self._platforms[workspace_id] = workspace.platform if workspace else "?"
                self._workspaces[workspace_id] = workspace.external_id if workspace else str(workspace_id)
        return self._platforms[workspace_id]
