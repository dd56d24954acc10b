"""Turning neutral ``Text`` values into Slack mrkdwn, safely.

Everything that is not markup Cobot means to send is escaped (``&``, ``<``, ``>``), both the message templates
and the user-supplied parameters, so a title like ``<!channel> hi`` is shown as text and pings nobody. Markup is
added only for typed parameters: a ``UserRef`` becomes a mention and a ``Day`` a date token that every reader sees
in their own time zone and format.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, time

from handlers.results import ChannelRef, Day, Link, Moment, Param, Text, UserRef, as_sentence

Translate = Callable[[str], str]

LINK_PARAM_LIMIT = 1800  # a link inside a text, with room left in a 2000-character card field for its label


def identity(msgid: str) -> str:
    return msgid


def escape(text: str) -> str:
    """Slack's three control characters, escaped as its docs require."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def date_token(day: Day) -> str:
    # Noon UTC lands on the same calendar day in every time zone from UTC-11 to UTC+11.
    moment = datetime.combine(day.value, time(12, 0), tzinfo=UTC)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}}|{day.value.isoformat()}>"


def moment_token(moment: Moment) -> str:
    fallback = moment.value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.value.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def link_token(url: str) -> str:
    """A link to ``url`` that Slack shows as the address itself. Escaping keeps a ``<!channel>`` in the address
    from pinging anyone, and ``|`` (which would start the link's label) is percent-encoded."""
    safe = escape(truncate(url, 2000)).replace("|", "%7C")
    return f"<{safe}>"


def render(text: Text, translate: Translate = identity) -> str:
    """The text as mrkdwn: template and parameters escaped, mentions and dates as Slack tokens."""
    return as_sentence(text, text.template(translate), _mrkdwn(text, translate))


def _mrkdwn(text: Text, translate: Translate) -> str:
    values = {name: _mrkdwn_value(value, translate) for name, value in text.params.items()}
    return escape(text.template(translate)).format_map(values)


def render_plain(text: Text, translate: Translate = identity, names: dict[str, str] | None = None) -> str:
    """The text without markup, for places that show plain text (modal field errors, notification fallbacks)."""
    return as_sentence(text, text.template(translate), _plain(text, translate, names or {}))


def _plain(text: Text, translate: Translate, names: dict[str, str]) -> str:
    values = {name: _plain_value(value, translate, names) for name, value in text.params.items()}
    return text.template(translate).format_map(values).replace("`", "").replace("*", "")


def _mrkdwn_value(value: Param, translate: Translate) -> str:
    if isinstance(value, UserRef):
        stand_in = value.stand_in
        return _mrkdwn(stand_in, translate) if stand_in is not None else f"<@{value.user_id}>"
    if isinstance(value, ChannelRef):
        return f"<#{value.channel_id}>"
    if isinstance(value, Day):
        return date_token(value)
    if isinstance(value, Moment):
        return moment_token(value)
    if isinstance(value, Link):
        token = link_token(value.url)
        # A link is shown whole or not at all: one that a field's 2000 characters would cut is shown as text.
        if value.opens and len(token) <= LINK_PARAM_LIMIT:
            return token
        return escape(truncate(value.url, 200))
    if isinstance(value, Text):
        return _mrkdwn(value, translate)
    return escape(str(value))


def _plain_value(value: Param, translate: Translate, names: dict[str, str]) -> str:
    if isinstance(value, UserRef):
        stand_in = value.stand_in
        if stand_in is not None:
            return _plain(stand_in, translate, names)
        return "@" + names.get(value.user_id, value.user_id)
    if isinstance(value, ChannelRef):
        return "#" + value.channel_id.lstrip("#")
    if isinstance(value, Day):
        return value.value.isoformat()
    if isinstance(value, Moment):
        return value.value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, Link):
        return value.url
    if isinstance(value, Text):
        return _plain(value, translate, names)
    return str(value)


def truncate(text: str, limit: int, suffix: str = "…") -> str:
    return text if len(text) <= limit else text[: limit - len(suffix)] + suffix


def shorten_to_fit(text: str, limit: int, shown: Callable[[str], str] = escape, suffix: str = "…") -> str:
    """``shown(text)`` in at most ``limit`` characters. When it is too long, ``text`` itself is cut (and ends in
    ``suffix``) before it is shown, so the cut never falls inside an entity or a mention that escaping made."""
    if len(shown(text)) <= limit:
        return shown(text)
    low, high = 0, len(text)  # the longest prefix that fits; shown() never gets shorter as the prefix grows
    while low < high:
        middle = (low + high + 1) // 2
        if len(shown(text[:middle] + suffix)) <= limit:
            low = middle
        else:
            high = middle - 1
    return shown(text[:low] + suffix)
