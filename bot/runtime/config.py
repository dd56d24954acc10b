"""Settings: behaviour from ``app.yaml``, secrets and deployment from the environment.

``load_settings`` validates both and raises ``ConfigError`` with one line that names the wrong or missing setting.
Secrets are kept as ``SecretStr`` so they never show up in a repr or a log line.
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from storage.db import Timeouts

DEFAULT_DATABASE_URL = "sqlite:///data/cobot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
OAUTH_REDIRECT_PATH = "/slack/oauth_redirect"  # Bolt's, and the manifest's redirect URL
# Where the Bot Framework publishes the keys that sign the tokens Teams sends with every activity.
DEFAULT_TEAMS_OPENID_METADATA_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
DEFAULT_GRAPH_API_URL = "https://graph.microsoft.com"  # Teams people's departments (bot/teams/graph.py)
DEFAULT_GRAPH_LOGIN_URL = "https://login.microsoftonline.com"
CONFIG_ENV = "COBOT_CONFIG"


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PermissionSettings(_Strict):
    admins: list[str] = Field(default_factory=list)
    creators: Literal["everyone"] | list[str] = "everyone"


class RequestSettings(_Strict):
    default_volunteers_needed: int = Field(default=1, ge=1, le=50)
    # The formats offered in the new-request form (the command accepts any one word).
    formats: list[str] = Field(
        default_factory=lambda: ["post", "article", "blog", "case", "e-book", "newsletter", "video", "podcast"]
    )


class LimitSettings(_Strict):
    """How much one person may do, so one script or stuck key cannot flood a channel (0: no limit)."""

    requests_per_hour: int = Field(default=20, ge=0)  # new content requests one person may post in an hour
    writes_per_minute: int = Field(default=60, ge=0)  # anything that changes something, per person, per process


class DatabaseSettings(_Strict):
    """How long Cobot waits for its database before it tells the person it cannot reach it (never a hang)."""

    connect_timeout_seconds: float = Field(default=2.0, gt=0, le=60)  # opening a connection (PostgreSQL)
    statement_timeout_seconds: float = Field(default=2.0, gt=0, le=600)  # one statement; SQLite: waiting for a lock
    pool_timeout_seconds: float = Field(default=1.0, gt=0, le=60)  # waiting for a free pooled connection

    def timeouts(self) -> Timeouts:
        return Timeouts(
            connect=self.connect_timeout_seconds,
            statement=self.statement_timeout_seconds,
            pool=self.pool_timeout_seconds,
        )


PUBLIC_URL_PATTERN = r"^https?://[^\s/?#]+(/[^\s?#]*)?$"


class ServerSettings(_Strict):
    # The address people reach `cobot serve` at, e.g. https://cobot.example.com (links in calendar feeds).
    public_url: str | None = Field(default=None, pattern=PUBLIC_URL_PATTERN)  # PUBLIC_URL overrides it
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    workers: int = Field(default=2, ge=1, le=64)
    threads: int = Field(default=4, ge=1, le=64)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Texts an app.yaml may override (reminders.texts.<NAME>); each override may use only the original's {fields}.
OVERRIDABLE_TEXTS = (
    "REMINDER_DRAFT_SOON",
    "REMINDER_DRAFT_TOMORROW",
    "REMINDER_DRAFT_TODAY",
    "REMINDER_DRAFT_OVERDUE",
    "OWNER_OVERDUE",
    "OWNER_REVIEW_NUDGE",
    "UNFILLED_WARNING",
    "SLOT_REMINDER",
    "EMPTY_SLOT_WARNING",
)


def clock_time(value: str) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(f"{value!r} is not a time; write it as HH:MM, e.g. 09:00") from None


def _checked_clock_time(value: str) -> str:
    clock_time(value)
    return value


# A local time of day as app.yaml writes it ("09:00"), refused at start when it is not one.
ClockTime = Annotated[str, AfterValidator(_checked_clock_time)]


class WorkingHoursSettings(_Strict):
    start: ClockTime = "09:00"
    end: ClockTime = "17:00"
    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]))

    @field_validator("days")
    @classmethod
    def _are_weekdays(cls, value: list[str]) -> list[str]:
        unknown = [d for d in value if d.lower()[:3] not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown weekdays {unknown}; use mon, tue, wed, thu, fri, sat, sun")
        return [d.lower()[:3] for d in value]


class ReminderSettings(_Strict):
    draft_days_before: list[int] = Field(default_factory=lambda: [3, 1])
    overdue: bool = True
    review_nudge_hours: int = Field(default=48, ge=0)
    unfilled_warning_days: int = Field(default=5, ge=0)
    slot_hours_before: list[int] = Field(default_factory=lambda: [24, 1])
    empty_slot_warning_days: int = Field(default=7, ge=0)
    working_hours: WorkingHoursSettings = Field(default_factory=WorkingHoursSettings)
    tick_seconds: int = Field(default=60, ge=5, le=3600)
    texts: dict[str, str] = Field(default_factory=dict)

    @field_validator("draft_days_before", "slot_hours_before")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(v <= 0 for v in value):
            raise ValueError("offsets must be whole numbers above 0")
        return value

    @field_validator("texts")
    @classmethod
    def _known_texts(cls, value: dict[str, str]) -> dict[str, str]:
        from handlers import texts as catalog

        for name, template in value.items():
            if name not in OVERRIDABLE_TEXTS:
                raise ValueError(f"{name} cannot be overridden; choose from {', '.join(OVERRIDABLE_TEXTS)}")
            allowed = _fields(getattr(catalog, name))
            extra = _fields(template) - allowed
            if extra:
                raise ValueError(f"{name} uses unknown fields {sorted(extra)}; it may use {sorted(allowed)}")
            try:  # fill it in the way the adapters will (every field a string), so it can't fail when sent
                template.format_map(dict.fromkeys(allowed, ""))
            except (ValueError, IndexError, KeyError, AttributeError) as error:
                raise ValueError(f"{name} cannot be filled in ({error}); write each field as {{name}}") from None
        return value


def _fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name}
    except ValueError:
        raise ValueError(f"{template!r} has unbalanced braces") from None


class SlotSettings(_Strict):
    """A recurring publishing slot: on weekdays (``weekdays: [tue, thu]``) or on days of the month (``day: 1st
    mon``, APScheduler's cron day syntax), at a local time."""

    name: str = Field(min_length=1, max_length=60)
    time: ClockTime
    weekdays: list[str] | None = None
    day: str | None = None
    timezone: str | None = None

    @model_validator(mode="after")
    def _valid_rule(self) -> SlotSettings:
        if not self.weekdays and not self.day:
            raise ValueError(f"slot {self.name!r} needs weekdays (e.g. [tue, thu]) or day (e.g. '1st mon')")
        try:
            CronTrigger(
                day_of_week=",".join(self.weekdays) if self.weekdays else None,
                day=self.day,
                hour=0,
                timezone=self.timezone or "UTC",
            )
        except (ValueError, ZoneInfoNotFoundError) as error:
            raise ValueError(f"slot {self.name!r}: {error}") from None
        return self


class PublishingSettings(_Strict):
    slots: list[SlotSettings] = Field(default_factory=list)
    horizon_days: int = Field(default=60, ge=1, le=366)


class DigestSettings(_Strict):
    channel: str | None = None
    cron: str = "0 9 * * mon"

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as error:
            raise ValueError(f"{value!r} is not a crontab expression ({error}); e.g. '0 9 * * mon'") from None
        return value


class ResultsBackSettings(_Strict):
    """The thank-you note with a published piece's results that goes to everyone who helped make it."""

    after_days: int = Field(default=7, ge=0, le=365)  # days after publishing; 0: no notes


class LanguageSettings(_Strict):
    default: Literal["en", "da"] = "en"
    channels: dict[str, Literal["en", "da"]] = Field(default_factory=dict)


class OutboxSettings(_Strict):
    channel_interval_seconds: float = Field(default=1.0, ge=0, le=60)
    # Posts per minute each sending process spreads its messages to (0: as fast as Slack answers until a 429, then
    # at the rate that 429 showed Slack allows: bot.slack.transport.SlackTransport._learn_pace).
    posts_per_minute: int = Field(default=0, ge=0, le=100_000)
    max_attempts: int = Field(default=8, ge=1, le=100)


DEFAULT_SKILL_SYNONYMS = {
    "search engine optimisation": "seo",
    "søgemaskineoptimering": "seo",
    "e-mail": "email",
}


class SkillsSettings(_Strict):
    """The skills directory and invitations to matching colleagues."""

    synonyms: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_SKILL_SYNONYMS))
    invite_count: int = Field(default=3, ge=1, le=20)
    monthly_ask_limit: int = Field(default=4, ge=1, le=100)

    @field_validator("synonyms")
    @classmethod
    def _usable_synonyms(cls, value: dict[str, str]) -> dict[str, str]:
        from handlers.skills import SKILL_LIMIT, clean_skill

        cleaned: dict[str, str] = {}
        for alias, skill in value.items():
            key, target = clean_skill(alias), clean_skill(skill)
            if not key or not target:
                raise ValueError(f"synonym {alias!r}: {skill!r} needs a word on both sides")
            if len(key) > SKILL_LIMIT or len(target) > SKILL_LIMIT:
                raise ValueError(f"synonym {alias!r}: {skill!r} is longer than {SKILL_LIMIT} characters")
            if cleaned.get(key, target) != target:
                raise ValueError(f"{alias!r} is given twice (ignoring case and spaces) with different skills")
            cleaned[key] = target
        for key, target in cleaned.items():
            if target != key and cleaned.get(target, target) != target:
                raise ValueError(
                    f"synonym {key!r} points at {target!r}, which is itself a synonym of {cleaned[target]!r}; "
                    f"point it straight at {cleaned[target]!r}"
                )
        return value


class GuestSenderSettings(_Strict):
    """Who guests' e-mails come from (the From: line)."""

    address: str | None = None
    name: str = Field(default="Cobot", min_length=1, max_length=100)

    @field_validator("address")
    @classmethod
    def _one_address(cls, value: str | None) -> str | None:
        from handlers.parsing import email_address

        if value is not None and email_address(value) is None:
            raise ValueError(f"{value!r} is not one plain e-mail address, e.g. cobot@example.com")
        return value


# The kinds of file a guest may hand in on their page, by what the content is (``handlers.guest_files``).
UPLOAD_TYPES = ("pdf", "docx", "pptx", "xlsx", "odt", "png", "jpeg", "txt", "md")


class GuestUploadSettings(_Strict):
    """Files guests hand in on their page: how big, and of which kinds (checked by content, not by name)."""

    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, le=50 * 1024 * 1024)
    types: list[str] = Field(default_factory=lambda: list(UPLOAD_TYPES), min_length=1)

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = [kind for kind in value if kind not in UPLOAD_TYPES]
        if unknown:
            raise ValueError(f"unknown file type {unknown[0]!r}; Cobot can check these: {', '.join(UPLOAD_TYPES)}")
        return value


class GuestPageSettings(_Strict):
    """The guest's web page (`/guest/<token>`): how many requests one link, and one client address, may make in a
    minute before the page answers 429 and changes nothing."""

    requests_per_minute_per_link: int = Field(default=30, ge=1, le=10_000)
    requests_per_minute_per_address: int = Field(default=120, ge=1, le=100_000)


class GuestSettings(_Strict):
    """People outside the company, invited by e-mail (`/cocreate guest`): how long their personal links work."""

    link_days: int = Field(default=30, ge=1, le=365)  # a link stops working this many days after it was sent
    open_within_days: int = Field(default=7, ge=1, le=365)  # a link never opened stops working after this
    # A guest's e-mail address is deleted this many days after the last request they took part in was published
    # (or closed); 0 or null keeps addresses.
    retention_days: int | None = Field(default=90, ge=0, le=3650)
    sender: GuestSenderSettings = Field(default_factory=GuestSenderSettings)
    uploads: GuestUploadSettings = Field(default_factory=GuestUploadSettings)
    page: GuestPageSettings = Field(default_factory=GuestPageSettings)

    @model_validator(mode="after")
    def _opened_before_it_ends(self) -> GuestSettings:
        if self.open_within_days > self.link_days:
            raise ValueError(
                f"open_within_days ({self.open_within_days}) is longer than link_days ({self.link_days}); "
                "a link cannot wait to be opened longer than it works"
            )
        return self


class RetentionSettings(_Strict):
    """How long Cobot keeps what it no longer needs (``storage.purge``, run by every tick)."""

    # A workspace Cobot was uninstalled from (or lost its token for) is deleted, every row of it, this many days
    # later unless Cobot is back by then; null keeps it until `cobot purge-workspace`.
    uninstalled_days: int | None = Field(default=30, ge=0, le=3650)
    # Slack event ids (the dedupe of retried events) and other once-only marks are deleted after this many days.
    # Slack retries an event for minutes, so even the least allowed keeps every retry taking effect once.
    events_days: int = Field(default=30, ge=2, le=3650)


class TeamsSettings(_Strict):
    """Microsoft Teams: where ``cobot teams`` listens, and what ``cobot teams-manifest`` writes into the app package."""

    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    # The public host name in front of `cobot teams` (the bot endpoint is https://<public_host>/api/messages).
    public_host: str | None = None
    app_name: str = Field(default="Cobot", min_length=1, max_length=30)
    short_description: str = Field(default="Co-create content with your colleagues.", min_length=1, max_length=80)
    full_description: str = Field(
        default=(
            "Cobot recruits colleagues as co-creators of content: post a request with a deadline, colleagues "
            "volunteer and hand in drafts in the request's thread, you review and approve, and a weekly digest "
            "thanks everyone who helped."
        ),
        min_length=1,
        max_length=4000,
    )
    developer_name: str = Field(default="Cobot contributors", min_length=1, max_length=32)
    website_url: str = "https://github.com/cobot-chat/cobot"
    privacy_url: str = "https://github.com/cobot-chat/cobot/blob/main/PRIVACY.md"
    terms_url: str = "https://github.com/cobot-chat/cobot/blob/main/LICENSE"
    accent_color: str = "#4F6BED"
    version: str = "1.0.0"

    @field_validator("public_host")
    @classmethod
    def _bare_host(cls, value: str | None) -> str | None:
        if value is not None and ("/" in value or ":" in value or not value.strip()):
            raise ValueError(f"{value!r} must be a bare host name, e.g. cobot.example.com (no https://, no path)")
        return value

    @field_validator("website_url", "privacy_url", "terms_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError(f"{value!r} must be an https:// URL (Teams refuses others)")
        return value

    @field_validator("accent_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        if len(value) != 7 or not value.startswith("#") or any(c not in "0123456789abcdefABCDEF" for c in value[1:]):
            raise ValueError(f"{value!r} is not a colour; write it as #RRGGBB, e.g. #4F6BED")
        return value

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        pieces = value.split(".")
        if len(pieces) != 3 or not all(p.isdecimal() for p in pieces):
            raise ValueError(f"{value!r} is not a version; write it as 1.0.0")
        return value


# What the analytics server counts per page and day that can be added up day by day (averages and rates cannot).
ANALYTICS_METRICS = ("pageviews", "visitors", "visits", "events")
ANALYTICS_KEY_ENV = "PLAUSIBLE_API_KEY"
_METRIC_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_SITE_ID = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


class AnalyticsSettings(_Strict):
    """The analytics server Cobot asks, once a day, what each published piece on the site earned
    (``bot.runtime.analytics``). Its API key comes from the environment (``PLAUSIBLE_API_KEY``)."""

    provider: Literal["plausible"] = "plausible"
    # Where Plausible runs: https://plausible.io, or your own instance (https://plausible.example.com).
    base_url: str = Field(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    # The site's domain as added to Plausible (example.com); pieces published on it, or on www. it, are polled.
    site_id: str
    poll_at: ClockTime = "06:30"  # local time (app.yaml's timezone) of the daily poll; figures up to yesterday
    # Plausible's metric → the metric Cobot stores it as (lower-case English keys, as `/cocreate results` uses).
    metrics: dict[str, str] = Field(default_factory=lambda: {"pageviews": "views", "visitors": "visitors"})
    published_within_days: int = Field(default=90, ge=1, le=3650)  # only pieces published this recently are polled
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)  # one request to Plausible

    @field_validator("site_id")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.strip().lower()
        if not _SITE_ID.fullmatch(value):
            raise ValueError(f"{value!r} is not a domain; write the site as Plausible names it, e.g. example.com")
        return value

    @field_validator("metrics")
    @classmethod
    def _known_metrics(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("name at least one metric to store, e.g. {pageviews: views}")
        for source, key in value.items():
            if source not in ANALYTICS_METRICS:
                raise ValueError(
                    f"{source!r} is not a daily count Plausible gives; choose from {', '.join(ANALYTICS_METRICS)}"
                )
            if not _METRIC_KEY.fullmatch(key):
                raise ValueError(f"{source}: {key!r} is not a metric key; use lower-case letters, e.g. views")
        if len(set(value.values())) < len(value):
            raise ValueError("two of Plausible's metrics are stored as the same key; give each its own")
        return value


# --- tracked links (`tracking:` in app.yaml) ---------------------------------------------------------------------
TRACKING_SECRET_ENV = "COBOT_TRACKING_SECRET"
# The fields each UTM template may use: the request's number, the booked slot's name (lower case, "-" for spaces)
# and the request's format.
TRACKING_FIELDS = {"source": {"format"}, "medium": {"slot", "format"}, "campaign": {"number", "slot", "format"}}
_UTM_VALUE = re.compile(r"^[\w{}.\-+]{1,100}$")


class TrackingSettings(_Strict):
    """The tracked link Cobot makes for every published piece, ``PUBLIC_URL/r/<code>`` (README, "Tracked links"):
    it redirects to the piece with these UTM parameters added, and counts its readers."""

    enabled: bool = True
    source: str = "cobot"  # utm_source
    medium: str = "{slot}"  # utm_medium of a piece booked into a publishing slot
    default_medium: str = "share"  # utm_medium of a piece booked into no slot
    campaign: str = "cobot-{number}"  # utm_campaign
    # Behind a reverse proxy every reader seems to come from the proxy: then take the reader's address from the
    # last X-Forwarded-For entry, which the proxy adds. Never without a proxy, since anyone can send the header.
    trust_forwarded_for: bool = False

    @model_validator(mode="after")
    def _templates(self) -> TrackingSettings:
        for name, allowed in (*TRACKING_FIELDS.items(), ("default_medium", TRACKING_FIELDS["source"])):
            template = getattr(self, name)
            if not _UTM_VALUE.fullmatch(template):
                raise ValueError(
                    f"tracking.{name}: {template!r} must be 1-100 letters, digits, '-', '_', '.' or {{fields}}"
                )
            extra = _fields(template) - allowed
            if extra:
                raise ValueError(f"tracking.{name} uses unknown fields {sorted(extra)}; it may use {sorted(allowed)}")
        return self


class ProfileSettings(_Strict):
    """Where a person's department comes from on Slack (``bot.slack.profiles``): a custom profile field, by the
    label an admin gave it, else the profile's title read by a pattern. Someone's own `/cocreate department` wins."""

    # The label of the custom profile field that holds the department, e.g. "Department" (needs users.profile:read).
    department_field: str | None = Field(default=None, min_length=1, max_length=100)
    # A regular expression over the profile's title with a named group `department`, used when the field is empty,
    # e.g. "^(?P<department>[^,]+)," reads "Marketing, Content Lead" as Marketing.
    title_pattern: str | None = Field(default=None, min_length=1, max_length=500)

    @field_validator("title_pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            compiled = re.compile(value)
        except re.error as error:
            raise ValueError(f"{value!r} is not a regular expression ({error})") from None
        if "department" not in compiled.groupindex:
            raise ValueError(f"{value!r} has no group (?P<department>...) that names the department")
        return value


class Behaviour(_Strict):
    """Everything ``app.yaml`` may say. Unknown keys are refused so a typo never passes silently."""

    timezone: str = "Europe/Copenhagen"
    permissions: PermissionSettings = Field(default_factory=PermissionSettings)
    requests: RequestSettings = Field(default_factory=RequestSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    publishing: PublishingSettings = Field(default_factory=PublishingSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    results_back: ResultsBackSettings = Field(default_factory=ResultsBackSettings)
    languages: LanguageSettings = Field(default_factory=LanguageSettings)
    skills: SkillsSettings = Field(default_factory=SkillsSettings)
    guests: GuestSettings = Field(default_factory=GuestSettings)
    teams: TeamsSettings = Field(default_factory=TeamsSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    analytics: AnalyticsSettings | None = None  # none: no analytics server is polled
    tracking: TrackingSettings = Field(default_factory=TrackingSettings)

    profiles: ProfileSettings | None = None  # none: departments only from `/cocreate department` and imports

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (use a name like Europe/Copenhagen)") from None
        return value


class Environment(_Strict):
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Installs through OAuth ("Add to Slack", README "Installing through OAuth"), instead of SLACK_BOT_TOKEN.
    slack_client_id: str | None = Field(default=None, pattern=r"^[0-9]+\.[0-9]+$")
    slack_client_secret: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = Field(default=DEFAULT_DATABASE_URL, repr=False)  # may carry a password
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_allow_unauthenticated: bool = False
    teams_openid_metadata_url: str = DEFAULT_TEAMS_OPENID_METADATA_URL
    # Microsoft Graph, asked for Teams people's department and job title; tests point these at a local fake.
    graph_api_url: str = Field(default=DEFAULT_GRAPH_API_URL, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    graph_login_url: str = Field(default=DEFAULT_GRAPH_LOGIN_URL, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    # Where Cobot sends e-mail (guests' invitations), e.g. smtp://user:password@mail.example.com:587; may carry a
    # password. Without it Cobot invites no guests.
    smtp_url: SecretStr | None = None
    # The address people reach `cobot serve` at (guests' pages, calendar feeds), e.g. https://cobot.example.com;
    # overrides app.yaml's server.public_url, since it differs between deployments of one configuration.
    public_url: str | None = Field(default=None, pattern=PUBLIC_URL_PATTERN)
    # The Stats API key of the analytics server that app.yaml's `analytics:` names (Plausible: Settings → API Keys).
    plausible_api_key: SecretStr | None = None
    # The key of the hashes that tell a reader's second click on a tracked link from a new reader's; without it a
    # random secret is made once and kept in the database.
    cobot_tracking_secret: SecretStr | None = None

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        from bot.runtime.email import SmtpSettings

        if value is not None and value.get_secret_value().strip():
            SmtpSettings.from_url(value.get_secret_value())  # its errors never repeat the URL (the password)
        return value

    @field_validator("cobot_tracking_secret")
    @classmethod
    def _tracking_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        secret = value.get_secret_value().strip()
        if len(secret) < 16 or secret.lower() in {"changeme", "change-me", "secret", "your-secret-here"}:
            raise ValueError("must be a random secret of at least 16 characters, e.g. from `openssl rand -hex 32`")
        return SecretStr(secret)

    @field_validator("teams_app_id", "teams_tenant_id")
    @classmethod
    def _guid(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        pieces = value.split("-")
        hexadecimal = all(c in "0123456789abcdefABCDEF" for c in "".join(pieces))
        if [len(p) for p in pieces] != [8, 4, 4, 4, 12] or not hexadecimal:
            raise ValueError(f"{value!r} is not a GUID like 00000000-0000-0000-0000-000000000000 (see Azure Bot)")
        return value

    @field_validator("teams_openid_metadata_url")
    @classmethod
    def _metadata_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, e.g. " + DEFAULT_TEAMS_OPENID_METADATA_URL)
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL, e.g. https://slack.com/api/")
        return value if value.endswith("/") else value + "/"


class Settings(_Strict):
    behaviour: Behaviour = Field(default_factory=Behaviour)
    env: Environment = Field(default_factory=Environment)
    config_path: Path | None = None

    def require_slack_http(self) -> tuple[str, str]:
        """The bot token and signing secret that HTTP mode needs."""
        return self._token("SLACK_BOT_TOKEN", self.env.slack_bot_token, "xoxb-"), self._secret(
            "SLACK_SIGNING_SECRET", self.env.slack_signing_secret
        )

    def require_slack_http_token(self) -> str:
        """The bot token alone: enough to send through the Web API (``cobot tick``)."""
        return self._token("SLACK_BOT_TOKEN", self.env.slack_bot_token, "xoxb-")

    @property
    def slack_oauth_configured(self) -> bool:
        """Installs through OAuth: a client id and no bot token (a bot token keeps the one-workspace mode)."""
        return self.env.slack_client_id is not None and self.env.slack_bot_token is None

    def require_slack_oauth(self) -> SlackOAuthAccess:
        """The app's client id and secret and the signing secret that installs through OAuth need."""
        client_id = self.env.slack_client_id
        if client_id is None:
            raise ConfigError("SLACK_CLIENT_ID is not set; see README, 'Installing through OAuth'")
        public = self.public_url
        return SlackOAuthAccess(
            client_id=client_id,
            client_secret=self._secret("SLACK_CLIENT_SECRET", self.env.slack_client_secret),
            signing_secret=self._secret("SLACK_SIGNING_SECRET", self.env.slack_signing_secret),
            redirect_uri=f"{public}{OAUTH_REDIRECT_PATH}" if public else None,
        )

    def require_slack_socket(self) -> tuple[str, str]:
        """The bot token and app-level token that Socket Mode needs."""
        return self._token("SLACK_BOT_TOKEN", self.env.slack_bot_token, "xoxb-"), self._token(
            "SLACK_APP_TOKEN", self.env.slack_app_token, "xapp-"
        )

    @property
    def email_configured(self) -> bool:
        """Whether Cobot can send e-mail (``SMTP_URL``)."""
        return self.env.smtp_url is not None and bool(self.env.smtp_url.get_secret_value().strip())

    @property
    def public_url(self) -> str | None:
        """Where people reach ``cobot serve``, without a trailing slash: ``PUBLIC_URL``, else app.yaml's."""
        url = self.env.public_url or self.behaviour.server.public_url
        return url.rstrip("/") if url else None

    @property
    def guests_possible(self) -> bool:
        """Guests can be invited only when Cobot can both e-mail them and give them a page to open."""
        return self.email_configured and self.public_url is not None

    def mail_sender(self) -> tuple[str, str]:
        """The address and name guests' e-mails come from: app.yaml's ``guests.sender``, the address by default
        ``cobot@`` the host of the public URL. ``ConfigError`` when neither gives one (a URL on an IP address)."""
        from bot.runtime.email import InvalidAddress, checked_address

        sender = self.behaviour.guests.sender
        if sender.address:
            return sender.address, sender.name
        host = (self.public_url or "").partition("://")[2].partition("/")[0].partition(":")[0]
        try:
            return checked_address(f"cobot@{host}"), sender.name
        except InvalidAddress:
            raise ConfigError(
                f"guests.sender.address: name the address guests' e-mails come from (e.g. cobot@example.com); "
                f"it can't be made from the public URL's host {host[:60]!r}"
            ) from None

    def require_analytics(self) -> tuple[AnalyticsSettings, str]:
        """app.yaml's ``analytics:`` and its API key; ``ConfigError`` when either is missing."""
        analytics = self.behaviour.analytics
        if analytics is None:
            raise ConfigError(
                "analytics is not set up: add an analytics: section to app.yaml (see README, 'Analytics')"
            )
        value = self.env.plausible_api_key
        key = value.get_secret_value().strip() if value is not None else ""
        if not key:
            raise ConfigError(
                f"{ANALYTICS_KEY_ENV} is not set, but app.yaml names an analytics server; set it to a Stats API key "
                "(Plausible: Settings → API Keys) or remove the analytics: section"
            )
        if key.lower() in {"changeme", "change-me", "xxx", "secret", "your-key", "your-secret-here"} or "..." in key:
            raise ConfigError(f"{ANALYTICS_KEY_ENV} still holds a placeholder; set the Stats API key from Plausible")
        return analytics, key

    @property
    def teams_configured(self) -> bool:
        """Whether any Teams setting is given: then ``cobot teams`` (and ``cobot tick``) talk to Teams."""
        env = self.env
        return env.teams_app_id is not None or env.teams_app_password is not None or env.teams_allow_unauthenticated

    def require_teams(self) -> TeamsAccess:
        """What the Teams endpoint needs: the bot's app id and password, or the explicit unauthenticated mode."""
        env = self.env
        if env.teams_allow_unauthenticated:
            return TeamsAccess(
                app_id=env.teams_app_id or "",
                password=None,
                tenant_id=env.teams_tenant_id,
                authenticated=False,
                openid_metadata_url=env.teams_openid_metadata_url,
            )
        if env.teams_app_id is None:
            raise ConfigError(
                "TEAMS_APP_ID is not set; see README, 'Microsoft Teams' (or TEAMS_ALLOW_UNAUTHENTICATED=true "
                "for local development only)"
            )
        return TeamsAccess(
            app_id=env.teams_app_id,
            password=self._teams_password(env.teams_app_password),
            tenant_id=env.teams_tenant_id,
            authenticated=True,
            openid_metadata_url=env.teams_openid_metadata_url,
        )

    @staticmethod
    def _teams_password(value: SecretStr | None) -> str:
        secret = value.get_secret_value().strip() if value is not None else ""
        if not secret:
            raise ConfigError(
                "TEAMS_APP_PASSWORD is not set (the client secret of the bot's app registration); "
                "see README, 'Microsoft Teams'"
            )
        if secret.lower() in {"changeme", "change-me", "xxx", "secret", "your-secret-here"} or "..." in secret:
            raise ConfigError("TEAMS_APP_PASSWORD still holds a placeholder; set the client secret from Azure")
        return secret

    @staticmethod
    def _token(name: str, value: SecretStr | None, prefix: str) -> str:
        secret = Settings._secret(name, value)
        if not secret.startswith(prefix):
            raise ConfigError(f"{name} must start with {prefix!r} (copy it from your Slack app's settings)")
        return secret

    @staticmethod
    def _secret(name: str, value: SecretStr | None) -> str:
        if value is None or not value.get_secret_value().strip():
            raise ConfigError(f"{name} is not set; see README, 'Connect to Slack'")
        secret = value.get_secret_value().strip()
        if secret.lower() in {"changeme", "change-me", "xxx", "secret", "your-secret-here"} or "..." in secret:
            raise ConfigError(f"{name} still holds a placeholder; set the real value from your Slack app")
        return secret


@dataclass(frozen=True)
class SlackOAuthAccess:
    """The Slack app's OAuth credentials, validated. ``redirect_uri`` is where Slack sends the installer back
    (``PUBLIC_URL`` + ``/slack/oauth_redirect``), None to let Slack use the app's first redirect URL."""

    client_id: str
    client_secret: str = field(repr=False)
    signing_secret: str = field(repr=False)
    redirect_uri: str | None


@dataclass(frozen=True)
class TeamsAccess:
    """The Teams credentials, validated. ``authenticated`` False is the local-development mode in which incoming
    activities are not checked and outgoing calls carry no token."""

    app_id: str
    password: str | None = field(repr=False)
    tenant_id: str | None
    authenticated: bool
    openid_metadata_url: str


def find_config(explicit: Path | None, environ: Mapping[str, str]) -> Path | None:
    """``--config``, else ``$COBOT_CONFIG``, else ``./app.yaml`` if it exists, else built-in defaults."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"--config {explicit}: no such file")
        return explicit
    if environ.get(CONFIG_ENV):
        path = Path(environ[CONFIG_ENV])
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV}={path}: no such file")
        return path
    local = Path("app.yaml")
    return local if local.is_file() else None


def load_settings(config: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    path = find_config(config, environ)
    raw: Any = {}
    if path is not None:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" line {mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}{where}: not valid YAML") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    try:
        behaviour = Behaviour.model_validate(raw)
    except ValidationError as error:
        raise ConfigError(f"{path or 'app.yaml'}: {_first_problem(error)}") from None
    env_values = {
        key.lower(): environ[key]
        for key in (
            "SLACK_BOT_TOKEN",
            "SLACK_SIGNING_SECRET",
            "SLACK_APP_TOKEN",
            "SLACK_CLIENT_ID",
            "SLACK_CLIENT_SECRET",
            "SLACK_API_URL",
            "DATABASE_URL",
            "TEAMS_APP_ID",
            "TEAMS_APP_PASSWORD",
            "TEAMS_TENANT_ID",
            "TEAMS_ALLOW_UNAUTHENTICATED",
            "TEAMS_OPENID_METADATA_URL",
            "GRAPH_API_URL",
            "GRAPH_LOGIN_URL",
            "SMTP_URL",
            "PUBLIC_URL",
            ANALYTICS_KEY_ENV,
            TRACKING_SECRET_ENV,
        )
        if environ.get(key)
    }
    try:
        env = Environment.model_validate(env_values)
    except ValidationError as error:
        raise ConfigError(f"environment: {_first_problem(error, upper=True)}") from None
    settings = Settings(behaviour=behaviour, env=env, config_path=path)
    if behaviour.analytics is not None:
        settings.require_analytics()  # an analytics server without its key would fail every night: refuse at start
    return settings


def _first_problem(error: ValidationError, *, upper: bool = False) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem["loc"])
    where = where.upper() if upper else where
    message = problem["msg"].removeprefix("Value error, ")
    return f"{where}: {message}"
