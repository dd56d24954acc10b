"""The composition root: ``create_app(settings)`` builds the engine, the handler policy and the clock.

Nothing here runs at import time. Adapters (Slack now; console and Teams later) take the ``Cobot`` object and add
their own parts; ``Cobot.act`` is how every adapter runs a handler: one transaction, the acting member resolved,
polite errors turned into replies, and the outbox sender woken afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot.config import Settings
from bot.outbox import OutboxSender
from handlers.context import Ctx, Policy, open_context
from handlers.results import Reply, UserFacingError
from storage.clock import utcnow
from storage.db import make_engine, transaction


@dataclass
class Cobot:
    settings: Settings
    engine: Engine
    policy: Policy
    clock: Callable[[], datetime] = utcnow
    sender: OutboxSender | None = field(default=None)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.engine) as session:
            yield session

    def act(
        self,
        action: Callable[[Ctx], Reply],
        *,
        platform: str,
        workspace: str,
        user_id: str,
        display_name: str = "",
        channel_id: str | None = None,
    ) -> Reply:
        """Runs ``action`` as ``user_id`` in one transaction. A ``UserFacingError`` rolls everything back and
        becomes the reply; any other exception propagates to the adapter's global error handler."""
        try:
            with self.transaction() as session:
                ctx = open_context(
                    session=session,
                    platform=platform,
                    workspace_external_id=workspace,
                    user_id=user_id,
                    policy=self.policy,
                    now=self.clock(),
                    display_name=display_name,
                    channel_id=channel_id,
                )
                reply = action(ctx)
        except UserFacingError as refusal:
            return Reply.refused(refusal.text)
        self.wake_sender()
        return reply

    def __deepcopy__(self, memo: dict[int, object]) -> Cobot:
        # Bolt deep-copies the request context for lazy listeners; Cobot is a shared service, not request state.
        return self

    def wake_sender(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    def close(self) -> None:
        if self.sender is not None:
            self.sender.stop()
        self.engine.dispose()


def build_policy(settings: Settings) -> Policy:
    permissions = settings.behaviour.permissions
    return Policy(
        timezone=ZoneInfo(settings.behaviour.timezone),
        admins=frozenset(permissions.admins),
        creators=None if permissions.creators == "everyone" else frozenset(permissions.creators),
        default_volunteers_needed=settings.behaviour.requests.default_volunteers_needed,
    )


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utcnow, engine: Engine | None = None) -> Cobot:
    """Builds Cobot's core from validated settings. The schema must be migrated (``cobot migrate``)."""
    return Cobot(
        settings=settings,
        engine=engine or make_engine(settings.env.database_url),
        policy=build_policy(settings),
        clock=clock,
    )
