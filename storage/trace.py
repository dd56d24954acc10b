"""The request id of the work in hand (Slack's ``event_id``, or one made up for a command or a button), kept in a
context variable so that whatever a request queues in the outbox carries it (``TRACE_KEY`` in the payload) and the
sender's log lines about that message name it too: one id to follow a click to the message it caused.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

TRACE_KEY = "trace"

request_id: ContextVar[str | None] = ContextVar("cobot_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextmanager
def tracing(value: str | None) -> Iterator[None]:
    """Runs the block with ``value`` as the request id (None: none)."""
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


def traced(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with the current request id added, when there is one (a copy; the caller's dict is left alone)."""
    current = request_id.get()
    if current is None or TRACE_KEY in payload:
        return payload
    return {**payload, TRACE_KEY: current}
