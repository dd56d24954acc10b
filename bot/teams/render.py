"""Turning Cobot's neutral ``Text`` values into what Teams shows: Adaptive Card markdown, or message markdown.

The message templates use Slack-flavoured markup (``*bold*``, ``_italic_``, backticks, ``:emoji:``); here bold
becomes ``**bold**``, emoji codes become emoji, and the Slack command prefix ``/cocreate`` in examples becomes what
a Teams user types: nothing in a 1:1 chat, ``@Cobot`` in a channel. Markup applies to the template only: what a
person typed (titles, drafts, feedback) is escaped so it can neither format nor link nor mention.

A ``UserRef`` becomes a real Teams mention (``<at>Name</at>`` plus a mention entity naming the person's id); a
``Day`` in a card becomes Adaptive Cards' ``{{DATE()}}`` function, which every reader sees in their own locale.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from handlers.dates import format_day, format_moment
from handlers.results import Action, Day, Link, Moment, Param, Text, UserRef, as_sentence

Translate = Callable[[str], str]
Mode = Literal["card", "message"]

EMOJI = {":raised_hand:": "✋", ":tada:": "🎉", ":wave:": "👋"}
SLACK_COMMAND = "/cocreate"


def identity(msgid: str) -> str:
    return msgid


@dataclass(frozen=True)
class Person:
    """How to mention someone: the id Teams knows them by (``29:…``, or their Entra object id) and a name."""

    mention_id: str
    name: str


@dataclass
class Rendered:
    text: str
    mentions: list[dict[str, Any]] = field(default_factory=list)

    def merge(self, other: Rendered) -> str:
        for mention in other.mentions:
            if mention not in self.mentions:
                self.mentions.append(mention)
        return other.text


def no_people(user_id: str) -> Person | None:
    return None


class TeamsRenderer:
    """Renders texts for one reader's conversation: ``command_prefix`` is what commands start with there."""

    def __init__(
        self,
        *,
        translate: Translate = identity,
        people: Callable[[str], Person | None] = no_people,
        command_prefix: str = "",
        timezone: ZoneInfo | None = None,
        language: str | None = None,
    ) -> None:
        self.translate = translate
        self.people = people
        self.command_prefix = command_prefix
        self.timezone = timezone or ZoneInfo("UTC")
        # Days and moments in the reader's language: given, or the translator's (``bot.runtime.i18n.Translator``).
        self.language = language or str(getattr(translate, "language", "en"))

    # --- rich text -------------------------------------------------------------------------------------

    def render(self, text: Text, mode: Mode = "card") -> Rendered:
        """The text as markdown for an Adaptive Card TextBlock (``card``) or a Teams message (``message``)."""
        result = self._render(text, mode)
        result.text = as_sentence(text, text.template(self.translate), result.text)
        return result

    def _render(self, text: Text, mode: Mode) -> Rendered:
        result = Rendered("")
        values = {name: result.merge(self._value(value, mode)) for name, value in text.params.items()}
        result.text = self._markup(text.template(self.translate), mode).format_map(_Defaulting(values))
        return result

    def mention(self, user_id: str, mode: Mode = "card") -> Rendered:
        return self._value(UserRef(user_id), mode)

    def _value(self, value: Param, mode: Mode) -> Rendered:
        if isinstance(value, UserRef):
            if value.stand_in is not None:
                return self._render(value.stand_in, mode)
            person = self.people(value.user_id)
            if person is None:
                return Rendered("@" + escape(value.user_id, mode))
            shown = f"<at>{escape(person.name, mode)}</at>"
            mention = {"type": "mention", "text": shown, "mentioned": {"id": person.mention_id, "name": person.name}}
            return Rendered(shown, [mention])
        if isinstance(value, Day):
            return Rendered(day_text(value, mode, language=self.language))
        if isinstance(value, Moment):
            return Rendered(self._moment(value, mode))
        if isinstance(value, Link):
            return Rendered(markdown_link(value.url, mode) if value.opens else escape(value.url, mode))
        if isinstance(value, Text):
            return self._render(value, mode)
        # Any other parameter (a number, untrusted text, a reference Teams has no markup for) is shown as text.
        return Rendered(escape(_plain_param(value), mode))

    def _moment(self, moment: Moment, mode: Mode) -> str:
        if mode == "card":
            stamp = moment.value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            return f"{{{{DATE({stamp}, SHORT)}}}} {{{{TIME({stamp})}}}}"
        return format_moment(moment.value, language=self.language, timezone=self.timezone)

    def _markup(self, template: str, mode: Mode) -> str:
        """Slack mrkdwn in a template → Teams markdown. Braces are left alone: the template is filled in after."""
        for code, emoji in EMOJI.items():
            template = template.replace(code, emoji)
        template = template.replace(SLACK_COMMAND + " ", self.command_prefix).replace(
            SLACK_COMMAND, self.command_prefix.strip() or "help"
        )
        template = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"**\1**", template)
        if mode == "card":
            # Adaptive Cards have no inline code; quotation marks set commands apart just as well.
            template = re.sub(r"`([^`\n]+)`", r"“\1”", template)
        return template

    # --- plain text ------------------------------------------------------------------------------------

    def plain(self, text: Text) -> str:
        """The text without markup: button titles, dialog titles, notification previews."""
        return as_sentence(text, text.template(self.translate), self._plain(text))

    def _plain(self, text: Text) -> str:
        values = {name: self._plain_value(value) for name, value in text.params.items()}
        template = text.template(self.translate)
        for code, emoji in EMOJI.items():
            template = template.replace(code, emoji)
        template = template.replace(SLACK_COMMAND + " ", self.command_prefix)
        return template.format_map(_Defaulting(values)).replace("`", "").replace("*", "")

    def _plain_value(self, value: Param) -> str:
        if isinstance(value, UserRef):
            if value.stand_in is not None:
                return self._plain(value.stand_in)
            person = self.people(value.user_id)
            return "@" + (person.name if person else value.user_id)
        if isinstance(value, Day):
            return format_day(value.value, language=self.language)
        if isinstance(value, Moment):
            return format_moment(value.value, language=self.language, timezone=self.timezone)
        if isinstance(value, Link):
            return value.url
        if isinstance(value, Text):
            return self._plain(value)
        return _plain_param(value)

    def label(self, action: Action) -> str:
        label = action.label if isinstance(action.label, Text) else Text(action.label)
        return self.plain(label)


class _Defaulting(dict[str, str]):
    """A template naming a field the handler did not fill shows the field's name instead of failing the send."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _plain_param(value: object) -> str:
    for attribute in ("channel_id", "user_id", "value"):
        inner = getattr(value, attribute, None)
        if isinstance(inner, str):
            return inner
    return str(value)


def day_text(day: Day, mode: Mode, *, language: str = "en") -> str:
    if mode == "card":
        # Noon UTC lands on the same calendar day in every time zone from UTC-11 to UTC+11.
        moment = datetime.combine(day.value, time(12, 0), tzinfo=UTC)
        return f"{{{{DATE({moment.strftime('%Y-%m-%dT%H:%M:%SZ')}, SHORT)}}}}"
    return format_day(day.value, language=language)


_MARKDOWN = re.compile(r"([\\*_\[\]`~])")
_AT_TAG = re.compile(r"<(/?at\b)", re.IGNORECASE)


def escape(text: str, mode: Mode = "card") -> str:
    """Untrusted text, shown as typed: no bold, no links, no mentions, no HTML.

    Teams messages are HTML underneath, so ``&``, ``<`` and ``>`` become entities there; Adaptive Cards show HTML
    as text, but their markdown would turn ``*x*`` or ``[x](y)`` into formatting, so those are backslash-escaped.
    """
    if mode == "message":
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return _MARKDOWN.sub(r"\\\1", text)
    text = _AT_TAG.sub("<\u200b\\1", text)  # an <at> typed by a person must not become a mention
    text = text.replace("{{", "{\u200b{")  # nor a {{DATE()}} function
    return _MARKDOWN.sub(r"\\\1", text)


def markdown_link(url: str, mode: Mode = "card") -> str:
    """A markdown link to ``url`` whose text is the address itself, safe against brackets in the address: an
    ``<at>`` or a ``{{DATE()}}`` in it is percent-encoded, so it can neither mention nor be filled in."""
    safe = truncate(url, 2000)
    for character in " ()<>{}":
        safe = safe.replace(character, f"%{ord(character):02X}")
    return f"[{escape(truncate(url, 200), mode)}]({safe})"


def truncate(text: str, limit: int, suffix: str = "…") -> str:
    return text if len(text) <= limit else text[: limit - len(suffix)] + suffix
