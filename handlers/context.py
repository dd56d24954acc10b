"""The context every handler runs in: who acts, in which workspace, under which rules, and at what time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlmodel import Session

from storage.models import Member, Workspace


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9, 0)
    end: time = time(17, 0)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0


@dataclass(frozen=True)
class RecurringSlot:
    """A publishing slot that repeats, e.g. LinkedIn on Tuesdays and Thursdays at 10:00."""

    name: str
    at: time
    weekdays: str | None = None  # APScheduler day_of_week expression: "tue,thu"
    day: str | None = None  # APScheduler day expression: "1st mon", "15"
    timezone: ZoneInfo | None = None


@dataclass(frozen=True)
class FollowUp:
    """When Cobot follows up: reminders, nudges, warnings and the digest."""

    draft_days_before: tuple[int, ...] = (3, 1)
    overdue_reminder: bool = True
    review_nudge_hours: int = 48
    unfilled_warning_days: int = 5
    slot_hours_before: tuple[int, ...] = (24, 1)
    empty_slot_warning_days: int = 7
    working_hours: WorkingHours = field(default_factory=WorkingHours)
    slots: tuple[RecurringSlot, ...] = ()
    slot_horizon_days: int = 60
    digest_channel: str | None = None
    digest_cron: str = "0 9 * * mon"
    results_back_days: int = 7  # days after publishing that helpers hear what their piece earned (0: never)


@dataclass(frozen=True)
class TrackingRules:
    """The tracked links of published pieces (app.yaml ``tracking:``): whether Cobot makes them, and the templates of
    the UTM parameters they add (fields: ``{number}``, ``{slot}``, ``{format}``)."""

    enabled: bool = True
    source: str = "cobot"
    medium: str = "{slot}"
    default_medium: str = "share"
    campaign: str = "cobot-{number}"


@dataclass(frozen=True)
class Policy:
    """Behaviour settings the handlers need, taken from ``app.yaml``."""

    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Copenhagen"))
    admins: frozenset[str] = frozenset()
    # None means everyone may post requests; otherwise only these user ids (and admins).
    creators: frozenset[str] | None = None
    default_volunteers_needed: int = 1
    requests_per_hour: int = 0  # new requests one person may post in an hour (0: any number)
    follow_up: FollowUp = field(default_factory=FollowUp)
    default_language: str = "en"
    public_url: str | None = None  # where people reach `cobot serve` (calendar feeds, web pages), if app.yaml says
    # Channel id → language of what Cobot posts there (cards, thread replies, digests).
    channel_languages: Mapping[str, str] = field(default_factory=dict)
    languages: tuple[str, ...] = ("en", "da")
    tracking: TrackingRules = field(default_factory=TrackingRules)

    def language_of(self, member: Member | None) -> str:
        """A member's language: their choice in Cobot, else their Slack locale if Cobot speaks it, else the
        workspace default."""
        if member is not None:
            if member.language in self.languages:
                return str(member.language)
            spoken = (member.locale or "").split("-")[0].split("_")[0].casefold()
            if spoken in self.languages:
                return spoken
        return self.default_language

    def language_of_channel(self, channel_id: str | None) -> str:
        return self.channel_languages.get(channel_id or "", self.default_language)

    # Skills directory and invitations (app.yaml `skills:`): synonym → skill pairs, how many colleagues one
    # "Invite matching colleagues" asks, and how often one person may be asked in 30 days.
    skill_synonyms: tuple[tuple[str, str], ...] = ()
    invite_count: int = 3
    monthly_ask_limit: int = 4
    # Guests (app.yaml `guests:`): how long a guest's link works, and how long one never opened does; and whether
    # Cobot can send e-mail at all (SMTP_URL), without which no guest is invited.
    guest_link_days: int = 30
    guest_open_within_days: int = 7
    # Days after the last request a guest took part in was published (or closed) that their e-mail address is
    # deleted (``handlers.erasure.apply_retention``); 0 keeps addresses.
    guest_retention_days: int = 90
    email_configured: bool = False

    def may_create(self, user_id: str) -> bool:
        return self.creators is None or user_id in self.creators or user_id in self.admins


@dataclass
class Scope:
    """A workspace at a moment: enough for work nobody in particular asked for (reminders, the digest)."""

    session: Session
    workspace: Workspace
    policy: Policy
    now: datetime  # aware, UTC

    @property
    def workspace_id(self) -> int:
        assert self.workspace.id is not None
        return self.workspace.id

    def today(self) -> date:
        """Today in the workspace's time zone: what "a date in the past" is measured against."""
        return self.now.astimezone(self.policy.timezone).date()


@dataclass
class Ctx(Scope):
    """A scope with a person acting in it (and, where it applies, the channel they act in)."""

    actor: Member = field(kw_only=True)
    channel_id: str | None = field(default=None, kw_only=True)

    @property
    def actor_id(self) -> int:
        assert self.actor.id is not None
        return self.actor.id

    def is_admin(self, member: Member | None = None) -> bool:
        return (member or self.actor).user_id in self.policy.admins
