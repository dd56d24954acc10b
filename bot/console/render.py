"""Rendering Cobot's neutral texts, cards and notices for a terminal.

Texts use Slack-flavoured markup (``*bold*``, ``_italic_``, backticks, ``:emoji:``); here bold becomes ANSI bold
on a colour terminal and plain text in a pipe. People are shown by name, days and moments in the workspace's time
zone, so a transcript reads like the conversation a Slack user would see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.cards import part_line, people_line, status_facts
from handlers.dates import format_day, format_moment
from handlers.results import (
    Action,
    CardView,
    ChannelRef,
    Day,
    Holder,
    Link,
    Moment,
    Notice,
    Param,
    Text,
    UserRef,
    as_sentence,
    t,
)

EMOJI = {":raised_hand:": "✋", ":tada:": "🎉"}


@dataclass(frozen=True)
class Style:
    color: bool

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.color else text

    def dim(self, text: str) -> str:
        return f"\033[2m{text}\033[0m" if self.color else text

    def accent(self, text: str) -> str:
        return f"\033[36m{text}\033[0m" if self.color else text

    def button(self, text: str) -> str:
        return f"\033[33m{text}\033[0m" if self.color else text


class ConsoleRenderer:
    def __init__(
        self,
        *,
        names: Callable[[str], str],
        timezone: ZoneInfo,
        style: Style,
        translators: Callable[[str], Callable[[str], str]] = lambda language: lambda msgid: msgid,
    ) -> None:
        self.names = names
        self.timezone = timezone
        self.style = style
        self.translators = translators

    def text(self, text: Text, language: str | None = None) -> str:
        """The text in ``language`` (English by default). Markup applies to the template only, so stars or
        underscores a person typed stay as they are."""
        language = language or "en"
        return as_sentence(text, text.template(self.translators(language)), self._text(text, language))

    def _text(self, text: Text, language: str) -> str:
        values = {name: self._value(value, language) for name, value in text.params.items()}
        return self._markup(text.template(self.translators(language))).format_map(values)

    def _value(self, value: Param, language: str) -> str:
        if isinstance(value, UserRef):
            if value.stand_in is not None:
                return self._text(value.stand_in, language)
            return "@" + self.names(value.user_id)
        if isinstance(value, ChannelRef):
            return value.channel_id  # console channels are named "#marketing"
        if isinstance(value, Day):
            return format_day(value.value, language=language)
        if isinstance(value, Moment):
            return format_moment(value.value, language=language, timezone=self.timezone)
        if isinstance(value, Link):
            return self.style.accent(value.url) if value.opens else value.url
        if isinstance(value, Text):
            return self._text(value, language)
        return str(value)

    def _markup(self, text: str) -> str:
        for code, emoji in EMOJI.items():
            text = text.replace(code, emoji)
        text = re.sub(r"\*([^*\n]+)\*", lambda m: self.style.bold(m.group(1)), text)
        return re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", lambda m: self.style.dim(m.group(1)), text)

    def label(self, action: Action, language: str | None = None) -> str:
        label = action.label if isinstance(action.label, Text) else t(action.label)
        return self.text(label, language)

    def card(self, view: CardView, language: str | None = None) -> list[str]:
        lines = [self.style.bold(f"#{view.number} {view.title}")]
        if view.brief:
            lines.extend(view.brief.splitlines()[:8])
        facts = [
            self.text(t(texts.CARD_DEADLINE, deadline=Day(view.deadline)), language),
            self.text(t(texts.CARD_OWNER, owner=UserRef(view.owner)), language),
        ]
        if view.format:
            facts.append(self.text(t(texts.CARD_FORMAT, format=view.format), language))
        if view.skills:
            facts.append(self.text(t(texts.CARD_SKILLS, skills=", ".join(view.skills)), language))
        capacity = sum(p.capacity for p in view.parts) if view.parts else view.needed
        facts.append(self.text(t(texts.CARD_VOLUNTEERS, count=view.volunteer_count, needed=capacity), language))
        if view.waiting_count:
            facts.append(self.text(t(texts.CARD_WAITLIST, count=view.waiting_count), language))
        facts.extend(self.text(fact, language) for fact in status_facts(view))
        lines.append(" · ".join(facts))
        if view.parts:
            for part in view.parts:
                line = part_line(
                    part,
                    mention=self._mention,
                    render=lambda text: self.text(text, language),
                    guests=view.guests,
                )
                lines.append(f"  {line}")
        else:
            lines.append(self._people(view.holders, view.waiting, language, view.guests))
        if view.derived_from is not None:
            lines.append(self.style.dim(self.text(t(texts.CARD_DERIVED, number=view.derived_from), language)))
        return lines

    def _people(
        self, holders: tuple[Holder, ...], waiting: tuple[str, ...], language: str | None, guests: Mapping[str, str]
    ) -> str:
        return people_line(
            holders, waiting, mention=self._mention, render=lambda text: self.text(text, language), guests=guests
        )

    def _mention(self, user_id: str) -> str:
        return "@" + self.names(user_id)

    def notice(self, notice: Notice, language: str | None = None) -> list[str]:
        lines = self.text(notice.text, language).splitlines()
        if notice.quote:
            lines.extend("  > " + line for line in notice.quote.splitlines())
        if notice.link:
            lines.append("  " + self.style.accent(notice.link))
        if notice.settled is not None:
            lines.append(self.style.dim(self.text(notice.settled, language)))
        return lines


def names_from(mapping: Mapping[str, str]) -> Callable[[str], str]:
    return lambda user_id: mapping.get(user_id, user_id)
