"""Modal submissions: a draft handed in through the form, the owner's feedback when asking for changes, and a
later date when a volunteer needs more time. Each is the button's meaning (``handlers.actions.press``) with the
typed value.

Problems with the input come back as field errors in the open modal (``response_action: errors``); on success the
modal closes and the person gets a confirmation by DM.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.slack import ids
from bot.slack.listeners.common import act, reply_later, translate_for
from bot.slack.render import render_plain, truncate
from handlers.actions import press
from handlers.messages import Person
from handlers.results import ActionKind

# callback_id → (what the modal's submit button means, the input block, its element, the value's key)
MODALS: dict[str, tuple[ActionKind, str, str, str]] = {
    ids.SUBMIT_DRAFT_VIEW: (ActionKind.SUBMIT_DRAFT, ids.DRAFT_BLOCK, ids.DRAFT_INPUT, "value"),
    ids.REQUEST_CHANGES_VIEW: (ActionKind.REQUEST_CHANGES, ids.FEEDBACK_BLOCK, ids.FEEDBACK_INPUT, "value"),
    ids.EXTEND_VIEW: (ActionKind.NEED_MORE_TIME, ids.EXTEND_BLOCK, ids.EXTEND_INPUT, "selected_date"),
}


def register(app: App) -> None:
    for callback_id in MODALS:
        app.view(callback_id)(modal_submitted)


def modal_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    kind, block, element, key = MODALS[str(view["callback_id"])]
    values = (view.get("state") or {}).get("values") or {}
    typed = str(values.get(block, {}).get(element, {}).get(key) or "")
    # The modal was opened for one request or draft; its id travels in private_metadata.
    subject = str(view.get("private_metadata") or "")
    reply = act(context, lambda ctx: press(ctx, kind, subject, form_value=typed))
    if reply.refusal:
        message = render_plain(reply.texts[0], translate_for(context, reply.language))
        ack(response_action="errors", errors={block: truncate(message, 300)})
        return
    ack()
    reply_later(context, reply, to=Person(str(context.user_id)), key=f"view:{view.get('id')}:{context.user_id}")
