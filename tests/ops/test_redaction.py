"""No log line carries a secret: the configured ones (tokens, signing secret, passwords in URLs) and anything shaped
like a Slack token are replaced by ``[redacted]`` in the message, its arguments and its traceback, in the plain
and the JSON format alike."""

from __future__ import annotations

import io
import json
import logging

from bot.runtime.config import Environment
from bot.runtime.logs import JsonFormatter, Redactor, settings_secrets
from storage.trace import tracing

SECRET = "8f14e45fceea167a5a36dedd4bea2543"
TOKEN = "xoxb-1234-5678-abcdefABCDEF"


def logged(redactor: Redactor, emit: object) -> list[dict[str, object]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(redactor)
    logger = logging.getLogger("cobot.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        emit(logger)  # type: ignore[operator]
    finally:
        logger.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_configured_secrets_and_token_shapes_are_redacted_everywhere_in_a_line() -> None:
    env = Environment.model_validate(
        {
            "slack_bot_token": TOKEN,
            "slack_signing_secret": SECRET,
            "database_url": "postgresql+psycopg://cobot:pg-pass-word@db/cobot",
        }
    )
    redactor = Redactor(settings_secrets(env))

    def emit(logger: logging.Logger) -> None:
        logger.info("signing with %s for %s", SECRET, "T0001")
        logger.warning("someone pasted xoxp-9999-8888-secretvalue into a form")
        try:
            raise RuntimeError(f"could not connect to postgresql+psycopg://cobot:pg-pass-word@db/cobot with {TOKEN}")
        except RuntimeError:
            logger.exception("start failed")
        with tracing("Ev0123ABC"):
            logger.info("handled")

    lines = logged(redactor, emit)
    text = json.dumps(lines)
    for secret in (SECRET, TOKEN, "pg-pass-word", "xoxp-9999-8888-secretvalue"):
        assert secret not in text
    assert lines[0]["message"] == "signing with [redacted] for T0001"
    assert "postgresql+psycopg://cobot:[redacted]@db/cobot" in str(lines[2]["error"])
    assert lines[3]["request_id"] == "Ev0123ABC"
    assert "request_id" not in lines[0]
