"""Cobot's neutral texts as plain text, for places without chat markup: the terminal (``cobot import`` and
``cobot export``), spreadsheet cells and calendar entries.

Markup belongs to the template only (``*bold*`` and backticks are dropped from it); parameters, which may be what
a person typed, are inserted as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from zoneinfo import ZoneInfo

from handlers.results import ChannelRef, Day, Link, Moment, Param, Text, UserRef, as_sentence

Translate = Callable[[str], str]


def identity(msgid: str) -> str:
    return msgid


def plain(text: Text, translate: Translate = identity, *, timezone: ZoneInfo | None = None) -> str:
    """``text`` without markup; moments in ``timezone`` (else UTC)."""
    return as_sentence(text, text.template(translate), _plain(text, translate, timezone))


def _plain(text: Text, translate: Translate, timezone: ZoneInfo | None) -> str:
    values = {name: _value(value, translate, timezone) for name, value in text.params.items()}
    return text.template(translate).replace("`", "").replace("*", "").format_map(values)


def _value(value: Param, translate: Translate, timezone: ZoneInfo | None) -> str:
    if isinstance(value, Text):
        return _plain(value, translate, timezone)
    if isinstance(value, UserRef):
        if value.stand_in is not None:
            return _plain(value.stand_in, translate, timezone)
        return "@" + value.user_id
    if isinstance(value, ChannelRef):
        return "#" + value.channel_id
    if isinstance(value, Day):
        return value.value.isoformat()
    if isinstance(value, Moment):
        if timezone is None:
            return value.value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return value.value.astimezone(timezone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Link):
        return value.url
    return str(value)
