"""The composition root: ``create_app(settings)`` builds the engine, the handler policy and the clock.

Nothing here runs at import time. Adapters (Slack now; console and Teams later) take the ``Cobot`` object and add
their own parts; ``Cobot.act`` is how every adapter runs a handler: one transaction, the acting member resolved,
polite errors turned into replies, and the outbox sender woken afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session

from bot.runtime import installations
from bot.runtime.config import WEEKDAYS, Settings, clock_time
from bot.runtime.delivery import Transport
from bot.runtime.limits import WriteLimiter
from bot.runtime.outbox import MailTransport, OutboxSender
from handlers import departments, texts, workspaces
from handlers.context import Ctx, FollowUp, Policy, RecurringSlot, Scope, TrackingRules, WorkingHours
from handlers.guests import named_reply
from handlers.people import Profile, fetch_profile_later, find_context, open_context, take_profile
from handlers.results import Reply, UserFacingError, t
from storage import queries
from storage.clock import utcnow
from storage.db import ValueTooLong, make_engine, read_only, reader, transaction
from storage.migrate import upgrade_to_head

log = logging.getLogger(__name__)


MET_LIMIT = 100_000  # people remembered as known, per process


@dataclass
class Cobot:
    settings: Settings
    engine: Engine
    policy: Policy
    clock: Callable[[], datetime] = utcnow
    sender: OutboxSender | None = field(default=None)
    # Language → translate function (message id → template), overrides from app.yaml included.
    translators: Callable[[str], Callable[[str], str]] = field(default=lambda language: lambda msgid: msgid)
    writes: WriteLimiter = field(default_factory=lambda: WriteLimiter(per_minute=0))
    _met: set[tuple[str, str, str]] = field(default_factory=set, init=False, repr=False)  # people known to exist

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
        reads_only: bool = False,
        meet: Callable[[], Profile | None] | None = None,
    ) -> Reply:
        """Runs ``action`` as ``user_id`` in one transaction. A ``UserFacingError`` rolls everything back and
        becomes the reply; any other exception propagates to the adapter's global error handler.

        ``reads_only``: the action changes nothing (``/cocreate list``), so for a person Cobot knows it runs in a
        read transaction, which on SQLite neither waits for the write lock nor holds it up for others.

        ``meet``: asks the platform for the profile of a person Cobot does not know yet (bounded by the adapter to
        well under a second), before the transaction opens, so the first answer is in their language."""
        language = self.policy.default_language
        who: dict[str, Any] = {
            "platform": platform,
            "workspace_external_id": workspace,
            "user_id": user_id,
            "policy": self.policy,
            "display_name": display_name,
            "channel_id": channel_id,
        }
        newcomer: bool | None = None
        try:
            if reads_only:
                with transaction(reader(self.engine)) as session:
                    found = find_context(session=session, now=self.clock(), **who)
                    newcomer = found is None
                    if found is not None:
                        language = self.policy.language_of(found.actor)
                        reply = action(found)
                        if session.new or session.dirty or session.deleted:
                            raise RuntimeError(f"{action!r} was run as reading only, but changed rows")
                        reply = named_reply(session, found.workspace_id, reply)  # guests by name, not as mentions
                        return replace(reply, language=language)
            if not self.writes.allow((platform, workspace, user_id)):
                limit = self.writes.per_minute
                return Reply.refused(t(texts.TOO_MANY_WRITES, count=limit), language=language)
            if newcomer is None and meet is not None:
                newcomer = self._newcomer(platform, workspace, user_id)
            with self.transaction() as session:
                ctx = open_context(session=session, now=self.clock(), asks_profile=bool(meet and newcomer), **who)
                self._met.add((platform, workspace, user_id))
                language = self.policy.language_of(ctx.actor)  # for a refusal
                reply = named_reply(session, ctx.workspace_id, action(ctx))  # guests by name, not as mentions
                # After the action: someone who just chose a language is answered in it.
                reply = replace(reply, language=self.policy.language_of(ctx.actor))
            if meet is not None and newcomer:
                reply = self._introduce(reply, meet, who=who, workspace_id=ctx.workspace_id, user_id=user_id)
        except UserFacingError as refusal:
            return Reply.refused(refusal.text, language=language)
        except ValueTooLong as too_long:
            # Cobot's own checks keep what people type within its columns; what is left is an id or a name from
            # the platform longer than any it sends (a forged or broken payload): refused, nothing written.
            log.warning("refused a value too long to store: %s", too_long)
            return Reply.refused(t(texts.TOO_LONG_TO_STORE, limit=too_long.limit), language=language)
        self.wake_sender()
        return reply

    def __deepcopy__(self, memo: dict[int, object]) -> Cobot:
        # Bolt deep-copies the request context for lazy listeners; Cobot is a shared service, not request state.
        return self

    def workspace_lost(self, *, platform: str, workspace: str, reason: str) -> bool:
        """Cobot was uninstalled from the workspace or lost its token: nothing more is sent there, nothing queued is
        retried, no follow-ups run (``handlers.workspaces``). False when Cobot never knew the workspace."""
        with self.transaction() as session:
            if platform == "slack":
                installations.remove_installation(session, workspace=workspace)
            return workspaces.deactivate_by_id(
                session=session, platform=platform, external_id=workspace, reason=reason, now=self.clock()
            )

    def workspace_back(self, *, platform: str, workspace: str) -> bool:
        """Cobot is installed again, or its token works again: sending and follow-ups resume."""
        with self.transaction() as session:
            return workspaces.reactivate(session=session, platform=platform, external_id=workspace)

    def has_inactive_workspaces(self, *, platform: str) -> bool:
        with Session(reader(self.engine)) as session:
            return workspaces.any_inactive(session=session, platform=platform)

    def _introduce(
        self, reply: Reply, meet: Callable[[], Profile | None], *, who: dict[str, Any], workspace_id: int, user_id: str
    ) -> Reply:
        """Someone Cobot met just now, whose change went through (a refusal wrote nothing and looks nobody up): ask
        the platform for their profile at once, so this first answer is in their language."""
        profile = meet()
        with self.transaction() as session:
            if profile is None:  # the outbox asks later
                ctx = open_context(session=session, now=self.clock(), **who)
                fetch_profile_later(ctx)
                return reply
            member = take_profile(
                session=session, workspace_id=workspace_id, user_id=user_id, profile=profile, now=self.clock()
            )
            return reply if member is None else replace(reply, language=self.policy.language_of(member))

    def _newcomer(self, platform: str, workspace: str, user_id: str) -> bool:
        """Whether Cobot has never met this person (asked of the database once per person and process)."""
        if (platform, workspace, user_id) in self._met:
            return False
        with Session(reader(self.engine)) as session:
            found = queries.find_workspace(session=session, platform=platform, external_id=workspace)
            known = found is not None and (
                queries.get_member(session=session, workspace_id=found.id or 0, user_id=user_id) is not None
            )
        if known:
            if len(self._met) > MET_LIMIT:
                self._met.clear()  # a cache, not a record: forgetting only costs one more look-up each
            self._met.add((platform, workspace, user_id))
        return not known

    def knows_member(self, *, platform: str, workspace: str, user_id: str) -> bool:
        """Whether Cobot has met this person (and not forgotten them)."""
        with Session(reader(self.engine)) as session:
            return departments.is_known(
                session=session, platform=platform, workspace_external_id=workspace, user_id=user_id
            )

    def profile_changed(
        self, *, platform: str, workspace: str, user_id: str, department: str | None, title: str | None, source: str
    ) -> bool:
        """A known person's profile says this now (``handlers.departments.take_directory``); False: not known."""
        with self.transaction() as session:
            return departments.refresh_known(
                session=session,
                platform=platform,
                workspace_external_id=workspace,
                user_id=user_id,
                department=department,
                title=title,
                source=source,
            )

    def knows_workspace(self, *, platform: str, workspace: str) -> bool:
        """Whether anyone in the workspace has used Cobot yet (the console's demo seeds only a new one)."""
        with Session(reader(self.engine)) as session:
            return queries.find_workspace(session=session, platform=platform, external_id=workspace) is not None

    @contextmanager
    def snapshot(self, *, platform: str, workspace: str) -> Iterator[Scope]:
        """One read-only transaction over a workspace, for long reads such as a report: a consistent snapshot
        for all its queries that on SQLite never holds the write lock while a workbook is written. Raises
        ``LookupError`` for a workspace Cobot does not know."""
        with Session(read_only(self.engine)) as session:
            found = queries.find_workspace(session=session, platform=platform, external_id=workspace)
            if found is None:
                raise LookupError(f"no {platform} workspace {workspace!r}")
            yield Scope(session=session, workspace=found, policy=self.policy, now=self.clock())

    def attach_sender(self, transports: Mapping[str, Transport], *, mail: MailTransport | None = None) -> OutboxSender:
        """The outbox sender that delivers this Cobot's messages through ``transports`` (platform → transport),
        and guests' e-mails by SMTP when ``SMTP_URL`` and ``PUBLIC_URL`` are set (or by ``mail``: the console's)."""
        from bot.mail.transport import build_mail_transport

        self.sender = OutboxSender(
            engine=self.engine,
            transports=transports,
            mail=mail or build_mail_transport(self.settings, translators=self.translators, clock=self.clock),
            clock=self.clock,
            policy=self.policy,
            max_attempts=self.settings.behaviour.outbox.max_attempts,
        )
        return self.sender

    def database_answers(self) -> bool:
        """Whether the database answers a trivial query within the configured timeouts (``/healthz``)."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except Exception as error:  # any failure means "not answering"; the reason is logged for the admin
            log.warning("the database does not answer: %s", str(error).splitlines()[0] if str(error) else error)
            return False
        return True

    def wake_sender(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    def close(self) -> None:
        if self.sender is not None:
            self.sender.stop()
        self.engine.dispose()


def build_policy(settings: Settings) -> Policy:
    behaviour = settings.behaviour
    permissions = behaviour.permissions
    reminders = behaviour.reminders
    hours = reminders.working_hours
    return Policy(
        timezone=ZoneInfo(behaviour.timezone),
        admins=frozenset(permissions.admins),
        creators=None if permissions.creators == "everyone" else frozenset(permissions.creators),
        default_volunteers_needed=behaviour.requests.default_volunteers_needed,
        requests_per_hour=behaviour.limits.requests_per_hour,
        public_url=settings.public_url,
        tracking=TrackingRules(
            enabled=behaviour.tracking.enabled,
            source=behaviour.tracking.source,
            medium=behaviour.tracking.medium,
            default_medium=behaviour.tracking.default_medium,
            campaign=behaviour.tracking.campaign,
        ),
        follow_up=FollowUp(
            draft_days_before=tuple(reminders.draft_days_before),
            overdue_reminder=reminders.overdue,
            review_nudge_hours=reminders.review_nudge_hours,
            unfilled_warning_days=reminders.unfilled_warning_days,
            slot_hours_before=tuple(reminders.slot_hours_before),
            empty_slot_warning_days=reminders.empty_slot_warning_days,
            working_hours=WorkingHours(
                start=clock_time(hours.start),
                end=clock_time(hours.end),
                weekdays=frozenset(WEEKDAYS.index(day) for day in hours.days),
            ),
            slots=tuple(
                RecurringSlot(
                    name=slot.name,
                    at=clock_time(slot.time),
                    weekdays=",".join(slot.weekdays) if slot.weekdays else None,
                    day=slot.day,
                    timezone=ZoneInfo(slot.timezone) if slot.timezone else None,
                )
                for slot in behaviour.publishing.slots
            ),
            slot_horizon_days=behaviour.publishing.horizon_days,
            digest_channel=behaviour.digest.channel,
            digest_cron=behaviour.digest.cron,
            results_back_days=behaviour.results_back.after_days,
        ),
        skill_synonyms=tuple(sorted(behaviour.skills.synonyms.items())),
        invite_count=behaviour.skills.invite_count,
        guest_link_days=behaviour.guests.link_days,
        guest_open_within_days=behaviour.guests.open_within_days,
        guest_retention_days=behaviour.guests.retention_days or 0,
        email_configured=settings.guests_possible,
        monthly_ask_limit=behaviour.skills.monthly_ask_limit,
        default_language=behaviour.languages.default,
        channel_languages=dict(behaviour.languages.channels),
    )


def build_translators(settings: Settings) -> Callable[[str], Callable[[str], str]]:
    """Language → translate function, with the reminder texts ``app.yaml`` overrides (in every language)."""
    from bot.runtime.i18n import translator
    from handlers import texts as catalog

    overrides = {getattr(catalog, name): template for name, template in settings.behaviour.reminders.texts.items()}
    made = {language: translator(language, overrides) for language in ("en", "da")}
    return lambda language: made.get(language, made["en"])


def create_app(settings: Settings, *, clock: Callable[[], datetime] = utcnow, engine: Engine | None = None) -> Cobot:
    """Builds Cobot's core from validated settings. The schema must be migrated (``cobot migrate``)."""
    return Cobot(
        settings=settings,
        engine=engine or make_engine(settings.env.database_url, timeouts=settings.behaviour.database.timeouts()),
        policy=build_policy(settings),
        clock=clock,
        translators=build_translators(settings),
        writes=WriteLimiter(per_minute=settings.behaviour.limits.writes_per_minute),
    )


def create_migrated_app(
    settings: Settings, *, clock: Callable[[], datetime] = utcnow, database_url: str | None = None
) -> Cobot:
    """``create_app`` on the database at ``database_url`` (default: the settings' ``DATABASE_URL``), its schema
    upgraded first: for a process that owns its database, such as the console."""
    engine = make_engine(database_url or settings.env.database_url, timeouts=settings.behaviour.database.timeouts())
    try:
        upgrade_to_head(engine)
    except BaseException:
        engine.dispose()
        raise
    return create_app(settings, clock=clock, engine=engine)
