"""Cobot's neutral texts as plain text for a web page, in the reader's language: chat markup dropped from the
template, people by name, days and moments as the reader's language writes them. The page's templates escape the
result (Jinja's autoescape), so nothing a person typed is ever markup."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.dates import format_day, format_moment
from handlers.results import ChannelRef, Day, Link, Moment, Param, Text, UserRef, t


class PageText:
    def __init__(
        self,
        *,
        translate: Callable[[str], str],
        language: str,
        timezone: ZoneInfo,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.translate = translate
        self.language = language
        self.timezone = timezone
        self.names = dict(names or {})

    def __call__(self, text: Text | str, /, **params: Param) -> str:
        """A ``Text``, or a message id with its parameters (as the templates call it: ``say(texts.X, n=1)``)."""
        made = text if isinstance(text, Text) else t(text, **params)
        values = {name: self._value(value) for name, value in made.params.items()}
        template = made.template(self.translate).replace("`", "").replace("*", "")
        return template.format_map(values)

    def day(self, value: date) -> str:
        return format_day(value, language=self.language)

    def moment(self, value: datetime) -> str:
        return format_moment(value, language=self.language, timezone=self.timezone)

    def _value(self, value: Param) -> str:
        if isinstance(value, Text):
            return self(value)
        if isinstance(value, UserRef):
            return self.names.get(value.user_id, "")
        if isinstance(value, ChannelRef):
            return "#" + value.channel_id
        if isinstance(value, Day):
            return format_day(value.value, language=self.language)
        if isinstance(value, Moment):
            return format_moment(value.value, language=self.language, timezone=self.timezone)
        if isinstance(value, Link):
            return value.url
        return str(value)
