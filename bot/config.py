"""Settings: behaviour from ``app.yaml``, secrets and deployment from the environment.

``load_settings`` validates both and raises ``ConfigError`` with one line that names the wrong or missing setting.
Secrets are kept as ``SecretStr`` so they never show up in a repr or a log line.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

DEFAULT_DATABASE_URL = "sqlite:///data/cobot.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
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


class ServerSettings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=1, le=65535)
    workers: int = Field(default=2, ge=1, le=64)
    threads: int = Field(default=4, ge=1, le=64)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Texts an app.yaml may override (reminders.texts.<NAME>); each override may use only the original's {fields}.
OVERRIDABLE_TEXTS = (
    "REMINDER_DRAFT_SOON",
    "REMINDER_DRAFT_TOMORROW",
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


class WorkingHoursSettings(_Strict):
    start: str = "09:00"
    end: str = "17:00"
    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS[:5]))

    @field_validator("start", "end")
    @classmethod
    def _is_time(cls, value: str) -> str:
        clock_time(value)
        return value

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
    time: str
    weekdays: list[str] | None = None
    day: str | None = None
    timezone: str | None = None

    @field_validator("time")
    @classmethod
    def _is_time(cls, value: str) -> str:
        clock_time(value)
        return value

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


class OutboxSettings(_Strict):
    channel_interval_seconds: float = Field(default=1.0, ge=0, le=60)
    max_attempts: int = Field(default=8, ge=1, le=100)


class Behaviour(_Strict):
    """Everything ``app.yaml`` may say. Unknown keys are refused so a typo never passes silently."""

    timezone: str = "Europe/Copenhagen"
    permissions: PermissionSettings = Field(default_factory=PermissionSettings)
    requests: RequestSettings = Field(default_factory=RequestSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    reminders: ReminderSettings = Field(default_factory=ReminderSettings)
    publishing: PublishingSettings = Field(default_factory=PublishingSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)

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
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = Field(default=DEFAULT_DATABASE_URL, repr=False)  # may carry a password

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

    def require_slack_socket(self) -> tuple[str, str]:
        """The bot token and app-level token that Socket Mode needs."""
        return self._token("SLACK_BOT_TOKEN", self.env.slack_bot_token, "xoxb-"), self._token(
            "SLACK_APP_TOKEN", self.env.slack_app_token, "xapp-"
        )

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
            "SLACK_API_URL",
            "DATABASE_URL",
        )
        if environ.get(key)
    }
    try:
        env = Environment.model_validate(env_values)
    except ValidationError as error:
        raise ConfigError(f"environment: {_first_problem(error, upper=True)}") from None
    return Settings(behaviour=behaviour, env=env, config_path=path)


def _first_problem(error: ValidationError, *, upper: bool = False) -> str:
    problem = error.errors()[0]
    where = ".".join(str(p) for p in problem["loc"])
    where = where.upper() if upper else where
    message = problem["msg"].removeprefix("Value error, ")
    return f"{where}: {message}"
