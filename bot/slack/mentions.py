"""Slack's ways of writing a person, turned into the core's mention token (``handlers.commands.MENTION``).

Slash commands and messages already carry ``<@U0123|name>``, which is the token. People writing a plan in Excel type
a bare member id (``U0123``, ``@U0123``, from a profile's "Copy member ID"); this turns those into ``<@U0123>`` so the
core needs no Slack id pattern of its own.
"""

from __future__ import annotations

import re

# Slack member ids: U… (or W… on Enterprise Grid), upper-case letters and digits.
_MEMBER_ID = re.compile(r"^<?@?([UW][A-Z0-9]{2,})(\|[^>]*)?>?$")


def as_mention(text: str) -> str:
    """``U0123``, ``@U0123`` or ``<@U0123|nina>`` as a mention token; any other text unchanged."""
    found = _MEMBER_ID.match(text.strip())
    if found is None:
        return text
    return f"<@{found.group(1)}{found.group(2) or ''}>"
