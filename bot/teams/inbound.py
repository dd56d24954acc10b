"""Reading what Teams sends: who acts, in which tenant and conversation, and what they typed.

Command text is handed to the shared ``/cocreate`` grammar (``handlers.commands.parse_command``) in the form it
expects, which is Slack's: a person typed ``&``, ``<`` and ``>`` arrive as ``&amp;``, ``&lt;``, ``&gt;``, and a
mention is a ``<@id|name>`` token. Teams sends HTML-ish text instead (``<at>Anna</at>`` with a mention entity,
``<p>`` paragraphs, entities like ``&amp;``), so mentions are swapped for tokens first, the remaining markup is
taken out, and what is left is escaped the way Slack escapes it. Nothing a person types can become a mention
token: only Teams' mention entities do.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity

from bot.teams.ids import GROUP_CHAT, PERSONAL, base_conversation, conversation_key, short_user_id, thread_root
from handlers.drafts import DraftContent

LOCAL_TENANT = "local"  # the Bot Framework Emulator and Teams' local test tool send no tenant
FILE_TYPES = ("reference", "application/vnd.microsoft.teams.file.download.info")
CHANNEL_DELETED = "channelDeleted"
CHANNEL_EVENTS = frozenset({"channelCreated", "channelRenamed", "channelRestored", CHANNEL_DELETED})


@dataclass(frozen=True)
class Where:
    """Who sent an activity, from which tenant and conversation."""

    tenant: str
    conversation_id: str  # as received: a channel thread's id ends in ;messageid=<first message>
    conversation_type: str  # "personal", "channel" or "groupChat"
    user_teams_id: str
    user_id: str  # the id Cobot knows the person by (their Entra object id)
    user_name: str
    bot_id: str

    @property
    def key(self) -> str:
        return conversation_key(self.conversation_id)

    @property
    def thread_root(self) -> str | None:
        return thread_root(self.conversation_id)

    @property
    def base_conversation(self) -> str:
        return base_conversation(self.conversation_id)

    @property
    def is_personal(self) -> bool:
        return self.conversation_type == PERSONAL


@dataclass(frozen=True)
class MentionRef:
    text: str  # exactly as it appears in the message text, e.g. "<at>Anna Bæk</at>"
    teams_id: str
    name: str
    aad_object_id: str | None


def where(activity: Activity) -> Where | None:
    """The activity's sender and conversation, or None when it lacks them (nothing Cobot can act on)."""
    sender, conversation = activity.from_property, activity.conversation
    if sender is None or not sender.id or conversation is None or not conversation.id:
        return None
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = conversation.tenant_id or (channel_data.get("tenant") or {}).get("id") or LOCAL_TENANT
    kind = conversation.conversation_type or (GROUP_CHAT if conversation.is_group else PERSONAL)
    return Where(
        tenant=str(tenant)[:64],
        conversation_id=str(conversation.id),
        conversation_type=str(kind),
        user_teams_id=str(sender.id),
        user_id=short_user_id(str(sender.id), sender.aad_object_id),
        user_name=str(sender.name or ""),
        bot_id=str(activity.recipient.id) if activity.recipient and activity.recipient.id else "",
    )


@dataclass(frozen=True)
class ChannelEvent:
    """A channel of a team created, renamed, deleted or restored. Teams sends these in the team's General channel
    (the activity's conversation) and names the channel they are about in ``channelData.channel``."""

    channel_id: str
    name: str | None
    deleted: bool


def channel_event(activity: Activity) -> ChannelEvent | None:
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    event_type, channel = channel_data.get("eventType"), channel_data.get("channel") or {}
    if event_type not in CHANNEL_EVENTS or not channel.get("id"):
        return None
    name = str(channel["name"]) if channel.get("name") else None
    return ChannelEvent(channel_id=str(channel["id"]), name=name, deleted=event_type == CHANNEL_DELETED)


def channel_name(activity: Activity) -> str | None:
    """The name of the channel the activity was sent in, when Teams says it."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    channel = channel_data.get("channel") or {}
    here = base_conversation(str(activity.conversation.id)) if activity.conversation else ""
    if channel.get("id") and channel.get("id") != here:
        return None  # another channel of the team: a channel event names it (see channel_event)
    name = channel.get("name")
    if name:
        return str(name)
    team = channel_data.get("team") or {}
    if channel.get("id") and channel.get("id") == team.get("id"):
        return "General"  # a team's first channel shares the team's id and comes without a name
    return None


def client_info(activity: Activity) -> tuple[str | None, str | None]:
    """The sender's time zone and locale, as their Teams client reports them."""
    timezone, locale = activity.local_timezone, activity.locale
    for entity in _entities(activity):
        if entity.get("type") == "clientInfo":
            timezone = entity.get("timezone") or timezone
            locale = entity.get("locale") or locale
    return (str(timezone)[:64] if timezone else None), (str(locale)[:16] if locale else None)


def mentions(activity: Activity) -> list[MentionRef]:
    found = []
    for entity in _entities(activity):
        mentioned = entity.get("mentioned") or {}
        if entity.get("type") == "mention" and mentioned.get("id") and entity.get("text"):
            found.append(
                MentionRef(
                    text=str(entity["text"]),
                    teams_id=str(mentioned["id"]),
                    name=str(mentioned.get("name") or ""),
                    aad_object_id=mentioned.get("aadObjectId"),
                )
            )
    return found


def mentions_bot(activity: Activity, where: Where) -> bool:
    return any(m.teams_id == where.bot_id for m in mentions(activity))


_PLACEHOLDER = "\x00{}\x00"
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def command_text(text: str, found: list[MentionRef], *, bot_id: str, users: Mapping[str, str]) -> tuple[str, bool]:
    """Teams message text → the Slack-style text the shared grammar reads, and whether the bot was mentioned.

    ``users`` maps Teams ids of mentioned people to Cobot user ids; a mention of someone not in it becomes plain
    ``@Name``, which the grammar resolves by name or refuses politely.
    """
    tokens: list[str] = []
    mentioned_bot = False
    position = 0
    for mention in found:
        at = text.find(mention.text, position)
        if at == -1:
            continue
        if mention.teams_id == bot_id:
            token = ""
            mentioned_bot = True
        elif mention.teams_id in users:
            # The grammar splits on spaces, so the token's label (shown where the text is quoted) is a first name.
            label = re.sub(r"[|<>&]", "", mention.name).split()
            token = f"<@{users[mention.teams_id]}|{label[0]}>" if label else f"<@{users[mention.teams_id]}>"
        else:
            token = "@" + slack_escape(mention.name)
        placeholder = _PLACEHOLDER.format(len(tokens))
        tokens.append(token)
        text = text[:at] + placeholder + text[at + len(mention.text) :]
        position = at + len(placeholder)
    plain = html.unescape(_TAG.sub("", _BREAK.sub("\n", text))).replace("\xa0", " ")
    escaped = slack_escape(plain)
    for index, token in enumerate(tokens):
        escaped = escaped.replace(_PLACEHOLDER.format(index), token)
    return escaped.replace("\x00", "").strip(), mentioned_bot


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def draft_content(activity: Activity, text: str) -> DraftContent:
    """A thread reply as a draft: its text (``text`` is already plain), and a shared file, whose link is added to
    the text so the owner can open it."""
    for raw in activity.attachments or []:
        item = raw.model_dump(by_alias=True, exclude_none=True) if hasattr(raw, "model_dump") else dict(raw)
        if item.get("contentType") not in FILE_TYPES:
            continue
        content = item.get("content") or {}
        url = str(item.get("contentUrl") or content.get("downloadUrl") or "")
        unique = str(content.get("uniqueId") or "") or hashlib.sha256(url.encode()).hexdigest()[:40]
        if url and url not in text:
            text = f"{text}\n{url}".strip()
        return DraftContent(text=text, file_id=unique[:64], file_name=str(item.get("name") or "")[:255] or None)
    return DraftContent(text=text)


def action_data(value: Any) -> dict[str, Any] | None:
    """The data of a pressed button: an Action.Execute invoke's ``action.data``, an Action.Submit's ``value``, or
    a dialog's ``data``; None when it is not one of Cobot's buttons."""
    if not isinstance(value, dict):
        return None
    for candidate in (
        value.get("action", {}).get("data") if isinstance(value.get("action"), dict) else None,
        value.get("data"),
        value,
    ):
        if isinstance(candidate, dict) and isinstance(candidate.get("cobot"), str):
            return candidate
    return None


def _entities(activity: Activity) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for entity in activity.entities or []:
        found.append(entity.model_dump(by_alias=True, exclude_none=True, mode="json"))
    return found
