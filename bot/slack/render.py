"""Turning neutral ``Text`` values into Slack mrkdwn, safely.

Everything that is not markup Cobot means to send is escaped (``&``, ``<``, ``>``), both the message templates
and the user-supplied parameters, so a title like ``<!channel> hi`` is shown as text and pings nobody. Markup is
added only for typed parameters: a ``UserRef`` becomes a mention and a ``Day`` a date token that every reader sees
in their own time zone and format.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from handlers.results import Day, Param, Text, UserRef

Translate = Callable[[str], str]


def identity(msgid: str) -> str:
    return msgid


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def date_token(day: Day) -> str:
    # Noon UTC lands on the same calendar day in every time zone from UTC-11 to UTC+11.
    moment = datetime.combine(day.value, time(12, 0), tzinfo=UTC)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}}|{day.value.isoformat()}>"


def render(text: Text, translate: Translate = identity) -> str:
    """The text as mrkdwn: template and parameters escaped, mentions and dates as Slack tokens."""
    values = {name: _mrkdwn_value(value, translate) for name, value in text.params.items()}
    return escape(translate(text.msgid)).format_map(values)


def render_plain(text: Text, translate: Translate = identity, names: dict[str, str] | None = None) -> str:
    """The text without markup, for places that show plain text (modal field errors, notification fallbacks)."""
    names = names or {}
    values = {name: _plain_value(value, translate, names) for name, value in text.params.items()}
    return translate(text.msgid).format_map(values).replace("`", "").replace("*", "")


def _mrkdwn_value(value: Param, translate: Translate) -> str:
    if isinstance(value, UserRef):
        return f"<@{value.user_id}>"
    if isinstance(value, Day):
        return date_token(value)
    if isinstance(value, Text):
        return render(value, translate)
    return escape(str(value))


def _plain_value(value: Param, translate: Translate, names: dict[str, str]) -> str:
    if isinstance(value, UserRef):
        return "@" + names.get(value.user_id, value.user_id)
    if isinstance(value, Day):
        return value.value.isoformat()
    if isinstance(value, Text):
        return render_plain(value, translate, names)
    return str(value)


def truncate(text: str, limit: int, suffix: str = "…") -> str:
    return text if len(text) <= limit else text[: limit - len(suffix)] + suffix
