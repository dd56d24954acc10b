"""Teams' ids, read without a database: a channel thread's conversation id and its root message, the short key
Cobot uses for a conversation (as ``channel_id``), the id it knows a user by, and a conversation reference trimmed
to what proactive messages need.

Teams ids are long (a 1:1 chat's id runs to well over a hundred characters), while the rest of Cobot keeps channel
ids of at most 64; ``conversation_key`` gives every conversation a short key that is stable and needs no lookup.
"""

from __future__ import annotations

import hashlib
from typing import Any

THREAD_MARK = ";messageid="
KEY_LIMIT = 64
PERSONAL = "personal"
CHANNEL = "channel"
GROUP_CHAT = "groupChat"


def base_conversation(conversation_id: str) -> str:
    """A channel thread's conversation id (``19:…@thread.tacv2;messageid=123``) without the thread part."""
    return conversation_id.split(THREAD_MARK, 1)[0]


def thread_root(conversation_id: str) -> str | None:
    """The id of the first message of the channel thread a conversation id points into, if it does."""
    _, mark, root = conversation_id.partition(THREAD_MARK)
    return root or None if mark else None


def in_thread(conversation_id: str, root: str) -> str:
    return f"{base_conversation(conversation_id)}{THREAD_MARK}{root}"


def conversation_key(conversation_id: str) -> str:
    """The short id Cobot uses for a conversation (as ``channel_id``): the id itself when short enough."""
    base = base_conversation(conversation_id)
    if len(base) <= KEY_LIMIT:
        return base
    return "h:" + hashlib.sha256(base.encode()).hexdigest()[:40]


def short_user_id(teams_id: str, aad_object_id: str | None) -> str:
    """The id Cobot knows a Teams user by: their Entra object id (the same in every chat and channel), or, where a
    channel sends none (the Bot Framework Emulator), their Teams id, hashed if it is too long."""
    if aad_object_id:
        return aad_object_id
    if len(teams_id) <= KEY_LIMIT:
        return teams_id
    return "h:" + hashlib.sha256(teams_id.encode()).hexdigest()[:40]


def stored_reference(reference: dict[str, Any], *, conversation_type: str) -> dict[str, Any]:
    """What is kept of an activity's conversation reference: the conversation itself (not a thread in it), and in a
    channel or group chat nothing about who spoke last."""
    conversation_id = base_conversation(str(reference["conversation"]["id"]))
    reference = {**reference, "conversation": {**reference["conversation"], "id": conversation_id}}
    reference.pop("activityId", None)
    if conversation_type != PERSONAL:
        # Who spoke last (and their locale) says nothing about where to write; kept, it would rewrite the row for
        # every new speaker.
        reference.pop("user", None)
        reference.pop("locale", None)
    return reference
