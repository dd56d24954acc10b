"""Cobot's logs: one format for Cobot, gunicorn and the libraries, plain text by default and one JSON object a line
with ``LOG_FORMAT=json`` (for a log shipper). Every line carries the request id of the work in hand
(``storage.trace``), and no line carries a secret: ``Redactor`` replaces the configured tokens, secrets and
passwords, and anything shaped like a Slack token, before a handler writes the line.

Two libraries are quieted at the default level: APScheduler says "Running job …" and "… executed successfully"
every minute, and slack-bolt warns that ``SLACK_BOT_TOKEN`` "will be unused" because Cobot hands it a client.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from storage import trace

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_id_suffix)s: %(message)s"
FORMATS = ("text", "json")
MASK = "[redacted]"
# Slack tokens (bot, user, app-level, configuration, refresh) whatever their source: a token pasted into an error.
_TOKEN_SHAPES = re.compile(r"\b(?:xox[abeoprs]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{6,}")
# A password in a URL: postgresql://cobot:secret@db/cobot, smtp://user:secret@mail.
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]+:)(?P<password>[^@\s]+)(?=@)", re.IGNORECASE)
QUIETED = {"apscheduler": logging.WARNING, "alembic": logging.WARNING, "microsoft_agents": logging.WARNING}


class LogFormatError(ValueError):
    pass


def log_format(environ: dict[str, str] | None = None) -> str:
    """``LOG_FORMAT`` (text or json, default text)."""
    value = (environ if environ is not None else os.environ).get("LOG_FORMAT", "text").strip().lower() or "text"
    if value not in FORMATS:
        raise LogFormatError(f"LOG_FORMAT={value!r}: use text (the default) or json")
    return value


class Redactor(logging.Filter):
    """Replaces secrets in a record's message and traceback with ``[redacted]``; also adds ``request_id``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: tuple[str, ...] = ()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is masked whole; short values would mask ordinary words.
        found = {*self.secrets, *(secret for secret in secrets if secret and len(secret) >= 6)}
        self.secrets = tuple(sorted(found, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        text = _TOKEN_SHAPES.sub(MASK, text)
        return _URL_PASSWORD.sub(lambda match: match.group("head") + MASK, text)

    def filter(self, record: logging.LogRecord) -> bool:
        current = getattr(record, "request_id", None) or trace.request_id.get()
        record.request_id = current
        record.request_id_suffix = f" [{current}]" if current else ""
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO-8601), level, logger, message, request_id, and error (a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class _PlainFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id_suffix"):
            record.request_id_suffix = ""
        return super().format(record)


_redactor = Redactor()


def redactor() -> Redactor:
    """The process's redacting filter (``configure`` installs it on the root logger's handler)."""
    return _redactor


def configure(*, fmt: str = "text", level: int = logging.INFO, secrets: Iterable[str] = ()) -> None:
    """Sets up the root logger: one handler on stderr in ``fmt``, the redacting filter with ``secrets`` on it. Like
    ``logging.basicConfig``, it leaves a root logger that someone else set up (a test runner) as it is."""
    _redactor.add(secrets)
    for name, quiet in QUIETED.items():
        logging.getLogger(name).setLevel(quiet)
    root = logging.getLogger()
    ours = [handler for handler in root.handlers if getattr(handler, "cobot", False)]
    if len(ours) < len(root.handlers):
        return
    for old in ours:
        root.removeHandler(old)
    handler = logging.StreamHandler()
    handler.cobot = True  # type: ignore[attr-defined]
    handler.setFormatter(JsonFormatter() if fmt == "json" else _PlainFormatter(PLAIN_FORMAT))
    handler.addFilter(_redactor)
    root.addHandler(handler)
    root.setLevel(level)


def settings_secrets(env: object) -> list[str]:
    """Every secret in the environment settings (``bot.runtime.config.Environment``): tokens, secrets, passwords,
    keys, and the password in ``DATABASE_URL``."""
    from sqlalchemy.engine import make_url

    found: list[str] = []
    for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token", "teams_app_password", "smtp_url"):
        value = getattr(env, name, None)
        if value is not None:
            found.append(value.get_secret_value())
    key = getattr(env, "plausible_api_key", None)
    if key is not None:
        found.append(key.get_secret_value())
    try:
        password = make_url(str(getattr(env, "database_url", ""))).password
    except Exception:  # a URL that does not parse has no password to hide here; the start refuses it anyway
        password = None
    if password:
        found.append(str(password))
    return found
